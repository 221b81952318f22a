"""Parameter accounting (App. E, F.1), Chinchilla fits (Eq. 1) and Prop. 4's expression."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assocmem.params import (
    OpenELMConfig,
    gpt2_counts,
    gpt2_transformers_counts,
    make_divisible,
    openelm_counts,
)
from assocmem.scaling import CHINCHILLA_FITS, chinchilla_loss, compute_optimal, prop4_loss


def test_gpt2_formulas_match_transformers():
    for shape in ((24, 1024, 16), (2, 64, 4)):
        formula = gpt2_counts(shape[0], shape[1])
        real = gpt2_transformers_counts(*shape)
        assert all(formula[k] == real[k] for k in formula)
    assert real["total (unique parameters)"] == sum(gpt2_counts(2, 64).values())


def test_gpt2_medium_total_is_the_known_355m():
    assert sum(gpt2_counts().values()) == 354_823_168


def test_openelm_rules():
    assert make_divisible(477.0, 128) == 512
    cfg = OpenELMConfig(model_dim=954, n_layers=8, num_gqa_groups=2)
    assert cfg.query_heads[0] == 8 and cfg.kv_heads == [q // 2 for q in cfg.query_heads]
    assert cfg.ffn_dims[0] == 512 and cfg.ffn_dims[-1] == 3840
    counts = openelm_counts(cfg)
    assert counts["total"] == counts["transformer layers"] + 50257 * 954 + 954
    with pytest.raises(ValueError, match="query_heads_override"):
        OpenELMConfig(model_dim=954, n_layers=8, query_heads_override=(6, 6))


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
    from assocmem.scaling import exact_line_model

    small = exact_line_model(0.05, 2, 6.0)
    assert small["L exact"] < 1 < small["log Z_t + 1/Z_t"]
    assert small["Z_t"] == pytest.approx(3 * np.sqrt(np.pi) * __import__("scipy").special.erf(0.05))
    with pytest.raises(ValueError, match="spacing"):
        exact_line_model(1.0, 2, 1.5)
