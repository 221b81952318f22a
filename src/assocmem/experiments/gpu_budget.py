"""What the ``gpu`` presets of chapters 08-12 cost on one H200, from the one measurement a GPU
has made of them: chapter 10's ``gpu`` grid, trained on an H200 on 2026-12-04 (issue 29,
``benchmarks/gpu_openelm.sh``; its runs are in ``archive/runs/elm-gpu-*``).

The measurement replaces the earlier model, which assumed that a dozen small runs side by side
share the device without slowing one another and priced a step at 6-18 ms: with 14 processes on
one H200 each run made 16 steps a second (tokens/s 122k-136k per run, for all three model sizes
alike), so the device, time-sliced between the processes, gave 219 steps a second in all, start,
validation and archiving included. A step of these models is bound by that shared rate, not by
its FLOPs or its size. Each lent task has 15 minutes of device time, the machine's start
included; one call of about nine minutes is what it trains in. A preset whose work does not fit
one call is shrunk in its module (chapter 10's was: two seeds, and a cap of 6,000 steps for a
censored run), never this module's figures stretched. The other chapters' presets have not run
on a GPU: their cost is this rate applied to the steps their ``cpu-long`` counterparts took, an
assumption named as one.
"""

from __future__ import annotations

from dataclasses import dataclass

BUDGET_S = 15 * 60  # device time lent to one task, the machine's start included
CALL_S = 9 * 60  # the training one call of that budget holds (start, packing and margin aside)


@dataclass(frozen=True)
class Measured:
    """The device's rate for the small ``gpu`` models, as measured, and the steps a run takes."""

    device: str = "NVIDIA H200 (torch 2.11.0+cu130, eager, bf16 autocast)"
    steps_per_s: float = 219.0  # measured: 96,242 steps of chapter 10's gpu runs in 439 s of
    #   one call, 14 runs side by side (start, validation every 50 steps, archiving included)
    lanes: int = 14  # measured with: processes side by side, one per CPU core (16 cores)
    peak_flops: float = 989e12  # H100/H200 dense bf16 (the vendor's datasheet)
    mfu: float = 0.20  # measured 19.7-28.5% for App. F.1's 40-80M models (archive/2026-11-26-h100)
    steps: tuple = (  # steps a criterion-trained run takes, extensions included: chapter 10's
        #               measured on the GPU, the mean over its 72 archived grid runs (a lower
        #               bound: 26 of them were censored at their 3,000-step cap and not yet
        #               continued); the others assumed from their cpu-long counterparts
        ("10", 1_761), ("08", 5_897), ("12", 2_751), ("09", 2_500))

    def typical_steps(self, chapter: str) -> int:
        """The steps a criterion-trained run of ``chapter`` ("08" to "12") is priced at."""
        table = dict(self.steps)
        return table.get(chapter, table["10"] if chapter == "11" else max(table.values()))


MEASURED = Measured()


def step_seconds(params: int, tokens_per_step: int, m: Measured = MEASURED) -> float:
    """Device seconds of one step of a model of ``params`` parameters on ``tokens_per_step``
    tokens: the measured shared rate, or 6 FLOPs per parameter and token at the measured
    utilization, whichever is more (the second only for models far larger than the gpu
    presets')."""
    if params < 1 or tokens_per_step < 1:
        raise ValueError("arguments 'params' and 'tokens_per_step' must be >= 1; got "
                         f"{params}, {tokens_per_step}")
    return max(1 / m.steps_per_s, 6 * params * tokens_per_step / (m.peak_flops * m.mfu))


def wall_seconds(steps: list[int], step_s: float, m: Measured = MEASURED,
                 chain: int = 0) -> float:
    """Device seconds of runs of ``steps`` steps each at ``step_s`` device seconds a step, side
    by side in up to ``m.lanes`` processes that share the device's rate evenly (assumed for
    fewer lanes than measured): their sum, and at least the longest run and the ``chain`` of
    steps that must follow one another (a ladder walk) at one lane's share."""
    if step_s <= 0:
        raise ValueError(f"argument 'step_s' must be > 0; got {step_s}")
    lanes = max(1, min(m.lanes, len(steps)))
    return max(sum(steps) * step_s, max(steps, default=0) * step_s * lanes,
               chain * step_s * lanes)


