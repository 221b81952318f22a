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


# ---- every function of layered.py by hand ----------------------------------------------------
def _lse(v):
    """log sum exp of a 1-D float array, shifted by hand (no library routine)."""
    m = max(v)
    return m + np.log(sum(np.exp(u - m) for u in v))


def _g(x, part):
    """min over the part of ||x - p||^2, by a loop."""
    return min(float(((x - p) ** 2).sum()) for p in part)


def test_partition_patterns_is_a_seeded_split_of_every_pattern():
    from assocmem.theory.layered import partition_patterns as split

    patterns = np.arange(14.0).reshape(7, 2)
    parts = split(patterns, 3, np.random.default_rng(5))
    order = np.random.default_rng(5).permutation(7)
    assert [len(p) for p in parts] == [3, 2, 2]
    for part, idx in zip(parts, (order[:3], order[3:5], order[5:]), strict=True):
        np.testing.assert_array_equal(part, patterns[idx])
    assert len(split(patterns, 1, np.random.default_rng(0))) == 1
    assert [len(p) for p in split(patterns, 7, np.random.default_rng(0))] == [1] * 7
    for layers in (0, 8):
        with pytest.raises(ValueError, match="parameter 'layers'"):
            split(patterns, layers, np.random.default_rng(0))
    with pytest.raises(ValueError, match="argument 'patterns'"):
        split(np.arange(3.0), 1, np.random.default_rng(0))


def test_layer_energies_and_the_constrained_step_by_hand():
    from assocmem.theory.layered import constrained_layer_step, layer_energies

    parts = [np.array([[3.0, 4.0], [-1.0, 0.0]]), np.array([[0.0, 2.0]])]
    x = np.array([[0.0, 0.0], [6.0, 8.0], [0.0, 2.0]])
    got = layer_energies(x, parts)
    assert got.shape == (3, 2)
    np.testing.assert_array_equal(got, [[_g(r, p) for p in parts] for r in x])
    assert layer_energies(x[0], parts).shape == (2,)
    # from (6, 8) the nearest of part 0 is (3, 4) at distance 5: sqrt(delta) = 2 moves it
    # 2/5 of the way, (6, 8) - 0.4 (3, 4); delta = 25 or more lands on the pattern; (0, 0) is
    # 1 from (-1, 0), so lands on it; (0, 2) moves 2 of the sqrt(5) to (-1, 0)
    step = constrained_layer_step(x, parts[0], 4.0)
    want = [[-1.0, 0.0], [4.8, 6.4], [-2 / np.sqrt(5), 2 - 4 / np.sqrt(5)]]
    np.testing.assert_allclose(step, want, rtol=1e-15, atol=1e-15)
    np.testing.assert_array_equal(constrained_layer_step(x[1], parts[0], 25.0), [3.0, 4.0])
    np.testing.assert_array_equal(constrained_layer_step(x[1], parts[0], 100.0), [3.0, 4.0])
    # on a pattern (distance 0): it stays, no 0/0
    np.testing.assert_array_equal(constrained_layer_step(x[2], parts[1], 0.0), [0.0, 2.0])
    np.testing.assert_array_equal(constrained_layer_step(x[1], parts[0], 0.0), [6.0, 8.0])
    # shape (2, 1, 2) in and out
    np.testing.assert_allclose(constrained_layer_step(x[:2, None], parts[0], 4.0)[:, 0],
                               step[:2], rtol=1e-15, atol=1e-15)
    with pytest.raises(ValueError, match="parameter 'delta'"):
        constrained_layer_step(x, parts[0], -1e-9)
    with pytest.raises(ValueError, match="argument 'x'"):
        constrained_layer_step([np.nan, 0.0], parts[0], 1.0)


