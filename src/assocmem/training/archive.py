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
the command that re-creates it; and ``score.json`` where the experiment scored the run's final
model when it finished (chapter 12's loss over all patterns and exact recall). No weights: no
chapter reads an archived run's model.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import numpy as np

from assocmem.paths import project_path
from assocmem.training.loop import TrainConfig, logged_steps, read_config

KEPT = ("train_loss", "val_loss")
DIGITS = 5


class CorruptRun(RuntimeError):
    """A finished run whose files do not match its record."""


def archive_root() -> Path:
    """``$ASSOCMEM_RUN_ARCHIVE``, else ``archive/runs`` at the project root."""
    return project_path("ASSOCMEM_RUN_ARCHIVE", "archive", "runs")


def find(cfg: TrainConfig, root: Path | None = None) -> Path | None:
    """The archived run of ``cfg``, or None."""
    folder = Path(root or archive_root()) / f"{cfg.name}-{cfg.key()}"
    return folder if (folder / "record.json").exists() else None


def twins(cfg: TrainConfig, root: Path | None = None) -> list[Path]:
    """The other archived runs of the very configuration of ``cfg``: its hash under another
    name, as when two experiments train the same model (each keeps its own run, made on its own
    machine, so that the pair measures how much the machine moves a run)."""
    own = f"{cfg.name}-{cfg.key()}"
    return sorted(folder.parent for folder in
                  Path(root or archive_root()).glob(f"*-{cfg.key()}/record.json")
                  if folder.parent.name != own)


def largest_present(pattern: str, presets: dict, names: tuple[str, ...] = ("gpu", "cpu-long"),
                    root: Path | None = None) -> str | None:
    """The first of ``names`` (largest first) of which the archive holds a complete grid: at
    least ``presets[name].grid_runs`` runs whose folders match ``pattern`` with the preset's
    name for ``{preset}`` (``"elm-{preset}-model*"``), or None. It says which preset a chapter
    shows beside its live one and takes its verdict from; a larger preset archived in part is
    passed over for a complete smaller one."""
    if "{preset}" not in pattern:
        raise ValueError(f"argument 'pattern' must hold '{{preset}}'; got {pattern!r}")
    folder = Path(root or archive_root())
    for name in names:
        runs = [run for run in folder.glob(pattern.format(preset=name))
                if (run / "record.json").exists()]
        if len(runs) >= max(1, presets[name].grid_runs):
            return name
    return None


def is_archived(out_dir: Path) -> bool:
    return (Path(out_dir) / "metrics.jsonl.gz").exists()


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
    """Archive the finished, verified run in ``run_dir`` (its ``rows`` and ``record``); the
    archived folder is written whole or not at all. ``command`` re-creates the run."""
    run_dir = Path(run_dir)
    cfg = read_config(run_dir)
    out = Path(root or archive_root()) / f"{cfg.name}-{cfg.key()}"
    compact = [{"step": r["step"], **{k: round(r[k], DIGITS) for k in KEPT if k in r}}
               for r in rows]
    metrics = _gzip("".join(json.dumps(r) + "\n" for r in compact))
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shutil.copy(run_dir / "config.json", tmp / "config.json")
    (tmp / "metrics.jsonl.gz").write_bytes(metrics)
    kept = {k: v for k, v in record.items() if k not in ("metrics_sha256", "checkpoint_sha256")}
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
    (tmp / "record.json").write_text(json.dumps(kept, indent=1))
    shutil.rmtree(out, ignore_errors=True)
    tmp.replace(out)
    return out


def read(out_dir: Path) -> list[dict]:
    """The metrics of an archived run, after checking it against its record (the key, the
    digests, the logged steps). Raises :class:`CorruptRun` naming the run."""
    out_dir = Path(out_dir)

    def fail(what: str):
        raise CorruptRun(f"archived run {out_dir.name} ({out_dir}) is damaged: {what}. "
                         f"Restore it from git (git checkout -- {out_dir}).")

    try:
        record = json.loads((out_dir / "record.json").read_text())
        cfg = read_config(out_dir)
        data = (out_dir / "metrics.jsonl.gz").read_bytes()
    except (OSError, json.JSONDecodeError, TypeError) as error:
        fail(f"its files cannot be read ({error})")
    if record.get("key") != cfg.key():
        fail(f"its record's key {record.get('key')!r} is not its configuration's {cfg.key()!r}")
    if record.get("metrics_sha256") != _digest(data):
        fail("metrics.jsonl.gz does not match the digest in its record")
    if "val_rows_sha256" in record and record["val_rows_sha256"] != _digest(
            (out_dir / "val_rows.npz").read_bytes()):
        fail("val_rows.npz does not match the digest in its record")
    if "score_sha256" in record and record["score_sha256"] != _digest(
            (out_dir / "score.json").read_bytes()):
        fail("score.json does not match the digest in its record")
    rows = [json.loads(line) for line in gzip.decompress(data).decode().splitlines()]
    if [r["step"] for r in rows] != logged_steps(cfg, record.get("last_step")):
        fail("its logged steps are not those its configuration and record give")
    return rows


def size_bytes(root: Path | None = None) -> int:
    """The archive's size on disk (the issue's limit is 20 MB)."""
    return sum(f.stat().st_size for f in Path(root or archive_root()).rglob("*") if f.is_file())
