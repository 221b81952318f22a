"""Section 5 / App. D.2 in log space, against 30-digit mpmath and quadrature."""

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special

from assocmem.theory.partition import (
    critical_radius,
    log_ball_volume,
    log_gaussian_ball_mass,
    log_gaussian_ball_mass_mpmath,
    log_layer_partition_bounds,
    log_lower_gamma,
    log_offset_ball_mass,
    log_paper_ball_mass,
    log_patterns_for_unit_partition,
    log_regularized_lower_gamma,
    log_replacement_ratio,
    log_z_bounds_corrected,
    log_z_bounds_printed,
    regular_simplex,
)

EPS = np.finfo(float).eps
dims = st.integers(1, 10**6)
radii = st.floats(1e-3, 2e3)


@settings(max_examples=60, deadline=None)
@given(dims, radii)
def test_mass_matches_mpmath(n, r):
    exact = log_gaussian_ball_mass_mpmath(n, r)
    assert log_gaussian_ball_mass(n, r) == pytest.approx(exact, rel=1e-11, abs=1e-11)


@given(dims, radii)
def test_corrected_ball_bounds(n, r):
    mass, volume = log_gaussian_ball_mass(n, r), log_ball_volume(n, r)
    tol = 1e-9 * max(1.0, abs(volume))
    assert volume - r**2 - tol <= mass <= volume + tol


@given(dims, radii)
def test_lemma5(n, r):
    lg, up = log_lower_gamma(n, r), n * np.log(r) - np.log(n)
    tol = 1e-9 * max(1.0, abs(up))
    assert up - r - tol <= lg <= up + tol


def test_printed_lower_bound_fails_at_the_papers_radius():
    r = critical_radius(1024)
    assert log_ball_volume(1024, r) - r > log_gaussian_ball_mass(1024, r) + 40
    printed_low, _ = log_z_bounds_printed(1024, 1, r)
    corrected_low, upper = log_z_bounds_corrected(1024, 1, r)
    assert corrected_low <= log_gaussian_ball_mass(1024, r) <= upper < printed_low + 20


def test_closed_form_eq12_is_not_the_integral():
    exact = integrate.quad(lambda t: np.exp(-t * t), -1, 1)[0]
    assert np.exp(log_gaussian_ball_mass(1, 1.0)) == pytest.approx(exact, rel=1e-12)
    assert np.exp(log_paper_ball_mass(1, 1.0)) == pytest.approx(2 * (1 - np.exp(-1)), rel=1e-12)


def test_no_overflow_for_huge_n_and_tiny_r():
    values = log_gaussian_ball_mass(np.array([1e6, 1e7, 1.0]), np.array([1e-3, 1e-3, 1e-300]))
    assert np.all(np.isfinite(values))
    assert log_regularized_lower_gamma(5e5, 1.0) == pytest.approx(
        float(mpmath.log(mpmath.gammainc(5e5, 0, 1, regularized=True))), rel=1e-12)


def test_critical_radius_and_volume():
    assert critical_radius(1024) == pytest.approx(np.sqrt(1024 / (2 * np.pi * np.e)))
    assert log_ball_volume(3, 2.0) == pytest.approx(np.log(4 / 3 * np.pi * 8))
    assert log_ball_volume(4, 0.0) == -np.inf
    n = np.array([10.0, 1e3, 1e6])
    assert np.allclose(log_ball_volume(n, 1.0),
                       0.5 * n * np.log(np.pi) - special.gammaln(n / 2 + 1))


def test_unit_partition_scaling():
    ns = np.array([1e4, 1e5, 1e6])
    paper = log_patterns_for_unit_partition(ns, False)
    exact = log_patterns_for_unit_partition(ns, True)
    assert np.allclose(np.diff(np.log(ns)) / np.diff(paper), 2.0, rtol=1e-3)  # n ~ d^2
    # n ~ 2 pi e log d
    assert np.allclose(np.diff(ns) / np.diff(exact), 2 * np.pi * np.e, rtol=1e-3)


@pytest.mark.parametrize(("n", "r", "message"), [(0, 1.0, "'n'"), (-3, 1.0, "'n'"),
                                                 (3, -1.0, "'r'"), (np.nan, 1.0, "'n'")])
