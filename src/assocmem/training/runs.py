"""Training through the run store (:mod:`assocmem.training.store`): a run is trained into the
cache only when the store has none of its configuration, the archive looked up first.

Rebuilding the book reuses finished runs and resumes unfinished ones. A run directory is locked
while a process trains into it, so a second process asking for the same run waits and then
reuses it instead of interleaving with it (every writer of a run folder holds its lock:
:func:`run_lock`, the training loop, the command line, the archive). A finished run is verified
before anything of it is read (:func:`assocmem.training.store.verify`); a run whose files do not
match is reported with an error that names it and the file, and it is retrained only on request
(``retrain_corrupt=True``), never silently read. Several runs train side by side in a pool of
worker processes (:func:`cached_train_many`); a censored run continues to a larger cap from its
last checkpoint (:func:`extension`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import time
from pathlib import Path

import torch
from tqdm import tqdm

from assocmem.training import tasks
from assocmem.training.integrity import CorruptRun, RunBusy, run_lock
from assocmem.training.loop import TrainConfig, build_model, read_config, train
from assocmem.training.store import find, is_finished, locate, read_metrics, run_dir, verify

__all__ = ["CorruptRun", "RunBusy", "run_lock", "cached_train", "cached_train_many", "load_run",
           "archived_only", "extension", "first_divergence", "DeadlinePassed"]


def extension(cfg: TrainConfig, cap: int) -> TrainConfig:
    """The run of ``cfg`` allowed to go on to the cap ``cap``: the same run, since a run that
    stops by patience and keeps a constant learning rate after warmup takes the same course
    whatever its cap (the cap only decides where a censored run is cut). Its first ``cfg.steps``
    steps are those of ``cfg``, so :func:`cached_train` continues a censored run of ``cfg``
    from its last checkpoint instead of repeating them (``extends``)."""
    if not cfg.patience or cfg.decay != "constant":
        raise ValueError(f"run {cfg.name}: only a run with patience and a constant learning rate "
                         f"can be extended (patience {cfg.patience}, decay {cfg.decay!r})")
    if isinstance(cap, bool) or not isinstance(cap, int) or cap <= cfg.steps \
            or cap % cfg.eval_every or cfg.steps % cfg.eval_every:
        raise ValueError(f"argument 'cap' must be an integer above the run's cap {cfg.steps}, "
                         f"both multiples of eval_every ({cfg.eval_every}); got {cap!r}")
    return dataclasses.replace(cfg, steps=cap)


def first_divergence(rows_a: list[dict], rows_b: list[dict], tol: float = 1e-3) -> int | None:
    """The first logged step at which two runs' training losses differ by more than ``tol``
    (None when they never do on the steps both logged): where a run retrained in another
    process leaves the course of the run it repeats. Floating-point results of the same
    configuration and seed can differ between processes in their last bits, and training
    amplifies such differences, so a retrained run is another draw of the run's noise, not a
    copy of it."""
    if not tol > 0:
        raise ValueError(f"argument 'tol' must be positive; got {tol!r}")
    b = {row["step"]: row for row in rows_b if row.get("train_loss") is not None}
    for row in rows_a:
        other = b.get(row["step"])
        if row.get("train_loss") is not None and other is not None \
                and abs(row["train_loss"] - other["train_loss"]) > tol:
            return row["step"]
    return None


def _continue_from(short: TrainConfig, cfg: TrainConfig, out_dir: Path,
                   root: Path | None) -> bool:
    """Start the run ``cfg`` (an :func:`extension` of ``short``) in ``out_dir`` from the final
    checkpoint of the finished, censored run of ``short`` in the cache, when there is one.
    Returns whether it did (else ``cfg`` trains from its first step, to the same course)."""
    if extension(short, cfg.steps) != cfg:
        raise ValueError(f"argument 'extends': run {cfg.name} is not an extension of "
                         f"{short.name} (they differ in more than their cap)")
    source = run_dir(short, root)
    if not (is_finished(source) and (source / "checkpoint.pt").exists()):
        return False
    record = verify(source)[0]
    if not record.get("censored"):
        raise ValueError(f"argument 'extends': run {source.name} stopped by its criterion at "
                         f"step {record['last_step']}; there is nothing to extend")
    state = torch.load(source / "checkpoint.pt", map_location="cpu", weights_only=True)
    state["config_key"] = cfg.key()
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.save(state, out_dir / "checkpoint.pt")
    shutil.copy(source / "metrics.jsonl", out_dir / "metrics.jsonl")
    kept = ("key", "last_step", "wall_s", "device", "torch", "commit", "finished")
    (out_dir / "extends.json").write_text(json.dumps({k: record.get(k) for k in kept}))
    return True


class DeadlinePassed(RuntimeError):
    """A run was not started because its caller's deadline had passed."""


