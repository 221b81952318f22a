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
    assert idx_c.dtype == idx_t.dtype == idx_n.dtype == torch.int64  # indices, not floats
    for val, idx in ((val_c, idx_c), (val_t, idx_t)):  # each candidate's value is its own
        np.testing.assert_allclose(val.numpy(), exact[np.arange(700)[:, None], idx.numpy()],
                                   atol=1e-3)


def exact_nearest(X):
    """Float64 brute force on the float32 values, the formula of the search's fallback."""
    X = X.astype(np.float64)
    d2 = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    return np.sqrt(d2.min(1))


def test_more_exact_ties_than_candidates_reach_the_certified_fallback():
    """The centre of a cross has 2 dim neighbours at distance exactly 1, more than its
    ``candidates``: its k-th candidate ties with its answer, so it cannot be certified and is
    redone by brute force, which must leave the point itself out (else it returns 0). The
    coordinates are small integers, so every distance is exact and compared exactly."""
    dim = 4
    X = np.vstack([np.zeros(dim), np.eye(dim), -np.eye(dim)]).astype(np.float32)
    for candidates in (1, 2, 3):
        for blas in ("numpy", "torch"):
            got = nearest_neighbor_distances(X, candidates=candidates, blas=blas, workers=1)
            assert np.array_equal(got, exact_nearest(X)), (candidates, blas)
            assert got[0] == 1.0


def test_rounding_slack_sends_unranked_rows_to_the_fallback():
    """Far from the origin (norms ~ 1e3) the float32 expansion's rounding (about
    eps32 |x|^2 ~ 0.1 to 1 in squared distance) exceeds the gaps between the distances 1,
    1.01, 1.02, ... of a point's neighbours, so the candidates are ranked at random and the
    nearest is usually not among the few kept. The rounding slack marks those rows unsure and
    the fallback answers them exactly: every distance must equal brute force's (to the ulps of
    a float64 square root, rtol 1e-15; any miss is off by 1e-2 or more)."""
    rng = np.random.default_rng(7)
    for trial in range(6):
        centre = np.full(3, 1000.0) + rng.normal(size=3)
        directions = rng.normal(size=(24, 3))
        directions /= np.linalg.norm(directions, axis=1, keepdims=True)
        radii = 1.0 + 0.01 * rng.permutation(24)
        X = np.vstack([centre, centre + radii[:, None] * directions]).astype(np.float32)
        want = exact_nearest(X)
        got = nearest_neighbor_distances(X, candidates=2, blas="numpy", workers=1)
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=0, err_msg=f"trial {trial}")


@pytest.mark.parametrize("blas", ["numpy", "torch"])
def test_many_small_blocks_reach_the_late_block_paths(blas):
    """64-row blocks over 1,200 clustered rows: late blocks improve only a few rows' k-th
    best (the path that looks at those rows only), early ones many (the block's own top k),
    and blocks above the diagonal serve their columns too. Every distance must equal brute
    force's to the ulps of a float64 square root (rtol 1e-15): the search is exact."""
    rng = np.random.default_rng(11)
    centres = rng.normal(size=(30, 6)) * 20
    X = (centres[rng.integers(0, 30, 1200)] + rng.normal(size=(1200, 6))).astype(np.float32)
    want = exact_nearest(X)
    for workers in (1, 2):
        got = nearest_neighbor_distances(X, query_block=64, candidates=3, blas=blas,
                                         workers=workers)
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)
    from assocmem.neighbors import _candidates_cpu

    sq = (X.astype(np.float64) ** 2).sum(1).astype(np.float32)
    val, idx = _candidates_cpu(X, sq, 3, block=64, blas=blas, workers=1)
    d2 = ((X[:, None, :].astype(np.float64) - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    best = np.sort(d2, 1)[:, :3]
    # float32 expansion of |x|^2 ~ 1e3: each candidate's squared distance within ~1e-3
    np.testing.assert_allclose(val.numpy(), best, atol=4e-3, rtol=0)
    np.testing.assert_allclose(d2[np.arange(1200)[:, None], idx.numpy()], best, atol=4e-3,
                               rtol=0)


def test_the_brute_force_fallback_in_its_8192_row_chunks():
    """9,300 rows, more than one 8,192-row chunk of the float64 fallback. A nearly equilateral
    triangle of side ~1 (PQ = 1, QR = PR = 1 + 1e-3) among random points 20+ away: each
    corner's second candidate lies within the rounding slack (2 slack ~ 0.04 in squared
    distance, norms ~ 100) of its first, so all three are redone by brute force. P is row
    8,192 (the first row of the second chunk, left out of its own distances there), Q is
    row 9,000 (its nearest is P alone: a chunk that skipped row 8,192 would answer 1 + 1e-3);
    R is row 0 (the first chunk's own row). Every distance must equal brute force's to the
    ulps of a float64 square root (rtol 1e-15; a miss is off by 1e-3)."""
    rng = np.random.default_rng(3)
    X = rng.uniform(0.0, 50.0, size=(9300, 3))
    tri = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, np.sqrt(1.002**2 - 0.25), 0.0]])
    X[[8192, 9000, 0]] = tri + 75.0
    X = X.astype(np.float32)
    got = nearest_neighbor_distances(X, candidates=2, blas="numpy", workers=1)
    # float64 brute force by a k-d tree (exact: it prunes by bounds, never by rounding)
    from scipy.spatial import cKDTree

    want = cKDTree(X.astype(np.float64)).query(X.astype(np.float64), k=2)[0][:, 1]
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)
    assert got[9000] == pytest.approx(1.0, abs=1e-5) and want[9000] < 1.0005


