"""Section 6.2 (chapter 09): vanilla transformers of 6 and 10 layers trained on question
formation (Murty et al., 2023), their plateaus compared with the grammar's entropy rate, and
their accuracy scored by greedy decoding.

Murty et al.'s setup, as the paper uses it: width 512, 8 heads, FFN 2048, dropout 0.1, AdamW with
lr 1e-4, eps 1e-7, 10k warmup steps. The batch size and step count of the ``paper`` preset are
our reading of their setup (see chapter 09); ``cpu`` shrinks width, data and steps to run in
a minute or two, live in the build; ``cpu-long`` trains the same models to their plateau by a
criterion, three seeds, archived; ``gpu`` sits between it and the paper; ``tiny`` is a
seconds-long smoke run for the tests and the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assocmem.data import question_formation as qf
from assocmem.training.generation import greedy_complete
from assocmem.training.loop import TrainConfig


@dataclass(frozen=True)
class Preset:
    """A model shape, the depths of Fig. 2, the data and the optimizer settings."""

    name: str
    d_model: int
    n_heads: int
    d_ff: int
    depths: tuple[int, ...]
    n_train: int
    n_val: int
    train_args: dict = field(default_factory=dict)  # TrainConfig fields
    seeds: tuple[int, ...] = (0,)  # the seeds the command line's --all trains
    device: str = "cpu"  # where the runs train unless told otherwise ("cuda": gpu)

    def train_config(self, depth: int, seed: int = 0, device: str | None = None,
                     **overrides) -> TrainConfig:
        """The run of the ``depth``-layer model, on ``device`` (None: the preset's)."""
        device = device or self.device
        if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
            raise ValueError(f"argument 'depth' must be an integer >= 1; got {depth!r}")
        return TrainConfig(**{
            "name": f"qf-{self.name}-{depth}", "task": "question_formation",
            "task_args": {"n_train": self.n_train, "n_val": self.n_val}, "model": "vanilla",
            "model_args": dict(d_model=self.d_model, n_heads=self.n_heads, d_ff=self.d_ff,
                               n_layers=depth),
            **self.train_args, "seed": seed, "device": device, **overrides})

    def runs(self, seed: int = 0, device: str | None = None) -> dict[str, TrainConfig]:
        """Every run of the preset, by name (for the command line)."""
        return {f"depth-{d}": self.train_config(d, seed, device) for d in self.depths}

    @property
    def run_glob(self) -> str:
        """The archive folders of this preset's runs (named by :meth:`train_config`)."""
        return f"qf-{self.name}-[0-9]*"

    @property
    def grid_runs(self) -> int:
        """The runs a complete archive of this preset holds (one per depth and seed)."""
        return len(self.depths) * len(self.seeds)

    def all_runs(self, device: str | None = None,
                 largest_first: bool = False) -> dict[str, TrainConfig]:
        """Every run of every seed of the preset, by name with its seed (``--all``), seed by
        seed; with ``largest_first`` (a deadline may cut the list) each seed's deepest model
        first."""
        depths = sorted(self.depths, reverse=largest_first)
        return {f"depth-{d}-s{s}": self.train_config(d, s, device) for s in self.seeds
                for d in depths}


PRESETS: dict[str, Preset] = {
    "tiny": Preset("tiny", d_model=32, n_heads=2, d_ff=64, depths=(2,), n_train=500, n_val=64,
                   train_args=dict(dropout=0.1, lr=1e-3, warmup_steps=5, batch_size=16,
                                   micro_batch=8, steps=30, eval_every=10, eval_batches=2,
                                   log_every=1, checkpoint_every=10)),
    "cpu": Preset("cpu", d_model=64, n_heads=4, d_ff=256, depths=(6, 10), n_train=20_000,
                  n_val=500,
                  train_args=dict(dropout=0.0, lr=2e-3, eps=1e-7, warmup_steps=60,
                                  decay="cosine", min_lr_ratio=0.05, batch_size=32,
                                  micro_batch=32, steps=600, eval_every=100, log_every=20,
                                  checkpoint_every=200)),
    # The cpu model trained to its plateau by criterion: a constant learning rate after
    # warmup, validation on the whole held-out set every 100 steps, stop when its minimum is
    # 500 steps old (cap 6,000), three seeds: 24 minutes of 2 cores (measured), archived.
    "cpu-long": Preset("cpu-long", d_model=64, n_heads=4, d_ff=256, depths=(6, 10),
                       n_train=20_000, n_val=500,
                       train_args=dict(dropout=0.0, lr=1e-3, eps=1e-7, warmup_steps=100,
                                       decay="constant", batch_size=32, micro_batch=32,
                                       steps=6_000, eval_every=100, eval_batches=0,
                                       patience=500, log_every=20, checkpoint_every=500),
                       seeds=(0, 1, 2)),
    # Between cpu-long and the paper, for one H100 or H200: width 256, Murty et al.'s
    # 100,000 training examples, trained to its plateau by cpu-long's criterion, three seeds;
    # its cost is estimated, not measured, in assocmem.experiments.gpu_budget (no GPU has run
    # it yet).
    "gpu": Preset("gpu", d_model=256, n_heads=8, d_ff=1024, depths=(6, 10), n_train=100_000,
                  n_val=1_000,
                  train_args=dict(dropout=0.1, lr=5e-4, eps=1e-7, warmup_steps=500,
                                  decay="constant", batch_size=64, micro_batch=64,
                                  steps=8_000, eval_every=100, eval_batches=0, patience=500,
                                  log_every=20, checkpoint_every=1_000),
                  seeds=(0, 1, 2), device="cuda"),
    "paper": Preset("paper", d_model=512, n_heads=8, d_ff=2048, depths=(6, 10),
                    n_train=100_000, n_val=1_000,
                    train_args=dict(dropout=0.1, lr=1e-4, eps=1e-7, warmup_steps=10_000,
                                    decay="linear", min_lr_ratio=0.0, batch_size=8,
                                    micro_batch=8, steps=300_000, eval_every=2_000,
                                    log_every=100, checkpoint_every=5_000)),
}


def plateau(rows: list[dict], tail: float = 0.1) -> dict[str, float]:
    """The plateau of a run's training loss (``rows`` of
    :func:`assocmem.training.store.read_metrics`): the mean of the losses logged in its last
    ``tail`` of steps, their standard deviation, and the standard error of that mean."""
    if not rows or not 0 < tail <= 1:
        raise ValueError(f"arguments 'rows' must be non-empty and 'tail' in (0, 1]; got "
                         f"{len(rows)} rows, tail {tail!r}")
    last = [r["train_loss"] for r in rows if r["step"] > (1 - tail) * rows[-1]["step"]]
    return {"mean": float(np.mean(last)), "sd": float(np.std(last)),
            "se": float(np.std(last) / np.sqrt(len(last))), "rows": len(last)}


def archived_plateaus(runs: dict, floor: float) -> list[dict]:
    """One row per run of ``runs`` ({(depth, seed): run folder}, trained by a criterion that
    keeps its validation rows): where it stopped, whether it is censored, its :func:`plateau`,
    its best validation loss with that loss's standard error over the held-out examples, and
    both losses' distance above the data's entropy ``floor`` (the last also in standard
    errors)."""
    from assocmem.experiments.openelm_scaling import evaluation_noise
    from assocmem.training.store import read_metrics, run_record, val_rows

    table = []
    for (depth, seed), run in sorted(runs.items()):
        record, level = run_record(run), plateau(read_metrics(run))
        se = evaluation_noise(val_rows(run))["se"]
        table.append({"depth": depth, "seed": seed, "stopped at": record["last_step"],
                      "censored": record["censored"], "plateau (train)": level["mean"],
                      "plateau se": level["se"], "plateau - floor": level["mean"] - floor,
                      "best val": record["best_val"], "val se": se,
                      "best val - floor": record["best_val"] - floor,
                      "(best val - floor) / se": (record["best_val"] - floor) / se})
    return table


def plateau_verdict(plateaus: list[float], tolerance: float = 0.1,
                    matched_design: bool = False) -> dict:
    """Sec. 6.2's claim that the training loss plateaus at about 1: "reproduced" when every
    plateau lies within ``tolerance`` of 1 ("about 1" read as within 0.1). Decisive only on
    McCoy et al.'s data design at the paper's width (``matched_design``): on another sampler a
    plateau measures that sampler's entropy, not the paper's. Returns ``reproduced`` and
    ``decisive``."""
    if not len(plateaus):
        raise ValueError("argument 'plateaus' must hold at least one plateau")
    values = np.asarray(plateaus, dtype=float)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"argument 'plateaus' must be finite; got {plateaus}")
    return {"reproduced": bool(np.all(np.abs(values - 1.0) <= tolerance)),
            "decisive": bool(matched_design)}


