"""Inputs chosen to stress an inequality: random vectors over many dimensions and scales, and
named adversarial cases (n = 1, ties, huge and tiny values, one dominant entry, near-ties).

Used by the notebooks' live checks and by the unit tests alike.
"""

from __future__ import annotations

import numpy as np

from assocmem.validate import check_int


def dimensions(max_dim: int) -> list[int]:
    """Dimensions 1, 2, 3, 5, 10, 20, ... up to ``max_dim`` (roughly three per decade)."""
    max_dim = check_int("max_dim", max_dim, low=1)
    dims, decade = [], 1
    while decade <= max_dim:
        dims += [k * decade for k in (1, 2, 3, 5) if k * decade <= max_dim]
        decade *= 10
    return sorted(set(dims + [max_dim]))


def random_batches(rng: np.random.Generator, count: int, max_dim: int,
                   decades: int) -> dict[int, np.ndarray]:
    """``count`` random vectors spread over :func:`dimensions`, grouped by dimension.

    Each row is ``offset + scale * z`` with ``z`` standard normal, ``scale`` log-uniform in
    ``[10^-decades, 10^decades]`` and ``offset`` normal at a log-uniform scale of its own, so
    the batches hold near-ties, well-spread entries and large common shifts.
    """
    count = check_int("count", count, low=1)
    decades = check_int("decades", decades, low=0, high=300)
    dims = dimensions(max_dim)
    per_dim = max(1, count // len(dims))
    batches = {}
    for dim in dims:
        scale = 10.0 ** rng.uniform(-decades, decades, size=(per_dim, 1))
        offset = rng.normal(size=(per_dim, 1)) * 10.0 ** rng.uniform(-decades, decades,
                                                                      size=(per_dim, 1))
        batches[dim] = offset + scale * rng.normal(size=(per_dim, dim))
    return batches


def adversarial_vectors() -> dict[str, np.ndarray]:
    """Named edge cases where a LogSumExp bound is tight, fragile, or exactly attained."""
    tiny, huge = 1e-300, 1e300
    return {
        "n = 1": np.array([0.7]),
        "n = 1, huge": np.array([huge]),
        "tie of 2": np.array([3.0, 3.0]),
        "tie of 1000 at -1e6": np.full(1000, -1e6),
        "tie of 1e6 zeros": np.zeros(1_000_000),
        "one dominant entry (gap 1e3)": np.array([0.0, -1e3, -1e3]),
        "one dominant entry (gap 1e8)": np.array([1e8, 0.0]),
        "near-tie (1 ulp)": np.array([1.0, np.nextafter(1.0, 2.0)]),
        "huge mixed signs": np.array([huge, -huge, 0.5 * huge]),
        "tiny values": np.array([tiny, -tiny, 0.0, 2 * tiny]),
        "one finite, rest -inf": np.array([2.0, -np.inf, -np.inf]),
    }
