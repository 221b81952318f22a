"""What the ``gpu`` presets of chapters 08-12 cost on one H100 or H200, estimated before any GPU
has run them: the presets are sized so that the estimate of all of them together stays within
20 minutes of one device.

Every constant below is an assumption, named as one, or a measurement, with where it was made.
No GPU has yet run a ``gpu`` preset (no session of the book had one lent): when one has, its
archived runs' wall times replace this estimate, and a preset whose measured cost exceeds the
budget is to be shrunk, not this module's assumptions stretched.
"""

from __future__ import annotations

from dataclasses import dataclass

BUDGET_S = 20 * 60  # the presets' budget: chapters 08-12 together on one device


@dataclass(frozen=True)
class Assumptions:
    """The cost model of one run on the GPU: a step costs the larger of a fixed floor (kernel
    launches: small models leave the device idle) and its FLOPs at a given utilization; runs go
    side by side in separate processes and share the device without slowing each other while
    it is launch-bound; each run pays a fixed start (process, data, compilation)."""

    step_floor_s: float = 0.004  # assumed: the fixed part of one step of a small model
    #   (embedding, loss, AdamW, clipping), launch-bound
    layer_floor_s: float = 0.002  # assumed: each layer's share of a launch-bound step
    peak_flops: float = 989e12  # H100 SXM dense bf16 (the H200's is the same)
    mfu: float = 0.20  # measured 19.7-28.5% for App. F.1's 40-80M models at 12 x 1,024 tokens
    #   (archive/2026-11-26-h100); small models reach less, which the floor stands for
    start_s: float = 30.0  # per compiled run: torch.compile of a new shape, data, warm-up
    #   (measured once: 200 steps of chapter 10's cpu Model 3 took 31.5 s with compilation,
    #   of which the steps themselves are about 2 s by this model)
    start_eager_s: float = 3.0  # assumed per run without compilation (a reused process)
    eager_factor: float = 1.5  # assumed: an uncompiled step launches more kernels
    concurrent: int = 12  # runs side by side (processes) on one device: the lent machines
    #   have 16 CPU cores, one per launch-bound process and four to spare; that the device
    #   interleaves their small kernels without slowing each one is the weakest assumption
    steps: tuple = (  # steps a criterion-trained run takes, extensions included: the mean over
        #               the final runs of each experiment's archived cpu-long counterpart,
        #               (measured on 2 CPU cores) assumed to carry over to the gpu presets
        ("10", 1_764), ("08", 5_897), ("12", 2_751), ("09", 2_500))

    def typical_steps(self, chapter: str) -> int:
        """The steps a criterion-trained run of ``chapter`` ("08" to "12") is priced at."""
        table = dict(self.steps)
        return table.get(chapter, table["10"] if chapter == "11" else max(table.values()))


ASSUMED = Assumptions()


def step_seconds(params: int, layers: int, tokens_per_step: int,
                 a: Assumptions = ASSUMED) -> float:
    """Seconds of one training step of a model of ``params`` parameters (all of them,
    embeddings included) and ``layers`` layers on ``tokens_per_step`` tokens: the launch-bound
    floor, or 6 FLOPs per parameter and token at the assumed utilization, whichever is more."""
    if params < 1 or layers < 1 or tokens_per_step < 1:
        raise ValueError("arguments 'params', 'layers' and 'tokens_per_step' must be >= 1; got "
                         f"{params}, {layers}, {tokens_per_step}")
    floor = a.step_floor_s + a.layer_floor_s * layers
    return max(floor, 6 * params * tokens_per_step / (a.peak_flops * a.mfu))


def run_seconds(params: int, layers: int, tokens_per_step: int, steps: int,
                compiled: bool = True, a: Assumptions = ASSUMED) -> float:
    """One run of ``steps`` steps: its start, then its steps, plus a tenth for validation."""
    step = step_seconds(params, layers, tokens_per_step, a)
    if compiled:
        return a.start_s + 1.1 * steps * step
    return a.start_eager_s + 1.1 * steps * step * a.eager_factor


