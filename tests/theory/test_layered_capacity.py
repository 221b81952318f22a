"""Sec. 4.1 (layers, MM) and Table 1's capacity demonstration."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assocmem.theory import capacity
from assocmem.theory.layered import attention_stack, partition_patterns, run_layers, run_mm


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6), st.floats(1e-3, 10.0))
def test_mm_step_never_increases_the_global_energy(seed, delta):
    rng = np.random.default_rng(seed)
    patterns = rng.normal(size=(30, 6)) * 2
    parts = partition_patterns(patterns, 3, rng)
    x0 = rng.normal(size=(20, 6)) * 2
    _, trace = run_mm(x0, parts, delta, steps=5)
    assert np.all(np.diff(trace, axis=0) <= 1e-9 * (1 + np.abs(trace[:-1])))


def test_eq6_can_increase_the_global_energy():
    rng = np.random.default_rng(0)
    patterns = rng.normal(size=(60, 16)) * 3
    parts = partition_patterns(patterns, 4, rng)
    x0 = patterns[:50] + rng.normal(size=(50, 16)) * 0.5
    _, trace = run_layers(x0, parts, 1.0)
    assert (np.diff(trace, axis=0) > 1e-6).any()


def test_partition_and_stack():
    rng = np.random.default_rng(1)
    patterns = rng.normal(size=(10, 4)) * 5
    parts = partition_patterns(patterns, 3, rng)
    assert sum(len(p) for p in parts) == 10
    iterates = attention_stack(patterns[:2] + 0.1, patterns, depth=10)
    assert iterates.shape == (11, 2, 4)
    assert np.allclose(iterates[-1], patterns[:2], atol=1e-3)
    with pytest.raises(ValueError, match="'layers'"):
        partition_patterns(patterns, 11, rng)


def test_capacity_ordering_and_monotone_energy():
    rng = np.random.default_rng(0)
    assert capacity.retrieval_rate("hopfield", 48, 3, 0.1, 10, rng) == 1.0
    assert capacity.retrieval_rate("hopfield", 48, 48, 0.1, 10, rng) < 0.5
    assert capacity.retrieval_rate("demircigil", 48, 96, 0.1, 10, rng) == 1.0
    patterns = rng.choice(np.array([-1, 1]), size=(20, 32))
    for model in capacity.MODELS:
        trace = []
        capacity.retrieve(model, -patterns[0], patterns, trace=trace, rng=rng)
        assert np.all(np.diff(trace) <= 1e-9)
    with pytest.raises(ValueError, match="'model'"):
        capacity.binary_energy("classical", patterns[0], patterns)


def test_polynomial_energy_of_order_two_is_twice_the_hopfield_energy():
    rng = np.random.default_rng(0)
    patterns = rng.choice(np.array([-1, 1]), size=(7, 20))
    for _ in range(5):
        x = rng.choice(np.array([-1, 1]), size=20)
        hopfield = capacity.binary_energy("hopfield", x, patterns)  # zero-diagonal W
        assert capacity.polynomial_energy(x, patterns, 2) == 2 * hopfield - 7 * 20


def test_bit_errors_depend_on_d_over_n_to_the_r_minus_1():
    """Krotov & Hopfield's n^(r-1): the error rate is flat at d ~ n^(r-1) and grows at d ~ n^r,
    the order Table 1 prints."""
    rng = np.random.default_rng(0)
    for power, alpha, ns in ((2, 0.2, (64, 256)), (3, 0.1, (32, 96))):
        flat = [capacity.bit_error_rate(n, round(alpha * n ** (power - 1)), power, rng, 4096)
                for n in ns]
        # d ~ n^power, equal to the flat ladder's d at the smallest n
        grow = [capacity.bit_error_rate(n, round(alpha * ns[0] ** (power - 1) * (n / ns[0])
                                               ** power), power, rng, 4096) for n in ns]
        assert 0.5 < flat[1] / flat[0] < 2, (power, flat)
        assert grow[1] > 4 * grow[0], (power, grow)


def test_bit_errors_vanish_for_few_patterns_and_validate_their_input():
    rng = np.random.default_rng(1)
    assert capacity.bit_error_rate(100, 1, 3, rng, 500) == 0.0
    assert capacity.bit_error_rate(100, 3, 2, rng, 500) == 0.0
    with pytest.raises(ValueError, match="'power'"):
        capacity.bit_error_rate(10, 3, 1, rng)
