"""Nothing silently wrong: every file a verdict reads from a run (archived or cached) is
verified, or the run is refused with an error naming the run and the file; and one run folder
has one writer at a time."""

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assocmem.experiments.question_formation import PRESETS
from assocmem.training import store
from assocmem.training.runs import CorruptRun, cached_train, run_lock
from assocmem.training.store import archive_run, read_metrics, run_record, val_rows

SEAL = "SHA256SUMS"


def tiny(**overrides):
    return PRESETS["tiny"].train_config(2, **{"steps": 8, "eval_every": 4, **overrides})


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One finished run of the cache, stopped by its criterion, with its validation rows and
    a score (written beside it as the experiments write theirs), and its archived copy."""
    base = tmp_path_factory.mktemp("made")
    cfg = tiny(steps=40, eval_every=2, patience=4, lr=0.3, warmup_steps=0, eval_batches=0)
    out = cached_train(cfg, base / "cache", progress=False)
    (out / "score.json").write_text(json.dumps({"final_loss": 1.5, "recall": 0.25}))
    read_metrics(out)  # the first verification that finds the score seals it
    kept = archive_run(cfg, "python -m assocmem.training ...", root=base / "cache",
                       archive_dir=base / "archive")
    assert not run_record(out)["censored"] and run_record(out)["stopped"] == "patience"
    return cfg, out, kept


def _edit_json(path: Path, **fields) -> None:
    path.write_text(json.dumps({**json.loads(path.read_text()), **fields}, indent=1))


def _flip_censored(path: Path) -> None:
    _edit_json(path, censored=not json.loads(path.read_text())["censored"])


def _raise_best_val(path: Path) -> None:
    _edit_json(path, best_val=json.loads(path.read_text())["best_val"] + 0.1)


def _reseal(folder: Path) -> None:
    """Recompute the seal over the folder's files, as someone who edits a file and its digest
    would."""
    from assocmem.training.integrity import write_seal

    write_seal(folder, [p.name for p in folder.iterdir() if p.name != SEAL])


def _edit_npz(path: Path) -> None:
    with np.load(path) as arrays:
        loss, tokens = arrays["loss"] * 3, arrays["tokens"]  # a mean 3 times as large
    with open(path, "wb") as handle:
        np.savez(handle, loss=loss, tokens=tokens)


def _edit_metrics_gz(path: Path) -> None:
    rows = [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]
    rows[-1]["val_loss"] = rows[-1]["val_loss"] - 1.0  # a new minimum at the end
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))


def _edit_metrics(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    rows[-1]["val_loss"] = rows[-1]["val_loss"] - 1.0
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def _edit_config(path: Path) -> None:  # a field outside the configuration's hash
    _edit_json(path, checkpoint_every=json.loads(path.read_text())["checkpoint_every"] + 1)


def _delete(path: Path) -> None:
    path.unlink()



def _forged(edit):
    """``edit``, then the digests the record keeps and the seal recomputed: what a forger who
    knows the archive's format would do, so that only the cross-checks can catch it."""
    from assocmem.training.integrity import file_digest

    def forge(path: Path) -> None:
        edit(path)
        folder = path.parent
        record = json.loads((folder / "record.json").read_text())
        for name, field in (("metrics.jsonl.gz", "metrics_sha256"),
                            ("val_rows.npz", "val_rows_sha256"), ("score.json", "score_sha256")):
            if field in record and (folder / name).exists():
                record[field] = file_digest(folder / name)
        (folder / "record.json").write_text(json.dumps(record, indent=1))
        _reseal(folder)
    return forge

