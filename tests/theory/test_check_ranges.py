"""The chapters' live checks at the ends of their documented parameter ranges.

A check may never refute a true statement: its rounding allowance must cover the error of the
numerics it uses everywhere in the range its chapter accepts (issue: "Checks refute true
statements at parameters the chapter allows"). Each test below exercises a chapter's range at
its bounds through the package's check functions, the same ones the notebooks call.
"""

import numpy as np
import pytest

from assocmem.theory.checks import balls, energies, lemmas
from assocmem.theory.partition import (
    critical_radius,
    log_lower_gamma,
    stirling_ball_volume_relative_error,
)
from assocmem.theory.stress import random_batches


def _grid(max_log10_n):  # chapter 05's dimensions for its parameter max_log10_n
    return np.unique(np.round(np.logspace(0, max_log10_n, 8 * max_log10_n + 1)).astype(int))


# ---- chapter 01: decades in [0, 300], max_dim in [2, 100_000] ---------------------------------
def _lemma_pairs(decades, max_dim, count=2000, seed=0):
    """The notebook's random pairs for Lemmas 1 and 4, at the given range parameters."""
    rng = np.random.default_rng(seed)
    for X in random_batches(rng, count, max_dim, decades).values():
        Y = X[rng.permutation(len(X))] + rng.normal(size=X.shape) * np.abs(X).max(1, keepdims=True)
        t = rng.uniform(size=(len(X), 1))
        size = 10.0 ** rng.uniform(-12, 2, size=(len(X), 1)) * (np.abs(X).max(1, keepdims=True) + 1)
        yield X, Y, t, X + size * rng.normal(size=X.shape)


def test_lemmas_1_and_4_at_the_ends_of_chapter_01s_ranges():
    for decades, max_dim, count in ((300, 1000, 2000), (0, 1000, 2000), (300, 100_000, 40)):
        for X, Y, t, near in _lemma_pairs(decades, max_dim, count):
            lemma1 = lemmas.lemma1_convexity(X, Y, t)
            assert lemma1["violations"] == 0 and lemma1["exceeds_width"] == 0, (decades, X.shape)
            assert np.all(lemma1["normalized"] <= 1), (decades, X.shape)
            for other in (near, Y):
                lemma4 = lemmas.lemma4_lipschitz(X, other)
                assert lemma4["violations"] == 0, (decades, X.shape)
                assert np.all(lemma4["normalized"] <= 1), (decades, X.shape)


# ---- chapter 03: max_dim up to 1_000_000 ------------------------------------------------------
def test_proposition_1_in_a_million_dimensions():
    n = 1_000_000  # chapter 03's largest max_dim
    rng = np.random.default_rng(2)
    patterns = rng.normal(size=(3, n)) * (8 / np.sqrt(n)) * np.array([[0.5], [2.0], [5.0]])
    near = patterns + rng.normal(size=patterns.shape) * (8e-3 / np.sqrt(n))
    far = rng.normal(size=(3, n)) * (24 / np.sqrt(n))
    result = energies.prop1_bounds(np.concatenate([near, far]), patterns)
    assert result["violations"] == 0


def test_proposition_1_far_from_fifty_patterns_in_1e5_dimensions():
    """The chapter's fixed far-away case, whose result depends on the seed."""
    far_pats = np.random.default_rng(0).normal(size=(50, 100_000))
    result = energies.prop1_bounds(far_pats[:3] + 3.0, far_pats)
    assert result["violations"] == 0


# ---- chapter 05: max_log10_n in [2, 8], mc_samples >= 10_000 ----------------------------------
def test_lemma_5_at_max_log10_n_8():
    """The reported case: Lemma 5 'violated' at n = 42,169,650, r = 1 by rounding alone."""
    ns = _grid(8)
    radii = (1e-3, 0.5, 1.0, 10.0, 1e3)
    bad = balls.lemma5_violations(ns, radii)
    bad += balls.lemma5_violations(ns, critical_radius(ns), pairwise=True)
    assert bad == []
    # and the function the issue names is accurate there (40-digit value)
    assert abs(float(log_lower_gamma(42_169_650, 1.0)) - -18.557211302235412) < 1e-9


def test_ball_mass_bounds_and_eq_13_at_max_log10_n_8():
    ns = _grid(8)
    bad = balls.ball_mass_bound_violations(ns, (0.1, 1.0, 2.0, 50.0))
    bad += balls.ball_mass_bound_violations(ns, critical_radius(ns), pairwise=True)
    assert bad == []


def test_stirling_error_of_the_unit_ball_falls_monotonically_to_1e8():
    rel = stirling_ball_volume_relative_error(_grid(8))
    assert np.all(rel > 0) and np.all(np.diff(rel) < 0)
    assert abs(rel[-1] * 6 * 1e8 - 1) < 1e-6  # 1/(12 z) at z = n/2


def test_monte_carlo_ball_mass_with_the_fewest_samples_allowed():
    from assocmem.theory.partition import log_gaussian_ball_mass

    for seed in range(3):
        rng = np.random.default_rng(seed)
        for n in (2, 3, 5, 8):
            y = rng.uniform(-1.3, 1.3, size=(10_000, n))  # mc_samples = 10_000, the lower bound
            weights = np.exp(-(y**2).sum(1)) * ((y**2).sum(1) < 1.3**2)
            estimate, error = balls.mc_log_mean(weights, scale=2.6**n)
            assert abs(estimate - float(log_gaussian_ball_mass(n, 1.3))) <= 6 * error, (seed, n)


