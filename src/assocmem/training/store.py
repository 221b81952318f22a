"""The run store: every run the book reads, in one store with two roots, looked up by one
function (:func:`find`).

- **The archive** (``archive/runs``, ``$ASSOCMEM_RUN_ARCHIVE``): runs made outside the live
  build (a long CPU run in the background, a GPU), kept in the repository, read-only, so that a
  2-core build renders them without retraining. It is looked up first.
- **The cache** (``runs/``, ``$ASSOCMEM_RUNS_DIR``): the runs trained here
  (:mod:`assocmem.training.runs` trains into it, resuming an unfinished run).

Both name a run's folder ``<name>-<hash of its configuration>``. A run of the cache holds
``config.json``, ``metrics.jsonl`` (every logged step), ``checkpoint.pt``, ``finished.json``
(its record: where and why it stopped, the digests of its metrics, checkpoint and validation
rows), ``val_rows.npz`` where it kept them, and ``score.json`` where an experiment scored its
final model. An archived run keeps less (:func:`write`): ``config.json``; ``metrics.jsonl.gz``,
the step, training loss and validation loss of every logged step (rounded to 1e-5; no learning
rate, gradient norm or token count); ``val_rows.npz``; ``record.json``, the record with the
run's provenance (device, torch and CUDA versions, commit, date, wall time, tokens/s), the
digests of the files and the command that re-creates it; ``score.json``; no weights (no
chapter reads an archived run's model).

Every folder carries its seal, ``SHA256SUMS``: the digest of every other file, its record
included (:mod:`assocmem.training.integrity`). Every read verifies the whole folder
(:func:`verify`): each file against the seal, the record against the configuration and the
metrics (the fields it repeats from them: where and how the run stopped, its minimum), the
digests the record keeps. A folder that fails, or an archived folder that holds files but no
record, is an error (:class:`CorruptRun`) naming the run and the file, never an absent run. A
run of the cache that fails is retrained only on request (``retrain_corrupt=True`` of
:func:`assocmem.training.runs.cached_train`), never silently read. A ``score.json`` that an
experiment writes beside a finished run of the cache is sealed by the first verification that
finds it (:func:`write_score` seals it as it writes it), and checked by every later one. Every
writer of a run folder holds its lock (:func:`assocmem.training.integrity.run_lock`).

:func:`archive_run` copies a finished run of the cache into the archive, sealed; ``python -m
assocmem.training.store --seal`` seals runs archived before seals existed, each only after
checking it against its metrics.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np

from assocmem.paths import project_path, runs_root
from assocmem.training.integrity import (
    SEAL,
    CorruptRun,
    RunBusy,
    disagreement,
    file_digest,
    read_seal,
    read_val_rows,
    run_lock,
    seal_problem,
    write_seal,
)
from assocmem.training.loop import CACHE_FILES, TrainConfig, logged_steps, read_config, write_record

__all__ = ["CorruptRun", "archive_root", "run_dir", "find", "locate", "twins", "largest_present",
           "provenance", "is_archived", "verify", "read_metrics", "run_record", "val_rows",
           "write_score", "archive_run", "write", "seal", "size_bytes"]

KEPT = ("train_loss", "val_loss")
DIGITS = 5
RECORD = "record.json"
FILES = ("config.json", "metrics.jsonl.gz", RECORD, "val_rows.npz", "score.json")
RESTORE = "Restore it from git (git checkout -- {folder})."
UNSEALED = ("Check it against its metrics and seal it with `python -m assocmem.training.store "
            "--seal` if it is genuine (a run archived by a process started before seals were "
            "written), else restore or remove it.")


def archive_root() -> Path:
    """``$ASSOCMEM_RUN_ARCHIVE``, else ``archive/runs`` at the project root."""
    return project_path("ASSOCMEM_RUN_ARCHIVE", "archive", "runs")


def run_dir(cfg: TrainConfig, root: Path | None = None) -> Path:
    """The folder of the run of ``cfg`` in the cache (``root``, default ``runs/``):
    ``root/<name>-<hash>``, where :func:`assocmem.training.runs.cached_train` trains it."""
    return Path(root or runs_root()) / f"{cfg.name}-{cfg.key()}"


def _locks(root: Path) -> Path:
    """Where the locks of the writers of the archive ``root`` lie: outside it (so that the
    archive holds runs only), one folder per archive on this machine."""
    import hashlib
    import tempfile

    name = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / "assocmem-archive-locks" / name


def _fail(folder: Path, what: str, remedy: str = RESTORE):
    raise CorruptRun(f"archived run {folder.name} ({folder}) is damaged: {what}. "
                     + remedy.format(folder=folder))


def _is_run(folder: Path) -> bool:
    """Whether ``folder`` holds an archived run: it has a record. A folder that holds files
    but no record is an error, not an absent run; an empty one (git keeps none) and one being
    written (``*.tmp``) are absent."""
    if folder.name.endswith(".tmp") or folder.name.startswith(".") or not folder.is_dir():
        return False
    if (folder / RECORD).exists():
        return True
    files = sorted(p.name for p in folder.iterdir())
    if files:
        _fail(folder, f"{RECORD} is missing (the folder holds {', '.join(files)})")
    return False


def is_archived(out_dir: Path) -> bool:
    """Whether the run folder ``out_dir`` is an archived run (not one of the run cache)."""
    out_dir = Path(out_dir)
    return not (out_dir / "finished.json").exists() and (
        (out_dir / RECORD).exists() or (out_dir / "metrics.jsonl.gz").exists())


def is_finished(out_dir: Path) -> bool:
    """Whether the cache's folder ``out_dir`` holds a finished run (its record is written)."""
    return (Path(out_dir) / "finished.json").exists()


