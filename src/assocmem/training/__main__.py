"""Train one run of an experiment's preset from the command line.

    python -m assocmem.training --experiment question_formation --preset tiny --list
    python -m assocmem.training --experiment question_formation --preset tiny --run-name depth-2 \\
        --steps 30 --out runs/tiny [--resume] [--seed 0]
    torchrun --nproc_per_node 2 -m assocmem.training ... (DistributedDataParallel)
    python -m assocmem.training --experiment openelm_scaling --preset cpu-long --all \
        --workers 2 --archive     (every run of the preset, each archived as it finishes)
    python -m assocmem.training --experiment memorization --preset cpu-long --all \
        --workers 2 --archive     (chapter 12's ladder searches, every seed of the preset;
                                   --walk 0:saturated walks one seed for one criterion)

The presets are the experiments' own (``assocmem.experiments.<experiment>.PRESETS``), the same
registry the notebooks validate their ``preset`` parameter against.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from contextlib import nullcontext
from pathlib import Path

import torch
import torch.distributed as dist

from assocmem.experiments import EXPERIMENTS, presets
from assocmem.training.integrity import RunBusy, run_lock
from assocmem.training.loop import TrainConfig, train


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m assocmem.training",
                                     description="Train one run of an experiment's preset.")
    parser.add_argument("--experiment", required=True,
                        choices=[e for e in EXPERIMENTS if e != "radius"])
    parser.add_argument("--preset", required=True, help="a key of the experiment's PRESETS")
    parser.add_argument("--run-name", help="a run of the preset (see --list)")
    parser.add_argument("--list", action="store_true", help="list the preset's runs and stop")
    parser.add_argument("--all", action="store_true",
                        help="train every run of the preset in the run cache (resumable)")
    parser.add_argument("--workers", type=int, default=1, help="--all: runs side by side")
    parser.add_argument("--archive", action="store_true",
                        help="--all: copy each finished run into the archive of measured runs")
    parser.add_argument("--walk", metavar="SEED:CRITERION",
                        help="memorization --all: only this seed's walk for this criterion "
                             "(memorized or saturated), so that several processes walk side "
                             "by side")
    parser.add_argument("--deadline", type=float, metavar="SECONDS",
                        help="--all: stop every run this many seconds after the start, each "
                             "archived as censored where it stopped (resumable), start no run "
                             "after it, and train the largest prefixes first")
    parser.add_argument("--smoke", action="store_true",
                        help="--all: rehearse the command on the CPU: the first eight runs "
                             "of its order at 30 steps, in a temporary run cache and archive")
    parser.add_argument("--corpus", default="", help="openelm_scaling: a corpus directory")
    parser.add_argument("--steps", type=int, help="optimizer steps (default: the preset's)")
    parser.add_argument("--out", type=Path, help="run directory")
    parser.add_argument("--resume", action="store_true", help="resume from <out>/checkpoint.pt")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--compile", action="store_true", help="torch.compile (CUDA only)")
    parser.add_argument("--checkpoint-every", type=int, help="steps between checkpoints")
    parser.add_argument("--override", action="append", default=[], metavar="KEY=JSON",
                        help="override a config field, e.g. --override dropout=0")
    args = parser.parse_args(argv)
    registry = presets(args.experiment)
    if args.preset not in registry:
        parser.error(f"argument --preset: must be one of {sorted(registry)} for "
                     f"{args.experiment}; got {args.preset!r}")
    if args.steps is not None and args.steps < 1:
        parser.error(f"argument --steps: must be >= 1; got {args.steps}")
    if args.seed < 0:
        parser.error(f"argument --seed: must be >= 0; got {args.seed}")
    if args.deadline is not None and not args.deadline > 0:
        parser.error(f"argument --deadline: must be a positive number of seconds; "
                     f"got {args.deadline}")
    if (args.deadline is not None or args.smoke) and not args.all:
        parser.error("arguments --deadline and --smoke go with --all")
    if args.smoke:  # the very command, rehearsed on this machine's CPU
        import tempfile

        scratch = Path(tempfile.mkdtemp(prefix="assocmem-smoke-"))
        os.environ["ASSOCMEM_RUNS_DIR"] = str(scratch / "runs")
        os.environ["ASSOCMEM_RUN_ARCHIVE"] = str(scratch / "archive")
        tokens = Path(__file__).resolve().parents[3] / "runs" / "tokens"  # reuse tokenized text
        if tokens.is_dir():
            (scratch / "runs").mkdir()
            (scratch / "runs" / "tokens").symlink_to(tokens)
        print(f"smoke rehearsal on the CPU in {scratch}", flush=True)
        args.device = "cpu"
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("argument --device: 'cuda' requested but no CUDA device is available")
    context = {"corpus_path": args.corpus} if args.experiment == "openelm_scaling" else {}
    preset = registry[args.preset]
    try:
        runs = preset.runs(seed=args.seed, device=args.device, **context)
        if hasattr(preset, "all_runs"):  # names with their seed: -s<seed>
            runs |= preset.all_runs(device=args.device, **context)
    except ValueError as error:
        parser.error(str(error))
    if args.list:
        print("\n".join(runs))
        return
    if args.all and args.experiment == "memorization":  # the ladder searches, not a grid
        from assocmem.experiments.memorization import CRITERIA, search

        if args.workers < 1:
            parser.error(f"argument --workers: must be >= 1; got {args.workers}")
        seeds, criteria = None, CRITERIA
        if args.walk:
            seed, _, criterion = args.walk.partition(":")
            if not seed.isdigit() or int(seed) not in preset.seeds or criterion not in CRITERIA:
                parser.error(f"argument --walk: must be SEED:CRITERION with a seed of "
                             f"{preset.seeds} and a criterion of {CRITERIA}; got {args.walk!r}")
            seeds, criteria = (int(seed),), (criterion,)
        search(preset, seeds=seeds, workers=args.workers, archive_runs=args.archive,
               criteria=criteria)
        return
    if args.all:
        ordered = args.deadline is not None or args.smoke
        train_all(args, runs if not hasattr(preset, "all_runs") else
                  preset.all_runs(device=args.device, largest_first=ordered, **context))
        return
    if args.run_name not in runs:
        parser.error(f"argument --run-name: must be one of {list(runs)}; got {args.run_name!r}")
    if args.out is None:
        parser.error("argument --out is required to train")
    overrides = {"compile": args.compile}
    if args.steps is not None:
        overrides["steps"] = args.steps
    if args.checkpoint_every is not None:
        overrides["checkpoint_every"] = args.checkpoint_every
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    for item in args.override:
        key, _, value = item.partition("=")
        if key not in fields:
            parser.error(f"argument --override: unknown config field {key!r}")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            parser.error(f"argument --override: {key} needs a JSON value; got {value!r}")
    try:
        cfg = dataclasses.replace(runs[args.run_name], **overrides)
    except (ValueError, TypeError) as error:
        parser.error(str(error))
    # the run's lock, held from the check to the end: a second process writing the same --out
    # (or the run cache training it) fails here and writes nothing (under torchrun, rank 0
    # writes and holds it)
    writer = int(os.environ.get("RANK", "0")) == 0
    try:
        with run_lock(args.out, wait=False) if writer else nullcontext():
            if not args.resume and (args.out / "checkpoint.pt").exists():
                parser.error(f"argument --out: {args.out} already holds a run; pass --resume "
                             f"or a new --out")
            train(cfg, args.out, resume=args.resume)
    except RunBusy as error:
        raise SystemExit(f"argument --out: {error}") from None
    if dist.is_initialized():
        dist.destroy_process_group()


def train_all(args, runs: dict[str, TrainConfig]) -> None:
    """Every run of a preset, in the run cache; with ``--archive`` each finished run is copied
    into the archive with the command that re-creates it."""
    from assocmem.training.runs import cached_train_many
    from assocmem.training.store import archive_run

    if args.workers < 1:
        raise SystemExit(f"argument --workers: must be >= 1; got {args.workers}")
    deadline = None if args.deadline is None else time.time() + args.deadline
    cap = getattr(presets(args.experiment)[args.preset], "extend_cap", 0)
    if args.smoke:
        runs, cap = {name: _smoke(cfg) for name, cfg in list(runs.items())[:8]}, 60 if cap else 0
    names = {cfg.key(): name for name, cfg in runs.items()}

    def keep(cfg: TrainConfig, _out) -> None:
        corpus = f" --corpus {args.corpus}" if args.corpus else ""
        command = (f"python -m assocmem.training --experiment {args.experiment} --preset "
                   f"{args.preset}{corpus} --run-name {names[cfg.key()]} --out "
                   f"runs/{cfg.name}-{cfg.key()}")
        print(f"archived {archive_run(cfg, command)}", flush=True)

    from assocmem.training import store
    from assocmem.training.runs import extension
    from assocmem.training.store import run_record

    done = cached_train_many(list(runs.values()), workers=args.workers,
                             desc=f"{args.experiment} {args.preset}",
                             then=keep if args.archive else None, deadline=deadline)
    if args.archive:  # runs finished before this call
        for cfg, out in zip(runs.values(), done, strict=True):
            if out is not None and not store.is_archived(out):
                keep(cfg, out)
    if cap:  # then every run censored at its cap, continued to the preset's larger cap
        longer = {}
        for (name, cfg), out in zip(runs.items(), done, strict=True):
            if out is not None and run_record(out)["censored"] \
                    and run_record(out).get("stopped") != "deadline":
                longer[name] = extension(cfg, cap)
                names[longer[name].key()] = f"{name} --steps {cap}"
        extends = {longer[name].key(): runs[name] for name in longer}
        later = cached_train_many(list(longer.values()), workers=args.workers,
                                  desc=f"{args.experiment} {args.preset}: censored runs to "
                                       f"{cap:,} steps", then=keep if args.archive else None,
                                  extends=extends, deadline=deadline)
        if args.archive:
            for cfg, out in zip(longer.values(), later, strict=True):
                if out is not None and not store.is_archived(out):
                    keep(cfg, out)
    if deadline is not None:
        left = sum(out is None for out in done)
        print(f"deadline: {len(runs) - left} of {len(runs)} runs started; the others wait for "
              f"the next call (each run cut by the deadline is archived as censored and "
              f"resumes from its checkpoint in the run cache)", flush=True)


def _smoke(cfg: TrainConfig) -> TrainConfig:
    """A run cut to 30 steps, validated every 10, with a patience of 10 or 20 where it has one
    (20 for a patience above 200, so that runs that differ in it stay apart): the same code
    path as the run, in seconds."""
    patience = 0 if not cfg.patience else 10 if cfg.patience <= 200 else 20
    return dataclasses.replace(cfg, steps=30, eval_every=10, warmup_steps=min(cfg.warmup_steps, 5),
                               patience=patience, checkpoint_every=10, device="cpu",
                               compile=False)


if __name__ == "__main__":
    main()
