"""Training tasks for :mod:`assocmem.training.loop`: each task builds a dataset that draws training
batches from a ``torch.Generator`` (so a checkpointed generator state is the data position) and
yields a fixed sequence of validation batches.

Tasks:

- ``question_formation``: examples ``<bos> SOURCE marker OUTPUT <eos>`` sampled from the grammar
  of :mod:`assocmem.data.question_formation`; the loss covers every token after ``<bos>``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from assocmem.data import question_formation as qf
from assocmem.data.patterns import random_patterns

IGNORE = -100
SPECIALS = ("<pad>", "<bos>", "<eos>")


@dataclass
class SequenceDataset:
    """Variable-length token sequences, padded per batch."""

    train: list[torch.Tensor]
    val: list[torch.Tensor]
    vocab: list[str]
    max_len: int

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def _pad(self, seqs: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """(inputs, targets): each sequence but its last token, padded with <pad> = 0, and
        each but its first, padded with IGNORE, to the batch's longest."""
        from torch.nn.utils.rnn import pad_sequence

        inputs = pad_sequence([s[:-1] for s in seqs], batch_first=True, padding_value=0)
        targets = pad_sequence([s[1:] for s in seqs], batch_first=True, padding_value=IGNORE)
        return inputs, targets

    def train_batch(self, batch: int, generator: torch.Generator):
        index = torch.randint(len(self.train), (batch,), generator=generator)
        return self._pad([self.train[i] for i in index.tolist()])

    def val_batches(self, batch: int, count: int):
        for start in range(0, min(len(self.val), batch * count), batch):
            yield self._pad(self.val[start:start + batch])

    def encode(self, tokens: list[str]) -> torch.Tensor:
        ids = {w: i for i, w in enumerate(self.vocab)}
        return torch.tensor([ids["<bos>"], *(ids[t] for t in tokens), ids["<eos>"]])


def question_formation(n_train: int = 20_000, n_val: int = 500, p_quest: float = 0.5,
                       data_seed: int = 0, **_) -> SequenceDataset:
    """Examples from the question-formation grammar (training and validation sets disjoint
    draws from the same distribution, fixed by ``data_seed``)."""
    if n_train < 1 or n_val < 1:
        raise ValueError(f"arguments 'n_train' and 'n_val' must be >= 1; got {n_train}, {n_val}")
    rng = np.random.default_rng(data_seed)
    data = SequenceDataset([], [], [*SPECIALS, *qf.terminals()], max_len=64)
    data.train = [data.encode(ex) for ex in qf.generate(n_train, rng, p_quest)]
    data.val = [data.encode(ex) for ex in qf.generate(n_val, rng, p_quest)]
    return data


TASKS = {"question_formation": question_formation}


def build(task: str, seed: int = 0, **args):
    """The dataset of ``task`` (``seed`` is the training seed; data have their own seeds)."""
    if task not in TASKS:
        raise ValueError(f"argument 'task' must be one of {sorted(TASKS)}; got {task!r}")
    return TASKS[task](**args)


def patterns(d: int = 64, length: int = 12, vocab: int = 16, min_hamming: int = 4,
             prefix: int = 6, data_seed: int = 0, **_) -> SequenceDataset:
    """The controlled-memorization task: ``<bos> pattern`` sequences; validation = training."""
    rng = np.random.default_rng(data_seed)
    table = random_patterns(d, length, vocab, min_hamming, prefix, rng)
    names = [f"t{i}" for i in range(vocab)]
    data = SequenceDataset([], [], [*SPECIALS, *names], max_len=length + 2)
    data.train = [torch.tensor([1, *(row + len(SPECIALS))]) for row in table]  # <bos> = 1
    data.val = data.train
    return data


TASKS["patterns"] = patterns


@dataclass
class TextDataset:
    """Section 6.3: random ``context``-token windows of a training prefix (the paper's random
    chunks); validation on consecutive windows of the held-out tail, the same for every run."""

    train: torch.Tensor
    val: torch.Tensor
    vocab_size: int
    max_len: int
    corpus_name: str

    def train_batch(self, batch: int, generator: torch.Generator):
        starts = torch.randint(len(self.train) - self.max_len, (batch,), generator=generator)
        window = starts[:, None] + torch.arange(self.max_len + 1)
        rows = self.train[window]
        return rows[:, :-1], rows[:, 1:]

    def val_batches(self, batch: int, count: int):
        n_windows = min(batch * count, (len(self.val) - 1) // self.max_len)
        for lo in range(0, n_windows, batch):
            starts = torch.arange(lo, min(lo + batch, n_windows)) * self.max_len
            rows = self.val[starts[:, None] + torch.arange(self.max_len + 1)]
            yield rows[:, :-1], rows[:, 1:]


def text(corpus: str = "fallback", fingerprint: str = "", tokenizer: str = "bpe-4096",
         context: int = 128, train_tokens: int = 100_000, piece_chars: int = 0,
         data_seed: int = 0, pipeline: int | None = None, **_) -> TextDataset:
    """The first ``train_tokens`` training tokens of a corpus (see :mod:`assocmem.data.text`).
    ``pipeline``, when given, must be the current ``PIPELINE_VERSION`` (runs record it, so a
    change to the token streams gives them new cache keys)."""
    from assocmem.data import text as text_data

    if pipeline is not None and pipeline != text_data.PIPELINE_VERSION:
        raise ValueError(f"argument 'pipeline' ({pipeline}) is not the current text pipeline "
                         f"version ({text_data.PIPELINE_VERSION}): the run was made with "
                         f"other token streams")

    if isinstance(context, bool) or not isinstance(context, int) or context < 2:
        raise ValueError(f"argument 'context' must be an integer >= 2; got {context!r}")
    ids, vocab_size, name = text_data.token_stream(corpus, tokenizer, piece_chars, data_seed,
                                                   fingerprint)
    train, val = text_data.split(ids, train_tokens, context)
    return TextDataset(torch.from_numpy(train.astype(np.int64)),
                       torch.from_numpy(val.astype(np.int64)), vocab_size, context, name)


TASKS["text"] = text
