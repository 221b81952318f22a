"""Run verification, case by case: a finished run of the cache whose files were edited
consistently (every digest in its record and its seal recomputed, as a forger or a buggy
writer would) is refused by the check that names what is wrong, and the record's fields are
recomputed from its metrics (:func:`assocmem.training.integrity.disagreement`) exactly."""

import json
import shutil
from pathlib import Path

import pytest

from assocmem.experiments.question_formation import PRESETS
from assocmem.training.integrity import (
    SEAL,
    disagreement,
    file_digest,
    read_seal,
    seal_problem,
    write_seal,
)
from assocmem.training.loop import CACHE_FILES, logged_steps
from assocmem.training.runs import CorruptRun, cached_train
from assocmem.training.store import read_metrics, run_record


def tiny(**overrides):
    return PRESETS["tiny"].train_config(2, **{"steps": 8, "eval_every": 4, **overrides})


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    cfg = tiny()
    return cfg, cached_train(cfg, tmp_path_factory.mktemp("cache"), progress=False)


@pytest.fixture
def run(finished, tmp_path):
    cfg, out = finished
    folder = tmp_path / out.name
    shutil.copytree(out, folder)
    return cfg, folder


def _rows(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]


def _forge(folder: Path, record: dict | None = None, rows: list[dict] | None = None,
           config: dict | None = None) -> None:
    """Write the files given, then recompute the digests the record keeps and the seal."""
    if rows is not None:
        (folder / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    if config is not None:
        (folder / "config.json").write_text(json.dumps(config))
    record = json.loads((folder / "finished.json").read_text()) if record is None else record
    for key, name in (("metrics_sha256", "metrics.jsonl"),
                      ("checkpoint_sha256", "checkpoint.pt")):
        if key in record:
            record[key] = file_digest(folder / name)
    (folder / "finished.json").write_text(json.dumps(record))
    write_seal(folder, [n for n in CACHE_FILES if (folder / n).exists()])


def _record(folder: Path) -> dict:
    return json.loads((folder / "finished.json").read_text())


def _refused(folder: Path, message: str) -> None:
    with pytest.raises(CorruptRun, match=rf"run {folder.name} .*is damaged: {message}"):
        read_metrics(folder)


def test_the_forger_helper_alone_leaves_a_sound_run(run):
    cfg, folder = run
    _forge(folder)
    assert [r["step"] for r in read_metrics(folder)] == logged_steps(cfg)
    assert run_record(folder)["last_step"] == 8


def test_the_configuration_of_another_run_is_refused_by_its_key(run):
    cfg, folder = run
    config = json.loads((folder / "config.json").read_text())
    _forge(folder, config={**config, "seed": config["seed"] + 1})  # another run's numbers
    _refused(folder, rf"its record's key '{cfg.key()}' is not its configuration's '\w+'")
    assert config["eval_every"] != config["log_every"]
    swapped = {**config, "eval_every": config["log_every"], "log_every": config["eval_every"]}
    _forge(folder, config=swapped)  # two fields swapped
    _refused(folder, "its record's key .* is not its configuration's")


@pytest.mark.parametrize("last", [0, -1, 9, 12, 8.0, "8", None, True])
def test_a_last_step_outside_the_configured_steps_is_refused(run, last):
    """The metrics are rewritten to end at that step (as a run that went on past its cap
    would log them), so only the bound on last_step stands between the record and a reader."""
    cfg, folder = run
    rows = _rows(folder)
    if isinstance(last, int) and last > cfg.steps:
        steps = [s for s in range(1, last + 1)
                 if s % cfg.log_every == 0 or s % cfg.eval_every == 0 or s == last]
        rows = rows[:-1] + [{**rows[-1], "step": s} for s in steps[len(rows) - 1:]]
        assert [r["step"] for r in rows] == steps
    _forge(folder, record={**_record(folder), "last_step": last, "rows": len(rows)}, rows=rows)
    _refused(folder, rf"its record's last_step {last!r} is not a step of its configuration")


def test_metrics_renumbered_with_the_same_count_are_refused(run):
    cfg, folder = run
    original = _rows(folder)
    rows = [dict(r) for r in original]
    rows[2]["step"], rows[3]["step"] = rows[3]["step"], rows[2]["step"]
    _forge(folder, rows=rows)
    _refused(folder, r"metrics.jsonl logs steps other than its configuration's: row 3 is "
                     r"step 4, the configuration's row 3 is step 3")
    rows = original[:-1] + [{**original[-1], "step": cfg.steps + 1}]
    _forge(folder, rows=rows)
    _refused(folder, rf"metrics.jsonl .*: row {len(rows)} is step {cfg.steps + 1}, the "
                     rf"configuration's row {len(rows)} is step {cfg.steps}")
    _forge(folder, rows=original[:-1] + [{**original[-1], "step": float(cfg.steps)}])
    _refused(folder, rf"metrics.jsonl .*: row {len(rows)} is step {float(cfg.steps)}, the ")


def test_a_record_without_its_checkpoint_digest_is_refused(run):
    _, folder = run
    record = _record(folder)
    del record["checkpoint_sha256"]
    _forge(folder, record=record)
    _refused(folder, "its record keeps the digest of metrics.jsonl but not of checkpoint.pt")


def test_a_digest_in_the_record_that_differs_is_refused_under_a_recomputed_seal(run):
    _, folder = run
    for key, name in (("metrics_sha256", "metrics.jsonl"), ("checkpoint_sha256",
                                                          "checkpoint.pt")):
        record = _record(folder)
        good = record[key]
        (folder / "finished.json").write_text(json.dumps({**record, key: "0" * 64}))
        write_seal(folder, [n for n in CACHE_FILES if (folder / n).exists()])
        _refused(folder, f"{name} does not match the digest in its record")
        (folder / "finished.json").write_text(json.dumps({**record, key: good}))
        write_seal(folder, [n for n in CACHE_FILES if (folder / n).exists()])
        read_metrics(folder)


def test_a_file_added_after_the_seal_or_a_broken_seal_is_refused(run):
    _, folder = run
    (folder / "extends.json").write_text("{}")
    _refused(folder, f"extends.json is not in its {SEAL}")
    (folder / "extends.json").unlink()
    text = (folder / SEAL).read_text()
    (folder / SEAL).write_text(text.replace("  ", " ", 1))
    _refused(folder, f"its {SEAL} cannot be read")
    (folder / SEAL).write_text(text)
    (folder / "finished.json").write_text("[1, 2]")
    _refused(folder, "finished.json does not hold a record")


def test_an_old_record_without_digests_and_seal_is_completed_with_the_right_ones(run):
    cfg, folder = run
    (folder / "finished.json").write_text(json.dumps({"steps": cfg.steps, "key": cfg.key()}))
    (folder / SEAL).unlink()
    read_metrics(folder)
    record = _record(folder)
    assert record["metrics_sha256"] == file_digest(folder / "metrics.jsonl")
    assert record["checkpoint_sha256"] == file_digest(folder / "checkpoint.pt")
    assert (record["last_step"], record["rows"]) == (8, len(logged_steps(cfg)))
    assert read_seal(folder) == {n: file_digest(folder / n) for n in CACHE_FILES
                                 if (folder / n).exists()}


# ---- the seal ---------------------------------------------------------------------------------
def test_read_seal_takes_only_well_formed_lines(tmp_path):
    assert read_seal(tmp_path) is None
    good = "a" * 64
    for text in (f"{good} x\n", f"{'a' * 63}  x\n", f"{good}  \n", f"{good}  d/x\n",
                 f"{good}  x\n{good}  x\n"):
        (tmp_path / SEAL).write_text(text)
        with pytest.raises(ValueError, match=f"{SEAL} line"):
            read_seal(tmp_path)
    (tmp_path / SEAL).write_text(f"{good}  x\n{'b' * 64}  y z\n")
    assert read_seal(tmp_path) == {"x": good, "y z": "b" * 64}


def test_seal_problem_names_the_first_file_that_differs(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).write_text(name)
    seal = write_seal(tmp_path, ["b", "a", "b"])
    assert list(seal) == ["a", "b"] and read_seal(tmp_path) == seal
    assert seal == {n: file_digest(tmp_path / n) for n in "ab"}
    assert seal_problem(tmp_path, seal, strict=True) is None
    (tmp_path / "c").write_text("c")
    assert seal_problem(tmp_path, seal, strict=False) is None
    assert seal_problem(tmp_path, seal, strict=True) == \
        f"c is not in its {SEAL} (the run was not written with it)"
    cache = {}
    (tmp_path / "b").write_text("B")
    assert seal_problem(tmp_path, seal, strict=False, digests=cache) == \
        f"b does not match its digest in {SEAL}"
    assert cache == {"a": seal["a"], "b": file_digest(tmp_path / "b")}
    (tmp_path / "a").unlink()
    assert seal_problem(tmp_path, seal, strict=False) == f"a is missing (its {SEAL} lists it)"


# ---- the record against its metrics: disagreement on metrics written by hand -----------------
def _cfg(**fields):
    from types import SimpleNamespace

    return SimpleNamespace(**{"steps": 12, "log_every": 1, "eval_every": 2, "patience": 4,
                              "min_delta": 0.0, **fields})


VAL = {2: 5.0, 4: 4.0, 6: 3.5, 8: 3.6, 10: 3.7, 12: 3.8}


def _metrics(last, val=None):
    val = VAL if val is None else val
    return [{"step": s, "train_loss": 6.0 - s / 10, "val_loss": val.get(s)}
            for s in range(1, last + 1)]


def _said(last=10, **fields):
    return {"steps": 12, "last_step": last, "rows": last, "best_val": 3.5, "best_step": 6,
            "stopped": "patience", "censored": False, **fields}


def test_disagreement_accepts_a_true_record_and_names_each_false_field():
    cfg, rows = _cfg(), _metrics(10)
    assert disagreement(cfg, _said(), rows) is None
    assert disagreement(cfg, {}, _metrics(12)) is None  # a bare record: its defaults agree
    assert disagreement(cfg, {"censored": True}, _metrics(12)) is not None
    cases = {
        "steps": (_said(steps=13), "finished.json says steps=13, its configuration's cap is 12"),
        "last 0": (_said(last_step=0), "finished.json says last_step=0, not a step of its "
                                       "configuration"),
        "last 13": (_said(last_step=13), "finished.json says last_step=13, not a step of its "
                                         "configuration"),
        "last True": (_said(last_step=True), "finished.json says last_step=True, not a step "
                                             "of its configuration"),
        "last 9": (_said(last_step=9), "finished.json says last_step=9, its metrics end at "
                                       "step 10 or skip steps"),
        "rows": (_said(rows=11), "finished.json says rows=11, its metrics hold 10"),
        "best_val": (_said(best_val=3.6), "finished.json says best_val=3.6, the lowest "
                                          "validation loss in its metrics is 3.5 (step 6)"),
        "best_val nan": (_said(best_val=float("nan")), "finished.json says best_val=nan, the "
                         "lowest validation loss in its metrics is 3.5 (step 6)"),
        "best_val True": (_said(best_val=True), "finished.json says best_val=True, the lowest "
                          "validation loss in its metrics is 3.5 (step 6)"),
        "best_step": (_said(best_step=8), "finished.json says best_step=8, its metrics reach "
                                          "their lowest validation loss 3.5 at step 6"),
        "censored": (_said(censored=True), "finished.json says censored=True, "
                     "stopped='patience'; its metrics say the run stopped by its criterion at "
                     "step 10 (its minimum at step 6, patience 4) (censored=False)"),
        "censored 1": (_said(censored=1), "finished.json says censored=1, stopped='patience'; "
                       "its metrics say the run stopped by its criterion at step 10 (its "
                       "minimum at step 6, patience 4) (censored=False)"),
        "stopped": (_said(stopped="steps"), "finished.json says censored=False, "
                    "stopped='steps'; its metrics say the run stopped by its criterion at "
                    "step 10 (its minimum at step 6, patience 4) (censored=False)"),
    }
    for case, (record, message) in cases.items():
        assert disagreement(cfg, record, rows, name="finished.json") == message, case
    gap = [r for r in rows if r["step"] != 5]  # a skipped step
    assert disagreement(cfg, _said(rows=9), gap) == \
        "record.json says last_step=10, its metrics end at step 10 or skip steps"
    assert disagreement(cfg, _said(), []) == \
        "record.json says last_step=10, its metrics end at step None or skip steps"


def test_disagreement_recomputes_how_the_run_stopped():
    rows = _metrics(8)
    early = _said(last=8, stopped="deadline", censored=True)
    assert disagreement(_cfg(), early, rows) is None  # 8 - 6 < patience 4, before the cap
    assert disagreement(_cfg(), {**early, "stopped": "patience", "censored": False}, rows) == (
        "record.json says censored=False, stopped='patience'; its metrics say the run stopped "
        "at step 8, before its cap (12) and its criterion: by a deadline (censored=True)")
    assert disagreement(_cfg(patience=2), {**early, "stopped": "patience", "censored": False},
                        rows) is None  # 8 - 6 >= 2: exactly the patience
    assert disagreement(_cfg(patience=3), {**early, "stopped": "patience", "censored": False},
                        rows) is not None  # 8 - 6 < 3
    full = _metrics(12)
    capped = _said(last=12, stopped="steps", censored=True)
    assert disagreement(_cfg(patience=7), capped, full) is None  # 12 - 6 < 7: cut at its cap
    assert disagreement(_cfg(patience=7), {**capped, "censored": False}, full) == (
        "record.json says censored=False, stopped='steps'; its metrics say the run ran to "
        "its cap (12 steps) before its criterion (censored=True)")
    assert disagreement(_cfg(patience=0), {**capped, "censored": False}, full) is None
    assert disagreement(_cfg(patience=0), capped, full) == (
        "record.json says censored=True, stopped='steps'; its metrics say the run ran to its "
        "cap (12 steps), with no criterion (censored=False)")
    assert disagreement(_cfg(patience=6), _said(last=12), full) is None  # 12 - 6 >= 6
    # min_delta: 3.9 is not below 4.0 - 0.2, so patience counts from step 4, not 6
    val = {2: 5.0, 4: 4.0, 6: 3.9, 8: 3.95}
    rows = _metrics(8, val)
    said = _said(last=8, best_val=3.9, stopped="patience")
    assert disagreement(_cfg(min_delta=0.2), said, rows) is None  # 8 - 4 >= 4
    assert disagreement(_cfg(min_delta=0.0), said, rows) is not None  # 8 - 6 < 4
    assert disagreement(_cfg(min_delta=0.1), said, rows) is None  # 3.9 < 3.9: not below


def test_disagreement_at_the_archives_precision_and_with_validation_rows():
    import numpy as np

    cfg = _cfg()
    tied = {**VAL, 8: 3.5}  # the minimum twice: best_step is the first
    rows = _metrics(10, tied)
    assert disagreement(cfg, _said(), rows) is None
    assert disagreement(cfg, _said(best_step=8), rows) is not None
    assert disagreement(cfg, _said(best_step=8), rows, digits=3) is None  # a tie once rounded
    assert disagreement(cfg, _said(best_step=10), rows, digits=3) is not None
    assert disagreement(cfg, _said(best_val=3.5004), rows, digits=3) is None
    assert disagreement(cfg, _said(best_val=3.5006), rows, digits=3) is not None
    assert disagreement(cfg, _said(best_val=3.5004), rows) is not None
    kept = {"loss": np.array([7.0, 3.5]), "tokens": np.array([2, 1])}  # mean 10.5 / 3 = 3.5
    assert disagreement(cfg, _said(), _metrics(10), val_rows=kept) is None
    off = {"loss": np.array([7.0, 3.5 * (1 + 1e-5)]), "tokens": np.array([2, 1])}  # 3e-6 rel
    assert disagreement(cfg, _said(), _metrics(10), val_rows=off) == (
        f"val_rows.npz holds losses of mean {float(off['loss'].sum() / 3)!r}, its record.json "
        f"says the minimum is 3.5")
    assert disagreement(cfg, _said(), _metrics(10), val_rows=off, digits=6) is None  # 1e-4
    # a criterion within the rounding of the archived losses: either outcome is accepted
    near = {2: 5.0, 4: 4.0, 6: 3.999, 8: 4.1, 10: 4.2}
    rows = _metrics(8, near)
    said = _said(last=8, best_val=3.999, stopped="patience")
    assert disagreement(cfg, said, rows, digits=2) is None  # 8 - 4 >= 4 if 3.999 ~ 4.0
    assert disagreement(cfg, {**said, "stopped": "deadline", "censored": True}, rows,
                        digits=2) is None  # 8 - 6 < 4 if 3.999 < 4.0
    assert disagreement(cfg, said, rows) is not None  # unrounded: only the latter


def test_disagreement_without_validation_and_with_values_of_other_types():
    cfg, rows = _cfg(patience=0), _metrics(12, {})  # no validation rows: the minimum is inf
    said = {"last_step": 12, "best_val": float("inf"), "best_step": 0, "stopped": "steps"}
    assert disagreement(cfg, said, rows) is None
    assert disagreement(cfg, {**said, "best_val": "inf"}, rows) == (
        "record.json says best_val='inf', the lowest validation loss in its metrics is inf "
        "(step 0)")
    assert disagreement(cfg, {**said, "best_step": None}, rows) is not None


# ---- the lock -------------------------------------------------------------------------------
def test_run_lock_is_reentrant_and_refuses_or_waits_for_another_holder(tmp_path, capsys):
    import fcntl
    import threading

    from assocmem.training import integrity
    from assocmem.training.integrity import RunBusy, run_lock

    out = tmp_path / "runs" / "one"
    lock = tmp_path / "runs" / "one.lock"
    with run_lock(out, wait=False):
        assert lock.exists() and integrity._HELD[str(lock)][1] == 1
        with run_lock(out, wait=False):  # this process holds it: taken again at once
            assert integrity._HELD[str(lock)][1] == 2
        assert integrity._HELD[str(lock)][1] == 1
    assert str(lock) not in integrity._HELD
    other = open(lock, "a")  # another holder: a second open file description of the lock
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        with pytest.raises(RunBusy, match=rf"run one \({out.resolve()}\) is being written by "
                                          rf"another process \(it holds {lock}\)"):
            with run_lock(out, wait=False):
                pass
        assert str(lock) not in integrity._HELD
        threading.Timer(0.3, lambda: fcntl.flock(other, fcntl.LOCK_UN)).start()
        with run_lock(out):  # waits for the other holder, and says so
            assert integrity._HELD[str(lock)][1] == 1
        assert capsys.readouterr().err == "waiting for another process writing one\n"
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        threading.Timer(0.3, lambda: fcntl.flock(other, fcntl.LOCK_UN)).start()
        with run_lock(out, wait_message=False):
            pass
        assert capsys.readouterr().err == ""
    finally:
        other.close()
    fcntl.flock(open(lock, "a"), fcntl.LOCK_EX | fcntl.LOCK_NB)  # released on exit
    elsewhere = tmp_path / "locks"
    with run_lock(out, lock_dir=elsewhere):
        assert (elsewhere / "one.lock").exists()


def test_read_val_rows_reads_float64_or_fails_by_name(tmp_path):
    import numpy as np

    from assocmem.training.integrity import read_val_rows

    def fail(message):
        raise RuntimeError(message)

    assert read_val_rows(tmp_path, fail) is None
    np.savez(tmp_path / "val_rows.npz", loss=np.array([1.5, 2.5], np.float32),
             tokens=np.array([3, 4]))
    kept = read_val_rows(tmp_path, fail)
    assert kept["loss"].dtype == np.float64 and kept["loss"].tolist() == [1.5, 2.5]
    assert kept["tokens"].tolist() == [3, 4]
    np.savez(tmp_path / "val_rows.npz", loss=np.array([1.5]))
    with pytest.raises(RuntimeError, match=r"val_rows.npz cannot be read \("):
        read_val_rows(tmp_path, fail)
    (tmp_path / "val_rows.npz").write_bytes(b"not a zip")
    with pytest.raises(RuntimeError, match=r"val_rows.npz cannot be read \("):
        read_val_rows(tmp_path, fail)


def test_file_digest_is_sha256_of_the_whole_file(tmp_path):
    import hashlib

    data = bytes(range(256)) * 9000  # 2.3 MB: more than one piece of 1 MiB
    (tmp_path / "big").write_bytes(data)
    assert file_digest(tmp_path / "big") == hashlib.sha256(data).hexdigest()


def _make_old(cfg, folder: Path, last: int | None = None, **fields) -> None:
    """Turn the run into one of an earlier version: a record of its key and steps only (and
    ``fields``), no seal; with ``last``, its metrics cut to the steps a run stopped there logs."""
    if last is not None:
        keep = set(logged_steps(cfg, last))
        rows = [r for r in _rows(folder) if r["step"] in keep]
        (folder / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (folder / "finished.json").write_text(json.dumps({"steps": cfg.steps, "key": cfg.key(),
                                                      **fields}))
    (folder / SEAL).unlink()


def test_an_old_record_of_a_run_cut_short_is_completed_with_its_own_fields(run):
    cfg, folder = run
    _make_old(cfg, folder, last=4, last_step=4, stopped="deadline", censored=True)
    assert [r["step"] for r in read_metrics(folder)] == logged_steps(cfg, 4)
    record = _record(folder)
    assert (record["last_step"], record["rows"], record["stopped"], record["censored"]) == \
        (4, len(logged_steps(cfg, 4)), "deadline", True)
    assert record["metrics_sha256"] == file_digest(folder / "metrics.jsonl")
    assert SEAL in {p.name for p in folder.iterdir()}


def test_an_old_run_is_not_sealed_while_its_score_is_unreadable_or_another_writer_holds_it(
        run):
    import fcntl
    import threading

    cfg, folder = run
    _make_old(cfg, folder)
    (folder / "score.json").write_text('{"recall": 0.')  # being written
    read_metrics(folder)  # verified, but not completed: the score's reader fails on it
    assert not (folder / SEAL).exists() and "metrics_sha256" not in _record(folder)
    (folder / "score.json").unlink()
    other = open(folder.parent / f"{folder.name}.lock", "a")
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another process writes the run
    release = threading.Timer(2.0, other.close)  # a verification that waited would seal
    release.start()
    try:
        read_metrics(folder)  # at once: left to the next verification, never waited for
        assert not (folder / SEAL).exists() and "metrics_sha256" not in _record(folder)
    finally:
        release.cancel()
        other.close()
    read_metrics(folder)
    assert (folder / SEAL).exists() and "metrics_sha256" in _record(folder)


def test_a_run_cut_at_its_first_step_is_sound_and_a_bad_line_is_named_by_number(run):
    cfg, folder = run
    _make_old(cfg, folder, last=1, last_step=1, stopped="deadline", censored=True)
    assert [r["step"] for r in read_metrics(folder)] == [1]  # the lowest last_step allowed
    lines = (folder / "metrics.jsonl").read_text()
    _forge(folder, rows=[{"step": 1}])
    (folder / "metrics.jsonl").write_text(lines + '{"step": 2, "tr\n{"step": 3}\n')
    _refused(folder, "line 2 of metrics.jsonl is not valid JSON")
