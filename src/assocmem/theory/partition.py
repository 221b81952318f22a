"""Section 5 and Appendix D.2: ball volumes, the Gaussian mass of a ball, the critical radius and
the bounds on the layer partition function Z_t (Eqs. 12-13). Everything is in log space, so
nothing overflows or underflows for n up to 1e6 and more.

The exact mass of Eq. 12 follows from a change of variables: with Y ~ N(0, I/2),
``exp(-||y||^2) = pi^(n/2) * density(y)`` and ``2 ||Y||^2 ~ chi^2_n``, so

    int_{||y|| < r} exp(-||y||^2) dy = pi^(n/2) * P(n/2, r^2),

where ``P`` is the regularized lower incomplete gamma function.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from assocmem.theory.checks.rounding import LIBM_ULPS, UNIT_ROUNDOFF
from assocmem.validate import check_array


def _n_r(n, r):
    n = check_array("n", n, min_ndim=0)
    r = check_array("r", r, min_ndim=0)
    if (n <= 0).any() or not np.isfinite(n).all():
        raise ValueError(f"argument 'n' must be finite and > 0; got {n}")
    if (r < 0).any() or not np.isfinite(r).all():
        raise ValueError(f"argument 'r' must be finite and >= 0; got {r}")
    return np.broadcast_arrays(n, r)


def log_ball_volume(n, r) -> np.ndarray:
    """log V_n(r) = (n/2) log pi + n log r - log Gamma(n/2 + 1)  (Section 5)."""
    n, r = _n_r(n, r)
    with np.errstate(divide="ignore"):
        return 0.5 * n * np.log(np.pi) + n * np.log(r) - special.gammaln(0.5 * n + 1)


def log_regularized_lower_gamma(a, x, log_x=None) -> np.ndarray:
    """log P(a, x) without underflow, for a > 0 and x >= 0.

    Where scipy's P(a, x) is comfortably above the float64 floor it is used directly; elsewhere
    (x far below a) the series P(a, x) = x^a e^-x / Gamma(a+1) * sum_k x^k / ((a+1)...(a+k))
    is summed in log space; its terms shrink geometrically there. ``log_x`` may be passed when
    x itself underflows (x = r^2 for a tiny radius r).
    """
    a, x = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(x, dtype=float))
    with np.errstate(divide="ignore"):
        log_x = np.log(x) if log_x is None else np.broadcast_to(np.asarray(log_x, float), a.shape)
    out = np.full(a.shape, -np.inf)
    p = special.gammainc(a, x)
    direct = p > 1e-250
    out[direct] = np.log(p[direct])
    series = ~direct & np.isfinite(log_x)
    if series.any():
        aa, xx, lx = a[series], x[series], log_x[series]
        log_term = np.zeros_like(aa)
        log_sum = np.zeros_like(aa)
        for k in range(1, 100_000):
            log_term = log_term + lx - np.log(aa + k)
            log_sum = np.logaddexp(log_sum, log_term)
            if (log_term - log_sum < -40).all():
                break
        out[series] = aa * lx - xx - special.gammaln(aa + 1) + log_sum
    return out


def log_gaussian_ball_mass(n, r) -> np.ndarray:
    """log of int_{||y|| < r} exp(-||y||^2) dy over R^n  (Eq. 12, App. D.2), exactly."""
    n, r = _n_r(n, r)
    with np.errstate(divide="ignore"):
        log_r2 = 2 * np.log(r)
    return 0.5 * n * np.log(np.pi) + log_regularized_lower_gamma(0.5 * n, r**2, log_r2)


def log_paper_ball_mass(n, r) -> np.ndarray:
    """log of the paper's closed form 2 pi^(n/2) gamma(n, r) / Gamma(n/2) (Eq. 12 (c), App. D.2),

    with gamma(n, r) = int_0^r t^(n-1) e^-t dt as the paper defines it. Compare with
    :func:`log_gaussian_ball_mass` to see that the closed form is not the integral.
    """
    n, r = _n_r(n, r)
    log_lower_gamma = log_regularized_lower_gamma(n, r) + special.gammaln(n)
    return np.log(2.0) + 0.5 * n * np.log(np.pi) + log_lower_gamma - special.gammaln(0.5 * n)


def log_lower_gamma(s, x) -> np.ndarray:
    """log gamma(s, x) = log int_0^x t^(s-1) e^-t dt (the unregularized lower incomplete gamma).

    Where P(s, x) is tiny (x far below s) this is s log x - x - log s + log S(s, x), with S the
    series of :func:`log_kummer_series`: adding log Gamma(s) back to log P(s, x) would cancel
    two numbers of size s log s and leave an error of about eps s log s (1e-7 at s = 4e7).
    """
    s, x = _n_r(s, x)
    out = log_regularized_lower_gamma(s, x) + special.gammaln(s)
    with np.errstate(divide="ignore"):
        tiny = (special.gammainc(s, x) <= 1e-250) & (x > 0)
    if tiny.any():
        ss, xx = np.broadcast_arrays(s, x)
        ss, xx = ss[tiny], xx[tiny]
        log_s, _, ok = log_kummer_series(ss, xx)
        fallback = log_regularized_lower_gamma(ss, xx) + special.gammaln(ss)
        out = np.array(out, dtype=float)
        out[tiny] = np.where(ok, ss * np.log(xx) - xx - np.log(ss) + log_s, fallback)
    return out


# ---- one ball's mass against its volume, without cancellation --------------------------------
# With S(a, x) = sum_{k>=0} x^k / ((a+1)(a+2)...(a+k)) = 1F1(1; a+1; x) (Kummer's function),
#     gamma(a, x) = x^a e^-x S(a, x) / a   and   P(a, x) = x^a e^-x S(a, x) / Gamma(a+1),
# so Lemma 5 reads e^-r <= gamma(n, r) n / r^n = e^-r S(n, r) <= 1, and the Gaussian mass of a
# ball against its volume is mass(n, r) / V_n(r) = e^(-r^2) S(n/2, r^2). Every bound of App. D.2
# and Eq. 13 is a bound on log S, which the two functions below evaluate directly: a difference
# of two logs of size n log n (both about 1e9 at n = 1e8) would lose everything below 1e-7.


def log_kummer_series(a, x, max_terms: int = 200_000):
    """log S(a, x) for a > 0 and 0 <= x <= a + 1, by the series in float64; returns
    ``(value, error, ok)``, with ``error`` a bound on the float error and ``ok`` False where the
    series is not used (x > a + 1, its first term below 1e-280, or no convergence in
    ``max_terms``), to be evaluated by :func:`log_kummer_mpmath` instead.

    The error bound: term k is t_(k-1) x / (a + k), three roundings, so its relative error is
    at most 3 k u (u = 2^-53); adding K positive terms in order adds at most K u relative; the
    series stops at the first term below 2^-60 of the sum with ratio x / (a + k + 1) <= 1/2, so
    the tail left out is below that term. T = S - 1 then has relative error 4 K u + 2^-60, and
    since T / ((1 + T) log1p T) <= 1, so has log S = log1p(T), plus log1p's own LIBM_ULPS ulps.
    Terms stay far from subnormal numbers (first term >= 1e-280), so these bounds hold.
    """
    a, x = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(x, dtype=float))
    shape = a.shape
    a, x = a.ravel(), x.ravel()
    ok = (x >= 0) & (x <= a + 1) & (a > 0)
    term = np.where(ok, x / (a + 1), 0.0)
    ok &= (term >= 1e-280) | (x == 0)
    total = np.where(ok, term, 0.0)
    count = np.ones(a.shape)
    active = ok & (term > 0)
    k = 1
    while active.any() and k < max_terms:
        k += 1
        idx = np.flatnonzero(active)
        term[idx] = term[idx] * x[idx] / (a[idx] + k)
        total[idx] += term[idx]
        count[idx] = k
        done = (term[idx] <= 2.0**-60 * total[idx]) & (x[idx] <= 0.5 * (a[idx] + k + 1))
        active[idx[done]] = False
    ok &= ~active
    value = np.log1p(total)
    rel = (4 * count + 2 * LIBM_ULPS) * UNIT_ROUNDOFF + 2.0**-60
    error = 1.01 * rel * value  # 1.01: second-order terms (K u < 1e-10)
    return value.reshape(shape), error.reshape(shape), ok.reshape(shape)


def log_kummer_mpmath(a, x, digits: int = 30):
    """log S(a, x) = log1p(x / (a + 1) 1F1(1; a + 2; x)) in ``digits``-digit arithmetic
    (mpmath), for scalar a > 0 and x >= 0 given as exact numbers (floats or mpmath values).
    Returns an ``mpmath.mpf``; the log1p form keeps log S's relative precision for tiny x."""
    import mpmath

    with mpmath.workdps(digits):
        a, x = mpmath.mpf(a), mpmath.mpf(x)
        return +mpmath.log1p(x / (a + 1) * mpmath.hyp1f1(1, a + 2, x))


