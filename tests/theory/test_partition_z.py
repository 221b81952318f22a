"""Chapter 05's partition-function computations (assocmem.theory.checks.partition_z)."""

import math

import numpy as np
import pytest

from assocmem.theory.checks import partition_z


def test_ball_mass_checks_agree_and_report():
    checks = partition_z.ball_mass_checks(np.random.default_rng(0), 20_000)
    assert checks.worst < 1e-12
    assert sorted(checks.quad) == [1, 2, 3, 5] and sorted(checks.mc) == [2, 3, 5, 8]
    assert checks.quad[1] == pytest.approx(math.log(math.sqrt(math.pi) * math.erf(1.3)))
    assert checks.agree()
    assert "worst relative error" in checks.report()
    checks.worst = 1e-6
    assert not checks.agree()


def test_monte_carlo_outside_six_errors_disagrees():
    checks = partition_z.ball_mass_checks(np.random.default_rng(1), 20_000)
    value, se = checks.mc[2]
    checks.mc[2] = (value + 7 * se, se)
    assert not checks.agree()


def test_layer_partition_inside_bracket_and_below_printed_sum():
    layer = partition_z.layer_partition_mc(np.random.default_rng(0), 40_000)
    assert len(layer.log_z_t) == 4
    assert layer.low < layer.high
    for v in layer.log_z_t:
        assert layer.low - layer.mc_allow <= v <= layer.high + layer.mc_allow
    # the printed sum counts all twelve balls: up to four times one layer's Z_t, whose
    # wells also reach into the other layers' balls
    assert math.log(3) < layer.printed - max(layer.log_z_t) < math.log(4)
    assert "bracket" in layer.report()


def test_layer_partition_at_scale_closes_on_log_l():
    rows = partition_z.layer_partition_at_scale()
    for (_, n_layers), (width, gap) in rows.items():
        assert width < 1e-12
        assert gap == pytest.approx(math.log(n_layers), abs=1e-9)


def test_closed_form_errors():
    closed = partition_z.closed_form_errors([1, 10, 1000])
    assert len(closed.pairs) == 12
    assert closed.n1_exact == pytest.approx(math.sqrt(math.pi) * math.erf(1.0))
    assert closed.n1_closed == pytest.approx(2 * (1 - math.exp(-1)))
    assert closed.corrected_err < 1e-12
    assert closed.closed_err > 1


def test_mass_bound_failures():
    failures = partition_z.mass_bound_failures([1, 10, 100, 1000], radii=(0.5, 2.0))
    assert failures.smallest[0.5] is None
    assert failures.smallest[2.0] is not None and failures.smallest[2.0] > 1
    assert not failures.below_one
    assert not failures.corrected_bad


def test_scaled_error_bounded():
    assert partition_z.scaled_error_bounded([1, 10, 100], [0.1, 0.01, 0.001])
    assert not partition_z.scaled_error_bounded([1, 10, 100], [0.1, 0.1, 0.1])
    assert partition_z.scaled_error_bounded([1, 10], [0.1, 0.02])
    assert not partition_z.scaled_error_bounded([1, 10], [0.1, 0.021])