def find(cfg: TrainConfig, cache: bool = True, root: Path | None = None,
         archive_dir: Path | None = None) -> Path | None:
    """The run of ``cfg``, verified (:func:`verify`): the archive's (``archive_dir``, default
    :func:`archive_root`) when it holds one; else, with ``cache``, a finished run of the cache
    (``root``, default ``runs/``); else None. ``cache=False`` looks in the archive alone (what
    a chapter reads of a preset too large to train live)."""
    folder = Path(archive_dir or archive_root()) / f"{cfg.name}-{cfg.key()}"
    if _is_run(folder):
        _verify_archived(folder)
        return folder
    folder = run_dir(cfg, root)
    if cache and is_finished(folder):
        _verify_cached(folder)
        return folder
    return None


def locate(cfg: TrainConfig, root: Path | None = None) -> Path:
    """Where the run of ``cfg`` is read from, or would be trained into: the archive's folder
    when the archive holds it (verified), else its folder in the cache (``root``)."""
    return find(cfg, cache=False) or run_dir(cfg, root)


def twins(cfg: TrainConfig, archive_dir: Path | None = None) -> list[Path]:
    """The other archived runs of the very configuration of ``cfg``: its hash under another
    name, as when two experiments train the same model (each keeps its own run, made on its own
    machine, so that the pair measures how much the machine moves a run)."""
    own = f"{cfg.name}-{cfg.key()}"
    return sorted(folder for folder in Path(archive_dir or archive_root()).glob(f"*-{cfg.key()}")
                  if folder.name != own and _is_run(folder))


def largest_present(presets: dict, names: tuple[str, ...] = ("gpu", "cpu-long"),
                    archive_dir: Path | None = None) -> str | None:
    """The first of ``names`` (largest first) of which the archive holds a complete grid, or
    None: at least ``presets[name].grid_runs`` runs whose folders match the preset's own
    ``run_glob`` (written beside the rule that names its runs). It says which preset a chapter
    shows beside its live one and takes its verdict from; a larger preset archived in part is
    passed over for a complete smaller one."""
    folder = Path(archive_dir or archive_root())
    for name in names:
        if name not in presets:
            raise ValueError(f"argument 'names': no preset {name!r}; the presets are "
                             f"{list(presets)}")
        runs = [run for run in folder.glob(presets[name].run_glob) if _is_run(run)]
        if len(runs) >= max(1, presets[name].grid_runs):
            return name
    return None