def test_bad_input(n, r, message):
    with pytest.raises(ValueError, match=message):
        log_gaussian_ball_mass(n, r)


def test_stirling_relative_error_is_one_over_12z_in_the_sector_and_not_near_the_poles():
    from assocmem.theory.partition import stirling_relative_error

    assert stirling_relative_error(1) == pytest.approx(np.sqrt(np.e**2 / (2 * np.pi)) - 1)
    for z in (1e3, 1e8, 1e3j):
        assert abs(z) * stirling_relative_error(z) == pytest.approx(1 / 12, rel=1e-3)
    # Gamma(-10.5) / (its Stirling form) = -0.496: the error does not shrink along the poles
    assert stirling_relative_error(-10.5) == pytest.approx(1.496, abs=1e-3)
    assert stirling_relative_error(-1000.5) > 1.4
    with pytest.raises(ValueError, match="pole"):
        stirling_relative_error(-3)


# ---- Eq. 5 and Eq. 12 with several patterns ------------------------------------------------------
def _uniform_in_ball(rng, count, n, r):
    """Uniform points in the n-ball of radius r around 0."""
    direction = rng.normal(size=(count, n))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    return direction * r * rng.uniform(size=(count, 1)) ** (1 / n)


def _ball_volume(n, r):
    return np.exp(log_ball_volume(n, r))


@settings(max_examples=30, deadline=None)
@given(st.floats(0.05, 3.0), st.floats(0.0, 6.0))
def test_offset_mass_in_one_dimension_is_an_erf_difference(r, s):
    if s > r:  # erfc keeps the difference accurate far from the ball
        exact = np.sqrt(np.pi) / 2 * (special.erfc(s - r) - special.erfc(s + r))
    else:
        exact = np.sqrt(np.pi) / 2 * (special.erf(s + r) - special.erf(s - r))
    assert np.isclose(np.exp(log_offset_ball_mass(1, r, s)), exact, rtol=1e-9, atol=1e-300)


def test_offset_mass_at_distance_zero_is_the_ball_mass_and_falls_with_distance():
    for n in (1, 3, 50, 1024, 10**5):
        r = float(critical_radius(n))
        assert np.isclose(log_offset_ball_mass(n, r, 0.0), log_gaussian_ball_mass(n, r),
                          rtol=1e-10)
        masses = log_offset_ball_mass(n, r, np.array([0.0, 0.5, 1.0, 2.0]) * r)
        assert np.all(np.diff(masses) < 0) and np.isfinite(masses).all()


def test_offset_mass_matches_monte_carlo():
    rng = np.random.default_rng(0)
    n, r, s = 3, 0.8, 1.3
    y = _uniform_in_ball(rng, 400_000, n, r)
    v = np.zeros(n)
    v[0] = s
    mc = np.mean(np.exp(-((y - v) ** 2).sum(1))) * _ball_volume(n, r)
    assert abs(np.log(mc) - log_offset_ball_mass(n, r, s)) < 0.01


def test_replacement_ratio_matches_monte_carlo_on_a_simplex():
    from assocmem.theory.energy import distance_energy, nearest_pattern_distance

    rng = np.random.default_rng(1)
    n, d, r = 3, 4, 0.6
    patterns = regular_simplex(d, n, 2 * r)
    dist = np.linalg.norm(patterns[:, None] - patterns[None], axis=-1)
    assert patterns.shape == (d, n) and np.allclose(dist[~np.eye(d, dtype=bool)], 2 * r)
    x = np.concatenate([p + _uniform_in_ball(rng, 100_000, n, r) for p in patterns])
    z_e = np.mean(np.exp(-distance_energy(x, patterns)))
    z_g = np.mean(np.exp(-nearest_pattern_distance(x, patterns)))
    assert abs(np.log(z_e / z_g) - log_replacement_ratio(n, r, d)) < 0.01


