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
from dataclasses import dataclass

import numpy as np

from assocmem.accounting import openelm_counts
from assocmem.data.text import PIPELINE_VERSION, corpus_argument
from assocmem.quotations import PAPER_OPENELM, PAPER_SIGMA2, PAPER_SIZES, PAPER_WINDOW
from assocmem.training.loop import TrainConfig
from assocmem.training.openelm import OpenELMConfig
from assocmem.training.store import read_metrics, run_record


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
    extend_cap: int = 0  # > 0: a run censored at ``steps`` goes on to this cap (archived)
    seeds: tuple[int, ...] = (0,)  # the seeds of Table 3's grid
    robustness_seeds: int = 5  # App. F.2: seeds of one model on the largest prefix
    robustness_model: str = ""  # App. F.2's model ("": the largest; the paper: Model 1)
    robustness_patience: int = 0  # > 0: F.2's runs go on until their minimum is this old,
    #   so that where the stopping rule fires does not decide their spread (own run names)
    device: str = "cpu"  # where the preset's runs train unless told otherwise ("cuda": gpu)
    compile_cuda: bool = True  # torch.compile on CUDA (off for models so small that a
    #   compilation costs more than the steps it speeds up)

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
                   device: str | None = None, steps: int | None = None,
                   patience: int | None = None, tag: str = "") -> TrainConfig:
        """The run of ``model`` on the first ``train_tokens`` tokens of ``corpus`` (the dict of
        :func:`assocmem.data.text.corpus_argument`), on ``device`` (None: the preset's), with
        ``patience`` (None: the preset's) and ``tag`` in its name after the preset's."""
        device = device or self.device
        tag = f"{tag}-" if tag else ""
        return TrainConfig(
            name=f"elm-{self.name}-{tag}{model.replace(' ', '').lower()}-D{train_tokens}"
                 f"-s{seed}",
            task="text",
            task_args=dict(corpus=corpus["corpus"], fingerprint=corpus["fingerprint"],
                           tokenizer=self.tokenizer, context=self.context,
                           train_tokens=train_tokens, piece_chars=self.piece_chars,
                           pipeline=PIPELINE_VERSION),
            model="openelm", model_args=self.model_args(model), dropout=0.1,
            steps=steps or self.steps, batch_size=self.batch_size, micro_batch=self.micro_batch,
            lr=self.lr, warmup_steps=self.warmup_steps, decay=self.decay, min_lr_ratio=0.1,
            betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0, eval_every=self.eval_every,
            eval_batches=self.eval_batches,
            patience=self.patience if patience is None else patience, log_every=1,
            checkpoint_every=max(100, self.steps // 4), seed=seed, device=device,
            compile=device == "cuda" and self.compile_cuda)

    def runs(self, seed: int = 0, device: str = "cpu", corpus_path: str = "") -> dict:
        """Every run of Table 3's grid for one seed, by name (for the command line)."""
        corpus = corpus_argument(corpus_path or None)
        return {f"{m.replace(' ', '').lower()}-D{d}": self.run_config(m, d, corpus, seed, device)
                for m in self.models for d in self.sizes}

    @property
    def run_glob(self) -> str:
        """The archive folders of this preset's Table 3 grid (named by :meth:`run_config`,
        untagged: a tagged run, as App. F.2's, is not part of the grid)."""
        return f"elm-{self.name}-model*"

    @property
    def grid_runs(self) -> int:
        """The runs a complete archived Table 3 grid of this preset holds (one per model, size
        and seed; :func:`assocmem.training.store.largest_present`)."""
        return len(self.models) * len(self.sizes) * len(self.seeds)

    def robustness_cell(self) -> tuple[str, int]:
        """App. F.2's cell: ``robustness_model`` (else the largest) on the largest prefix."""
        return self.robustness_model or list(self.models)[-1], self.sizes[-1]

    def robustness_configs(self, corpus: dict, device: str | None = None) -> dict:
        """App. F.2's runs by name: ``robustness_seeds`` seeds of :meth:`robustness_cell`, with
        ``robustness_patience`` when set (then tagged ``f2``: runs of their own), else Table
        3's runs of that cell and further seeds of it."""
        model, size = self.robustness_cell()
        tag = "f2" if self.robustness_patience else ""
        return {f"{tag + '-' if tag else ''}{model.replace(' ', '').lower()}-D{size}-s{seed}":
                self.run_config(model, size, corpus, seed, device,
                                patience=self.robustness_patience or None, tag=tag)
                for seed in range(self.robustness_seeds)}

    def all_runs(self, device: str = "cpu", corpus_path: str = "",
                 largest_first: bool = False) -> dict:
        """Every run the chapters read, by name with its seed: Table 3's grid for each of
        ``seeds`` (seed by seed, small prefixes first) and App. F.2's runs; with
        ``largest_first``, F.2's runs, then the grid seed by seed, each from the largest
        prefix down (when a deadline cuts the list, whole seeds of the grid are done first,
        each with the prefixes that matter most to D*)."""
        corpus = corpus_argument(corpus_path or None)
        runs = {f"{name}-s{seed}": cfg for seed in self.seeds
                for name, cfg in self.runs(seed, device, corpus_path).items()}
        robustness = self.robustness_configs(corpus, device)
        if largest_first:
            grid = sorted(runs.items(), key=lambda item: (
                item[1].seed, -item[1].task_args["train_tokens"], item[0]))
            return {**robustness, **dict(grid)}
        return {**runs, **{k: v for k, v in robustness.items() if k not in runs}}


# The CPU presets' three models: 2 layers, N from 7,040 to 74,048 with the 1,024-token BPE.
_CPU_MODELS = dict(
    models={"Model 1": dict(model_dim=16), "Model 2": dict(model_dim=32),
            "Model 3": dict(model_dim=64)},
    shape=dict(n_layers=2, head_dim=16, num_gqa_groups=2, qkv_multipliers=(0.5, 1.0),
               ffn_multipliers=(0.5, 4.0), ffn_dim_divisor=16),
    tokenizer="bpe-1024", context=64, piece_chars=50_000, batch_size=16, micro_batch=16)

PRESETS: dict[str, Preset] = {
    # Minutes on 2 CPU cores, live in the build: 2-layer models, a 1,024-token BPE, 64-token
    # windows, four prefixes, 300 steps.
    "cpu": Preset(
        "cpu", **_CPU_MODELS,
        sizes=tuple(int(round(d)) for d in np.geomspace(8_000, 128_000, 4)),
        steps=300, lr=3e-3, warmup_steps=20, eval_every=20, eval_batches=8, window=50),
    # Hours on 2 CPU cores, in the background (archived): the cpu preset's models (N over a
    # decade) on 12 prefixes over 1.5 decades, 3 seeds, each run trained until its validation
    # minimum is 200 steps old, twice the MSE window, so that a dip of the noisy curve is not
    # taken for its minimum (cap 3,000; a run censored there is continued to 10,000 steps, and
    # censored only beyond), validated on the whole held-out tail every 50 steps, a constant
    # learning rate after warmup (so that a run's course does not depend on its cap).
    "cpu-long": Preset(
        "cpu-long", **_CPU_MODELS,
        sizes=tuple(int(round(d)) for d in np.geomspace(8_000, 256_000, 12)),
        steps=3000, lr=3e-3, warmup_steps=20, decay="constant", eval_every=50, eval_batches=0,
        window=100, patience=200, seeds=(0, 1, 2), extend_cap=10_000,
        robustness_model="Model 1", robustness_patience=1000),
    # One H200, measured (assocmem.experiments.gpu_budget): cpu-long's design at 4 layers, N from
    # 42k to 591k (1.2 decades), 128-token windows, 12 prefixes from 16,000 tokens to 2.05M,
    # nearly the whole training text (2.1 decades), the same criterion, validation on the whole
    # held-out tail. Shrunk after the measurement from 3 seeds and a cap of 10,000 steps for a
    # censored run: two seeds and a cap of 6,000, whose remaining extensions fit one call.
    "gpu": Preset(
        "gpu", models={"Model 1": dict(model_dim=32), "Model 2": dict(model_dim=64),
                       "Model 3": dict(model_dim=128)},
        shape=dict(n_layers=4, head_dim=16, num_gqa_groups=2, qkv_multipliers=(0.5, 1.0),
                   ffn_multipliers=(0.5, 4.0), ffn_dim_divisor=16),
        tokenizer="bpe-1024", context=128, piece_chars=50_000, batch_size=64, micro_batch=64,
        sizes=tuple(int(round(d)) for d in np.geomspace(16_000, 2_048_000, 12)),
        steps=3000, lr=2e-3, warmup_steps=50, decay="constant", eval_every=50, eval_batches=0,
        window=100, patience=200, seeds=(0, 1), extend_cap=6_000, device="cuda",
        robustness_model="Model 1", robustness_patience=1000, compile_cuda=False),
    # Appendix F.1: 8 layers, head dimension 64, the paper's head lists, GPT-2's tokenizer,
    # context 1,024, batch 12 per device and 491,520 tokens (480 sequences) per iteration. Not
    # given by the paper (our choices): learning rate, warmup, step count, FFN multipliers.
    "paper": Preset(
        "paper", models={name: dict(model_dim=spec["model_dim"])
                         for name, spec in PAPER_OPENELM.items()},
        shape=dict(n_layers=8, head_dim=64, qkv_multipliers=(0.5, 1.0)),
        sizes=tuple(PAPER_SIZES), tokenizer="gpt2", context=1024, piece_chars=0,
        batch_size=480, micro_batch=12, steps=10_000, lr=6e-4, warmup_steps=500,
        eval_every=100, eval_batches=20, window=PAPER_WINDOW, paper_heads=True),
}


@dataclass
class Criterion:
    """Table 3's entry for one run."""

    step_min: int  # s*: the step of minimal validation loss
    val_min: float  # L_min
    mse: float  # mean (L_train - L_min)^2 over the window
    window: list[int]  # the steps it averages over
    window_cut: bool  # the minimum fell within the last `window` steps: its window is cut short
    censored: bool = False  # window_cut, or the run reached its cap before its criterion
    train_var: float = 0.0  # the training loss's own variance in the window (batch noise)


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
    window_cut = len(after) < window
    used = steps[-window:] if window_cut else after
    mse = float(np.mean([(train[s] - val_min) ** 2 for s in used]))
    return Criterion(step_min, float(val_min), mse, used, window_cut, window_cut,
                     training_noise([train[s] for s in used]))


def training_noise(losses) -> float:
    """The variance that batch sampling adds to logged training losses, from successive
    differences: var = mean((x[t+1] - x[t])^2) / 2, which a slow trend barely moves. It enters
    Table 3's MSE in full (MSE = squared gap + this variance, roughly), whatever the plateau."""
    x = np.asarray(losses, float)
    if x.ndim != 1 or len(x) < 3:
        raise ValueError(f"argument 'losses' must hold at least 3 values; got {x.shape}")
    return float(np.mean(np.diff(x) ** 2) / 2)


def evaluation_noise(rows: dict) -> dict[str, float]:
    """The noise of a validation loss measured on a fixed held-out set (``rows`` of
    :func:`assocmem.training.store.val_rows`: per sequence its summed loss and token count): the
    standard error of the per-token mean over sequences (a ratio estimator), and the gap between
    the losses of the set's two halves."""
    loss, tokens = np.asarray(rows["loss"], float), np.asarray(rows["tokens"], float)
    if loss.shape != tokens.shape or len(loss) < 4:
        raise ValueError("argument 'rows' must hold at least 4 sequences, losses and tokens alike")
    mean = loss.sum() / tokens.sum()
    resid = loss - mean * tokens
    se = float(np.sqrt(len(loss) / (len(loss) - 1) * np.sum(resid ** 2)) / tokens.sum())
    half = len(loss) // 2
    halves = [loss[:half].sum() / tokens[:half].sum(), loss[half:].sum() / tokens[half:].sum()]
    return {"mean": float(mean), "se": se, "halves_gap": float(abs(halves[0] - halves[1])),
            "sequences": len(loss), "tokens": int(tokens.sum())}


def final_val_rows(run_dir) -> dict:
    """Per-sequence validation losses of a run's final model on its own validation sample (for
    runs that did not keep those at their minimum: the live presets' fixed budgets)."""
    import torch

    from assocmem.training.loop import evaluate
    from assocmem.training.runs import load_run

    model, cfg, data = load_run(run_dir)
    _, rows = evaluate(model, data, cfg, torch.device("cpu"),
                       torch.autocast("cuda", enabled=False))
    return {k: v.numpy() for k, v in rows.items()}


def difference_se(a: dict, b: dict) -> float:
    """The standard error of the difference between two runs' validation losses measured on
    the same sequences (``rows`` as in :func:`evaluation_noise`)."""
    if not np.array_equal(a["tokens"], b["tokens"]):
        raise ValueError("arguments 'a' and 'b' must be evaluated on the same sequences")
    diff = {"loss": np.asarray(a["loss"], float) - np.asarray(b["loss"], float),
            "tokens": a["tokens"]}
    return evaluation_noise(diff)["se"]


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
    """Table 3's entry of each run; ``censored`` when the run stopped at its cap before its
    minimum was ``patience`` steps old, or (a fixed budget) its minimum is in its last window."""
    out = []
    for d in run_dirs:
        c = plateau_mse(read_metrics(d), window)
        c.censored = c.window_cut or run_record(d)["censored"]
        out.append(c)
    return out


@dataclass
class DStar:
    """D* of one model: ``grid`` by the paper's rule (the smallest size below sigma^2),
    ``value`` where log MSE crosses log sigma^2 between that size and the one before (linear in
    log D), and the bounds ``low < D* <= high``. ``status`` says which: "measured" (``value``,
    with ``low = high = value``); "bracketed" (censored runs sit between the last size above
    sigma^2 and the first measured size below it, so D* is only known to lie between them);
    "censored" (a censored run comes first, or no measured size below sigma^2 follows one);
    "below the grid" (the smallest size already is below); "above the grid" (no size is)."""

    grid: int | None
    value: float | None
    status: str  # "measured", "bracketed", "censored", "below the grid", "above the grid"
    low: float | None = None
    high: float | None = None

    def __str__(self) -> str:
        if self.status == "measured":
            return f"{self.value:,.0f}"
        if self.status == "bracketed":
            return f"{self.low:,.0f}-{self.high:,.0f} (bracketed)"
        return self.status


def d_star_crossing(sizes, mses, censored, sigma2: float = PAPER_SIGMA2) -> DStar:
    """D* of one model from its MSE at each size, never from a censored run (see DStar)."""
    if not len(sizes) == len(mses) == len(censored):
        raise ValueError("arguments 'sizes', 'mses' and 'censored' must have equal lengths")
    if not sigma2 > 0:
        raise ValueError(f"argument 'sigma2' must be > 0; got {sigma2}")
    first_censored = None
    for i, (size, mse, cens) in enumerate(zip(sizes, mses, censored, strict=True)):
        if cens:
            if first_censored is None:
                first_censored = i
            continue
        if mse < sigma2:
            if first_censored is not None:
                if first_censored == 0:
                    return DStar(None, None, "censored")
                # D* is above the last size measured above sigma^2 and at most this one
                return DStar(size, None, "bracketed", float(sizes[first_censored - 1]),
                             float(size))
            if i == 0:
                return DStar(size, None, "below the grid")
            x0, x1 = np.log(sizes[i - 1]), np.log(size)
            y0, y1 = np.log(mses[i - 1]), np.log(mse)
            cross = float(np.exp(x0 + (np.log(sigma2) - y0) * (x1 - x0) / (y1 - y0)))
            return DStar(size, cross, "measured", cross, cross)
    return DStar(None, None, "censored" if first_censored is not None else "above the grid")


def extrapolated_d_star(sizes, mses, censored, sigma2: float = PAPER_SIGMA2,
                        last: int = 5) -> float | None:
    """Where a power law through the MSEs of the ``last`` largest uncensored sizes reaches
    sigma^2: an estimate of the data size that would decide when D* lies above the grid (None
    when fewer than 3 sizes are uncensored or the fitted MSE does not fall with D)."""
    kept = [(d, m) for d, m, c in zip(sizes, mses, censored, strict=True) if not c][-last:]
    if len(kept) < 3:
        return None
    slope, intercept = np.polyfit(np.log([d for d, _ in kept]), np.log([m for _, m in kept]), 1)
    if slope >= 0:
        return None
    return float(np.exp((np.log(sigma2) - intercept) / slope))


def seed_means(values: dict, censored: dict, seeds) -> tuple[dict, dict]:
    """Per cell, the mean over ``seeds`` of ``values[model, D, seed]`` and whether any of the
    cell's runs is censored: ``({(model, D): mean}, {(model, D): censored})``."""
    cells = sorted({key[:2] for key in values}, key=str)
    seeds = list(seeds)
    return ({c: float(np.mean([values[(*c, s)] for s in seeds])) for c in cells},
            {c: any(censored[(*c, s)] for s in seeds) for c in cells})


def median_pair_se(rows: list[dict]) -> float:
    """The median, over every pair of runs, of the standard error of their difference on the
    same sequences (:func:`difference_se`): the noise a comparison of seeds carries."""
    if len(rows) < 2:
        raise ValueError(f"argument 'rows' must hold at least 2 runs; got {len(rows)}")
    return float(np.median([difference_se(a, b) for i, a in enumerate(rows)
                            for b in rows[i + 1:]]))


def exponent_over_seeds(n_params: dict, sizes, mse: dict, censored: dict, seeds,
                        sigma2: float = PAPER_SIGMA2, n_boot: int = 2000,
                        rng: np.random.Generator | None = None) -> dict:
    """k in D* ~ N^k with a bootstrap interval over seeds. ``mse[model, D, seed]`` and
    ``censored[model, D, seed]``; a cell's MSE is its mean over seeds and it is censored when
    any seed is. Each resample draws, for every model, its seeds with replacement; resamples in
    which fewer than two models have a measured or bracketed D* are counted, not used. A
    bracketed D* enters by both of its bounds: a resample gives the range of k over every
    choice of bounds, and the interval runs from the 2.5% quantile of the ranges' lower ends to
    the 97.5% quantile of their upper ends (conservative for interval-censored data). ``k`` is
    the point estimate when no D* is bracketed, else None and ``k_range`` gives the range."""
    models, seeds = list(n_params), list(seeds)
    rng = rng or np.random.default_rng(0)

    by_model = {m: {k: v for k, v in mse.items() if k[0] == m} for m in models}

    def stars(draw: dict) -> dict:
        out = {}
        for m in models:
            means, cens = seed_means(by_model[m], censored, draw[m])
            out[m] = d_star_crossing(sizes, [means[m, d] for d in sizes],
                                     [cens[m, d] for d in sizes], sigma2)
        return out

    def slopes_of(star: dict) -> tuple[float, float] | None:
        """The least and greatest k over the bounds of every bracketed D* (one k if none)."""
        have = [m for m in models if star[m].status in ("measured", "bracketed")]
        if len(have) < 2:
            return None
        x = np.log([n_params[m] for m in have])
        ks = [float(np.polyfit(x, np.log(ends), 1)[0])
              for ends in itertools.product(*[sorted({star[m].low, star[m].high})
                                              for m in have])]
        return min(ks), max(ks)

    point = stars({m: seeds for m in models})
    lows, highs, unusable = [], [], 0
    for _ in range(n_boot):
        k = slopes_of(stars({m: list(rng.choice(seeds, len(seeds))) for m in models}))
        if k is None:
            unusable += 1
        else:
            lows.append(k[0])
            highs.append(k[1])
    low = float(np.quantile(lows, 0.025)) if lows else np.nan
    high = float(np.quantile(highs, 0.975)) if highs else np.nan
    k_range = slopes_of(point)
    k = k_range[0] if k_range is not None and k_range[0] == k_range[1] else None
    return {"d_star": point, "k": k, "k_range": k_range, "low": low, "high": high,
            "resamples": len(lows), "unusable": unusable}


def exponent_verdict(low: float, high: float, predicted: float = 0.5,
                     alternatives=(0.0, 1.0)) -> str:
    """"reproduced" when the interval holds the prediction and excludes every alternative,
    "not reproduced" when it excludes the prediction, else "inconclusive"."""
    if not np.isfinite(low) or not np.isfinite(high):
        return "inconclusive"
    if not low <= predicted <= high:
        return "not reproduced"
    if all(not low <= a <= high for a in alternatives):
        return "reproduced"
    return "inconclusive"


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


# ---- the archived grids: the evidence at each scale, and the verdict it supports ---------------

PAPER_VOCAB = 50_257  # GPT-2's tokenizer, which App. F.1's models use (the tokenizer's size)


def vocabulary(preset: Preset) -> int:
    """The size of the preset's tokenizer's vocabulary: ``bpe-<V>``'s V, GPT-2's 50,257."""
    return PAPER_VOCAB if preset.tokenizer == "gpt2" else int(preset.tokenizer.split("-")[1])


def scale(preset: Preset, seeds=None) -> dict:
    """The scale of a preset's evidence as data: transformer parameters, training tokens and
    vocabulary, with the paper's beside them (App. F.1 and Table 3)."""
    vocab_size = vocabulary(preset)
    n = [preset.transformer_params(m, vocab_size) for m in preset.models]
    return {"preset": preset.name, "params": [min(n), max(n)],
            "train_tokens": [min(preset.sizes), max(preset.sizes)], "vocab": vocab_size,
            "seeds": len(preset.seeds if seeds is None else seeds),
            "paper": {"params": [min(s["N"] for s in PAPER_OPENELM.values()),
                                 max(s["N"] for s in PAPER_OPENELM.values())],
                      "train_tokens": [min(PAPER_SIZES), max(PAPER_SIZES)],
                      "vocab": PAPER_VOCAB, "seeds": 1}}


@dataclass
class GridEvidence:
    """Table 3's grid of one archived preset: the complete seeds' criteria, and the exponent k
    of D* ~ N^k at each threshold of ``sweep`` (``fit`` at the chosen one)."""

    preset: Preset
    archived: int  # runs of the grid in the archive
    total: int  # runs of the complete grid
    seeds: list  # the seeds whose runs are all archived
    n_params: dict  # model -> N
    crit: dict  # (model, D, seed) -> Criterion, for the complete seeds
    records: dict  # (model, D, seed) -> run record
    fit: dict | None  # exponent_over_seeds at sigma2 (None with fewer than 2 seeds)
    sweep: dict  # sigma^2 -> exponent_over_seeds
    sigma2: float

    @property
    def censored(self) -> int:
        """Runs of the complete seeds censored at their final cap (still improving)."""
        return sum(c.censored for c in self.crit.values())

    def seed_spread(self) -> float:
        """The median over cells of the range, over seeds, of the minimal validation loss."""
        return float(np.median([np.ptp([self.crit[m, d, s].val_min for s in self.seeds])
                                for m in self.preset.models for d in self.preset.sizes]))

    def summary(self) -> dict:
        """One row of the chapter's comparison of scales."""
        n, fit = self.n_params.values(), self.fit or {}
        k = "none" if not fit else (f"{fit['k']:.2f}" if fit["k"] is not None else
                                    "bracketed" if fit["k_range"] else "none")
        low, high = self.sweep_span()
        return {"N": f"{min(n):,}-{max(n):,}",
                "D (tokens)": f"{min(self.preset.sizes):,}-{max(self.preset.sizes):,}",
                "runs archived": f"{self.archived} of {self.total}",
                "complete seeds": len(self.seeds),
                "censored (complete seeds)": f"{self.censored} of {len(self.crit)}",
                f"k at sigma^2 = {self.sigma2}": k,
                "95% interval": f"[{fit.get('low', np.nan):.2f}, {fit.get('high', np.nan):.2f}]",
                "intervals over the sweep": f"[{low:.2f}, {high:.2f}]",
                "seed spread of L_min (median)": f"{self.seed_spread():.4f}"}

    def sweep_span(self) -> tuple[float, float]:
        """The lowest lower end and the highest upper end of k's intervals over the sweep."""
        lows = [f["low"] for f in self.sweep.values() if np.isfinite(f["low"])]
        highs = [f["high"] for f in self.sweep.values() if np.isfinite(f["high"])]
        return (min(lows), max(highs)) if lows else (np.nan, np.nan)


SIGMA2_SWEEP = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32)