def design_rows(sources: dict[str, list]) -> list[dict]:
    """One row per named set of examples (McCoy-format pairs or :func:`qf.generate`'s token
    lists), with the three ways McCoy et al.'s design differs from the uniform sampler: the
    share of ``decl``, each subject type's share and its questions (none with a relative
    clause: held out), and each type's mean declarative length in tokens (with the '.')."""
    if not sources:
        raise ValueError("argument 'sources' must name at least one set of examples")
    rows = []
    for name, examples in sources.items():
        profile = qf.design_profile(examples)
        rows.append({"examples": name, "decl share": profile["decl share"],
                     **{f"{t} share": profile[t]["share"] for t in qf.SUBJECT_TYPES},
                     "RC questions": profile["RC"]["quest"],
                     **{f"{t} tokens": profile[t]["mean tokens"] for t in qf.SUBJECT_TYPES}})
    return rows


def design_floors(pairs: list[tuple[str, str]] | None = None) -> list[dict]:
    """One row per design of :data:`qf.DESIGNS`: its exact entropy rate (the floor, nats per
    token, with BOS and EOS) and its parts, and, given McCoy-format ``pairs`` (their test
    file), their negative log-likelihood under it in nats per example and per token, and that
    cross-entropy's distance above the design's floor (NaN without ``pairs``)."""
    if pairs is not None and not len(pairs):
        raise ValueError("argument 'pairs' must hold examples or be None")
    rows = []
    for name in qf.DESIGNS:
        rate = qf.entropy_rate(design=name)
        fit = qf.log_likelihood(pairs, name) if pairs is not None else {}
        nan = float("nan")
        rows.append({"design": name, "floor (nats/token)": rate["nats per token"],
                     "sentence entropy": rate["sentence entropy"],
                     "marker entropy": rate["marker entropy"],
                     "expected tokens": rate["expected tokens"],
                     "test nats/example": fit.get("nats per example", nan),
                     "test nats/token": fit.get("nats per token", nan),
                     "test - floor": fit.get("nats per token", nan) - rate["nats per token"]})
    return rows


