"""Chapter 09's steps as package functions: the parameters, the lengths against T_max, the data
Sec. 6.2 describes, the design sources, the live plateaus, the pairs scored, the archive grid and
the plateau verdict's evidence (each the cell it replaced, on small inputs)."""

import matplotlib
import numpy as np
import pytest

from assocmem.data import question_formation as qf
from assocmem.experiments import question_formation as exp

matplotlib.use("Agg")


def _write_mccoy(folder, n=40, seed=3):
    """McCoy-format dev and test files of ``n`` generated examples each."""
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(seed)
    for split in ("dev", "test"):
        lines = []
        for ex in qf.generate(n, rng):
            cut = ex.index("decl") if "decl" in ex else ex.index("quest")
            lines.append(" ".join(ex[: cut + 1]) + "\t" + " ".join(ex[cut + 1:]))
        (folder / f"question.{split}").write_text("\n".join(lines) + "\n")
    return folder


def test_checked_parameters_pass_good_values_and_name_bad_ones():
    spec, long, device, depths, seed, n_eval = exp.checked_parameters(
        "cpu", "cpu-long", "cpu", [10], 2, 0)
    assert (spec.name, long.name, device, depths, seed, n_eval) == (
        "cpu", "cpu-long", "cpu", [10], 2, 0)
    with pytest.raises(ValueError, match="'preset'"):
        exp.checked_parameters("huge", "", "cpu", [6], 0, 0)
    with pytest.raises(ValueError, match="'depths'"):
        exp.checked_parameters("cpu", "", "cpu", 6, 0, 0)
    with pytest.raises(ValueError, match="'depths'"):
        exp.checked_parameters("cpu", "", "cpu", [7], 0, 0)
    with pytest.raises(ValueError, match="'seed'"):
        exp.checked_parameters("cpu", "", "cpu", [6], -1, 0)


def test_the_entropy_summary_adds_up_to_the_floor():
    rate = qf.entropy_rate(p_quest=0.5)
    line = exp.entropy_summary(rate)
    assert f"{rate['nats per token']:.4f} nats/token" in line
    assert rate["nats per token"] == pytest.approx(
        (rate["sentence entropy"] + rate["marker entropy"]) / rate["expected tokens"])
    assert "0.6931 nats" in line  # a fair coin's marker


def test_example_lengths_and_t_max(tmp_path):
    alone = exp.example_lengths()
    assert alone["bound"] == alone["longest"] + 2 and alone["longest real"] is None
    real = _write_mccoy(tmp_path / "qf")
    lengths = exp.example_lengths(real)
    assert 0 < lengths["longest real"] <= lengths["longest"]
    text = exp.t_max_summary(lengths, 21.3)
    assert f"is {5000 / lengths['bound']:.0f} times" in text
    assert f"{lengths['bound'] * 512:,}" in text and "mean 21.3" in text


def test_data_sample_generated_and_from_files(tmp_path):
    sample = exp.data_sample(None, seed=0, tested=50)
    assert len(sample["examples"]) == 5000 and sample["tested"] == 50
    assert sample["parsed"] == 50  # the grammar derives its own sentences
    again = exp.data_sample(None, seed=0, tested=50)
    assert again["examples"] == sample["examples"]  # default_rng(seed), as the cell drew
    assert sample["implied D"] == pytest.approx(100_000 * sample["described"]["mean tokens"])
    assert 0.4 < sample["quest share"] < 0.6
    real = _write_mccoy(tmp_path / "qf", n=30)
    files = exp.data_sample(real, seed=0)
    assert files["source"] == "McCoy et al.'s dev and test files"
    assert len(files["examples"]) == 60 and files["tested"] == 60 == files["parsed"]
    assert "60 examples" in exp.data_summary(files)


def test_design_sources_put_the_files_first(tmp_path):
    alone = exp.design_sources(None, seed=1, n=50)
    assert list(alone) == [f"{d} sampler" for d in qf.DESIGNS]
    assert alone["uniform sampler"] == qf.generate(50, np.random.default_rng(1))
    real = _write_mccoy(tmp_path / "qf", n=20)
    both = exp.design_sources(real, seed=1, n=50)
    assert list(both)[:2] == ["McCoy dev", "McCoy test"] and len(both["McCoy test"]) == 20


