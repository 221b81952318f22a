"""Energies of Sections 3-4: Props. 1-3 (corrected where they fail), chunking, stability."""

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

from assocmem.theory.energy import (
    distance_energy,
    global_energy,
    iterate_retrieval,
    mchn_energy,
    mchn_hessian_min_eigenvalue,
    nearest_pattern_distance,
    retrieval_update,
    separation_radius,
    squared_distances,
)

EPS = np.finfo(float).eps


@st.composite
def problems(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    d, n = draw(st.integers(1, 40)), draw(st.integers(1, 30))
    scale = 10 ** draw(st.floats(-2, 2))
    patterns = rng.normal(size=(d, n)) * scale * rng.uniform(0.1, 3, size=(d, 1))
    x = rng.normal(size=(7, n)) * scale * 2
    x[0] = patterns[0]  # a query on a pattern
    return x, patterns


def tolerance(x, patterns):
    return 64 * EPS * ((x**2).sum(-1) + (patterns**2).sum(1).max() + 1)


@given(problems())
def test_prop1(problem):
    x, patterns = problem
    g, e = nearest_pattern_distance(x, patterns), distance_energy(x, patterns)
    tol = tolerance(x, patterns)
    assert np.all(g - np.log(len(patterns)) - tol <= e)
    assert np.all(e <= g + tol)


@given(problems())
def test_prop2_one_sided(problem):
    x, patterns = problem
    sq = (patterns**2).sum(1)
    mchn = 2 * mchn_energy(x, patterns, 2.0) - np.log(len(patterns))
    diff = distance_energy(x, patterns) - mchn
    tol = tolerance(x, patterns)
    assert np.all(diff <= tol)
    assert np.all(diff >= -(sq.max() - sq.min()) - tol)


@given(problems())
def test_prop3_corrected(problem):
    """-Delta - log d <= g - 2 E_MCHN^2 <= 0 (the printed Prop. 3 puts log d on the wrong side)."""
    x, patterns = problem
    sq = (patterns**2).sum(1)
    value = nearest_pattern_distance(x, patterns) - 2 * mchn_energy(x, patterns, 2.0)
    tol = tolerance(x, patterns)
    assert np.all(value <= tol)
    assert np.all(value >= -(sq.max() - sq.min()) - np.log(len(patterns)) - tol)


def test_prop3_as_printed_fails_on_the_smallest_counterexample():
    x, patterns = [[1.0]], [[1.0], [-1.0]]
    value = nearest_pattern_distance(x, patterns) - 2 * mchn_energy(x, patterns, 2.0)
    assert value[0] == pytest.approx(-(2 + np.log(2) - np.log(np.exp(2) + np.exp(-2))))
    assert value[0] < 0  # below the printed lower bound min - max = 0


@settings(max_examples=25)
@given(problems(), st.integers(1, 7))
def test_chunked_matches_unchunked(problem, chunk):
    x, patterns = problem
    reference = -scipy.special.logsumexp(-squared_distances(x, patterns, chunk=10**6), axis=-1)
    got = distance_energy(x, patterns, chunk=chunk)
    assert np.allclose(got, reference, rtol=1e-10, atol=tolerance(x, patterns))
    assert np.allclose(nearest_pattern_distance(x, patterns, chunk=chunk),
                       squared_distances(x, patterns).min(-1), rtol=1e-9,
                       atol=tolerance(x, patterns).max())


def test_high_dimension_and_huge_distances_stay_finite():
    rng = np.random.default_rng(0)
    patterns = rng.normal(size=(20, 1_000_000)).astype(np.float64)
    x = patterns[:2] + 1.0  # squared distances ~1e6 and larger
    e = distance_energy(x, patterns)
    g = nearest_pattern_distance(x, patterns)
    assert np.all(np.isfinite(e)) and np.all(np.isfinite(g))
    assert np.allclose(g, 1e6, rtol=1e-12)  # the nearest pattern is the shifted one, exactly
    far = distance_energy(np.full((1, 3), 1e3), np.zeros((2, 3)))
    assert far[0] == pytest.approx(3e6 - np.log(2))


def test_float32_is_kept_and_accurate():
    rng = np.random.default_rng(1)
    patterns = rng.normal(size=(300, 64)).astype(np.float32)
    x = rng.normal(size=(10, 64)).astype(np.float32)
    e32 = distance_energy(x, patterns)
    e64 = distance_energy(x.astype(np.float64), patterns.astype(np.float64))
    assert np.allclose(e32, e64, rtol=1e-5, atol=1e-3)


def test_global_energy_eq8():
    energies = np.array([[3.0, 1.0, 2.0], [5.0, 5.0, 5.0]])
    glob = global_energy(energies)
    assert np.all(glob <= energies.min(-1)) and np.all(glob >= energies.min(-1) - np.log(3))
    assert glob[1] == pytest.approx(5 - np.log(3))
    assert global_energy([[4.0]])[0] == 4.0  # l = 1: equality, so Eq. 8's strict '<' fails


def test_retrieval_converges_to_separated_pattern():
    patterns = np.array([[-2.0, -0.5], [0.2, -0.3], [1.5, 1.5]])
    radius = 0.9 * separation_radius(patterns)
    starts = patterns[1] + np.array([[radius, 0.0], [0.0, -radius], [-0.5 * radius, 0.5 * radius]])
    final, steps = iterate_retrieval(starts, patterns)
    assert steps < 200
    assert np.abs(final - final[0]).max() < 1e-10
    assert np.linalg.norm(final[0] - patterns[1]) < 0.05


def test_retrieval_update_is_a_gradient_step():
    """x - grad E / 2 = sum_i softmax(-||x - rho||^2)_i rho_i for the distance energy."""
    rng = np.random.default_rng(2)
    patterns, x = rng.normal(size=(5, 3)), rng.normal(size=(1, 3))
    h = 1e-6
    grad = np.array([(distance_energy(x + h * e, patterns)[0]
                      - distance_energy(x - h * e, patterns)[0]) / (2 * h) for e in np.eye(3)])
    assert np.allclose(retrieval_update(x, patterns)[0], x[0] - grad / 2, atol=1e-6)


def test_mchn_convex_when_beta_r2_at_most_one():
    rng = np.random.default_rng(3)
    patterns = rng.normal(size=(6, 4))
    patterns /= np.linalg.norm(patterns, axis=1).max()  # max ||rho||^2 = 1
    points = rng.normal(size=(500, 4)) * 3
    assert mchn_hessian_min_eigenvalue(points, patterns, beta=1.0).min() >= -1e-12
    assert mchn_hessian_min_eigenvalue(points, 3 * patterns, beta=1.0).min() < 0


@pytest.mark.parametrize(
    ("x", "patterns", "message"),
    [([[np.nan, 0.0]], [[0.0, 0.0]], "'x' contains NaN"),
     ([[0.0, 0.0]], np.zeros((0, 2)), "'patterns' must not be empty"),
     ([[0.0, 0.0, 0.0]], [[0.0, 0.0]], "dimension 3 but 'patterns' has n = 2"),
     ([[0.0, 0.0]], [0.0, 0.0], "'patterns' must have at least 2"),
     ([[0.0, np.inf]], [[0.0, 0.0]], "must be finite")])
def test_bad_input_names_the_argument(x, patterns, message):
    for func in (distance_energy, nearest_pattern_distance):
        with pytest.raises(ValueError, match=message):
            func(x, patterns)
    with pytest.raises(ValueError, match="'beta'"):
        mchn_energy([[0.0]], [[1.0]], beta=0.0)


def test_local_minima_1d_finds_interior_minima_only():
    from assocmem.theory.energy import distance_energy, local_minima_1d

    grid = np.linspace(-6, 6, 12_001)
    far = local_minima_1d(grid, distance_energy(grid[:, None], np.array([[-4.0], [0], [4]])))
    np.testing.assert_allclose(far, [-4, 0, 4], atol=2e-3)
    # two patterns closer than the wells' width merge into one minimum between them
    near = local_minima_1d(grid, distance_energy(grid[:, None], np.array([[0.0], [1.0]])))
    assert len(near) == 1 and 0.4 < near[0] < 0.6
    assert len(local_minima_1d(grid, grid)) == 0  # monotone: none
    with pytest.raises(ValueError, match="points"):
        local_minima_1d(grid[::-1], grid)


def test_mchn_separation_and_offset_update():
    from assocmem.theory.energy import mchn_separation, mchn_update_offset

    patterns = np.array([[2.0, 0.0], [0.0, 2.0], [-1.0, 1.0]])
    # Delta_0 = 4 - max(0, -2) = 4; Delta_1 = 4 - max(0, 2) = 2; Delta_2 = 2 - max(-2, 2) = 0
    assert np.allclose(mchn_separation(patterns), [4.0, 2.0, 0.0])
    x = np.array([0.3, -0.2])
    p = scipy.special.softmax(0.7 * patterns @ x)
    direct = p @ patterns - patterns[1]
    assert np.allclose(mchn_update_offset(x, patterns, 1, beta=0.7), direct, atol=1e-14)
    # an exponentially small offset keeps its relative precision: scores (100, 0, -50) give
    # softmax_0 = 1.0 in floating point, so p @ X - x_0 loses the first coordinate's offset
    far = 5 * patterns
    assert (scipy.special.softmax(far @ far[0]) @ far - far[0])[0] == 0
    expected = np.exp(-100.0) * (far[1] - far[0]) + np.exp(-150.0) * (far[2] - far[0])
    assert np.allclose(mchn_update_offset(far[0], far, 0), expected, rtol=1e-12, atol=0)


def test_theorem_4_bound_holds_and_the_error_falls_with_the_separation():
    from assocmem.theory.energy import mchn_fixed_point_offset, mchn_one_step_error

    rng = np.random.default_rng(5)
    unit = rng.normal(size=(8, 16))
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    direction = rng.normal(size=16)
    direction /= np.linalg.norm(direction)
    rows = []
    for scale in (4.0, 5.0, 6.0, 8.0):
        patterns = scale * unit
        fixed, _ = mchn_fixed_point_offset(patterns, 0)
        moved = patterns[0] + fixed
        assert np.allclose(moved, scipy.special.softmax(patterns @ moved) @ patterns, atol=1e-12)
        rows.append(mchn_one_step_error(patterns[0] + 0.05 * scale * direction, patterns, 0))
        want = _theorem_4_in_mpmath(patterns[0] + 0.05 * scale * direction, patterns, 0)
        got = rows[-1]
        # float64: the softmax weights carry a few ulps of beta max |score| (<= scale^2) in
        # their exponents, so each offset that much relatively, and the distance between the
        # two offsets that times their sizes; the bound's exponent carries a few ulps of
        # beta (Delta + 2 reach M) <= 3 beta scale^2 (the Gram matrix's and the norms' roundings)
        score_ulps = 32 * EPS * (1 + scale**2)
        assert abs(got["distance"] - want["distance"]) <= score_ulps * (
            got["retrieval_error"] + got["fixed_offset"]), (scale, got, want)
        for key in ("fixed_offset", "retrieval_error"):
            assert got[key] == pytest.approx(want[key], rel=score_ulps, abs=0), (scale, key)
        assert got["delta"] == pytest.approx(want["delta"], rel=0, abs=8 * EPS * scale**2)
        assert got["bound"] == pytest.approx(want["bound"], rel=3 * score_ulps, abs=0), scale
    assert all(r["distance"] <= r["bound"] for r in rows)
    assert all(a["distance"] > b["distance"] for a, b in zip(rows, rows[1:], strict=False))
    assert all(a["delta"] < b["delta"] for a, b in zip(rows, rows[1:], strict=False))


def _theorem_4_in_mpmath(query, patterns, i, beta=1.0, dps=60):
    """Theorem 4's quantities by another route: the update f(x) = X softmax(beta X^T x) in
    60-digit arithmetic, its fixed point from x_i by plain iteration (no offsets needed at
    this precision), and the bound 2 beta N M^2 (N - 1) exp(-beta (Delta_i - 2 reach M))
    ||xi - x_i*|| as Ramsauer et al. print it."""
    import mpmath

    with mpmath.workdps(dps):
        rows = [[mpmath.mpf(v) for v in row] for row in patterns.tolist()]
        b = mpmath.mpf(beta)

        def dot(u, v):
            return mpmath.fsum(p * q for p, q in zip(u, v, strict=True))

        def norm(u):
            return mpmath.sqrt(dot(u, u))

        def sub(u, v):
            return [p - q for p, q in zip(u, v, strict=True)]

        def update(x):
            scores = [b * dot(r, x) for r in rows]
            top = max(scores)
            w = [mpmath.exp(s - top) for s in scores]
            total = mpmath.fsum(w)
            return [mpmath.fsum(wj * r[k] for wj, r in zip(w, rows, strict=True)) / total
                    for k in range(len(x))]

        fixed = rows[i]
        for _ in range(500):
            new = update(fixed)
            moved_by = norm(sub(new, fixed))
            fixed = new
            if moved_by < mpmath.mpf(10) ** -(dps - 5):
                break
        xi = [mpmath.mpf(v) for v in np.asarray(query).tolist()]
        moved = update(xi)
        n = len(rows)
        delta = dot(rows[i], rows[i]) - max(dot(rows[i], r) for j, r in enumerate(rows)
                                            if j != i)
        m = max(norm(r) for r in rows)
        reach = max(norm(sub(xi, rows[i])), norm(sub(fixed, rows[i])))
        jacobian = 2 * b * n * m**2 * (n - 1) * mpmath.exp(-b * (delta - 2 * reach * m))
        return {"distance": float(norm(sub(moved, fixed))),
                "bound": float(jacobian * norm(sub(xi, fixed))), "delta": float(delta),
                "fixed_offset": float(norm(sub(fixed, rows[i]))),
                "retrieval_error": float(norm(sub(moved, rows[i])))}


def test_eq4_is_the_mchn_energy_at_beta_2_up_to_a_bias_per_pattern():
    from assocmem.theory.energy import mchn_identity_gap

    rng = np.random.default_rng(3)
    x = rng.normal(size=(500, 6)) * 3
    equal = rng.normal(size=(20, 6))
    equal *= 2.0 / np.linalg.norm(equal, axis=1, keepdims=True)
    assert np.abs(mchn_identity_gap(x, equal)).max() < 1e-10
    unequal = equal * rng.uniform(0.5, 2.0, size=(20, 1))
    gap = mchn_identity_gap(x, unequal)
    norms = (unequal**2).sum(1)
    assert gap.max() <= 1e-12 and gap.min() >= -np.ptp(norms) - 1e-12 and gap.min() < -0.1
    # one pattern: E = ||x - rho||^2 and 2 E_MCHN - log 1 = ||x||^2 - 2 x.rho + ||rho||^2
    assert mchn_identity_gap(x[:1], unequal[:1])[0] == pytest.approx(0, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(problems(), st.floats(0.05, 20))
def test_retrieval_update_at_any_beta_is_softmax_attention(problem, beta):
    """sum_i softmax(-beta ||x - rho_i||^2)_i rho_i, against scipy's softmax of the squared
    distances formed directly. The package's distances come from the norm expansion, off by
    at most ``tolerance`` (a few ulps of ||x||^2 + max ||rho||^2); a weight's exponent is then
    off by beta times that, so each weight by that relative amount, and the update by that
    times 2 max ||rho|| (the weights sum to 1), plus 16 ulps of max ||rho|| for the sum."""
    x, patterns = problem
    direct = ((x[:, None, :] - patterns[None, :, :]) ** 2).sum(-1)
    want = scipy.special.softmax(-beta * direct, axis=-1) @ patterns
    top = np.abs(patterns).max()
    err = np.expm1(beta * tolerance(x, patterns))
    allow = 2 * err * np.linalg.norm(patterns, axis=1).max() + 16 * EPS * top * patterns.shape[0]
    got = retrieval_update(x, patterns, beta)
    assert np.all(np.abs(got - want) <= allow[:, None]), (np.abs(got - want).max(), allow)


def test_retrieval_update_at_beta_is_the_gradient_step_of_the_smooth_minimum():
    """For any beta, f(x) = x - grad E_beta(x) / 2 with E_beta = -LSE(beta, -||x - rho||^2)
    (the beta^-1 of LSE cancels the chain rule's beta); central differences of step h are off
    by O(h^2 beta^2) ~ 1e-8 here, and by rounding eps |E| / h ~ 1e-10."""
    from assocmem.theory.logsumexp import smooth_min

    rng = np.random.default_rng(4)
    patterns, x = rng.normal(size=(6, 3)), rng.normal(size=3)
    h = 1e-5
    for beta in (0.3, 2.5):
        def energy(y, beta=beta):
            return float(smooth_min(((y - patterns) ** 2).sum(1), beta))

        grad = np.array([(energy(x + h * e) - energy(x - h * e)) / (2 * h) for e in np.eye(3)])
        np.testing.assert_allclose(retrieval_update(x[None], patterns, beta)[0],
                                   x - grad / 2, atol=1e-7, rtol=0)
    # a wrong temperature is far outside that: the update at beta = 2.5 is not the one at 1
    assert np.abs(retrieval_update(x[None], patterns, 2.5)
                  - retrieval_update(x[None], patterns, 1.0)).max() > 1e-2


def test_mchn_energies_covariance_and_hessian_at_beta_against_the_formulas():
    """At beta = 0.7 and on a batch of shape (2, 3, n), each function against its formula
    written out with scipy (per query, no broadcasting): -LSE(beta, M^T x); E_MCHN; the
    softmax covariance sum_i p_i rho_i rho_i^T - m m^T; its Hessian's smallest eigenvalue
    1 - beta lambda_max, which is also that of a central-difference Hessian of E_MCHN (step
    1e-4: error O(h^2) ~ 1e-8, rounding eps |E| / h^2 ~ 1e-7). Tolerances: 1e-12 relative,
    the few ulps of scores of size ~10."""
    from assocmem.theory.energy import (
        neg_logsumexp_energy,
        softmax_pattern_covariance,
    )

    rng = np.random.default_rng(8)
    patterns = rng.normal(size=(5, 3)) * 2
    x = rng.normal(size=(2, 3, 3)) * 2
    beta = 0.7
    for idx in np.ndindex(2, 3):
        q = x[idx]
        scores = patterns @ q
        lse = scipy.special.logsumexp(beta * scores) / beta
        assert neg_logsumexp_energy(x, patterns, beta)[idx] == pytest.approx(-lse, rel=1e-12)
        mchn = -lse + q @ q / 2 + np.log(5) / beta + (patterns**2).sum(1).max() / 2
        assert mchn_energy(x, patterns, beta)[idx] == pytest.approx(mchn, rel=1e-12)
        p = scipy.special.softmax(beta * scores)
        mean = p @ patterns
        cov = sum(pi * np.outer(r, r) for pi, r in zip(p, patterns, strict=True)) \
            - np.outer(mean, mean)
        np.testing.assert_allclose(softmax_pattern_covariance(x, patterns, beta)[idx], cov,
                                   rtol=1e-12, atol=1e-12)
        lowest = 1 - beta * np.linalg.eigvalsh(cov)[-1]
        assert mchn_hessian_min_eigenvalue(x, patterns, beta)[idx] == pytest.approx(
            lowest, rel=1e-12, abs=1e-12)
        h, eye = 1e-4, np.eye(3)

        def energy(y):
            return float(mchn_energy(y[None], patterns, beta)[0])

        hessian = np.array([[(energy(q + h * a + h * b) - energy(q + h * a - h * b)
                              - energy(q - h * a + h * b) + energy(q - h * a - h * b))
                             / (4 * h * h) for b in eye] for a in eye])
        assert np.linalg.eigvalsh(hessian)[0] == pytest.approx(lowest, abs=1e-5)
    for func in (neg_logsumexp_energy, mchn_energy, softmax_pattern_covariance,
                 mchn_hessian_min_eigenvalue):
        for bad in (0.0, -1.0):
            with pytest.raises(ValueError, match="parameter 'beta' must be a finite number "):
                func(x, patterns, bad)


def test_separation_radius_and_the_fixed_point_at_beta():
    from assocmem.theory.energy import mchn_fixed_point_offset

    patterns = np.array([[0.0, 0.0], [3.0, 4.0], [10.0, 0.0]])
    assert separation_radius(patterns) == 2.5  # half of |(3, 4)| = 5
    assert separation_radius(patterns[:2]) == 2.5
    with pytest.raises(ValueError, match="'patterns' needs at least two"):
        separation_radius(patterns[:1])
    with pytest.raises(ValueError, match="argument 'patterns' must have at least 2"):
        separation_radius(np.zeros(3))
    # the fixed point from pattern 0 at beta = 0.5, against 60-digit iteration
    rng = np.random.default_rng(6)
    unit = rng.normal(size=(5, 8))
    unit *= 4 / np.linalg.norm(unit, axis=1, keepdims=True)
    offset, steps = mchn_fixed_point_offset(unit, 0, beta=0.5)
    want = _theorem_4_in_mpmath(unit[0], unit, 0, beta=0.5)["fixed_offset"]
    assert 1 < steps < 1000
    assert np.linalg.norm(offset) == pytest.approx(want, rel=32 * EPS * (1 + 0.5 * 16))
    again, one = mchn_fixed_point_offset(unit, 0, beta=0.5, steps=1)
    assert one == 1 and np.linalg.norm(again) != pytest.approx(want, rel=1e-6)


def test_iterate_retrieval_counts_its_steps():
    """The loop written out: x <- f(x) until no coordinate moves more than tol."""
    rng = np.random.default_rng(9)
    patterns, x = rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    for beta, tol in ((1.0, 1e-12), (3.0, 1e-6)):
        y, count = x.copy(), 0
        while True:
            new = retrieval_update(y, patterns, beta)
            count += 1
            moved, y = np.abs(new - y).max(), new
            if moved <= tol:
                break
        got, steps = iterate_retrieval(x, patterns, beta, tol=tol)
        assert steps == count and np.array_equal(got, y)
    got, steps = iterate_retrieval(x, patterns, 1.0, steps=2, tol=0.0)
    assert steps == 2
    np.testing.assert_array_equal(got, retrieval_update(retrieval_update(x, patterns),
                                                        patterns))


def test_the_covariance_shifts_each_query_by_its_own_maximum():
    """Two queries whose scores differ by 1e3: shifting both by the larger maximum would
    underflow the other's weights to 0 (0/0); each must come out as its own softmax."""
    from assocmem.theory.energy import softmax_pattern_covariance

    patterns = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    x = np.array([[0.3, -0.2], [700.0, 699.0]])
    cov = softmax_pattern_covariance(x, patterns)
    for q, c in zip(x, cov, strict=True):
        p = scipy.special.softmax(patterns @ q)
        mean = p @ patterns
        want = sum(pi * np.outer(r, r) for pi, r in zip(p, patterns, strict=True)) \
            - np.outer(mean, mean)
        np.testing.assert_allclose(c, want, rtol=1e-12, atol=1e-15)


def test_local_minima_1d_checks_its_grid():
    from assocmem.theory.energy import local_minima_1d

    points = np.array([0.0, 1.0, 2.0])
    assert local_minima_1d(points, np.array([1.0, 0.0, 1.0])).tolist() == [1.0]
    assert local_minima_1d(points, np.array([1.0, 1.0, 2.0])).size == 0  # a tie: not strict
    assert local_minima_1d(points, np.array([2.0, 1.0, 1.0])).size == 0
    for bad_points, bad_values in ((points, np.zeros(4)), (points[:2], np.zeros(2)),
                                   (np.array([0.0, 1.0, 1.0]), np.zeros(3)),
                                   (np.zeros((3, 1)), np.zeros((3, 1)))):
        with pytest.raises(ValueError, match="'points' \\(increasing\\) and 'values'"):
            local_minima_1d(bad_points, bad_values)
    for name, args in (("points", (np.array([np.nan, 1, 2]), np.zeros(3))),
                       ("values", (points, np.array([np.nan, 1, 2])))):
        with pytest.raises(ValueError, match=f"argument '{name}' contains NaN"):
            local_minima_1d(*args)


def test_mchn_separation_exactly_and_its_argument_checks():
    """Delta_i = x_i.x_i - max_{j != i} x_i.x_j in exact integer arithmetic (small integer
    patterns: every float64 product and sum is exact)."""
    from assocmem.theory.energy import mchn_separation

    rng = np.random.default_rng(12)
    patterns = rng.integers(-9, 10, size=(6, 5))
    rows = patterns.tolist()
    want = [sum(a * a for a in r) - max(sum(a * b for a, b in zip(r, s, strict=True))
                                        for j, s in enumerate(rows) if j != i)
            for i, r in enumerate(rows)]
    got = mchn_separation(patterns)
    assert got.dtype == np.float64 and got.tolist() == want
    cross = sum(a * b for a, b in zip(rows[0], rows[1], strict=True))
    assert mchn_separation(patterns[:2]).tolist() == [sum(a * a for a in rows[0]) - cross,
                                                      sum(a * a for a in rows[1]) - cross]
    for bad, message in ((np.zeros(3), "argument 'patterns' must have at least 2"),
                         (np.zeros((1, 3)), "d >= 2"), (np.zeros((2, 2, 2)), "shape \\(d, n\\)"),
                         (np.array([[np.nan, 0.0], [0.0, 0.0]]), "'patterns' contains NaN")):
        with pytest.raises(ValueError, match=message):
            mchn_separation(bad)


def test_mchn_update_offset_checks_its_query_index_and_beta():
    from assocmem.theory.energy import mchn_update_offset

    patterns = np.array([[2.0, 0.0], [0.0, 2.0], [-1.0, 1.0]])
    x = np.array([0.3, -0.2])
    for i in (0, 2):  # the first and the last index
        p = scipy.special.softmax(patterns @ x)
        np.testing.assert_allclose(mchn_update_offset(x, patterns, i),
                                   p @ (patterns - patterns[i]), rtol=1e-14, atol=1e-16)
    assert np.array_equal(mchn_update_offset(x, patterns, 1),
                          mchn_update_offset(x, patterns, 1, beta=1.0))
    for i in (-1, 3):
        with pytest.raises(ValueError, match="argument 'i' must be a pattern index"):
            mchn_update_offset(x, patterns, i)
    with pytest.raises(ValueError, match="argument 'x' must have shape \\(n,\\)"):
        mchn_update_offset(x[None], patterns, 0)
    for beta in (0.0, -1.0):
        with pytest.raises(ValueError, match="parameter 'beta'"):
            mchn_update_offset(x, patterns, 0, beta=beta)
    with pytest.raises(ValueError, match="argument 'x'"):
        mchn_update_offset([np.nan, 0.0], patterns, 0)


def test_the_fixed_point_is_converged_to_its_relative_tolerance():
    """Weakly separated patterns (a metastable fixed point far from x_i): the offset returned
    must solve offset = f(x_i + offset) - x_i to ~1e-13 of itself, and the step count is the
    loop's, written out with the default rtol 1e-14."""
    from assocmem.theory.energy import mchn_fixed_point_offset, mchn_update_offset

    patterns = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-0.5, 0.2]])
    for beta in (1.0, 3.0):
        offset, steps = mchn_fixed_point_offset(patterns, 0, beta)
        again = mchn_update_offset(patterns[0] + offset, patterns, 0, beta)
        assert np.abs(again - offset).max() <= 1e-13 * np.abs(offset).max()
        assert np.linalg.norm(offset) > 0.1  # pulled well away from the pattern
        want, count = np.zeros(2), 0
        while count < 1000:
            new = mchn_update_offset(patterns[0] + want, patterns, 0, beta)
            count += 1
            done = np.abs(new - want).max() <= 1e-14 * np.abs(new).max()
            want = new
            if done:
                break
        assert steps == count > 5 and np.array_equal(offset, want)
    loose, few = mchn_fixed_point_offset(patterns, 0, 1.0, rtol=1e-3)
    assert few < steps


