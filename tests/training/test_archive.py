"""Training by criterion (patience after the validation minimum, a cap that censors) and the
archive of measured runs: compact, verified, consulted first and read-only."""

import gzip
import json

import numpy as np
import pytest

from assocmem.experiments.question_formation import PRESETS
from assocmem.training import store
from assocmem.training.loop import logged_steps
from assocmem.training.runs import CorruptRun, cached_train, cached_train_many
from assocmem.training.store import archive_run, read_metrics, run_dir, run_record, val_rows


def tiny(**overrides):
    return PRESETS["tiny"].train_config(2, **{"steps": 8, "eval_every": 4, **overrides})


def test_patience_stops_after_the_minimum_and_the_cap_censors(tmp_path):
    # a learning rate that makes validation worse at once: the minimum is the first evaluation
    diverging = tiny(steps=40, eval_every=2, patience=4, lr=0.3, warmup_steps=0, eval_batches=0)
    out = cached_train(diverging, tmp_path, progress=False)
    record, rows = run_record(out), read_metrics(out)
    val = {r["step"]: r["val_loss"] for r in rows if "val_loss" in r}
    best = min(val, key=val.get)
    assert record["best_step"] == best and record["last_step"] == best + 4 < 40
    assert record["stopped"] == "patience" and not record["censored"]
    assert [r["step"] for r in rows] == logged_steps(diverging, record["last_step"])
    kept = val_rows(out)  # the whole validation set at the minimum, sequence by sequence
    assert len(kept["loss"]) == 64  # the tiny preset's validation examples, all of them
    assert kept["loss"].sum() / kept["tokens"].sum() == pytest.approx(val[best], rel=1e-6)
    # a patience longer than the run: it reaches its cap and is censored
    capped = tiny(steps=8, eval_every=2, patience=20)
    record = run_record(cached_train(capped, tmp_path, progress=False))
    assert record["censored"] and record["stopped"] == "steps" and record["last_step"] == 8
    for field in ("device", "torch", "commit", "finished", "wall_s", "tokens_per_s"):
        assert field in record


def test_patience_must_be_a_multiple_of_the_evaluation_interval():
    with pytest.raises(ValueError, match="'patience' .* multiple of eval_every"):
        tiny(patience=3)
    with pytest.raises(ValueError, match="'patience' must be an integer >= 0"):
        tiny(patience=-1)


def test_patience_changes_the_cache_key_only_when_set():
    # at 0 the key is the one runs had before 'patience' existed: tests/experiments/
    # test_presets.py pins such keys
    assert tiny().key() != tiny(patience=4).key() != tiny(patience=8).key()


def test_an_archived_run_is_read_first_and_verified(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSOCMEM_RUN_ARCHIVE", str(tmp_path / "archive"))
    cfg = tiny(patience=4, eval_batches=0, steps=12)
    cached_train(cfg, tmp_path / "cache", progress=False)
    live = read_metrics(run_dir(cfg, tmp_path / "cache"))
    kept = archive_run(cfg, "python -m assocmem.training ...", root=tmp_path / "cache")
    assert store.find(cfg, cache=False) == kept
    rows = read_metrics(kept)
    assert [r["step"] for r in rows] == [r["step"] for r in live]
    gaps = [abs(a["train_loss"] - b["train_loss"]) for a, b in zip(rows, live, strict=True)]
    assert max(gaps) < 1e-5
    assert run_record(kept)["archived"] and run_record(kept)["command"].startswith("python")
    assert len(val_rows(kept)["loss"]) == 64
    # the cache consults the archive first: with the cache gone nothing is retrained
    import shutil

    shutil.rmtree(tmp_path / "cache")
    assert cached_train(cfg, tmp_path / "cache", progress=False) == kept
    assert cached_train_many([cfg], root=tmp_path / "cache") == [kept]
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())
    # a damaged archive is an error naming the run, never read
    data = gzip.decompress((kept / "metrics.jsonl.gz").read_bytes()).decode()
    (kept / "metrics.jsonl.gz").write_bytes(gzip.compress(data.replace("1", "2", 1).encode()))
    with pytest.raises(CorruptRun, match=rf"archived run {kept.name} .* digest"):
        read_metrics(kept)
    np.testing.assert_equal(store.size_bytes(tmp_path / "archive") > 0, True)


