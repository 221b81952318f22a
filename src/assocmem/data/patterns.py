"""Random token patterns for the controlled-memorization task (chapter 12): well separated in
Hamming distance, each determined by its prefix."""

from __future__ import annotations

import numpy as np


def random_patterns(d: int, length: int, vocab: int, min_hamming: int, prefix: int,
                    rng: np.random.Generator, max_tries: int = 1000) -> np.ndarray:
    """``d`` random token sequences of ``length`` over ``vocab`` symbols, every pair at Hamming
    distance >= ``min_hamming`` and with distinct ``prefix``-token prefixes (so each pattern's
    continuation is determined by its prefix). Raises if the constraints cannot be met."""
    for name, value, low in (("d", d, 1), ("length", length, 2), ("vocab", vocab, 2),
                             ("min_hamming", min_hamming, 0), ("prefix", prefix, 1)):
        if not isinstance(value, int) or value < low:
            raise ValueError(f"argument {name!r} must be an integer >= {low}; got {value!r}")
    if prefix >= length or min_hamming > length:
        raise ValueError(f"arguments 'prefix' ({prefix}) and 'min_hamming' ({min_hamming}) must "
                         f"be below 'length' ({length})")
    patterns = np.empty((0, length), dtype=np.int64)
    tries = 0
    while len(patterns) < d:
        candidate = rng.integers(vocab, size=length)
        distinct = len(patterns) == 0 or (
            (patterns != candidate).sum(1).min() >= min_hamming
            and not (patterns[:, :prefix] == candidate[:prefix]).all(1).any())
        if distinct:
            patterns = np.vstack([patterns, candidate])
            tries = 0
        else:
            tries += 1
            if tries > max_tries:
                raise ValueError(f"cannot place {d} patterns at Hamming distance "
                                 f">= {min_hamming} with distinct prefixes (got {len(patterns)})")
    return patterns
