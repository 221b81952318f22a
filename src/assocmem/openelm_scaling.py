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

from assocmem.data.text import PIPELINE_VERSION
from assocmem.params import PAPER_OPENELM, OpenELMConfig, openelm_counts
from assocmem.train import TrainConfig, read_metrics

SIGMA2 = 0.04  # the paper's threshold
# Table 3's eight sizes in tokens ("ranging uniformly from D = 167.06M to D = 333.17M")
PAPER_SIZES = [int(d * 1e4) for d in (16706, 19038, 21418, 23798, 26178, 28557, 30937, 33317)]

PRESETS = {
    # Minutes on 2 CPU cores: 2-layer models, a 1,024-token BPE, 64-token windows.
    "cpu": dict(
        models={"Model 1": dict(model_dim=16), "Model 2": dict(model_dim=32),
                "Model 3": dict(model_dim=64)},
        shape=dict(n_layers=2, head_dim=16, num_gqa_groups=2, qkv_multipliers=(0.5, 1.0),
                   ffn_multipliers=(0.5, 4.0), ffn_dim_divisor=16),
        sizes=[int(round(d)) for d in np.geomspace(8_000, 128_000, 8)],
        tokenizer="bpe-1024", context=64, piece_chars=50_000, batch_size=16, micro_batch=16,
        steps=400, lr=3e-3, warmup_steps=20, eval_every=10, eval_batches=8, window=50),
    # Appendix F.1: 8 layers, head dimension 64, the paper's head lists, GPT-2's tokenizer,
    # context 1,024, batch 12 per device and 491,520 tokens (480 sequences) per iteration.
    # Not given by the paper (our choices): learning rate, warmup, step count, FFN multipliers.
    "paper": dict(
        models={name: dict(model_dim=spec["model_dim"]) for name, spec in PAPER_OPENELM.items()},
        shape=dict(n_layers=8, head_dim=64, qkv_multipliers=(0.5, 1.0)),
        sizes=PAPER_SIZES, tokenizer="gpt2", context=1024, piece_chars=0, batch_size=480,
        micro_batch=12, steps=10_000, lr=6e-4, warmup_steps=500, eval_every=100,
        eval_batches=20, window=1000),
}


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


def model_args(preset: str, name: str) -> dict:
    """The ``model_args`` of model ``name`` in ``preset`` (see :data:`PRESETS`)."""
    p = PRESETS[preset]
    if name not in p["models"]:
        raise ValueError(f"argument 'model' must be one of {sorted(p['models'])}; got {name!r}")
    args = {**p["shape"], **p["models"][name]}
    if preset == "paper":
        spec = PAPER_OPENELM[name]
        args.update(query_heads_override=spec["q"], kv_heads_override=spec["kv"],
                    ffn_multipliers=paper_ffn_multipliers(name))
    return args


def transformer_params(preset: str, name: str, vocab_size: int) -> int:
    """N: the parameters of the transformer layers (the paper's count), by the accounting of
    :mod:`assocmem.params` (equal to the model's, as the tests check)."""
    cfg = OpenELMConfig(vocab_size=vocab_size, max_context=PRESETS[preset]["context"],
                        **model_args(preset, name))
    return openelm_counts(cfg)["transformer layers"]


def run_config(preset: str, name: str, train_tokens: int, corpus: dict, seed: int = 0,
               device: str = "cpu", steps: int | None = None) -> TrainConfig:
    """The run of model ``name`` on the first ``train_tokens`` tokens of ``corpus`` (the dict of
    :func:`assocmem.data.text.corpus_argument`)."""
    if preset not in PRESETS:
        raise ValueError(f"argument 'preset' must be one of {sorted(PRESETS)}; got {preset!r}")
    p = PRESETS[preset]
    return TrainConfig(
        name=f"elm-{preset}-{name.replace(' ', '').lower()}-D{train_tokens}-s{seed}",
        task="text",
        task_args=dict(corpus=corpus["corpus"], fingerprint=corpus["fingerprint"],
                       tokenizer=p["tokenizer"], context=p["context"], train_tokens=train_tokens,
                       piece_chars=p["piece_chars"], pipeline=PIPELINE_VERSION),
        model="openelm", model_args=model_args(preset, name), dropout=0.1,
        steps=steps or p["steps"], batch_size=p["batch_size"], micro_batch=p["micro_batch"],
        lr=p["lr"], warmup_steps=p["warmup_steps"], decay="cosine", min_lr_ratio=0.1,
        betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0, eval_every=p["eval_every"],
        eval_batches=p["eval_batches"], log_every=1, checkpoint_every=max(100, p["steps"] // 4),
        seed=seed, device=device, compile=device == "cuda")


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


def d_star(sizes: list[int], mses: list[float], sigma2: float = SIGMA2) -> int | None:
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
    if set(tokens_per_s) != set(p["models"]):
        raise ValueError(f"argument 'tokens_per_s' must give every model {sorted(p['models'])}; "
                         f"got {sorted(tokens_per_s)}")
    per_run = p["steps"] * p["batch_size"] * p["context"]
    hours = {name: len(p["sizes"]) * per_run / rate / 3600 for name, rate in tokens_per_s.items()}
    hours["extra seeds"] = extra_seeds * per_run / tokens_per_s["Model 1"] / 3600
    return hours
