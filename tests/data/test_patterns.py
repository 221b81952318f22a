"""Random memorization patterns: separation, prefixes, refusal."""

import numpy as np
import pytest

from assocmem.data.patterns import random_patterns


def test_patterns_respect_separation_and_prefixes():
    table = random_patterns(200, 12, 16, 4, 6, np.random.default_rng(0))
    distance = (table[:, None, :] != table[None, :, :]).sum(-1)
    np.fill_diagonal(distance, 99)
    assert distance.min() >= 4
    prefixes = {tuple(row[:6]) for row in table}
    assert len(prefixes) == 200
    assert table.min() >= 0 and table.max() < 16
    again = random_patterns(200, 12, 16, 4, 6, np.random.default_rng(0))
    assert np.array_equal(table, again)  # seeded and reproducible


def test_impossible_separation_is_refused():
    with pytest.raises(ValueError, match="cannot place"):
        random_patterns(50, 4, 2, 3, 2, np.random.default_rng(0), max_tries=200)
    with pytest.raises(ValueError, match="'prefix'"):
        random_patterns(5, 4, 2, 1, 4, np.random.default_rng(0))
