"""What makes a run's folder trustworthy: its seal, its record's agreement with its metrics, and
the lock its writers take.

*The seal.* A finished run's folder holds ``SHA256SUMS`` (the format of ``sha256sum``, so
``sha256sum -c SHA256SUMS`` checks it by hand): the digest of every file a reader takes from the
run, its record (``record.json`` in the archive, ``finished.json`` in the run cache) included,
written by the writer of the folder when it writes the folder. A reader verifies every file
against it before reading, and refuses the run with :class:`CorruptRun`, naming the run and the
file, when a file differs, is missing, or (in the archive) is not listed.

*The record against its metrics.* The fields of a record that repeat what its metrics say
(``steps``, ``last_step``, ``rows``, ``best_val``, ``best_step``, ``stopped``, ``censored``) are
recomputed from the metrics as :func:`assocmem.training.loop.train` computes them
(:func:`disagreement`), so an edit is caught even under a recomputed seal.

*The lock.* Every process that writes a run's folder holds :func:`run_lock` on it: a second
writer waits for the first (the run cache) or fails with :class:`RunBusy` (the command line),
and never writes.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import os
import sys
from contextlib import contextmanager
from pathlib import Path

SEAL = "SHA256SUMS"


class CorruptRun(RuntimeError):
    """A finished run whose files do not match its record or its seal."""


class RunBusy(RuntimeError):
    """Another process holds the lock of a run's folder (it is writing the run)."""


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in pieces."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for piece in iter(lambda: handle.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


def write_seal(folder: Path, names) -> dict[str, str]:
    """Write ``folder/SHA256SUMS``, the digests of the files ``names`` of ``folder``,
    atomically; returns them."""
    folder = Path(folder)
    digests = {name: file_digest(folder / name) for name in sorted(set(names))}
    tmp = folder / f"{SEAL}.{os.getpid()}.tmp"
    tmp.write_text("".join(f"{digest}  {name}\n" for name, digest in digests.items()))
    tmp.replace(folder / SEAL)
    return digests


def read_seal(folder: Path) -> dict[str, str] | None:
    """The digests ``folder/SHA256SUMS`` lists, by file name; None when there is none.
    Raises ValueError when it is not a list of digests."""
    path = Path(folder) / SEAL
    if not path.exists():
        return None
    digests = {}
    for line in path.read_text().splitlines():
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or not name or "/" in name or name in digests:
            raise ValueError(f"{SEAL} line {line!r} is not '<sha256>  <file name>'")
        digests[name] = digest
    return digests


def seal_problem(folder: Path, seal: dict[str, str], strict: bool,
                 digests: dict[str, str] | None = None) -> str | None:
    """What in ``folder`` differs from its ``seal`` (a file it lists that is missing or whose
    digest differs; with ``strict``, a file it does not list), or None. ``digests`` caches the
    digests computed (by name)."""
    folder = Path(folder)
    digests = {} if digests is None else digests
    for name, digest in sorted(seal.items()):
        path = folder / name
        if not path.is_file():
            return f"{name} is missing (its {SEAL} lists it)"
        if name not in digests:
            digests[name] = file_digest(path)
        if digests[name] != digest:
            return f"{name} does not match its digest in {SEAL}"
    if strict:
        extra = sorted(p.name for p in folder.iterdir() if p.name not in seal and p.name != SEAL)
        if extra:
            return f"{extra[0]} is not in its {SEAL} (the run was not written with it)"
    return None


def read_val_rows(folder: Path, fail) -> dict | None:
    """A run's ``val_rows.npz`` as float64 losses and token counts (None when it has none);
    ``fail(message)`` is called when the file cannot be read."""
    import numpy as np

    path = Path(folder) / "val_rows.npz"
    if not path.exists():
        return None
    try:
        with np.load(path) as arrays:
            return {"loss": arrays["loss"].astype(np.float64), "tokens": arrays["tokens"]}
    except (OSError, ValueError, KeyError) as error:
        fail(f"val_rows.npz cannot be read ({error})")


