"""Appendix C, Lemmas 1-4, checked with hypothesis on the package's LogSumExp."""

import mpmath
import numpy as np
import pytest
import scipy.special
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assocmem.theory.logsumexp import (
    exact_logsumexp_excess,
    exact_logsumexp_gradient,
    logsumexp,
    logsumexp_excess,
    smooth_min,
    softmax,
)
from assocmem.theory.stress import adversarial_vectors, dimensions, random_batches

EPS = np.finfo(float).eps
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
vectors = st.integers(1, 40).flatmap(lambda n: arrays(np.float64, n, elements=finite))
pairs = st.integers(1, 40).flatmap(
    lambda n: st.tuples(*(arrays(np.float64, n, elements=finite) for _ in range(2))))


def rounding(*values):
    return 16 * EPS * sum(np.abs(v) for v in values)


@given(vectors)
def test_matches_scipy(x):
    assert np.isclose(logsumexp(x), scipy.special.logsumexp(x), rtol=1e-13, atol=1e-300)


@given(vectors, st.floats(0.01, 100))
def test_beta_is_a_rescaling(x, beta):
    assert np.isclose(logsumexp(x, beta), logsumexp(beta * x) / beta, rtol=1e-12, atol=1e-12)


@given(pairs, st.floats(0, 1))
def test_lemma1_convexity(xy, t):
    x, y = xy
    mix = logsumexp(t * x + (1 - t) * y)
    gap = t * logsumexp(x) + (1 - t) * logsumexp(y) - mix
    assert gap >= -rounding(logsumexp(x), logsumexp(y), mix)


@given(vectors)
def test_lemma2_bounds_and_strictness(x):
    n = x.size
    excess = logsumexp_excess(x)
    assert 0 <= excess <= np.log(n) * (1 + 8 * EPS)
    exact = exact_logsumexp_excess(x)
    if n == 1:
        assert exact == 0 and excess == 0  # the printed strict bound fails at n = 1
    else:
        assert exact > 0  # strict for n >= 2, even where float64 rounds it to 0
        with mpmath.workdps(60):
            assert exact <= mpmath.log(n) * (1 + mpmath.mpf(10) ** -45)  # 50-digit rounding


@given(vectors, st.floats(0.01, 100))
def test_smooth_min_at_any_beta_matches_scipy(x, beta):
    """-LSE(beta, -x) = -logsumexp(-beta x) / beta, by scipy; the scaling beta x rounds each
    entry by half an ulp, and each side rounds by a few ulps of max |x| + log(n) / beta."""
    want = -scipy.special.logsumexp(-beta * x) / beta
    got = smooth_min(x, beta)
    assert abs(got - want) <= 8 * EPS * (np.abs(x).max() + np.log(x.size) / beta) + 1e-300
    assert x.min() - np.log(x.size) / beta - rounding(x.min()) <= got \
        <= x.min() + rounding(x.min())  # Lemma 3 at beta


@settings(max_examples=50)
@given(st.integers(2, 40).flatmap(
    lambda n: arrays(np.float64, n, elements=st.floats(-30, 30, allow_nan=False))))
def test_the_exact_excess_agrees_with_the_float_one(x):
    """exact_logsumexp_excess (50 digits) against logsumexp_excess (float64): the float terms
    exp(x_i - m) carry the rounding of x_i - m (half an ulp of |x_i - m| <= 60 here) and of
    exp, so the sum and its log1p are good to EPS (4 + ptp(x)) relatively."""
    exact = float(exact_logsumexp_excess(x))
    assert abs(logsumexp_excess(x) - exact) <= EPS * (4 + np.ptp(x)) * exact
    with_inf = np.append(x, -np.inf)
    assert float(exact_logsumexp_excess(with_inf)) == exact  # -inf entries add nothing


def test_the_exact_excess_in_closed_form():
    assert float(exact_logsumexp_excess([0.0, 0.0])) == np.log(2)
    assert float(exact_logsumexp_excess([3.0, 1.0])) == np.log1p(np.exp(-2.0))
    assert float(exact_logsumexp_excess([1.0, 3.0, -np.inf])) == np.log1p(np.exp(-2.0))
    assert exact_logsumexp_excess([5.0]) == 0
    tiny = exact_logsumexp_excess([0.0, -800.0])  # exp(-800): below float64's range
    with mpmath.workdps(50):
        assert abs(tiny / mpmath.exp(-800) - 1) < mpmath.mpf(10) ** -45
    for x, message in (([[0.0]], "1-D"), ([-np.inf, -np.inf], "no finite entry")):
        with pytest.raises(ValueError, match=message):
            exact_logsumexp_excess(x)


