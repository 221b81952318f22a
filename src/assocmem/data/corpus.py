"""Text corpora for the experiments on natural text (Sections 6.1 and 6.3).

Resolution order: an explicit path; ``$ASSOCMEM_DATA_DIR/gutenberg`` (CI points the variable at
``../shared/data``); otherwise a clearly labelled fallback that the project generates itself: text
sampled from the question-formation grammar, so that the book builds on a fresh machine with no
data. Every result states which corpus it used (:attr:`Corpus.name`).

Two layouts are read: a directory of plain-text books (``*.txt``), and the Standardized Project
Gutenberg Corpus's ``tokens`` files (one lower-cased word token per line, ``*_tokens.txt``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assocmem.data import data_dir
from assocmem.data import question_formation as qf
from assocmem.paths import shown

FALLBACK_NAME = "fallback: text generated from the question-formation grammar (no Gutenberg data)"


@dataclass
class Corpus:
    name: str
    documents: list[str]

    @property
    def n_chars(self) -> int:
        return sum(len(d) for d in self.documents)


def load_text_dir(path: Path) -> Corpus:
    """Plain-text books (``*.txt``) or SPGC token files (``*_tokens.txt``) in a directory."""
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"corpus directory not found: {path}")
    files = sorted(path.glob("*.txt"))
    if not files:
        raise ValueError(f"corpus directory {path} holds no .txt files")
    documents = []
    for file in files:
        text = file.read_text(encoding="utf-8", errors="replace")
        if file.name.endswith("_tokens.txt"):  # SPGC layout: one token per line
            text = " ".join(line.strip() for line in text.splitlines() if line.strip())
        if text.strip():
            documents.append(text)
    if not documents:
        raise ValueError(f"corpus directory {path} holds only empty files")
    return Corpus(f"{path.name} ({len(documents)} documents from {shown(path)})", documents)


def fallback_corpus(n_sentences: int = 60_000, seed: int = 0) -> Corpus:
    """Generated text: paragraphs of sentences sampled from the question-formation grammar."""
    rng = np.random.default_rng(seed)
    sentences = [" ".join(qf.sample_declarative(rng)) for _ in range(n_sentences)]
    documents = [" ".join(sentences[i:i + 2000]) for i in range(0, n_sentences, 2000)]
    return Corpus(FALLBACK_NAME, documents)


def resolve_corpus(path: str | Path | None = None) -> Corpus:
    """The corpus at ``path``, else Gutenberg under ``$ASSOCMEM_DATA_DIR``, else the fallback."""
    if path:
        return load_text_dir(Path(path))
    root = data_dir()
    if root is not None and (root / "gutenberg").is_dir():
        return load_text_dir(root / "gutenberg")
    return fallback_corpus()


def load_openwebtext(max_documents: int | None = None) -> Corpus:
    """OpenWebText through the `datasets` package (the paper preset of Section 6.1).

    Never downloads silently in the book: offline, or without the package, it fails at once and
    says what it would fetch.
    """
    try:
        import datasets
    except ImportError as error:
        raise RuntimeError("the paper preset reads OpenWebText with the `datasets` package "
                           "(pip install datasets), which would then download the corpus "
                           "(8,013,769 documents, tens of GB) from the Hugging Face Hub") from error
    try:
        split = "train" if max_documents is None else f"train[:{max_documents}]"
        texts = datasets.load_dataset("openwebtext", split=split)["text"]
    except Exception as error:  # offline: the datasets library raises several kinds
        raise RuntimeError("OpenWebText is not available offline: load_dataset('openwebtext') "
                           "would download 8,013,769 documents (tens of GB) from the Hugging "
                           "Face Hub. Use preset 'cpu' or pass corpus_path.") from error
    return Corpus("OpenWebText", list(texts))
