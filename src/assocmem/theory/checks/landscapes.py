"""Chapter 2's experiments on the energies of Section 4 and Table 1: the MCHN energy's
curvature at a given pattern scale, the capacities of Table 1 measured at one n, and the
scaling of the Krotov-Hopfield capacity with n.

Functions that draw random numbers take the chapter's generator and draw in a fixed order.
"""

from __future__ import annotations

import numpy as np

from assocmem.theory import capacity
from assocmem.theory.energy import mchn_hessian_min_eigenvalue


def worst_mchn_curvature(scale_factor: float, rng: np.random.Generator, trials: int = 40,
                         d: int = 8, n: int = 5, beta: float = 2.0) -> float:
    """Smallest Hessian eigenvalue of E^beta_MCHN found over ``trials`` random sets of ``d``
    patterns in R^n, rescaled to ``beta max_i ||rho^i||^2 = scale_factor`` and with an antipodal
    pair (so that Cov_p can reach ``max ||rho||^2``), each probed at 300 random points. The
    energy is convex when ``scale_factor <= 1`` (Cov_p <= max ||rho||^2 I)."""
    worst = np.inf
    for _ in range(trials):
        pats = rng.normal(size=(d, n))
        pats *= np.sqrt(scale_factor / beta) / np.linalg.norm(pats, axis=1).max()
        pats[0] = -pats[1]
        probes = rng.normal(size=(300, n)) * rng.uniform(0, 3, size=(300, 1))
        worst = min(worst, mchn_hessian_min_eigenvalue(probes, pats, beta).min())
    return float(worst)


CAPACITY_FRACTIONS = (0.0625, 0.125, 0.25, 0.5, 1, 2, 4, 8, 16)


def capacity_sweep(n: int, probes: int, rng: np.random.Generator,
                   flip_fraction: float = 0.1) -> tuple[list[int], dict[str, list[float]]]:
    """Table 1 at one n: the numbers of patterns ``d = n f`` for f in ``CAPACITY_FRACTIONS``,
    and for each of ``capacity.MODELS`` the exact-recall rate of ``probes`` probes with
    ``flip_fraction`` of their bits flipped at each d (``capacity.retrieval_rate``)."""
    sizes = [max(1, int(n * f)) for f in CAPACITY_FRACTIONS]
    rates = {model: [capacity.retrieval_rate(model, n, d, flip_fraction, probes, rng)
                     for d in sizes]
             for model in capacity.MODELS}
    return sizes, rates


def largest_reliable(sizes, rates: dict, threshold: float = 0.9) -> dict[str, int]:
    """Per model, the largest d whose recall rate reaches ``threshold`` (0 if none does)."""
    return {model: max([d for d, r in zip(sizes, values, strict=True) if r >= threshold],
                       default=0)
            for model, values in rates.items()}


KROTOV_LADDERS = {2: (0.2, (64, 128, 256)), 3: (0.1, (32, 64, 128))}


def krotov_order_ladders(rng: np.random.Generator, ladders: dict = KROTOV_LADDERS,
                         samples: int = 4096) -> dict:
    """The Krotov-Hopfield capacity's power of n (Table 1 says n^r, Krotov & Hopfield n^(r-1)).
    For each power r with ``(alpha, ns)`` in ``ladders`` and each n, the bit error rate of one
    asynchronous update at ``d = alpha n^(r-1)`` and at ``d`` growing as ``n^r`` from the
    same start (``capacity.bit_error_rate``).

    Returns ``rows`` (r, n, d ~ n^(r-1), d ~ n^r, rate at each), ``flat`` and ``grows`` (per r,
    the rate at the largest n over the rate at the smallest, for each scaling) and
    ``quadratic_is_hopfield`` (the r = 2 energy is twice the Hopfield energy minus d n, on a
    random state and 9 random patterns)."""
    rows, error_rates = [], {}
    for power, (alpha, ns) in ladders.items():
        for n in ns:
            d_order = round(alpha * n ** (power - 1))
            d_table = round(alpha * ns[0] ** (power - 1) * (n / ns[0]) ** power)
            error_rates[power, n] = (capacity.bit_error_rate(n, d_order, power, rng, samples),
                                     capacity.bit_error_rate(n, d_table, power, rng, samples))
            rows.append((power, n, d_order, d_table, *error_rates[power, n]))
    state = rng.choice(np.array([-1, 1]), size=40)
    stored = rng.choice(np.array([-1, 1]), size=(9, 40))
    quadratic_is_hopfield = capacity.polynomial_energy(state, stored, 2) == (
        2 * capacity.binary_energy("hopfield", state, stored) - stored.size)
    ratio = {k: {p: error_rates[p, ns[-1]][k] / error_rates[p, ns[0]][k]
                 for p, (_, ns) in ladders.items()} for k in (0, 1)}
    return {"rows": rows, "flat": ratio[0], "grows": ratio[1],
            "quadratic_is_hopfield": quadratic_is_hopfield}


def retrieval_verdict(report: list[tuple], radius: float, agree: float = 1e-8) -> bool:
    """Definition 1 made concrete (the book's simulation): every ball's starts reach one fixed
    point (their final points agree to ``agree``) lying inside the ball (closer to its pattern
    than ``radius``). ``report``: one (pattern index, steps, spread, offset) per ball."""
    if not report:
        raise ValueError("argument 'report' must hold one ball at least")
    return all(spread < agree and offset < radius for _, _, spread, offset in report)


def capacity_order_verdict(caps: dict[str, int], n: int) -> bool:
    """Table 1's ordering at one n (the book's simulation): Hopfield's reliable capacity below
    n / 4 (Amit et al.'s 0.138 n), Krotov-Hopfield's above it, Demircigil's at least
    Krotov-Hopfield's and at least n. ``caps``: the largest d with reliable recall per model."""
    missing = {"hopfield", "krotov-hopfield", "demircigil"} - set(caps)
    if missing:
        raise ValueError(f"argument 'caps' lacks {sorted(missing)}")
    return (caps["hopfield"] < n // 4 < caps["krotov-hopfield"]
            and caps["krotov-hopfield"] <= caps["demircigil"] and caps["demircigil"] >= n)