def test_run_layers_and_run_mm_trace_the_global_energy_by_hand():
    from assocmem.theory.layered import mm_step, run_layers, run_mm

    parts = [np.array([[3.0, 4.0], [-1.0, 0.0]]), np.array([[0.0, 2.0], [5.0, 5.0]])]
    x0 = [[6.0, 8.0], [0.5, 0.5]]
    final, trace = run_layers(x0, parts, 1.0)
    x = np.array(x0)
    want = []
    for t in range(3):
        want.append([-_lse([-_g(r, p) for p in parts]) for r in x])
        if t < 2:  # one Eq. 6 step (delta = 1: a unit move) towards the layer's nearest
            for q, r in enumerate(x):
                c = min(parts[t], key=lambda p, r=r: ((r - p) ** 2).sum())
                dist = np.sqrt(((c - r) ** 2).sum())
                x[q] = r + min(1.0, 1.0 / dist) * (c - r)
    np.testing.assert_allclose(trace, want, rtol=1e-14)
    np.testing.assert_allclose(final, x, rtol=1e-14)
    # one MM step by hand: weights softmax(-g), target sum_t w_t c_t, a move of sqrt(delta)
    r = np.array([0.5, 0.5])
    g = np.array([_g(r, p) for p in parts])
    w = np.exp(-g) / np.exp(-g).sum()
    c = [min(p, key=lambda q: ((r - q) ** 2).sum()) for p in parts]
    target = w[0] * c[0] + w[1] * c[1]
    dist = np.sqrt(((target - r) ** 2).sum())
    for delta in (0.04, 100.0):
        want_x = r + min(1.0, np.sqrt(delta) / dist) * (target - r)
        np.testing.assert_allclose(mm_step(r, parts, delta), want_x, rtol=1e-14)
    final, trace = run_mm(x0, parts, 0.04, steps=2)
    x1 = mm_step(np.array(x0), parts, 0.04)
    x2 = mm_step(x1, parts, 0.04)
    np.testing.assert_array_equal(final, x2)
    assert trace.shape == (3, 2)
    for row, pt in zip(trace, (np.array(x0), x1, x2), strict=True):
        np.testing.assert_allclose(row, [-_lse([-_g(q, p) for p in parts]) for q in pt],
                                   rtol=1e-14)
    # weights far apart (g ~ 1e3 apart): the shift by the minimum keeps them finite
    far = [np.array([[0.0, 0.0]]), np.array([[40.0, 0.0]])]
    np.testing.assert_allclose(mm_step([1.0, 0.0], far, 0.25), [0.5, 0.0], rtol=1e-15)
    with pytest.raises(ValueError, match="parameter 'delta'"):
        mm_step(r, parts, -1.0)
    with pytest.raises(ValueError, match="parameter 'steps'"):
        run_mm(x0, parts, 1.0, steps=0)
    one, trace = run_mm(x0, parts, 0.04, steps=1)  # the fewest steps allowed
    np.testing.assert_array_equal(one, x1)
    assert trace.shape == (2, 2)


def test_attention_stack_iterates_the_update_by_hand():
    patterns = np.array([[0.0, 0.0], [2.0, 1.0], [-1.0, 3.0]])
    x = np.array([[0.5, 0.5], [1.0, 2.0]])
    for beta, depth in ((1.0, 1), (0.3, 3)):
        kw = {} if beta == 1.0 else {"beta": beta}
        got = attention_stack(x, patterns, depth, **kw)
        assert got.shape == (depth + 1, 2, 2)
        y = x.copy()
        np.testing.assert_array_equal(got[0], x)
        for layer in range(1, depth + 1):
            w = np.exp(-beta * ((y[:, None] - patterns[None]) ** 2).sum(-1))
            y = (w / w.sum(1, keepdims=True)) @ patterns
            np.testing.assert_allclose(got[layer], y, rtol=1e-13)
    with pytest.raises(ValueError, match="parameter 'depth'"):
        attention_stack(x, patterns, 0)


def test_stack_verdict_at_its_threshold():
    from assocmem.theory.layered import stack_verdict

    assert stack_verdict({"shared attention": 0.0, "disjoint attention": 0.99})
    assert not stack_verdict({"shared attention": 1.0, "disjoint attention": 0.9899})
    assert stack_verdict({"a": 0.2, "b": 0.5}, share=0.5)
    assert not stack_verdict({"a": 0.2, "b": 0.5}, share=0.51)
    with pytest.raises(ValueError, match="no design that divides"):
        stack_verdict({"shared attention": 1.0})