ARCHIVED = {  # corruption: (file it touches, what it does, the file the error must name)
    "record censored flipped": ("record.json", _flip_censored, "record.json"),
    "record best_val edited": ("record.json", _raise_best_val, "record.json"),
    "record deleted": ("record.json", _delete, "record.json"),
    "record censored flipped, resealed": ("record.json", lambda p: (_flip_censored(p),
                                                                    _reseal(p.parent)),
                                          "record.json"),
    "record best_val edited, resealed": ("record.json", lambda p: (_raise_best_val(p),
                                                                   _reseal(p.parent)),
                                         "record.json"),
    "metrics edited": ("metrics.jsonl.gz", _edit_metrics_gz, "metrics.jsonl.gz"),
    "val_rows edited": ("val_rows.npz", _edit_npz, "val_rows.npz"),
    "val_rows deleted": ("val_rows.npz", _delete, "val_rows.npz"),
    "score edited": ("score.json", lambda p: _edit_json(p, recall=1.0), "score.json"),
    "score deleted": ("score.json", _delete, "score.json"),
    "config edited": ("config.json", _edit_config, "config.json"),
    "seal deleted": (SEAL, _delete, SEAL),
    "a file added": ("notes.txt", lambda p: p.write_text("hello"), "notes.txt"),
    "val_rows edited, digests recomputed": ("val_rows.npz", _forged(_edit_npz), "val_rows.npz"),
    "val_rows unreadable, digests recomputed": ("val_rows.npz", _forged(
        lambda p: p.write_bytes(b"not an npz")), "val_rows.npz cannot be read"),
    "score not JSON, digests recomputed": ("score.json", _forged(lambda p: p.write_text("{")),
                                           "score.json cannot be read"),
    "record not an object, resealed": ("record.json", lambda p: (p.write_text("[]"),
                                                                 _reseal(p.parent)),
                                       "record.json"),
}


@pytest.mark.parametrize("case", list(ARCHIVED))
def test_every_file_of_an_archived_run_is_verified(made, tmp_path, case):
    cfg, _, kept = made
    root = tmp_path / "archive"
    folder = root / kept.name
    shutil.copytree(kept, folder)
    assert store.find(cfg, cache=False, archive_dir=root) == folder
    assert run_record(folder)["archived"]
    name, corrupt, named = ARCHIVED[case]
    corrupt(folder / name)
    pattern = rf"{folder.name}\b.*{named}"
    with pytest.raises(CorruptRun, match=pattern):  # never an absent run
        store.find(cfg, cache=False, archive_dir=root)
    for read in (run_record, read_metrics, val_rows, store.verify):
        with pytest.raises(CorruptRun, match=pattern):
            read(folder)


CACHED = {
    "record censored flipped": ("finished.json", _flip_censored, "finished.json"),
    "record best_val edited": ("finished.json", _raise_best_val, "finished.json"),
    "record deleted": ("finished.json", _delete, "finished.json"),
    "record censored flipped, resealed": ("finished.json", lambda p: (_flip_censored(p),
                                                                      _reseal(p.parent)),
                                          "finished.json"),
    "record best_val edited, resealed": ("finished.json", lambda p: (_raise_best_val(p),
                                                                     _reseal(p.parent)),
                                         "finished.json"),
    "metrics edited": ("metrics.jsonl", _edit_metrics, "metrics.jsonl"),
    "val_rows edited": ("val_rows.npz", _edit_npz, "val_rows.npz"),
    "val_rows deleted": ("val_rows.npz", _delete, "val_rows.npz"),
    "score edited": ("score.json", lambda p: _edit_json(p, recall=1.0), "score.json"),
    "score deleted": ("score.json", _delete, "score.json"),
    "config edited": ("config.json", _edit_config, "config.json"),
    "checkpoint edited": ("checkpoint.pt", lambda p: p.open("ab").write(b"\0"),
                          "checkpoint.pt"),
    # every digest recomputed: only the mean of the kept losses against best_val is left
    "val_rows edited, record and seal recomputed": ("val_rows.npz", lambda p: (
        _edit_npz(p), _edit_json(p.parent / "finished.json",
                                 val_rows_sha256=_digest(p)), _reseal(p.parent)),
        "val_rows.npz holds losses of mean"),
    "val_rows unreadable, record and seal recomputed": ("val_rows.npz", lambda p: (
        p.write_bytes(b"not an npz"), _edit_json(p.parent / "finished.json",
                                                 val_rows_sha256=_digest(p)), _reseal(p.parent)),
        "val_rows.npz cannot be read"),
    "a metrics line not an object, record and seal recomputed": ("metrics.jsonl", lambda p: (
        p.write_text(p.read_text().replace(p.read_text().splitlines()[0], "[1]", 1)),
        _edit_json(p.parent / "finished.json", metrics_sha256=_digest(p)), _reseal(p.parent)),
        "metrics.jsonl logs steps other than"),
}