def critical_radius(n) -> np.ndarray:
    """sqrt(n / (2 pi e)), the radius at which V_n(r) stops vanishing or exploding (Section 5)."""
    n = check_array("n", n, min_ndim=0)
    if (n <= 0).any() or not np.isfinite(n).all():
        raise ValueError(f"argument 'n' must be finite and > 0; got {n}")
    return np.sqrt(n / (2 * np.pi * np.e))


def log_stirling_ball_volume(n) -> np.ndarray:
    """log of the paper's Stirling form V_n(1) ~ (n pi)^(-1/2) (2 pi e / n)^(n/2)  (Section 5)."""
    n = check_array("n", n, min_ndim=0)
    return -0.5 * np.log(n * np.pi) + 0.5 * n * np.log(2 * np.pi * np.e / n)


def stirling_relative_error(z: complex, digits: int = 40) -> float:
    """|Gamma(z) / (sqrt(2 pi / z) (z / e)^z) - 1|, Theorem D.1's relative error, at ``digits``
    digits with principal branches (a log-difference, so nothing overflows for |z| ~ 1e8;
    float64 would lose the O(1/z) term to cancellation)."""
    import mpmath

    with mpmath.workdps(digits):
        v = mpmath.mpc(z)
        if v == 0 or (v.imag == 0 and v.real < 0 and v.real == int(v.real)):
            raise ValueError(f"argument 'z' must not be a pole of Gamma; got {z!r}")
        gap = mpmath.loggamma(v) - 0.5 * mpmath.log(2 * mpmath.pi / v) - \
            v * mpmath.log(v / mpmath.e)
        return float(abs(mpmath.expm1(gap)))


