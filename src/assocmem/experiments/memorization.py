"""Controlled memorization (beyond the paper): the smallest model that memorizes d well-separated
random patterns, to test Proposition 5 (N = O(D^2)) in the regime its assumptions describe.

A run trains an OpenELM-style model on ``<bos> pattern`` sequences until the step budget ends.
It *memorizes* the set when (a) its loss over all patterns is within ``loss_margin`` of the
floor log(d) / T of a model that knows the set (the first tokens must still identify which
pattern it is), and (b) greedy decoding from every pattern's prefix reproduces the rest exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from assocmem.training.generation import greedy_complete
from assocmem.training.loop import TrainConfig, evaluate
from assocmem.training.runs import cached_train, cached_train_many, load_run, read_metrics


@dataclass(frozen=True)
class Preset:
    """The pattern set's shape, the model depth, the training budget and the default grids."""

    name: str
    length: int  # T, tokens per pattern
    vocab: int  # symbols
    min_hamming: int  # pairwise Hamming distance at least this
    prefix: int  # tokens that identify a pattern (recall starts from them)
    layers: int
    steps: int
    lr: float
    batch: int
    d_values: tuple[int, ...]  # numbers of patterns
    widths: tuple[int, ...]  # the ladder of model widths

    def train_config(self, d: int, width: int, seed: int = 0) -> TrainConfig:
        """The training configuration for d patterns and a model of the given width."""
        batch = min(d, self.batch)
        return TrainConfig(
            name=f"mem-{self.name}-d{d}-w{width}", task="patterns",
            task_args=dict(d=d, length=self.length, vocab=self.vocab,
                           min_hamming=self.min_hamming, prefix=self.prefix),
            model="openelm",
            model_args=dict(model_dim=width, n_layers=self.layers, head_dim=8, num_gqa_groups=1,
                            qkv_multipliers=(1.0, 1.0), ffn_multipliers=(4.0, 4.0),
                            ffn_dim_divisor=8),
            dropout=0.0, steps=self.steps, batch_size=batch, micro_batch=batch, lr=self.lr,
            warmup_steps=50, decay="cosine", min_lr_ratio=0.05, weight_decay=0.0,
            eval_every=self.steps, eval_batches=math.ceil(d / batch), log_every=50,
            checkpoint_every=500, seed=seed)

    def runs(self, seed: int = 0, device: str = "cpu") -> dict[str, TrainConfig]:
        """Every (d, width) run of the default grids, by name (for the command line)."""
        if device != "cpu":
            raise ValueError("argument 'device': the memorization runs train on the CPU")
        return {f"d{d}-w{w}": self.train_config(d, w, seed) for d in self.d_values
                for w in self.widths}


_GRIDS = dict(d_values=(8, 16, 32, 64, 128, 256), widths=(8, 12, 16, 24, 32, 48, 64))
PRESETS: dict[str, Preset] = {
    # T = 12 tokens over 16 symbols, pairwise Hamming distance >= 4, unique 6-token prefixes.
    "cpu": Preset("cpu", length=12, vocab=16, min_hamming=4, prefix=6, layers=2, steps=600,
                  lr=5e-3, batch=128, **_GRIDS),
    "paper": Preset("paper", length=64, vocab=256, min_hamming=16, prefix=16, layers=4,
                    steps=20_000, lr=1e-3, batch=512, **_GRIDS),
}


@dataclass
class Outcome:
    d: int
    width: int
    n_params: int
    final_loss: float
    floor: float
    recall: float
    memorized: bool


def run_and_score(d: int, width: int, preset: Preset, seed: int = 0,
                  loss_margin: float = 0.1, progress: bool = False) -> Outcome:
    """Train (or reuse) the run, then measure its loss over all patterns and exact recall."""
    cfg = preset.train_config(d, width, seed)
    out = cached_train(cfg, progress=progress)
    model, cfg, data = load_run(out)
    loss, _ = evaluate(model, data, cfg, torch.device("cpu"),
                    torch.autocast("cuda", enabled=False))
    prefix = cfg.task_args["prefix"]
    rows = [seq.tolist() for seq in data.train]
    completions = greedy_complete(model, [r[: prefix + 1] for r in rows],
                                  max_new=len(rows[0]) - prefix - 1)
    recall = float(np.mean([c == r[prefix + 1:] for c, r in zip(completions, rows,
                                                               strict=True)]))
    floor = math.log(d) / cfg.task_args["length"]
    n_params = sum(p.numel() for p in model.parameters())
    assert read_metrics(out), f"no metrics in {out}"
    return Outcome(d, width, n_params, loss, floor, recall,
                   loss <= floor + loss_margin and recall >= 0.99)


def smallest_memorizing(d: int, widths: list[int], start: int = 0, workers: int = 1,
                        **kwargs):
    """Walk up the width ladder from index ``start`` to the first model that memorizes d
    patterns (and one step down, when the start memorizes, to confirm it is the smallest).
    With ``workers`` > 1 each step trains the width it needs and the next one up side by side
    (the walk usually needs it; on two cores it costs no extra wall time), so the walk visits the
    same widths and returns the same answer in less time. Returns (index or None, outcomes
    tried)."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"argument 'workers' must be an integer >= 1; got {workers!r}")
    preset, seed = kwargs["preset"], kwargs.get("seed", 0)

    def ahead(*indices: int) -> None:
        if workers > 1:
            cached_train_many([preset.train_config(d, widths[j], seed) for j in indices
                               if 0 <= j < len(widths)], workers=workers, desc=f"d = {d}")

    tried = []
    i = start
    while i < len(widths):
        if i == start and i > 0:  # it, and the one below should it memorize
            ahead(i - 1, i)
        else:  # it, and the next one up should it fail
            ahead(i, i + 1)
        outcome = run_and_score(d, widths[i], **kwargs)
        tried.append(outcome)
        if outcome.memorized:
            if i > 0 and i == start:  # make sure the one below fails
                below = run_and_score(d, widths[i - 1], **kwargs)
                tried.append(below)
                if below.memorized:
                    i -= 1
                    start -= 1
                    continue
            return i, tried
        i += 1
    return None, tried