def _alternating_line(count, gap, eta, offset):
    """Points on a line (2-D, at height ``offset``) whose gaps alternate gap and gap (1 + eta):
    every point's two neighbours differ by ~2 eta gap^2 in squared distance, far below the
    float32 expansion's rounding (~1e-3 at norms ~ 100), so one candidate is a coin flip."""
    steps = np.where(np.arange(count - 1) % 2 == 0, gap, gap * (1 + eta))
    x = offset + np.concatenate([[0.0], np.cumsum(steps)])
    return np.stack([x, np.full(count, offset)], axis=1).astype(np.float32)


@pytest.mark.parametrize(("gap", "eta"), [(0.5, 4e-4), (3.0, 1e-5)])
def test_certification_away_from_distance_one(gap, eta):
    """With one candidate a row is certified only when its distance squared is below the
    candidate's approximate one minus twice the slack (0.04 here): never for these lines,
    so each row is redone. At distance 0.5 (and 3) a test of distance^3 (or 2 distance)
    instead of distance^2 would certify rows whose candidate is the farther neighbour
    (0.125 < 0.25 - 0.04, 6 < 9 - 0.04). Some rows' one candidate is the farther neighbour
    (checked below), so every distance must equal brute force's (rtol 1e-15; a miss is off
    by eta, 4e-4 or 1e-5)."""
    from assocmem.neighbors import _candidates_cpu

    X = _alternating_line(40, gap, eta, 60.0)
    want = exact_nearest(X)
    sq = (X.astype(np.float64) ** 2).sum(1).astype(np.float32)
    _, idx = _candidates_cpu(X, sq, 1, block=4096, blas="numpy", workers=1)
    d = np.sqrt(((X.astype(np.float64) - X[idx.numpy()[:, 0]]) ** 2).sum(1))
    assert (d > want * (1 + eta / 2)).sum() >= 3  # candidates that are the farther neighbour
    got = nearest_neighbor_distances(X, candidates=1, blas="numpy", workers=1)
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)