def stirling_ball_volume_relative_error(n, digits: int = 40) -> np.ndarray:
    """The relative error of Section 5's Stirling form of V_n(1) (:func:`log_stirling_ball_volume`),
    V_stirling / V_n(1) - 1, for each n, at ``digits`` digits.

    The log-ratio is log Gamma(z + 1) - (z log z - z + log(2 pi z) / 2) at z = n / 2, Binet's
    function mu(z) = log Gamma(z) - (z - 1/2) log z + z - log(2 pi) / 2, so the relative error
    is expm1(mu(n / 2)) = :func:`stirling_relative_error` at n / 2, about 1 / (6 n). In float64
    the two logs it is the difference of are near (n / 2) log n, and their rounding (about 1e-7
    at n = 1e8) would swamp it.
    """
    n = check_array("n", n, min_ndim=0)
    if (n <= 0).any() or not np.isfinite(n).all():
        raise ValueError(f"argument 'n' must be finite and > 0; got {n}")
    out = np.array([stirling_relative_error(v / 2, digits) for v in n.ravel().tolist()])
    return out.reshape(n.shape)


def log_z_bounds_printed(n, d, r) -> tuple[np.ndarray, np.ndarray]:
    """Eq. 13 as printed, in logs: (log d V_n(r) - r, log d V_n(r))."""
    upper = np.log(d) + log_ball_volume(n, r)
    return upper - np.asarray(r, dtype=float), upper


