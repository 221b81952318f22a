"""The run cache: every run lives in ``<runs>/<name>-<hash of its configuration>``.

The archive of measured runs (:mod:`assocmem.training.archive`) is consulted first, read-only.
Rebuilding the book reuses finished runs and resumes unfinished ones. A run directory is locked
while a process trains into it, so a second process asking for the same run waits and then
reuses it instead of interleaving with it. A finished run is verified against its record
(``finished.json``: the logged steps and the digests of its metrics and checkpoint) before it is
read; a run whose files do not match is reported with an error that names it and what is wrong,
and it is retrained only on request (``retrain_corrupt=True``), never silently read.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from assocmem.paths import runs_root
from assocmem.training import archive, tasks
from assocmem.training.archive import CorruptRun
from assocmem.training.loop import (
    TrainConfig,
    build_model,
    file_digest,
    logged_steps,
    read_config,
    train,
    write_record,
)

__all__ = ["CorruptRun", "cached_train", "cached_train_many", "load_run", "read_metrics",
           "run_record", "val_rows", "archive_run", "archived_only", "locate"]


def run_dir(cfg: TrainConfig, root: Path | None = None) -> Path:
    """Where :func:`cached_train` keeps the run of ``cfg``: ``root/<name>-<hash>``."""
    return Path(root or runs_root()) / f"{cfg.name}-{cfg.key()}"


def is_finished(out_dir: Path) -> bool:
    return (Path(out_dir) / "finished.json").exists()


@contextmanager
def run_lock(out_dir: Path, wait_message: bool = True):
    """Hold an exclusive lock on the run ``out_dir`` (a ``.lock`` file beside it; the operating
    system releases it when the holder dies)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(out_dir.parent / f"{out_dir.name}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if wait_message:
                print(f"waiting for another process training {out_dir.name}", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def verify_run(out_dir: Path) -> list[dict]:
    """The metrics of a finished run, after checking its files against its record: every line
    parses, the logged steps are exactly those the configuration logs, and the digests match.
    Raises :class:`CorruptRun` naming the run and what is wrong. A record written before digests
    were kept is checked by its steps and then completed with the digests."""
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
    except (json.JSONDecodeError, OSError, TypeError, KeyError) as error:
        fail(f"its record or config.json cannot be read ({error})")
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
    if not isinstance(last, int) or not 1 <= last <= cfg.steps:
        fail(f"its record's last_step {last!r} is not a step of its configuration")
    expected = logged_steps(cfg, last)
    steps = [row.get("step") for row in rows]
    if steps != expected:
        fail(f"metrics.jsonl holds {len(steps)} rows (steps {steps[:1]}..{steps[-1:]}), the "
             f"configuration logs {len(expected)} (steps {expected[0]}..{expected[-1]})")
    if "metrics_sha256" in record:
        if record["metrics_sha256"] != file_digest(metrics_path):
            fail("metrics.jsonl does not match the digest in its record")
        if record.get("checkpoint_sha256") != file_digest(ckpt_path):
            fail("checkpoint.pt does not match the digest in its record")
    else:  # a record of an earlier version: its steps check out, so complete it
        write_record(out_dir, cfg)
    return rows


def read_metrics(out_dir: Path) -> list[dict]:
    """The metrics of a finished run, one dict per logged step, verified (:func:`verify_run`,
    or :func:`assocmem.training.archive.read` for an archived run)."""
    return archive.read(out_dir) if archive.is_archived(out_dir) else verify_run(out_dir)


def run_record(out_dir: Path) -> dict:
    """A finished run's record: where it stopped and why, whether it is censored, and for a run
    made here or archived, its provenance (``archived`` says which)."""
    out_dir = Path(out_dir)
    archived = archive.is_archived(out_dir)
    record = json.loads((out_dir / ("record.json" if archived else "finished.json")).read_text())
    record.setdefault("last_step", record["steps"])
    record.setdefault("censored", False)
    return {**record, "archived": archived}


def val_rows(out_dir: Path) -> dict | None:
    """The per-sequence validation losses and token counts at the run's minimum (kept by runs
    with ``patience``), or None."""
    path = Path(out_dir) / "val_rows.npz"
    if not path.exists():
        return None
    with np.load(path) as arrays:
        return {"loss": arrays["loss"].astype(np.float64), "tokens": arrays["tokens"]}


def locate(cfg: TrainConfig, root: Path | None = None) -> Path:
    """Where the run of ``cfg`` is read from: the archive when it holds it, else the cache."""
    return archive.find(cfg) or run_dir(cfg, root)


def archive_run(cfg: TrainConfig, command: str, root: Path | None = None,
                archive_dir: Path | None = None) -> Path:
    """Copy the finished run of ``cfg`` from the cache into the archive, compactly (see
    :mod:`assocmem.training.archive`); ``command`` re-creates it."""
    out_dir = run_dir(cfg, root)
    rows = verify_run(out_dir)
    record = json.loads((out_dir / "finished.json").read_text())
    return archive.write(out_dir, rows, record, command, archive_dir)


def cached_train(cfg: TrainConfig, root: Path | None = None, progress: bool = True,
                 retrain_corrupt: bool = False) -> Path:
    """Train ``cfg`` under ``root/<name>-<hash>``, reusing a finished run (after verifying it)
    and resuming an unfinished one. Another process training the same run is waited for."""
    archived = archive.find(cfg)
    if archived is not None:
        archive.read(archived)
        return archived
    out_dir = run_dir(cfg, root)
    with run_lock(out_dir):
        if is_finished(out_dir):
            try:
                verify_run(out_dir)
                return out_dir
            except CorruptRun:
                if not retrain_corrupt:
                    raise
                shutil.rmtree(out_dir)
        train(cfg, out_dir, resume=True, progress=progress)
    return out_dir


def _train_one_thread(job: tuple[TrainConfig, Path | None]) -> Path:
    torch.set_num_threads(1)
    return cached_train(job[0], job[1], progress=False)


def cached_train_many(cfgs: list[TrainConfig], workers: int = 1, root: Path | None = None,
                      desc: str = "runs", then=None) -> list[Path]:
    """:func:`cached_train` for every configuration; with ``workers`` > 1, that many runs at
    a time in separate processes of one thread each (small models on a few cores train faster
    side by side than one after another). ``then(cfg, run_dir)``, when given, is called in this
    process as each run finishes. Returns the run directories in order."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"argument 'workers' must be an integer >= 1; got {workers!r}")
    todo = [cfg for cfg in cfgs
            if archive.find(cfg) is None and not is_finished(run_dir(cfg, root))]
    if workers == 1 or len(todo) < 2:
        for cfg in tqdm(todo, desc=desc, file=sys.stderr, disable=not todo):
            out = cached_train(cfg, root, progress=False)
            if then:
                then(cfg, out)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            jobs = {pool.submit(_train_one_thread, (cfg, root)): cfg for cfg in todo}
            for job in tqdm(as_completed(jobs), total=len(todo), desc=desc, file=sys.stderr):
                out = job.result()
                if then:
                    then(jobs[job], out)
    for cfg in cfgs:  # finished before: verify them too
        read_metrics(locate(cfg, root))
    return [locate(cfg, root) for cfg in cfgs]


def archived_only(cfgs: list[TrainConfig]) -> list[Path | None]:
    """The archived run of each of ``cfgs`` (None where the archive has none), never training
    anything: what a chapter shows of a preset too large for the live build."""
    return [archive.find(cfg) for cfg in cfgs]


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