def archived_grid(preset: Preset, corpus: dict,
                  sigma2: float = PAPER_SIGMA2, n_boot: int = 2000, seed: int = 0,
                  sweep=SIGMA2_SWEEP) -> GridEvidence:
    """Read ``preset``'s Table 3 grid from the archive (never training): each run censored at
    its cap replaced by its archived extension where there is one, the complete seeds' criteria
    and the exponent at ``sigma2`` and over ``sweep`` (bootstrap over seeds)."""
    from assocmem.training.runs import archived_only

    grid = {(m, d, s): preset.run_config(m, d, corpus, seed=s)
            for s in preset.seeds for m in preset.models for d in preset.sizes}
    found = dict(zip(grid, archived_only(list(grid.values()), extend_to=preset.extend_cap),
                     strict=True))
    seeds = [s for s in preset.seeds if all(found[k] for k in grid if k[2] == s)]
    dirs = {k: d for k, d in found.items() if k[2] in seeds}
    crit = dict(zip(dirs, criteria(dirs.values(), preset.window), strict=True))
    n_params = {m: preset.transformer_params(m, vocabulary(preset)) for m in preset.models}
    mse = {k: c.mse for k, c in crit.items()}
    cens = {k: c.censored for k, c in crit.items()}

    def fit_at(s2: float, boots: int) -> dict:
        return exponent_over_seeds(n_params, preset.sizes, mse, cens, seeds, s2, boots,
                                   np.random.default_rng(seed))

    enough = len(seeds) >= 2
    return GridEvidence(preset, sum(map(bool, found.values())), len(grid), seeds, n_params,
                        crit, {k: run_record(d) for k, d in dirs.items()},
                        fit_at(sigma2, n_boot) if enough else None,
                        {s2: fit_at(s2, min(n_boot, 1000)) for s2 in sweep} if enough else {},
                        sigma2)