def log_z_bounds_corrected(n, d, r) -> tuple[np.ndarray, np.ndarray]:
    """Bounds that hold for the exact Z_t = d mass(n, r): (log d V_n(r) - r^2, log d V_n(r)).

    On the ball exp(-||y||^2) lies between exp(-r^2) and 1.
    """
    upper = np.log(d) + log_ball_volume(n, r)
    return upper - np.asarray(r, dtype=float) ** 2, upper


def log_patterns_for_unit_partition(n, exact: bool = True) -> np.ndarray:
    """log d, where d is the number of patterns at which Z_t = 1 with balls of the critical
    radius (Sec. 5).

    ``exact=False`` uses the paper's route, Z_t ~ d V_n(r_c) (Eq. 13's upper bound, the step
    behind Proposition 5); ``exact=True`` uses Z_t = d * mass(n, r_c). Returns log d.
    """
    n = check_array("n", n, min_ndim=0)
    r = critical_radius(n)
    log_one_ball = log_gaussian_ball_mass(n, r) if exact else log_ball_volume(n, r)
    return -log_one_ball


def log_gaussian_ball_mass_mpmath(n: float, r: float, digits: int = 30) -> float:
    """An independent reference for :func:`log_gaussian_ball_mass`: mpmath's regularized
    incomplete gamma at ``digits`` digits. Where mpmath's series does not converge (r^2 well
    above n/2, so P is close to 1), scipy's P(n/2, r^2) is used, far from underflow there."""
    import mpmath

    with mpmath.workdps(digits):
        half = mpmath.mpf(n) / 2
        try:
            log_p = mpmath.log(mpmath.gammainc(half, 0, mpmath.mpf(r) ** 2, regularized=True))
        except mpmath.libmp.NoConvergence:
            log_p = np.log(special.gammainc(n / 2, r**2))
        return float(log_p + half * mpmath.log(mpmath.pi))


# ---- Eq. 5 and Eq. 12 with several patterns: the Gaussian of one pattern over another's ball ----
def log_offset_ball_mass(n, r, distance) -> np.ndarray:
    """log of int_{||y|| < r} exp(-||y - v||^2) dy over R^n with ||v|| = ``distance``: the mass
    that the well of one pattern puts on the ball of another pattern at that distance.

    With Y ~ N(v, I/2), ``2 ||Y||^2`` is noncentral chi-square with n degrees of freedom and
    noncentrality ``2 distance^2``, a Poisson(distance^2) mixture of central ones, so

        mass = pi^(n/2) sum_k e^(-s^2) s^(2k) / k! * P(n/2 + k, r^2),   s = distance,

    summed in log space (k up to the Poisson mean plus 12 standard deviations). At distance 0
    this is :func:`log_gaussian_ball_mass`; the mass falls as the distance grows (Anderson's
    inequality), which makes the bounds below hold for every configuration.
    """
    n, r = _n_r(n, r)
    s = check_array("distance", distance, min_ndim=0)
    if (s < 0).any() or not np.isfinite(s).all():
        raise ValueError(f"argument 'distance' must be finite and >= 0; got {s}")
    n, r, s = np.broadcast_arrays(n, r, s)
    out = np.empty(n.shape)
    for idx in np.ndindex(n.shape):
        nn, rr, ss = float(n[idx]), float(r[idx]), float(s[idx])
        mean = ss * ss
        k = np.arange(int(np.ceil(mean + 12 * np.sqrt(mean) + 60)) + 1, dtype=float)
        with np.errstate(divide="ignore"):
            log_w = (-mean + k * np.log(mean) - special.gammaln(k + 1) if mean > 0
                     else np.where(k == 0, 0.0, -np.inf))
            log_r2 = 2 * np.log(rr)
        log_p = log_regularized_lower_gamma(0.5 * nn + k, np.full_like(k, rr * rr), log_r2)
        out[idx] = 0.5 * nn * np.log(np.pi) + special.logsumexp(log_w + log_p)
    return out[()] if out.ndim == 0 else out


