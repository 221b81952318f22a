"""The run cache: a finished run is verified before it is read, and two processes asking for
the same run produce one run."""

import dataclasses
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from assocmem.experiments.question_formation import PRESETS
from assocmem.training.loop import TrainConfig, logged_steps
from assocmem.training.runs import CorruptRun, cached_train, cached_train_many, load_run
from assocmem.training.store import read_metrics, run_dir


def tiny(**overrides):
    return PRESETS["tiny"].train_config(2, **{"steps": 8, "eval_every": 4, **overrides})


def test_a_truncated_metrics_file_is_a_clear_error(tmp_path):
    cfg = tiny()
    out = cached_train(cfg, tmp_path, progress=False)
    assert [r["step"] for r in read_metrics(out)] == logged_steps(cfg)
    lines = (out / "metrics.jsonl").read_text().splitlines()
    (out / "metrics.jsonl").write_text("\n".join(lines[:3]) + "\n" + lines[3][:17])
    for read in (read_metrics, load_run):
        with pytest.raises(CorruptRun, match=rf"run {out.name} .*line 4 of metrics.jsonl"):
            read(out)
    with pytest.raises(CorruptRun, match="Remove the folder"):
        cached_train(cfg, tmp_path, progress=False)
    (out / "metrics.jsonl").write_text("\n".join(lines[:3]) + "\n")  # cut at a line's end
    with pytest.raises(CorruptRun, match="holds 3 rows .* logs 8"):
        read_metrics(out)
    again = cached_train(cfg, tmp_path, progress=False, retrain_corrupt=True)  # on request
    assert [r["step"] for r in read_metrics(again)] == logged_steps(cfg)


