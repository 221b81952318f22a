"""Controlled memorization: pattern construction, the power-law fit, configurations."""

import numpy as np
import pytest

from assocmem.datasets import build, random_patterns
from assocmem.fits import power_law_fit
from assocmem.memorization import memorization_config


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


def test_pattern_dataset_and_config():
    data = build("patterns", d=16, length=8, vocab=5, min_hamming=2, prefix=4)
    assert len(data.train) == 16 and data.vocab_size == 8 and data.train[0][0] == 1
    cfg = memorization_config(64, 16)
    assert cfg.task_args["d"] == 64 and cfg.model_args["model_dim"] == 16
    with pytest.raises(ValueError, match="'preset'"):
        memorization_config(64, 16, preset="huge")


def test_power_law_fit_recovers_the_exponent():
    x = np.array([8.0, 16, 32, 64, 128])
    fit = power_law_fit(x, 3 * x**1.5 * np.exp(np.random.default_rng(1).normal(0, 0.01, 5)))
    assert fit["k"] == pytest.approx(1.5, abs=0.02)
    assert fit["low"] <= 1.5 <= fit["high"]
    with pytest.raises(ValueError, match="> 0"):
        power_law_fit([1.0, -2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="equal length"):
        power_law_fit([1.0, 2.0], [1.0])