def log_replacement_ratio(n, r, d, separation=None) -> np.ndarray:
    """log(Z_E / Z_g): how much replacing the energy E of Eq. 4 by g (Eq. 5) changes the
    partition function over Omega, for d patterns with disjoint balls of radius r whose
    centres are ``separation`` apart (default 2r, the closest Assumption 3 allows).

    On B_i the nearest pattern is rho^i, so exp(-g) = exp(-||x - rho^i||^2) while
    exp(-E) = sum_j exp(-||x - rho^j||^2); integrating over the balls,

        Z_E / Z_g = 1 + (1 / (d m)) sum_i sum_{j != i} mass_j(B_i),

    with m the mass of one ball (:func:`log_gaussian_ball_mass`) and mass_j(B_i) the offset
    mass (:func:`log_offset_ball_mass`). For d patterns pairwise ``separation`` apart (a regular
    simplex, possible when d <= n + 1) this is 1 + (d - 1) offset / m exactly; since the offset
    mass falls with the distance, it is an upper bound for any d patterns at least
    ``separation`` apart.
    """
    n, r = _n_r(n, r)
    separation = 2 * r if separation is None else check_array("separation", separation,
                                                              min_ndim=0)
    if (separation < 2 * r - 1e-12 * np.maximum(r, 1)).any():
        raise ValueError("argument 'separation' must be >= 2 r, or the balls overlap "
                         "(Assumption 3)")
    d = check_array("d", d, min_ndim=0)
    if (d < 1).any():
        raise ValueError(f"argument 'd' must be >= 1; got {d}")
    with np.errstate(divide="ignore"):
        log_cross = (np.log(d - 1) + log_offset_ball_mass(n, r, separation)
                     - log_gaussian_ball_mass(n, r))
    return np.logaddexp(0.0, log_cross)


def log_layer_partition_bounds(n, r, d_layer, d, separation=None) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) for log Z_t = log int_Omega exp(-g_t(x)) dx, the partition function of a
    layer holding ``d_layer`` of the d patterns (Sec. 4.1), over Omega = the union of all d
    balls of radius r, centres at least ``separation`` (default 2r) apart.

    On the layer's own balls exp(-g_t) is the ball's Gaussian: d_layer m in all. On each of the
    other d - d_layer balls, exp(-g_t) <= sum over the layer's patterns of their Gaussians, each
    of mass at most the offset mass at ``separation``. So

        d_layer m  <=  Z_t  <=  d_layer m + (d - d_layer) d_layer offset(separation).

    Eq. 12 as printed sums one ball mass over all d patterns, d m.
    """
    n, r = _n_r(n, r)
    separation = 2 * r if separation is None else np.asarray(separation, dtype=float)
    d_layer, d = np.asarray(d_layer, dtype=float), np.asarray(d, dtype=float)
    if (d_layer < 1).any() or (d_layer > d).any():
        raise ValueError(f"arguments 'd_layer' and 'd' need 1 <= d_layer <= d; got {d_layer}, {d}")
    lower = np.log(d_layer) + log_gaussian_ball_mass(n, r)
    with np.errstate(divide="ignore"):
        cross = np.log(d - d_layer) + np.log(d_layer) + log_offset_ball_mass(n, r, separation)
    return lower, np.logaddexp(lower, cross)


def regular_simplex(d: int, n: int, side: float) -> np.ndarray:
    """d points of R^n pairwise ``side`` apart (a regular simplex; needs d <= n + 1): the
    configuration at which :func:`log_replacement_ratio` is exact. Shape (d, n)."""
    from assocmem.validate import check_float, check_int

    n = check_int("n", n, low=1)
    d = check_int("d", d, low=1, high=n + 1)
    side = check_float("side", side, low=0.0)
    corners = np.eye(d) * side / np.sqrt(2)  # pairwise side apart in R^d
    centred = corners - corners.mean(axis=0)
    basis = np.linalg.svd(centred, full_matrices=False)[2][: max(d - 1, 1)]  # their span
    points = centred @ basis.T
    return np.pad(points, ((0, 0), (0, n - points.shape[1])))
