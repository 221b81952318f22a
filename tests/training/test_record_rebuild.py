"""A run's record rebuilt from its final checkpoint (its ``finished.json`` lost) keeps what the
training recorded: its machine line (with the thread count it trained with), its date and its
speed, not those of the process that rebuilds it."""

import json

import torch

from assocmem.experiments.question_formation import PRESETS
from assocmem.training import loop as training
from assocmem.training.runs import cached_train
from assocmem.training.store import read_metrics


def test_a_rebuilt_record_keeps_the_trainings_provenance_and_speed(tmp_path):
    cfg = PRESETS["tiny"].train_config(PRESETS["tiny"].depths[0], steps=4, eval_every=2)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        out = cached_train(cfg, tmp_path, progress=False)
        original = json.loads((out / "finished.json").read_text())
        assert original["tokens_per_s"] > 0 and "1 thread(s)" in original["device"]
        (out / "finished.json").unlink()  # lost: the next call rebuilds it from the checkpoint
        torch.set_num_threads(2)
        assert cached_train(cfg, tmp_path, progress=False) == out
    finally:
        torch.set_num_threads(threads)
    rebuilt = json.loads((out / "finished.json").read_text())
    for field in ("device", "finished", "tokens_per_s", "commit", "torch", "stopped",
                  "last_step", "best_step", "best_val", "metrics_sha256"):
        assert rebuilt[field] == original[field], field
    read_metrics(out)


def test_a_resumed_run_records_its_own_speed(tmp_path):
    cfg = PRESETS["tiny"].train_config(PRESETS["tiny"].depths[0], steps=4, eval_every=2,
                                       checkpoint_every=2)
    short = training.train(cfg, tmp_path, progress=False)
    record = json.loads((short / "finished.json").read_text())
    assert record["tokens_per_s"] > 0 and record["last_step"] == 4
