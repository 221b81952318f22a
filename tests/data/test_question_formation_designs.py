"""The two data designs of the question-formation sampler: the grammar's uniform weights and
McCoy et al.'s design fitted on their dev file (rule probabilities, marker share, the held-out
relative-clause subjects), and the exact entropy of each against Monte Carlo estimates."""

import dataclasses
import math

import numpy as np
import pytest

from assocmem.data import data_dir
from assocmem.data import question_formation as qf


def real_pairs(split):
    root = data_dir()
    if root is None or not (root / "question_formation").is_dir():
        pytest.skip("ASSOCMEM_DATA_DIR is not set or has no question_formation/ (CI sets it to "
                    "../shared/data)")
    return qf.load_mccoy(root / "question_formation" / split)


def pair(declarative, marker):
    """A McCoy-format pair of ``declarative`` (with its '.') and ``marker``."""
    out = qf.make_example(declarative, marker)[len(declarative.split()) + 1:]
    return f"{declarative} {marker}", " ".join(out)


PLAIN = "the yak does giggle ."
PP = "the yak near my newts does giggle ."
RC = "the yak who does smile does giggle ."


# ---- the three design differences, measured on McCoy et al.'s files ------------------------------
@pytest.mark.parametrize("split", ["question.dev", "question.test"])
def test_mccoy_files_hold_out_rc_subject_questions_and_are_60_percent_decl(split):
    profile = qf.design_profile(real_pairs(split))
    assert profile["RC"]["examples"] > 0 and profile["RC"]["quest"] == 0
    assert profile["plain"]["quest"] > 0 and profile["PP"]["quest"] > 0
    assert 0.58 < profile["decl share"] < 0.61
    for kind in ("plain", "PP"):  # the others are questions about half the time
        assert 0.45 < profile[kind]["quest"] / profile[kind]["examples"] < 0.55


def test_mccoy_sentences_are_longer_than_the_uniform_samplers_within_each_subject_type():
    test = qf.design_profile(real_pairs("question.test"))
    uniform = qf.design_profile(qf.generate(3000, np.random.default_rng(0)))
    mccoy = qf.design_profile(qf.generate(3000, np.random.default_rng(0), design="mccoy"))
    for kind in qf.SUBJECT_TYPES:
        assert test[kind]["mean tokens"] - uniform[kind]["mean tokens"] > 1.0
        # a context-free fit pools the rules over the types: within a token of each
        assert abs(test[kind]["mean tokens"] - mccoy[kind]["mean tokens"]) < 1.0
    assert uniform["RC"]["quest"] > 0 and mccoy["RC"]["quest"] == 0
    assert abs(uniform["decl share"] - 0.5) < 0.03 and abs(mccoy["decl share"] - 0.597) < 0.03


def test_the_stored_mccoy_design_is_the_fit_of_the_dev_file():
    fitted = qf.fit_design(real_pairs("question.dev"), name="mccoy")
    assert fitted == qf.DESIGNS["mccoy"]
    assert fitted.held_out and fitted.p_quest == pytest.approx(406 / 806)
    assert qf.held_out_share("mccoy") == pytest.approx(194 / 1000)
    # another file fits other numbers: the comparison can fail
    assert qf.fit_design(real_pairs("question.test"), name="mccoy") != qf.DESIGNS["mccoy"]


def test_the_fit_raises_the_test_files_likelihood():
    test = real_pairs("question.test")
    before, after = qf.log_likelihood(test, "uniform"), qf.log_likelihood(test, "mccoy")
    assert before["tokens"] == after["tokens"] == sum(
        len(s.split()) + len(t.split()) + 1 for s, t in test)
    assert after["log-likelihood"] > before["log-likelihood"]
    assert after["nats per token"] < before["nats per token"]
    # held out from the fit, the test file costs a little more than the matched floor
    floor = qf.entropy_rate(design="mccoy")["nats per token"]
    assert 0 < after["nats per token"] - floor < 0.02