def _digest(path: Path) -> str:
    from assocmem.training.integrity import file_digest

    return file_digest(path)


@pytest.mark.parametrize("case", list(CACHED))
def test_every_file_of_a_cached_run_is_verified(made, tmp_path, case):
    _, out, _ = made
    folder = tmp_path / "cache" / out.name
    shutil.copytree(out, folder)
    assert not run_record(folder)["archived"]
    name, corrupt, named = CACHED[case]
    corrupt(folder / name)
    for read in (run_record, read_metrics, val_rows):
        with pytest.raises(CorruptRun, match=rf"run {folder.name}\b.*{named}"):
            read(folder)


def test_a_folder_of_the_archive_without_its_record_is_an_error_not_an_absent_run(made,
                                                                                   tmp_path):
    from types import SimpleNamespace

    cfg, _, kept = made
    root = tmp_path / "archive"
    shutil.copytree(kept, root / kept.name)
    (root / kept.name / "record.json").unlink()
    with pytest.raises(CorruptRun, match=rf"{kept.name}\b.*record.json is missing"):
        store.find(cfg, cache=False, archive_dir=root)
    with pytest.raises(CorruptRun, match="record.json is missing"):
        store.largest_present({"tiny": SimpleNamespace(grid_runs=1, run_glob=kept.name)},
                              names=("tiny",), archive_dir=root)
    twin = root / f"other-{cfg.key()}"
    twin.mkdir()
    (twin / "config.json").write_text("{}")
    with pytest.raises(CorruptRun, match=rf"other-{cfg.key()}\b.*record.json is missing"):
        store.twins(cfg, root)
    (twin / "config.json").unlink()  # an empty folder (git keeps none) is no run
    (root / kept.name).rename(root / "elsewhere")
    assert store.find(cfg, cache=False, archive_dir=root) is None and store.twins(cfg, root) == []


def test_archiving_seals_the_run_and_the_migration_seals_only_runs_that_check_out(made,
                                                                                  tmp_path,
                                                                                  capsys):
    cfg, _, kept = made
    sums = dict(line.split("  ")[::-1] for line in (kept / SEAL).read_text().splitlines())
    assert sorted(sums) == ["config.json", "metrics.jsonl.gz", "record.json", "score.json",
                            "val_rows.npz"]  # sealed as it was archived, `sha256sum -c` form
    root = tmp_path / "archive"
    good, bad = root / kept.name, root / f"other-{cfg.key()}"
    shutil.copytree(kept, good)
    shutil.copytree(kept, bad)
    for folder in (good, bad):
        (folder / SEAL).unlink()  # runs archived before seals existed
    with pytest.raises(CorruptRun, match=f"{SEAL} is missing: the run is not sealed.*--seal"):
        store.find(cfg, cache=False, archive_dir=root)
    _flip_censored(bad / "record.json")
    assert store.main(["--seal", "--root", str(root)]) == 1
    out = capsys.readouterr()
    assert "1 sealed, 0 verified, 1 failed: " + bad.name in out.out
    assert "says censored=True" in out.err and "Not sealed" in out.err
    assert store.find(cfg, cache=False, archive_dir=root) == good and not (bad / SEAL).exists()
    assert store.main(["--check", "--root", str(root)]) == 1  # the bad one still fails
    shutil.rmtree(bad)
    assert store.main(["--seal", "--root", str(root)]) == 0  # sealed already: verified
    assert "0 sealed, 1 verified, 0 failed" in capsys.readouterr().out




