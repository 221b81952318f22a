"""Chapter 3's sweeps of Propositions 1-3 over random pattern sets, the computation behind
Ramsauer et al.'s Theorem 4, and the replacement of E by g on the balls (Eq. 5).

Functions that draw random numbers take the chapter's generator and draw in a fixed order, so a
chapter that calls them in sequence reproduces the same inputs.
"""

from __future__ import annotations

import numpy as np

from assocmem.theory.checks.energies import prop1_bounds, prop2_bounds, prop3_bounds
from assocmem.theory.energy import (
    distance_energy,
    mchn_one_step_error,
    mchn_separation,
    nearest_pattern_distance,
)
from assocmem.theory.partition import critical_radius, log_replacement_ratio, regular_simplex


def random_problem(rng: np.random.Generator, max_dim: int, max_patterns: int,
                   queries: int) -> tuple[np.ndarray, np.ndarray]:
    """A random pattern set (d and n log-uniform up to ``max_patterns`` and ``max_dim``, scale
    log-uniform in 1e-2..10^1.5, norms spread by a factor up to 25) and ``queries`` queries:
    half near random patterns (noise 1e-3..1 of the scale), half far from all of them."""
    n = int(np.exp(rng.uniform(0, np.log(max_dim))))
    d = int(np.exp(rng.uniform(0, np.log(max_patterns))))
    scale = 10 ** rng.uniform(-2, 1.5)
    patterns = rng.normal(size=(d, n)) * scale / np.sqrt(n) * rng.uniform(0.2, 5, size=(d, 1))
    near = patterns[rng.integers(d, size=queries // 2)]
    near = near + rng.normal(size=near.shape) * scale / np.sqrt(n) * 10 ** rng.uniform(-3, 0)
    far = rng.normal(size=(queries - len(near), n)) * scale / np.sqrt(n) * 3
    return patterns, np.concatenate([near, far])


def prop1_sweep(problems) -> dict:
    """Proposition 1 (``0 <= g - E <= log d``, within rounding) on every query of ``problems``:
    the violations and, for sets with d > 1, the slacks ``(g - E) / log d``."""
    violations, normalized = 0, []
    for patterns, x in problems:
        result = prop1_bounds(x, patterns)
        violations += result["violations"]
        if len(patterns) > 1:
            normalized.append(result["gap"] / np.log(len(patterns)))
    return {"violations": violations, "normalized": np.concatenate(normalized)}


def prop1_edges(rng: np.random.Generator) -> dict:
    """Proposition 1's edge cases: the lower bound ``log d`` attained at a query equidistant from
    six patterns (``edge_gap``, ``lower_attained``), the upper bound 0 at d = 1 (``single_gap``
    within its allowance, ``upper_attained``), and queries 3 away from 50 patterns in
    R^100000 (distances ~1e6) within the bounds (``far_ok``)."""
    simplex = np.eye(6) * 1e3
    edge_gap = prop1_bounds(np.zeros((1, 6)), simplex)["gap"]
    single = prop1_bounds(rng.normal(size=(5, 10)), rng.normal(size=(1, 10)))
    far_pats = rng.normal(size=(50, 100_000))
    return {"edge_gap": edge_gap, "single_gap": single["gap"],
            "far_ok": prop1_bounds(far_pats[:3] + 3.0, far_pats)["violations"] == 0,
            "lower_attained": bool(np.isclose(edge_gap[0], np.log(6), rtol=1e-12)),
            "upper_attained": bool(np.all(np.abs(single["gap"]) <= single["tol"]))}


def prop2_sweep(problems, rng: np.random.Generator) -> dict:
    """Proposition 2 on every query of ``problems``: violations of ``|diff| <= Delta`` and of
    the one-sided ``diff <= 0``, the slacks ``-diff / Delta`` where Delta > 0, and
    ``equal_norms_exact``: 40 patterns of norm 3 in R^30 give diff = 0 to rounding at 100
    random queries."""
    violations, one_sided, normalized = 0, 0, []
    for patterns, x in problems:
        result = prop2_bounds(x, patterns)
        violations += result["violations"]
        one_sided += result["one_sided"]
        if result["spread"] > 0:
            normalized.append(-result["diff"] / result["spread"])
    sphere = rng.normal(size=(40, 30))
    sphere /= np.linalg.norm(sphere, axis=1, keepdims=True)
    at_sphere = prop2_bounds(rng.normal(size=(100, 30)) * 2, sphere * 3)
    return {"violations": violations, "one_sided": one_sided,
            "normalized": np.concatenate(normalized),
            "equal_norms_exact": bool(np.all(
                np.abs(at_sphere["diff"]) <= at_sphere["tol"] + at_sphere["spread"]))}


def prop3_sweep(problems) -> dict:
    """Proposition 3 on every query of ``problems``: queries where the printed bounds
    ``-Delta <= g - 2 E_MCHN <= Delta + log d`` fail (``printed_fail``), where the corrected
    ``-Delta - log d <= g - 2 E_MCHN <= 0`` fail (``corrected_fail``), and the corrected slacks
    ``-(g - 2 E_MCHN) / (Delta + log d)``."""
    printed_fail, corrected_fail, normalized = 0, 0, []
    for patterns, x in problems:
        result = prop3_bounds(x, patterns)
        printed_fail += result["printed_fail"]
        corrected_fail += result["corrected_fail"]
        if result["spread"] + result["log_d"] > 0:
            normalized.append(-result["value"] / (result["spread"] + result["log_d"]))
    return {"printed_fail": printed_fail, "corrected_fail": corrected_fail,
            "normalized": np.concatenate(normalized)}


def theorem4_rows(seed: int, separations=None, offset: float = 0.05) -> list:
    """What Ramsauer et al.'s Theorem 4 bounds: eight random unit patterns in R^16 (from
    ``default_rng(seed)``) scaled so that pattern 0's separation Delta_0 takes each value of
    ``separations`` (default 10, 20, ..., 80), a query ``offset`` times the scale from
    pattern 0 in a fixed random direction; one ``mchn_one_step_error`` row (beta = 1) per
    separation."""
    rng = np.random.default_rng(seed)
    unit = rng.normal(size=(8, 16))
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    direction = rng.normal(size=16)
    direction /= np.linalg.norm(direction)
    unit_delta = mchn_separation(unit)[0]
    rows = []
    for target in np.linspace(10, 80, 8) if separations is None else separations:
        scale = np.sqrt(target / unit_delta)
        patterns = scale * unit
        rows.append(mchn_one_step_error(patterns[0] + offset * scale * direction, patterns, 0))
    return rows


def mc_log_ratio(patterns, r, rng: np.random.Generator, count=60_000):
    """log(Z_E / Z_g) by Monte Carlo: uniform points in each ball."""
    n = patterns.shape[1]
    u = rng.normal(size=(len(patterns), count, n))
    radius = r * rng.uniform(size=(len(patterns), count, 1)) ** (1 / n)
    u *= radius / np.linalg.norm(u, axis=-1, keepdims=True)
    x = (patterns[:, None, :] + u).reshape(-1, n)
    z_e = np.mean(np.exp(-distance_energy(x, patterns)))
    z_g = np.mean(np.exp(-nearest_pattern_distance(x, patterns)))
    return float(np.log(z_e / z_g))


def replacement_monte_carlo(rng: np.random.Generator, count: int = 60_000) -> list:
    """Eq. 5's ratio on regular simplices of side 2r, by :func:`mc_log_ratio` and by
    ``log_replacement_ratio``: rows ``(n, d, r, Monte Carlo, formula)`` for (n, d, r) =
    (2, 3, r_c(2)), (3, 4, 0.6), (8, 9, 1.0)."""
    rows = []
    for n, d, r in ((2, 3, float(critical_radius(2))), (3, 4, 0.6), (8, 9, 1.0)):
        simplex = regular_simplex(d, n, 2 * r)
        exact_ratio = float(log_replacement_ratio(n, r, d))
        rows.append((n, d, r, mc_log_ratio(simplex, r, rng, count), exact_ratio))
    return rows


REPLACEMENT_D = {"d = 2": lambda n: 2, "d = n + 1": lambda n: n + 1,
                 "d = 1e6 (bound)": lambda n: 1e6}


def replacement_at_critical_radius(ns) -> dict:
    """log(Z_E / Z_g) at Section 5's radius r_c(n) for each n of ``ns`` and each number of
    patterns of ``REPLACEMENT_D`` (beyond d = n + 1 the simplex value is a bound)."""
    out = {}
    for n in ns:
        rc = float(critical_radius(n))
        out[n] = {k: float(log_replacement_ratio(n, rc, f(n))) for k, f in REPLACEMENT_D.items()}
    return out


def touching_gap(n: int = 1024) -> float:
    """g - E at the midpoint of two touching balls of radius r_c(n) in a regular simplex of
    n + 1 patterns: at least log 2 in any n."""
    touching = regular_simplex(n + 1, n, 2 * critical_radius(n))
    midpoint = 0.5 * (touching[0] + touching[1])[None, :]
    return float(nearest_pattern_distance(midpoint, touching)[0]
                 - distance_energy(midpoint, touching)[0])
