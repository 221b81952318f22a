"""Controlled memorization (beyond the paper): the smallest model that memorizes d well-separated
random patterns, to test Proposition 5 (N = O(D^2)) in the regime its assumptions describe.

A run trains an OpenELM-style model on ``<bos> pattern`` sequences until the step budget ends
(``cpu``) or, with a constant learning rate, until its loss over all patterns has not fallen by
``min_delta`` for ``patience`` steps (``cpu-long``; ``steps`` is then the cap, and a run that
reaches it is *censored*). It *memorizes* the set when (a) its loss over all patterns is within
``loss_margin`` of the floor log(d) / T of a model that knows the set (the first tokens must
still identify which pattern it is), and (b) greedy decoding from every pattern's prefix
reproduces the rest exactly. Its loss *saturates* when its lowest loss over all patterns is
within ``saturation_margin`` of that floor: no larger model can do better by more than that, so
the smallest saturating model is the loss-minimizing N at this D.

The score of a run's final model (its loss, recall and size) is kept beside the run
(``score.json``) and archived with it, so that a chapter renders archived runs without weights.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from assocmem.training import store
from assocmem.training.generation import greedy_complete
from assocmem.training.loop import TrainConfig, evaluate
from assocmem.training.runs import cached_train, cached_train_many, load_run
from assocmem.training.store import CorruptRun, archive_run, read_metrics, run_record


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
    decay: str = "cosine"  # the learning-rate schedule after warmup
    patience: int = 0  # > 0: train until the loss has not fallen by min_delta for this long
    min_delta: float = 0.0
    eval_every: int = 0  # steps between evaluations over all patterns (0: at the end only)
    seeds: tuple[int, ...] = (0,)  # the seeds the search of the command line runs
    device: str = "cpu"  # where the runs train ("cuda": the gpu preset)

    def train_config(self, d: int, width: int, seed: int = 0) -> TrainConfig:
        """The training configuration for d patterns and a model of the given width."""
        batch = min(d, self.batch)
        eval_every = self.eval_every or self.steps
        return TrainConfig(
            name=f"mem-{self.name}-d{d}-w{width}-s{seed}", task="patterns",
            task_args=dict(d=d, length=self.length, vocab=self.vocab,
                           min_hamming=self.min_hamming, prefix=self.prefix),
            model="openelm",
            model_args=dict(model_dim=width, n_layers=self.layers, head_dim=8, num_gqa_groups=1,
                            qkv_multipliers=(1.0, 1.0), ffn_multipliers=(4.0, 4.0),
                            ffn_dim_divisor=8),
            dropout=0.0, steps=self.steps, batch_size=batch, micro_batch=batch, lr=self.lr,
            warmup_steps=50, decay=self.decay, min_lr_ratio=0.05, weight_decay=0.0,
            eval_every=eval_every, eval_batches=math.ceil(d / batch), log_every=50,
            patience=self.patience, min_delta=self.min_delta,
            checkpoint_every=500, seed=seed, device=self.device)

    @property
    def run_glob(self) -> str:
        """The archive folders of this preset's runs (named by :meth:`train_config`)."""
        return f"mem-{self.name}-d*-w*-s*"

    @property
    def grid_runs(self) -> int:
        """The fewest runs a complete archive of this preset's searches holds: one per walk
        (criterion, seed and d)."""
        return 2 * len(self.seeds) * len(self.d_values)

    def runs(self, seed: int = 0, device: str = "cpu") -> dict[str, TrainConfig]:
        """Every (d, width) run of the default grids, by name (for the command line)."""
        if device != self.device:
            raise ValueError(f"argument 'device': the {self.name} preset's runs train on "
                             f"{self.device!r}; got {device!r}")
        return {f"d{d}-w{w}": self.train_config(d, w, seed) for d in self.d_values
                for w in self.widths}


