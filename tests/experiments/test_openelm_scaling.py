"""Section 6.3's experiment: presets, Table 3's criterion, D*, GPU-hours."""

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
    assert (c.step_min, c.val_min, c.window, c.truncated) == (10, 2.5, [10, 11, 12], False)
    assert c.mse == pytest.approx(((5 - 2.5) ** 2 + 0.5**2 + 0.5**2) / 3)
    late = plateau_mse(rows(train, 5, [4.0, 3.0, 2.9, 1.0]), 3)  # minimum at the last step
    assert late.truncated and late.window == [18, 19, 20]
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