def test_the_matched_design_prefers_transitive_main_verbs():
    assert exp.transitive_share("uniform") == pytest.approx(0.5)
    assert exp.transitive_share("mccoy") > 0.8
    assert 0 < exp.transitive_share("mccoy", "VP_M_P") < 1


def test_live_plateaus_read_the_tail_and_the_last_validation():
    rows = [{"step": s, "train_loss": 1.2} for s in range(10, 101, 10)]
    rows[4]["val_loss"], rows[-1]["val_loss"] = 2.0, 1.3
    (row,) = exp.live_plateaus({6: rows}, floor=1.0)
    assert row["depth"] == 6 and row["final val"] == 1.3
    assert row["plateau"] == pytest.approx(1.2) and row["plateau - floor"] == pytest.approx(0.2)


def test_accuracy_pairs_generated_and_from_files(tmp_path):
    pairs, name = exp.accuracy_pairs(None, n_eval=0, seed=0)
    assert len(pairs) == 500 and "generated" in name
    assert all(source.split()[-1] in qf.MARKERS for source, _ in pairs)
    first, _ = exp.accuracy_pairs(None, n_eval=20, seed=0)
    assert first == pairs[:20]
    ex = qf.generate(1, np.random.default_rng(99))[0]  # seed + 99
    assert pairs[0][1] == " ".join(ex[len(pairs[0][0].split()):])
    real = _write_mccoy(tmp_path / "qf", n=30)
    test, name = exp.accuracy_pairs(real, n_eval=10, seed=0)
    assert name == "McCoy et al.'s question.test" and test == qf.load_mccoy(
        real / "question.test")[:10]


def test_an_empty_archive_holds_no_run(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSOCMEM_RUN_ARCHIVE", str(tmp_path / "archive"))
    cfgs, runs = exp.archived_grid(exp.PRESETS["cpu-long"])
    assert set(cfgs) == {(d, s) for d in (6, 10) for s in (0, 1, 2)} and runs == {}
    assert cfgs[10, 2].seed == 2


def _rows(plateaus, censored=False):
    return [{"depth": d, "seed": s, "stopped at": 1000 + 100 * s, "censored": censored,
             "plateau (train)": p, "plateau - floor": p - 0.99, "best val": p + 0.01,
             "val se": 0.003, "best val - floor": p + 0.01 - 0.99}
            for (d, s), p in plateaus.items()]


def test_plateau_evidence_uses_the_archive_only_when_complete():
    long = exp.PRESETS["cpu-long"]
    live = {6: (1.113, 0.027), 10: (1.103, 0.024)}
    full = _rows({(d, s): 1.0 + 0.001 * s for d in (6, 10) for s in (0, 1, 2)})
    verdict, source, complete = exp.plateau_evidence(full, 6, long, live, "cpu")
    assert complete and verdict["reproduced"] and not verdict["decisive"]
    assert source.startswith("archived cpu-long runs (6: 2 depths x 3 seeds")
    assert "stopped at steps 1,000-1,200" in source and "6 layers 1.000-1.002" in source
    assert source.endswith("Live cpu preset beside it: 6 layers 1.113 +- 0.027; "
                           "10 layers 1.103 +- 0.024")
    verdict, source, complete = exp.plateau_evidence(full[:5], 6, long, live, "cpu")
    assert not complete and not verdict["reproduced"]  # the live plateaus are 0.1 above 1
    assert source.startswith("live cpu preset (the archived cpu-long runs are incomplete)")
    censored = _rows({(6, 0): 1.0}, censored=True)
    assert exp.plateau_evidence(censored, 1, long, live, "cpu")[2] is False


def test_the_chapter_figures_draw_every_run():
    from assocmem.book import plots

    rows = [{"step": s, "train_loss": 2.0 - s / 100} for s in range(0, 100, 5)]
    rows[10]["val_loss"] = 1.5
    fig = plots.depth_losses({6: rows, 10: rows}, floor=0.99)
    assert len(fig.axes[0].lines) >= 4  # two depths, L = 1 and the floor
    fig = plots.seed_losses({(6, 0): rows, (6, 1): rows, (10, 0): rows}, 0.99, title="t")
    curves = [line for line in fig.axes[0].lines if len(line.get_xdata()) > 2]
    assert len(curves) == 3  # one per run
    assert all(len(c.get_xdata()) == len(rows) - 9 for c in curves)  # the 10-row mean
