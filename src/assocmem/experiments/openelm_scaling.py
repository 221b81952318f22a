"""Section 6.3 and Appendix F: OpenELM-style models of three sizes trained on nested prefixes of a
text corpus, the paper's plateau criterion (Table 3) and the data size D* it selects.

For a run of N parameters on D tokens, let s* be the step of minimal validation loss L_min.
Table 3's entry is the mean squared error between the training loss and L_min over the ``window``
iterations that follow s* (1,000 in the paper), and D* is the smallest D whose entry is below
sigma^2 = 0.04. A run whose minimum falls within its last ``window`` steps is scored on its last
``window`` steps and flagged (the paper does not say what it did then).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from assocmem.accounting import openelm_counts
from assocmem.data.text import PIPELINE_VERSION, corpus_argument
from assocmem.quotations import PAPER_OPENELM, PAPER_SIGMA2, PAPER_SIZES, PAPER_WINDOW
from assocmem.training.loop import TrainConfig
from assocmem.training.openelm import OpenELMConfig
from assocmem.training.runs import read_metrics


def paper_ffn_multipliers(name: str, grid: float = 0.25) -> tuple[float, float]:
    """The FFN multiplier range (on a ``grid``) that brings the paper's ``name`` (with its own
    head lists) closest to its stated N: the paper does not give it."""
    spec = PAPER_OPENELM[name]
    best = min(
        (abs(openelm_counts(OpenELMConfig(
            spec["model_dim"], spec["n_layers"], ffn_multipliers=(lo, hi),
            query_heads_override=spec["q"], kv_heads_override=spec["kv"],
        ))["transformer layers"] / spec["N"] - 1), lo, hi)
        for lo, hi in itertools.product(np.arange(grid, 4 + 1e-9, grid), repeat=2) if hi >= lo)
    return float(best[1]), float(best[2])


@dataclass(frozen=True)
class Preset:
    """Three model sizes of one shape, nested data sizes, the tokenizer and the optimizer."""

    name: str
    models: dict  # model name -> its own OpenELMConfig fields (model_dim)
    shape: dict  # OpenELMConfig fields shared by the models
    sizes: tuple[int, ...]  # training tokens, nested prefixes
    tokenizer: str
    context: int
    piece_chars: int
    batch_size: int
    micro_batch: int
    steps: int
    lr: float
    warmup_steps: int
    eval_every: int
    eval_batches: int
    window: int  # Table 3's MSE window, in logged steps
    paper_heads: bool = False  # the paper's head lists and fitted FFN multipliers (App. F.1)
    sigma2: float = PAPER_SIGMA2
    decay: str = "cosine"  # the learning-rate schedule after warmup
    patience: int = 0  # > 0: train until the minimum is this old, ``steps`` being the cap
    seeds: tuple[int, ...] = (0,)  # the seeds of Table 3's grid
    robustness_seeds: int = 5  # App. F.2: seeds of the largest model on the largest prefix
    notes: str = field(default="", compare=False)

    def model_args(self, model: str) -> dict:
        """The ``model_args`` of ``model`` (an OpenELMConfig's fields but vocabulary, context)."""
        if model not in self.models:
            raise ValueError(f"argument 'model' must be one of {sorted(self.models)}; "
                             f"got {model!r}")
        args = {**self.shape, **self.models[model]}
        if self.paper_heads:
            spec = PAPER_OPENELM[model]
            args.update(query_heads_override=spec["q"], kv_heads_override=spec["kv"],
                        ffn_multipliers=paper_ffn_multipliers(model))
        return args

    def transformer_params(self, model: str, vocab_size: int) -> int:
        """N: the parameters of the transformer layers (the paper's count), by the accounting
        of :mod:`assocmem.accounting` (equal to the model's, as the tests check)."""
        cfg = OpenELMConfig(vocab_size=vocab_size, max_context=self.context,
                            **self.model_args(model))
        return openelm_counts(cfg)["transformer layers"]

    def run_config(self, model: str, train_tokens: int, corpus: dict, seed: int = 0,
                   device: str = "cpu", steps: int | None = None) -> TrainConfig:
        """The run of ``model`` on the first ``train_tokens`` tokens of ``corpus`` (the dict of
        :func:`assocmem.data.text.corpus_argument`)."""
        return TrainConfig(
            name=f"elm-{self.name}-{model.replace(' ', '').lower()}-D{train_tokens}-s{seed}",
            task="text",
            task_args=dict(corpus=corpus["corpus"], fingerprint=corpus["fingerprint"],
                           tokenizer=self.tokenizer, context=self.context,
                           train_tokens=train_tokens, piece_chars=self.piece_chars,
                           pipeline=PIPELINE_VERSION),
            model="openelm", model_args=self.model_args(model), dropout=0.1,
            steps=steps or self.steps, batch_size=self.batch_size, micro_batch=self.micro_batch,
            lr=self.lr, warmup_steps=self.warmup_steps, decay=self.decay, min_lr_ratio=0.1,
            betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0, eval_every=self.eval_every,
            eval_batches=self.eval_batches, patience=self.patience, log_every=1,
            checkpoint_every=max(100, self.steps // 4), seed=seed, device=device,
            compile=device == "cuda")

    def runs(self, seed: int = 0, device: str = "cpu", corpus_path: str = "") -> dict:
        """Every run of Table 3's grid for one seed, by name (for the command line)."""
        corpus = corpus_argument(corpus_path or None)
        return {f"{m.replace(' ', '').lower()}-D{d}": self.run_config(m, d, corpus, seed, device)
                for m in self.models for d in self.sizes}

    def robustness_cell(self) -> tuple[str, int]:
        """App. F.2's cell: the largest model on the largest prefix."""
        return list(self.models)[-1], self.sizes[-1]

    def all_runs(self, device: str = "cpu", corpus_path: str = "") -> dict:
        """Every run the chapters read, by name with its seed: Table 3's grid for each of
        ``seeds`` (seed by seed, small prefixes first) and App. F.2's further seeds."""
        corpus = corpus_argument(corpus_path or None)
        runs = {f"{name}-s{seed}": cfg for seed in self.seeds
                for name, cfg in self.runs(seed, device, corpus_path).items()}
        model, size = self.robustness_cell()
        for seed in range(self.robustness_seeds):
            cfg = self.run_config(model, size, corpus, seed, device)
            runs.setdefault(f"{model.replace(' ', '').lower()}-D{size}-s{seed}", cfg)
        return runs


PRESETS: dict[str, Preset] = {
    "cpu": Preset(
        "cpu", models={"Model 1": dict(model_dim=16), "Model 2": dict(model_dim=32),
                       "Model 3": dict(model_dim=64)},
        shape=dict(n_layers=2, head_dim=16, num_gqa_groups=2, qkv_multipliers=(0.5, 1.0),
                   ffn_multipliers=(0.5, 4.0), ffn_dim_divisor=16),
        sizes=tuple(int(round(d)) for d in np.geomspace(8_000, 128_000, 8)),
        tokenizer="bpe-1024", context=64, piece_chars=50_000, batch_size=16, micro_batch=16,
        steps=400, lr=3e-3, warmup_steps=20, eval_every=10, eval_batches=8, window=50,
        notes="Minutes on 2 CPU cores: 2-layer models, a 1,024-token BPE, 64-token windows."),
    "cpu-long": Preset(
        "cpu-long", models={"Model 1": dict(model_dim=16), "Model 2": dict(model_dim=32),
                            "Model 3": dict(model_dim=64)},
        shape=dict(n_layers=2, head_dim=16, num_gqa_groups=2, qkv_multipliers=(0.5, 1.0),
                   ffn_multipliers=(0.5, 4.0), ffn_dim_divisor=16),
        sizes=tuple(int(round(d)) for d in np.geomspace(8_000, 256_000, 12)),
        tokenizer="bpe-1024", context=64, piece_chars=50_000, batch_size=16, micro_batch=16,
        steps=3000, lr=3e-3, warmup_steps=20, decay="constant", eval_every=25, eval_batches=0,
        window=100, patience=100, seeds=(0, 1, 2),
        notes="Hours on 2 CPU cores, in the background (archived): the cpu preset's models "
              "(N over a decade) on 12 prefixes over 1.5 decades, 3 seeds, each run trained "
              "until its validation minimum is 100 steps old (cap 3,000: censored beyond), "
              "validated on the whole held-out tail every 25 steps, a constant learning rate "
              "after warmup (so that a run's course does not depend on the cap)."),
    "paper": Preset(
        "paper", models={name: dict(model_dim=spec["model_dim"])
                         for name, spec in PAPER_OPENELM.items()},
        shape=dict(n_layers=8, head_dim=64, qkv_multipliers=(0.5, 1.0)),
        sizes=tuple(PAPER_SIZES), tokenizer="gpt2", context=1024, piece_chars=0,
        batch_size=480, micro_batch=12, steps=10_000, lr=6e-4, warmup_steps=500,
        eval_every=100, eval_batches=20, window=PAPER_WINDOW, paper_heads=True,
        notes="Appendix F.1: 8 layers, head dimension 64, the paper's head lists, GPT-2's "
              "tokenizer, context 1,024, batch 12 per device and 491,520 tokens (480 sequences) "
              "per iteration. Not given by the paper (our choices): learning rate, warmup, step "
              "count, FFN multipliers."),
}


@dataclass
class Criterion:
    """Table 3's entry for one run."""

    step_min: int  # s*: the step of minimal validation loss
    val_min: float  # L_min
    mse: float  # mean (L_train - L_min)^2 over the window
    window: list[int]  # the steps it averages over
    truncated: bool  # the minimum fell within the last `window` steps


def plateau_mse(rows: list[dict], window: int) -> Criterion:
    """The MSE between the training loss and the minimal validation loss over the ``window``
    logged steps from the step of the minimum on (see the module docstring)."""
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"argument 'window' must be an integer >= 1; got {window!r}")
    val = [(r["val_loss"], r["step"]) for r in rows if "val_loss" in r]
    if not val:
        raise ValueError("argument 'rows' holds no validation loss")
    val_min, step_min = min(val)
    train = {r["step"]: r["train_loss"] for r in rows}
    steps = sorted(train)
    if len(steps) < window:
        raise ValueError(f"argument 'window' ({window}) exceeds the {len(steps)} logged steps")
    after = [s for s in steps if s >= step_min][:window]
    truncated = len(after) < window
    used = steps[-window:] if truncated else after
    mse = float(np.mean([(train[s] - val_min) ** 2 for s in used]))
    return Criterion(step_min, float(val_min), mse, used, truncated)


def d_star(sizes: list[int], mses: list[float], sigma2: float = PAPER_SIGMA2) -> int | None:
    """D* = min{D : MSE(D) < sigma^2}, or None when no size qualifies."""
    if len(sizes) != len(mses):
        raise ValueError(f"arguments 'sizes' and 'mses' differ in length: {len(sizes)} and "
                         f"{len(mses)}")
    if not sigma2 > 0:
        raise ValueError(f"argument 'sigma2' must be > 0; got {sigma2}")
    below = [d for d, m in zip(sizes, mses, strict=True) if m < sigma2]
    return min(below) if below else None


def criteria(run_dirs, window: int) -> list[Criterion]:
    return [plateau_mse(read_metrics(d), window) for d in run_dirs]


def paper_gpu_hours(tokens_per_s: dict[str, float], extra_seeds: int = 4) -> dict[str, float]:
    """GPU-hours of the ``paper`` preset from measured training throughput: each model's runs
    over Table 3's data sizes, and ``extra_seeds`` more runs of Model 1 (chapter 11)."""
    p = PRESETS["paper"]
    if set(tokens_per_s) != set(p.models):
        raise ValueError(f"argument 'tokens_per_s' must give every model {sorted(p.models)}; "
                         f"got {sorted(tokens_per_s)}")
    per_run = p.steps * p.batch_size * p.context
    hours = {name: len(p.sizes) * per_run / rate / 3600 for name, rate in tokens_per_s.items()}
    hours["extra seeds"] = extra_seeds * per_run / tokens_per_s["Model 1"] / 3600
    return hours