def test_replacement_ratio_needs_wide_balls_not_just_disjoint_ones():
    # tiny disjoint balls: E is g - log d almost everywhere on Omega
    assert np.isclose(log_replacement_ratio(1024, 1e-3, 1025), np.log(1025), atol=1e-3)
    # at the critical radius it vanishes exponentially in n
    ratios = [float(log_replacement_ratio(n, critical_radius(n), n + 1)) for n in (32, 128, 512)]
    assert ratios[0] > 1e-3 and ratios[1] < 1e-8 and ratios[2] < 1e-40
    assert log_replacement_ratio(8, 0.5, 1) == 0.0
    with pytest.raises(ValueError, match="overlap"):
        log_replacement_ratio(8, 1.0, 4, separation=1.5)


def test_layer_partition_is_the_layers_own_balls_not_all_d():
    rng = np.random.default_rng(2)
    n, r, spacing, layers = 2, 0.9, 2.0, 4
    grid = np.array([(i, j) for i in range(4) for j in range(3)], dtype=float) * spacing
    layer = grid[rng.permutation(len(grid))[: len(grid) // layers]]
    x = np.concatenate([p + _uniform_in_ball(rng, 50_000, n, r) for p in grid])
    g_t = np.min(((x[:, None] - layer[None]) ** 2).sum(-1), axis=1)
    z_t = np.mean(np.exp(-g_t)) * len(grid) * _ball_volume(n, r)
    lower, upper = log_layer_partition_bounds(n, r, len(layer), len(grid), spacing)
    assert lower - 0.01 <= np.log(z_t) <= upper + 0.01
    printed = np.log(len(grid)) + log_gaussian_ball_mass(n, r)  # Eq. 12's sum over all d balls
    assert printed - upper > np.log(layers) - 0.5
    # in high dimension the bracket closes on d_t m: the printed sum is l times too large
    lo, hi = log_layer_partition_bounds(1024, critical_radius(1024), 128, 1024)
    assert hi - lo < 1e-50
    assert np.isclose(np.log(1024) + log_gaussian_ball_mass(1024, critical_radius(1024)) - hi,
                      np.log(8))


# ---- each function against a second route, away from the paths the tests above take ---------
def _mp_log_lower_gamma(s, x, dps=40):
    with mpmath.workdps(dps):
        return float(mpmath.log(mpmath.gammainc(mpmath.mpf(s), 0, mpmath.mpf(x))))


def _mp_log_kummer(a, x, dps=40):
    """log S(a, x), S = sum_k x^k / ((a+1)...(a+k)), summed term by term at 40 digits."""
    with mpmath.workdps(dps):
        a, x = mpmath.mpf(a), mpmath.mpf(x)
        term, total, k = mpmath.mpf(1), mpmath.mpf(1), 0
        while True:
            k += 1
            term *= x / (a + k)
            total += term
            if term < total * mpmath.mpf(10) ** -(dps - 2):
                return mpmath.log(total)


def test_lower_gamma_on_both_sides_of_the_underflow_against_mpmath():
    """log gamma(s, x) where P(s, x) is ordinary (scipy's P) and where it is far below 1e-250
    (the Kummer series, and its fallback when the series' first term is below 1e-280)."""
    cases = [(2.5, 1.0), (10.0, 30.0), (3.0, 0.0), (1e6, 1.0), (400.0, 1.0), (1e6, 1e-300),
             (5e7, 2.0)]
    for s, x in cases:
        got = float(log_lower_gamma(s, x))
        if x == 0:
            assert got == -np.inf
            continue
        want = _mp_log_lower_gamma(s, x)
        # gammaln(s) ~ s log s enters the ordinary path: a few ulps of it; the series path
        # is relative to its own size s log x - x - log s
        allow = 8 * EPS * (abs(want) + abs(special.gammaln(s)))
        assert abs(got - want) <= allow, (s, x, got, want)
    got = log_lower_gamma(np.array([2.5, 1e6]), np.array([1.0, 1.0]))
    np.testing.assert_allclose(got, [_mp_log_lower_gamma(2.5, 1.0), _mp_log_lower_gamma(1e6, 1.0)],
                               rtol=1e-13)


def test_regularized_lower_gamma_series_and_log_x_against_mpmath():
    for a, x in ((5e5, 1.0), (300.0, 2.0), (2e3, 0.5), (50.0, 1e-3)):
        with mpmath.workdps(40):
            want = float(mpmath.log(mpmath.gammainc(a, 0, x, regularized=True)))
        assert float(log_regularized_lower_gamma(a, x)) == pytest.approx(want, rel=1e-13)
    # x underflows (r = 1e-200, x = r^2 = 0): its log is passed instead
    log_x = 2 * np.log(1e-200)
    with mpmath.workdps(40):
        x = mpmath.mpf("1e-200") ** 2
        want = float(mpmath.log(mpmath.gammainc(3, 0, x, regularized=True)))
    assert float(log_regularized_lower_gamma(3.0, 0.0, log_x)) == pytest.approx(want, rel=1e-14)
    assert float(log_regularized_lower_gamma(3.0, 0.0)) == -np.inf
    assert float(log_regularized_lower_gamma(0.5, 4.0)) == pytest.approx(
        np.log(special.erf(2.0)), rel=1e-15)


def test_kummer_series_value_error_bound_and_flags():
    from assocmem.theory.checks.rounding import LIBM_ULPS, UNIT_ROUNDOFF
    from assocmem.theory.partition import log_kummer_mpmath, log_kummer_series

    a = np.array([1.0, 10.0, 1e4, 1e6, 50.0, 5.0, 3.0, 7.0])
    x = np.array([2.5, 10.0, 1e4, 1.0, 0.0, 7.0, 1e-300, 8.0])
    value, error, ok = log_kummer_series(a, x)
    assert ok.tolist() == [False, True, True, True, True, False, False, True]
    for i in np.flatnonzero(ok):
        want = float(_mp_log_kummer(a[i], x[i]))
        assert abs(value[i] - want) <= error[i], (a[i], x[i])
        assert float(log_kummer_mpmath(a[i], x[i])) == pytest.approx(want, rel=1e-15, abs=0)
        # the bound by hand: K terms (the loop stops at the first term below 2^-60 of the sum
        # once x / (a + k + 1) <= 1/2), (4 K + 2 LIBM_ULPS) u + 2^-60, times 1.01
        term, total, k = x[i] / (a[i] + 1), x[i] / (a[i] + 1), 1
        while term > 0 and not (term <= 2.0**-60 * total and x[i] <= 0.5 * (a[i] + k + 1)):
            k += 1
            term = term * x[i] / (a[i] + k)
            total += term
        rel = (4 * k + 2 * LIBM_ULPS) * UNIT_ROUNDOFF + 2.0**-60
        assert error[i] == pytest.approx(1.01 * rel * value[i], rel=1e-12, abs=0), (a[i], x[i])
    assert value[4] == 0.0 and error[4] == 0.0
    # no convergence in the terms allowed
    assert not log_kummer_series(1e4, 1e4, max_terms=50)[2]
    assert log_kummer_series(1e4, 1e4, max_terms=10**6)[2]
    assert [v.shape for v in log_kummer_series(np.array([[2.0, 3.0]]), 1.0)] == [(1, 2)] * 3
    assert log_kummer_series(0.0, 0.5)[2] == False  # noqa: E712 (a numpy bool)
    with mpmath.workdps(50):
        assert float(log_kummer_mpmath(3.0, 2.0, digits=50)) == pytest.approx(
            float(_mp_log_kummer(3.0, 2.0, dps=50)), rel=1e-15, abs=0)


def test_critical_radius_stirling_and_the_bounds_by_hand():
    from assocmem.theory.partition import (
        log_stirling_ball_volume,
        stirling_ball_volume_relative_error,
        stirling_relative_error,
    )

    n = np.array([3.0, 40.0, 1e4])
    np.testing.assert_allclose(critical_radius(n), np.sqrt(n / (2 * np.pi * np.e)), rtol=1e-15)
    np.testing.assert_allclose(log_stirling_ball_volume(n),
                               -0.5 * np.log(n * np.pi) + 0.5 * n * np.log(2 * np.pi * np.e / n),
                               rtol=1e-14)
    rel = stirling_ball_volume_relative_error(n)
    for v, got in zip(n, rel, strict=True):
        with mpmath.workdps(40):  # V_stirling / V_n(1) - 1 from its definition
            log_v = v / 2 * mpmath.log(mpmath.pi) - mpmath.loggamma(v / 2 + 1)
            log_s = -mpmath.log(v * mpmath.pi) / 2 + v / 2 * mpmath.log(
                2 * mpmath.pi * mpmath.e / v)
            want = float(mpmath.expm1(log_s - log_v))
        assert got == pytest.approx(want, rel=1e-12)
        assert got == stirling_relative_error(v / 2)
    assert stirling_ball_volume_relative_error(np.array([[3.0]])).shape == (1, 1)
    assert stirling_ball_volume_relative_error(3.0, digits=15) == pytest.approx(rel[0], rel=1e-12)
    for func in (critical_radius, stirling_ball_volume_relative_error):
        for bad in (0.0, -1.0, np.inf):
            with pytest.raises(ValueError, match="argument 'n'"):
                func(bad)
    for n_, r in ((5.0, 0.7), (1e3, 30.0)):
        log_v = float(log_ball_volume(n_, r))
        low, up = log_z_bounds_printed(n_, 7.0, r)
        assert (low, up) == (pytest.approx(np.log(7) + log_v - r, rel=1e-15),
                             pytest.approx(np.log(7) + log_v, rel=1e-15))
        low, up = log_z_bounds_corrected(n_, 7.0, r)
        assert (low, up) == (pytest.approx(np.log(7) + log_v - r**2, rel=1e-15),
                             pytest.approx(np.log(7) + log_v, rel=1e-15))
    for bad_n, bad_r in ((np.inf, 1.0), (2.0, np.inf)):
        with pytest.raises(ValueError, match="finite"):
            log_ball_volume(bad_n, bad_r)
    assert log_gaussian_ball_mass(2.0, 0.0) == -np.inf
    with pytest.raises(ValueError, match="argument 'r' contains NaN"):
        log_gaussian_ball_mass(2.0, np.nan)


def test_unit_partition_and_the_mpmath_reference_by_hand():
    n = np.array([10.0, 300.0])
    r = np.sqrt(n / (2 * np.pi * np.e))
    np.testing.assert_array_equal(log_patterns_for_unit_partition(n),
                                  -log_gaussian_ball_mass(n, r))
    np.testing.assert_array_equal(log_patterns_for_unit_partition(n, exact=False),
                                  -log_ball_volume(n, r))
    # the reference: pi^(n/2) P(n/2, r^2) by mpmath, and where mpmath's series gives up
    for nn, rr in ((4.0, 1.5), (10.0, 0.3)):
        with mpmath.workdps(30):
            want = float(nn / 2 * mpmath.log(mpmath.pi)
                         + mpmath.log(mpmath.gammainc(nn / 2, 0, rr**2, regularized=True)))
        assert log_gaussian_ball_mass_mpmath(nn, rr) == pytest.approx(want, rel=1e-14)
    assert log_gaussian_ball_mass_mpmath(2.0, 30.0) == pytest.approx(np.log(np.pi), rel=1e-15)


def test_offset_ratio_and_layer_bounds_by_their_formulas():
    """log_replacement_ratio = log(1 + (d - 1) offset / m), and the layer bracket
    [log(d_t m), log(d_t m + (d - d_t) d_t offset)], from the masses they are built of."""
    n, r, sep = 4.0, 0.8, 2.5
    m = float(log_gaussian_ball_mass(n, r))
    off = float(log_offset_ball_mass(n, r, sep))
    off2r = float(log_offset_ball_mass(n, r, 2 * r))
    assert float(log_replacement_ratio(n, r, 5.0, sep)) == pytest.approx(
        np.log1p(4 * np.exp(off - m)), rel=1e-13)
    assert float(log_replacement_ratio(n, r, 5.0)) == pytest.approx(
        np.log1p(4 * np.exp(off2r - m)), rel=1e-13)
    low, up = log_layer_partition_bounds(n, r, 2.0, 6.0, sep)
    assert float(low) == pytest.approx(np.log(2) + m, rel=1e-14)
    assert float(up) == pytest.approx(np.log(2 * np.exp(m) + 4 * 2 * np.exp(off)), rel=1e-13)
    low, up = log_layer_partition_bounds(n, r, 2.0, 6.0)
    assert float(up) == pytest.approx(np.log(2 * np.exp(m) + 8 * np.exp(off2r)), rel=1e-13)
    low, up = log_layer_partition_bounds(n, r, 6.0, 6.0)  # every pattern in the layer
    assert float(low) == float(up) == pytest.approx(np.log(6) + m, rel=1e-14)
    # the offset mass by its Poisson mixture, summed by hand at 30 digits (n = 4, s^2 = 6.25)
    with mpmath.workdps(30):
        lam, half, r2 = mpmath.mpf(sep) ** 2, mpmath.mpf(n) / 2, mpmath.mpf(r) ** 2
        total = mpmath.nsum(lambda k: mpmath.exp(-lam) * lam**k / mpmath.factorial(k)
                            * mpmath.gammainc(half + k, 0, r2, regularized=True), [0, mpmath.inf])
        want = float(half * mpmath.log(mpmath.pi) + mpmath.log(total))
    assert off == pytest.approx(want, rel=1e-12)
    # separation exactly 2 r is allowed, a hair less is not; d >= 1; 1 <= d_layer <= d
    log_replacement_ratio(n, r, 3.0, 2 * r)
    with pytest.raises(ValueError, match="overlap"):
        log_replacement_ratio(n, r, 3.0, 2 * r - 1e-9)
    with pytest.raises(ValueError, match="argument 'd'"):
        log_replacement_ratio(n, r, 0.5)
    with pytest.raises(ValueError, match="argument 'separation'"):
        log_replacement_ratio(n, r, 3.0, np.nan)
    for bad in ((0.5, 3.0), (4.0, 3.0)):
        with pytest.raises(ValueError, match="d_layer"):
            log_layer_partition_bounds(n, r, *bad)
    for bad in (-0.1, np.inf):
        with pytest.raises(ValueError, match="argument 'distance'"):
            log_offset_ball_mass(n, r, bad)
    got = log_offset_ball_mass(np.array([1.0, 4.0]), r, np.array([0.0, sep]))
    assert got.shape == (2,) and got[1] == off


def test_regular_simplex_by_hand():
    for d, n, side in ((1, 3, 2.0), (2, 2, 1.5), (4, 3, 0.7), (3, 6, 1.0)):
        points = regular_simplex(d, n, side)
        assert points.shape == (d, n)
        dist = np.linalg.norm(points[:, None] - points[None], axis=-1)
        np.testing.assert_allclose(dist[~np.eye(d, dtype=bool)], side, rtol=1e-14)
        np.testing.assert_allclose(points.mean(axis=0), 0.0, atol=1e-15)
        if n > d - 1:
            np.testing.assert_array_equal(points[:, max(d - 1, 1):], 0.0)
    for args, name in (((5, 3, 1.0), "d"), ((0, 3, 1.0), "d"), ((2, 0, 1.0), "n"),
                       ((2, 3, -1.0), "side")):
        with pytest.raises(ValueError, match=f"parameter '{name}'"):
            regular_simplex(*args)


def test_paper_form_scalars_names_and_the_offset_mass_far_and_tiny():
    """Eq. 12 (c) at n = 3 (n = 1 hides gammaln(n) = 0 and 0.5 n = 0.5 / n); each function's
    own name when its input is NaN, and scalars where min_ndim is 0; the offset mass far away
    (s = 30: the Poisson mean 900, its terms must reach past 900 + 12 sqrt(900)) and on a tiny
    ball (r^2 underflows: its log is passed on), both against closed forms."""
    from assocmem.theory.partition import (
        log_kummer_series,
        log_stirling_ball_volume,
        stirling_ball_volume_relative_error,
        stirling_relative_error,
    )

    with mpmath.workdps(40):
        n, r = mpmath.mpf(3), mpmath.mpf(2)
        want = float(mpmath.log(2 * mpmath.pi ** (n / 2) * mpmath.gammainc(n, 0, r)
                                / mpmath.gamma(n / 2)))
    assert float(log_paper_ball_mass(3, 2.0)) == pytest.approx(want, rel=1e-14)
    for func, name in ((critical_radius, "n"), (log_stirling_ball_volume, "n"),
                       (stirling_ball_volume_relative_error, "n"),
                       (log_patterns_for_unit_partition, "n")):
        with pytest.raises(ValueError, match=f"argument '{name}' contains NaN"):
            func(np.nan)
    assert np.ndim(log_stirling_ball_volume(7.0)) == 0
    assert np.ndim(log_patterns_for_unit_partition(7.0)) == 0
    with pytest.raises(ValueError, match="argument 'distance' contains NaN"):
        log_offset_ball_mass(2.0, 1.0, np.nan)
    with pytest.raises(ValueError, match="argument 'd' contains NaN"):
        log_replacement_ratio(2.0, 1.0, np.nan)
    # digits reach the computation: 15 digits round differently from 40 in the last bits
    assert stirling_ball_volume_relative_error(3.0, digits=15) == stirling_relative_error(1.5, 15)
    assert stirling_relative_error(1.5, 15) != stirling_relative_error(1.5, 40)
    with mpmath.workdps(40):
        far = float(mpmath.log(mpmath.sqrt(mpmath.pi) / 2 * (mpmath.erfc(29) - mpmath.erfc(31))))
    assert float(log_offset_ball_mass(1, 1.0, 30.0)) == pytest.approx(far, rel=1e-13)
    # a wide ball around a far centre (r = 40, s = 30): the Poisson terms near k = 900 carry
    # the mass (P(1/2 + k, 1600) ~ 1 there): erf(70) - erf(-10) = 2 - erfc(10), mass sqrt(pi)
    assert float(log_offset_ball_mass(1, 40.0, 30.0)) == pytest.approx(
        np.log(np.sqrt(np.pi) / 2 * (2 - special.erfc(10.0))), rel=1e-13)
    # n = 2, r = 1e-200: mass = pi r^2 exp(-s^2) (1 + O(r^2))
    tiny = float(log_offset_ball_mass(2, 1e-200, 0.5))
    assert tiny == pytest.approx(np.log(np.pi) + 2 * np.log(1e-200) - 0.25, rel=1e-14)
    assert type(log_offset_ball_mass(1, 1.0, 0.5)) is np.float64  # a scalar, not a 0-d array
    # the Kummer series: a in (0, 1]; x = 0 with a = 0 is no series; max_terms is a bound
    assert log_kummer_series(0.5, 1.0)[2] and not log_kummer_series(0.0, 0.0)[2]
    terms, term, total = 1, 1e4 / (1e4 + 1), 1e4 / (1e4 + 1)
    while not (term <= 2.0**-60 * total and 1e4 <= 0.5 * (1e4 + terms + 1)):
        terms += 1
        term = term * 1e4 / (1e4 + terms)
        total += term
    assert log_kummer_series(1e4, 1e4, max_terms=terms)[2]
    assert not log_kummer_series(1e4, 1e4, max_terms=terms - 1)[2]


def test_separation_tolerance_one_pattern_per_layer_and_a_line_simplex():
    """The overlap check allows 1e-12 max(r, 1) of rounding below 2 r; a layer may hold one
    pattern; two points in one dimension are a simplex."""
    for r, ok, bad in ((5.0, 10.0 - 4e-12, 10.0 - 6e-12), (0.8, 1.6 - 0.5e-12, 1.6 - 1.5e-12)):
        log_replacement_ratio(2.0, r, 3.0, ok)
        with pytest.raises(ValueError, match="overlap"):
            log_replacement_ratio(2.0, r, 3.0, bad)
    low, up = log_layer_partition_bounds(3.0, 0.5, 1.0, 4.0)
    assert float(low) == pytest.approx(float(log_gaussian_ball_mass(3.0, 0.5)), rel=1e-15)
    assert float(up) > float(low)
    np.testing.assert_allclose(np.abs(regular_simplex(2, 1, 1.5)), 0.75, rtol=1e-15)