def test_theorem_4_at_another_beta_and_its_beta_check():
    from assocmem.theory.energy import mchn_one_step_error

    rng = np.random.default_rng(5)
    unit = rng.normal(size=(6, 8))
    patterns = 3.0 * unit / np.linalg.norm(unit, axis=1, keepdims=True)
    query = patterns[2] + 0.05 * rng.normal(size=8)
    for beta in (0.5, 2.0):
        got = mchn_one_step_error(query, patterns, 2, beta=beta)
        want = _theorem_4_in_mpmath(query, patterns, 2, beta=beta)
        assert set(got) == set(want)
        ulps = 32 * EPS * (1 + beta * 9)  # as in the test above: beta max |score| <= 9 beta
        assert got["delta"] == pytest.approx(want["delta"], rel=0, abs=8 * EPS * 9)
        for key in ("fixed_offset", "retrieval_error"):
            assert got[key] == pytest.approx(want[key], rel=ulps), (beta, key)
        assert abs(got["distance"] - want["distance"]) <= ulps * (
            got["retrieval_error"] + got["fixed_offset"])
        assert got["bound"] == pytest.approx(want["bound"], rel=3 * ulps), beta
    assert mchn_one_step_error(query, patterns, 2) == mchn_one_step_error(query, patterns, 2,
                                                                          beta=1.0)
    for beta in (0.0, -2.0):
        with pytest.raises(ValueError, match="parameter 'beta'"):
            mchn_one_step_error(query, patterns, 2, beta=beta)
    with pytest.raises(ValueError, match="argument 'x' has dimension"):
        mchn_one_step_error(query[:3], patterns, 2)


