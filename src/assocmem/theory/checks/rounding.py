"""Float64 error bounds and exact arithmetic shared by the chapters' checks
(conventions in :mod:`assocmem.theory.checks`)."""

from __future__ import annotations

import math

import numpy as np

from assocmem.theory.logsumexp import logsumexp
from assocmem.validate import check_array

UNIT_ROUNDOFF = 2.0**-53  # u: float64 rounds every operation to within a factor 1 +- u
LIBM_ULPS = 4  # assumed accuracy of numpy's exp, log and log1p, in units in the last place
U = UNIT_ROUNDOFF
SAFETY = 1.01  # covers the second-order terms of the first-order bounds (n u < 1e-9 here)


def logsumexp_error(x, axis: int = -1) -> np.ndarray:
    """A bound on |logsumexp(x) - LogSumExp(x)| and on |logsumexp_excess(x) - excess| for
    float64 rows x of length n (:mod:`assocmem.theory.logsumexp`, beta = 1); returns
    ``(lse_error, excess_error)``.

    The excess is log1p(S), S = sum over the n - 1 entries but the arg-max m of
    exp(x_i - m). Each term's exponent z_i = x_i - m is rounded (error u |z_i|) and exp adds
    LIBM_ULPS ulps, so the term is off by at most 2 LIBM_ULPS u + u |z_i| relative, and since
    e^z |z| <= 1/e for z <= 0, the terms together by 2 LIBM_ULPS u S + (n - 1) u / e; the sum
    adds (n - 2) u S. log1p turns an error D of S into at most D / (1 + S), with S / (1 + S)
    <= 1, and adds LIBM_ULPS ulps of log1p(S) <= log n:
    excess error <= u (2n + 2 LIBM_ULPS + 2 LIBM_ULPS log n). LogSumExp = m + excess adds u |m +
    excess|.
    """
    x = check_array("x", x)
    n = x.shape[axis]
    with np.errstate(over="ignore"):
        lse = logsumexp(x, axis=axis)
    excess_error = SAFETY * U * (2 * n + 2 * LIBM_ULPS + 2 * LIBM_ULPS * np.log(n))
    return excess_error + SAFETY * U * np.abs(lse), np.broadcast_to(excess_error, lse.shape)


def _two_product(a, b):
    """Dekker's error-free product: a * b == p + e exactly (no overflow or underflow)."""
    p = a * b
    split = 134217729.0  # 2^27 + 1
    ah = a * split
    ah = ah - (ah - a)
    bh = b * split
    bh = bh - (bh - b)
    al, bl = a - ah, b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def exact_dot(a, b) -> float:
    """sum_k a_k b_k for float64 vectors, correctly rounded (error-free products and
    :func:`math.fsum`)."""
    p, e = _two_product(np.asarray(a, float), np.asarray(b, float))
    return math.fsum(np.concatenate([p, e]).tolist())


def exact_squared_distance(a, b) -> float:
    """||a - b||^2 for float64 vectors, correctly rounded: a - b = s + t exactly (Knuth's two-sum),
    (s + t)^2 = s^2 + 2 s t + t^2 with error-free products, all summed by :func:`math.fsum`."""
    a, b = np.asarray(a, float), -np.asarray(b, float)
    s = a + b
    bb = s - a
    t = (a - (s - bb)) + (b - bb)
    parts = [*_two_product(s, s), *_two_product(2 * s, t), *_two_product(t, t)]
    return math.fsum(np.concatenate(parts).tolist())


def mp_lse(values):
    """LogSumExp of mpmath numbers, at the working precision."""
    import mpmath

    top = max(values)
    return top + mpmath.log(mpmath.fsum(mpmath.exp(v - top) for v in values))


def digits_for(magnitude, resolution) -> int:
    """Working digits that resolve ``resolution`` against numbers of size ``magnitude``."""
    ratio = max(float(magnitude), 1.0) / max(float(resolution), 1e-300)
    return 40 + int(math.ceil(math.log10(max(ratio, 1.0))))


def confirmed(rows, confirm) -> int:
    """How many of the flagged ``rows`` the high-precision ``confirm(row)`` finds violated."""
    return sum(bool(confirm(int(i))) for i in np.flatnonzero(rows))