def table3_verdict(grids: list[GridEvidence]) -> dict:
    """Table 3's verdict (and Prop. 5's empirical support, the same statement) from the
    archived grids: ``{"reproduced", "decisive", "by_scale", "deciding"}``.

    The criterion's threshold is absolute (sigma^2 nats), so what it selects depends on the
    vocabulary and the loss level, not only on N and D: a grid below the paper's scale (a
    vocabulary of 1,024 tokens and losses of 3-6 nats against GPT-2's 50,257 and the paper's
    2-3) decides nothing about the paper's D*. Such a grid is never ``decisive``; its finding
    (k at sigma^2 and over the sweep, or why it has none) is reported for each scale. Only the
    ``paper`` preset could decide, by :func:`exponent_verdict`. ``deciding`` names the largest
    grid with two complete seeds (its exponent is the finding the ledger leads with)."""
    usable = [g for g in grids if g.fit is not None]
    by_scale = {}
    for g in usable:
        star = g.fit["d_star"]
        by_scale[g.preset.name] = {
            "outcome": exponent_verdict(g.fit["low"], g.fit["high"]),
            "k_low": g.fit["low"], "k_high": g.fit["high"],
            "sweep_span": g.sweep_span(), "censored": g.censored, "runs": len(g.crit),
            "no_d_star": [m for m, s in star.items() if s.status not in ("measured",
                                                                          "bracketed")]}
    deciding = max(usable, key=lambda g: max(g.n_params.values()), default=None)
    paper = deciding is not None and deciding.preset.name == "paper"
    outcome = by_scale[deciding.preset.name]["outcome"] if deciding else "inconclusive"
    return {"reproduced": outcome == "reproduced",
            "decisive": paper and outcome != "inconclusive",
            "by_scale": by_scale, "deciding": deciding.preset.name if deciding else None}


