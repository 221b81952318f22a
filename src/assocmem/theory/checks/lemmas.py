"""Chapter 01's checks: the lemmas of Appendix C on batches of rows, each with a rounding
allowance derived from the float64 error of the LogSumExps it uses (conventions in
:mod:`assocmem.theory.checks`)."""

from __future__ import annotations

import math

import numpy as np

from assocmem.theory.checks.rounding import (
    LIBM_ULPS,
    SAFETY,
    U,
    confirmed,
    digits_for,
    logsumexp_error,
    mp_lse,
)
from assocmem.theory.logsumexp import logsumexp, logsumexp_excess, smooth_min
from assocmem.validate import check_array


def lemma1_convexity(X, Y, t) -> dict:
    """Lemma 1 on rows: gap = t f(x) + (1 - t) f(y) - f(t x + (1 - t) y) >= 0 (f = LogSumExp),
    and, since f is 1-Lipschitz in the infinity norm, gap <= width = 2 t (1 - t) ||x - y||_inf.

    ``tol`` bounds the float error of the computed gap: the three LogSumExp errors
    (:func:`logsumexp_error`) weighted t, 1 - t and 1; the rounded mixture, whose entries are off
    by at most u (3 |t x_i| + 3 |(1 - t) y_i| + |y_i|) (two products, a sum, and 1 - t itself
    rounded), moving f by at most the largest of them; u |f(y)| for the rounded weight 1 - t; and
    4 u (|t f(x)| + |(1 - t) f(y)| + |f(mix)|) for the final products and sums. The width is
    within 5 u of itself. Returns the gap, ``tol``, the counts of confirmed violations of
    either side, and ``normalized`` = gap / width in [0, 1] (clipped within rounding) for the
    rows whose width exceeds 1e6 times the allowance (elsewhere rounding would dominate it).
    """
    X, Y = check_array("X", X, min_ndim=2), check_array("Y", Y, min_ndim=2)
    t = np.asarray(t, float).reshape(len(X), 1)
    s = 1 - t
    mix = t * X + s * Y
    fx, fy, fm = logsumexp(X), logsumexp(Y), logsumexp(mix)
    ex, ey, em = logsumexp_error(X)[0], logsumexp_error(Y)[0], logsumexp_error(mix)[0]
    tt, ss = t[:, 0], s[:, 0]
    gap = tt * fx + ss * fy - fm
    entry = U * (3 * np.abs(t * X) + 3 * np.abs(s * Y) + np.abs(Y)).max(1)
    tol = SAFETY * (tt * ex + ss * ey + em + entry + U * np.abs(fy)
                     + 4 * U * (np.abs(tt * fx) + np.abs(ss * fy) + np.abs(fm)))
    width = 2 * tt * ss * np.abs(X - Y).max(1)
    width_tol = tol + 5 * U * width

    def exact_gap(i):
        import mpmath

        scale = max(np.abs(X[i]).max(), np.abs(Y[i]).max(), abs(fx[i]), abs(fy[i]))
        with mpmath.workdps(digits_for(scale, tol[i])):
            ti = mpmath.mpf(float(tt[i]))
            xs = [mpmath.mpf(v) for v in X[i].tolist()]
            ys = [mpmath.mpf(v) for v in Y[i].tolist()]
            mixed = [ti * a + (1 - ti) * b for a, b in zip(xs, ys, strict=True)]
            g = ti * mp_lse(xs) + (1 - ti) * mp_lse(ys) - mp_lse(mixed)
            w = 2 * ti * (1 - ti) * max(abs(a - b) for a, b in zip(xs, ys, strict=True))
            return g, w

    below = confirmed(gap < -tol, lambda i: exact_gap(i)[0] < 0)
    above = confirmed(gap > width + width_tol, lambda i: exact_gap(i)[0] > exact_gap(i)[1])
    resolved = width > 1e6 * width_tol
    return {"gap": gap, "tol": tol, "violations": below, "exceeds_width": above,
            "normalized": np.clip(gap[resolved] / width[resolved], 0.0, 1.0),
            "unresolved": int((~resolved).sum())}


