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
    log_lower_gamma,
    log_paper_ball_mass,
    log_patterns_for_unit_partition,
    log_regularized_lower_gamma,
    log_z_bounds_corrected,
    log_z_bounds_printed,
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