def test_edited_metrics_and_checkpoint_fail_their_digests(tmp_path):
    out = cached_train(tiny(), tmp_path, progress=False)
    text = (out / "metrics.jsonl").read_text()
    (out / "metrics.jsonl").write_text(text.replace('"train_loss": ', '"train_loss": 1', 1))
    with pytest.raises(CorruptRun, match="metrics.jsonl does not match the digest"):
        read_metrics(out)
    (out / "metrics.jsonl").write_text(text)
    read_metrics(out)
    with open(out / "checkpoint.pt", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(CorruptRun, match="checkpoint.pt does not match"):
        load_run(out)


def test_an_old_record_is_checked_by_its_steps_and_completed(tmp_path):
    cfg = tiny()
    out = cached_train(cfg, tmp_path, progress=False)
    (out / "finished.json").write_text(json.dumps({"steps": cfg.steps, "key": cfg.key()}))
    (out / "SHA256SUMS").unlink()  # an earlier version wrote no seal
    read_metrics(out)
    assert "metrics_sha256" in json.loads((out / "finished.json").read_text())
    assert "finished.json" in (out / "SHA256SUMS").read_text()  # sealed once checked


def test_two_processes_asking_for_one_run_make_one_run(tmp_path):
    script = textwrap.dedent(f"""
        import json, time
        from assocmem.experiments.question_formation import PRESETS
        from assocmem.training import runs
        calls = []
        real = runs.train
        runs.train = lambda *a, **k: (calls.append(1), time.sleep(5), real(*a, **k))[2]
        cfg = PRESETS["tiny"].train_config(2, steps=30, eval_every=10)
        out = runs.cached_train(cfg, {str(tmp_path)!r}, progress=False)
        print(json.dumps({{"trained": len(calls), "out": str(out)}}))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results, waited = [], []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr
        results.append(json.loads(stdout.strip().splitlines()[-1]))
        waited.append("waiting for another process" in stderr)
    assert sorted(r["trained"] for r in results) == [0, 1]  # one trained, the other reused
    assert [not w for w in waited] == [bool(r["trained"]) for r in results]  # it waited
    out = run_dir(PRESETS["tiny"].train_config(2, steps=30, eval_every=10), tmp_path)
    assert {r["out"] for r in results} == {str(out)}
    steps = [r["step"] for r in read_metrics(out)]
    assert steps == sorted(set(steps)) == logged_steps(load_run(out)[1])


def test_parallel_runs_match_serial_runs(tmp_path):
    cfgs = [TrainConfig(name=f"p{i}", task="patterns", task_args=dict(d=8, length=6, vocab=8,
                        min_hamming=2, prefix=2), model="openelm",
                        model_args=dict(model_dim=16, n_layers=1, head_dim=8, num_gqa_groups=1,
                                        ffn_dim_divisor=8),
                        dropout=0.0, steps=12, batch_size=8, micro_batch=8, lr=1e-2,
                        warmup_steps=2, eval_every=6, log_every=1, seed=i) for i in range(2)]
    serial = cached_train_many(cfgs, workers=1, root=tmp_path / "serial")
    parallel = cached_train_many(cfgs, workers=2, root=tmp_path / "parallel")
    for a, b in zip(serial, parallel, strict=True):
        la = [r["train_loss"] for r in read_metrics(a)]
        lb = [r["train_loss"] for r in read_metrics(b)]
        assert len(la) == 12 and np.allclose(la, lb, atol=1e-5)
        assert json.loads((b / "finished.json").read_text())["steps"] == 12
    with pytest.raises(ValueError, match="workers"):
        cached_train_many(cfgs, workers=0)
    # a later call reuses the same worker processes (torch imported once per process)
    from assocmem.training import runs

    pool = runs._POOLS[2]
    more = [dataclasses.replace(c, seed=c.seed + 2) for c in cfgs]
    cached_train_many(more, workers=2, root=tmp_path / "parallel")
    assert runs._POOLS[2] is pool


def test_padding_shifts_each_sequence_by_one_token():
    import torch

    from assocmem.training.tasks import IGNORE, SequenceDataset

    seqs = [torch.tensor([1, 5, 6, 7]), torch.tensor([1, 8]), torch.tensor([1, 9, 4])]
    inputs, targets = SequenceDataset(seqs, seqs, ["x"] * 10, 8)._pad(seqs)
    assert inputs.tolist() == [[1, 5, 6], [1, 0, 0], [1, 9, 0]]
    assert targets.tolist() == [[5, 6, 7], [8, IGNORE, IGNORE], [9, 4, IGNORE]]
    assert inputs.dtype == targets.dtype == torch.long


def test_first_divergence_finds_where_two_courses_part():
    from assocmem.training.runs import first_divergence

    a = [{"step": s, "train_loss": 5.0 - 0.01 * s} for s in range(1, 60)]
    same = [dict(row) for row in a]
    parted = [{**row, "train_loss": row["train_loss"] + (0.002 if row["step"] >= 31 else 0)}
              for row in a]
    assert first_divergence(a, same) is None
    assert first_divergence(a, parted) == 31
    assert first_divergence(a, parted, tol=0.01) is None
    assert first_divergence(a, parted[:20]) is None  # only the steps both logged count
    assert first_divergence(a, [{"step": 5, "train_loss": None, "val_loss": 1.0}]) is None
    with pytest.raises(ValueError, match="'tol'"):
        first_divergence(a, a, tol=0)


def test_a_deadline_cuts_a_run_as_censored_and_a_later_call_resumes_it(tmp_path):
    import time

    cfg = tiny(steps=300, eval_every=4, log_every=3)
    whole = cached_train(cfg, tmp_path / "whole", progress=False)
    out = cached_train(cfg, tmp_path, progress=False, deadline=time.time() + 0.3)
    record = json.loads((out / "finished.json").read_text())
    last = record["last_step"]
    assert (record["stopped"], record["censored"]) == ("deadline", True) and 1 <= last < 300
    assert [r["step"] for r in read_metrics(out)] == logged_steps(cfg, last)
    assert cached_train(cfg, tmp_path, progress=False, deadline=time.time() - 1) == out  # kept
    assert json.loads((out / "finished.json").read_text())["last_step"] == last
    again = cached_train(cfg, tmp_path, progress=False)  # no deadline: resumed to the end
    record = json.loads((again / "finished.json").read_text())
    assert (record["stopped"], record["last_step"]) == ("steps", 300)
    assert [r["train_loss"] for r in read_metrics(again)] == pytest.approx(
        [r["train_loss"] for r in read_metrics(whole)], abs=1e-6)


def test_runs_not_started_by_the_deadline_are_none_and_untouched(tmp_path):
    import time

    cfgs = [tiny(seed=s) for s in range(3)]
    done = cached_train_many(cfgs, workers=1, root=tmp_path, deadline=time.time() - 1)
    assert done == [None, None, None]
    assert not any(run_dir(cfg, tmp_path).exists() for cfg in cfgs)