def stopped_by_deadline(out_dir: Path) -> bool:
    """Whether the finished run in ``out_dir`` was cut by a deadline (and can be resumed)."""
    path = Path(out_dir) / "finished.json"
    return path.exists() and json.loads(path.read_text()).get("stopped") == "deadline"


def cached_train(cfg: TrainConfig, root: Path | None = None, progress: bool = True,
                 retrain_corrupt: bool = False, extends: TrainConfig | None = None,
                 deadline: float | None = None) -> Path:
    """Train ``cfg`` under ``root/<name>-<hash>``, reusing a finished run (after verifying it)
    and resuming an unfinished one. Another process training the same run is waited for.
    With ``extends`` (a run of which ``cfg`` is the :func:`extension`), a new run starts from
    the censored run of ``extends`` where the cache holds it, and its record says so.
    With ``deadline`` (a ``time.time()`` value), the run stops at it (censored, resumable:
    a run of the cache cut by a deadline is resumed by the next call that has time), and a
    run not yet started when it has passed raises :class:`DeadlinePassed`."""
    archived = find(cfg, cache=False)  # verified
    if archived is not None:
        return archived
    out_dir = run_dir(cfg, root)
    with run_lock(out_dir):
        resume = stopped_by_deadline(out_dir) and (deadline is None or time.time() < deadline)
        if is_finished(out_dir) and not resume:
            try:
                read_metrics(out_dir)  # verified
                return out_dir
            except CorruptRun:
                if not retrain_corrupt:
                    raise
                shutil.rmtree(out_dir)
        if deadline is not None and time.time() >= deadline:
            raise DeadlinePassed(f"run {out_dir.name} not started: the deadline has passed")
        if extends is not None and not (out_dir / "checkpoint.pt").exists():
            _continue_from(extends, cfg, out_dir, root)
        train(cfg, out_dir, resume=True, progress=progress, deadline=deadline)
    return out_dir


_CALLER_ENV = ("ASSOCMEM_", "HF_", "TRANSFORMERS_")  # what a reused worker takes from its caller


def _caller_state() -> tuple[str, dict]:
    """The caller's working directory and the environment variables that say where runs, the
    archive, the data and the Hugging Face cache lie, and whether to go online."""
    return os.getcwd(), {k: v for k, v in os.environ.items() if k.startswith(_CALLER_ENV)}


def _train_one_thread(job: tuple) -> Path | None:
    cfg, root, extends, (cwd, env), deadline = job
    for name in set(_caller_state()[1]) - set(env):  # a reused worker takes the caller's
        del os.environ[name]
    os.environ.update(env)
    os.chdir(cwd)
    torch.set_num_threads(1)
    try:
        return cached_train(cfg, root, progress=False, extends=extends, deadline=deadline)
    except DeadlinePassed:
        return None


_POOLS: dict = {}  # workers -> a pool of spawned processes, kept for the life of this process


def _shutdown_pools() -> None:
    while _POOLS:
        _POOLS.popitem()[1].shutdown(wait=True, cancel_futures=True)


