"""Section 6.3's experiment: presets, Table 3's criterion, D*, GPU-hours."""

import numpy as np
import pytest

from assocmem.data import text
from assocmem.experiments.openelm_scaling import PRESETS, d_star, paper_gpu_hours, plateau_mse
from assocmem.quotations import PAPER_OPENELM, PAPER_SIZES
from assocmem.training.loop import build_model


def rows(train, val_every, val):
    out = [{"step": s + 1, "train_loss": t} for s, t in enumerate(train)]
    for i, v in enumerate(val):
        out[(i + 1) * val_every - 1]["val_loss"] = v
    return out


def test_plateau_mse_by_hand():
    train = [5.0] * 10 + [3.0, 2.0, 1.0] + [0.5] * 7
    metrics = rows(train, 5, [4.0, 2.5, 2.9, 3.2])  # minimum 2.5 at step 10
    c = plateau_mse(metrics, 3)
    assert (c.step_min, c.val_min, c.window, c.window_cut) == (10, 2.5, [10, 11, 12], False)
    assert c.mse == pytest.approx(((5 - 2.5) ** 2 + 0.5**2 + 0.5**2) / 3)
    late = plateau_mse(rows(train, 5, [4.0, 3.0, 2.9, 1.0]), 3)  # minimum at the last step
    assert late.window_cut and late.window == [18, 19, 20]
    assert late.mse == pytest.approx(0.25)
    with pytest.raises(ValueError, match="window"):
        plateau_mse(metrics, 0)
    with pytest.raises(ValueError, match="validation"):
        plateau_mse([{"step": 1, "train_loss": 1.0}], 1)


def test_d_star_uses_the_strict_inequality():
    assert d_star([1, 2, 3, 4], [0.07, 0.05, 0.04, 0.02]) == 4
    assert d_star([1, 2, 3], [0.07, 0.05, 0.04], sigma2=0.041) == 3
    assert d_star([1, 2], [0.5, 0.3]) is None
    with pytest.raises(ValueError, match="differ in length"):
        d_star([1, 2], [0.1])


def test_paper_configurations_match_the_stated_sizes():
    assert len(PAPER_SIZES) == 8 and PAPER_SIZES[0] == 167_060_000
    for name, spec in PAPER_OPENELM.items():
        assert abs(PRESETS["paper"].transformer_params(name, 50257) / spec["N"] - 1) < 0.005


@pytest.mark.parametrize("preset", ["cpu", "paper"])
def test_transformer_params_equal_the_model(preset):
    name = "Model 1"
    spec = PRESETS[preset]
    cfg = spec.run_config(name, 10_000, {"corpus": "fallback", "fingerprint": "x"})
    model = build_model(cfg, vocab_size=512, max_len=spec.context)
    layers = sum(p.numel() for p in model.blocks.parameters())
    assert layers == spec.transformer_params(name, 512)
    with pytest.raises(ValueError, match="model"):
        spec.run_config("Model 9", 10_000, {"corpus": "fallback", "fingerprint": "x"})


def test_runs_record_the_text_pipeline_version():
    from assocmem.training.tasks import text as text_task

    cfg = PRESETS["cpu"].run_config("Model 1", 10_000, {"corpus": "fallback", "fingerprint": "x"})
    assert cfg.task_args["pipeline"] == text.PIPELINE_VERSION
    with pytest.raises(ValueError, match="pipeline"):
        text_task(pipeline=text.PIPELINE_VERSION - 1)


def test_paper_gpu_hours_by_hand():
    p = PRESETS["paper"]
    one_hour = p.steps * p.batch_size * p.context / 3600  # tokens/s for 1 h per run
    hours = paper_gpu_hours({"Model 1": one_hour, "Model 2": one_hour / 2, "Model 3": one_hour})
    assert hours == pytest.approx({"Model 1": 8, "Model 2": 16, "Model 3": 8, "extra seeds": 4})
    with pytest.raises(ValueError, match="every model"):
        paper_gpu_hours({"Model 1": one_hour})


def test_training_noise_recovers_a_known_variance_and_ignores_a_trend():
    from assocmem.experiments.openelm_scaling import training_noise

    rng = np.random.default_rng(0)
    assert training_noise(rng.normal(3.0, 0.1, 20_000)) == pytest.approx(0.01, rel=0.03)
    assert training_noise(np.linspace(5, 4, 1000)) < 1e-5
    with pytest.raises(ValueError, match="'losses'"):
        training_noise([1.0, 2.0])


