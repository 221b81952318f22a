"""Controlled memorization: the task, the power-law fit, configurations."""

import numpy as np
import pytest

from assocmem.experiments.fits import power_law_fit
from assocmem.experiments.memorization import PRESETS
from assocmem.training.tasks import build


def test_pattern_dataset_and_config():
    data = build("patterns", d=16, length=8, vocab=5, min_hamming=2, prefix=4)
    assert len(data.train) == 16 and data.vocab_size == 8 and data.train[0][0] == 1
    cfg = PRESETS["cpu"].train_config(64, 16)
    assert cfg.task_args["d"] == 64 and cfg.model_args["model_dim"] == 16
    with pytest.raises(ValueError, match="'device'"):
        PRESETS["cpu"].runs(device="cuda")


def test_power_law_fit_recovers_the_exponent():
    x = np.array([8.0, 16, 32, 64, 128])
    fit = power_law_fit(x, 3 * x**1.5 * np.exp(np.random.default_rng(1).normal(0, 0.01, 5)))
    assert fit["k"] == pytest.approx(1.5, abs=0.02)
    assert fit["low"] <= 1.5 <= fit["high"]
    with pytest.raises(ValueError, match="> 0"):
        power_law_fit([1.0, -2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="equal length"):
        power_law_fit([1.0, 2.0], [1.0])


def test_run_and_score_gives_a_loss_and_a_recall(tmp_path, monkeypatch):
    import dataclasses

    from assocmem.experiments.memorization import PRESETS, run_and_score

    monkeypatch.setenv("ASSOCMEM_RUNS_DIR", str(tmp_path))
    short = dataclasses.replace(PRESETS["cpu"], steps=50)
    outcome = run_and_score(8, 8, short)
    assert isinstance(outcome.final_loss, float) and outcome.final_loss > outcome.floor
    assert 0 <= outcome.recall <= 1 and isinstance(outcome.memorized, bool)


@pytest.mark.parametrize("start, threshold", [(0, 3), (2, 3), (3, 1), (0, 0), (1, 9)])
def test_the_walk_trained_side_by_side_visits_the_same_widths(monkeypatch, start, threshold):
    from assocmem.experiments import memorization as mem

    widths = [8, 12, 16, 24, 32]
    ahead = []
    monkeypatch.setattr(mem, "run_and_score", lambda d, w, **k: mem.Outcome(
        d, w, 0, w * 100, 0.0, 0.0, 0.0, 1.0, widths.index(w) >= threshold,
        widths.index(w) >= threshold, False, 600, False))
    monkeypatch.setattr(mem, "cached_train_many", lambda cfgs, **k: ahead.append(
        [c.model_args["model_dim"] for c in cfgs]))
    alone = mem.smallest_memorizing(16, widths, start=start, preset=PRESETS["cpu"])
    assert ahead == []  # one worker: nothing trained ahead
    paired = mem.smallest_memorizing(16, widths, start=start, preset=PRESETS["cpu"], workers=2)
    assert paired == alone
    assert alone[0] == (threshold if threshold < len(widths) else None)
    visited = {o.width for o in alone[1]}
    assert visited <= {w for pair in ahead for w in pair}  # each was trained ahead
    assert all(len(pair) <= 2 for pair in ahead)
    with pytest.raises(ValueError, match="'workers'"):
        mem.smallest_memorizing(16, widths, preset=PRESETS["cpu"], workers=0)


def test_the_search_archives_each_run_with_its_score_and_reads_it_back(tmp_path, monkeypatch):
    import dataclasses
    import json
    import shutil

    from assocmem.experiments.memorization import search
    from assocmem.training.store import CorruptRun

    monkeypatch.setenv("ASSOCMEM_RUNS_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ASSOCMEM_RUN_ARCHIVE", str(tmp_path / "archive"))
    small = dataclasses.replace(PRESETS["cpu-long"], d_values=(4, 8), widths=(8, 12),
                                steps=100, patience=50, seeds=(0,))
    first = search(small, archive_runs=True)
    assert {key[0] for key in first["found"]} == {"memorized", "saturated"}
    kept = sorted((tmp_path / "archive").iterdir())
    assert kept and all((k / "score.json").exists() for k in kept)
    for o in first["tried"]:  # a run stopped by its cap is censored, by its criterion not
        assert o.censored == (o.steps == small.steps) and o.best_loss <= o.final_loss + 1e-9
    shutil.rmtree(tmp_path / "cache")  # from the archive alone: nothing retrained, same answers
    again = search(small)
    assert again["found"] == first["found"] and all(o.archived for o in again["tried"])
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").glob("*/*.pt"))
    assert [o.recall for o in again["tried"]] == [o.recall for o in first["tried"]]
    score = kept[0] / "score.json"  # a tampered score is an error naming the run
    score.write_text(json.dumps({**json.loads(score.read_text()), "recall": 1.0}))
    with pytest.raises(CorruptRun, match="score.json"):
        search(small)


def test_the_bracketed_fit_carries_seeds_and_the_ladder_and_can_exclude():
    from assocmem.experiments.fits import bracketed_power_law_fit

    rng = np.random.default_rng(2)
    d = np.repeat([16.0, 32, 64, 128, 256, 512, 1024, 2048], 3)
    seeds = np.tile([0, 1, 2], 8)
    n = 40 * d * np.exp(rng.normal(0, 0.05, len(d)))  # k = 1: linear capacity
    fine = bracketed_power_law_fit(d, n / 1.1, n, seeds, n_boot=400, rng=rng)
    assert fine["low"] <= 1 <= fine["high"] and fine["high"] < 2  # excludes Prop. 5's 2
    coarse = bracketed_power_law_fit(d, n / 4, n, seeds, n_boot=400, rng=rng)
    assert coarse["high"] - coarse["low"] > fine["high"] - fine["low"]  # the ladder counts
    quadratic = bracketed_power_law_fit(d, d**2 / 1.1, d**2, seeds, n_boot=400, rng=rng)
    assert quadratic["low"] <= 2 <= quadratic["high"] and quadratic["low"] > 1
    with pytest.raises(ValueError, match="'high' >= 'low'"):
        bracketed_power_law_fit(d, n, n / 2, seeds)
    with pytest.raises(ValueError, match="equal length"):
        bracketed_power_law_fit(d, n, n, seeds[:3])


def test_the_walks_replayed_on_the_archive_train_nothing_and_name_what_is_missing(
        tmp_path, monkeypatch):
    import dataclasses
    import shutil

    from assocmem.experiments.memorization import search, thresholds

    monkeypatch.setenv("ASSOCMEM_RUNS_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ASSOCMEM_RUN_ARCHIVE", str(tmp_path / "archive"))
    small = dataclasses.replace(PRESETS["cpu-long"], d_values=(4, 8), widths=(8, 12),
                                steps=100, patience=50, seeds=(0,))
    with pytest.raises(ValueError, match="exclude each other"):
        search(small, archive_runs=True, archived_only=True)
    with pytest.raises(ValueError, match="'criteria'"):
        search(small, archived_only=True, criteria=("memorised",))
    empty = search(small, archived_only=True)  # nothing archived: nothing trains
    assert empty["found"] == {} and not (tmp_path / "cache").exists()
    assert set(empty["missing"]) == {("memorized", 0, 4), ("saturated", 0, 4)}
    first = search(small, archive_runs=True)
    shutil.rmtree(tmp_path / "cache")
    again = search(small, archived_only=True)
    assert again["found"] == first["found"] and again["missing"] == []
    assert thresholds(again, small.widths) == thresholds(first, small.widths)
    for t in thresholds(again, small.widths):  # a bracket is (failing rung, passing rung]
        assert t.n_below < t.n_star and t.bracketed == (t.n_below > 0 and not t.below_censored)
    victim = sorted((tmp_path / "archive").iterdir())[-1]  # one run gone: named, not trained
    shutil.rmtree(victim)
    partial = search(small, archived_only=True)
    assert partial["missing"] and not (tmp_path / "cache").exists()
    one = search(small, archived_only=True, criteria=("saturated",))  # one criterion's walks
    assert {key[0] for key in one["found"]} <= {"saturated"}


def test_the_threshold_exponent_shows_a_range_that_no_single_power_law_fits():
    from assocmem.experiments.memorization import Threshold, threshold_exponent

    d_values = [8, 16, 32, 64, 128, 256, 512]

    def rows(n_of):
        return [Threshold("saturated", s, d, int(n_of(d) * (1 + 0.05 * s)),
                          int(n_of(d) * (1 + 0.05 * s) / 1.2), False)
                for s in (0, 1, 2) for d in d_values]

    line = threshold_exponent(rows(lambda d: 100 * d), "saturated", n_boot=300)
    lo, up = line["halves"]["lower"], line["halves"]["upper"]
    assert line["low"] <= 1 <= line["high"] and line["seeds"] == [0, 1, 2]
    assert lo["d"] == [8, 16, 32, 64] and up["d"] == [64, 128, 256, 512]
    assert lo["low"] <= up["high"] and up["low"] <= lo["high"]  # one exponent: they overlap
    kink = threshold_exponent(rows(lambda d: 100 * d**0.5 if d <= 64 else 800 * (d / 64)**2),
                              "saturated", n_boot=300)
    assert kink["halves"]["lower"]["high"] < kink["halves"]["upper"]["low"]  # two: they do not
    assert threshold_exponent(rows(lambda d: 100 * d), "memorized") is None  # none bracketed
    with pytest.raises(ValueError, match="'criterion'"):
        threshold_exponent([], "memorised")


def test_prop_5s_balance_verdict_in_each_outcome():
    from assocmem.experiments.memorization import balance_verdict

    d = [8, 16, 32, 64, 128, 256]  # 1.5 decades
    two = {"k": 2.0, "low": 1.7, "high": 2.3}
    assert balance_verdict(two, d, 3) == {"reproduced": True, "holds_two": True,
                                          "holds_one": False, "shortfalls": [],
                                          "decisive": True}
    one = balance_verdict({"k": 1.0, "low": 0.8, "high": 1.2}, d, 3)
    assert not one["reproduced"] and one["decisive"]  # not reproduced: 2 excluded
    both = balance_verdict({"k": 1.5, "low": 0.7, "high": 2.4}, d, 3)
    assert both["reproduced"] is False and not both["decisive"]  # inconclusive
    short = balance_verdict(two, d[:4], 1, censored=[8])
    assert not short["decisive"] and short["shortfalls"] == [
        "1 seed", "d = [8] censored at the smallest width", "bracketed d over 0.9 decades"]
    halves = {"lower": {"k": 1.0, "low": 0.9, "high": 1.1, "d": [8, 32]},
              "upper": {"k": 2.0, "low": 1.9, "high": 2.1, "d": [32, 256]}}
    split = balance_verdict({**two, "halves": halves}, d, 3)
    assert not split["decisive"] and split["shortfalls"][0].startswith("no single exponent")
    overlapping = {**halves, "upper": {**halves["upper"], "low": 1.05}}
    assert balance_verdict({**two, "halves": overlapping}, d, 3)["decisive"]
    with pytest.raises(ValueError, match="'d'"):
        balance_verdict(two, [8], 3)


def test_prop_4s_floor_verdict_takes_the_lowest_memorizing_run():
    from types import SimpleNamespace

    from assocmem.experiments.memorization import floor_verdict

    runs = [SimpleNamespace(final_loss=x) for x in (1.3, 0.4, 2.0)]
    verdict = floor_verdict(runs)
    assert verdict["reproduced"] is False and verdict["lowest"].final_loss == 0.4
    assert floor_verdict(runs[::2])["reproduced"] is True
    assert floor_verdict([SimpleNamespace(final_loss=1.0)])["reproduced"] is True  # the bound
    with pytest.raises(ValueError, match="'memorized'"):
        floor_verdict([])