def _pool(workers: int):
    """A pool of ``workers`` spawned processes, reused by every later call with as many: each
    process imports torch (and the optimizer's compiler modules) once, not once per call,
    which for short runs costs as much as the training (measured in chapter 12's ladder).
    Each job takes its caller's working directory and settings (:func:`_caller_state`); the
    code is the one the workers imported first, as it is for the caller itself (restart the
    kernel after editing ``src/``)."""
    from assocmem.training.workers import quiet_process_pool

    if not _POOLS:  # shut the pools down before the interpreter tears its modules down
        import atexit

        atexit.register(_shutdown_pools)
    pool = _POOLS.get(workers)
    if pool is not None and getattr(pool, "_broken", False):  # a worker died while idle
        _POOLS.pop(workers)
        pool = None
    if pool is None:
        # workers ignore SIGINT: a kernel's shutdown signals its process group, and the pool
        # is stopped by the caller (terminated on KeyboardInterrupt, shut down at exit)
        pool = _POOLS[workers] = quiet_process_pool(workers)
    return pool


def cached_train_many(cfgs: list[TrainConfig], workers: int = 1, root: Path | None = None,
                      desc: str = "runs", then=None, extends: dict | None = None,
                      deadline: float | None = None) -> list[Path | None]:
    """:func:`cached_train` for every configuration; with ``workers`` > 1, that many runs at
    a time in separate processes of one thread each (small models on a few cores train faster
    side by side than one after another), started in the order given. ``then(cfg, run_dir)``,
    when given, is called in this process as each run finishes. ``extends`` maps a
    configuration's key to the run it extends (:func:`extension`). ``deadline``: see
    :func:`cached_train`; a run not started by then is None in the result. Returns the run
    directories in order."""
    extends = extends or {}
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"argument 'workers' must be an integer >= 1; got {workers!r}")
    todo = [cfg for cfg in cfgs if find(cfg, cache=False) is None and (
        not is_finished(run_dir(cfg, root)) or stopped_by_deadline(run_dir(cfg, root)))]
    skipped = set()
    if workers == 1 or len(todo) < 2:
        for cfg in tqdm(todo, desc=desc, file=sys.stderr, disable=not todo):
            try:
                out = cached_train(cfg, root, progress=False, extends=extends.get(cfg.key()),
                                   deadline=deadline)
            except DeadlinePassed:
                skipped.add(cfg.key())
                continue
            if then:
                then(cfg, out)
    else:
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        pool = _pool(workers)
        try:
            state = _caller_state()
            jobs = {pool.submit(_train_one_thread, (cfg, root, extends.get(cfg.key()), state,
                                                    deadline)): cfg for cfg in todo}
            for job in tqdm(as_completed(jobs), total=len(todo), desc=desc, file=sys.stderr):
                out = job.result()
                if out is None:
                    skipped.add(jobs[job].key())
                    continue
                if then:
                    then(jobs[job], out)
        except BaseException as error:  # a failed or interrupted call leaves no pool behind
            _POOLS.pop(workers, None)
            if isinstance(error, KeyboardInterrupt):  # stop the runs in flight, now
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.terminate()
            pool.shutdown(wait=not isinstance(error, BrokenProcessPool | KeyboardInterrupt),
                          cancel_futures=True)
            raise
    for cfg in cfgs:  # finished before: verify them too
        if cfg.key() not in skipped:
            read_metrics(locate(cfg, root))
    return [None if cfg.key() in skipped else locate(cfg, root) for cfg in cfgs]


def archived_only(cfgs: list[TrainConfig], extend_to: int = 0) -> list[Path | None]:
    """The archived run of each of ``cfgs`` (None where the archive has none), never training
    anything: what a chapter shows of a preset too large for the live build. With
    ``extend_to``, a censored run is replaced by its :func:`extension` to that cap where the
    archive holds it."""
    found = []
    for cfg in cfgs:
        out = find(cfg, cache=False)
        if out is not None and extend_to and verify(out)[0].get("censored"):
            out = find(extension(cfg, extend_to), cache=False) or out
        found.append(out)
    return found


def load_run(out_dir: Path, device: str = "cpu"):
    """(model, config, dataset) of a finished run (verified first), the model in eval mode."""
    out_dir = Path(out_dir)
    read_metrics(out_dir)  # verified
    cfg = read_config(out_dir)
    data = tasks.build(cfg.task, seed=cfg.seed, **cfg.task_args)
    model = build_model(cfg, data.vocab_size, data.max_len)
    state = torch.load(out_dir / "checkpoint.pt", map_location=device, weights_only=True)
    model.load_state_dict(state["model"])
    return model.to(device).eval(), cfg, data