def test_stack_retrieval_shares_by_hand():
    """Three patterns on a line, queries set so that each design retrieves a known share."""
    from assocmem.theory.energy import retrieval_update
    from assocmem.theory.layered import run_layers, stack_retrieval

    patterns = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 6.0]])
    rng = np.random.default_rng(11)
    queries = patterns[[0, 1, 2, 0, 1]] + rng.normal(size=(5, 2)) * 0.3
    target = np.array([0, 1, 2, 0, 1])
    for beta, within, deltas in ((1.0, 0.05, (0.01, 0.1, 1.0)), (0.7, 0.2, (2.0, 30.0))):
        kw = {} if beta == 1.0 else {"beta": beta, "within": within, "deltas": deltas}
        got = stack_retrieval(patterns, queries, target, 2, np.random.default_rng(4), 6, **kw)
        parts = partition_patterns(patterns, 2, np.random.default_rng(4))
        scale = within * 4.0  # the patterns' minimum distance

        def share(x, target=target, scale=scale):
            return float(np.mean([np.sqrt(((r - patterns[t]) ** 2).sum()) < scale
                                  for r, t in zip(x, target, strict=True)]))

        x = queries
        for _ in range(6):
            x = retrieval_update(x, patterns, beta)
        y = queries
        for part in parts:
            y = retrieval_update(y, part, beta)
        want = {"shared attention": share(x), "disjoint attention": share(y)}
        for delta in deltas:
            want[f"Eq. 6, delta = {delta:g}"] = share(run_layers(queries, parts, delta)[0])
        assert got == want
        assert list(got) == list(want)
    assert got["shared attention"] == 1.0 and 0 < got["disjoint attention"] < 1


def test_spread_sweep_draws_in_its_documented_order():
    """The patterns, the targets, the noise, for each spread in turn, from one generator: a
    second generator with the same seed, drawing by hand, gives the same inputs; the errors
    are the distances of the stack's iterates to the target over the minimum distance."""
    from assocmem.theory.layered import spread_sweep

    for kw, spreads, start in (({}, (0.5, 1.0, 2.0, 4.0), 0.3),
                               ({"spreads": (3.0,), "start": 0.1}, (3.0,), 0.1)):
        results, inputs = spread_sweep(6, 3, 4, 2, np.random.default_rng(9), **kw)
        assert list(results) == list(inputs) == list(spreads)
        rng = np.random.default_rng(9)
        for spread in spreads:
            sphere = rng.normal(size=(6, 3))
            sphere *= spread * np.sqrt(3) / 2 / np.linalg.norm(sphere, axis=1, keepdims=True)
            min_dist = min(np.sqrt(((sphere[i] - sphere[j]) ** 2).sum())
                           for i in range(6) for j in range(i))
            target = rng.integers(6, size=4)
            noise = rng.normal(size=(4, 3))
            noise *= start * min_dist / 2 / np.linalg.norm(noise, axis=1, keepdims=True)
            got_min, error = results[spread]
            # the norm expansion's squared distances: a few ulps of |rho|^2
            assert got_min == pytest.approx(min_dist, rel=1e-12)
            np.testing.assert_array_equal(inputs[spread][0], sphere)
            np.testing.assert_array_equal(inputs[spread][2], target)
            # the noise's length carries min_dist's relative error (1e-12) into the sum
            np.testing.assert_allclose(inputs[spread][1], sphere[target] + noise, rtol=0,
                                       atol=1e-12 * spread)
            iterates = attention_stack(sphere[target] + noise, sphere, 2)
            assert error.shape == (3, 4)
            np.testing.assert_allclose(
                error, np.linalg.norm(iterates - sphere[target], axis=-1) / min_dist,
                rtol=1e-12)
            np.testing.assert_allclose(error[0], start / 2, rtol=1e-12)


# ---- capacity.py by hand --------------------------------------------------------------------
def _energy_by_hand(model, x, patterns, power=3):
    """Table 1's three energies from their definitions: W with a zero diagonal, F by cases,
    and log sum exp by fractions of exact integers' exponentials (overlaps are integers)."""
    x, patterns = np.asarray(x), np.asarray(patterns)
    if model == "hopfield":
        w = patterns.T @ patterns
        np.fill_diagonal(w, 0)
        return -0.5 * float(x @ w @ x)
    overlaps = [int(v) for v in patterns @ x]
    if model == "krotov-hopfield":
        return -float(sum(o**power for o in overlaps if o > 0))
    m = max(overlaps)
    return -(m + np.log(sum(np.exp(o - m) for o in overlaps)))


