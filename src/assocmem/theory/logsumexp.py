"""LogSumExp with inverse temperature, and the smooth minimum built from it (Appendix C).

The paper uses two spellings: Appendix C's ``LogSumExp(x) = log sum_i exp(x_i)`` and Section 4's
``LogSumExp(beta, y) = beta^-1 log sum_i exp(beta y_i)``. Both are :func:`logsumexp`, with
``beta=1`` for the first.

The evaluation is stable for any finite input: with ``m = max_i x_i`` and the argmax left out of
the sum,

    LogSumExp(beta, x) = m + beta^-1 log1p( sum_{i != argmax} exp(beta (x_i - m)) ),

so nothing overflows, and the excess over the maximum (the slack of Lemma 2's lower bound) keeps
its relative precision even when it is far below the rounding unit of ``m``.
"""

from __future__ import annotations

import numpy as np

from assocmem.validate import check_array, check_float


def _prepare(x, beta, axis):
    x = check_array("x", x)
    if np.isposinf(x).any():
        raise ValueError("argument 'x' contains +inf; LogSumExp is +inf there and no bound applies")
    beta = check_float("beta", beta, low=0.0, low_open=True)
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"argument 'axis' must be in [{-x.ndim}, {x.ndim - 1}]; got {axis}")
    return x, beta


def logsumexp_excess(x, beta: float = 1.0, axis: int = -1) -> np.ndarray:
    """``LogSumExp(beta, x) - max_i x_i``, computed without cancellation.

    This is the lower slack of Lemma 2 (App. C): zero exactly when one entry is finite and all
    others are ``-inf`` (in particular for n = 1), positive otherwise, and at most ``log(n)/beta``.
    """
    x, beta = _prepare(x, beta, axis)
    x = np.moveaxis(x, axis, -1)
    m = x.max(axis=-1, keepdims=True)
    finite_max = np.isfinite(m)
    shifted = np.where(finite_max, x - np.where(finite_max, m, 0.0), -np.inf)
    terms = np.exp(beta * shifted)
    top = np.argmax(x, axis=-1)[..., None]
    np.put_along_axis(terms, top, 0.0, axis=-1)
    return np.log1p(terms.sum(axis=-1)) / beta


def logsumexp(x, beta: float = 1.0, axis: int = -1) -> np.ndarray:
    """``LogSumExp(beta, x) = beta^-1 log sum_i exp(beta x_i)`` along ``axis`` (Sec. 4, App. C).

    ``x`` may hold ``-inf`` entries (they contribute nothing); ``+inf`` and NaN raise ValueError.
    Returns a float64 array (a 0-d array for a 1-D input).
    """
    x, beta = _prepare(x, beta, axis)
    m = np.moveaxis(x, axis, -1).max(axis=-1)
    return m + logsumexp_excess(x, beta, axis)


def smooth_min(x, beta: float = 1.0, axis: int = -1) -> np.ndarray:
    """``-LogSumExp(beta, -x)``: the smooth minimum of Lemma 3 (App. C).

    It lies in ``[min_i x_i - log(n)/beta, min_i x_i]``; the proposed energy of Eq. 4 is this
    function of the squared distances to the patterns.
    """
    x = check_array("x", x)
    if np.isneginf(x).any():
        raise ValueError("argument 'x' contains -inf; the smooth minimum is -inf there")
    return -logsumexp(-x, beta, axis)


def softmax(x, beta: float = 1.0, axis: int = -1) -> np.ndarray:
    """``softmax(beta x)_i = exp(beta x_i) / sum_j exp(beta x_j)`` along ``axis``.

    Section 4 and Appendix C state that softmax is the gradient of LogSumExp: with
    ``LogSumExp(beta, x) = beta^-1 log sum_i exp(beta x_i)``, the partial derivative in ``x_i``
    is exactly this (the beta^-1 cancels the chain rule's beta). Evaluated as
    ``exp(beta (x - LogSumExp(beta, x)))``, so nothing overflows; ``-inf`` entries get weight 0.
    """
    x, beta = _prepare(x, beta, axis)
    lse = np.expand_dims(logsumexp(x, beta, axis), axis)
    with np.errstate(invalid="ignore"):
        return np.where(np.isneginf(x), 0.0, np.exp(beta * (x - lse)))


def exact_logsumexp_gradient(x, beta: float = 1.0, digits: int = 30) -> list:
    """The gradient of ``LogSumExp(beta, x)`` by central differences in high-precision arithmetic
    (mpmath), for 1-D finite ``x``: an evaluation independent of any softmax formula.

    Each partial is ``(LSE(x + h e_i) - LSE(x - h e_i)) / 2h`` with ``h = 10^-digits``; the
    error is O(beta^2 h^2). The working precision covers the magnitude of ``beta x``, twice
    ``digits`` and 330 more, so that ``x_i +- h`` is exact and every partial down to float64's
    smallest normal number (1e-308) keeps about ``digits`` correct digits, even for entries near
    1e300. Returns ``mpmath.mpf`` values.
    """
    import mpmath

    x = check_array("x", x)
    if x.ndim != 1 or not np.isfinite(x).all():
        raise ValueError(f"argument 'x' must be 1-D and finite; got shape {x.shape}")
    beta = check_float("beta", beta, low=0.0, low_open=True)
    digits = int(digits)
    scale = max(1.0, float(np.abs(x).max()) * max(1.0, beta), 1.0 / beta)
    with mpmath.workdps(int(np.ceil(np.log10(scale))) + 2 * digits + 340):
        values = [mpmath.mpf(v) for v in x.tolist()]
        b = mpmath.mpf(beta)
        h = mpmath.mpf(10) ** -digits

        def lse(v):
            top = max(v)
            return top + mpmath.log(mpmath.fsum(mpmath.exp(b * (u - top)) for u in v)) / b

        grad = []
        for i in range(len(values)):
            up = list(values)
            down = list(values)
            up[i] += h
            down[i] -= h
            grad.append((lse(up) - lse(down)) / (2 * h))
        return grad


def exact_logsumexp_excess(x, digits: int = 50):
    """``LogSumExp(x) - max_i x_i`` in ``digits``-digit arithmetic (mpmath), for 1-D ``x``.

    Float64 cannot see an excess below ``exp(-745)``; mpmath can (its exponents are unbounded),
    which lets the notebooks confirm strict inequalities on inputs where float64 rounds to
    equality. Returns an ``mpmath.mpf``.
    """
    import mpmath

    x = check_array("x", x)
    if x.ndim != 1:
        raise ValueError(f"argument 'x' must be 1-D; got shape {x.shape}")
    finite = [v for v in x.tolist() if v != -np.inf]
    if not finite:
        raise ValueError("argument 'x' has no finite entry")
    with mpmath.workdps(digits):
        values = [mpmath.mpf(v) for v in finite]
        top = max(range(len(values)), key=values.__getitem__)
        rest = mpmath.fsum(mpmath.exp(v - values[top]) for i, v in enumerate(values) if i != top)
        return +mpmath.log1p(rest)