def test_evaluation_noise_is_the_standard_error_over_sequences():
    from assocmem.experiments.openelm_scaling import difference_se, evaluation_noise

    rng = np.random.default_rng(1)
    per_token = rng.normal(4.0, 0.5, 4000)
    rows = {"loss": per_token * 64, "tokens": np.full(4000, 64)}
    noise = evaluation_noise(rows)
    assert noise["mean"] == pytest.approx(per_token.mean())
    assert noise["se"] == pytest.approx(per_token.std(ddof=1) / np.sqrt(4000), rel=1e-6)
    assert noise["halves_gap"] == pytest.approx(abs(per_token[:2000].mean()
                                                    - per_token[2000:].mean()))
    # two runs that differ by a constant on every sequence: no noise in their difference
    shifted = {"loss": rows["loss"] + 64 * 0.3, "tokens": rows["tokens"]}
    assert difference_se(shifted, rows) == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="same sequences"):
        difference_se(rows, {"loss": rows["loss"], "tokens": rows["tokens"] + 1})


def test_d_star_crossing_interpolates_and_never_reads_a_censored_run():
    from assocmem.experiments.openelm_scaling import d_star_crossing

    sizes = [1000, 2000, 4000, 8000]
    mses = [0.04 * (d / 3000) ** -2 for d in sizes]  # crosses 0.04 at D = 3000 exactly
    star = d_star_crossing(sizes, mses, [False] * 4, 0.04)
    assert (star.status, star.grid) == ("measured", 4000)
    assert star.value == pytest.approx(3000)
    # a censored run below D*'s grid size: D* is only bracketed by the measured sizes around it
    bracket = d_star_crossing(sizes, mses, [False, True, False, False], 0.04)
    assert (bracket.status, bracket.low, bracket.high, bracket.value) == \
        ("bracketed", 1000, 4000, None)
    assert str(bracket) == "1,000-4,000 (bracketed)" and str(star) == "3,000"
    assert d_star_crossing(sizes, mses, [True, False, False, False], 0.04).status == "censored"
    assert d_star_crossing(sizes, mses, [False, False, True, True], 0.04).status == "censored"
    # a censored run above D* does not matter
    assert d_star_crossing(sizes, mses, [False, False, False, True], 0.04).value == \
        pytest.approx(3000)
    assert d_star_crossing(sizes, mses, [False] * 4, 1.0).status == "below the grid"
    assert d_star_crossing(sizes, mses, [False] * 4, 1e-4).status == "above the grid"


def test_exponent_over_seeds_finds_a_planted_exponent_and_its_verdict():
    from assocmem.experiments.openelm_scaling import exponent_over_seeds, exponent_verdict

    rng = np.random.default_rng(2)
    n_params = {"a": 1e4, "b": 1e5, "c": 1e6}
    sizes = list(np.geomspace(1e3, 1e6, 16))
    mse, censored = {}, {}
    for m, n in n_params.items():
        planted = 30 * n**0.5  # D* ~ N^0.5
        for d in sizes:
            for s in range(3):
                mse[m, d, s] = 0.04 * (d / planted) ** -1.5 * np.exp(rng.normal(0, 0.05))
                censored[m, d, s] = False
    fit = exponent_over_seeds(n_params, sizes, mse, censored, range(3), 0.04, 500, rng)
    assert fit["k"] == pytest.approx(0.5, abs=0.03)
    assert fit["low"] <= 0.5 <= fit["high"] and fit["high"] - fit["low"] < 0.2
    assert exponent_verdict(fit["low"], fit["high"]) == "reproduced"
    assert exponent_verdict(-0.1, 0.6) == "inconclusive"  # holds 0.5 and 0 alike
    assert exponent_verdict(-0.2, 0.3) == "not reproduced"
    assert exponent_verdict(np.nan, np.nan) == "inconclusive"
    # a bracketed D* widens the interval to cover both of its bounds
    for d in sizes:
        if 2e4 < d < 4.5e4:  # around c's planted D* = 30,000
            for s in range(3):
                censored["c", d, s] = True
    wide = exponent_over_seeds(n_params, sizes, mse, censored, range(3), 0.04, 500, rng)
    assert wide["d_star"]["c"].status == "bracketed" and wide["k"] is None
    k_lo, k_hi = wide["k_range"]
    assert k_lo < 0.5 < k_hi and wide["low"] <= k_lo and wide["high"] >= k_hi
    # every model censored at its first size: no resample usable, no exponent
    censored = dict.fromkeys(censored, True)
    none = exponent_over_seeds(n_params, sizes, mse, censored, range(3), 0.04, 50, rng)
    assert none["k"] is None and none["unusable"] == 50