def provenance(preset, archive_dir: Path | None = None, label: str | None = None) -> str:
    """Where the archived runs of ``preset`` (those matching its ``run_glob``) were made, in
    one sentence: how many, the machines and dates, and which records name a clean commit and
    which a working tree "with uncommitted changes under src/" (the configuration hash in a
    folder's name, not the commit, identifies such a run; archive/README.md says what each
    tree held)."""
    folder = Path(archive_dir or archive_root())
    label = label or f"the {preset.name} preset"
    records = [json.loads((run / RECORD).read_text()) for run in sorted(folder.glob(
        preset.run_glob)) if (run / RECORD).is_file()]
    if not records:
        return f"No run of {label} is archived."
    dirty = sorted({r.get("commit", "").split()[0] for r in records
                    if "uncommitted" in r.get("commit", "")})
    clean = sorted({r.get("commit", "").split()[0] for r in records
                    if r.get("commit") and "uncommitted" not in r["commit"]})
    n_dirty = sum("uncommitted" in r.get("commit", "") for r in records)
    dates = sorted(str(r["finished"])[:10] for r in records if r.get("finished"))
    machines = sorted({str(r.get("device") or "?") for r in records})
    text = (f"{len(records)} archived runs of {label}"
            + (f", made {dates[0]}" + (f" to {dates[-1]}" if dates[-1] != dates[0] else "")
               if dates else "")
            + f" on {'; '.join(machines)}: ")
    if n_dirty:
        text += (f"{n_dirty} from a working tree with uncommitted changes under src/ (on "
                 f"{', '.join(dirty)}), not yet re-made from a clean commit")
        if len(records) > n_dirty:
            text += f"; {len(records) - n_dirty} from clean commits"
    else:
        text += "all from clean commits"
    return text + (f" ({', '.join(clean)})." if clean else ".")


def verify(out_dir: Path) -> tuple[dict, list[dict]]:
    """The record and metrics of the run in ``out_dir``, of the archive or of the cache, after
    checking every file of it (:func:`_verify_archived`, :func:`_verify_cached`). Raises
    :class:`CorruptRun` naming the run and the file."""
    return (_verify_archived if is_archived(out_dir) else _verify_cached)(out_dir)


