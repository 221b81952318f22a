"""The second reading's checks (assocmem.theory.checks.reading): each reproduces its finding and
each can fail, on an input that breaks it."""

import math

import numpy as np
import pytest

from assocmem.theory.checks import reading as R
from assocmem.theory.energy import distance_energy, mchn_energy

FIG1 = np.array([[-2.0, -0.5], [0.2, -0.3], [1.5, 1.5]])


def test_grid_minima_count_the_landscapes():
    proposed = R.grid_minima_2d(lambda x: distance_energy(x, FIG1))
    mchn = R.grid_minima_2d(lambda x: mchn_energy(x, FIG1, 1.0))
    assert np.allclose(proposed, FIG1, atol=0.06)
    assert len(mchn) == 2  # the small-norm pattern is lost
    spread = FIG1 * 0 + np.array([[-3.0, 0.0], [0.0, 3.0], [3.0, -3.0]])  # equal-ish norms
    assert len(R.grid_minima_2d(lambda x: mchn_energy(x, spread, 4.0))) == 3


def test_descend_stays_or_leaves():
    stay = R.descend(lambda x: float(distance_energy(x, FIG1)), FIG1[1], steps=3000, lr=0.05)
    leave = R.descend(lambda x: float(mchn_energy(x, FIG1, 1.0)), FIG1[1], steps=3000, lr=0.05)
    assert np.linalg.norm(stay - FIG1[1]) < 0.05
    assert np.linalg.norm(leave - FIG1[1]) > 1.0


def test_triangle_gap():
    assert R.triangle_gap(lambda a, b: (a - b) ** 2, 0.0, 1.0, 2.0) == 2.0
    assert R.triangle_gap(lambda a, b: abs(a - b), 0.0, 1.0, 2.0) <= 0.0


def test_orders_agree_and_fail():
    rng = np.random.default_rng(0)
    patterns = rng.choice([-1.0, 1.0], size=(3, 6))
    exp_energy, lse_energy = R.demircigil_energies(R.binary_states(6), patterns)
    assert np.allclose(exp_energy, -np.exp(-lse_energy))
    assert R.orders_agree(exp_energy, lse_energy)
    assert not R.orders_agree(exp_energy, -lse_energy)
    assert not R.orders_agree([0.0, 1.0, 2.0], [0.0, 2.0, 1.0])


def test_mchn_update_is_attention_only_with_values_the_keys():
    rng = np.random.default_rng(1)
    patterns, x = rng.normal(size=(7, 16)), rng.normal(size=16)
    assert R.mchn_update_vs_attention(x, patterns) < 1e-12
    assert R.mchn_update_vs_attention(x, patterns, values=2 * patterns) > 0.1
    beta = 0.25
    grad = R.numerical_gradient(lambda y: float(mchn_energy(y, patterns, beta)), x)
    assert np.abs(grad - (x - R.mchn_update(x, patterns, beta))).max() < 1e-6
    assert np.abs(grad - (x - R.mchn_update(x, patterns, 2 * beta))).max() > 1e-3


def test_regularization_terms():
    rng = np.random.default_rng(2)
    patterns, x = rng.normal(size=(5, 4)), rng.normal(size=4)
    near, far = (R.mchn_regularization_terms(y, patterns, 1.0) for y in (x, 10 * x))
    assert near["max pattern norm"] == far["max pattern norm"]
    assert near["number of patterns"] == far["number of patterns"] == math.log(5)
    assert near["input norm"] != far["input norm"]


def test_distance_update_is_half_gradient_step_only_for_distances():
    rng = np.random.default_rng(3)
    patterns, x = rng.normal(size=(6, 5)), rng.normal(size=5)
    grad = R.numerical_gradient(lambda y: float(distance_energy(y, patterns)), x)
    assert np.abs(grad - 2 * (x - R.distance_update(x, patterns))).max() < 1e-6
    assert np.abs(grad - 2 * (x - R.distance_update(x, patterns, "dot"))).max() > 1e-3
    with pytest.raises(ValueError):
        R.distance_update(x, patterns, "cosine")


def test_proof_given():
    assert R.proof_given(("Lemma 1", "Proposition 2"), "Proposition 2")
    assert not R.proof_given(("Lemma 1", "Proposition 2"), "Proposition 1")


