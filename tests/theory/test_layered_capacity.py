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
