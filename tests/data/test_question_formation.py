"""The question-formation grammar against McCoy et al.'s real files, and its exact entropy."""

import math

import numpy as np
import pytest

from assocmem.data import data_dir
from assocmem.data import question_formation as qf


def real_dir():
    root = data_dir()
    if root is None or not (root / "question_formation").is_dir():
        pytest.skip("ASSOCMEM_DATA_DIR is not set or has no question_formation/ (CI sets it to "
                    "../shared/data)")
    return root / "question_formation"


def test_grammar_equals_mccoy_grammar():
    rules = {}
    for line in (real_dir() / "question.gr").read_text().splitlines():
        parts = line.rstrip().split("\t")
        if len(parts) == 3:
            rules.setdefault(parts[1], []).append((float(parts[0]), tuple(parts[2].split())))
    ours = {lhs: sorted((w / sum(v for v, _ in r), rhs) for w, rhs in r)
            for lhs, r in qf.GRAMMAR.items()}
    theirs = {lhs: sorted((w / sum(v for v, _ in r), rhs) for w, rhs in r)
              for lhs, r in rules.items()}
    assert ours == theirs


@pytest.mark.parametrize("split", ["question.dev", "question.test"])
def test_every_real_example_is_generated_and_transformed(split):
    pairs = qf.load_mccoy(real_dir() / split)
    assert len(pairs) >= 1000
    for source, target in pairs:
        declarative, marker = source.rsplit(" ", 1)
        assert qf.is_grammatical(declarative), declarative
        assert qf.is_grammatical(declarative.removesuffix(" ."))
        expected = qf.to_question(declarative) if marker == "quest" else declarative
        assert expected == target, source
        assert qf.make_example(declarative, marker)[len(declarative.split()) + 1:] == target.split()


def test_vocabulary_has_68_tokens():
    assert len(qf.terminals()) == 68


def test_grammar_is_unambiguous_on_samples_and_entropy_matches_monte_carlo():
    rng = np.random.default_rng(0)
    sentences = [" ".join(qf.sample_declarative(rng)) for _ in range(3000)]
    assert all(len(qf._parses(qf._tokens(s))) == 1 for s in sentences[:500])
    neg_logs = np.array([-qf.log_probability(s) for s in sentences])
    entropy = qf.entropy_rate()["sentence entropy"]
    assert abs(neg_logs.mean() - entropy) < 4 * neg_logs.std() / math.sqrt(len(neg_logs))
    lengths = np.array([len(s.split()) for s in sentences])
    expected_tokens = qf.entropy_rate()["expected tokens"]
    assert abs(2 * lengths.mean() + 2 - expected_tokens) < 4 * 2 * lengths.std() / math.sqrt(3000)


def test_entropy_rate_bounds():
    rate = qf.entropy_rate()
    assert rate["marker entropy"] == pytest.approx(math.log(2))
    assert 0.9 < rate["nats per token"] < 1.1
    assert qf.entropy_rate(p_quest=1.0)["marker entropy"] == 0.0


def test_bad_input():
    assert not qf.is_grammatical("the yak does giggle the")
    with pytest.raises(ValueError, match="'declarative'"):
        qf.to_question("yak the giggle")
    with pytest.raises(ValueError, match="'declarative'"):
        qf.is_grammatical("")
    with pytest.raises(ValueError, match="'marker'"):
        qf.make_example("the yak does giggle .", "shout")
    with pytest.raises(FileNotFoundError):
        qf.load_mccoy("/nonexistent/question.test")


def test_longest_example_bounds_samples_and_real_files():
    samples = qf.generate(5000, np.random.default_rng(3))
    assert max(len(e) for e in samples) <= qf.longest_example(bos_eos=False)
    assert qf.longest_derivation("ROOT") == 17  # Det N_S Rel Det N_S Aux_S V_trans, twice, "."
    assert qf.longest_example() == qf.longest_example(bos_eos=False) + 2
    longest = 0
    for split in ("question.dev", "question.test"):
        pairs = qf.load_mccoy(real_dir() / split)
        longest = max(longest, max(len(s.split()) + len(t.split()) for s, t in pairs))
    assert longest == qf.longest_example(bos_eos=False)  # the real files reach the bound


def test_sampling_draws_the_same_examples_as_generator_choice():
    """The sampler picks each rule from one uniform draw, as Generator.choice(n, p=p) does: the
    examples (and so every cached and archived run's data) are those of the first version."""
    import hashlib
    import json

    examples = qf.generate(3000, np.random.default_rng(7))
    digest = hashlib.sha256(json.dumps(examples).encode()).hexdigest()[:16]
    assert digest == "c8f637e75ddd1656"
    rng, ref = np.random.default_rng(3), np.random.default_rng(3)
    for _ in range(200):  # rule by rule against numpy's own choice
        cdf, _ = qf._choices("NP_M_S")
        p = np.diff([0.0, *cdf])
        assert qf.bisect.bisect_right(cdf, rng.random()) == ref.choice(len(cdf), p=p)
