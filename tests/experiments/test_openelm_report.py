"""Chapter 10's reading of Section 6.3 (assocmem.experiments.openelm_report)."""

import json
from types import SimpleNamespace as NS

import numpy as np
import pytest

from assocmem.experiments import openelm_report as report
from assocmem.experiments.openelm_scaling import PRESETS, DStar

MODELS = {"Model 1": None, "Model 2": None, "Model 3": None}
SPEC = NS(name="cpu", models=MODELS, sizes=(100, 200, 400), window=50)
N = {"Model 1": 1_000, "Model 2": 4_000, "Model 3": 16_000}


def crit(mse, cut=False, censored=False, val_min=5.0, step_min=10, train_var=0.01):
    return NS(mse=mse, window_cut=cut, censored=censored, val_min=val_min,
              step_min=step_min, train_var=train_var)


def live_crit(table):
    """{(model, D): Criterion} from {model: [MSE at each size]}."""
    return {(m, d): crit(v) for m, row in table.items() for d, v in zip(SPEC.sizes, row,
                                                                         strict=True)}


def test_chapter_parameters_checks_each_parameter():
    p = report.chapter_parameters("cpu", "gpu", "cpu", 0.04, 2, 0, 4000, "")
    assert p["live_preset"] is PRESETS["cpu"] and p["archived_preset"] is PRESETS["gpu"]
    assert p["workers"] == 2
    with pytest.raises(ValueError, match="'archived'"):
        report.chapter_parameters("cpu", "paper", "cpu", 0.04, 2, 0, 4000, "")
    with pytest.raises(ValueError, match="'sigma2'"):
        report.chapter_parameters("cpu", "gpu", "cpu", 0.0, 2, 0, 4000, "")
    with pytest.raises(ValueError, match="'corpus_path'"):
        report.chapter_parameters("cpu", "gpu", "cpu", 0.04, 2, 0, 4000, None)


def test_the_papers_numbers():
    table = report.paper_table3()
    assert list(table["D*"]) == ["214.18M", "261.78M", "309.37M"] and table.shape == (3, 10)
    k = report.paper_exponent_range()
    assert (round(k["k"], 2), round(k["low"], 2), round(k["high"], 2)) == (0.53, 0.26, 0.80)
    assert "= 1.95 GPT-2 tokens per word" in report.words_to_tokens_reason()
    lines = report.paper_d_star_readings().splitlines()
    assert "Model 1 none, Model 2 261.78M" in lines[0] and "Model 1 214.18M" in lines[1]
    assert report.paper_ratio_spread() == pytest.approx(8.79 / 8.38, abs=1e-3)


def test_random_validation_statement_holds_within_the_random_range():
    shifts = {"documents": 13, "shift": {"tail": 0.05, "random": np.array([0.04, 0.06])}}
    s = report.random_validation_statement(shifts)
    assert s["holds"] and not s["corrected_holds"] and "tail 0.05 bits" in s["evidence"]
    shifts["shift"]["tail"] = 0.2
    s = report.random_validation_statement(shifts)
    assert not s["holds"] and s["corrected_holds"] and s["counterexample"].startswith("13 books")


def test_live_table_exponent_and_summary():
    c = live_crit({"Model 1": [0.5, 0.03, 0.01], "Model 2": [0.5, 0.2, 0.03],
                   "Model 3": [0.5, 0.2, 0.1]})
    c["Model 1", 200].window_cut = True
    dstar, table = report.live_table3(SPEC, c, N, 0.04)
    assert dstar == {"Model 1": 200, "Model 2": 400, "Model 3": None}
    assert table.loc["Model 1 (N = 1,000)", "D = 200"] == "0.030*"
    assert list(table["N/D*^2"]) == ["0.025", "0.025", "-"]
    exponent = report.live_exponent(SPEC, N, dstar, 0.04, n_boot=100, seed=0)
    assert exponent["fit"]["k"] == pytest.approx(0.5) and exponent["spread"] == pytest.approx(1)
    live = report.live_summary(SPEC, N, dstar, c, exponent)
    assert live["decisive"] and live["source"] == "cpu preset (live)"
    assert live["exponent"].startswith("D* ~ N^0.50") and "over 2 models" in live["exponent"]
    same = report.live_exponent(SPEC, N, {"Model 1": 400, "Model 2": 400, "Model 3": None},
                                0.04, 100, 0)
    assert same["fit"]["resamples"] == 0 and "the same D* (400)" in same["text"]
    none = report.live_exponent(SPEC, N, {m: None for m in MODELS}, 0.04, 100, 0)
    assert none["fit"] is None and "0 of 3 models" in none["text"]


def test_live_threshold_sweep_orders_the_models():
    c = live_crit({"Model 1": [0.5, 0.03, 0.01], "Model 2": [0.6, 0.02, 0.03],
                   "Model 3": [0.7, 0.2, 0.1]})
    text = report.live_threshold_sweep(SPEC, c, N)
    assert "sigma^2 = 1.0 : D* = 100, 100, 100  (D* ~ N^0.00)" in text
    assert text.endswith("MSE increases with N at 2 of 3 data sizes: 100, 400")