def test_twins_are_the_same_configuration_archived_under_another_name(tmp_path):
    import dataclasses

    cfg = tiny(eval_batches=0)
    root = tmp_path / "archive"
    for name in (cfg.name, "other"):
        folder = root / f"{name}-{cfg.key()}"
        folder.mkdir(parents=True)
        (folder / "record.json").write_text("{}")
    (root / f"unfinished-{cfg.key()}").mkdir()  # no record: not a run
    (root / f"{cfg.name}-{tiny(eval_batches=0, lr=0.5).key()}").mkdir()
    twin = dataclasses.replace(cfg, name="other")
    assert twin.key() == cfg.key()
    assert store.twins(cfg, root) == [root / f"other-{cfg.key()}"]
    assert store.twins(twin, root) == [root / f"{cfg.name}-{cfg.key()}"]


def test_the_project_archive_is_small_and_every_run_in_it_verifies():
    root = store.archive_root()
    assert store.size_bytes(root) < 20e6 if root.exists() else True
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                     and not p.name.endswith(".tmp")) if root.exists() else []
    for folder in folders:  # every folder: one without a record is an error too
        record, rows = store.verify(folder)  # its seal, its record against its metrics
        assert rows and record["command"].startswith("python -m")


def test_the_first_steps_of_an_archived_run_are_recreated(tmp_path):
    """Re-train the first 10 steps of one archived configuration (its learning rate does not
    depend on the cap during warmup, nor does the training on when validation runs) and
    compare the training losses with the archive's."""
    import dataclasses

    import torch

    from assocmem.data.text import corpus_argument
    from assocmem.training.loop import read_config, train

    records = sorted(store.archive_root().glob("*/record.json"))
    if not records:
        pytest.skip("the project's archive holds no run yet")
    folder = records[0].parent
    cfg = read_config(folder)
    if cfg.task == "text":
        corpus = corpus_argument()
        if corpus["fingerprint"] != cfg.task_args["fingerprint"]:
            pytest.skip(f"the corpus of {folder.name} is not on this machine")
        cfg = dataclasses.replace(cfg, task_args={**cfg.task_args, "corpus": corpus["corpus"]})
    assert cfg.warmup_steps >= 10
    short = dataclasses.replace(cfg, steps=10, patience=0, eval_every=10, eval_batches=1)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the archive's runs were made
    try:
        train(short, tmp_path / "again", progress=False)
    finally:
        torch.set_num_threads(threads)
    again = [json.loads(line) for line in (tmp_path / "again" / "metrics.jsonl").open()]
    kept = {r["step"]: r["train_loss"] for r in store.read_metrics(folder)}
    gaps = [abs(r["train_loss"] - kept[r["step"]]) for r in again]
    assert len(gaps) == 10 and max(gaps) < 1e-3, gaps


def test_a_censored_run_extended_from_its_checkpoint_is_the_run_trained_to_the_new_cap(
        tmp_path, monkeypatch):
    from assocmem.training.runs import archived_only, extension

    monkeypatch.setenv("ASSOCMEM_RUN_ARCHIVE", str(tmp_path / "archive"))
    short = tiny(steps=8, eval_every=2, patience=20, decay="constant", warmup_steps=2,
                 eval_batches=0)
    assert run_record(cached_train(short, tmp_path / "a", progress=False))["censored"]
    longer = extension(short, 16)
    assert longer.steps == 16 and longer.key() != short.key()
    continued = cached_train(longer, tmp_path / "a", progress=False, extends=short)
    scratch = cached_train(longer, tmp_path / "b", progress=False)  # no run to continue
    record = run_record(continued)
    assert record["extends"]["key"] == short.key() and record["extends"]["last_step"] == 8
    assert "extends" not in run_record(scratch)
    same = [(a["step"], a["train_loss"], a.get("val_loss")) for a in read_metrics(continued)]
    assert same == [(b["step"], b["train_loss"], b.get("val_loss"))
                    for b in read_metrics(scratch)]
    assert record["last_step"] == run_record(scratch)["last_step"] == 16
    # the archive then reads the extension in place of the censored run, and says so
    archive_run(short, "python -m ...", root=tmp_path / "a")
    # not archived yet
    assert archived_only([short], extend_to=16) == [store.find(short, cache=False)]
    kept = archive_run(longer, "python -m ...", root=tmp_path / "a")
    assert archived_only([short], extend_to=16) == [kept]
    assert archived_only([short]) == [store.find(short, cache=False)]
    assert run_record(kept)["extends"]["key"] == short.key()