def test_ball_radius_squared_against_euclidean():
    squared = R.ball_radius(lambda x: (x**2).sum(1), 4.0, samples=50_000)
    euclid = R.ball_radius(lambda x: np.linalg.norm(x, axis=1), 4.0, samples=50_000)
    assert abs(squared - 2.0) < 0.02 and abs(euclid - 4.0) < 0.05


def test_sphere_ball_gap_and_a_wrong_area():
    assert R.sphere_area(2) == pytest.approx(2 * math.pi)
    assert R.sphere_area(3) == pytest.approx(4 * math.pi)
    assert max(R.sphere_ball_gap(n, 1.3) for n in (1, 2, 3, 4, 10)) < 1e-12
    wrong = lambda n: 2 * math.pi ** (n / 2) / math.gamma(n / 2 + 1)  # noqa: E731
    assert R.sphere_ball_gap(3, 1.3, area=wrong) > 0.1


def test_attention_distribution_size():
    assert R.attention_distribution_size(16, 8) == 16
    assert R.attention_distribution_size(16, 8) != 16 * 8


def test_typical_value():
    assert R.typical_value([2.5, 2.2, 2.4, 2.3, 2.4, 2.4])["median"] == 2.4
    assert R.typical_value([2.2, 2.2, 2.3])["median"] == 2.2


def test_empirical_cross_entropy():
    rng = np.random.default_rng(4)
    tokens, probs = rng.integers(0, 20, 500), rng.dirichlet(np.ones(20))
    per_token, over_types = R.empirical_cross_entropy(tokens, probs)
    assert per_token == pytest.approx(over_types, rel=1e-12)
    uniform = np.full(20, 1 / 20)  # the identity fails against the wrong model's probabilities
    assert R.empirical_cross_entropy(tokens, uniform)[0] != pytest.approx(per_token, rel=1e-3)


def test_samples_from_tokens():
    assert R.samples_from_tokens(2e6, 5000, 22.4)["factor"] > 100
    assert R.samples_from_tokens(167.06e6, 1024, 1024)["factor"] == 1


def test_app_e_constant_a_does_not_depend_on_layers():
    a24, a12 = R.app_e_constant_a(24, 1024, 3072), R.app_e_constant_a(12, 1024, 3072)
    assert a24 == a12 and abs(a24 - 10.006) < 1e-3
    assert R.app_e_constant_a(24, 1024, 4096) > 12  # the real GPT-2 d_FF changes it


def test_gqa_groups():
    assert R.gqa_groups((3, 3, 4), (6, 6, 8), 3) == {2.0}
    assert R.gqa_groups((3, 3, 4), (6, 8, 8), 3) != {2.0}
    assert R.gqa_groups((3, 3), (6, 6), 3) == set()


def test_subsample_nn_bias():
    points = np.random.default_rng(5).normal(size=(600, 16))
    means, monotone = R.subsample_nn_bias(points)
    assert monotone and means[0.4] > means[1.0]
    shrinking = np.array([[0.0], [10.0], [1.0], [0.5]])  # later points only come closer
    assert R.subsample_nn_bias(shrinking, fractions=(0.5, 1.0))[0][0.5] == 10.0
    assert R.nearest_distances(shrinking[:2], shrinking).tolist() == [0.5, 9.0]


def test_small_arithmetic():
    assert R.largest_disjoint_radius(20.0) == 10.0
    assert R.tokens_per_iteration(491_520, 12, 1024) == 40
    assert R.tokens_per_iteration(491_520, 12, 1000) != int(R.tokens_per_iteration(491_520, 12,
                                                                                    1000))
    assert R.needed_tokens_per_word(333.17e6, 180e6, 0.05) == pytest.approx(1.948, abs=1e-3)


def test_describe_pairs_counts_what_section_6_2_states():
    from assocmem.data import question_formation as qf

    pairs = [("the newt does swim . decl", "the newt does swim ."),
             ("the newt does swim . quest", "does the newt swim ?")]
    described = qf.describe_pairs(pairs)
    assert described["markers"] == {"decl": 1, "quest": 1}
    assert described["mean tokens"] == 11
    assert described["vocab"] == {"the", "newt", "does", "swim", ".", "?", "decl", "quest"}
    generated = qf.describe_pairs(qf.generate(500, np.random.default_rng(0), p_quest=1.0))
    assert generated["markers"]["decl"] == 0 and generated["vocab"] <= set(qf.terminals())
    with pytest.raises(ValueError):
        qf.describe_pairs([("the newt does swim .", "the newt does swim .")])
    with pytest.raises(ValueError):
        qf.describe_pairs([])
