"""The run cache: every run lives in ``<runs>/<name>-<hash of its configuration>``.

The archive of measured runs (:mod:`assocmem.training.archive`) is consulted first, read-only.
Rebuilding the book reuses finished runs and resumes unfinished ones. A run directory is locked
while a process trains into it, so a second process asking for the same run waits and then
reuses it instead of interleaving with it (every writer of a run folder holds its lock:
:func:`run_lock`, the training loop, the command line, the archive). A finished run is verified
before anything of it is read (its metrics, its record, its validation rows, its score): every
file against its seal (``SHA256SUMS``, :mod:`assocmem.training.integrity`), its metrics against
its record (``finished.json``: the logged steps and the digests of its metrics, checkpoint and
validation rows), and the fields its record repeats from its metrics against them. A run whose
files do not match is reported with an error that names it and the file, and it is retrained
only on request (``retrain_corrupt=True``), never silently read. A ``score.json`` that an
experiment writes beside a finished run is sealed by the first verification that finds it
(:func:`write_score` seals it as it writes it), and checked by every later one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from assocmem.paths import runs_root
from assocmem.training import archive, tasks
from assocmem.training.integrity import (
    SEAL,
    CorruptRun,
    RunBusy,
    disagreement,
    read_seal,
    read_val_rows,
    run_lock,
    seal_problem,
    write_seal,
)
from assocmem.training.loop import (
    CACHE_FILES,
    TrainConfig,
    build_model,
    file_digest,
    logged_steps,
    read_config,
    train,
    write_record,
)

__all__ = ["CorruptRun", "RunBusy", "run_lock", "cached_train", "cached_train_many", "load_run",
           "read_metrics", "run_record", "val_rows", "write_score", "archive_run",
           "archived_only", "locate", "extension", "first_divergence"]


def run_dir(cfg: TrainConfig, root: Path | None = None) -> Path:
    """Where :func:`cached_train` keeps the run of ``cfg``: ``root/<name>-<hash>``."""
    return Path(root or runs_root()) / f"{cfg.name}-{cfg.key()}"


def is_finished(out_dir: Path) -> bool:
    return (Path(out_dir) / "finished.json").exists()


def verify_run(out_dir: Path) -> list[dict]:
    """The metrics of a finished run, verified (:func:`_verified`)."""
    return _verified(out_dir)[1]


def _verified(out_dir: Path) -> tuple[dict, list[dict]]:
    """The record and metrics of a finished run of the cache, after checking its files: each
    against its seal (``SHA256SUMS``), every line of its metrics parses, the logged steps are
    exactly those the configuration logs, the digests its record keeps match, and the fields
    its record repeats from its metrics agree with them. Raises :class:`CorruptRun` naming the
    run and what is wrong. A run of an earlier version (a record without digests, or no seal)
    is checked by all the rest and then completed with them; a ``score.json`` written since
    the run was sealed is added to its seal."""
    out_dir = Path(out_dir)
    name = out_dir.name

    def fail(what: str):
        raise CorruptRun(f"run {name} ({out_dir}) is damaged: {what}. Remove the folder to "
                         f"retrain it, or pass retrain_corrupt=True to cached_train.")

    record_path = out_dir / "finished.json"
    if not record_path.exists():
        fail("it has no finished.json record (it is not a finished run)")
    try:
        record = json.loads(record_path.read_text())
        cfg = read_config(out_dir)
    except (json.JSONDecodeError, UnicodeDecodeError, OSError, TypeError, KeyError,
            ValueError) as error:
        fail(f"its record or config.json cannot be read ({error})")
    if not isinstance(record, dict):
        fail("finished.json does not hold a record")
    if record.get("key") != cfg.key():
        fail(f"its record's key {record.get('key')!r} is not its configuration's {cfg.key()!r}")
    metrics_path, ckpt_path = out_dir / "metrics.jsonl", out_dir / "checkpoint.pt"
    for path in (metrics_path, ckpt_path):
        if not path.exists():
            fail(f"{path.name} is missing")
    rows = []
    for number, line in enumerate(metrics_path.read_text().splitlines(), start=1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            fail(f"line {number} of metrics.jsonl is not valid JSON (the file was cut short or "
                 f"overwritten)")
    last = record.get("last_step", cfg.steps)
    if isinstance(last, bool) or not isinstance(last, int) or not 1 <= last <= cfg.steps:
        fail(f"its record's last_step {last!r} is not a step of its configuration")
    expected = logged_steps(cfg, last)
    steps = [row.get("step") if isinstance(row, dict) else None for row in rows]
    if len(steps) != len(expected):
        fail(f"metrics.jsonl holds {len(steps)} rows (steps {steps[:1]}..{steps[-1:]}), the "
             f"configuration logs {len(expected)} (steps {expected[0]}..{expected[-1]})")
    wrong = [i for i, (step, want) in enumerate(zip(steps, expected, strict=True))
             if type(step) is not int or step != want]
    if wrong:  # as many rows, other steps: renumbered, reordered
        fail(f"metrics.jsonl logs steps other than its configuration's: row {wrong[0] + 1} is "
             f"step {steps[wrong[0]]!r}, the configuration's row {wrong[0] + 1} is step "
             f"{expected[wrong[0]]}")

    digests: dict[str, str] = {}

    def digest(name: str) -> str:
        if name not in digests:
            digests[name] = file_digest(out_dir / name)
        return digests[name]

    if "metrics_sha256" in record:
        if "checkpoint_sha256" not in record:  # a record with digests keeps both
            fail("its record keeps the digest of metrics.jsonl but not of checkpoint.pt")
        if record["metrics_sha256"] != digest("metrics.jsonl"):
            fail("metrics.jsonl does not match the digest in its record")
        if record["checkpoint_sha256"] != digest("checkpoint.pt"):
            fail("checkpoint.pt does not match the digest in its record")
    if "val_rows_sha256" in record:
        if not (out_dir / "val_rows.npz").exists():
            fail("val_rows.npz is missing (its record keeps its digest)")
        if record["val_rows_sha256"] != digest("val_rows.npz"):
            fail("val_rows.npz does not match the digest in its record")
    try:
        seal = read_seal(out_dir)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        fail(f"its {SEAL} cannot be read ({error})")
    unsealed = []
    if seal is not None:
        problem = seal_problem(out_dir, seal, strict=False, digests=digests)
        if problem:
            fail(problem)
        unsealed = [n for n in CACHE_FILES if n not in seal and (out_dir / n).exists()]
        if any(n != "score.json" for n in unsealed):
            fail(f"{unsealed[0]} is not in its {SEAL} (it was written after the run finished)")
    kept = read_val_rows(out_dir, fail)
    problem = disagreement(cfg, record, rows, val_rows=kept, name="finished.json")
    if problem:
        fail(problem)
    if "metrics_sha256" not in record or seal is None or unsealed:
        _complete(out_dir, cfg, record, last, whole="metrics_sha256" not in record)
    return record, rows


def _complete(out_dir: Path, cfg: TrainConfig, record: dict, last: int, whole: bool) -> None:
    """Seal a verified run of an earlier version (``whole``: its record completed with the
    digests), or add a ``score.json`` written since to its seal; unless another process is
    writing it (it is then left to the next verification)."""
    score = out_dir / "score.json"
    if score.exists():
        try:
            json.loads(score.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):  # being written, or damaged: read
            return  # by its reader, which fails; not sealed
    try:
        with run_lock(out_dir, wait=False):
            if whole:
                write_record(out_dir, cfg, last, extra=record)
            else:
                write_seal(out_dir, [n for n in CACHE_FILES if (out_dir / n).exists()])
    except RunBusy:
        pass


def read_metrics(out_dir: Path) -> list[dict]:
    """The metrics of a finished run, one dict per logged step, verified (:func:`verify_run`,
    or :func:`assocmem.training.archive.read` for an archived run)."""
    return archive.read(out_dir) if archive.is_archived(out_dir) else verify_run(out_dir)


def run_record(out_dir: Path) -> dict:
    """A finished run's record, verified with the run (:func:`verify_run`, or
    :func:`assocmem.training.archive.verify` for an archived run): where it stopped and why,
    whether it is censored, and for a run made here or archived, its provenance (``archived``
    says which)."""
    out_dir = Path(out_dir)
    archived = archive.is_archived(out_dir)
    record = (archive.verify if archived else _verified)(out_dir)[0]
    record.setdefault("last_step", record["steps"])
    record.setdefault("censored", False)
    return {**record, "archived": archived}


def val_rows(out_dir: Path) -> dict | None:
    """The per-sequence validation losses and token counts at the run's minimum (kept by runs
    with ``patience``), or None; verified with the run (:func:`read_metrics`)."""
    path = Path(out_dir) / "val_rows.npz"
    read_metrics(out_dir)
    if not path.exists():
        return None
    with np.load(path) as arrays:
        return {"loss": arrays["loss"].astype(np.float64), "tokens": arrays["tokens"]}


def write_score(out_dir: Path, score: dict) -> Path:
    """Write ``score.json``, the score of the final model of the finished run ``out_dir``,
    and seal it with the run (under the run's lock)."""
    out_dir = Path(out_dir)
    with run_lock(out_dir):
        verify_run(out_dir)
        path = out_dir / "score.json"
        tmp = out_dir / f"score.json.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(score, indent=1))
        tmp.replace(path)
        write_seal(out_dir, [n for n in CACHE_FILES if (out_dir / n).exists()])
    return path


def locate(cfg: TrainConfig, root: Path | None = None) -> Path:
    """Where the run of ``cfg`` is read from: the archive when it holds it, else the cache."""
    return archive.find(cfg) or run_dir(cfg, root)


def archive_run(cfg: TrainConfig, command: str, root: Path | None = None,
                archive_dir: Path | None = None) -> Path:
    """Copy the finished run of ``cfg`` from the cache into the archive, compactly (see
    :mod:`assocmem.training.archive`); ``command`` re-creates it."""
    out_dir = run_dir(cfg, root)
    with run_lock(out_dir):  # no process rewrites the run while it is copied
        record, rows = _verified(out_dir)
        return archive.write(out_dir, rows, record, command, archive_dir)


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
    record = _verified(source)[0]
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
    archived = archive.find(cfg)  # verified
    if archived is not None:
        return archived
    out_dir = run_dir(cfg, root)
    with run_lock(out_dir):
        resume = stopped_by_deadline(out_dir) and (deadline is None or time.time() < deadline)
        if is_finished(out_dir) and not resume:
            try:
                verify_run(out_dir)
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
    todo = [cfg for cfg in cfgs if archive.find(cfg) is None and (
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
        out = archive.find(cfg)
        if out is not None and extend_to and run_record(out)["censored"]:
            out = archive.find(extension(cfg, extend_to)) or out
        found.append(out)
    return found


def load_run(out_dir: Path, device: str = "cpu"):
    """(model, config, dataset) of a finished run (verified first), the model in eval mode."""
    out_dir = Path(out_dir)
    verify_run(out_dir)
    cfg = read_config(out_dir)
    data = tasks.build(cfg.task, seed=cfg.seed, **cfg.task_args)
    model = build_model(cfg, data.vocab_size, data.max_len)
    state = torch.load(out_dir / "checkpoint.pt", map_location=device, weights_only=True)
    model.load_state_dict(state["model"])
    return model.to(device).eval(), cfg, data