def grid(seeds=(0, 1)):
    sizes = (100, 200)
    models = {"Model 1": None, "Model 2": None}
    c = {(m, d, s): crit(0.1 / (d / 100) ** (1 + i), censored=(m, d) == ("Model 2", 100),
                         val_min=5 + 0.1 * s, step_min=100 * (s + 1))
         for s in seeds for i, m in enumerate(models) for d in sizes}
    rec = {k: {"steps": 3000 + 500 * (k[1] == 200), "censored": False, "finished": "2026-12-01",
               "device": "cpu", "torch": "2", "commit": "abc", "wall_s": 3600.0,
               "tokens_per_s": 1000.0, "last_step": 3100} for k in c}
    fit = {"k": None, "k_range": (0.2, 0.4), "low": 0.1, "high": 0.5, "resamples": 10,
           "unusable": 2, "d_star": {"Model 1": DStar(200, 150.0, "measured", 150.0, 150.0),
                                     "Model 2": DStar(None, None, "above the grid")}}
    return NS(preset=NS(name="cpu-long", models=models, sizes=sizes, steps=3000,
                        extend_cap=10000),
              seeds=list(seeds), crit=c, n_params={"Model 1": 10, "Model 2": 40},
              records=rec, archived=8, total=8, fit=fit, sweep={0.04: fit})


def test_grid_tables_overview_and_sweep():
    g = grid()
    mse, steps = report.grid_tables(g)
    assert mse.loc["Model 2 (N = 40)", "100"] == "0.100*"
    assert mse.loc["Model 1 (N = 10)", "200"] == "0.050"
    assert steps.loc["Model 1 (N = 10)", "100"] == "150"
    overview = report.grid_overview(g)
    assert "8 of 8 runs of the cpu-long grid" in overview and "4 of them reached 3,000" in overview
    assert "8.0 hours of one thread, 1,000 tokens/s" in overview
    assert report.grid_sweep(g) == ("sigma^2 = 0.04 : k = 0.20 to 0.40 (a D* is bracketed), "
                                    "interval [0.10, 0.50], D* = 150, above the grid")
    assert report.grid_tables(grid(seeds=()))[0].empty


def test_grid_exponent_and_extrapolation():
    g = grid()
    text = report.grid_exponent(g)
    assert text.startswith("Model 1: D* = 150 (grid: 200)\nModel 2: D* = above the grid")
    assert "k = 0.20 to 0.40" in text and "N/D*^2" not in text  # one measured D* only
    g.fit = None
    assert "fewer than two complete seeds" in report.grid_exponent(g)
    assert report.k_text({"k": None, "k_range": None}) == "none"
    lines = report.grid_extrapolation(grid(), 0.04).splitlines()
    assert lines[0].startswith("Model 1: MSE = sigma^2, extrapolated:")
    assert len(lines) == 2


def test_gpu_estimate_needs_every_model(tmp_path):
    assert "no GPU measurement for ['Model 1', 'Model 2', 'Model 3']" in report.gpu_estimate(
        tmp_path)
    for file in report.GPU_CHECKS.values():
        (tmp_path / file).write_text(json.dumps(
            {"tokens_per_s": 3e5, "device": "H100", "when": "today", "batch": 12,
             "context": 1024}))
    text = report.gpu_estimate(tmp_path)
    assert "Model 1: 300,000 tokens/s measured on H100" in text
    assert "Table 3's grid:" in text and "GPU-hours per run" in text


def test_model_sizes_and_gpu_runs():
    n, text = report.model_sizes(PRESETS["cpu"], 1024)
    assert n["Model 1"] == 7_040 and "(the paper's Model 1: 39.95M)" in text
    assert "(paper: 39.95M)" in report.model_sizes(PRESETS["paper"], 50_257)[1]
    assert report.gpu_runs(grid()) == ("cpu-long runs: cpu, torch 2; median 1,000 tokens/s per "
                                       "run, 14 runs side by side")


def test_grid_noise_and_retrained_runs(monkeypatch):
    g = grid()
    monkeypatch.setattr("assocmem.training.store.val_rows", lambda d: d)
    monkeypatch.setattr(report, "evaluation_noise", lambda rows: {
        "se": rows, "halves_gap": 2 * rows, "sequences": 10, "tokens": 640})
    dirs = {k: 0.01 * i for i, k in enumerate(g.crit)}
    text = report.grid_noise(g, dirs, 0.04).splitlines()
    assert text[0] == ("evaluation: 10 windows, 640 tokens; standard error 0.0350 nats (median "
                       "over runs), halves differ by 0.0700")
    assert text[2] == ("seed spread of the minimal validation loss per cell: median 0.1000 nats, "
                       "max 0.1000")
    g.records["Model 1", 200, 0]["extends"] = "capped"  # continued from its checkpoint
    monkeypatch.setattr("assocmem.training.store.find", lambda cfg, cache: "capped")
    monkeypatch.setattr("assocmem.training.store.read_metrics", lambda d: d)
    monkeypatch.setattr("assocmem.training.runs.first_divergence", lambda a, b: 7)
    monkeypatch.setattr("assocmem.training.store.run_record", lambda d: {"last_step": 3000})
    g.preset.run_config = lambda m, d, corpus, seed: (m, d, seed)
    lines = report.retrained_runs(g, dirs, {}).splitlines()
    assert lines[0] == ("1 continued from the capped run's checkpoint, 3 retrained from their "
                        "first step")
    assert lines[1] == ("Model 2, D = 200, seed 0: training losses part by > 1e-3 at step 7; the "
                        "capped run reached 3,000 steps still improving, the retrained one "
                        "stopped by criterion at 3,100")