# ---- chapter 06: ball_radii from 1e-3 (was: any r > 0), spacing > 2 max(r), unbounded --------
def test_line_model_at_large_radii():
    """A ball's mass by quadrature over [-r, r] missed the Gaussian at r = 1e4 (Z_t = 0)."""
    from assocmem.theory.cross_entropy import exact_line_model

    for r in (1e4, 1e6):
        wide = exact_line_model(r, 2, 3 * r)
        assert wide["Z_t"] == pytest.approx(3 * np.sqrt(np.pi), rel=1e-12)
        assert wide["int exp(-E_t)"] == pytest.approx(6 * r, rel=1e-4)
    small = exact_line_model(1e-3, 10, 6.0)  # the smallest radius the chapter accepts
    assert np.isfinite(small["L exact"]) and small["L exact"] < 1


def test_line_model_at_any_spacing():
    """Positions c + u rounded the offset away at spacing 1e17; L must not depend on spacing
    once the neighbours are out of reach."""
    from assocmem.theory.cross_entropy import exact_line_model

    near = exact_line_model(0.3, 2, 60.0)
    for spacing in (1e9, 1e17, 1e300):
        far = exact_line_model(0.3, 2, spacing)
        assert far["L exact"] == pytest.approx(near["L exact"], abs=1e-9), spacing


# ---- chapter 04: dim in [2, 4096], n_patterns in [4, 100_000], n_layers in [2, n_patterns] ------
def _layers(dim, n_patterns, n_layers, seed=0):
    """The chapter's patterns and layers, drawn as the notebook draws them."""
    from assocmem.theory.layered import partition_patterns

    rng = np.random.default_rng(seed)
    patterns = rng.normal(size=(n_patterns, dim)) * 3
    return partition_patterns(patterns, n_layers, rng)


@pytest.mark.parametrize(
    "dim, n_patterns, n_layers",
    [
        (16, 60, 4),  # the defaults: the midpoint of two patterns of different layers
        (16, 2000, 1000),  # the reported case
        (2, 2000, 1000),  # crowded: the first two patterns' midpoint is not a witness
        (3, 2000, 2000),  # one pattern per layer: no kinks, only competing patterns
        (2, 100_000, 2),  # the most patterns, the fewest layers
        (2, 4, 2),  # the fewest patterns
        (4096, 4, 4),  # the largest dimension
    ],
)
def test_global_energy_is_not_convex_across_chapter_04s_range(dim, n_patterns, n_layers):
    """sec-4-1-global-not-convex was refuted at 2,000 patterns / 1,000 layers in low dimension:
    the one segment the chapter tried had other patterns near its midpoint."""
    for seed in range(2):
        witness = energies.global_nonconvexity_witness(_layers(dim, n_patterns, n_layers, seed))
        assert witness["found"] and witness["defect"] > witness["tol"], (seed, witness["defect"])


def test_global_energy_convex_case_finds_no_witness_even_in_mpmath():
    """Two one-pattern layers closer than sqrt(2): E_global is convex (Hessian 2 - 4 Var_w > 0),
    so no witness may be found, in float64 or in the 50-digit fallback."""
    parts = [np.array([[0.0, 0.0]]), np.array([[0.9, 0.3]])]
    witness = energies.global_nonconvexity_witness(parts)
    assert witness["exact"] and not witness["found"]
    beyond = energies.global_nonconvexity_witness([parts[0], parts[1] * 2])  # 1.9 apart
    assert beyond["found"]


# ---- chapter 02: capacity_n in [16, 512], capacity_probes in [5, 10_000] ----------------------
@pytest.mark.parametrize("n, probes", [(16, 5), (16, 40), (48, 20), (512, 1)])
def test_krotov_sum_corrected_at_the_ends_of_chapter_02s_range(n, probes):
    """table-1-krotov-sum's corrected statement was refuted at capacity_n 16: it asked for 90%
    recall of patterns beyond index n, and no d > n lies within the energy's capacity there."""
    from assocmem.theory.checks.table1 import krotov_sum_check

    for seed in range(3 if n < 512 else 1):
        result = krotov_sum_check(n, probes, np.random.default_rng(seed))
        assert result["ignored"] == result["beyond"] >= 2  # the printed sum: refuted
        assert result["entered"] == result["beyond"] and result["monotone"]  # corrected: holds
        assert result["d"] == n + max(2, n // 8)
        assert result["printed_beyond"] <= result["corrected_within"]


def test_krotov_sum_at_capacity_n_16_recalls_as_the_memory_does():
    """At n = 16 recall is ~80% for any stored pattern: the evidence, not the test."""
    from assocmem.theory.checks.table1 import krotov_sum_check

    result = krotov_sum_check(16, 200, np.random.default_rng(0))
    assert result["printed_beyond"] < 0.2
    assert abs(result["corrected_beyond"] - result["corrected_within"]) < 0.15
    assert result["corrected_within"] < 0.9  # why a 90% threshold refuted a true statement


def test_a_pattern_stored_in_two_layers_is_no_segment():
    twice = np.array([[1.0, 2.0]])
    assert not energies.global_nonconvexity_witness([twice, twice])["found"]
    witness = energies.global_nonconvexity_witness([twice, np.vstack([twice, [[4.0, -1.0]]])])
    assert witness["found"]  # the kink of the second layer, between its two patterns