def table3_findings(verdict: dict, grids: dict) -> str:
    """What each archived grid shows (:func:`table3_verdict`'s ``by_scale``), one clause a
    scale: k's interval at sigma^2, or why there is none, and the span over the sweep."""
    parts = []
    for name, g in grids.items():
        b = verdict["by_scale"].get(name)
        if b is None:
            parts.append(f"{name}: fewer than two complete seeds")
            continue
        n = g.n_params.values()
        at = (f"no k at sigma^2 = {g.sigma2}: D* censored for {', '.join(b['no_d_star'])} "
              f"({b['censored']} of {b['runs']} runs still improving at their final cap)"
              if b["no_d_star"] else
              f"k 95% interval [{b['k_low']:.2f}, {b['k_high']:.2f}] at sigma^2 = {g.sigma2}")
        low, high = b["sweep_span"]
        parts.append(f"{name} (N {min(n):,}-{max(n):,}, {len(g.seeds)} seeds): {at}; the "
                     f"intervals over sigma^2 {min(g.sweep)}-{max(g.sweep)} span "
                     f"[{low:.2f}, {high:.2f}]")
    return "; ".join(parts)



def table3_key(verdict: dict, sigma2: float) -> str:
    """The ledger's key number for Table 3 (:func:`table3_verdict`): each grid's interval for
    k at ``sigma2`` beside the span of its intervals over the threshold sweep, since the one
    at ``sigma2`` alone reads as a finding the sweep does not support; "none" where a model's
    D* is censored."""
    parts = []
    for name, b in verdict["by_scale"].items():
        low, high = b["sweep_span"]
        at = ("none (D* censored)" if b["no_d_star"] else
              f"[{b['k_low']:.2f}, {b['k_high']:.2f}] at sigma^2 = {sigma2:g}")
        parts.append(f"{name} {at}, [{low:.2f}, {high:.2f}] over the sweep")
    return "k: " + "; ".join(parts or ["no grid"]) + "; Prop. 5: 1/2"