def test_only_a_censored_run_with_a_constant_rate_can_be_extended(tmp_path):
    from assocmem.training.runs import extension

    with pytest.raises(ValueError, match="constant learning rate"):
        extension(tiny(steps=8, eval_every=2, patience=4), 16)  # cosine: the cap shapes it
    constant = tiny(steps=8, eval_every=2, patience=4, decay="constant")
    with pytest.raises(ValueError, match="argument 'cap' must be an integer above"):
        extension(constant, 8)
    with pytest.raises(ValueError, match="argument 'cap'"):
        extension(constant, 15)  # not a multiple of eval_every
    with pytest.raises(ValueError, match="not an extension of"):
        cached_train(extension(constant, 16), tmp_path, progress=False,
                     extends=tiny(steps=8, eval_every=2, patience=4, decay="constant", seed=1))
    # a run that stopped by its criterion has nothing to extend
    stopped = tiny(steps=40, eval_every=2, patience=4, lr=0.3, warmup_steps=0,
                   decay="constant")
    assert not run_record(cached_train(stopped, tmp_path, progress=False))["censored"]
    with pytest.raises(ValueError, match="stopped by its criterion"):
        cached_train(extension(stopped, 60), tmp_path, progress=False, extends=stopped)


def test_train_all_continues_its_censored_runs_to_the_presets_larger_cap(tmp_path, monkeypatch,
                                                                       capsys):
    from types import SimpleNamespace

    import assocmem.training.__main__ as cli
    from assocmem.training.runs import extension

    monkeypatch.setenv("ASSOCMEM_RUN_ARCHIVE", str(tmp_path / "archive"))
    monkeypatch.setenv("ASSOCMEM_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setattr(cli, "presets", lambda _: {"p": SimpleNamespace(extend_cap=16)})
    censored = tiny(steps=8, eval_every=2, patience=20, decay="constant", warmup_steps=2)
    stopping = tiny(steps=40, eval_every=2, patience=4, lr=0.3, warmup_steps=0,
                    decay="constant", seed=1)
    args = SimpleNamespace(workers=1, archive=True, corpus="", experiment="question_formation",
                           preset="p", deadline=None, smoke=False)
    cli.train_all(args, {"c": censored, "s": stopping})
    longer = store.find(extension(censored, 16), cache=False)
    assert longer is not None
    assert store.find(stopping, cache=False) and store.find(censored, cache=False)
    record = run_record(longer)
    assert record["extends"]["key"] == censored.key()
    assert "--run-name c --steps 16 --out runs/" in record["command"]
    # stopped by patience: not extended
    assert store.find(extension(stopping, 60), cache=False) is None


def test_min_delta_stops_a_run_whose_minimum_moves_by_less(tmp_path):
    # any later minimum is smaller than the first evaluation's loss by less than 10 nats:
    # patience counts from step 2 although the lowest loss may come later
    cfg = tiny(steps=40, eval_every=2, patience=4, min_delta=10.0, eval_batches=0)
    record = run_record(cached_train(cfg, tmp_path, progress=False))
    assert record["stopped"] == "patience" and record["last_step"] == 6
    val = {r["step"]: r["val_loss"] for r in read_metrics(run_dir(cfg, tmp_path))
           if "val_loss" in r}
    assert record["best_val"] == min(val.values())  # the reported minimum is the true one
    assert tiny().key() == tiny(min_delta=0.0).key() != tiny(min_delta=0.01).key()
    with pytest.raises(ValueError, match="'min_delta' must be a number >= 0"):
        tiny(min_delta=-0.1)
    with pytest.raises(ValueError, match="'min_delta'"):
        tiny(min_delta=float("nan"))


def test_the_largest_archived_preset_is_found_by_its_run_names(tmp_path):
    from types import SimpleNamespace

    root = tmp_path / "archive"
    needed = {"gpu": SimpleNamespace(grid_runs=2, run_glob="elm-gpu-model*"),
              "cpu-long": SimpleNamespace(grid_runs=1, run_glob="elm-cpu-long-model*")}

    def run(name):
        (root / name).mkdir(parents=True)
        (root / name / "record.json").write_text("{}")

    assert store.largest_present(needed, archive_dir=root) is None
    (root / "elm-cpu-long-model1-D8000-s0-abc").mkdir(parents=True)
    assert store.largest_present(needed, archive_dir=root) is None  # no record
    (root / "elm-cpu-long-model1-D8000-s0-abc" / "record.json").write_text("{}")
    assert store.largest_present(needed, archive_dir=root) == "cpu-long"
    run("elm-gpu-w16-D8000-s0-abc")
    run("elm-gpu-model1-D8000-s0-abc")  # one gpu run of the two a grid needs: passed over
    assert store.largest_present(needed, archive_dir=root) == "cpu-long"
    run("elm-gpu-model2-D8000-s0-abc")
    assert store.largest_present(needed, archive_dir=root) == "gpu"
    with pytest.raises(ValueError, match="'names': no preset 'paper'"):
        store.largest_present(needed, names=("paper",), archive_dir=root)
    from assocmem.experiments import memorization, openelm_scaling, question_formation, radius

    assert openelm_scaling.PRESETS["cpu-long"].grid_runs == 3 * 12 * 3
    assert question_formation.PRESETS["cpu-long"].grid_runs == 2 * 3
    assert memorization.PRESETS["cpu-long"].grid_runs == 2 * 3 * 8
    assert radius.FAMILIES["cpu-long"].grid_runs == 5 * 3
    # each preset's glob matches the names its own naming rule gives, and no other preset's
    corpus = {"corpus": "c", "fingerprint": "f"}
    made = {"elm": openelm_scaling.PRESETS["cpu-long"].run_config("Model 1", 8000, corpus).name,
            "w": next(iter(radius.FAMILIES["cpu-long"].configs(corpus).values())).name,
            "qf": question_formation.PRESETS["cpu-long"].train_config(6).name,
            "mem": memorization.PRESETS["cpu-long"].train_config(8, 16).name}
    import fnmatch

    globs = {"elm": openelm_scaling.PRESETS["cpu-long"].run_glob,
             "w": radius.FAMILIES["cpu-long"].run_glob,
             "qf": question_formation.PRESETS["cpu-long"].run_glob,
             "mem": memorization.PRESETS["cpu-long"].run_glob}
    for kind, name in made.items():
        assert [k for k, g in globs.items() if fnmatch.fnmatch(name, g)] == [kind], name
    smaller = {"elm": openelm_scaling, "qf": question_formation, "mem": memorization}
    for kind, module in smaller.items():  # the cpu preset's glob misses cpu-long's runs
        assert not fnmatch.fnmatch(made[kind], module.PRESETS["cpu"].run_glob), made[kind]


def test_provenance_says_which_runs_came_from_a_dirty_tree(tmp_path):
    from types import SimpleNamespace

    preset = SimpleNamespace(name="tiny", run_glob="elm-tiny-*")
    none = store.provenance(preset, archive_dir=tmp_path)
    assert none == "No run of the tiny preset is archived."
    for i, commit in enumerate(["abc1234", "abc1234 with uncommitted changes under src/",
                                "def5678"]):
        run = tmp_path / f"elm-tiny-{i}"
        run.mkdir()
        (run / "record.json").write_text(json.dumps(
            {"commit": commit, "device": "CPU", "finished": f"2026-12-0{i + 1}T10:00:00"}))
    (tmp_path / "elm-other-0").mkdir()  # another preset's run is not counted
    text = store.provenance(preset, archive_dir=tmp_path)
    assert text == ("3 archived runs of the tiny preset, made 2026-12-01 to 2026-12-03 on CPU: "
                    "1 from a working tree with uncommitted changes under src/ (on abc1234), "
                    "not yet re-made from a clean commit; 2 from clean commits "
                    "(abc1234, def5678).")
    assert store.provenance(preset, archive_dir=tmp_path, label="the family").startswith(
        "3 archived runs of the family")
