"""Chapters 03 and 04's checks: Propositions 1-3 and Eq. 8, and the float64 error bounds of
the energies they use (conventions in :mod:`assocmem.theory.checks`)."""

from __future__ import annotations

import math

import numpy as np

from assocmem.theory.checks.rounding import (
    LIBM_ULPS,
    SAFETY,
    U,
    confirmed,
    exact_dot,
    exact_squared_distance,
    logsumexp_error,
    mp_lse,
)
from assocmem.theory.energy import distance_energy, mchn_energy, nearest_pattern_distance
from assocmem.validate import check_array


def distance_energy_error(x, patterns, energy=None, chunk: int = 4096):
    """A bound on |distance_energy(x, patterns) - E(x)| (Eq. 4) for float64 inputs, per query;
    returns ``(bound, e)`` with e the bound on each squared distance's error below. ``energy``:
    the computed E(x), if at hand.

    Each -||x - rho^i||^2 comes out of one dot product of n + 2 terms, [x, 1, ||x||^2] .
    [2 rho^i, -||rho^i||^2, -1], whose two norms are sums of n squares: the dot product is off by
    at most (n + 2) u (||x|| + ||rho^i||)^2 (Cauchy-Schwarz on the cross terms) and the norms by
    (n - 1) u (||x||^2 + ||rho^i||^2), so each distance by e = (2n + 1) u (||x|| + max_i
    ||rho^i||)^2, and E, 1-Lipschitz in the distances (infinity norm), by the same. The running
    LogSumExp over c = ceil(d / chunk) chunks of d patterns adds, as in :func:`logsumexp_error`,
    u (2d + (2 LIBM_ULPS + 4) c + 2 LIBM_ULPS log d) + u |E| (each chunk rescales the running
    sum once, with one exp and two roundings).
    """
    x = check_array("x", x)
    patterns = check_array("patterns", patterns, min_ndim=2)
    n, d = patterns.shape[1], len(patterns)
    reach = np.linalg.norm(x, axis=-1) + np.linalg.norm(patterns, axis=1).max()
    per_distance = (2 * n + 1) * U * reach**2
    chunks = -(-d // chunk)
    lse = U * (2 * d + (2 * LIBM_ULPS + 4) * chunks + 2 * LIBM_ULPS * np.log(d))
    energy = distance_energy(x, patterns) if energy is None else energy
    return SAFETY * (per_distance + lse + U * np.abs(energy)), per_distance


def nearest_pattern_distance_error(x, patterns, g=None) -> np.ndarray:
    """A bound on |nearest_pattern_distance(x, patterns) - g(x)| (Eq. 3), per query (``g``: the
    computed g(x), if at hand).

    The distance to the chosen pattern is recomputed from x - rho (n roundings of differences,
    n of squares, a sum of n non-negative terms): relative error (n + 2) u. The pattern is chosen
    by the norm expansion, whose distances are off by at most e (:func:`distance_energy_error`),
    so the chosen one is at most 2e farther than the nearest.
    """
    x = check_array("x", x)
    g = nearest_pattern_distance(x, patterns) if g is None else g
    _, per_distance = distance_energy_error(x, patterns, energy=0.0)
    n = np.shape(patterns)[1]
    return SAFETY * ((n + 2) * U * g + 2 * per_distance)


def mchn_energy_error(x, patterns, beta: float) -> np.ndarray:
    """A bound on |mchn_energy(x, patterns, beta) - E_MCHN^beta(x)|, per query.

    The scores x . rho^i are sums of n products: off by n u ||x|| M (M = max_i ||rho^i||), and
    -LogSumExp(beta, .) is 1-Lipschitz in them; its own evaluation adds u (2d + 2 LIBM_ULPS +
    2 LIBM_ULPS log d) / beta + u |LSE| (:func:`logsumexp_error`, scaled by 1 / beta), with |LSE|
    <= ||x|| M + log(d) / beta. The terms x^T x / 2 and M^2 / 2 are sums of n squares (n u
    relative), log(d) / beta is within (LIBM_ULPS + 1) ulps, and adding the four terms costs
    3 u times the sum of their absolute values.
    """
    x = check_array("x", x)
    patterns = check_array("patterns", patterns, min_ndim=2)
    n, d = patterns.shape[1], len(patterns)
    norm_x = np.linalg.norm(x, axis=-1)
    m = np.linalg.norm(patterns, axis=1).max()
    log_d = np.log(d) / beta
    lse = norm_x * m + log_d
    terms = lse + 0.5 * norm_x**2 + log_d + 0.5 * m**2
    own = U * (2 * d + 2 * LIBM_ULPS + 2 * LIBM_ULPS * np.log(d)) / beta  # the LogSumExp's
    return SAFETY * (n * U * norm_x * m + own + U * lse + n * U * 0.5 * (norm_x**2 + m**2)
                     + 2 * (LIBM_ULPS + 1) * U * log_d + 3 * U * terms)


def _exact_energies(x, patterns, digits: int = 40):
    """g, E and E_MCHN^2 (mpmath numbers) at one query, from correctly rounded squared
    distances and dot products: float64 rounding is left only in those (u relative each)."""
    import mpmath

    with mpmath.workdps(digits):
        dist = [mpmath.mpf(exact_squared_distance(x, p)) for p in patterns]
        dots = [mpmath.mpf(exact_dot(x, p)) for p in patterns]
        sq = [mpmath.mpf(exact_dot(p, p)) for p in patterns]
        xx = mpmath.mpf(exact_dot(x, x))
        g = min(dist)
        e = g - mpmath.log(mpmath.fsum(mpmath.exp(g - v) for v in dist))
        beta = 2
        lse = mp_lse([beta * v for v in dots]) / beta
        mchn = -lse + xx / 2 + mpmath.log(len(patterns)) / beta + max(sq) / 2
        return g, e, mchn, max(sq) - min(sq)


def prop1_bounds(x, patterns) -> dict:
    """Proposition 1 at each query: 0 <= g(x) - E(x) <= log d.

    ``tol`` = :func:`nearest_pattern_distance_error` + :func:`distance_energy_error` + u |g - E|
    (the difference). A query beyond either bound by more than ``tol`` is recomputed from
    correctly rounded distances in 40-digit arithmetic, allowing u times the largest distance
    for their rounding, and counted only if still violated. Returns the gap g - E, ``tol`` and
    the count of confirmed violations.
    """
    x = check_array("x", x, min_ndim=2)
    g, e = nearest_pattern_distance(x, patterns), distance_energy(x, patterns)
    gap = g - e
    tol = (nearest_pattern_distance_error(x, patterns, g=g)
           + distance_energy_error(x, patterns, energy=e)[0] + U * np.abs(gap))
    log_d = np.log(len(patterns))

    def exact_violated(i):
        eg, ee, _, _ = _exact_energies(x[i], patterns)
        slack = 4 * U * float(eg + 1)
        return eg - ee < -slack or eg - ee > math.log(len(patterns)) + slack

    flagged = (gap < -tol) | (gap > log_d * (1 + 2 * LIBM_ULPS * U) + tol)
    return {"gap": gap, "tol": tol, "violations": confirmed(flagged, exact_violated)}


def _spread_error(patterns):
    sq = np.einsum("ij,ij->i", patterns, patterns)
    return sq.max() - sq.min(), SAFETY * U * (patterns.shape[1] * (sq.max() + sq.min()) + 1)


def prop2_bounds(x, patterns) -> dict:
    """Proposition 2 at each query, with its one-sided sharpening:
    -Delta <= diff = E(x) - (2 E_MCHN^2(x) - log d) <= 0, Delta = max - min of ||rho^i||^2.

    ``tol`` = :func:`distance_energy_error` + 2 :func:`mchn_energy_error` (beta = 2) + the
    roundings of 2 E_MCHN - log d and of the difference (u times their sizes); Delta, a
    difference of two sums of n squares, is within n u (max + min) of itself. Flagged queries are
    recomputed in 40-digit arithmetic from correctly rounded distances and dot products. Returns
    ``diff``, ``spread`` (Delta), ``tol``, and the counts of confirmed violations of the
    two-sided (``violations``) and one-sided (``one_sided``) forms.
    """
    x = check_array("x", x, min_ndim=2)
    patterns = check_array("patterns", patterns, min_ndim=2)
    spread, spread_tol = _spread_error(patterns)
    e, mchn = distance_energy(x, patterns), mchn_energy(x, patterns, 2.0)
    log_d = np.log(len(patterns))
    diff = e - (2 * mchn - log_d)
    tol = (distance_energy_error(x, patterns, energy=e)[0]
           + 2 * mchn_energy_error(x, patterns, 2.0)
           + SAFETY * U * (2 * np.abs(2 * mchn) + 2 * log_d + np.abs(e) + np.abs(diff)))

    def exact(i):
        _, ee, em, es = _exact_energies(x[i], patterns)
        return ee - (2 * em - math.log(len(patterns))), es, 8 * U * float(abs(ee) + abs(em) + 1)

    def two_sided(i):
        d, s, slack = exact(i)
        return abs(d) > s + slack

    def one_sided(i):
        d, _, slack = exact(i)
        return d > slack

    return {"diff": diff, "spread": spread, "tol": tol,
            "violations": confirmed(np.abs(diff) > spread + spread_tol + tol, two_sided),
            "one_sided": confirmed(diff > tol, one_sided)}


def prop3_bounds(x, patterns) -> dict:
    """Proposition 3 at each query: value = g(x) - 2 E_MCHN^2(x), printed as -Delta <= value <=
    Delta + log d, corrected to -Delta - log d <= value <= 0.

    ``tol`` = :func:`nearest_pattern_distance_error` + 2 :func:`mchn_energy_error` + u times
    the sizes of the difference's terms; Delta as in :func:`prop2_bounds`. Violations of the
    corrected form are confirmed in 40-digit arithmetic before they are counted; those of the
    printed form (a statement this book refutes) are counted only beyond ``tol``. Returns
    ``value``, ``spread``, ``log_d``, ``tol``, ``printed_fail`` and ``corrected_fail``.
    """
    x = check_array("x", x, min_ndim=2)
    patterns = check_array("patterns", patterns, min_ndim=2)
    spread, spread_tol = _spread_error(patterns)
    g, mchn = nearest_pattern_distance(x, patterns), mchn_energy(x, patterns, 2.0)
    value = g - 2 * mchn
    tol = (nearest_pattern_distance_error(x, patterns, g=g)
           + 2 * mchn_energy_error(x, patterns, 2.0)
           + SAFETY * U * (np.abs(g) + 2 * np.abs(mchn) + np.abs(value)))
    log_d = np.log(len(patterns))
    wide = spread_tol + tol + 2 * LIBM_ULPS * U * log_d
    printed = (value < -spread - wide) | (value > spread + log_d + wide)

    def corrected_violated(i):
        eg, _, em, es = _exact_energies(x[i], patterns)
        v, slack = eg - 2 * em, 8 * U * float(abs(eg) + abs(em) + 1)
        return v < -es - math.log(len(patterns)) - slack or v > slack

    corrected = (value < -spread - log_d - wide) | (value > tol)
    return {"value": value, "spread": spread, "log_d": log_d, "tol": tol,
            "printed_fail": int(printed.sum()),
            "corrected_fail": confirmed(corrected, corrected_violated)}


# ---- chapter 04: Eq. 8 and the energy along the layers ------------------------------------------
def eq8_bounds(energies) -> dict:
    """Eq. 8 (non-strict) on rows of layer energies: 0 <= gap = min_t E_t - E_global <= log l.

    E_global = -LogSumExp(-E) = min_t E_t - excess, so the computed gap is off by the excess
    error (:func:`logsumexp_error`), u |min_t E_t| + u |E_global| for the two roundings around it
    and u |gap|: that is ``tol``. Flagged rows are confirmed with 50-digit arithmetic. Returns the
    gap, ``tol`` and the count of confirmed violations.
    """
    from assocmem.theory.energy import global_energy
    from assocmem.theory.logsumexp import exact_logsumexp_excess

    energies = check_array("energies", energies, min_ndim=1)
    rows = energies.reshape(-1, energies.shape[-1])
    ell = rows.shape[-1]
    low = rows.min(-1)
    glob = global_energy(rows)
    gap = low - glob
    tol = SAFETY * (logsumexp_error(-rows)[1] + U * (np.abs(low) + np.abs(glob) + np.abs(gap)))
    flagged = (gap < -tol) | (gap > np.log(ell) * (1 + 2 * LIBM_ULPS * U) + tol)
    exact = exact_logsumexp_excess
    bad = confirmed(flagged, lambda i: not 0 <= exact(-rows[i]) <= math.log(ell))
    return {"gap": gap.reshape(energies.shape[:-1]), "tol": tol, "violations": bad}


def layered_energy_error(x0, parts) -> np.ndarray:
    """A bound on the float error of E_global(x) = -LogSumExp(-g_1(x), ..., -g_l(x)) (Eq. 7,
    :func:`~assocmem.theory.layered.layer_energies` then
    :func:`~assocmem.theory.energy.global_energy`) at every point x reachable from the query x0
    by Eq. 6's steps or the MM steps of :mod:`assocmem.theory.layered`, per query.

    Both steps move x towards a point of the convex hull of the patterns by at most the whole
    way, so ||x|| <= R0 = max(||x0||, M) with M = max ||rho||, and every g_t(x) <= (R0 + M)^2 =:
    R^2. Each g_t is then off by at most (n + 2) u R^2 + 2 (2n + 1) u R^2
    (:func:`nearest_pattern_distance_error`), E_global by the largest of these (1-Lipschitz), plus
    the LogSumExp's own u (2l + 2 LIBM_ULPS + 2 LIBM_ULPS log l) and u |E_global| <= u R^2.
    A change of E_global between two steps is decided where it exceeds twice this bound.
    """
    x0 = check_array("x0", x0, min_ndim=1)
    flat = x0.reshape(-1, x0.shape[-1])
    n, ell = flat.shape[-1], len(parts)
    m = max(float(np.linalg.norm(p, axis=1).max()) for p in parts)
    reach = (np.maximum(np.linalg.norm(flat, axis=1), m) + m) ** 2
    lse = U * (2 * ell + 2 * LIBM_ULPS + 2 * LIBM_ULPS * np.log(ell))
    bound = SAFETY * ((5 * n + 5) * U * reach + lse)
    return bound.reshape(x0.shape[:-1])


def _exact_global_energy(x, parts, digits: int = 50):
    """E_global at the float point x (an mpmath number) from correctly rounded squared distances,
    and a bound on its error from their rounding: each g_t is off by at most u g_t, and
    E_global, 1-Lipschitz in the g_t (infinity norm), by u max_t g_t."""
    import mpmath

    with mpmath.workdps(digits):
        g = [min(mpmath.mpf(exact_squared_distance(x, p)) for p in part) for part in parts]
        return -mp_lse([-v for v in g]), U * float(max(g))


def _witness_segments(parts, extremes: int = 8):
    """Candidate segments (p, q) for a failure of midpoint convexity of E_global: the chapter's
    pair (the first patterns of the first two layers), then, for the pattern of the first layer
    and the ``extremes`` patterns of largest norm, the segment to its nearest other pattern (any
    layer: where two distant patterns compete, Var_w > 1/2 across the segment) and to its nearest
    other pattern of its own layer (the midpoint is on a concave kink of that layer's g_t)."""
    yield parts[0][0], parts[1][0]
    patterns = np.concatenate(parts)
    layer = np.concatenate([np.full(len(p), t) for t, p in enumerate(parts)])
    norms = np.einsum("ij,ij->i", patterns, patterns)
    picks = [0, *np.argsort(norms)[::-1][:extremes]]
    for i in dict.fromkeys(int(i) for i in picks):
        d2 = np.einsum("ij,ij->i", patterns - patterns[i], patterns - patterns[i])
        d2[d2 == 0] = np.inf  # the pattern itself and its duplicates
        if np.isfinite(d2.min()):
            yield patterns[i], patterns[int(d2.argmin())]
        d2[layer != layer[i]] = np.inf
        if np.isfinite(d2.min()):
            yield patterns[i], patterns[int(d2.argmin())]


def global_nonconvexity_witness(parts, extremes: int = 8, halvings: int = 52) -> dict:
    """A certified failure of midpoint convexity of E_global (Eq. 7, layer energies g_t): three
    float points x1, m, x3 with E_global(m) - (E_global(x1) + E_global(x3)) / 2 > 0 although m
    is (to rounding) the midpoint of x1 and x3.

    The statement is true for every partition with a layer holding two distinct patterns p, q:
    g_t has a concave kink on their bisector, and E_global = -LogSumExp(-g) inherits it with
    the positive weight softmax(-g)_t; with one pattern per layer it fails where two patterns more
    than sqrt(2) apart compete (the Hessian is 2 I - 4 Cov_w(rho)). Which segment shows it
    depends on the patterns: the midpoint of two patterns of different layers does while the
    patterns are sparse, but among crowded patterns (low dimension, thousands of patterns)
    other patterns lie near that midpoint and E_global is locally convex there. So the
    candidates of :func:`_witness_segments` are tried in turn, each at the half-widths
    h = |q - p| / 2^(j+1), j = 0..``halvings`` (h = |q - p| / 2: the ends are p and q), with
    x1, x3 = m -+ h (q - p) / |q - p|, m = (p + q) / 2, until one decides.

    Allowance: each of the three energies is off by at most :func:`layered_energy_error` at
    its point (all three lie within the patterns' hull, to rounding, so the bound's radius
    max(||x||, M) holds); the sum, halving and difference add 2 u (|E1| + |E3| + |Em|). The
    points are floats: x1 and x3 are off their exact values m -+ v by u |x1|, u |x3| per
    coordinate, so their exact midpoint is within delta = u (||x1|| + ||x3||) / 2 of m, and
    E_global, whose gradient sum_t w_t 2 (x - c_t) has norm at most 2 (R + M) there (R the
    points' largest norm), moves by at most 2 (R + M) delta between them. A defect beyond
    ``tol`` proves non-convexity. Where no candidate decides in float64, the one of largest
    defect / tol is recomputed in 50-digit arithmetic from correctly rounded distances
    (:func:`_exact_global_energy`). Returns ``found``, the points ``p``, ``q``, the half-width
    ``h``, ``defect``, ``tol`` and ``exact`` (whether mpmath decided).
    """
    from assocmem.theory.energy import global_energy
    from assocmem.theory.layered import layer_energies

    parts = [check_array(f"parts[{t}]", p, min_ndim=2) for t, p in enumerate(parts)]
    m_norm = max(float(np.linalg.norm(p, axis=1).max()) for p in parts)
    best = None
    for p, q in _witness_segments(parts, extremes):
        length = float(np.linalg.norm(q - p))
        if not length > 0:  # the same pattern stored twice: no segment
            continue
        mid = (p + q) / 2
        direction = (q - p) / length
        steps = length / 2.0 ** np.arange(1, halvings + 2)
        vec = steps[:, None] * direction[None, :]
        x1, x3 = mid - vec, mid + vec
        e1, e3 = (global_energy(layer_energies(x, parts)) for x in (x1, x3))
        em = float(global_energy(layer_energies(mid, parts)))
        defect = em - (e1 + e3) / 2
        err1, err3 = layered_energy_error(x1, parts), layered_energy_error(x3, parts)
        errm = float(layered_energy_error(mid, parts))
        n1, n3 = np.linalg.norm(x1, axis=1), np.linalg.norm(x3, axis=1)
        reach = np.maximum(np.maximum(n1, n3), np.linalg.norm(mid))
        delta = U * (n1 + n3) / 2
        tol = SAFETY * (errm + (err1 + err3) / 2 + 2 * U * (np.abs(e1) + np.abs(e3) + abs(em))
                        + 2 * (reach + m_norm) * delta)
        j = int(np.argmax(defect / tol))
        found = {"found": bool(defect[j] > tol[j]), "p": p, "q": q, "h": float(steps[j]),
                 "defect": float(defect[j]), "tol": float(tol[j]), "exact": False,
                 "points": (x1[j], mid, x3[j]), "lip": float(2 * (reach[j] + m_norm) * delta[j])}
        if found["found"]:
            return found
        if best is None or found["defect"] / found["tol"] > best["defect"] / best["tol"]:
            best = found
    if best is None:
        return {"found": False, "p": None, "q": None, "h": 0.0, "defect": 0.0, "tol": 0.0,
                "exact": False}
    x1, mid, x3 = best["points"]
    import mpmath

    with mpmath.workdps(50):
        (f1, s1), (fm, sm), (f3, s3) = (_exact_global_energy(x, parts) for x in (x1, mid, x3))
        exact = float(fm - (f1 + f3) / 2)
    best.update(defect=exact, tol=SAFETY * (sm + (s1 + s3) / 2 + best["lip"]), exact=True)
    best["found"] = exact > best["tol"]
    return best
