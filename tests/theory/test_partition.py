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
