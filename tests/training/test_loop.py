"""The training loop: CLI, exact kill-and-resume, DDP equivalence, caching, guards."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from assocmem.accounting import openelm_counts
from assocmem.experiments.question_formation import PRESETS
from assocmem.training import loop as training
from assocmem.training.loop import TrainConfig, _read_metrics
from assocmem.training.openelm import OpenELM, OpenELMConfig
from assocmem.training.runs import cached_train
from assocmem.training.store import read_metrics

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
TINY = ["--experiment", "question_formation", "--preset", "tiny", "--run-name", "depth-2"]


def preset(name, **overrides):
    """The tiny question-formation run, with fields overridden."""
    return PRESETS[name].train_config(PRESETS[name].depths[0], **overrides)


def run_cli(*args, check=True):
    return subprocess.run([sys.executable, "-m", "assocmem.training", *args], env=ENV,
                          capture_output=True, text=True, check=check, timeout=600)


def losses(out):
    return [(r["step"], r["train_loss"], r.get("val_loss")) for r in read_metrics(out)]


def test_kill_and_resume_reproduces_the_uninterrupted_run(tmp_path):
    common = [*TINY, "--steps", "24", "--checkpoint-every", "4"]
    run_cli(*common, "--out", str(tmp_path / "straight"))
    victim = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "assocmem.training", *common, "--out",
                             str(victim)], env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline:  # kill after the step-8 checkpoint, mid-way to the next
        rows = _read_metrics(victim / "metrics.jsonl")
        if rows and rows[-1]["step"] >= 10:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = _read_metrics(victim / "metrics.jsonl")[-1]["step"]
    assert 10 <= killed_at < 24, f"the run was not killed mid-way (last step {killed_at})"
    run_cli(*common, "--out", str(victim), "--resume")
    assert losses(victim) == losses(tmp_path / "straight")  # bit for bit, dropout included
    assert (victim / "finished.json").exists()


def test_ddp_matches_one_process(tmp_path):
    torchrun = Path(sys.executable).with_name("torchrun")
    common = [*TINY, "--steps", "6", "--override", "dropout=0"]
    run_cli(*common, "--out", str(tmp_path / "single"))
    subprocess.run([str(torchrun), "--standalone", "--nproc_per_node", "2", "-m",
                    "assocmem.training", *common, "--out", str(tmp_path / "ddp")], env=ENV,
                   check=True, capture_output=True, timeout=600)
    single, ddp = losses(tmp_path / "single"), losses(tmp_path / "ddp")
    assert [s for s, _, _ in single] == [s for s, _, _ in ddp]
    for (_, a, va), (_, b, vb) in zip(single, ddp, strict=True):
        assert b == pytest.approx(a, rel=1e-5)
        assert (va is None and vb is None) or vb == pytest.approx(va, rel=1e-5)


def test_cli_rejects_bad_arguments(tmp_path):
    for args, message in ((["--steps", "0"], "--steps"), (["--seed", "-1"], "--seed"),
                          (["--override", "nosuch=1"], "--override"),
                          (["--override", "lr=-1"], "'lr'")):
        result = run_cli(*TINY, "--out", str(tmp_path / "x"), *args, check=False)
        assert result.returncode == 2 and message in result.stderr, result.stderr
    for args, message in ((["--preset", "nosuch"], "--preset"), (["--preset", "tiny", "--run-name",
                          "depth-99"], "--run"), (["--experiment", "radius"], "--experiment")):
        result = run_cli("--experiment", "question_formation", *args, "--out",
                         str(tmp_path / "x"), check=False)
        assert result.returncode == 2 and message in result.stderr, result.stderr
    listed = run_cli("--experiment", "question_formation", "--preset", "cpu", "--list")
    assert listed.stdout.split() == ["depth-6", "depth-10", "depth-6-s0", "depth-10-s0"]
    for walk in ("5:memorized", "0:nosuch", "x"):
        result = run_cli("--experiment", "memorization", "--preset", "cpu-long", "--all",
                         "--walk", walk, check=False)
        assert result.returncode == 2 and "--walk" in result.stderr, result.stderr
    result = run_cli("--experiment", "memorization", "--preset", "gpu", "--list", check=False)
    assert result.returncode == 2 and "'cuda'" in result.stderr, result.stderr



def test_cli_trains_every_run_of_a_question_formation_preset(tmp_path):
    """`--all` of question formation, the command that re-makes chapter 09's archived runs
    (it once failed on an argument only chapter 10's presets took)."""
    env = {**ENV, "ASSOCMEM_RUNS_DIR": str(tmp_path / "runs"),
           "ASSOCMEM_RUN_ARCHIVE": str(tmp_path / "archive")}
    result = subprocess.run([sys.executable, "-m", "assocmem.training", "--experiment",
                             "question_formation", "--preset", "tiny", "--all", "--archive",
                             "--steps", "4"], env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name.rsplit("-", 1)[0] for p in (tmp_path / "archive").iterdir())
    assert names == ["qf-tiny-2"] * len(PRESETS["tiny"].seeds)
    assert list(PRESETS["cpu"].all_runs(largest_first=True)) == [
        "depth-10-s0", "depth-6-s0"]

def test_cached_train_reuses_finished_runs(tmp_path):
    cfg = preset("tiny", steps=4, eval_every=2)
    out = cached_train(cfg, tmp_path, progress=False)
    stamp = (out / "metrics.jsonl").stat().st_mtime_ns
    assert cached_train(cfg, tmp_path, progress=False) == out
    assert (out / "metrics.jsonl").stat().st_mtime_ns == stamp
    assert json.loads((out / "config.json").read_text())["steps"] == 4
    other = cached_train(preset("tiny", steps=4, eval_every=2, seed=1), tmp_path, progress=False)
    assert other != out


def test_resume_refuses_another_configuration(tmp_path):
    training.train(preset("tiny", steps=2), tmp_path, progress=False)
    with pytest.raises(ValueError, match="another configuration"):
        training.train(preset("tiny", steps=2, lr=5e-4), tmp_path, progress=False)


def test_non_finite_loss_names_the_step(tmp_path, monkeypatch):
    real = training.build_model

    def poisoned(cfg, vocab_size, max_len):
        model = real(cfg, vocab_size, max_len)
        calls = {"n": 0}

        def hook(module, inputs, output):
            calls["n"] += 1
            return output * float("nan") if calls["n"] >= 2 else output

        model.register_forward_hook(hook)
        return model

    monkeypatch.setattr(training, "build_model", poisoned)
    with pytest.raises(FloatingPointError, match="at step 2"):
        training.train(preset("tiny", steps=5, micro_batch=16), tmp_path, progress=False)


def test_config_guards():
    with pytest.raises(ValueError, match="'micro_batch'"):
        TrainConfig(batch_size=10, micro_batch=4)
    with pytest.raises(ValueError, match="'steps'"):
        TrainConfig(steps=0)
    with pytest.raises(ValueError, match="'depth'"):
        PRESETS["cpu"].train_config(0)


@pytest.mark.parametrize("shape", [dict(model_dim=128, n_layers=4, head_dim=32, num_gqa_groups=2),
                                   dict(model_dim=96, n_layers=3, head_dim=16, num_gqa_groups=4,
                                        ffn_multipliers=(1.0, 2.0))])
def test_openelm_parameter_count_matches_accounting(shape):
    cfg = OpenELMConfig(vocab_size=300, max_context=32, **shape)
    model = OpenELM(cfg)
    assert sum(p.numel() for p in model.parameters()) == openelm_counts(cfg)["total"]
    assert model(torch.randint(0, 300, (2, 7))).shape == (2, 7, 300)


def test_provenance_names_the_code_imported_at_start():
    import torch

    from assocmem.training import loop

    record = loop.provenance(torch.device("cpu"))
    assert record["commit"] == loop.CODE_VERSION and record["commit"]
    assert {"device", "torch", "python", "finished"} <= set(record)


@pytest.mark.parametrize("field, value, message", [
    ("lr", float("inf"), r"'lr' must be a number in \(0, 10\); got inf"),
    ("lr", "abc", r"'lr' must be a number in \(0, 10\); got 'abc'"),
    ("lr", float("nan"), r"'lr' must be a number"),
    ("dropout", 5, r"'dropout' must be a number in \[0, 1\); got 5"),
    ("eps", 0.0, r"'eps' must be a number in \(0, 1\); got 0.0"),
    ("warmup_steps", -1, r"'warmup_steps' must be an integer >= 0; got -1"),
])
def test_a_bad_config_value_is_refused_with_its_field_and_value(field, value, message):
    import dataclasses

    from assocmem.experiments.question_formation import PRESETS

    cfg = PRESETS["tiny"].train_config(2)
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(cfg, **{field: value})
    with pytest.raises(ValueError, match=r"'model_args': 'd_model' must be >= 1; got -4"):
        dataclasses.replace(cfg, model_args={**cfg.model_args, "d_model": -4})
    assert dataclasses.replace(cfg, min_lr_ratio=1.0, dropout=0.0).dropout == 0.0