def test_find_looks_in_the_archive_first_then_in_the_cache(made, tmp_path):
    cfg, out, kept = made
    cache, archive, empty = out.parent, kept.parent, tmp_path / "no archive"
    assert store.find(cfg, root=cache, archive_dir=archive) == kept
    assert store.find(cfg, root=cache, archive_dir=empty) == out
    assert store.find(cfg, cache=False, root=cache, archive_dir=empty) is None
    assert store.find(tiny(seed=7), root=cache, archive_dir=empty) is None  # in neither
    unfinished = tmp_path / "cache" / out.name
    shutil.copytree(out, unfinished)
    (unfinished / "finished.json").unlink()  # a run being trained is not found
    assert store.find(cfg, root=unfinished.parent, archive_dir=empty) is None
    shutil.rmtree(unfinished)
    shutil.copytree(out, unfinished)
    _flip_censored(unfinished / "finished.json")  # a damaged one is an error, not absent
    with pytest.raises(CorruptRun, match=rf"{out.name}\b.*finished.json"):
        store.find(cfg, root=unfinished.parent, archive_dir=empty)


def test_folders_being_written_or_hidden_are_no_archived_runs(made, tmp_path):
    from types import SimpleNamespace

    cfg, _, kept = made
    shutil.copytree(kept, tmp_path / kept.name)
    for name in (f"{kept.name}.tmp", f".{kept.name}"):  # an archiving in flight; a hidden one
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_text("{}")
    tiny_preset = {"tiny": SimpleNamespace(grid_runs=1, run_glob=f"{cfg.name}-*")}
    assert store.largest_present(tiny_preset, names=("tiny",), archive_dir=tmp_path) == "tiny"
    assert store.twins(cfg, archive_dir=tmp_path) == []


def test_an_archived_run_without_validation_rows_or_score_verifies(made, tmp_path):
    """A run that kept neither (validated in part, never scored), as its record says."""
    cfg, _, kept = made
    folder = tmp_path / kept.name
    shutil.copytree(kept, folder)
    for name in ("val_rows.npz", "score.json"):
        (folder / name).unlink()
    record = json.loads((folder / "record.json").read_text())
    del record["val_rows_sha256"], record["score_sha256"]
    (folder / "record.json").write_text(json.dumps(record, indent=1))
    _reseal(folder)
    assert store.find(cfg, cache=False, archive_dir=tmp_path) == folder
    assert val_rows(folder) is None and run_record(folder)["archived"]


def _cli(out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "assocmem.training", "--experiment", "question_formation",
         "--preset", "tiny", "--run-name", "depth-2", "--steps", "60", "--out", str(out),
         "--checkpoint-every", "5", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_a_second_writer_of_one_out_fails_clearly_and_writes_nothing(tmp_path):
    out = tmp_path / "runs" / "dup"
    with run_lock(out):  # another process writing the run (the cache, or another --out)
        for extra in ((), ("--resume",)):
            process = _cli(out, *extra)
            _, err = process.communicate(timeout=300)
            assert process.returncode not in (0, None), err
            assert "being written by another process" in err and "dup.lock" in err
            assert not out.exists()


def test_two_writers_of_one_out_at_once_make_one_sound_run(tmp_path):
    from assocmem.training.loop import logged_steps, read_config

    out = tmp_path / "runs" / "dup"
    processes = [_cli(out), _cli(out)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in processes]
    codes = sorted(code for code, _ in results)
    assert codes[0] == 0 and codes[1] != 0, results
    loser = next(err for code, err in results if code != 0)
    assert "being written by another process" in loser or "already holds a run" in loser
    cfg = read_config(out)
    rows = read_metrics(out)  # verified: its seal, its digests, its record
    assert [r["step"] for r in rows] == logged_steps(cfg)
    record = run_record(out)
    assert record["last_step"] == 60 and not record["censored"]
    resumed = _cli(out, "--resume")
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert [r["step"] for r in read_metrics(out)] == logged_steps(cfg)
