"""Chapter 2's experiments (assocmem.theory.checks.landscapes)."""

import numpy as np
import pytest

from assocmem.theory import capacity
from assocmem.theory.checks.landscapes import (
    CAPACITY_FRACTIONS,
    capacity_sweep,
    krotov_order_ladders,
    largest_reliable,
    worst_mchn_curvature,
)


def test_mchn_convex_at_the_bound_and_not_above():
    rng = np.random.default_rng(0)
    assert worst_mchn_curvature(1.0, rng, trials=10) >= -1e-12
    assert worst_mchn_curvature(4.0, rng, trials=10) < 0


def test_mchn_curvature_is_reproducible():
    a = worst_mchn_curvature(2.0, np.random.default_rng(1), trials=3)
    b = worst_mchn_curvature(2.0, np.random.default_rng(1), trials=3)
    assert a == b


def test_capacity_sweep_shapes_and_ordering():
    sizes, rates = capacity_sweep(32, 8, np.random.default_rng(2))
    assert sizes == [max(1, int(32 * f)) for f in CAPACITY_FRACTIONS]
    assert list(rates) == list(capacity.MODELS)
    assert all(len(v) == len(sizes) and all(0 <= r <= 1 for r in v) for v in rates.values())
    caps = largest_reliable(sizes, rates)
    assert caps["hopfield"] <= caps["demircigil"]


def test_largest_reliable():
    rates = {"a": [1.0, 0.95, 0.5, 0.92], "b": [0.1, 0.2, 0.3, 0.4]}
    assert largest_reliable([1, 2, 4, 8], rates) == {"a": 8, "b": 0}
    assert largest_reliable([1, 2, 4, 8], rates, threshold=0.96) == {"a": 1, "b": 0}


def test_krotov_order_ladders_small():
    ladders = {2: (0.3, (32, 64)), 3: (0.3, (16, 32))}
    out = krotov_order_ladders(np.random.default_rng(3), ladders, samples=1024)
    assert [(r[0], r[1]) for r in out["rows"]] == [(2, 32), (2, 64), (3, 16), (3, 32)]
    assert [r[2] for r in out["rows"]] == [10, 19, 77, 307]
    assert [r[3] for r in out["rows"]] == [10, 38, 77, 614]
    assert out["quadratic_is_hopfield"]
    for p in ladders:
        first = [r for r in out["rows"] if r[0] == p]
        assert np.isclose(out["grows"][p], first[-1][5] / first[0][5])
        assert np.isclose(out["flat"][p], first[-1][4] / first[0][4])


def test_the_simulations_verdicts_in_each_outcome():
    from assocmem.theory.checks.landscapes import capacity_order_verdict, retrieval_verdict

    good = [(0, 12, 1e-12, 0.01), (1, 9, 3e-10, 0.02)]
    assert retrieval_verdict(good, radius=0.5)
    assert not retrieval_verdict([*good, (2, 9, 1e-6, 0.02)], radius=0.5)  # two fixed points
    assert not retrieval_verdict([*good, (2, 9, 1e-12, 0.7)], radius=0.5)  # outside the ball
    with pytest.raises(ValueError, match="'report'"):
        retrieval_verdict([], radius=0.5)
    n = 48
    caps = {"hopfield": 5, "krotov-hopfield": 30, "demircigil": 60}
    assert capacity_order_verdict(caps, n)
    assert not capacity_order_verdict({**caps, "hopfield": 12}, n)  # not below n / 4
    assert not capacity_order_verdict({**caps, "demircigil": 25}, n)  # below Krotov-Hopfield
    assert not capacity_order_verdict({**caps, "krotov-hopfield": 50, "demircigil": 47}, n)
    with pytest.raises(ValueError, match="lacks"):
        capacity_order_verdict({"hopfield": 1}, n)
