"""Section 6.3's text pipeline: a tokenizer, the corpus as one token stream, the split (the last
5% of tokens validate), nested training prefixes measured in tokens.

Tokenizers: ``"gpt2"`` is GPT-2's BPE (the paper's; loaded with ``from_pretrained`` from a local
copy or the Hub, and offline it fails at once saying so); ``"bpe-<V>"`` is a byte-level BPE with
``V`` tokens that Hugging Face ``tokenizers`` trains on the training part of the text and caches.
Token streams are cached too (``runs/tokens``), so that the runs of a chapter tokenize once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np

from assocmem.data import data_dir
from assocmem.data.corpus import Corpus, fallback_corpus, load_text_dir
from assocmem.paths import runs_root

FALLBACK = "fallback"
# bump when a change alters the token streams: it is part of every cache key and run config
PIPELINE_VERSION = 2
VAL_FRACTION = 0.05
# a trained BPE sees this leading fraction of the characters: the 5% of tokens that validate
# begin near 95% of the characters, and the margin keeps all of them unseen (checked)
TOKENIZER_FRACTION = 1 - VAL_FRACTION - 0.01
_BPE = re.compile(r"^bpe-(\d+)$")
MIN_CORPUS_LETTERS = 1_000  # a corpus with fewer letters is no text to train on
MAX_UNDECODABLE = 0.001  # a text file may hold stray bytes (two Gutenberg books hold 2-5);
#                          random bytes decode to about 40% replacement characters


def corpus_argument(path: str | Path | None = None) -> dict[str, str]:
    """Pin down which corpus a run reads: ``{"corpus": <dir or "fallback">, "fingerprint": ..,
    "bytes": <size of its text files, 0 for the fallback>}``.

    ``path`` when given, else ``$ASSOCMEM_DATA_DIR/gutenberg`` when present, else the fallback.
    The fingerprint (a hash of the files' names, sizes and contents) goes into the run's
    configuration, so a cached run is never reused for other text.
    """
    if path:
        folder = Path(path).resolve()
        if not folder.is_dir():
            raise FileNotFoundError(f"argument 'corpus_path': directory not found: {path}")
    else:
        root = data_dir()
        if root is None or not (root / "gutenberg").is_dir():
            return {"corpus": FALLBACK, "fingerprint": "fallback-v1", "bytes": 0}
        folder = (root / "gutenberg").resolve()
    digest = hashlib.sha256()
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise ValueError(f"argument 'corpus_path': {folder} holds no .txt files")
    size, letters = 0, 0
    for file in files:
        content = file.read_bytes()
        text = content.decode("utf-8", errors="replace")  # as load_text_dir reads it
        bad = text.count("\ufffd")
        if bad > MAX_UNDECODABLE * max(1, len(text)):
            raise ValueError(f"argument 'corpus_path': {file} is not UTF-8 text ({bad:,} of "
                             f"{len(text):,} characters undecodable): a corpus is a folder of "
                             f"text files")
        digest.update(file.name.encode())
        digest.update(content)
        size += len(content)
        letters += sum(ch.isalpha() for ch in text)
    if letters < MIN_CORPUS_LETTERS:
        raise ValueError(f"argument 'corpus_path': {folder} holds {letters:,} letters in its "
                         f".txt files; a corpus needs at least {MIN_CORPUS_LETTERS:,}")
    return {"corpus": str(folder), "fingerprint": digest.hexdigest()[:16], "bytes": size}


def load_corpus(corpus: str) -> Corpus:
    """The corpus named by :func:`corpus_argument`'s ``corpus`` field."""
    return fallback_corpus() if corpus == FALLBACK else load_text_dir(Path(corpus))


def arrange(corpus: Corpus, piece_chars: int = 0, seed: int = 0) -> str:
    """The corpus as one text. With ``piece_chars`` > 0, every document is cut into pieces of
    about that many characters (at a space) and the pieces are shuffled with ``seed``, so that
    each prefix and the validation tail mix all documents; 0 keeps the documents in order (the
    paper's SPGC layout)."""
    if piece_chars < 0:
        raise ValueError(f"argument 'piece_chars' must be >= 0; got {piece_chars}")
    if piece_chars == 0:
        return "\n\n".join(corpus.documents)
    pieces = []
    for doc in corpus.documents:
        start = 0
        while start < len(doc):
            end = doc.find(" ", start + piece_chars)
            end = len(doc) if end < 0 else end
            pieces.append(doc[start:end].strip())
            start = end
    order = np.random.default_rng(seed).permutation(len(pieces))
    return "\n\n".join(pieces[i] for i in order if pieces[i])


def gpt2_tokenizer():
    """GPT-2's tokenizer via ``from_pretrained("gpt2")`` (local cache, or the Hub when online)."""
    from transformers import AutoTokenizer

    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    try:
        return AutoTokenizer.from_pretrained("gpt2", local_files_only=offline)
    except OSError as error:
        raise RuntimeError("tokenizer 'gpt2' is not available offline: from_pretrained('gpt2') "
                           "would download its vocabulary and merges (about 1.4 MB) from the "
                           "Hugging Face Hub. Use tokenizer 'bpe-<V>' (trained locally)."
                           ) from error


def train_bpe(text: str, vocab_size: int):
    """A byte-level BPE (``tokenizers``) with ``vocab_size`` tokens, ``<|endoftext|>`` = id 0."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    if vocab_size < 257 + 1:
        raise ValueError(f"argument 'tokenizer': a byte-level BPE needs >= 258 tokens; "
                         f"got {vocab_size}")
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    lines = text.split("\n")
    tokenizer.train_from_iterator(lines, trainer=trainer, length=len(lines))
    return tokenizer


def _encode(tokenizer, text: str) -> list[int]:
    pieces = [text[i:i + 100_000] for i in range(0, len(text), 100_000)]
    if hasattr(tokenizer, "encode_batch"):  # a `tokenizers` Tokenizer
        return [i for enc in tokenizer.encode_batch(pieces) for i in enc.ids]
    return [i for p in pieces for i in tokenizer(p, add_special_tokens=False)["input_ids"]]


def token_stream(corpus: str, tokenizer: str = "bpe-4096", piece_chars: int = 0,
                 seed: int = 0, fingerprint: str = "") -> tuple[np.ndarray, int, str]:
    """(token ids, vocabulary size, corpus name) of the whole arranged corpus, cached.

    A ``bpe-<V>`` tokenizer is trained on the first ``TOKENIZER_FRACTION`` of the characters,
    and it is checked that the validation tail (the last ``VAL_FRACTION`` of the tokens) lies
    wholly after them.
    """
    match = _BPE.match(tokenizer)
    if tokenizer != "gpt2" and not match:
        raise ValueError(f"argument 'tokenizer' must be 'gpt2' or 'bpe-<V>'; got {tokenizer!r}")
    key = hashlib.sha256(json.dumps([corpus, fingerprint, tokenizer, piece_chars, seed,
                                     PIPELINE_VERSION])
                         .encode()).hexdigest()[:16]
    folder = runs_root() / "tokens"
    ids_path, meta_path = folder / f"{key}.npy", folder / f"{key}.json"
    if ids_path.exists() and meta_path.exists():  # the name is the current one: a cached
        meta = json.loads(meta_path.read_text())  # name can hold another machine's path
        return np.load(ids_path), meta["vocab_size"], load_corpus(corpus).name
    source = load_corpus(corpus)
    text = arrange(source, piece_chars, seed)
    if tokenizer == "gpt2":
        tok = gpt2_tokenizer()
        vocab_size = len(tok)
    else:
        seen = int(len(text) * TOKENIZER_FRACTION)
        tok = train_bpe(text[:seen], int(match.group(1)))
        vocab_size = tok.get_vocab_size()
        folder.mkdir(parents=True, exist_ok=True)
        tok.save(str(folder / f"{key}.tokenizer.json"))
    ids = np.asarray(_encode(tok, text), dtype=np.int32)
    if tokenizer != "gpt2":
        n_train = len(ids) - int(np.ceil(len(ids) * VAL_FRACTION))
        val_start = len(tok.decode(ids[:n_train].tolist()))  # byte-level BPE is lossless
        if val_start < seen:
            raise RuntimeError(f"the validation tail starts at character {val_start:,}, inside "
                               f"the {seen:,} characters the tokenizer was trained on")
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{key}.{os.getpid()}.tmp.npy"
    np.save(tmp, ids)
    tmp.replace(ids_path)
    meta_path.write_text(json.dumps({"vocab_size": vocab_size, "corpus_name": source.name,
                                     "tokens": len(ids), "characters": len(text)}))
    return ids, vocab_size, source.name


def split(ids: np.ndarray, train_tokens: int, context: int) -> tuple[np.ndarray, np.ndarray]:
    """(the first ``train_tokens`` tokens of the training part, the validation tail)."""
    n_val = int(np.ceil(len(ids) * VAL_FRACTION))
    train, val = ids[: len(ids) - n_val], ids[len(ids) - n_val:]
    if isinstance(train_tokens, bool) or not isinstance(train_tokens, int) or train_tokens < 1:
        raise ValueError(f"argument 'train_tokens' must be a positive integer; got "
                         f"{train_tokens!r}")
    if train_tokens > len(train):
        raise ValueError(f"argument 'train_tokens' ({train_tokens:,}) exceeds the corpus's "
                         f"{len(train):,} training tokens ({len(ids):,} in all, the last "
                         f"{n_val:,} validate)")
    if train_tokens <= context or len(val) <= context:
        raise ValueError(f"argument 'context' ({context}) must be shorter than the training "
                         f"prefix ({train_tokens:,}) and the validation tail ({len(val):,})")
    return train[:train_tokens], val


def word_ids(documents) -> np.ndarray:
    """The documents as one stream of word ids, in order: lower-cased runs of letters (with
    inner apostrophes), each distinct word numbered by its first appearance."""
    vocab: dict[str, int] = {}
    ids = [vocab.setdefault(w, len(vocab)) for doc in documents
           for w in re.findall(r"[a-z]+(?:'[a-z]+)*", doc.lower())]
    return np.asarray(ids, dtype=np.int64)


def jensen_shannon(p_counts, q_counts) -> float:
    """The Jensen-Shannon divergence, in bits (0 for equal distributions, 1 for disjoint ones),
    between the distributions that two count vectors over one vocabulary define."""
    p, q = (np.asarray(c, dtype=np.float64) for c in (p_counts, q_counts))
    if p.shape != q.shape or p.ndim != 1 or (p < 0).any() or (q < 0).any():
        raise ValueError("arguments 'p_counts' and 'q_counts' must be 1-D non-negative counts "
                         "of one shape")
    if p.sum() <= 0 or q.sum() <= 0:
        raise ValueError("arguments 'p_counts' and 'q_counts' must not be all zero")
    p, q = p / p.sum(), q / q.sum()
    m = 0.5 * (p + q)

    def kl(a):
        on = a > 0
        return float(np.sum(a[on] * np.log2(a[on] / m[on])))

    return min(1.0, max(0.0, 0.5 * kl(p) + 0.5 * kl(q)))


def validation_unigram_shift(ids, val_fraction: float = VAL_FRACTION, chunk: int = 1024,
                             n_random: int = 20,
                             rng: np.random.Generator | None = None) -> dict:
    """Whether a validation set keeps the training set's distribution of tokens: Sec. 6.3's
    split (the last ``val_fraction`` of the stream ``ids``) against Sec. 3.1's "randomly
    selected from the same dataset" (as many random ``chunk``-token windows of the same stream,
    the windows aligned and disjoint).

    ``ids`` are the corpus's token (or word) ids in corpus order. For each split the distance is
    the Jensen-Shannon divergence (bits) between the unigram distribution of the validation
    tokens and that of the training tokens; a random split's is not 0, since a sample of the
    stream does not hold every word in proportion, so the tail is judged against the random
    splits' range. Returns the tail's (``"tail"``), the ``n_random`` random splits'
    (``"random"``, an array), ``"val_tokens"`` and ``"chunks"`` (windows per random split).
    """
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer) or (ids < 0).any():
        raise ValueError("argument 'ids' must be a 1-D array of non-negative integer ids")
    if not 0 < val_fraction < 1:
        raise ValueError(f"argument 'val_fraction' must be in (0, 1); got {val_fraction}")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ValueError(f"argument 'chunk' must be a positive integer; got {chunk!r}")
    if isinstance(n_random, bool) or not isinstance(n_random, int) or n_random < 1:
        raise ValueError(f"argument 'n_random' must be a positive integer; got {n_random!r}")
    rng = rng or np.random.default_rng(0)
    total = len(ids)
    n_val = int(np.ceil(total * val_fraction))
    n_chunks = total // chunk
    take = max(1, min(n_chunks - 1, round(n_val / chunk)))
    if n_chunks < 2 or n_val >= total:
        raise ValueError(f"the stream ({total:,} tokens) holds fewer than two chunks of {chunk}")
    vocab = int(ids.max()) + 1
    whole = np.bincount(ids, minlength=vocab)

    def divergence(val_ids: np.ndarray) -> float:
        val = np.bincount(val_ids, minlength=vocab)
        return jensen_shannon(val, whole - val)

    random_divergences = []
    for _ in range(n_random):
        starts = rng.choice(n_chunks, size=take, replace=False) * chunk
        picked = ids[(starts[:, None] + np.arange(chunk)).ravel()]
        random_divergences.append(divergence(picked))
    return {"tail": divergence(ids[total - n_val:]), "random": np.array(random_divergences),
            "val_tokens": n_val, "chunks": take}
