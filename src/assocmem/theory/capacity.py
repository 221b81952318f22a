"""Storage capacity of binary associative memories (Table 1 of Appendix B), measured.

Patterns are random +/-1 vectors. A probe is a stored pattern with a fraction of its bits
flipped; it counts as retrieved when asynchronous updates bring it back to the pattern exactly.
Three energies of Table 1 (summing over the d patterns):

- Hopfield (1982): E = -x^T W x / 2 with Hebbian W = sum_mu rho^mu rho^mu^T (zero diagonal).
- Krotov & Hopfield (2016): E = -sum_mu F(rho^mu . x) with F(z) = z^r for z > 0, else 0.
- Demircigil et al. (2017): E = -LogSumExp(M^T x) = -log sum_mu exp(rho^mu . x).

Each update sets one bit to the sign that gives the lower energy, so every energy is
non-increasing along the dynamics; ``energy_trace`` exposes that for the checks.
"""

from __future__ import annotations

import numpy as np

from assocmem.theory.logsumexp import logsumexp
from assocmem.validate import check_choice, check_float, check_int

MODELS = ("hopfield", "krotov-hopfield", "demircigil")


def binary_energy(model: str, x: np.ndarray, patterns: np.ndarray, power: int = 3) -> float:
    """The energy of ``model`` at the +/-1 state ``x`` (sums over all d patterns)."""
    check_choice("model", model, MODELS)
    overlaps = patterns @ x
    if model == "hopfield":
        n = x.size
        return float(-0.5 * (overlaps @ overlaps - len(patterns) * n))
    if model == "krotov-hopfield":
        return float(-np.sum(np.where(overlaps > 0, overlaps.astype(float) ** power, 0.0)))
    return float(-logsumexp(overlaps.astype(float)))


def _flip_energies(model, x, patterns, i, power):
    """Energies with bit i set to +1 and to -1."""
    out = []
    for value in (1, -1):
        y = x.copy()
        y[i] = value
        out.append(binary_energy(model, y, patterns, power))
    return out


def retrieve(model: str, probe: np.ndarray, patterns: np.ndarray, power: int = 3,
             sweeps: int = 10, rng=None, trace: list | None = None) -> np.ndarray:
    """Asynchronous energy descent from ``probe``; stops when a sweep changes nothing."""
    x = probe.copy()
    rng = rng or np.random.default_rng(0)
    for _ in range(check_int("sweeps", sweeps, low=1)):
        changed = False
        for i in rng.permutation(x.size):
            e_plus, e_minus = _flip_energies(model, x, patterns, i, power)
            new = 1 if e_plus < e_minus else (-1 if e_minus < e_plus else x[i])
            if trace is not None:
                trace.append(min(e_plus, e_minus))
            if new != x[i]:
                x[i], changed = new, True
        if not changed:
            break
    return x


def retrieval_rate(model: str, n: int, d: int, flip_fraction: float, probes: int,
                   rng: np.random.Generator, power: int = 3) -> float:
    """Fraction of corrupted probes retrieved exactly, for d random patterns in {-1, +1}^n."""
    n, d = check_int("n", n, low=2), check_int("d", d, low=1)
    flip_fraction = check_float("flip_fraction", flip_fraction, low=0.0, high=0.5)
    patterns = rng.choice(np.array([-1, 1]), size=(d, n))
    hits = 0
    for k in range(check_int("probes", probes, low=1)):
        target = patterns[k % d]
        probe = target.copy()
        flip = rng.choice(n, size=int(round(flip_fraction * n)), replace=False)
        probe[flip] *= -1
        hits += bool(np.array_equal(retrieve(model, probe, patterns, power, rng=rng), target))
    return hits / probes


# ---- Table 1's Krotov-Hopfield capacity: how many patterns the polynomial energy holds --------
def polynomial_energy(x: np.ndarray, patterns: np.ndarray, power: int) -> float:
    """Krotov & Hopfield's energy with F(z) = z^power: E(x) = -sum_mu (rho^mu . x)^power.

    For power 2 it is -x^T W x with W = sum_mu rho^mu rho^mu^T: twice Table 1's Hopfield energy
    (b = 0) up to the constant that W's diagonal adds, d n; the same dynamics.
    """
    power = check_int("power", power, low=2)
    overlaps = (patterns @ x).astype(float)
    return float(-np.sum(overlaps**power))


def bit_error_rate(n: int, d: int, power: int, rng: np.random.Generator,
                   bits: int = 8192) -> float:
    """The fraction of bits of stored patterns that one asynchronous update would flip, for d
    random +/-1 patterns in n dimensions and the energy of :func:`polynomial_energy`.

    Bit i of a stored pattern x = rho^mu is stable when keeping it gives the lower energy:
    sum_nu [F(o_nu) - F(o_nu - 2 rho^nu_i x_i)] > 0, with overlaps o_nu = rho^nu . x. The
    signal (nu = mu) is F(n) - F(n - 2) ~ 2 power n^(power-1); the crosstalk of the other d - 1
    patterns has variance ~ d n^(power-1), so the rate depends on d / n^(power-1) alone: the
    capacity Krotov & Hopfield (2016) give, alpha n^(power-1). Fresh pattern sets are drawn
    until at least ``bits`` bits (every bit of each checked pattern) have been checked; a tie
    counts as a flip.
    """
    n, d = check_int("n", n, low=2), check_int("d", d, low=1)
    power = check_int("power", power, low=2)
    needed = -(-check_int("bits", bits, low=1) // n)  # patterns to check
    errors = checked = 0
    while checked < needed:
        patterns = rng.choice(np.array([-1.0, 1.0]), size=(d, n))
        for mu in range(min(d, needed - checked)):
            x = patterns[mu]
            overlaps = patterns @ x  # (d,)
            flipped = overlaps[:, None] - 2.0 * patterns * x[None, :]  # bit i flipped
            margin = (overlaps[:, None] ** power - flipped**power).sum(axis=0)
            errors += int((margin <= 0).sum())
            checked += 1
    return errors / (checked * n)