def estimate(m: Measured = MEASURED, rounds_per_d: int = 2) -> dict[str, float]:
    """Device seconds of each chapter's ``gpu`` preset from scratch, by the measured rate.
    Chapter 12's walks train as many runs as they need, unknown in advance: ``rounds_per_d``
    rounds of two widths per (criterion, seed, d) are assumed, and a seed's walk is a chain."""
    from assocmem.accounting import openelm_counts
    from assocmem.experiments import memorization, openelm_scaling, question_formation, radius
    from assocmem.training.openelm import OpenELMConfig

    def elm_params(args: dict, vocab: int, context: int) -> int:
        return openelm_counts(OpenELMConfig(vocab_size=vocab, max_context=context,
                                            **args))["total"]

    seconds = {}
    elm = openelm_scaling.PRESETS["gpu"]
    tokens = elm.batch_size * elm.context
    step = step_seconds(elm_params(elm.model_args("Model 3"), 1024, elm.context), tokens, m)
    grid = [m.typical_steps("10")] * elm.grid_runs
    seconds["10 Table 3"] = wall_seconds(grid, step, m)  # from scratch, without extensions
    seconds["11 App. F.2"] = wall_seconds([elm.extend_cap] * elm.robustness_seeds, step, m)

    fam = radius.FAMILIES["gpu"]
    widest = elm_params({**elm.shape, "model_dim": max(fam.widths)}, 1024, elm.context)
    seconds["08 family"] = wall_seconds(
        [m.typical_steps("08")] * len(fam.widths) * len(fam.seeds),
        step_seconds(widest, tokens, m), m)

    qf = question_formation.PRESETS["gpu"]
    d, ff, args = qf.d_model, qf.d_ff, qf.train_args
    seconds["09 question formation"] = wall_seconds(
        [m.typical_steps("09")] * len(qf.depths) * len(qf.seeds),
        step_seconds(max(qf.depths) * (4 * d * d + 2 * d * ff), args["batch_size"] * 22, m), m)

    mem = memorization.PRESETS["gpu"]
    cfg = mem.train_config(mem.d_values[-1], mem.widths[-1])
    mem_step = step_seconds(elm_params(cfg.model_args, mem.vocab + 3, mem.length + 2),
                            cfg.batch_size * (mem.length + 1), m)
    runs = len(mem.d_values) * rounds_per_d * 2 * 2 * len(mem.seeds)  # 2 widths, 2 criteria
    seconds["12 memorization"] = wall_seconds(
        [m.typical_steps("12")] * runs, mem_step, m,
        chain=len(mem.d_values) * rounds_per_d * m.typical_steps("12"))
    seconds["total"] = sum(seconds.values())
    return seconds


def fits_one_call(chapters: tuple[str, ...], m: Measured = MEASURED) -> bool:
    """Whether the named chapters' presets (keys of :func:`estimate` starting with them)
    train within one call's :data:`CALL_S`."""
    seconds = estimate(m)
    return sum(v for k, v in seconds.items() if k.split()[0] in chapters) <= CALL_S


def openelm_remaining_steps(corpus: dict) -> dict[str, int]:
    """The steps chapter 10's and 11's ``gpu`` runs still need beyond what the archive holds:
    a missing run its typical steps, a run censored at its cap without an archived extension
    the steps to the preset's ``extend_cap`` (an upper bound), a finished run none."""
    from assocmem.experiments import openelm_scaling
    from assocmem.training import store
    from assocmem.training.runs import extension
    from assocmem.training.store import run_record

    elm = openelm_scaling.PRESETS["gpu"]
    grid = [elm.run_config(mo, d, corpus, seed=s) for s in elm.seeds for mo in elm.models
            for d in elm.sizes]
    left = {}
    for part, cfgs in (("grid", grid), ("F.2", elm.robustness_configs(corpus).values())):
        steps = 0
        for cfg in cfgs:
            found = store.find(cfg, cache=False)
            if found is None:
                steps += MEASURED.typical_steps("10")
            elif run_record(found)["censored"] and store.find(
                    extension(cfg, elm.extend_cap), cache=False) is None:
                steps += elm.extend_cap - run_record(found)["last_step"]
        left[part] = steps
    return left