def question_formation_accuracy(model, data, pairs: list[tuple[str, str]],
                                device: str = "cpu") -> dict[str, float]:
    """Greedy-decode the output of every ``(SOURCE, TARGET)`` pair (McCoy format) and score it:
    exact match of the whole output and of its first word, separately for decl and quest."""
    ids = {w: i for i, w in enumerate(data.vocab)}
    prefixes = [[ids["<bos>"], *(ids[t] for t in source.split())] for source, _ in pairs]
    longest = max(len(target.split()) for _, target in pairs)
    outputs = greedy_complete(model, prefixes, longest + 1, stop_id=ids["<eos>"], device=device)
    scores = {}
    for marker in qf.MARKERS:
        rows = [(out, target.split()) for (source, target), out in zip(pairs, outputs, strict=True)
                if source.endswith(marker)]
        if rows:
            words = [[data.vocab[i] for i in out] for out, _ in rows]
            scores[f"{marker} exact"] = float(np.mean([w == t for w, (_, t) in
                                                        zip(words, rows, strict=True)]))
            scores[f"{marker} first word"] = float(np.mean([w[:1] == t[:1] for w, (_, t) in
                                                             zip(words, rows, strict=True)]))
            scores[f"{marker} count"] = len(rows)
    return scores




# ---- chapter 09's steps, one function each ------------------------------------------------

