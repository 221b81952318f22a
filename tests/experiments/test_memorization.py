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