# ---- fitting ---------------------------------------------------------------------------------
def test_a_maximum_likelihood_fit_scores_its_own_data_at_its_entropy_rate():
    """Fitted by maximum likelihood, a design's expected rule uses, marker and length equal the
    data's, so the data's cross-entropy per token is the design's exact entropy rate."""
    examples = qf.generate(400, np.random.default_rng(5), design="mccoy")
    pairs = [(" ".join(e[:e.index(m) + 1]), " ".join(e[e.index(m) + 1:]))
             for e in examples for m in [next(w for w in e if w in qf.MARKERS)]]
    fitted = qf.fit_design(pairs, pseudocount=0)
    own = qf.log_likelihood(pairs, fitted)["nats per token"]
    assert own == pytest.approx(qf.entropy_rate(design=fitted)["nats per token"], rel=1e-12)
    # a design not fitted to them scores them otherwise
    assert own != pytest.approx(qf.entropy_rate(design="mccoy")["nats per token"], rel=1e-4)
    assert fitted.held_out  # the sampler never made an RC-subject question
    smoothed = qf.fit_design(pairs, pseudocount=1.0)
    assert smoothed != fitted and all(min(w) > 0 for _, w in smoothed.weights)


def test_a_fit_without_held_out_questions_draws_the_marker_over_every_example():
    pairs = [pair(RC, "quest"), pair(PLAIN, "decl"), pair(PP, "decl"), pair(RC, "decl")]
    design = qf.fit_design(pairs, pseudocount=1)
    assert not design.held_out and design.p_quest == pytest.approx(1 / 4)
    held = qf.fit_design(pairs[1:], pseudocount=1)
    assert held.held_out and held.p_quest == 0.0  # the two that may be questions are not


def test_fit_design_refuses_bad_pairs():
    good = [pair(PLAIN, "decl")]
    with pytest.raises(ValueError, match="no examples"):
        qf.fit_design([])
    with pytest.raises(ValueError, match="single parse"):
        qf.fit_design([("the yak giggle the . decl", "the yak giggle the .")])
    with pytest.raises(ValueError, match="single parse"):
        qf.fit_design([("the yak does giggle . shout", "the yak does giggle .")])
    with pytest.raises(ValueError, match="not the quest output"):
        qf.fit_design([("the yak does giggle . quest", "the yak does giggle .")])
    with pytest.raises(ValueError, match="never uses"):  # no RC, no transitive verb ...
        qf.fit_design(good)
    with pytest.raises(ValueError, match="'pseudocount'"):
        qf.fit_design(good, pseudocount=-1)
    with pytest.raises(ValueError, match="'pseudocount'"):
        qf.fit_design(good, pseudocount=math.inf)
    assert qf.fit_design(good, pseudocount=0.5).held_out  # no RC-subject question


# ---- designs ---------------------------------------------------------------------------------
def test_design_validation():
    uniform = qf.DESIGNS["uniform"]
    assert qf.get_design("uniform") is uniform and qf.get_design(uniform) is uniform
    with pytest.raises(ValueError, match="'design'"):
        qf.get_design("McCoy")
    with pytest.raises(ValueError, match="'design'"):
        qf.generate(1, np.random.default_rng(0), design=None)
    weights = dict(uniform.weights)
    with pytest.raises(ValueError, match="each of"):
        dataclasses.replace(uniform, weights=uniform.weights[1:])
    with pytest.raises(ValueError, match="each of"):
        dataclasses.replace(uniform, weights=(*uniform.weights, uniform.weights[0]))
    for bad in [(1.0,), (1.0, -1.0), (0.0, 0.0), (1.0, math.nan)]:
        with pytest.raises(ValueError, match="'S'"):
            dataclasses.replace(uniform, weights=tuple({**weights, "S": bad}.items()))
    with pytest.raises(ValueError, match="'p_quest'"):
        dataclasses.replace(uniform, p_quest=1.5)


def test_the_uniform_design_is_question_gr():
    for lhs, rules in qf.GRAMMAR.items():
        total = sum(w for w, _ in rules)
        assert qf.DESIGNS["uniform"].probabilities(lhs) == [(w / total, r) for w, r in rules]
    assert not qf.DESIGNS["uniform"].held_out and qf.DESIGNS["uniform"].p_quest == 0.5
    assert qf.held_out_share("uniform") == pytest.approx(1 / 3)


def test_a_zero_weight_rule_is_never_drawn_and_has_probability_zero():
    weights = dict(qf.DESIGNS["uniform"].weights)
    no_rc = dataclasses.replace(qf.DESIGNS["uniform"], name="no-rc", weights=tuple(
        {**weights, "NP_M_S": (1.0, 1.0, 0.0), "NP_M_P": (1.0, 1.0, 0.0)}.items()))
    rng = np.random.default_rng(2)
    assert all(qf.subject_type(" ".join(qf.sample_declarative(rng, design=no_rc))) != "RC"
               for _ in range(300))
    assert qf.log_probability(RC, no_rc) == -math.inf
    assert qf.log_probability(PLAIN, no_rc) > qf.log_probability(PLAIN, "uniform")
    assert qf.held_out_share(no_rc) == 0