def checked_parameters(preset: str, archived: str, device: str, depths, seed, n_eval):
    """Chapter 09's parameters, checked: the live preset, the archived preset shown beside it
    (``archived``, or the largest the archive holds every run of, else ``cpu-long``), the
    device, the depths (a non-empty list of the preset's), the seed and the test examples
    scored. Returns ``(live_preset, archived_preset, device, depths, seed, n_eval)``."""
    import torch

    from assocmem.training import store
    from assocmem.validate import check_choice, check_int

    live_preset = PRESETS[check_choice("preset", preset, PRESETS)]
    archived = check_choice("archived", archived, ["", "cpu-long", "gpu"])
    archived_preset = PRESETS[archived or store.largest_present(PRESETS) or "cpu-long"]
    device = check_choice("device", device, ["cpu", "cuda"])
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("parameter 'device' is 'cuda' but no CUDA device is available")
    if not isinstance(depths, list) or not depths:
        raise ValueError(f"parameter 'depths' must be a non-empty list of "
                         f"{list(live_preset.depths)}; got {depths!r}")
    depths = [check_choice("depths", d, live_preset.depths) for d in depths]
    return (live_preset, archived_preset, device, depths, check_int("seed", seed, low=0),
            check_int("n_eval", n_eval, low=0))


def mccoy_files():
    """The folder of McCoy et al.'s files (``question.dev``, ``question.test``) under the data
    directory, or None where it is not at hand."""
    from assocmem.data import data_dir

    real = data_dir() / "question_formation" if data_dir() else None
    return real if real and real.is_dir() else None


def entropy_summary(rate: dict) -> str:
    """One line of :func:`qf.entropy_rate`'s parts: the sentence's and the marker's entropy over
    the predicted tokens make the floor in nats per token."""
    return (f"sentence entropy {rate['sentence entropy']:.4f} nats + marker "
            f"{rate['marker entropy']:.4f} nats over {rate['expected tokens']:.3f} predicted "
            f"tokens = {rate['nats per token']:.4f} nats/token")


def example_lengths(real=None) -> dict:
    """The longest example (sentence, marker, output) the grammar derives, without and with BOS
    and EOS, and the longest in McCoy et al.'s dev and test files (folder ``real``; None
    without it): what Sec. 6.2's T_max = 5000 must bound."""
    longest_real = None
    if real is not None:
        longest_real = max(len(source.split()) + len(target.split())
                           for split in ("question.dev", "question.test")
                           for source, target in qf.load_mccoy(real / split))
    return {"longest": qf.longest_example(bos_eos=False), "bound": qf.longest_example(),
            "longest real": longest_real}


def t_max_summary(lengths: dict, mean_tokens: float) -> str:
    """Two lines setting Sec. 6.2's T_max = 5000 (Murty et al.'s ``max_len``) beside the
    :func:`example_lengths` and the mean example, and n = T_max d_emb beside the longest."""
    from assocmem.quotations import MURTY2023_LM_MAX_LEN, PAPER_SEC62

    t_max, d_emb, bound = PAPER_SEC62["t_max"], PAPER_SEC62["d_emb"], lengths["bound"]
    return (f"longest example from the grammar: {lengths['longest']} tokens ({bound} with BOS "
            f"and EOS); in McCoy et al.'s dev and test files: {lengths['longest real']}; mean "
            f"{mean_tokens:.1f} with EOS\n"
            f"T_max = {t_max} (Murty et al.'s max_len {MURTY2023_LM_MAX_LEN}) is "
            f"{t_max / bound:.0f} times the longest example; n = T_max d_emb = "
            f"{t_max * d_emb:,} against {bound * d_emb:,}")