@given(vectors)
def test_lemma3_smooth_min(x):
    below = x.min() - smooth_min(x)
    tol = rounding(x.min(), np.log(x.size))
    assert -tol <= below <= np.log(x.size) + tol


@given(pairs)
def test_lemma4_lipschitz(xy):
    x, y = xy
    diff = abs(logsumexp(x) - logsumexp(y))
    assert diff <= np.abs(x - y).max() + rounding(logsumexp(x), logsumexp(y))


@given(vectors, finite)
def test_lemma4_is_tight_along_shifts(x, c):
    """LSE(x + c) - LSE(x) = c exactly; in float64 each entry of x + c rounds by half an ulp
    of max |x| + |c|, and each LSE by a few ulps of its result (the maximum, plus an excess
    <= log n whose relative error is a few ulps times the exponents' |x_i - m| <= 2 max |x|,
    weighted by the softmax): 8 ulps of max |x| + |c| + log n bound the difference's error."""
    assume(abs(c) > 1e-6)
    allow = 8 * EPS * (np.abs(x).max() + abs(c) + np.log(x.size))
    assert abs((logsumexp(x + c) - logsumexp(x)) - c) <= allow


@settings(max_examples=20)
@given(st.integers(2, 10**6))
def test_ties_attain_log_n(n):
    assert np.isclose(logsumexp(np.zeros(n)), np.log(n), rtol=1e-14)


def test_adversarial_cases_are_finite_and_bounded():
    for name, x in adversarial_vectors().items():
        value = logsumexp(x)
        assert np.isfinite(value), name
        n = np.isfinite(x).sum()
        assert x.max() <= value <= x.max() + np.log(n) + rounding(x.max()), name


def test_huge_inputs_do_not_overflow():
    assert logsumexp([1e308, 1e308]) == 1e308
    assert logsumexp(np.array([1000.0, 1000.0])) == pytest.approx(1000 + np.log(2))
    assert logsumexp(np.full(10**6, -1e6)) == pytest.approx(-1e6 + np.log(1e6))


def test_axis_and_batch_shapes():
    x = np.arange(24.0).reshape(2, 3, 4)
    assert logsumexp(x).shape == (2, 3)
    assert np.allclose(logsumexp(x, axis=1), scipy.special.logsumexp(x, axis=1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"x": [1.0, np.nan]}, "'x' contains NaN"), ({"x": []}, "'x' must not be empty"),
     ({"x": [1.0, np.inf]}, "'x' contains \\+inf"), ({"x": [1.0], "beta": 0.0}, "'beta'"),
     ({"x": [1.0], "beta": -1.0}, "'beta'"), ({"x": [1.0], "axis": 3}, "'axis'")])
def test_bad_input_names_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        logsumexp(**kwargs)


def test_stress_generators():
    assert dimensions(1000) == [1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000]
    batches = random_batches(np.random.default_rng(0), 130, 1000, 8)
    assert sum(len(b) for b in batches.values()) == 130
    assert all(b.shape[1] == d for d, b in batches.items())
    with pytest.raises(ValueError, match="'count'"):
        random_batches(np.random.default_rng(0), 0, 10, 2)


# ---- Sec. 4 / App. C: softmax is the gradient of LogSumExp --------------------------------------
small = st.integers(1, 8).flatmap(
    lambda n: arrays(np.float64, n, elements=st.floats(-1e6, 1e6, allow_nan=False)))


@settings(max_examples=40, deadline=None)
@given(small, st.floats(0.01, 100))
def test_softmax_is_the_gradient_of_logsumexp(x, beta):
    exact = np.array([float(g) for g in exact_logsumexp_gradient(x, beta, digits=20)])
    s = softmax(x, beta)
    # float64 softmax is exp(beta (x - LSE)): its exponent is off by a few ulps of beta |x|
    allow = 16 * EPS * beta * (np.abs(x) + abs(float(logsumexp(x, beta))) + 1)
    assert np.all(np.abs(s - exact) <= allow * exact + 1e-300)
    assert abs(s.sum() - 1) <= allow.max() * len(x)


def test_the_gradient_check_would_see_a_wrong_factor():
    x = np.array([0.3, -1.2, 2.0])
    exact = np.array([float(g) for g in exact_logsumexp_gradient(x, 2.0)])
    assert np.allclose(softmax(x, 2.0), exact, rtol=1e-14)
    assert not np.allclose(2.0 * softmax(x, 2.0), exact, rtol=1e-3)  # no factor beta
    assert not np.allclose(softmax(x), exact, rtol=1e-3)  # the temperature matters