def test_subject_type():
    assert [qf.subject_type(s) for s in (PLAIN, PP, RC)] == ["plain", "PP", "RC"]
    assert qf.subject_type("the yaks that our newt does admire do giggle") == "RC"
    # an RC on the object is not one on the subject
    assert qf.subject_type("the yak does admire the newts who do smile .") == "plain"
    with pytest.raises(ValueError, match="'declarative'"):
        qf.subject_type("the yak giggle the .")
    with pytest.raises(ValueError, match="'declarative'"):
        qf.subject_type("")


def test_the_samplers_quick_rc_test_agrees_with_the_parse():
    rng = np.random.default_rng(4)
    for design in ("uniform", "mccoy"):
        for _ in range(500):
            tokens = qf.sample_declarative(rng, design=design)
            assert qf._rc_subject(tokens) == (qf.subject_type(" ".join(tokens)) == "RC")


def test_generate_holds_out_rc_subject_questions_only_in_the_mccoy_design():
    for design, any_rc_question in [("uniform", True), ("mccoy", False)]:
        profile = qf.design_profile(qf.generate(1500, np.random.default_rng(1), 1.0, design))
        assert (profile["RC"]["quest"] > 0) is any_rc_question
        assert profile["plain"]["quest"] == profile["plain"]["examples"]  # p_quest = 1
    with pytest.raises(ValueError, match="'p_quest'"):
        qf.generate(1, np.random.default_rng(0), -0.1, "mccoy")


# ---- the exact entropy of each design against Monte Carlo ------------------------------------
@pytest.fixture(scope="module")
def mccoy_samples():
    examples = qf.generate(3000, np.random.default_rng(11), design="mccoy")
    cuts = [next(i for i, w in enumerate(e) if w in qf.MARKERS) for e in examples]
    sentences = [" ".join(e[:c]) for e, c in zip(examples, cuts, strict=True)]
    markers = [e[c] for e, c in zip(examples, cuts, strict=True)]
    return examples, sentences, markers


def z_score(values, exact):
    values = np.asarray(values, dtype=float)
    return (values.mean() - exact) / (values.std() / math.sqrt(len(values)))


def test_mccoy_sentence_entropy_matches_monte_carlo_and_the_check_can_fail(mccoy_samples):
    _, sentences, _ = mccoy_samples
    neg_logs = [-qf.log_probability(s, "mccoy") for s in sentences]
    assert abs(z_score(neg_logs, qf.entropy_rate(design="mccoy")["sentence entropy"])) < 4
    # the uniform design's sentence entropy is not what these samples carry
    assert abs(z_score(neg_logs, qf.entropy_rate(design="uniform")["sentence entropy"])) > 4


def test_mccoy_marker_entropy_matches_monte_carlo_and_the_check_can_fail(mccoy_samples):
    _, sentences, markers = mccoy_samples
    neg_logs = [-qf.marker_log_probability(s, m, "mccoy")
                for s, m in zip(sentences, markers, strict=True)]
    exact = qf.entropy_rate(design="mccoy")["marker entropy"]
    assert abs(z_score(neg_logs, exact)) < 4
    # without the held-out type, the coin's full entropy: too much
    coin = dataclasses.replace(qf.DESIGNS["mccoy"], held_out=False)
    assert abs(z_score(neg_logs, qf.entropy_rate(design=coin)["marker entropy"])) > 4
    assert qf.entropy_rate(design=coin)["marker entropy"] > exact


def test_mccoy_expected_tokens_match_monte_carlo_and_the_check_can_fail(mccoy_samples):
    examples, _, _ = mccoy_samples
    tokens = [len(e) + 1 for e in examples]  # with the EOS
    assert abs(z_score(tokens, qf.entropy_rate(design="mccoy")["expected tokens"])) < 4
    assert abs(z_score(tokens, qf.entropy_rate(design="uniform")["expected tokens"])) > 4
    assert (qf.entropy_rate(design="mccoy", bos_eos=False)["expected tokens"]
            == pytest.approx(qf.entropy_rate(design="mccoy")["expected tokens"] - 1))


