"""Chapter 3's sweeps (assocmem.theory.checks.prop_bounds)."""

import numpy as np
import pytest

from assocmem.theory.checks.prop_bounds import (
    REPLACEMENT_D,
    mc_log_ratio,
    prop1_edges,
    prop1_sweep,
    prop2_sweep,
    prop3_sweep,
    random_problem,
    replacement_at_critical_radius,
    replacement_monte_carlo,
    theorem4_rows,
    touching_gap,
)
from assocmem.theory.partition import critical_radius, log_replacement_ratio, regular_simplex


@pytest.fixture(scope="module")
def problems():
    rng = np.random.default_rng(0)
    return [random_problem(rng, 64, 32, 10) for _ in range(15)]


def test_random_problem_shapes():
    rng = np.random.default_rng(1)
    for _ in range(20):
        patterns, x = random_problem(rng, 50, 20, 7)
        assert 1 <= len(patterns) <= 20 and 1 <= patterns.shape[1] <= 50
        assert x.shape == (7, patterns.shape[1])


def test_prop1_holds_and_its_edges_are_attained(problems):
    result = prop1_sweep(problems)
    assert result["violations"] == 0
    norm = result["normalized"]
    assert len(norm) == sum(len(x) for p, x in problems if len(p) > 1)
    assert norm.min() >= -1e-9 and norm.max() <= 1 + 1e-9
    edges = prop1_edges(np.random.default_rng(2))
    assert edges["lower_attained"] and edges["upper_attained"] and edges["far_ok"]
    assert np.isclose(edges["edge_gap"][0], np.log(6))


def test_prop2_one_sided_and_equal_norms(problems):
    result = prop2_sweep(problems, np.random.default_rng(3))
    assert result["violations"] == 0 and result["one_sided"] == 0
    assert result["equal_norms_exact"]
    assert result["normalized"].min() >= -1e-9 and result["normalized"].max() <= 1 + 1e-9


def test_prop3_printed_fails_corrected_holds(problems):
    result = prop3_sweep(problems)
    assert result["corrected_fail"] == 0 and result["printed_fail"] > 0
    assert result["normalized"].min() >= -1e-9 and result["normalized"].max() <= 1 + 1e-9


def test_theorem4_rows_fall_under_the_bound():
    rows = theorem4_rows(0)
    assert [round(r["delta"]) for r in rows] == list(range(10, 81, 10))
    dist = [r["distance"] for r in rows]
    assert all(r["distance"] <= r["bound"] for r in rows)
    assert all(b < a for a, b in zip(dist, dist[1:], strict=False))
    assert theorem4_rows(0)[3]["distance"] == rows[3]["distance"]


def test_monte_carlo_matches_the_formula():
    rows = replacement_monte_carlo(np.random.default_rng(4), count=20_000)
    assert [(n, d) for n, d, *_ in rows] == [(2, 3), (3, 4), (8, 9)]
    assert all(abs(mc - exact) < 0.02 for *_, mc, exact in rows)
    # a pattern set spread wide apart has ratio ~0
    far = regular_simplex(3, 2, 20.0)
    assert abs(mc_log_ratio(far, 1.0, np.random.default_rng(5), count=5000)) < 1e-12


def test_replacement_at_critical_radius():
    table = replacement_at_critical_radius((2, 128))
    assert list(table[2]) == list(REPLACEMENT_D)
    rc = float(critical_radius(2))
    assert table[2]["d = n + 1"] == float(log_replacement_ratio(2, rc, 3))
    assert table[2]["d = n + 1"] > 0.01 and max(table[128].values()) < 1e-3


def test_touching_gap_at_least_log2():
    assert touching_gap(16) >= np.log(2) - 1e-9
    assert touching_gap(64) >= np.log(2) - 1e-9