def lemma2_excess(X) -> dict:
    """Lemma 2's non-strict bounds on rows: 0 <= excess = LogSumExp(x) - max_i x_i <= log n.

    ``tol`` is :func:`logsumexp_error`'s bound on the excess; log n itself is within LIBM_ULPS
    ulps. A row beyond either bound by more is confirmed with 50-digit arithmetic
    (:func:`~assocmem.theory.logsumexp.exact_logsumexp_excess`). Returns the excess, ``tol``,
    the count of confirmed violations and ``normalized`` = excess / log n (rows with n >= 2).
    """
    from assocmem.theory.logsumexp import exact_logsumexp_excess

    X = check_array("X", X, min_ndim=1)
    rows = X.reshape(-1, X.shape[-1])
    n = rows.shape[-1]
    excess = logsumexp_excess(rows)
    tol = logsumexp_error(rows)[1]
    top = np.log(n) * (1 + 2 * LIBM_ULPS * U)
    flagged = (excess < -tol) | (excess > top + tol)
    exact = exact_logsumexp_excess
    bad = confirmed(flagged, lambda i: not 0 <= exact(rows[i]) <= math.log(n))
    normalized = excess / np.log(n) if n > 1 else np.zeros(0)
    return {"excess": excess.reshape(X.shape[:-1]), "tol": tol, "violations": bad,
            "normalized": normalized}


def lemma3_smooth_min(X) -> dict:
    """Lemma 3 (corrected, non-strict) on rows: 0 <= below = min_i x_i - smooth_min(x) <= log n.

    smooth_min(x) = -LogSumExp(-x) = -(m + excess) with m = -min_i x_i exactly, so the computed
    ``below`` is off by the excess error (:func:`logsumexp_error`), u |m + excess| for that
    sum and u |below| for the final difference: that is ``tol``. Flagged rows are confirmed with
    50-digit arithmetic. Returns ``below``, ``tol``, the count of confirmed violations and
    ``normalized`` = below / log n in [0, 1] (clipped within rounding), for n >= 2 and the rows
    whose allowance is below 1e-6 log n (for entries near 1e300 rounding swamps the slack).
    """
    from assocmem.theory.logsumexp import exact_logsumexp_excess

    X = check_array("X", X, min_ndim=1)
    rows = X.reshape(-1, X.shape[-1])
    n = rows.shape[-1]
    low = rows.min(-1)
    below = low - smooth_min(rows)
    excess_error = logsumexp_error(-rows)[1]
    tol = SAFETY * (excess_error + U * (np.abs(low) + np.log(n)) + U * np.abs(below))
    top = np.log(n) * (1 + 2 * LIBM_ULPS * U)
    flagged = (below < -tol) | (below > top + tol)
    exact = exact_logsumexp_excess  # below = excess of -x, exactly
    bad = confirmed(flagged, lambda i: not 0 <= exact(-rows[i]) <= math.log(n))
    resolved = tol <= 1e-6 * np.log(n)
    normalized = np.clip(below[resolved] / np.log(n), 0.0, 1.0) if n > 1 else np.zeros(0)
    return {"below": below, "tol": tol, "violations": bad, "normalized": normalized,
            "unresolved": int((~resolved).sum()) if n > 1 else 0}


def lemma4_lipschitz(X, Y) -> dict:
    """Lemma 4 on rows: |f(x) - f(y)| <= ||x - y||_inf (f = LogSumExp).

    ``tol`` = the two LogSumExp errors (:func:`logsumexp_error`) plus u |f(x) - f(y)| for the
    difference; the bound ||x - y||_inf is within u of itself (one rounded difference per entry,
    the maximum exact). Flagged rows are confirmed with high-precision arithmetic. Returns the
    difference, the bound, ``tol``, the count of confirmed violations and ``normalized`` =
    difference / bound, in [0, 1] (clipped within rounding), for the rows whose bound exceeds 1e6
    times the allowance.
    """
    X, Y = check_array("X", X, min_ndim=2), check_array("Y", Y, min_ndim=2)
    fx, fy = logsumexp(X), logsumexp(Y)
    diff = np.abs(fx - fy)
    bound = np.abs(X - Y).max(1)
    tol = SAFETY * (logsumexp_error(X)[0] + logsumexp_error(Y)[0] + U * diff)

    def exact_violated(i):
        import mpmath

        scale = max(np.abs(X[i]).max(), np.abs(Y[i]).max())
        with mpmath.workdps(digits_for(scale, tol[i])):
            xs = [mpmath.mpf(v) for v in X[i].tolist()]
            ys = [mpmath.mpf(v) for v in Y[i].tolist()]
            gap = abs(mp_lse(xs) - mp_lse(ys))
            return gap > max(abs(a - b) for a, b in zip(xs, ys, strict=True))

    bad = confirmed(diff > bound * (1 + U) + tol, exact_violated)
    resolved = bound > 1e6 * tol
    return {"diff": diff, "bound": bound, "tol": tol, "violations": bad,
            "normalized": np.clip(diff[resolved] / bound[resolved], 0.0, 1.0),
            "unresolved": int((~resolved).sum())}