def test_the_whole_examples_cross_entropy_matches_the_rate(mccoy_samples):
    examples, _, _ = mccoy_samples
    per_example = [-qf.log_likelihood([e], "mccoy")["log-likelihood"] for e in examples[:1000]]
    rate = qf.entropy_rate(design="mccoy")
    assert abs(z_score(per_example, rate["sentence entropy"] + rate["marker entropy"])) < 4
    assert abs(z_score(per_example, sum(qf.entropy_rate(design="uniform")[k] for k in
                                        ("sentence entropy", "marker entropy")))) > 4


def test_entropy_rate_of_a_design():
    mccoy = qf.entropy_rate(design="mccoy")
    assert mccoy["marker entropy"] == pytest.approx(
        (1 - 0.194) * -(406 / 806 * math.log(406 / 806) + 400 / 806 * math.log(400 / 806)))
    assert qf.entropy_rate(p_quest=1.0, design="mccoy")["marker entropy"] == 0.0
    assert qf.entropy_rate() == qf.entropy_rate(p_quest=0.5, design="uniform")
    with pytest.raises(ValueError, match="'p_quest'"):
        qf.entropy_rate(p_quest=2.0)
    with pytest.raises(ValueError, match="'design'"):
        qf.entropy_rate(design="matched")


# ---- likelihoods and profiles -----------------------------------------------------------------
def test_log_likelihood_of_examples():
    pairs = [pair(PLAIN, "quest"), pair(RC, "decl")]
    uniform = qf.log_likelihood(pairs, "uniform")
    assert uniform["log-likelihood"] == pytest.approx(
        qf.log_probability(PLAIN) + qf.log_probability(RC) + 2 * math.log(0.5))
    assert uniform["tokens"] == sum(len(s.split()) + len(t.split()) + 1 for s, t in pairs)
    assert uniform["nats per example"] == pytest.approx(-uniform["log-likelihood"] / 2)
    tokens = qf.make_example(PLAIN, "quest")  # a token list scores as its pair does
    assert qf.log_likelihood([tokens])["log-likelihood"] == pytest.approx(
        qf.log_likelihood(pairs[:1])["log-likelihood"])
    # the held-out type: an RC-subject question is impossible under the McCoy design
    assert qf.log_likelihood([pair(RC, "quest")], "mccoy")["log-likelihood"] == -math.inf
    assert qf.log_likelihood([pair(RC, "decl")], "mccoy")["log-likelihood"] == pytest.approx(
        qf.log_probability(RC, "mccoy"))
    # a wrong output or an ungrammatical sentence has probability 0
    assert qf.log_likelihood([(f"{PLAIN} quest", PLAIN)])["log-likelihood"] == -math.inf
    assert qf.log_likelihood([("the yak giggle . decl", "the yak giggle .")])[
        "log-likelihood"] == -math.inf
    with pytest.raises(ValueError, match="no examples"):
        qf.log_likelihood([])
    with pytest.raises(ValueError, match="task marker"):
        qf.log_likelihood([("the yak does giggle .", "the yak does giggle .")])
    with pytest.raises(ValueError, match="task marker"):
        qf.log_likelihood([("decl", "the yak does giggle .")])


def test_marker_log_probability():
    assert qf.marker_log_probability(PLAIN, "quest") == pytest.approx(math.log(0.5))
    assert qf.marker_log_probability(RC, "quest", "mccoy") == -math.inf
    assert qf.marker_log_probability(RC, "decl", "mccoy") == 0.0
    assert qf.marker_log_probability(PP, "decl", "mccoy") == pytest.approx(math.log(400 / 806))
    with pytest.raises(ValueError, match="'marker'"):
        qf.marker_log_probability(PLAIN, "question")
    with pytest.raises(ValueError, match="'declarative'"):
        qf.marker_log_probability("the giggle", "quest", "mccoy")


def test_design_profile():
    profile = qf.design_profile([pair(PLAIN, "quest"), pair(PLAIN, "decl"), pair(RC, "decl")])
    assert profile["plain"] == {"examples": 2, "share": 2 / 3, "quest": 1, "mean tokens": 5.0}
    assert profile["RC"]["mean tokens"] == 8.0 and profile["RC"]["quest"] == 0
    assert profile["PP"]["examples"] == 0 and math.isnan(profile["PP"]["mean tokens"])
    assert profile["decl share"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="no examples"):
        qf.design_profile([])
    with pytest.raises(ValueError, match="task marker"):
        qf.design_profile([["the", "yak", "does", "giggle", "."]])
    with pytest.raises(ValueError, match="'declarative'"):
        qf.design_profile([("the yak giggle . decl", "the yak giggle .")])