def _finite_or_inf(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and not math.isnan(value)


def disagreement(cfg, record: dict, rows: list[dict], digits: int | None = None,
                 val_rows: dict | None = None, name: str = "record.json") -> str | None:
    """What the record ``record`` (named ``name``) of a run of ``cfg`` says that its metrics
    ``rows`` contradict, or None. The step, the minimum, and how the run stopped are recomputed
    as :func:`assocmem.training.loop.train` computes them: ``best_val`` is the lowest validation
    loss and ``best_step`` its (first) step; the run stopped by its criterion (``patience``)
    when its last step is ``patience`` steps past the minimum patience counts from, else at its
    cap (``steps``) or before it (``deadline``); it is ``censored`` when it stopped at its cap
    with a criterion, or by a deadline. With ``digits``, the metrics were rounded to that many
    digits (the archive) and the record is compared at that precision. ``val_rows``: the
    per-sequence losses kept at the minimum, whose mean is ``best_val``."""
    from assocmem.training.loop import logged_steps

    steps = record.get("steps", cfg.steps)
    if steps != cfg.steps:
        return f"{name} says steps={steps!r}, its configuration's cap is {cfg.steps}"
    last = record.get("last_step", cfg.steps)
    if isinstance(last, bool) or not isinstance(last, int) or not 1 <= last <= cfg.steps:
        return f"{name} says last_step={last!r}, not a step of its configuration"
    if [row.get("step") for row in rows] != logged_steps(cfg, last):
        return f"{name} says last_step={last}, its metrics end at step " \
               f"{rows[-1].get('step') if rows else None} or skip steps"
    if "rows" in record and record["rows"] != len(rows):
        return f"{name} says rows={record['rows']!r}, its metrics hold {len(rows)}"
    val = [(row["step"], row["val_loss"]) for row in rows if row.get("val_loss") is not None]
    at = dict(val)
    best_step, best = 0, math.inf
    for step, loss in val:
        if loss < best:
            best_step, best = step, loss
    if "best_val" in record or "best_step" in record:
        claimed, claimed_step = record.get("best_val"), record.get("best_step")
        shown = best if digits is None else round(best, digits)
        if not _finite_or_inf(claimed) or (
                claimed if digits is None else round(claimed, digits)) != shown:
            return f"{name} says best_val={claimed!r}, the lowest validation loss in its " \
                   f"metrics is {best!r} (step {best_step})"
        if claimed_step != best_step and not (
                digits is not None and claimed_step in at and at[claimed_step] == best):
            return f"{name} says best_step={claimed_step!r}, its metrics reach their lowest " \
                   f"validation loss {best!r} at step {best_step}"
        if val_rows is not None and math.isfinite(best):
            mean = float(val_rows["loss"].sum() / val_rows["tokens"].sum())
            if not math.isclose(mean, claimed, rel_tol=1e-6 if digits is None else 1e-4):
                return f"val_rows.npz holds losses of mean {mean!r}, its {name} says the " \
                       f"minimum is {claimed!r}"

    def criterion_met(slack: float) -> tuple[bool, int]:
        """Whether the run's last step is ``patience`` steps past the minimum patience counts
        from (a lower loss by more than ``min_delta`` moves it), and that minimum's step."""
        anchor_step, anchor = 0, math.inf
        for step, loss in val:
            if loss < anchor - cfg.min_delta + slack:
                anchor_step, anchor = step, loss
        return bool(cfg.patience) and last - anchor_step >= cfg.patience, anchor_step

    # rounded losses can only move a comparison by their rounding: allow either outcome there
    slacks = (0.0,) if digits is None else (-1.01 * 10 ** -digits, 0.0, 1.01 * 10 ** -digits)
    outcomes = {}
    for slack in slacks:
        met, anchor_step = criterion_met(slack)
        stopped = "patience" if met else "steps" if last == cfg.steps else "deadline"
        censored = stopped == "deadline" or (stopped == "steps" and bool(cfg.patience))
        outcomes.setdefault((stopped, censored), anchor_step)
    said = (record.get("stopped"), record.get("censored", False))
    if not any(type(said[1]) is bool and said[1] == censored and said[0] in (None, stopped)
               for stopped, censored in outcomes):
        (stopped, censored), anchor_step = next(iter(outcomes.items()))
        why = {"patience": f"stopped by its criterion at step {last} (its minimum at step "
                           f"{anchor_step}, patience {cfg.patience})",
               "steps": f"ran to its cap ({cfg.steps} steps)"
                        + (" before its criterion" if cfg.patience else ", with no criterion"),
               "deadline": f"stopped at step {last}, before its cap ({cfg.steps}) and its "
                           f"criterion: by a deadline"}[stopped]
        return f"{name} says censored={said[1]!r}, stopped={said[0]!r}; its metrics say the " \
               f"run {why} (censored={censored})"
    return None


_HELD: dict[str, list] = {}  # lock file -> [open handle, depth] held by this process


@contextmanager
def run_lock(out_dir: Path, wait: bool = True, wait_message: bool = True,
             lock_dir: Path | None = None):
    """Hold an exclusive lock on the run folder ``out_dir``: the file ``<name>.lock`` beside
    it (in ``lock_dir`` when given); the operating system releases it when its holder dies.
    Held already by this process, it is taken again at once (a writer that holds it calls
    another). Held by another process, it is waited for, or with ``wait=False``
    :class:`RunBusy` is raised naming the run and the lock."""
    out_dir = Path(out_dir).resolve()
    folder = Path(lock_dir).resolve() if lock_dir is not None else out_dir.parent
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{out_dir.name}.lock"
    held = _HELD.get(str(path))
    if held is not None:
        held[1] += 1
        try:
            yield
        finally:
            held[1] -= 1
        return
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise RunBusy(f"run {out_dir.name} ({out_dir}) is being written by another "
                              f"process (it holds {path}); wait for it to end, or choose "
                              f"another folder") from None
            if wait_message:
                print(f"waiting for another process writing {out_dir.name}", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        _HELD[str(path)] = [handle, 1]
        try:
            yield
        finally:
            del _HELD[str(path)]
            fcntl.flock(handle, fcntl.LOCK_UN)