def test_every_row_recomputed_when_all_other_rows_are_candidates():
    """``candidates`` >= M - 1: every other row is a candidate, nothing needs certifying, and
    the float64 recomputation (256 rows at a time) alone answers all 300 rows, rows 256 and
    257 (the second slice) included."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 4)).astype(np.float32)
    for candidates in (299, 400):
        got = nearest_neighbor_distances(X, candidates=candidates, blas="numpy", workers=1)
        np.testing.assert_allclose(got, exact_nearest(X), rtol=1e-15, atol=0)


def test_two_and_three_rows_float64_input_and_the_cuda_check():
    """The smallest inputs (every other row a candidate: k = M - 1), float64 input rounded to
    float32 first (the documented precision: the answer is brute force's on the float32
    values, not on the float64 ones), and device='cuda' on a machine without CUDA."""
    import torch

    two = np.array([[0.0, 0.0], [3.0, 4.0]], dtype=np.float32)
    assert nearest_neighbor_distances(two).tolist() == [5.0, 5.0]
    three = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]], dtype=np.float32)
    got = nearest_neighbor_distances(three, candidates=1, workers=1)  # k = 1 = M - 2
    assert got.tolist() == [1.0, np.sqrt(18.0), 1.0]
    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 3)) * 1e3 + rng.normal(size=(50, 3)) * 1e-5  # digits below float32
    for blas in ("numpy", "torch"):
        got = nearest_neighbor_distances(X, blas=blas, workers=1)
        np.testing.assert_allclose(got, exact_nearest(X.astype(np.float32)), rtol=1e-15, atol=0)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="'device' is 'cuda' but no CUDA device"):
            nearest_neighbor_distances(two, device="cuda")
    with pytest.raises(ValueError, match="argument 'device' must be 'cpu' or 'cuda'"):
        nearest_neighbor_distances(two, device="gpu")
    with pytest.raises(ValueError, match="argument 'blas'"):
        nearest_neighbor_distances(two, blas="mkl")


def test_candidates_of_positive_coordinates_rank_by_the_true_norms():
    """In [0, 1]^3 a point's |y|^2 and 2 sum(y) differ: the expansion must use |y|^2. The
    search's own candidates (k = 2) against brute force's two nearest, and the answer."""
    from assocmem.neighbors import _candidates_cpu

    rng = np.random.default_rng(8)
    X = rng.uniform(size=(200, 3)).astype(np.float32)
    sq = (X.astype(np.float64) ** 2).sum(1).astype(np.float32)
    val, idx = _candidates_cpu(X, sq, 2, block=64, blas="numpy", workers=1)
    d2 = ((X[:, None, :].astype(np.float64) - X[None]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    best = np.sort(d2, 1)[:, :2]
    # float32 expansion at |x|^2 <= 3: each squared distance within a few eps32 * 6 ~ 1e-6
    np.testing.assert_allclose(val.numpy(), best, atol=4e-6, rtol=0)
    np.testing.assert_allclose(d2[np.arange(200)[:, None], idx.numpy()], best, atol=4e-6, rtol=0)
    np.testing.assert_allclose(nearest_neighbor_distances(X, candidates=2, workers=1),
                               exact_nearest(X), rtol=1e-15, atol=0)


def test_a_block_that_improves_exactly_one_row():
    """Two 4-row blocks: A0 = (0, 0) in the first is 1 from B0 = (0, 1) in the second, every
    other cross pair is 80+ apart. The off-diagonal block improves one row and one column
    (A0's and B0's k-th best, 13 and ~100 within their own blocks): that single row must be
    merged (k = 2, no ties, so nothing sends A0 or B0 to the fallback)."""
    from assocmem.neighbors import _candidates_cpu

    X = np.array([[0, 0], [10, 0], [0, 13], [17, 17],
                  [0, 1], [100, 0], [100, 20], [130, 0]], dtype=np.float32)
    sq = (X.astype(np.float64) ** 2).sum(1).astype(np.float32)
    _, idx = _candidates_cpu(X, sq, 2, block=4, blas="numpy", workers=1)
    assert idx.numpy()[0, 0] == 4 and idx.numpy()[4, 0] == 0
    np.testing.assert_array_equal(
        nearest_neighbor_distances(X, query_block=4, candidates=2, workers=1), exact_nearest(X))


@pytest.mark.parametrize("far_block_first", [False, True])
def test_a_block_serving_some_of_its_rows_or_columns_through_their_own_top_k(far_block_first):
    """An off-diagonal block that serves some of its columns (or, the blocks swapped, some
    of its rows) by the block's own k best (many entries below their k-th best): 16 points
    far apart (orthogonal, 10 e_j: within their block their k-th best is ~14) but 10.0x from
    each point of the other block (a cluster at the origin, 64 below each threshold); the
    other 48 of their block sit in a tight cluster, served by nothing. The candidates
    against brute force's k best."""
    from assocmem.neighbors import _candidates_cpu

    rng = np.random.default_rng(2)
    dim = 64
    cluster = rng.normal(size=(64, dim)) * 0.01
    far = 10.0 * np.eye(dim)[:16]
    tight = 50.0 + rng.normal(size=(48, dim)) * 0.01
    parts = [far, tight, cluster] if far_block_first else [cluster, far, tight]
    X = np.vstack(parts).astype(np.float32)
    served = slice(0, 16) if far_block_first else slice(64, 80)
    sq = (X.astype(np.float64) ** 2).sum(1).astype(np.float32)
    k = 2
    val, idx = _candidates_cpu(X, sq, k, block=64, blas="numpy", workers=1)
    d2 = ((X[:, None, :].astype(np.float64) - X[None]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    best = np.sort(d2, 1)[:, :k]
    # float32 expansion at |x|^2 <= 64 * 2500: errors up to ~eps32 * 3e5 ~ 0.04
    np.testing.assert_allclose(val.numpy()[served], best[served], atol=0.05, rtol=0)
    np.testing.assert_allclose(d2[np.arange(len(X))[:, None], idx.numpy()], best,
                               atol=0.05, rtol=0)
    np.testing.assert_allclose(nearest_neighbor_distances(X, query_block=64, workers=1),
                               exact_nearest(X), rtol=1e-15, atol=0)


def test_candidates_of_m_minus_2_are_still_certified():
    """Three rows, one candidate each (k = M - 2): a near-equilateral triangle far from the
    origin, where the float32 expansion (error ~0.03 at norms ~300) ranks a row's two
    neighbours (1 and 1 + 1e-4 apart) at random. Its one candidate is then sometimes the
    farther (checked below), and the answer must still be exact (certified, redone)."""
    from assocmem.neighbors import _candidates_cpu

    rng = np.random.default_rng(0)
    wrong = 0
    for trial in range(12):
        base = rng.normal(size=3) * 300
        u, v = np.linalg.qr(rng.normal(size=(3, 3)))[0][:, :2].T
        X = np.array([base, base + u, base + (0.5 + 1e-4) * u + np.sqrt(0.75) * v],
                     dtype=np.float32)
        want = exact_nearest(X)
        sq = (X.astype(np.float64) ** 2).sum(1).astype(np.float32)
        _, idx = _candidates_cpu(X, sq, 1, block=4096, blas="numpy", workers=1)
        d = np.sqrt(((X.astype(np.float64) - X[idx.numpy()[:, 0]]) ** 2).sum(1))
        wrong += int((d > want).any())
        got = nearest_neighbor_distances(X, candidates=1, workers=1)
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=0, err_msg=f"trial {trial}")
    assert wrong >= 2
