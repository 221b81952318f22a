"""Exact nearest-neighbour distances (Section 6.1's search): against float64 brute force."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from assocmem.neighbors import nearest_neighbor_distances


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


def test_the_gpu_search_path_agrees_with_the_cpu_path_on_the_cpu():
    import torch

    from assocmem.neighbors import _candidates_cpu, _candidates_torch

    X = np.random.default_rng(5).standard_normal((700, 24), dtype=np.float32)
    X[10] = X[600]  # a duplicate across blocks
    sq = (X.astype(np.float64) ** 2).sum(1).astype(np.float32)
    val_c, idx_c = _candidates_cpu(X, sq, 4, block=256)
    val_n, idx_n = _candidates_cpu(X, sq, 4, block=256, blas="torch", workers=1)
    val_t, idx_t = _candidates_torch(torch.from_numpy(X), torch.from_numpy(sq), 4,
                                     query_block=100, base_block=300)
    exact = cdist(X, X, "sqeuclidean")
    np.fill_diagonal(exact, np.inf)
    best = np.sort(exact, 1)[:, :4]
    for val in (val_c, val_n, val_t):
        assert np.allclose(val.numpy(), best, atol=1e-3)
    assert idx_c[10, 0] == 600 and idx_t[10, 0] == 600 and idx_n[10, 0] == 600