def wall_seconds(runs: list[float], a: Assumptions = ASSUMED, concurrent: int | None = None,
                 chain: float = 0.0) -> float:
    """Wall time of ``runs`` (seconds each) shared among ``concurrent`` side-by-side processes:
    their sum over the processes, and at least the longest run, and at least ``chain``, the
    seconds of runs that must follow one another (a ladder walk)."""
    lanes = a.concurrent if concurrent is None else concurrent
    if lanes < 1:
        raise ValueError(f"argument 'concurrent' must be >= 1; got {lanes}")
    return max(sum(runs) / lanes, max(runs, default=0.0), chain)


def estimate(a: Assumptions = ASSUMED, rounds_per_d: int = 2) -> dict[str, float]:
    """Seconds of each chapter's ``gpu`` preset on one device by the cost model, run one
    chapter after another (each command of ``book/how_to_run.md`` with its own side-by-side
    runs), and their ``total``. A run censored at its cap and continued is priced in the
    experiment's mean steps (:attr:`Assumptions.steps`, extensions included). Chapter 12's
    ladder walks train as many runs as they need, unknown in advance: ``rounds_per_d`` rounds
    of two widths side by side per (criterion, seed, d) are assumed (d grows fourfold a step,
    about two rungs of the width ladder; the archived cpu-long walks, d doubling, took one),
    and a seed's walk over d is a chain of rounds that cannot overlap."""
    from assocmem.accounting import openelm_counts
    from assocmem.experiments import memorization, openelm_scaling, question_formation, radius
    from assocmem.training.openelm import OpenELMConfig

    def elm_params(args: dict, vocab: int, context: int) -> int:
        cfg = OpenELMConfig(vocab_size=vocab, max_context=context, **args)
        return openelm_counts(cfg)["total"]

    seconds = {}
    elm = openelm_scaling.PRESETS["gpu"]
    tokens, layers = elm.batch_size * elm.context, elm.shape["n_layers"]
    per_model = {m: run_seconds(elm_params(elm.model_args(m), 1024, elm.context), layers,
                                tokens, a.typical_steps("10"), a=a)
                 for m in elm.models}
    grid = [per_model[m] for _ in elm.seeds for m in elm.models for _ in elm.sizes]
    seconds["10 Table 3"] = wall_seconds(grid, a)
    extra = max(0, elm.robustness_seeds - len(elm.seeds))
    seconds["11 App. F.2"] = wall_seconds([per_model[list(elm.models)[-1]]] * extra, a)

    fam = radius.FAMILIES["gpu"]
    seconds["08 family"] = wall_seconds(
        [run_seconds(elm_params({**elm.shape, "model_dim": w}, 1024, elm.context), layers,
                     tokens, a.typical_steps("08"), a=a)
         for w in fam.widths for _ in fam.seeds], a)

    qf = question_formation.PRESETS["gpu"]
    d, ff, args = qf.d_model, qf.d_ff, qf.train_args
    mean_tokens = 22  # tokens an example predicts, about (chapter 09's grammar: 21.3)
    seconds["09 question formation"] = wall_seconds(
        [run_seconds(depth * (4 * d * d + 2 * d * ff), depth, args["batch_size"] * mean_tokens,
                     a.typical_steps("09"), compiled=False, a=a)
         for depth in qf.depths for _ in qf.seeds], a)

    mem = memorization.PRESETS["gpu"]
    runs, chain = [], 0.0
    for d_count in mem.d_values:
        # which widths a walk visits is not known in advance: each run is priced at the
        # ladder's middle width (the step floor dominates at every width)
        cfg = mem.train_config(d_count, mem.widths[len(mem.widths) // 2])
        params = elm_params(cfg.model_args, mem.vocab + 3, mem.length + 2)
        run = run_seconds(params, mem.layers, cfg.batch_size * (mem.length + 1),
                          a.typical_steps("12"), compiled=cfg.compile, a=a)
        runs += [run] * (rounds_per_d * 2 * 2 * len(mem.seeds))  # 2 widths, 2 criteria
        chain += rounds_per_d * run
    seconds["12 memorization"] = wall_seconds(runs, a, chain=chain)
    seconds["total"] = sum(seconds.values())
    return seconds