_GRIDS = dict(d_values=(8, 16, 32, 64, 128, 256), widths=(8, 12, 16, 24, 32, 48, 64))
PRESETS: dict[str, Preset] = {
    # T = 12 tokens over 16 symbols, pairwise Hamming distance >= 4, unique 6-token prefixes.
    "cpu": Preset("cpu", length=12, vocab=16, min_hamming=4, prefix=6, layers=2, steps=400,
                  lr=5e-3, batch=128, **{**_GRIDS, "d_values": (8, 16, 32, 64, 256)}),
    # The same patterns, d over 2.1 decades, widths 4-128, trained by criterion (constant
    # learning rate, the loss over all patterns evaluated every 50 steps, stop when it has not
    # fallen by 0.005 nats/token for 500 steps, cap 8,000 steps), three seeds: hours of 2
    # cores, archived.
    "cpu-long": Preset("cpu-long", length=12, vocab=16, min_hamming=4, prefix=6, layers=2,
                       steps=8000, lr=5e-3, batch=128,
                       d_values=(8, 16, 32, 64, 128, 256, 512, 1024),
                       widths=(4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128), decay="constant",
                       patience=500,
                       min_delta=0.005, eval_every=50, seeds=(0, 1, 2)),
    # cpu-long's patterns and criterion on one H100 or H200, d to 4,096 (2.4 decades, a
    # factor 4 a step), widths 4-256; its cost is estimated, not measured, in
    # assocmem.experiments.gpu_budget (no GPU has run it yet).
    "gpu": Preset("gpu", length=12, vocab=16, min_hamming=4, prefix=6, layers=2, steps=8000,
                  lr=5e-3, batch=512, d_values=(16, 64, 256, 1024, 4096),
                  widths=(4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256),
                  decay="constant", patience=500, min_delta=0.005, eval_every=50,
                  seeds=(0, 1, 2), device="cuda"),
    "paper": Preset("paper", length=64, vocab=256, min_hamming=16, prefix=16, layers=4,
                    steps=20_000, lr=1e-3, batch=512, **_GRIDS),
}


@dataclass
class Outcome:
    d: int
    width: int
    seed: int
    n_params: int
    final_loss: float  # the final model's loss over all patterns
    best_loss: float  # the lowest loss over all patterns during training
    floor: float
    recall: float
    memorized: bool
    saturated: bool  # best_loss within the saturation margin of the floor
    censored: bool  # stopped by the cap, not by its criterion
    steps: int
    archived: bool


def score_model(out: Path) -> dict:
    """The final model of the finished run in ``out``: its loss over all patterns, the share of
    patterns that greedy decoding from their prefix completes exactly, and its size."""
    model, cfg, data = load_run(out)
    loss, _ = evaluate(model, data, cfg, torch.device("cpu"),
                       torch.autocast("cuda", enabled=False))
    prefix = cfg.task_args["prefix"]
    rows = [seq.tolist() for seq in data.train]
    completions = greedy_complete(model, [r[: prefix + 1] for r in rows],
                                  max_new=len(rows[0]) - prefix - 1)
    recall = float(np.mean([c == r[prefix + 1:] for c, r in zip(completions, rows,
                                                               strict=True)]))
    return {"final_loss": loss, "recall": recall,
            "n_params": sum(p.numel() for p in model.parameters())}


class NotArchived(LookupError):
    """A walk read from the archive only (``archived_only``) needs a run the archive lacks."""


def run_and_score(d: int, width: int, preset: Preset, seed: int = 0,
                  loss_margin: float = 0.1, saturation_margin: float = 0.02,
                  progress: bool = False, archived_only: bool = False) -> Outcome:
    """Train (or reuse: the archive first) the run, then score its final model (once; the
    score is kept beside the run as ``score.json``). With ``archived_only``, never train: a run
    the archive lacks raises :class:`NotArchived`."""
    cfg = preset.train_config(d, width, seed)
    if archived_only:
        out = store.find(cfg, cache=False)
        if out is None:
            raise NotArchived(f"run {cfg.name} (key {cfg.key()}) is not in the archive "
                              f"{store.archive_root()}")
    else:
        out = cached_train(cfg, progress=progress)
    assert read_metrics(out), f"no metrics in {out}"
    path = Path(out) / "score.json"
    if not path.exists():
        if store.is_archived(out):
            raise CorruptRun(f"archived run {Path(out).name} has no score.json; "
                                     f"re-create it with the command in its record.json")
        path.write_text(json.dumps(score_model(out), indent=1))
    score = json.loads(path.read_text())
    record = run_record(out)
    floor = math.log(d) / cfg.task_args["length"]
    best = record.get("best_val", score["final_loss"])
    return Outcome(d, width, seed, score["n_params"], score["final_loss"], best, floor,
                   score["recall"],
                   score["final_loss"] <= floor + loss_margin and score["recall"] >= 0.99,
                   best <= floor + saturation_margin, bool(record.get("censored", False)),
                   int(record.get("last_step", cfg.steps)), bool(record["archived"]))


CRITERIA = ("memorized", "saturated")