def data_sample(real, seed: int, tested: int = 2000) -> dict:
    """What Sec. 6.2 says of the data, measured on McCoy et al.'s dev and test files (folder
    ``real``) or, without them, on 5,000 examples generated from the grammar with
    ``default_rng(seed)``: the examples and their name, :func:`qf.describe_pairs`, how many of
    the first ``tested`` declaratives the grammar derives, the share of questions, and the
    tokens of McCoy et al.'s 100,000 training examples at the mean length."""
    from assocmem.quotations import MCCOY2020_TRAIN_EXAMPLES

    if real is not None:
        examples = [pair for split in ("question.dev", "question.test")
                    for pair in qf.load_mccoy(real / split)]
        name = "McCoy et al.'s dev and test files"
    else:
        examples = qf.generate(5000, np.random.default_rng(seed))
        name = "5,000 examples generated from the grammar (p_quest = 0.5)"
    described = qf.describe_pairs(examples)
    sentences = [" ".join(ex).split(" decl")[0].split(" quest")[0] for ex in examples]
    return {"examples": examples, "source": name, "described": described,
            "parsed": sum(qf.is_grammatical(s) for s in sentences[:tested]),
            "tested": min(tested, len(sentences)),
            "quest share": described["markers"]["quest"] / len(examples),
            "implied D": MCCOY2020_TRAIN_EXAMPLES * described["mean tokens"]}


def data_summary(sample: dict) -> str:
    """One line of a :func:`data_sample`: examples, token types, mean length, markers, the
    declaratives the grammar derives and the implied D."""
    from assocmem.quotations import MCCOY2020_TRAIN_EXAMPLES

    described = sample["described"]
    return (f"{sample['source']}: {len(sample['examples']):,} examples, "
            f"{len(described['vocab'])} token types, {described['mean tokens']:.2f} tokens per "
            f"example, markers {described['markers']} ({sample['quest share']:.1%} questions); "
            f"the grammar derives {sample['parsed']:,} of the first {sample['tested']:,} "
            f"declaratives; {MCCOY2020_TRAIN_EXAMPLES:,} training examples x "
            f"{described['mean tokens']:.2f} = {sample['implied D'] / 1e6:.2f}M tokens")


def design_sources(real, seed: int, n: int = 3000) -> dict[str, list]:
    """The sets of examples the design table compares: McCoy et al.'s dev and test files
    (folder ``real``; left out when None), then ``n`` examples of each sampler of
    :data:`qf.DESIGNS`, each drawn with its own ``default_rng(seed)``."""
    samplers = {f"{d} sampler": qf.generate(n, np.random.default_rng(seed), design=d)
                for d in qf.DESIGNS}
    if real is None:
        return samplers
    return {**{f"McCoy {s}": qf.load_mccoy(real / f"question.{s}") for s in ("dev", "test")},
            **samplers}


def transitive_share(design: str, subject: str = "VP_M_S") -> float:
    """The probability that the main verb phrase of a singular (``VP_M_S``) or plural
    (``VP_M_P``) subject is transitive (has an object, ``NP_O``) under a design."""
    return float(sum(p for p, rhs in qf.DESIGNS[design].probabilities(subject) if "NP_O" in rhs))


def live_plateaus(metrics: dict[int, list[dict]], floor: float) -> list[dict]:
    """One row per depth of the live runs (``metrics``: {depth: metric rows}): the
    :func:`plateau`'s mean and standard deviation, the last validation loss, and the
    plateau's distance above the entropy ``floor``."""
    rows = []
    for depth, metric in metrics.items():
        level = plateau(metric)
        rows.append({"depth": depth, "plateau": level["mean"], "sd": level["sd"],
                     "final val": [r for r in metric if "val_loss" in r][-1]["val_loss"],
                     "plateau - floor": level["mean"] - floor})
    return rows


def accuracy_pairs(real, n_eval: int, seed: int) -> tuple[list[tuple[str, str]], str]:
    """The (SOURCE, TARGET) pairs scored by greedy decoding and their name: McCoy et al.'s
    test file (folder ``real``) or, without it, examples generated from the grammar with
    ``default_rng(seed + 99)`` (at least 500), the first ``n_eval`` (0: all)."""
    if real is not None:
        pairs, name = qf.load_mccoy(real / "question.test"), "McCoy et al.'s question.test"
    else:
        pairs = []
        for ex in qf.generate(max(n_eval, 500), np.random.default_rng(seed + 99)):
            cut = ex.index("decl") if "decl" in ex else ex.index("quest")
            pairs.append((" ".join(ex[: cut + 1]), " ".join(ex[cut + 1:])))
        name = "examples generated from the grammar (no real test file)"
    return (pairs[:n_eval] if n_eval else pairs), name


