"""Sec. 4.1's stack as a nearest-pattern search, in the three designs of layered.stack_retrieval."""

import numpy as np

from assocmem.theory.layered import stack_retrieval


def separated(d=40, n=16, seed=0):
    rng = np.random.default_rng(seed)
    sphere = rng.normal(size=(d, n))
    sphere *= 3.0 * np.sqrt(n) / np.linalg.norm(sphere, axis=1, keepdims=True)
    target = rng.integers(d, size=200)
    noise = rng.normal(size=(200, n))
    gaps = np.linalg.norm(sphere[:, None] - sphere[None], axis=-1) + np.eye(d) * 1e9
    noise *= 0.15 * gaps.min() / np.linalg.norm(noise, axis=1, keepdims=True)  # 30% of r
    return sphere, sphere[target] + noise, target, rng


def test_a_shared_memory_retrieves_and_a_split_one_ends_in_its_last_layer():
    patterns, queries, target, rng = separated()
    rates = stack_retrieval(patterns, queries, target, layers=4, rng=rng, depth=12)
    assert rates["shared attention"] == 1.0
    # each layer pulls the state towards the nearest pattern of its own subset, so the state
    # leaves the target's ball at the first layer that does not hold it (a quarter of the
    # targets sit in any one layer: an upper bound, with binomial room over 200 queries)
    assert rates["disjoint attention"] < 0.32
    # Eq. 6 moves the state by at most sqrt(delta) towards each layer's own nearest pattern:
    # too little to reach the target, or carried off by the other layers
    for delta in (0.01, 0.1, 1.0):
        assert rates[f"Eq. 6, delta = {delta:g}"] < 0.1, delta


def test_one_layer_holding_every_pattern_is_the_shared_search():
    patterns, queries, target, rng = separated(seed=1)
    rates = stack_retrieval(patterns, queries, target, layers=1, rng=rng, depth=1)
    assert rates["disjoint attention"] == rates["shared attention"] == 1.0


def test_the_stack_verdict_reads_only_the_divided_designs():
    import pytest

    from assocmem.theory.layered import stack_verdict

    assert not stack_verdict({"shared attention": 1.0, "disjoint attention": 0.0,
                              "Eq. 6, delta = 1": 0.5})
    assert stack_verdict({"shared attention": 0.0, "Eq. 6, delta = 0.01": 0.995})
    with pytest.raises(ValueError, match="divides"):
        stack_verdict({"shared attention": 1.0})


def test_the_spread_sweep_retrieves_only_well_separated_patterns():
    from assocmem.theory.layered import spread_sweep

    results, inputs = spread_sweep(30, 8, 50, 10, np.random.default_rng(3), spreads=(0.3, 4.0))
    (crowded, c_err), (separated, s_err) = results[0.3], results[4.0]
    assert crowded < separated and c_err.shape == s_err.shape == (11, 50)
    assert np.allclose(s_err[0], 0.15)  # every query starts at 30% of the separation radius
    assert (s_err[-1] < 0.05).mean() == 1.0 and (c_err[-1] < 0.05).mean() < 0.5
    sphere, queries, target = inputs[4.0]
    gaps = np.linalg.norm(sphere[target] - queries, axis=1) / separated
    assert np.allclose(gaps, 0.15)
