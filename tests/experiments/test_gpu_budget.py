"""The ``gpu`` presets: their runs are CUDA runs, they fit the budget by the stated cost model,
and each trains on the CPU at a tiny size along the same code path (no GPU is needed here)."""

import dataclasses

import pytest

from assocmem.experiments import gpu_budget, radius
from assocmem.experiments import memorization as mem
from assocmem.experiments import openelm_scaling as elm
from assocmem.experiments import question_formation as qf


def test_the_cost_model_is_the_measurement_and_can_fail():
    seconds = gpu_budget.estimate()
    chapters = {k for k in seconds if k != "total"}
    assert {k.split()[0] for k in chapters} == {"08", "09", "10", "11", "12"}
    assert all(v > 0 for v in seconds.values())
    assert seconds["total"] == pytest.approx(sum(seconds[k] for k in chapters))
    m = gpu_budget.MEASURED
    # the measured rate prices chapter 10's grid: its runs' steps over the shared rate
    grid = elm.PRESETS["gpu"].grid_runs * m.typical_steps("10")
    assert seconds["10 Table 3"] == pytest.approx(grid / m.steps_per_s)
    assert gpu_budget.fits_one_call(("09",))
    slow = dataclasses.replace(m, steps_per_s=m.steps_per_s / 10)  # the model can fail
    assert not gpu_budget.fits_one_call(("09",), slow)


def test_what_chapter_10s_gpu_preset_still_needs_fits_one_call(tmp_path, monkeypatch):
    from assocmem.data.text import corpus_argument

    corpus = corpus_argument(None)
    left = gpu_budget.openelm_remaining_steps(corpus)
    preset = elm.PRESETS["gpu"]
    if corpus["fingerprint"] == "fallback-v1":  # the archive's runs are of the Gutenberg books
        assert left["grid"] == preset.grid_runs * gpu_budget.MEASURED.typical_steps("10")
    else:
        assert sum(left.values()) / gpu_budget.MEASURED.steps_per_s <= gpu_budget.CALL_S
    monkeypatch.setenv("ASSOCMEM_RUN_ARCHIVE", str(tmp_path))  # an empty archive: everything
    assert gpu_budget.openelm_remaining_steps(corpus)["F.2"] == (
        preset.robustness_seeds * gpu_budget.MEASURED.typical_steps("10"))


def test_step_cost_is_the_shared_rate_for_small_models_and_flop_bound_for_large():
    m = gpu_budget.MEASURED
    assert gpu_budget.step_seconds(100_000, 8_192) == pytest.approx(1 / m.steps_per_s)
    large = gpu_budget.step_seconds(150_000_000, 491_520)  # App. F.1's Model 3, a step
    assert large == pytest.approx(6 * 150e6 * 491_520 / (m.peak_flops * m.mfu))
    assert m.typical_steps("11") == m.typical_steps("10")
    with pytest.raises(ValueError, match="'params'"):
        gpu_budget.step_seconds(0, 10)
    with pytest.raises(ValueError, match="'step_s'"):
        gpu_budget.wall_seconds([1], 0.0)
    assert gpu_budget.wall_seconds([100, 10], 0.01) == pytest.approx(100 * 0.01 * 2)
    assert gpu_budget.wall_seconds([10] * 28, 0.01) == pytest.approx(280 * 0.01)
    assert gpu_budget.wall_seconds([1] * 4, 0.01, chain=50) == pytest.approx(50 * 0.01 * 4)


def test_gpu_runs_are_cuda_runs_and_the_cpu_presets_keep_theirs():
    corpus = {"corpus": "/x", "fingerprint": "abc"}
    assert elm.PRESETS["gpu"].run_config("Model 1", 16_000, corpus).device == "cuda"
    assert elm.PRESETS["cpu-long"].run_config("Model 1", 8_000, corpus).device == "cpu"
    assert mem.PRESETS["gpu"].train_config(16, 8).device == "cuda"
    assert mem.PRESETS["cpu-long"].train_config(16, 8).device == "cpu"
    with pytest.raises(ValueError, match="'device'"):
        mem.PRESETS["gpu"].runs(device="cpu")
    assert qf.PRESETS["gpu"].train_config(6, device="cuda").device == "cuda"
    family = radius.FAMILIES["gpu"].configs(corpus)
    assert all(cfg.device == "cuda" for cfg in family.values())
    assert len(family) == 6 * 3 and radius.FAMILIES["cpu-long"] is radius.FAMILY
    sizes = elm.PRESETS["gpu"].sizes
    assert len(sizes) >= 12 and sizes[-1] / sizes[0] >= 10 ** 1.5
    d = mem.PRESETS["gpu"].d_values
    assert d[-1] / d[0] >= 100 and len(mem.PRESETS["gpu"].seeds) >= 3


def test_each_gpu_preset_trains_on_the_cpu_at_a_tiny_size(tmp_path, monkeypatch):
    """The smoke mode of the gpu presets: their own configurations, moved to the CPU and cut to
    a few steps (and, for text, a small prefix of the fallback corpus)."""
    from assocmem.data.text import corpus_argument
    from assocmem.training.runs import cached_train
    from assocmem.training.store import read_metrics

    monkeypatch.setenv("ASSOCMEM_RUNS_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ASSOCMEM_RUN_ARCHIVE", str(tmp_path / "archive"))
    monkeypatch.delenv("ASSOCMEM_DATA_DIR", raising=False)
    corpus = corpus_argument(None)
    cfgs = [elm.PRESETS["gpu"].run_config("Model 1", 8_000, corpus),
            radius.FAMILIES["gpu"].configs(corpus)[16, 0],
            mem.PRESETS["gpu"].train_config(16, 8),
            qf.PRESETS["gpu"].train_config(6, device="cuda")]
    cfgs[1] = dataclasses.replace(cfgs[1], task_args={**cfgs[1].task_args,
                                                     "train_tokens": 8_000})
    cfgs[3] = dataclasses.replace(cfgs[3], task_args={"n_train": 200, "n_val": 32},
                                  model_args={**cfgs[3].model_args, "n_layers": 1})
    for cfg in cfgs:
        small = dataclasses.replace(cfg, device="cpu", compile=False, steps=4, eval_every=2,
                                    patience=0, warmup_steps=1, eval_batches=1)
        rows = read_metrics(cached_train(small, progress=False))
        assert [r["step"] for r in rows if "val_loss" in r] == [2, 4], cfg.name