def accuracy_rows(runs: dict, pairs: list[tuple[str, str]], device: str = "cpu") -> list[dict]:
    """One row per depth of ``runs`` ({depth: run folder}): its
    :func:`question_formation_accuracy` on ``pairs``, without the counts."""
    from assocmem.training.runs import load_run

    rows = []
    for depth, run in runs.items():
        model, _, data = load_run(run, device=device)
        scores = question_formation_accuracy(model, data, pairs, device=device)
        rows.append({"depth": depth, **{k: v for k, v in scores.items() if "count" not in k}})
    return rows


def archived_grid(long: Preset) -> tuple[dict, dict]:
    """The configurations of every (depth, seed) run of the preset ``long`` and those of its
    runs the archive holds, by (depth, seed); never trains."""
    from assocmem.training.runs import archived_only

    cfgs = {(d, s): long.train_config(d, seed=s) for s in long.seeds for d in long.depths}
    runs = dict(zip(cfgs, archived_only(list(cfgs.values())), strict=True))
    return cfgs, {k: v for k, v in runs.items() if v is not None}


def archive_measurement(runs: dict) -> str:
    """Where and when archived ``runs`` were measured, and their hours of one thread."""
    from assocmem.training.store import run_record

    records = [run_record(r) for r in runs.values()]
    return (f"measured on {', '.join(sorted({r['device'] for r in records}))}, "
            f"{min(r['finished'] for r in records)[:10]}; "
            f"{sum(r['wall_s'] for r in records) / 3600:.1f} hours of one thread")


def plateau_evidence(long_rows: list[dict], n_runs: int, long: Preset,
                     plateaus: dict[int, tuple[float, float]], preset: str) -> tuple:
    """Sec. 6.2's plateau claim, judged by :func:`plateau_verdict`: on the archived runs
    (``long_rows`` of :func:`archived_plateaus`) when all ``n_runs`` of the preset ``long`` are
    present and none is censored, else on the live ``plateaus`` ({depth: (mean, sd)}) of the
    ``preset``. Returns the verdict, the evidence's account of the runs, and whether the
    archive decided."""
    live_summary = "; ".join(f"{d} layers {p:.3f} +- {s:.3f}" for d, (p, s) in plateaus.items())
    complete = len(long_rows) == n_runs and not any(r["censored"] for r in long_rows)
    if not complete:
        return (plateau_verdict([p for p, _ in plateaus.values()]),
                f"live {preset} preset (the archived {long.name} runs are incomplete): "
                f"plateaus (mean +- sd over the last 10% of steps) {live_summary}", False)

    def span(key: str, fmt: str) -> str:
        values = [r[key] for r in long_rows]
        return f"{min(values):{fmt}}", f"{max(values):{fmt}}"

    per_depth = "; ".join(f"{d} layers {min(v):.3f}-{max(v):.3f}" for d in long.depths
                          for v in [[r["plateau (train)"] for r in long_rows
                                     if r["depth"] == d]])
    steps, val = span("stopped at", ","), span("best val", ".3f")
    above, train_above = span("best val - floor", "+.3f"), span("plateau - floor", "+.3f")
    source = (f"archived {long.name} runs ({len(long_rows)}: {len(long.depths)} depths x "
              f"{len(long.seeds)} seeds, trained to their validation minimum, stopped at steps "
              f"{steps[0]}-{steps[1]}): plateaus (mean training loss over the last 10% of "
              f"steps) over the seeds {per_depth}; best validation losses {val[0]}-{val[1]} "
              "with an evaluation noise (standard error over the 500 held-out examples) of "
              f"{max(r['val se'] for r in long_rows):.4f} at most, {above[0]} to {above[1]} "
              f"above the entropy floor (training plateaus {train_above[0]} to "
              f"{train_above[1]}). Live {preset} preset beside it: {live_summary}")
    return plateau_verdict([r["plateau (train)"] for r in long_rows]), source, True