def _retrieve_by_hand(model, probe, patterns, power, sweeps, rng, trace):
    x = list(int(v) for v in probe)
    for _ in range(sweeps):
        changed = False
        for i in rng.permutation(len(x)):
            energy = {}
            for value in (1, -1):
                y = np.array(x)
                y[i] = value
                energy[value] = _energy_by_hand(model, y, patterns, power)
            trace.append(min(energy.values()))
            new = x[i] if energy[1] == energy[-1] else min(energy, key=energy.get)
            changed |= new != x[i]
            x[i] = new
        if not changed:
            break
    return np.array(x)


def test_binary_energies_by_hand():
    rng = np.random.default_rng(3)
    patterns = rng.choice(np.array([-1, 1]), size=(5, 9))
    for _ in range(4):
        x = rng.choice(np.array([-1, 1]), size=9)
        for model in capacity.MODELS:
            assert capacity.binary_energy(model, x, patterns) == pytest.approx(
                _energy_by_hand(model, x, patterns), rel=1e-14, abs=1e-14), model
        assert capacity.binary_energy("krotov-hopfield", x, patterns, power=2) == \
            _energy_by_hand("krotov-hopfield", x, patterns, power=2)
        assert capacity.binary_energy("krotov-hopfield", x, patterns, 5) == \
            _energy_by_hand("krotov-hopfield", x, patterns, 5)


