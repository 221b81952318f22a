"""Chapter 05's checks: Lemma 5, the bounds on one ball's Gaussian mass and Eq. 13, each
decided without cancellation, and Monte Carlo allowances from the sample's own error
(conventions in :mod:`assocmem.theory.checks`)."""

from __future__ import annotations

import math

import numpy as np

from assocmem.theory.checks.rounding import SAFETY, U
from assocmem.theory.partition import log_kummer_mpmath, log_kummer_series
from assocmem.validate import check_array


def _pairs(n, r, pairwise):
    n = np.asarray(n, dtype=float).ravel()
    r = np.asarray(r, dtype=float).ravel()
    if pairwise:
        n, r = np.broadcast_arrays(n, r)
    else:
        n, r = (v.ravel() for v in np.meshgrid(n, r, indexing="ij"))
    if (n <= 0).any() or (r < 0).any() or not (np.isfinite(n).all() and np.isfinite(r).all()):
        raise ValueError("arguments 'n' must be > 0 and 'r' >= 0, all finite")
    return n, r


def _kummer_decide(a, r, power, lower, upper, exact_lower, exact_upper):
    """Decide lower(r) <= log S(a, r^power) <= upper(r) for each element: returns two boolean
    arrays (lower side violated, upper side violated).

    Where the float series of :func:`~assocmem.theory.partition.log_kummer_series` applies, each
    margin is decided when it exceeds its error: the series' bound, u x for x = r^2 rounded
    (d log S / dx <= 1, since S' <= S term by term), the bound's own rounding (``lower`` and
    ``upper`` return (value, error)) and u |margin|. Everything else, and every margin that
    float64 finds violated, is evaluated in mpmath with the exact r (``exact_lower`` and
    ``exact_upper`` take an mpmath r and log S and return the margins).
    """
    import mpmath

    x = r**power
    log_s, err, ok = log_kummer_series(a, x)
    x_err = U * x if power != 1 else 0.0
    low_value, low_err = lower(r)
    up_value, up_err = upper(r)
    m_low, m_up = log_s - low_value, up_value - log_s
    tol_low = SAFETY * (err + x_err + low_err + U * np.abs(m_low))
    tol_up = SAFETY * (err + x_err + up_err + U * np.abs(m_up))
    undecided_low = ~ok | (m_low <= tol_low)  # includes float 'violations'
    undecided_up = ~ok | (m_up <= tol_up)
    bad_low = np.zeros(a.shape, bool)
    bad_up = np.zeros(a.shape, bool)
    for i in np.flatnonzero(undecided_low | undecided_up):
        digits = 30 + int(math.ceil(math.log10(1 + float(x[i]) + float(a[i]))))
        with mpmath.workdps(digits):
            ri = mpmath.mpf(float(r[i]))
            ls = log_kummer_mpmath(float(a[i]), ri**power, digits)
            bad_low[i] = undecided_low[i] and exact_lower(ri, ls) < 0
            bad_up[i] = undecided_up[i] and exact_upper(ri, ls) < 0
    return bad_low, bad_up


def lemma5_violations(n, r, pairwise: bool = False) -> list[tuple[float, float, str]]:
    """Lemma 5, e^-r r^n / n <= gamma(n, r) <= r^n / n, decided for every (n, r): for all pairs
    of the given n and r, or element by element with ``pairwise``. Returns the violations found
    as (n, r, side); for the true lemma the list is empty.

    With gamma(n, r) = r^n e^-r S(n, r) / n (:mod:`assocmem.theory.partition`) the lemma is
    0 <= log S(n, r) <= r, whose margins are computed without cancellation: log S itself, with
    its error bound, and r - log S, with u r more. Undecided margins go to mpmath.
    """
    n, r = _pairs(n, r, pairwise)
    bad_low, bad_up = _kummer_decide(
        n, r, 1, lambda r: (0.0, 0.0), lambda r: (r, 0.0),
        lambda ri, ls: ls, lambda ri, ls: ri - ls)
    return [(float(nn), float(rr), side) for nn, rr, lo, up in zip(n, r, bad_low, bad_up,
                                                                      strict=True)
            for side, bad in (("lower", lo), ("upper", up)) if bad]


def ball_mass_bound_violations(n, r, pairwise: bool = False) -> list[tuple[float, float, str]]:
    """The corrected bounds on one ball's Gaussian mass, e^(-r^2) V_n(r) <= mass(n, r) <=
    V_n(r) (Section 5; at r = r_c, Eq. 13's corrected bounds divided by d), decided for every
    (n, r) as in :func:`lemma5_violations`.

    mass / V_n(r) = e^(-r^2) S(n/2, r^2), so the bounds are 0 <= log S(n/2, r^2) <= r^2.
    """
    n, r = _pairs(n, r, pairwise)
    bad_low, bad_up = _kummer_decide(
        n / 2, r, 2, lambda r: (0.0, 0.0), lambda r: (r**2, U * r**2),
        lambda ri, ls: ls, lambda ri, ls: ri**2 - ls)
    return [(float(nn), float(rr), side) for nn, rr, lo, up in zip(n, r, bad_low, bad_up,
                                                                      strict=True)
            for side, bad in (("lower", lo), ("upper", up)) if bad]


def printed_lower_bound_fails(n, r, pairwise: bool = True) -> np.ndarray:
    """Whether Section 5's printed lower bound e^-r V_n(r) <= mass(n, r) fails, decided for each
    (n, r) (element by element by default).

    The bound reads log S(n/2, r^2) >= r^2 - r; its margin is computed without cancellation
    (r^2 - r is within 2 u (r^2 + r)), and in mpmath where float64 cannot decide it. It holds for
    every r <= 1 (log S >= 0 >= r^2 - r) and fails for r > 1 from some dimension on.
    """
    shape = np.broadcast(np.asarray(n), np.asarray(r)).shape if pairwise else None
    n, r = _pairs(n, r, pairwise)
    fails, _ = _kummer_decide(
        n / 2, r, 2, lambda r: (r**2 - r, 2 * U * (r**2 + r)), lambda r: (np.inf, 0.0),
        lambda ri, ls: ls - (ri**2 - ri), lambda ri, ls: 1)
    return fails.reshape(shape) if pairwise else fails


def mc_log_mean(values, scale: float = 1.0) -> tuple[float, float]:
    """log(scale * mean(values)) for Monte Carlo samples ``values`` (non-negative weights), and
    the standard error of that log: by the delta method, std(values) / (mean sqrt(N)).

    A check compares a Monte Carlo value with an exact one within a multiple of this error (the
    chapters use 6, a chance below 2e-9 per comparison for a normal estimate), so that it holds
    at the fewest samples a chapter allows, instead of a fixed allowance that only a large
    sample meets.
    """
    values = check_array("values", values)
    mean = float(values.mean())
    if not mean > 0:
        raise ValueError("argument 'values' must have a positive mean")
    error = float(values.std(ddof=1)) / (mean * np.sqrt(values.size))
    return float(np.log(mean * scale)), error