def test_dtypes_batches_chunks_defaults_and_checks_of_the_energy_functions():
    """float32 stays float32 only when both inputs are (the distances; E is summed in float64);
    a (2, 4, n) batch of queries is the eight queries one by one; squared distances over
    several chunks are the direct ones in order; the defaults (beta = 1, 200 and 1000 steps),
    tolerances met exactly (moved == 0) or never, and retrieval_update's beta check."""
    from assocmem.theory.energy import (
        mchn_fixed_point_offset,
        mchn_update_offset,
        neg_logsumexp_energy,
    )

    rng = np.random.default_rng(21)
    patterns = rng.normal(size=(7, 3))
    x = rng.normal(size=(2, 4, 3))  # (2, 4, n = 3): no axis of the batch has length n
    f32, p32 = x.astype(np.float32), patterns.astype(np.float32)
    for func in (squared_distances, nearest_pattern_distance):  # (E sums in float64)
        assert func(f32, p32).dtype == np.float32, func.__name__
        assert func(f32, patterns).dtype == np.float64, func.__name__
        assert func(x, p32).dtype == np.float64, func.__name__
    direct = ((x[..., None, :] - patterns) ** 2).sum(-1)  # (2, 4, 7)
    for chunk in (2, 3, 7):
        np.testing.assert_allclose(squared_distances(x, patterns, chunk), direct,
                                   rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(distance_energy(x, patterns, 3),
                               -scipy.special.logsumexp(-direct, axis=-1), rtol=1e-12)
    for beta in (1.0, 0.4):
        got = retrieval_update(x, patterns, beta)
        w = scipy.special.softmax(-beta * direct, axis=-1)
        np.testing.assert_allclose(got, w @ patterns, rtol=1e-12, atol=1e-15)
    for beta in (0.0, -1.0):
        with pytest.raises(ValueError, match="parameter 'beta'"):
            retrieval_update(x, patterns, beta)
    # defaults: beta = 1 (not 2)
    q = x[0]
    for func in (mchn_energy, neg_logsumexp_energy, mchn_hessian_min_eigenvalue):
        assert np.array_equal(func(q, patterns), func(q, patterns, 1.0)), func.__name__
        assert not np.allclose(func(q, patterns), func(q, patterns, 2.0)), func.__name__
    got, steps = iterate_retrieval(q, patterns)
    want, _ = iterate_retrieval(q, patterns, 1.0)
    assert np.array_equal(got, want) and not np.allclose(iterate_retrieval(q, patterns, 2.0)[0],
                                                         got)
    # a tolerance never met: every step is taken, 200 and 1000 by default
    assert iterate_retrieval(q, patterns, tol=-1.0)[1] == 200
    assert mchn_fixed_point_offset(patterns, 0, rtol=-1.0)[1] == 1000
    offset, steps = mchn_fixed_point_offset(patterns, 0, rtol=-1.0, steps=3)
    want = np.zeros(3)
    for _ in range(3):
        want = mchn_update_offset(patterns[0] + want, patterns, 0)
    assert steps == 3 and np.array_equal(offset, want)
    # an exact fixed point stops at once (moved == 0 meets a tolerance of 0)
    assert iterate_retrieval([[0.0, 0.0]], [[1.0, 0.0], [-1.0, 0.0]], tol=0.0)[1] == 1
    far = 1e3 * np.eye(3)  # the other patterns' weights underflow to 0: offset exactly 0
    offset, steps = mchn_fixed_point_offset(far, 1)
    assert steps == 1 and not offset.any()


def test_the_update_offset_at_huge_scores_and_the_global_energy_axis():
    """Scores of 400 overflow exp unless shifted by their maximum; global_energy over either
    axis, and its own argument check."""
    from assocmem.theory.energy import mchn_update_offset

    patterns = 10 * np.array([[2.0, 0.0], [0.0, 2.0], [-1.0, 1.0]])
    x = patterns[0]  # scores (400, 0, -200)
    want = np.exp(-400.0) * (patterns[1] - patterns[0]) + np.exp(-600.0) * (patterns[2]
                                                                            - patterns[0])
    np.testing.assert_allclose(mchn_update_offset(x, patterns, 0), want, rtol=1e-12, atol=0)
    e = np.array([[1.0, 2.0, 4.0], [0.5, 3.0, 3.0]])
    np.testing.assert_allclose(global_energy(e), -scipy.special.logsumexp(-e, axis=1),
                               rtol=1e-15)
    np.testing.assert_allclose(global_energy(e, axis=0), -scipy.special.logsumexp(-e, axis=0),
                               rtol=1e-15)
    with pytest.raises(ValueError, match="argument 'layer_energies' contains NaN"):
        global_energy([1.0, np.nan])
