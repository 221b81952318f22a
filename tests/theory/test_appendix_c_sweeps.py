"""Chapter 1's sweeps of Appendix C (assocmem.theory.checks.appendix_c)."""

import numpy as np
import pytest

from assocmem.theory.checks import appendix_c
from assocmem.theory.checks.appendix_c import (
    attention_order_sweep,
    gradient_error,
    lemma1_sweep,
    lemma2_strictness,
    lemma2_sweep,
    lemma3_sweep,
    lemma4_sweep,
    softmax_gradient_sweep,
)
from assocmem.theory.stress import adversarial_vectors, random_batches


@pytest.fixture(scope="module")
def batches():
    return random_batches(np.random.default_rng(1), 300, 20, 3)


@pytest.fixture(scope="module")
def cases():
    return adversarial_vectors()


def test_lemma1_holds_and_is_tight_along_ones(batches):
    result = lemma1_sweep(batches, np.random.default_rng(2))
    assert result["violations"] == 0 and result["affine_exact"]
    norm = result["normalized"]
    assert len(norm) + result["unresolved"] == sum(len(X) for X in batches.values())
    assert norm.min() >= -1e-9 and norm.max() <= 1 + 1e-9


def test_sweeps_draw_reproducibly(batches):
    a = lemma1_sweep(batches, np.random.default_rng(3))["normalized"]
    b = lemma1_sweep(batches, np.random.default_rng(3))["normalized"]
    c = lemma1_sweep(batches, np.random.default_rng(4))["normalized"]
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_lemma2_rows_and_strictness(batches, cases):
    sweep = lemma2_sweep(batches, cases)
    assert sweep["violations"] == 0 and len(sweep["rows"]) == len(cases)
    n1 = [row for row in sweep["rows"] if row[1] == 1]
    assert n1 and all(row[2] == 0 for row in n1)
    assert all(row[3] is None for row in sweep["rows"] if row[1] > 10_000)
    strict = lemma2_strictness(batches, sweep["rows"], np.random.default_rng(5), 30)
    assert strict["strict_n2"] and strict["n1_equal"] and strict["ties_attain"]
    assert 0 < len(strict["exact_random"]) <= 30 + len(batches)
    assert strict["float_error"] < 1e-12


def test_lemma2_strictness_sees_a_nonzero_excess_at_n1(batches):
    rows = [("n = 1", 1, 0.0, 0), ("fake", 1, 1e-3, 1e-3)]
    assert not lemma2_strictness(batches, rows, np.random.default_rng(0), 5)["n1_equal"]


def test_lemma3_holds_with_equality_at_n1(batches, cases):
    result = lemma3_sweep(batches, cases)
    assert result["violations"] == 0 and result["n1_equal"]
    assert result["normalized"].max() <= 1 + 1e-9


def test_lemma4_holds_and_shifts_attain_it(batches):
    result = lemma4_sweep(batches, np.random.default_rng(6))
    assert result["violations"] == 0 and result["tight"]
    assert len(result["normalized"]) + result["unresolved"] == 2 * sum(
        len(X) for X in batches.values())
    assert result["normalized"].max() <= 1 + 1e-9


def test_gradient_error_passes_softmax_and_fails_a_wrong_gradient(monkeypatch):
    x = np.array([0.3, -1.2, 2.5, 0.0])
    assert gradient_error(x, 2.0) <= 1
    monkeypatch.setattr(appendix_c, "softmax", lambda x, beta=1.0: np.full(len(x), 0.25))
    assert gradient_error(x, 2.0) > 1e6


def test_softmax_gradient_sweep(batches, cases):
    result = softmax_gradient_sweep(batches, cases, np.random.default_rng(7))
    assert max(result["grad_cases"].values()) <= 1 and max(result["grad_random"]) <= 1
    assert result["huge_cases"] and max(result["huge_cases"].values()) <= 1
    assert result["ties_uniform"] and result["sums_to_one"] < 1e-12
    assert all(cases[name].size <= 100 for name in result["grad_cases"])


def test_attention_order_sweep():
    result = attention_order_sweep(np.random.default_rng(8))
    assert len(result["shapes"]) == 12 and result["standard_ok"]
    assert result["defined_wrong"] == [s for s in result["shapes"] if s[0] == s[1]]
    assert result["undefined"] == [s for s in result["shapes"] if s[0] != s[1]]
