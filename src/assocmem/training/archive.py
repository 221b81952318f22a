"""The archive of measured runs: runs made outside the live build (a long CPU run in the
background, a GPU), kept in the repository, read-only, so that a 2-core build renders them
without retraining.

An archived run is the folder ``archive/runs/<name>-<hash of its configuration>`` (the run
cache's own name) holding ``config.json``; ``metrics.jsonl.gz``, the step, training loss and
validation loss of every logged step (rounded to 1e-5; the learning rate, gradient norm and token
count of a live run's metrics are left out to keep the archive small); ``val_rows.npz``, the
per-sequence validation losses at the run's minimum when it kept them; and ``record.json``: how
the run stopped (``censored`` when it reached its cap before its criterion), its provenance
(device, torch and CUDA versions, commit, date, wall time, tokens/s), digests of the files, and
the command that re-creates it; ``score.json`` where the experiment scored the run's final
model when it finished (chapter 12's loss over all patterns and exact recall); and
``SHA256SUMS``, the run's seal: the digest of every other file, its record included
(:mod:`assocmem.training.integrity`). No weights: no chapter reads an archived run's model.

Every read verifies the whole folder (:func:`verify`): the seal, the record against its
configuration and its metrics (the fields it repeats from them: where and how the run stopped,
its minimum), the digests the record keeps. A folder that fails, or that holds files but no
record, is an error (:class:`CorruptRun`) naming the run and the file, never an absent run.
:func:`write` seals a run as it archives it; ``python -m assocmem.training.archive --seal``
seals runs archived before seals existed, each only after checking it against its metrics.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import shutil
import sys
from pathlib import Path

import numpy as np

from assocmem.paths import project_path
from assocmem.training.integrity import (
    SEAL,
    CorruptRun,
    disagreement,
    file_digest,
    read_seal,
    read_val_rows,
    run_lock,
    seal_problem,
    write_seal,
)
from assocmem.training.loop import TrainConfig, logged_steps, read_config

__all__ = ["CorruptRun", "archive_root", "find", "twins", "largest_present", "is_archived",
           "write", "verify", "read", "record", "seal", "size_bytes"]

KEPT = ("train_loss", "val_loss")
DIGITS = 5
RECORD = "record.json"
FILES = ("config.json", "metrics.jsonl.gz", RECORD, "val_rows.npz", "score.json")
RESTORE = "Restore it from git (git checkout -- {folder})."
UNSEALED = ("Check it against its metrics and seal it with `python -m assocmem.training.archive "
            "--seal` if it is genuine (a run archived by a process started before seals were "
            "written), else restore or remove it.")


def archive_root() -> Path:
    """``$ASSOCMEM_RUN_ARCHIVE``, else ``archive/runs`` at the project root."""
    return project_path("ASSOCMEM_RUN_ARCHIVE", "archive", "runs")


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


def find(cfg: TrainConfig, root: Path | None = None) -> Path | None:
    """The archived run of ``cfg``, verified (:func:`verify`), or None."""
    folder = Path(root or archive_root()) / f"{cfg.name}-{cfg.key()}"
    if not _is_run(folder):
        return None
    verify(folder)
    return folder


def twins(cfg: TrainConfig, root: Path | None = None) -> list[Path]:
    """The other archived runs of the very configuration of ``cfg``: its hash under another
    name, as when two experiments train the same model (each keeps its own run, made on its own
    machine, so that the pair measures how much the machine moves a run)."""
    own = f"{cfg.name}-{cfg.key()}"
    return sorted(folder for folder in Path(root or archive_root()).glob(f"*-{cfg.key()}")
                  if folder.name != own and _is_run(folder))


def largest_present(presets: dict, names: tuple[str, ...] = ("gpu", "cpu-long"),
                    root: Path | None = None) -> str | None:
    """The first of ``names`` (largest first) of which the archive holds a complete grid, or
    None: at least ``presets[name].grid_runs`` runs whose folders match the preset's own
    ``run_glob`` (written beside the rule that names its runs). It says which preset a chapter
    shows beside its live one and takes its verdict from; a larger preset archived in part is
    passed over for a complete smaller one."""
    folder = Path(root or archive_root())
    for name in names:
        if name not in presets:
            raise ValueError(f"argument 'names': no preset {name!r}; the presets are "
                             f"{list(presets)}")
        runs = [run for run in folder.glob(presets[name].run_glob) if _is_run(run)]
        if len(runs) >= max(1, presets[name].grid_runs):
            return name
    return None


def provenance(preset, root: Path | None = None, label: str | None = None) -> str:
    """Where the archived runs of ``preset`` (those matching its ``run_glob``) were made, in
    one sentence: how many, the machines and dates, and which records name a clean commit and
    which a working tree "with uncommitted changes under src/" (the configuration hash in a
    folder's name, not the commit, identifies such a run; archive/README.md says what each
    tree held)."""
    folder = Path(root or archive_root())
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


def is_archived(out_dir: Path) -> bool:
    """Whether the run folder ``out_dir`` is an archived run (not one of the run cache)."""
    out_dir = Path(out_dir)
    return not (out_dir / "finished.json").exists() and (
        (out_dir / RECORD).exists() or (out_dir / "metrics.jsonl.gz").exists())


def _gzip(text: str) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as handle:
        handle.write(text.encode())
    return buffer.getvalue()


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def write(run_dir: Path, rows: list[dict], record: dict, command: str,
          root: Path | None = None) -> Path:
    """Archive the finished, verified run in ``run_dir`` (its ``rows`` and ``record``), sealed;
    the archived folder is written whole or not at all, under its lock (a second process
    archiving the same run waits). ``command`` re-creates the run."""
    run_dir = Path(run_dir)
    cfg = read_config(run_dir)
    root = Path(root or archive_root())
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


def verify(out_dir: Path) -> tuple[dict, list[dict]]:
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


def read(out_dir: Path) -> list[dict]:
    """The metrics of an archived run, verified (:func:`verify`)."""
    return verify(out_dir)[1]


def record(out_dir: Path) -> dict:
    """The record of an archived run, verified (:func:`verify`)."""
    return verify(out_dir)[0]


def seal(folder: Path) -> str:
    """Seal the archived run ``folder`` that has no seal (one archived before seals existed),
    after checking it (:func:`verify` but the seal). Returns ``"sealed"``, or ``"verified"``
    when it was sealed already; raises :class:`CorruptRun` when it does not check out."""
    folder = Path(folder)
    with run_lock(folder, lock_dir=_locks(folder.parent)):
        if (folder / SEAL).exists():
            verify(folder)
            return "verified"
        if not (folder / RECORD).exists():
            _fail(folder, f"{RECORD} is missing")
        _contents(folder, lambda what: _fail(folder, what, "Not sealed."))
        unknown = sorted(p.name for p in folder.iterdir() if p.name not in FILES)
        if unknown:
            _fail(folder, f"it holds {', '.join(unknown)}, no file of an archived run",
                  "Not sealed.")
        write_seal(folder, [name for name in FILES if (folder / name).exists()])
        verify(folder)
        return "sealed"


def size_bytes(root: Path | None = None) -> int:
    """The archive's size on disk (the issue's limit is 20 MB)."""
    return sum(f.stat().st_size for f in Path(root or archive_root()).rglob("*") if f.is_file())


def main(argv=None) -> int:
    """``python -m assocmem.training.archive --seal``: seal every run of the archive that has
    no seal, each after checking it against its metrics (those that disagree are reported and
    left unsealed), and verify the others; ``--check``: only verify. Exit status 1 when any
    run failed."""
    parser = argparse.ArgumentParser(prog="python -m assocmem.training.archive",
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
                verify(folder)
                counts["verified"] += 1
        except CorruptRun as error:
            failed.append(folder.name)
            print(error, file=sys.stderr)
    print(f"{counts['sealed']} sealed, {counts['verified']} verified, {len(failed)} failed"
          + (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