def test_extrapolated_d_star_follows_a_planted_power_law():
    from assocmem.experiments.openelm_scaling import extrapolated_d_star

    sizes = [1000, 2000, 4000, 8000, 16000]
    mses = [0.04 * (d / 50_000) ** -0.8 for d in sizes]  # reaches 0.04 at D = 50,000
    assert extrapolated_d_star(sizes, mses, [False] * 5, 0.04) == pytest.approx(50_000)
    assert extrapolated_d_star(sizes, mses, [False, False, True, True, True], 0.04) is None
    assert extrapolated_d_star(sizes, mses[::-1], [False] * 5, 0.04) is None  # rising MSE


def test_seed_means_and_pair_noise():
    from assocmem.experiments.openelm_scaling import median_pair_se, seed_means

    values = {("a", 1, 0): 1.0, ("a", 1, 1): 3.0, ("a", 2, 0): 5.0, ("a", 2, 1): 7.0}
    censored = dict.fromkeys(values, False) | {("a", 2, 1): True}
    means, cens = seed_means(values, censored, [0, 1])
    assert means == {("a", 1): 2.0, ("a", 2): 6.0} and cens == {("a", 1): False, ("a", 2): True}
    means, cens = seed_means(values, censored, [0, 0])  # a bootstrap draw repeats a seed
    assert means[("a", 2)] == 5.0 and not cens[("a", 2)]
    rng = np.random.default_rng(3)
    base = rng.normal(4, 0.5, 400) * 64
    runs = [{"loss": base + 64 * shift, "tokens": np.full(400, 64)} for shift in (0, .1, .2)]
    assert median_pair_se(runs) == pytest.approx(0.0, abs=1e-9)  # constant shifts: no noise
    runs[2] = {"loss": base + rng.normal(0, 64, 400), "tokens": np.full(400, 64)}
    assert median_pair_se(runs) > 0.02
    with pytest.raises(ValueError, match="at least 2 runs"):
        median_pair_se(runs[:1])


def _grid(preset_name, low, high, censored_models=()):
    """A GridEvidence whose fit has the interval [low, high] (synthetic: no runs read)."""
    from assocmem.experiments.openelm_scaling import Criterion, DStar, GridEvidence

    preset = PRESETS[preset_name]
    star = {m: DStar(None, None, "censored") if m in censored_models
            else DStar(1000, 1000.0, "measured", 1000.0, 1000.0) for m in preset.models}
    crit = {(m, d, s): Criterion(1, 3.0, 0.01, [1], False, m in censored_models)
            for m in preset.models for d in preset.sizes for s in (0, 1)}
    fit = {"low": low, "high": high, "d_star": star, "k": (low + high) / 2, "k_range": None}
    from assocmem.experiments.openelm_scaling import vocabulary

    n_params = {m: preset.transformer_params(m, vocabulary(preset)) for m in preset.models}
    return GridEvidence(preset, len(crit), len(crit), [0, 1], n_params, crit, {},
                        fit, {0.04: fit, 0.08: {**fit, "low": low - 0.3}}, 0.04)


@pytest.mark.parametrize("preset, low, high, reproduced, decisive", [
    ("paper", 0.4, 0.6, True, True),  # holds 1/2, excludes 0 and 1
    ("paper", 0.1, 0.3, False, True),  # excludes 1/2
    ("paper", -0.1, 0.7, False, False),  # holds 1/2 and 0: inconclusive
    ("gpu", 0.4, 0.6, True, False),  # below the paper's scale: never decisive
    ("cpu-long", 0.1, 0.3, False, False),
])
def test_table3_verdict_decides_only_at_the_papers_scale(preset, low, high, reproduced,
                                                        decisive):
    from assocmem.experiments.openelm_scaling import table3_verdict

    verdict = table3_verdict([_grid("cpu-long", 0.2, 0.3), _grid(preset, low, high)])
    assert (verdict["reproduced"], verdict["decisive"]) == (reproduced, decisive)
    assert verdict["deciding"] == preset
    assert verdict["by_scale"][preset]["sweep_span"] == (pytest.approx(low - 0.3), high)


def test_table3_verdict_without_a_usable_grid_and_with_censored_d_star():
    from assocmem.experiments.openelm_scaling import table3_findings, table3_verdict

    empty = _grid("gpu", 0.4, 0.6)
    empty.fit = None
    assert table3_verdict([empty]) == {"reproduced": False, "decisive": False,
                                       "by_scale": {}, "deciding": None}
    cut = _grid("gpu", np.nan, np.nan, censored_models=("Model 2", "Model 3"))
    verdict = table3_verdict([cut])
    assert verdict["by_scale"]["gpu"]["no_d_star"] == ["Model 2", "Model 3"]
    assert "D* censored for Model 2, Model 3" in table3_findings(verdict, {"gpu": cut})



