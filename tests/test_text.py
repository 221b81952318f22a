"""Section 6.3's text pipeline and Table 3's criterion."""

import json

import numpy as np
import pytest
import torch

from assocmem.data import text
from assocmem.data.corpus import Corpus
from assocmem.datasets import TextDataset
from assocmem.openelm_scaling import (
    PAPER_SIZES,
    PRESETS,
    d_star,
    paper_gpu_hours,
    plateau_mse,
    run_config,
    transformer_params,
)
from assocmem.params import PAPER_OPENELM
from assocmem.train import TrainConfig, build_model, cached_train_many, read_metrics

BOOK = ("It was the best of times, it was the worst of times, it was the age of wisdom, it was "
        "the age of foolishness, it was the epoch of belief, it was the epoch of incredulity. ")


@pytest.fixture()
def books(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSOCMEM_RUNS_DIR", str(tmp_path / "runs"))
    folder = tmp_path / "books"
    folder.mkdir()
    for i in range(3):
        (folder / f"book{i}.txt").write_text(f"[Book {i}]\n" + BOOK * (40 + 10 * i))
    return folder


def test_arrange_keeps_every_word_and_shuffles_pieces():
    corpus = Corpus("c", ["a b c d e f g h i j " * 50, "k l m n o p " * 50])
    whole = text.arrange(corpus, 0)
    mixed = text.arrange(corpus, 40, seed=1)
    assert sorted(whole.split()) == sorted(mixed.split())
    assert mixed != whole and mixed == text.arrange(corpus, 40, seed=1)
    with pytest.raises(ValueError, match="piece_chars"):
        text.arrange(corpus, -1)


def test_corpus_argument_names_the_problem(tmp_path, books):
    with pytest.raises(FileNotFoundError, match="corpus_path"):
        text.corpus_argument(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no .txt files"):
        text.corpus_argument(empty)
    first = text.corpus_argument(books)
    assert first["bytes"] == sum(f.stat().st_size for f in books.glob("*.txt"))
    (books / "book0.txt").write_text("changed")
    assert text.corpus_argument(books)["fingerprint"] != first["fingerprint"]


def test_bpe_token_stream_is_lossless_and_cached(books):
    arg = text.corpus_argument(books)
    ids, vocab, name = text.token_stream(arg["corpus"], "bpe-300", 0, 0, arg["fingerprint"])
    assert vocab <= 300 and ids.max() < vocab and "3 documents" in name
    files = sorted((books.parent / "runs" / "tokens").glob("*.tokenizer.json"))
    from tokenizers import Tokenizer
    decoded = Tokenizer.from_file(str(files[0])).decode(ids.tolist())
    assert decoded == text.arrange(text.load_corpus(arg["corpus"]), 0)
    stamp = files[0].stat().st_mtime_ns
    again, *_ = text.token_stream(arg["corpus"], "bpe-300", 0, 0, arg["fingerprint"])
    assert np.array_equal(ids, again) and files[0].stat().st_mtime_ns == stamp
    with pytest.raises(ValueError, match="tokenizer"):
        text.token_stream(arg["corpus"], "words", 0, 0, arg["fingerprint"])


def test_gpt2_tokenizer_offline_fails_at_once(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", "/nonexistent-hf-home")
    with pytest.raises(RuntimeError, match="not available offline"):
        text.gpt2_tokenizer()


def test_split_holds_out_the_last_five_percent_and_checks_sizes():
    ids = np.arange(1000)
    train, val = text.split(ids, 300, context=16)
    assert np.array_equal(train, np.arange(300)) and np.array_equal(val, np.arange(950, 1000))
    with pytest.raises(ValueError, match="exceeds the corpus's 950 training tokens"):
        text.split(ids, 951, context=16)
    with pytest.raises(ValueError, match="context"):
        text.split(ids, 300, context=64)  # the 50 validation tokens are too few
    with pytest.raises(ValueError, match="train_tokens"):
        text.split(ids, 0, context=16)


def test_text_windows_stay_in_the_prefix_and_shift_by_one():
    data = TextDataset(torch.arange(100), torch.arange(1000, 1040), 2000, 8, "t")
    inputs, targets = data.train_batch(64, torch.Generator().manual_seed(0))
    assert inputs.shape == (64, 8) and torch.equal(targets, inputs + 1)
    assert targets.max() < 100 and torch.equal(inputs[:, 1:] - inputs[:, :-1],
                                               torch.ones(64, 7, dtype=torch.long))
    batches = list(data.val_batches(2, 10))
    starts = torch.cat([b[0][:, 0] for b in batches])
    assert starts.tolist() == [1000, 1008, 1016, 1024]  # consecutive, non-overlapping, fixed


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
        assert abs(transformer_params("paper", name, 50257) / spec["N"] - 1) < 0.005


@pytest.mark.parametrize("preset", ["cpu", "paper"])
def test_transformer_params_equal_the_model(preset):
    name = "Model 1"
    cfg = run_config(preset, name, 10_000, {"corpus": "fallback", "fingerprint": "x"})
    model = build_model(cfg, vocab_size=512, max_len=PRESETS[preset]["context"])
    layers = sum(p.numel() for p in model.blocks.parameters())
    assert layers == transformer_params(preset, name, 512)
    with pytest.raises(ValueError, match="model"):
        run_config(preset, "Model 9", 10_000, {"corpus": "fallback", "fingerprint": "x"})


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


def test_trained_tokenizer_never_sees_the_validation_tail(books):
    arg = text.corpus_argument(books)
    ids, _, _ = text.token_stream(arg["corpus"], "bpe-300", 0, 0, arg["fingerprint"])
    whole = text.arrange(text.load_corpus(arg["corpus"]), 0)
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(next((books.parent / "runs" / "tokens")
                                       .glob("*.tokenizer.json"))))
    n_train = len(ids) - int(np.ceil(len(ids) * text.VAL_FRACTION))
    assert len(tok.decode(ids[:n_train].tolist())) >= int(len(whole) * text.TOKENIZER_FRACTION)


def test_runs_record_the_text_pipeline_version():
    from assocmem.datasets import text as text_task

    cfg = run_config("cpu", "Model 1", 10_000, {"corpus": "fallback", "fingerprint": "x"})
    assert cfg.task_args["pipeline"] == text.PIPELINE_VERSION
    with pytest.raises(ValueError, match="pipeline"):
        text_task(pipeline=text.PIPELINE_VERSION - 1)


def test_paper_gpu_hours_by_hand():
    p = PRESETS["paper"]
    one_hour = p["steps"] * p["batch_size"] * p["context"] / 3600  # tokens/s for 1 h per run
    hours = paper_gpu_hours({"Model 1": one_hour, "Model 2": one_hour / 2, "Model 3": one_hour})
    assert hours == pytest.approx({"Model 1": 8, "Model 2": 16, "Model 3": 8, "extra seeds": 4})
    with pytest.raises(ValueError, match="every model"):
        paper_gpu_hours({"Model 1": one_hour})