def test_retrieve_by_hand_with_ties_sweeps_and_its_trace():
    """Small n and d, where ties (a bit kept as it is) happen; the trace holds the lower of
    the two energies of every visited bit; the generator is left where the loop stops."""
    rng = np.random.default_rng(8)
    for trial in range(12):
        model = capacity.MODELS[trial % 3]
        patterns = rng.choice(np.array([-1, 1]), size=(2 + trial % 3, 6))
        probe = rng.choice(np.array([-1, 1]), size=6)
        power, sweeps = (2, 4, 3)[(trial // 3) % 3], (1, 2, 10)[trial // 4]  # krotov: 4, 3, 2
        trace, want_trace = [], []
        seed = int(rng.integers(1000))
        got = capacity.retrieve(model, probe, patterns, power, sweeps,
                                rng=(r1 := np.random.default_rng(seed)), trace=trace)
        want = _retrieve_by_hand(model, probe, patterns, power, sweeps,
                                 r2 := np.random.default_rng(seed), want_trace)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_allclose(trace, want_trace, rtol=1e-14, atol=1e-14)
        assert r1.integers(10**9) == r2.integers(10**9)
    patterns = rng.choice(np.array([-1, 1]), size=(3, 8))
    probe = rng.choice(np.array([-1, 1]), size=8)
    before = probe.copy()
    np.testing.assert_array_equal(capacity.retrieve("hopfield", probe, patterns),
                                  _retrieve_by_hand("hopfield", probe, patterns, 3, 10,
                                                    np.random.default_rng(0), []))
    np.testing.assert_array_equal(probe, before)  # the probe itself is left as it was
    with pytest.raises(ValueError, match="parameter 'sweeps'"):
        capacity.retrieve("hopfield", probe, patterns, sweeps=0)


def test_retrieval_rate_by_hand():
    for model, n, d, flip, probes in (("hopfield", 12, 4, 0.25, 7),
                                      ("krotov-hopfield", 10, 5, 0.3, 6),
                                      ("demircigil", 8, 3, 0.5, 5)):
        got = capacity.retrieval_rate(model, n, d, flip, probes, np.random.default_rng(2), 2)
        rng = np.random.default_rng(2)
        patterns = rng.choice(np.array([-1, 1]), size=(d, n))
        hits = 0
        for k in range(probes):
            probe = patterns[k % d].copy()
            probe[rng.choice(n, size=int(round(flip * n)), replace=False)] *= -1
            hits += np.array_equal(
                _retrieve_by_hand(model, probe, patterns, 2, 10, rng, []), patterns[k % d])
        assert got == hits / probes, model
    rng = np.random.default_rng(0)
    assert 0 < capacity.retrieval_rate("hopfield", 12, 4, 0.25, 7, rng, 2) < 1
    assert capacity.retrieval_rate("hopfield", 2, 1, 0.0, 1, rng) == 1.0
    for kwargs, name in (({"n": 1}, "n"), ({"d": 0}, "d"), ({"flip_fraction": -0.01}, "flip"),
                         ({"flip_fraction": 0.51}, "flip"), ({"probes": 0}, "probes")):
        args = {"n": 8, "d": 2, "flip_fraction": 0.1, "probes": 2, **kwargs}
        with pytest.raises(ValueError, match=f"parameter '{name}"):
            capacity.retrieval_rate("hopfield", rng=rng, **args)


def test_polynomial_energy_and_bit_errors_by_hand():
    """A bit is an error when flipping it does not raise the polynomial energy (ties count):
    counted here by the energy of each flipped pattern, over the same draws."""
    rng = np.random.default_rng(4)
    patterns = rng.choice(np.array([-1, 1]), size=(4, 7))
    x = rng.choice(np.array([-1, 1]), size=7)
    for power in (2, 3, 4):
        assert capacity.polynomial_energy(x, patterns, power) == \
            -float(sum(int(o) ** power for o in patterns @ x))
    for n, d, power, bits in ((6, 3, 2, 30), (5, 4, 3, 11), (8, 6, 2, 8)):
        got = capacity.bit_error_rate(n, d, power, np.random.default_rng(6), bits)
        rng = np.random.default_rng(6)
        needed, errors, checked = -(-bits // n), 0, 0
        while checked < needed:
            patterns = rng.choice(np.array([-1.0, 1.0]), size=(d, n))
            for mu in range(min(d, needed - checked)):
                x = patterns[mu]
                for i in range(n):
                    y = x.copy()
                    y[i] = -y[i]
                    errors += capacity.polynomial_energy(y, patterns, power) <= \
                        capacity.polynomial_energy(x, patterns, power)
                checked += 1
        assert got == errors / (checked * n), (n, d, power)
    assert 0 < capacity.bit_error_rate(6, 3, 2, np.random.default_rng(6), 30) < 1
    # default bits 8192: 1024 patterns of 8 bits (8193 would check 1025)
    rates = [capacity.bit_error_rate(8, 5, 2, np.random.default_rng(6), *bits)
             for bits in ((), (8192,), (8193,))]
    assert rates[0] == rates[1] != rates[2]
    # the smallest allowed n and bits
    assert capacity.bit_error_rate(2, 1, 2, np.random.default_rng(0), 1) == 0.0
    for args, name in (((1, 3, 2), "n"), ((6, 0, 2), "d"), ((6, 3, 1), "power")):
        with pytest.raises(ValueError, match=f"parameter '{name}'"):
            capacity.bit_error_rate(*args, np.random.default_rng(0))
    with pytest.raises(ValueError, match="parameter 'bits'"):
        capacity.bit_error_rate(6, 3, 2, np.random.default_rng(0), 0)
    with pytest.raises(ValueError, match="parameter 'power'"):
        capacity.polynomial_energy(x, patterns, 1)


def test_both_steps_close_to_a_pattern_and_far_from_every_layer():
    """Steps shorter than 1 (the floor against 0/0 is 1e-300, not 1), a row far from every
    layer beside a near one (the softmax shift is per row: g ~ 1e4 would underflow), and a
    (2, 1, n) batch (the last axis is the dimension)."""
    from assocmem.theory.layered import constrained_layer_step, mm_step

    part = np.array([[0.0, 0.0]])
    # 0.5 from the pattern, sqrt(delta) = 0.1: a fifth of the way
    np.testing.assert_allclose(constrained_layer_step([0.5, 0.0], part, 0.01), [0.4, 0.0],
                               rtol=1e-15)
    np.testing.assert_allclose(mm_step([0.4, 0.0], [part, part + 40.0], 0.01), [0.3, 0.0],
                               rtol=1e-14)
    # a row ~100 from both layers (g ~ 1e4): its weights are 1/2 each, (x - c) ^2 equal
    parts = [np.array([[0.0, 100.0]]), np.array([[0.0, -100.0]])]
    x = np.array([[100.0, 0.0], [0.0, 99.0]])
    got = mm_step(x, parts, 1.0)
    np.testing.assert_allclose(got[0], [99.0, 0.0], rtol=1e-15)
    # the near row: weights e^-1 / (e^-1 + e^-(199^2)), the target (0, 100): one unit up
    np.testing.assert_allclose(got[1], [0.0, 100.0], rtol=1e-15)
    np.testing.assert_allclose(mm_step(x[:, None], parts, 1.0)[:, 0], got, rtol=1e-15)
    assert mm_step(x[:, None], parts, 1.0).shape == (2, 1, 2)


def test_the_polynomial_power_defaults_to_3():
    """retrieve and retrieval_rate at their default power, on the one model that reads it."""
    rng = np.random.default_rng(13)
    patterns = rng.choice(np.array([-1, 1]), size=(4, 7))
    probe = rng.choice(np.array([-1, 1]), size=7)
    trace, want_trace = [], []
    got = capacity.retrieve("krotov-hopfield", probe, patterns, trace=trace)
    want = _retrieve_by_hand("krotov-hopfield", probe, patterns, 3, 10,
                             np.random.default_rng(0), want_trace)
    np.testing.assert_array_equal(got, want)
    assert trace == want_trace
    # 7 bits, 5 patterns: powers 3 and 4 retrieve 2 and 1 of the 6 probes
    rate = capacity.retrieval_rate("krotov-hopfield", 7, 5, 0.3, 6, np.random.default_rng(1))
    assert rate == capacity.retrieval_rate("krotov-hopfield", 7, 5, 0.3, 6,
                                           np.random.default_rng(1), 3) == 2 / 6
    assert capacity.retrieval_rate("krotov-hopfield", 7, 5, 0.3, 6,
                                   np.random.default_rng(1), 4) == 1 / 6


def test_stack_retrieval_where_beta_and_depth_matter_and_its_checks():
    """Patterns 2 apart (shifted off the origin, so |p_i + p_j| is no distance of theirs) and
    40 queries 0.3 away: the shared stack has not settled after two layers, and beta changes
    every design's share. The shares by hand at the defaults (beta 1, within 0.05), and the
    hand-computed shares at beta 2, after one layer less, or with |p_i + p_j| for the minimum
    distance differ from them."""
    from assocmem.theory.energy import retrieval_update
    from assocmem.theory.layered import mm_step, stack_retrieval

    rng = np.random.default_rng(3)
    patterns = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 1.8], [3.0, 1.8]]) + 3.0
    target = rng.integers(4, size=40)
    queries = patterns[target] + rng.normal(size=(40, 2)) * 0.3
    sums = min(np.linalg.norm(patterns[i] + patterns[j]) for i in range(4) for j in range(i))

    def shares(beta, depth, min_dist=2.0):  # pattern 0 to 1, and 2 to 3
        parts = partition_patterns(patterns, 2, np.random.default_rng(8))

        def share(x):
            return float(np.mean(np.linalg.norm(x - patterns[target], axis=1) < 0.05 * min_dist))

        x = queries
        for _ in range(depth):
            x = retrieval_update(x, patterns, beta)
        y = queries
        for part in parts:
            y = retrieval_update(y, part, beta)
        return share(x), share(y)

    got = stack_retrieval(patterns, queries, target, 2, np.random.default_rng(8), 3,
                          deltas=())
    want = shares(1.0, 3)
    assert (got["shared attention"], got["disjoint attention"]) == want
    assert 0 < min(want) and max(want) < 1
    got = stack_retrieval(patterns, queries, target, 2, np.random.default_rng(8), 3,
                          deltas=(), beta=2.0)
    assert (got["shared attention"], got["disjoint attention"]) == shares(2.0, 3)
    assert shares(2.0, 3)[0] != want[0] and shares(2.0, 3)[1] != want[1]
    assert shares(1.0, 2)[0] != want[0] and shares(1.0, 3, sums) != want
    with pytest.raises(ValueError, match="argument 'patterns' contains NaN"):
        stack_retrieval(np.array([[np.nan, 0.0], [1.0, 1.0]]), queries[:1], [0], 1,
                        np.random.default_rng(0), 1)
    with pytest.raises(ValueError, match="argument 'patterns'"):
        stack_retrieval(np.array([1.0, 2.0]), queries[:1], [0], 1, np.random.default_rng(0), 1)
    with pytest.raises(ValueError, match="argument 'x' contains NaN"):
        mm_step([np.nan, 0.0], [patterns], 1.0)