@dataclass
class SeedsEvidence:
    """App. F.2's runs of one archived preset (:meth:`Preset.robustness_configs`)."""

    preset: Preset
    found: int  # of preset.robustness_seeds
    crit: list  # Criterion of each archived run, by seed
    records: list  # their run records
    pair_se: float  # median standard error of a seed-to-seed difference (same sequences)

    @property
    def minima(self) -> np.ndarray:
        return np.array([c.val_min for c in self.crit])

    @property
    def steps(self) -> np.ndarray:
        return np.array([c.step_min for c in self.crit])

    @property
    def censored(self) -> int:
        return sum(c.censored for c in self.crit)

    def outcome(self, tolerance: float = 0.01) -> str:
        """The paper's statement read on these runs: "consistent" (the minima span less than
        ``tolerance`` nats and their steps at most a fifth of their median), "not consistent",
        or "undecided" (a run censored, or the noise of a seed-to-seed difference above a
        fifth of the distance between the range and ``tolerance``)."""
        if self.found < 2 or self.censored or \
                self.pair_se > abs(np.ptp(self.minima) - tolerance) / 5:
            return "undecided"
        return "consistent" if np.ptp(self.minima) < tolerance and \
            np.ptp(self.steps) <= 0.2 * np.median(self.steps) else "not consistent"