def smallest_memorizing(d: int, widths: list[int], start: int = 0, workers: int = 1,
                        criterion: str = "memorized", **kwargs):
    """Walk up the width ladder from index ``start`` to the first model that memorizes d
    patterns (``criterion="saturated"``: whose loss saturates), and one step down, when the
    start passes, to confirm it is the smallest.
    With ``workers`` > 1 each step trains the width it needs and the next one up side by side
    (the walk usually needs it; on two cores it costs no extra wall time), so the walk visits the
    same widths and returns the same answer in less time. Returns (index or None, outcomes
    tried)."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"argument 'workers' must be an integer >= 1; got {workers!r}")
    if criterion not in CRITERIA:
        raise ValueError(f"argument 'criterion' must be one of {CRITERIA}; got {criterion!r}")
    preset, seed = kwargs["preset"], kwargs.get("seed", 0)

    def ahead(*indices: int) -> None:
        if workers > 1 and not kwargs.get("archived_only"):
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
        if getattr(outcome, criterion):
            if i > 0 and i == start:  # make sure the one below fails
                below = run_and_score(d, widths[i - 1], **kwargs)
                tried.append(below)
                if getattr(below, criterion):
                    i -= 1
                    start -= 1
                    continue
            return i, tried
        i += 1
    return None, tried


def search(preset: Preset, seeds: tuple[int, ...] | None = None, workers: int = 1,
           archive_runs: bool = False, archived_only: bool = False,
           criteria: tuple[str, ...] = CRITERIA) -> dict:
    """For every seed and d of the preset, the smallest memorizing and the smallest saturating
    width (each walk starts from the previous d's answer); with ``archive_runs`` every run it
    tried is archived (with its score) as it is scored. With ``archived_only`` nothing trains:
    the walks are replayed on the archive, and a walk that needs a run the archive lacks stops
    there (``missing`` names where). Returns ``found`` {(criterion, seed, d): index or None},
    ``walks`` {(criterion, seed, d): the outcomes that walk tried}, every outcome ``tried``, and
    ``missing`` [(criterion, seed, d)]. ``criteria`` chooses the walks (two processes can walk
    the two criteria of a seed side by side: they share the run cache, which waits for a run
    another process is training)."""
    if archive_runs and archived_only:
        raise ValueError("arguments 'archive_runs' and 'archived_only' exclude each other")
    if not criteria or any(c not in CRITERIA for c in criteria):
        raise ValueError(f"argument 'criteria' must name some of {CRITERIA}; got {criteria!r}")
    seeds = preset.seeds if seeds is None else seeds
    widths, found, walks, tried, missing = list(preset.widths), {}, {}, [], []
    for seed in seeds:
        for criterion in criteria:
            start = 0
            for d in preset.d_values:
                try:
                    index, outcomes = smallest_memorizing(
                        d, widths, start=start, workers=workers, criterion=criterion,
                        preset=preset, seed=seed, archived_only=archived_only)
                except NotArchived:
                    missing.append((criterion, seed, d))
                    break
                walks[criterion, seed, d] = outcomes
                tried += outcomes
                found[criterion, seed, d] = index
                if archive_runs:
                    for o in outcomes:
                        cfg = preset.train_config(o.d, o.width, seed)
                        if store.find(cfg, cache=False) is None:
                            command = (f"python -m assocmem.training --experiment memorization "
                                       f"--preset {preset.name} --run-name d{o.d}-w{o.width} "
                                       f"--seed {seed} --out runs/{cfg.name}-{cfg.key()}")
                            print(f"archived {archive_run(cfg, command)}", flush=True)
                if index is None:
                    break
                start = index
    return {"found": found, "walks": walks, "tried": tried, "missing": missing}


@dataclass(frozen=True)
class Threshold:
    """Where one walk (a criterion, a seed, a d) puts the threshold: between the size of the
    largest width that fails (``n_below``; 0 when the smallest width of the ladder passes) and
    the size of the smallest width that passes (``n_star``)."""

    criterion: str
    seed: int
    d: int
    n_star: int
    n_below: int
    below_censored: bool  # the failing width below stopped at the cap, not by its criterion

    @property
    def bracketed(self) -> bool:
        """Measured at both ends: the ladder's smallest width fails, and the width below
        failed by its criterion, not by the cap (else it might pass if trained longer, and
        ``n_star`` would only be an upper bound)."""
        return self.n_below > 0 and not self.below_censored


def thresholds(result: dict, widths: tuple[int, ...]) -> list[Threshold]:
    """The threshold of every walk of a :func:`search` that found one."""
    rows = []
    for (criterion, seed, d), index in result["found"].items():
        if index is None:
            continue
        by_width = {o.width: o for o in result["walks"][criterion, seed, d]}
        star = by_width[widths[index]]
        below = by_width.get(widths[index - 1]) if index > 0 else None
        if index > 0 and below is None:
            raise ValueError(f"walk ({criterion}, seed {seed}, d = {d}): the width below "
                             f"{widths[index]} was not tried")
        rows.append(Threshold(criterion, seed, d, star.n_params,
                              below.n_params if below else 0,
                              bool(below.censored) if below else False))
    return rows


def threshold_exponent(rows: list[Threshold], criterion: str, n_boot: int = 2000,
                       seed: int = 0) -> dict | None:
    """The exponent k of N* ~ d^k over the bracketed thresholds of ``criterion``
    (:func:`assocmem.experiments.fits.bracketed_power_law_fit`: seeds resampled, each threshold
    drawn within its bracket), or None with fewer than 3 bracketed d. Adds ``d`` (the bracketed
    d), ``seeds`` (those bracketed at 3 or more d, which carry a slope of their own) and
    ``halves``: the lower and the upper half of the bracketed d (sharing the middle one), each
    fitted alone where it holds 3 d, so that a reader can see whether one exponent describes
    the whole range."""
    from assocmem.experiments.fits import bracketed_power_law_fit

    if criterion not in CRITERIA:
        raise ValueError(f"argument 'criterion' must be one of {CRITERIA}; got {criterion!r}")

    def fit(subset: list[Threshold]) -> dict | None:
        if len({r.d for r in subset}) < 3:
            return None
        f = bracketed_power_law_fit([r.d for r in subset], [r.n_below for r in subset],
                                    [r.n_star for r in subset], [r.seed for r in subset],
                                    n_boot=n_boot, rng=np.random.default_rng(seed))
        return {**f, "d": sorted({r.d for r in subset})}

    used = [r for r in rows if r.criterion == criterion and r.bracketed]
    whole = fit(used)
    if whole is None:
        return None
    whole["seeds"] = sorted(s for s in {r.seed for r in used}
                            if len({r.d for r in used if r.seed == s}) >= 3)
    middle = whole["d"][len(whole["d"]) // 2]
    halves = {"lower": fit([r for r in used if r.d <= middle]),
              "upper": fit([r for r in used if r.d >= middle])}
    whole["halves"] = {part: h for part, h in halves.items() if h is not None}
    return whole


def balance_verdict(fit: dict, d: list[int], n_seeds: int, censored=()) -> dict:
    """Prop. 5's balance, k = 2 in N* ~ d^k, judged on a fitted exponent ``fit`` (``k``,
    ``low``, ``high`` and, where fitted, ``halves``, as :func:`threshold_exponent` gives) over
    the thresholds at ``d``, from ``n_seeds`` seeds, with ``censored`` the d whose smallest
    width already passes. "reproduced" when the interval holds 2 and excludes 1; decisive only
    when the design falls short in nothing (three seeds or more, no censored d, the d spanning
    1.5 decades or more, the two halves of the range giving overlapping exponents) and the
    interval does not hold both 1 and 2. Returns ``reproduced``, ``decisive``, ``holds_two``,
    ``holds_one`` and the ``shortfalls`` in words."""
    d = sorted(d)
    if len(d) < 2 or d[0] <= 0:
        raise ValueError(f"argument 'd' must hold two positive sizes or more; got {d}")
    shortfalls = [f"{n_seeds} seed{'s' * (n_seeds != 1)}"] if n_seeds < 3 else []
    if censored:
        shortfalls.append(f"d = {sorted(censored)} censored at the smallest width")
    if d[-1] / d[0] < 10**1.5:
        shortfalls.append(f"bracketed d over {np.log10(d[-1] / d[0]):.1f} decades")
    lo, up = fit.get("halves", {}).get("lower"), fit.get("halves", {}).get("upper")
    if lo and up and (lo["high"] < up["low"] or up["high"] < lo["low"]):
        shortfalls.append(
            f"no single exponent: k = {lo['k']:.2f} [{lo['low']:.2f}, {lo['high']:.2f}] for "
            f"d = {lo['d'][0]}-{lo['d'][-1]} against {up['k']:.2f} [{up['low']:.2f}, "
            f"{up['high']:.2f}] for d = {up['d'][0]}-{up['d'][-1]}")
    holds_two = bool(fit["low"] <= 2 <= fit["high"])
    holds_one = bool(fit["low"] <= 1 <= fit["high"])
    return {"reproduced": holds_two and not holds_one, "holds_two": holds_two,
            "holds_one": holds_one, "shortfalls": shortfalls,
            "decisive": not shortfalls and not (holds_two and holds_one)}


def floor_verdict(memorized: list[Outcome]) -> dict:
    """Prop. 4's floor of 1 nat per token, judged on the runs that memorized their patterns:
    "reproduced" when none goes below 1. Returns ``reproduced`` and the ``lowest`` run."""
    if not memorized:
        raise ValueError("argument 'memorized' must hold a run: no run memorized its patterns")
    lowest = min(memorized, key=lambda o: o.final_loss)
    return {"reproduced": lowest.final_loss >= 1, "lowest": lowest}