def _verify_archived(out_dir: Path) -> tuple[dict, list[dict]]:
    """The record and metrics of an archived run, after checking every file of its folder
    against its seal (``SHA256SUMS``: each listed file present and unchanged, none other), and
    its record against its configuration and its metrics. Raises :class:`CorruptRun` naming
    the run and the file."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        _fail(out_dir, "its folder is missing")
    if not (out_dir / RECORD).exists():
        _fail(out_dir, f"{RECORD} is missing")
    try:
        digests = read_seal(out_dir)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        _fail(out_dir, f"{SEAL} cannot be read ({error})")
    if digests is None:
        _fail(out_dir, f"{SEAL} is missing: the run is not sealed", UNSEALED)
    problem = seal_problem(out_dir, digests, strict=True)
    if problem:
        _fail(out_dir, problem)
    return _contents(out_dir, lambda what: _fail(out_dir, what))


def _contents(folder: Path, fail) -> tuple[dict, list[dict]]:
    """The record and metrics of the archived run in ``folder`` after checking them against
    its configuration, the digests its record keeps and each other (all but the seal);
    ``fail(what)`` is called with what is wrong."""
    try:
        record = json.loads((folder / RECORD).read_text())
        cfg = read_config(folder)
        data = (folder / "metrics.jsonl.gz").read_bytes()
        rows = json.loads("[" + ",".join(gzip.decompress(data).decode().splitlines()) + "]")
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError, TypeError,
            KeyError, ValueError) as error:
        fail(f"its files cannot be read ({type(error).__name__}: {error})")
    if not isinstance(record, dict) or not all(isinstance(row, dict) for row in rows):
        fail(f"{RECORD} or metrics.jsonl.gz does not hold what a run's does")
    if record.get("key") != cfg.key():
        fail(f"its {RECORD}'s key {record.get('key')!r} is not its config.json's {cfg.key()!r}")
    if record.get("metrics_sha256") != _digest(data):
        fail(f"metrics.jsonl.gz does not match the digest in its {RECORD}")
    for name, field in (("val_rows.npz", "val_rows_sha256"), ("score.json", "score_sha256")):
        present = (folder / name).exists()
        if field in record and not present:
            fail(f"{name} is missing (its {RECORD} keeps its digest)")
        if present and field not in record:
            fail(f"{name} is not in its {RECORD}")
        if present and record[field] != file_digest(folder / name):
            fail(f"{name} does not match the digest in its {RECORD}")
    if [r.get("step") for r in rows] != logged_steps(cfg, record.get("last_step")):
        fail("its logged steps are not those its configuration and record give")
    kept = read_val_rows(folder, fail)
    if (folder / "score.json").exists():
        try:
            json.loads((folder / "score.json").read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            fail(f"score.json cannot be read ({error})")
    problem = disagreement(cfg, record, rows, digits=DIGITS, val_rows=kept, name=RECORD)
    if problem:
        fail(problem)
    return record, rows


def _verify_cached(out_dir: Path) -> tuple[dict, list[dict]]:
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
    """The metrics of a finished run, archived or cached, one dict per logged step, verified
    (:func:`verify`)."""
    return verify(out_dir)[1]


def run_record(out_dir: Path) -> dict:
    """A finished run's record, archived or cached, verified with the run (:func:`verify`):
    where it stopped and why, whether it is censored, and for a run made here or archived, its
    provenance (``archived`` says which)."""
    out_dir = Path(out_dir)
    archived = is_archived(out_dir)
    record = verify(out_dir)[0]
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
        _verify_cached(out_dir)
        path = out_dir / "score.json"
        tmp = out_dir / f"score.json.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(score, indent=1))
        tmp.replace(path)
        write_seal(out_dir, [n for n in CACHE_FILES if (out_dir / n).exists()])
    return path


def archive_run(cfg: TrainConfig, command: str, root: Path | None = None,
                archive_dir: Path | None = None) -> Path:
    """Copy the finished run of ``cfg`` from the cache (``root``) into the archive, compactly
    (:func:`write`); ``command`` re-creates it."""
    out_dir = run_dir(cfg, root)
    with run_lock(out_dir):  # no process rewrites the run while it is copied
        record, rows = _verify_cached(out_dir)
        return write(out_dir, rows, record, command, archive_dir)


def _gzip(text: str) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as handle:
        handle.write(text.encode())
    return buffer.getvalue()


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def write(run_dir: Path, rows: list[dict], record: dict, command: str,
          archive_dir: Path | None = None) -> Path:
    """Archive the finished, verified run in ``run_dir`` (its ``rows`` and ``record``), sealed;
    the archived folder is written whole or not at all, under its lock (a second process
    archiving the same run waits). ``command`` re-creates the run."""
    run_dir = Path(run_dir)
    cfg = read_config(run_dir)
    root = Path(archive_dir or archive_root())
    out = root / f"{cfg.name}-{cfg.key()}"
    compact = [{"step": r["step"], **{k: round(r[k], DIGITS) for k in KEPT if k in r}}
               for r in rows]
    metrics = _gzip("".join(json.dumps(r) + "\n" for r in compact))
    with run_lock(out, lock_dir=_locks(root)):
        tmp = out.with_name(out.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        shutil.copy(run_dir / "config.json", tmp / "config.json")
        (tmp / "metrics.jsonl.gz").write_bytes(metrics)
        kept = {k: v for k, v in record.items()
                if k not in ("metrics_sha256", "checkpoint_sha256", "val_rows_sha256")}
        kept |= {"metrics_sha256": _digest(metrics), "command": command}
        if (run_dir / "val_rows.npz").exists():
            with np.load(run_dir / "val_rows.npz") as arrays:
                buffer = io.BytesIO()
                np.savez_compressed(buffer, loss=arrays["loss"].astype(np.float32),
                                    tokens=arrays["tokens"].astype(np.int32))
            (tmp / "val_rows.npz").write_bytes(buffer.getvalue())
            kept["val_rows_sha256"] = _digest(buffer.getvalue())
        if (run_dir / "score.json").exists():
            score = (run_dir / "score.json").read_bytes()
            (tmp / "score.json").write_bytes(score)
            kept["score_sha256"] = _digest(score)
        (tmp / RECORD).write_text(json.dumps(kept, indent=1))
        _contents(tmp, lambda what: _fail(out, f"it would not verify: {what}", ""))
        write_seal(tmp, [name for name in FILES if (tmp / name).exists()])
        shutil.rmtree(out, ignore_errors=True)
        tmp.replace(out)
    return out


def seal(folder: Path) -> str:
    """Seal the archived run ``folder`` that has no seal (one archived before seals existed),
    after checking it (:func:`_verify_archived` but the seal). Returns ``"sealed"``, or
    ``"verified"`` when it was sealed already; raises :class:`CorruptRun` when it does not
    check out."""
    folder = Path(folder)
    with run_lock(folder, lock_dir=_locks(folder.parent)):
        if (folder / SEAL).exists():
            _verify_archived(folder)
            return "verified"
        if not (folder / RECORD).exists():
            _fail(folder, f"{RECORD} is missing")
        _contents(folder, lambda what: _fail(folder, what, "Not sealed."))
        unknown = sorted(p.name for p in folder.iterdir() if p.name not in FILES)
        if unknown:
            _fail(folder, f"it holds {', '.join(unknown)}, no file of an archived run",
                  "Not sealed.")
        write_seal(folder, [name for name in FILES if (folder / name).exists()])
        _verify_archived(folder)
        return "sealed"


def size_bytes(archive_dir: Path | None = None) -> int:
    """The archive's size on disk (the issue's limit is 20 MB)."""
    return sum(f.stat().st_size for f in Path(archive_dir or archive_root()).rglob("*")
               if f.is_file())


def main(argv=None) -> int:
    """``python -m assocmem.training.store --seal``: seal every run of the archive that has
    no seal, each after checking it against its metrics (those that disagree are reported and
    left unsealed), and verify the others; ``--check``: only verify. Exit status 1 when any
    run failed."""
    parser = argparse.ArgumentParser(prog="python -m assocmem.training.store",
                                     description=main.__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--seal", action="store_true", help="seal unsealed runs, checked")
    action.add_argument("--check", action="store_true", help="verify every run")
    parser.add_argument("--root", type=Path, help="the archive (default: archive/runs)")
    parser.add_argument("runs", nargs="*", help="run folders (default: every run)")
    args = parser.parse_args(argv)
    root = Path(args.root or archive_root())
    folders = [Path(r) for r in args.runs] or sorted(
        p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
        and not p.name.endswith(".tmp"))
    counts, failed = {"sealed": 0, "verified": 0}, []
    for folder in folders:
        try:
            if args.seal:
                counts[seal(folder)] += 1
            else:
                _verify_archived(folder)
                counts["verified"] += 1
        except CorruptRun as error:
            failed.append(folder.name)
            print(error, file=sys.stderr)
    print(f"{counts['sealed']} sealed, {counts['verified']} verified, {len(failed)} failed"
          + (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
