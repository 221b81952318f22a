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
