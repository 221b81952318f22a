"""Chapter 02's check of Table 1's Krotov-Hopfield energy as printed, a sum over i = 1..n
(conventions in :mod:`assocmem.theory.checks`).

The check was a recall rate: patterns beyond index n, probed with 10% of their bits flipped,
had to be recalled in 90% of probes under the energy summed over all d patterns. That refuted
the corrected statement wherever d lay beyond the energy's capacity: at n = 16 (the chapter's
lowest capacity_n) no d > n is within it (recall of a stored pattern ~80% at d = n + 1), and d
grew with the number of probes (d = n + probes). A recall rate is a property of the memory, not
of the sum's range. What the printed range decides is which patterns the energy depends on, and
that is decided exactly: the check below asks it directly, in integer arithmetic, and reports
recall (beyond index n against within it, under one energy) as evidence only.
"""

from __future__ import annotations

import numpy as np

from assocmem.theory import capacity
from assocmem.validate import check_float, check_int


def krotov_sum_check(n: int, probes: int, rng: np.random.Generator, flip_fraction: float = 0.1,
                     power: int = 3, beyond: int | None = None) -> dict:
    """Table 1's Krotov-Hopfield energy -sum_{i=1}^{n} F(rho^i . x) against the sum over all d
    patterns, for d = n + ``beyond`` random +/-1 patterns (default beyond = max(2, n // 8)).

    Exact part: pattern k enters an energy when negating it changes the energy at x = rho^k;
    for the sum over all d patterns it changes by exactly F(n) - F(-n) = n^power, for the
    printed sum not at all when k > n. Every energy here is an integer of magnitude at most
    d n^power <= 2^53 over the chapter's range (n <= 512, d <= 576: 7.7e10), so float64 adds
    and compares them exactly: no allowance. ``ignored`` counts patterns beyond n the printed
    sum leaves out, ``entered`` those the corrected sum includes (with the exact change).
    ``monotone``: the corrected energy never increases along the asynchronous runs (exactly,
    for the same reason).

    Evidence: ``probes`` probes, each a pattern beyond n (cycling) and one within n, with
    round(flip_fraction n) bits flipped, retrieved under the printed sum (``printed_beyond``)
    and under the full sum (``corrected_beyond``, ``corrected_within``): the full sum recalls
    the patterns beyond n as it recalls the others, the printed one does not hold them.
    """
    n, probes = check_int("n", n, low=2, high=4096), check_int("probes", probes, low=1)
    power = check_int("power", power, low=2, high=4)
    flip_fraction = check_float("flip_fraction", flip_fraction, low=0.0, high=0.5)
    beyond = check_int("beyond", max(2, n // 8) if beyond is None else beyond, low=1)
    d = n + beyond
    if d * float(n) ** power > 2.0**53:
        raise ValueError(f"energies up to {d} * {n}^{power} are not exact in float64")
    pats = rng.choice(np.array([-1, 1]), size=(d, n))

    def energy(x, stored):
        return capacity.binary_energy("krotov-hopfield", x, stored, power)

    ignored = entered = 0
    for k in range(n, d):
        negated = pats.copy()
        negated[k] *= -1
        x = pats[k]
        ignored += energy(x, pats[:n]) == energy(x, negated[:n])
        entered += energy(x, negated) - energy(x, pats) == float(n) ** power
    hits = {"printed_beyond": 0, "corrected_beyond": 0, "corrected_within": 0}
    monotone = True
    flips = int(round(flip_fraction * n))
    for j in range(probes):
        for key, k, stored in (("printed_beyond", n + j % beyond, pats[:n]),
                               ("corrected_beyond", n + j % beyond, pats),
                               ("corrected_within", j % n, pats)):
            probe = pats[k].copy()
            probe[rng.choice(n, size=flips, replace=False)] *= -1
            trace: list = []
            out = capacity.retrieve("krotov-hopfield", probe, stored, power, rng=rng, trace=trace)
            hits[key] += bool(np.array_equal(out, pats[k]))
            if stored is pats:
                monotone &= bool(np.all(np.diff(trace) <= 0))
    return {"d": d, "beyond": beyond, "ignored": int(ignored), "entered": int(entered),
            "monotone": monotone, **{key: v / probes for key, v in hits.items()}}
