"""Eq. 1 (Chinchilla fits) and Proposition 4's expression and exact 1-D model."""

import numpy as np
import pytest
import scipy.special
from hypothesis import given
from hypothesis import strategies as st

from assocmem.quotations import CHINCHILLA_FITS
from assocmem.theory.cross_entropy import (
    chinchilla_loss,
    compute_optimal,
    exact_line_model,
    prop4_loss,
)


@given(st.floats(1e-8, 1e8))
def test_prop4_expression_at_least_one(z):
    assert prop4_loss(z) >= 1 - 1e-12


def test_chinchilla():
    paper, hoffmann, _ = CHINCHILLA_FITS.values()
    assert paper[0] != hoffmann[0] and paper[1:] == hoffmann[1:]
    assert chinchilla_loss(1e30, 1e30, hoffmann) == pytest.approx(1.69, abs=1e-3)
    n, d = compute_optimal(5.76e23, hoffmann)
    assert 6 * n * d == pytest.approx(5.76e23)
    grid = np.logspace(9, 12, 400)
    losses = chinchilla_loss(grid, 5.76e23 / (6 * grid), hoffmann)
    assert grid[losses.argmin()] == pytest.approx(n, rel=0.03)
    with pytest.raises(ValueError, match="'n_params'"):
        chinchilla_loss(0, 1, hoffmann)
    with pytest.raises(ValueError, match="'z'"):
        prop4_loss(0.0)


def test_exact_line_model_refutes_the_floor():
    small = exact_line_model(0.05, 2, 6.0)
    assert small["L exact"] < 1 < small["log Z_t + 1/Z_t"]
    assert small["Z_t"] == pytest.approx(3 * np.sqrt(np.pi) * scipy.special.erf(0.05))
    with pytest.raises(ValueError, match="spacing"):
        exact_line_model(1.0, 2, 1.5)


def test_the_plane_models_loss_is_log_4_pi_and_moves_with_the_unit():
    from assocmem.theory.cross_entropy import plane_model_loss

    far = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    # well-separated Gaussians: Z = d pi (each integrates to pi), E(rho_i) = -log(1 + tiny)
    assert plane_model_loss(far) == pytest.approx(np.log(4 * np.pi), abs=1e-9)
    for c in (0.5, 3.0):
        assert plane_model_loss(far, c) == pytest.approx(np.log(4 * np.pi) + 2 * np.log(c),
                                                         abs=1e-9)
    with pytest.raises(ValueError, match="2-D patterns"):
        plane_model_loss(np.zeros((3, 3)))


def _dense_line_model(radius, layers, spacing, n):
    """The exact 1-D model by another route: positions c_i + u on a uniform grid of ``n``
    intervals over each half ball [-r, 0] and [0, r] (so the kinks of min_j, at the patterns
    and half-way between them, fall on panel edges), Simpson's rule, scipy's LogSumExp, and
    every distance formed from absolute positions (exact for the small spacings used here)."""
    from scipy.integrate import simpson
    from scipy.special import logsumexp

    centres = np.arange(3 * layers) * spacing
    layer = np.arange(3 * layers) % layers
    halves = (np.linspace(-radius, 0.0, n + 1), np.linspace(0.0, radius, n + 1))

    def over_balls(f, at):
        return sum(simpson(f(c + u), x=u) for c in at for u in halves)

    z_t = 3 * sum(simpson(np.exp(-u * u), x=u) for u in halves)  # Eq. 12, three balls

    def energy(x):  # E_global = -LSE_t(-E_t), E_t = exp(-min_j in t (x - c_j)^2) / Z_t
        d2 = (x[:, None] - centres[None, :]) ** 2
        e_t = np.stack([np.exp(-d2[:, layer == t].min(1)) / z_t for t in range(layers)], 1)
        return -logsumexp(-e_t, axis=1)

    z_theta = over_balls(lambda x: np.exp(-energy(x)), centres)
    z_prime = 3 * sum(simpson(np.exp(-np.exp(-u * u) / z_t), x=u) for u in halves)
    return {"Z_t": z_t, "int exp(-E_t)": z_prime,
            "L exact": np.log(z_theta) + energy(centres).mean()}


@pytest.mark.parametrize(("radius", "layers", "spacing"),
                         [(0.05, 2, 6.0), (1.0, 2, 2.5), (0.8, 3, 1.7), (2.0, 1, 4.5)])
