"""Chapter 09's computations: a run's plateau, and the table of archived runs against the floor."""

import numpy as np
import pytest

from assocmem.experiments.question_formation import PRESETS, archived_plateaus, plateau


def test_the_plateau_is_the_mean_of_the_last_tenth_of_the_logged_losses():
    rows = [{"step": s, "train_loss": 3.0 if s <= 90 else 1.0 + 0.01 * (s % 2)}
            for s in range(10, 101, 2)]
    level = plateau(rows)
    last = [r["train_loss"] for r in rows if r["step"] > 90]
    assert level["mean"] == pytest.approx(np.mean(last)) and level["rows"] == len(last)
    assert level["se"] == pytest.approx(np.std(last) / np.sqrt(len(last)))
    assert plateau(rows, tail=1.0)["mean"] > 2  # the descent counts when the tail is the run
    with pytest.raises(ValueError, match="'tail'"):
        plateau(rows, tail=0)
    with pytest.raises(ValueError, match="'rows'"):
        plateau([])


def test_archived_runs_are_tabled_against_the_floor(tmp_path, monkeypatch):
    """A short criterion-trained run (it keeps its validation rows) of the tiny preset."""
    import dataclasses

    from assocmem.training.runs import cached_train
    from assocmem.training.store import run_record

    monkeypatch.setenv("ASSOCMEM_RUNS_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ASSOCMEM_RUN_ARCHIVE", str(tmp_path / "archive"))
    cfg = dataclasses.replace(PRESETS["tiny"].train_config(2), steps=20, eval_every=5,
                              patience=10, eval_batches=0)
    run = cached_train(cfg, progress=False)
    (row,) = archived_plateaus({(2, 0): run}, floor=0.5)
    record = run_record(run)
    assert (row["depth"], row["seed"], row["stopped at"]) == (2, 0, record["last_step"])
    assert row["best val - floor"] == pytest.approx(record["best_val"] - 0.5)
    assert row["val se"] > 0
    assert row["(best val - floor) / se"] == pytest.approx(row["best val - floor"] / row["val se"])


def test_the_plateau_verdict_in_each_outcome():
    from assocmem.experiments.question_formation import plateau_verdict

    assert plateau_verdict([0.95, 1.08]) == {"reproduced": True, "decisive": False}
    assert plateau_verdict([0.95, 1.08], matched_design=True) == {"reproduced": True,
                                                                  "decisive": True}
    assert plateau_verdict([0.95, 1.2], matched_design=True)["reproduced"] is False
    assert plateau_verdict([0.89])["reproduced"] is False  # just outside "about 1"
    with pytest.raises(ValueError, match="'plateaus'"):
        plateau_verdict([])
    with pytest.raises(ValueError, match="finite"):
        plateau_verdict([float("nan")])


def test_design_rows_show_the_three_differences():
    from assocmem.data import question_formation as qf
    from assocmem.experiments.question_formation import design_rows

    rng = np.random.default_rng(0)
    rows = design_rows({d: qf.generate(600, rng, design=d) for d in ("uniform", "mccoy")})
    assert [r["examples"] for r in rows] == ["uniform", "mccoy"]
    uniform, mccoy = rows
    assert uniform["RC questions"] > 0 and mccoy["RC questions"] == 0
    assert mccoy["decl share"] > uniform["decl share"]
    assert all(mccoy[f"{t} tokens"] > uniform[f"{t} tokens"] for t in qf.SUBJECT_TYPES)
    assert sum(uniform[f"{t} share"] for t in qf.SUBJECT_TYPES) == pytest.approx(1)
    with pytest.raises(ValueError, match="'sources'"):
        design_rows({})
    with pytest.raises(ValueError, match="no examples"):
        design_rows({"none": []})


def test_design_floors_with_and_without_pairs():
    from assocmem.data import question_formation as qf
    from assocmem.experiments.question_formation import design_floors

    alone = {r["design"]: r for r in design_floors()}
    assert set(alone) == set(qf.DESIGNS)
    assert alone["mccoy"]["floor (nats/token)"] == qf.entropy_rate(design="mccoy")[
        "nats per token"]
    assert np.isnan(alone["uniform"]["test nats/token"])
    examples = qf.generate(300, np.random.default_rng(1), design="mccoy")
    scored = {r["design"]: r for r in design_floors(examples)}
    assert scored["mccoy"]["test nats/token"] < scored["uniform"]["test nats/token"]
    assert scored["mccoy"]["test - floor"] == pytest.approx(
        scored["mccoy"]["test nats/token"] - scored["mccoy"]["floor (nats/token)"])
    assert scored["mccoy"]["test nats/example"] > 0
    with pytest.raises(ValueError, match="'pairs'"):
        design_floors([])