def test_softmax_matches_scipy_and_handles_extremes():
    x = np.random.default_rng(0).normal(size=(5, 7)) * 30
    assert np.allclose(softmax(x), scipy.special.softmax(x, axis=-1), rtol=1e-12)
    assert np.array_equal(softmax([2.0, -np.inf, -np.inf]), [1.0, 0.0, 0.0])
    assert np.array_equal(softmax([1e300, -1e300, 5e299]), [1.0, 0.0, 0.0])
    assert np.allclose(softmax(np.zeros(10**6)), 1e-6, rtol=1e-12)
    grad = exact_logsumexp_gradient([1e300, 1e300])
    assert all(abs(g - mpmath.mpf(0.5)) < 1e-25 for g in grad)


def test_the_exact_evaluations_check_their_input_by_name():
    for func in (exact_logsumexp_gradient, exact_logsumexp_excess):
        with pytest.raises(ValueError, match="argument 'x' contains NaN"):
            func([1.0, np.nan])
    for x in ([[1.0, 2.0]], [1.0, np.inf], [1.0, -np.inf]):
        with pytest.raises(ValueError, match="argument 'x' must be 1-D and finite"):
            exact_logsumexp_gradient(x)
    for beta in (0.0, -1.0):
        with pytest.raises(ValueError, match="parameter 'beta' must be a finite number"):
            exact_logsumexp_gradient([1.0, 2.0], beta)
    assert [float(g) for g in exact_logsumexp_gradient([0.0, 0.0], 3.0, digits=20)] == [0.5, 0.5]


def test_stress_dimensions_by_hand_and_their_bound():
    assert dimensions(1) == [1]
    assert dimensions(7) == [1, 2, 3, 5, 7]
    assert dimensions(10) == [1, 2, 3, 5, 10]
    assert dimensions(25) == [1, 2, 3, 5, 10, 20, 25]
    assert dimensions(3000) == [1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000,
                                3000]
    for bad in (0, 2.0):
        with pytest.raises(ValueError, match="parameter 'max_dim'"):
            dimensions(bad)


def test_stress_random_batches_draw_in_their_documented_order():
    """Each dimension's rows are offset + scale z, drawn in this order from the generator:
    log10 scale ~ U(-decades, decades), the offset's normal factor and its own log10 scale,
    then z: a second generator with the same seed, drawing by hand, gives the same bits."""
    for count, max_dim, decades in ((130, 1000, 8), (3, 10, 0), (50, 25, 300)):
        got = random_batches(np.random.default_rng(7), count, max_dim, decades)
        dims = dimensions(max_dim)
        per = max(1, count // len(dims))
        assert list(got) == dims
        rng = np.random.default_rng(7)
        for dim in dims:
            scale = 10.0 ** rng.uniform(-decades, decades, size=(per, 1))
            factor = rng.normal(size=(per, 1))
            offset = factor * 10.0 ** rng.uniform(-decades, decades, size=(per, 1))
            np.testing.assert_array_equal(got[dim], offset + scale * rng.normal(size=(per, dim)))
    assert all(len(b) == 1 for b in random_batches(np.random.default_rng(0), 1, 10, 2).values())
    for kwargs, name in (({"count": 0}, "count"), ({"count": 2.0}, "count"),
                         ({"decades": -1}, "decades"), ({"decades": 301}, "decades"),
                         ({"max_dim": 0}, "max_dim")):
        args = {"count": 5, "max_dim": 10, "decades": 2, **kwargs}
        with pytest.raises(ValueError, match=f"parameter '{name}'"):
            random_batches(np.random.default_rng(0), **args)


def test_stress_adversarial_vectors_one_by_one():
    got = adversarial_vectors()
    want = {
        "n = 1": [0.7], "n = 1, huge": [1e300], "tie of 2": [3.0, 3.0],
        "tie of 1000 at -1e6": [-1e6] * 1000, "tie of 1e6 zeros": [0.0] * 10**6,
        "one dominant entry (gap 1e3)": [0.0, -1e3, -1e3],
        "one dominant entry (gap 1e8)": [1e8, 0.0],
        "near-tie (1 ulp)": [1.0, 1.0 + 2.0**-52],
        "huge mixed signs": [1e300, -1e300, 5e299],
        "tiny values": [1e-300, -1e-300, 0.0, 2e-300],
        "one finite, rest -inf": [2.0, -np.inf, -np.inf],
    }
    assert list(got) == list(want)
    for name, value in want.items():
        assert got[name].dtype == np.float64, name
        np.testing.assert_array_equal(got[name], value, err_msg=name)