def test_exact_line_model_matches_dense_quadrature(radius, layers, spacing):
    """Proposition 4's refutation rests on "L exact": recomputed here by dense quadrature
    (:func:`_dense_line_model`) with no code of the package but its answer. Simpson's error
    falls as h^4 on the smooth pieces, so a grid of n intervals is off by about
    |S(2n) - S(n)| / 15: the tolerance is that difference (15 times the estimate), the
    model's own error bound, and 64 ulps of the values compared. The spacings put neighbours
    of other layers within reach (1.7, 2.5) and not (4.5, 6), and the cases cover l = 1, 2, 3,
    so a wrong layer assignment, a wrong sign of the energy term, or Z_t multiplying where it
    divides moves L by far more than the tolerance."""
    got = exact_line_model(radius, layers, spacing)
    coarse = _dense_line_model(radius, layers, spacing, 1000)
    fine = _dense_line_model(radius, layers, spacing, 2000)
    for key in ("Z_t", "int exp(-E_t)", "L exact"):
        grid = abs(fine[key] - coarse[key])
        tol = grid + (got["L error"] if key == "L exact" else 0) + 64 * EPS * abs(fine[key])
        assert tol < 1e-9, (key, tol)  # the comparison is sharp
        assert abs(got[key] - fine[key]) <= tol, (key, got[key], fine[key], tol)
    assert got["log Z_t + 1/Z_t"] == np.log(got["Z_t"]) + 1 / got["Z_t"]


EPS = np.finfo(float).eps


def test_bad_input_names_the_argument_and_the_bounds_are_exact():
    _, fit, _ = CHINCHILLA_FITS.values()
    e, a, b, alpha, beta = fit
    for args, name in (((np.nan, 1.0), "n_params"), ((1.0, np.nan), "n_tokens")):
        with pytest.raises(ValueError, match=f"argument '{name}' contains NaN"):
            chinchilla_loss(*args, fit)
    for args in ((0.0, 1.0), (1.0, 0.0), (-1.0, 1.0), (1.0, -1.0)):
        with pytest.raises(ValueError, match="'n_params' and 'n_tokens' must be > 0"):
            chinchilla_loss(*args, fit)
    assert chinchilla_loss(0.5, 0.25, fit) == e + a / 0.5**alpha + b / 0.25**beta  # > 0 is all
    with pytest.raises(ValueError, match="argument 'compute' contains NaN"):
        compute_optimal(np.nan, fit)
    for c in (0.0, -1.0):
        with pytest.raises(ValueError, match="'compute' must be > 0"):
            compute_optimal(c, fit)
    n, d = compute_optimal(0.5, fit)  # Hoffmann et al.'s closed form, written out
    g = (alpha * a / (beta * b)) ** (1 / (alpha + beta))
    assert n == pytest.approx(g * (0.5 / 6) ** (beta / (alpha + beta)), rel=1e-14)
    assert d == pytest.approx((0.5 / 6) / n, rel=1e-14)
    for z in (np.nan, np.inf, 0.0, -1.0):
        with pytest.raises(ValueError, match="'z'"):
            prop4_loss(z)
    assert prop4_loss(0.5) == np.log(0.5) + 2.0
    for args in ((0.0, 2, 6.0), (1.0, 0, 6.0), (1.0, 2, 2.0)):
        with pytest.raises(ValueError, match="radius > 0, spacing > 2 radius, layers >= 1"):
            exact_line_model(*args)


def test_the_plane_models_loss_with_overlapping_wells_in_closed_form():
    """Two patterns a unit apart: exp(-E) = sum_i exp(-|y - rho_i|^2) integrates to 2 pi
    exactly, and E(rho_i) = -log(1 + e^-1) at each, so L = log(2 pi) - log(1 + e^-1); the
    grid's Riemann sum of Gaussians is exact to far below 1e-9 (spacing 0.016, margin 6)."""
    from assocmem.theory.cross_entropy import plane_model_loss

    two = np.array([[0.0, 0.0], [1.0, 0.0]])
    want = np.log(2 * np.pi) - np.log1p(np.exp(-1.0))
    assert plane_model_loss(two) == pytest.approx(want, abs=1e-9)
    assert plane_model_loss(two, grid=1001) == pytest.approx(want, abs=1e-9)
    for bad in ({"unit": 0.0}, {"grid": 2}):
        with pytest.raises(ValueError, match="2-D patterns, a unit > 0 and a grid >= 3"):
            plane_model_loss(two, **bad)
    assert np.isfinite(plane_model_loss(two, grid=3))
    assert exact_line_model(0.3, 2, 6.0)["r"] == 0.3