def archived_seeds(preset: Preset, corpus: dict) -> SeedsEvidence:
    """App. F.2's archived runs of ``preset`` (each censored run replaced by its archived
    extension where there is one), never training."""
    from assocmem.training.runs import archived_only
    from assocmem.training.store import val_rows

    dirs = [d for d in archived_only(list(preset.robustness_configs(corpus).values()),
                                     extend_to=preset.extend_cap) if d is not None]
    crit = criteria(dirs, preset.window) if dirs else []
    rows = [val_rows(d) for d in dirs]
    pair = median_pair_se(rows) if len(rows) >= 2 and all(r is not None for r in rows) else np.nan
    return SeedsEvidence(preset, len(dirs), crit, [run_record(d) for d in dirs], pair)


def f2_verdict(evidence: list[SeedsEvidence]) -> dict:
    """App. F.2's verdict: ``{"reproduced", "decisive", "by_scale"}``. The spread of a seed's
    minimal validation loss shrinks as the model and data grow (chapter 10 measures it on two
    archived grids), so runs below the paper's 40M-parameter Model 1 can tell how consistent
    seeds are at their own scale, not at the paper's: only the ``paper`` preset decides, by
    :meth:`SeedsEvidence.outcome`."""
    complete = [e for e in evidence if e.found == e.preset.robustness_seeds]
    by_scale = {e.preset.name: {"outcome": e.outcome(), "range": float(np.ptp(e.minima)),
                                "steps": e.steps.tolist(), "censored": e.censored,
                                "pair_se": e.pair_se, "model": e.preset.robustness_cell()[0]}
                for e in complete}
    paper = by_scale.get("paper", {}).get("outcome")
    return {"reproduced": paper == "consistent",
            "decisive": paper in ("consistent", "not consistent"), "by_scale": by_scale}