def test_table3_key_gives_each_grids_sweep_beside_its_interval():
    from assocmem.experiments.openelm_scaling import table3_key, table3_verdict

    verdict = table3_verdict([_grid("cpu-long", 0.24, 0.27),
                              _grid("gpu", np.nan, np.nan, censored_models=("Model 2",))])
    key = table3_key(verdict, 0.04)
    assert key.startswith("k: cpu-long [0.24, 0.27] at sigma^2 = 0.04, [-0.06, 0.27] over the "
                          "sweep; gpu none (D* censored), ")
    assert key.endswith("; Prop. 5: 1/2")
    assert table3_key(table3_verdict([]), 0.04) == "k: no grid; Prop. 5: 1/2"

def _seeds(preset_name, minima, steps, censored=False, pair_se=0.001):
    from assocmem.experiments.openelm_scaling import Criterion, SeedsEvidence

    crit = [Criterion(s, m, 0.0, [s], False, censored) for m, s in zip(minima, steps, strict=True)]
    return SeedsEvidence(PRESETS[preset_name], len(crit), crit, [{}] * len(crit), pair_se)


@pytest.mark.parametrize("minima, steps, censored, pair_se, outcome", [
    ([3.001, 3.004, 3.006, 3.002, 3.005], [6000, 6100, 5900, 6000, 6050], False, 0.0005,
     "consistent"),
    ([3.00, 3.05, 3.02, 3.01, 3.04], [6000, 6100, 5900, 6000, 6050], False, 0.001,
     "not consistent"),
    ([3.001, 3.004, 3.006, 3.002, 3.005], [2000, 6100, 5900, 6000, 6050], False, 0.0005,
     "not consistent"),  # the steps spread
    ([3.001, 3.004, 3.006, 3.002, 3.005], [6000] * 5, True, 0.0005, "undecided"),
    ([3.000, 3.008, 3.006, 3.002, 3.005], [6000] * 5, False, 0.01, "undecided"),  # noise
])
def test_f2_outcomes_and_only_the_paper_preset_decides(minima, steps, censored, pair_se,
                                                       outcome):
    from assocmem.experiments.openelm_scaling import f2_verdict

    paper = _seeds("paper", minima, steps, censored, pair_se)
    assert paper.outcome() == outcome
    verdict = f2_verdict([paper])
    assert verdict["decisive"] == (outcome != "undecided")
    assert verdict["reproduced"] == (outcome == "consistent")
    small = f2_verdict([_seeds("gpu", minima, steps, censored, pair_se)])
    assert not small["decisive"] and small["by_scale"]["gpu"]["outcome"] == outcome
    assert f2_verdict([_seeds("gpu", minima[:3], steps[:3])])["by_scale"] == {}  # incomplete


def test_scale_states_the_runs_and_the_papers():
    from assocmem.experiments.openelm_scaling import scale

    s = scale(PRESETS["gpu"])
    assert s["vocab"] == 1024 and s["paper"]["vocab"] == 50_257
    assert s["params"] == [PRESETS["gpu"].transformer_params(m, 1024)
                           for m in ("Model 1", "Model 3")]
    assert s["train_tokens"] == [16_000, 2_048_000] and s["seeds"] == 2
    assert s["paper"]["params"] == [39.95e6, 80.20e6]
    assert scale(PRESETS["paper"])["vocab"] == 50_257


def test_f2_runs_are_model_1_with_their_own_names_and_patience():
    corpus = {"corpus": "/x", "fingerprint": "abc"}
    for name in ("cpu-long", "gpu"):
        runs = PRESETS[name].robustness_configs(corpus)
        assert len(runs) == 5 and all(k.startswith("f2-model1-") for k in runs)
        assert {cfg.patience for cfg in runs.values()} == {1000}
        grid = PRESETS[name].runs(0, corpus_path="")
        assert not {cfg.name for cfg in runs.values()} & {cfg.name for cfg in grid.values()}
    ordered = list(PRESETS["gpu"].all_runs(device="cuda", largest_first=True))
    assert ordered[:5] == [f"f2-model1-D2048000-s{s}" for s in range(5)]
    assert ordered[5:8] == [f"model{i}-D2048000-s0" for i in (1, 2, 3)]
    assert PRESETS["gpu"].run_config("Model 1", 16_000, corpus).compile is False
