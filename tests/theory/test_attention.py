"""Sec. 3.2: attention in the standard order against a token-by-token reference, and the order
the paper prints."""

import numpy as np
import pytest

from assocmem.theory.attention import attention, attention_as_printed, attention_loop


def qkv(t, d_emb, d_k, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(t, d_emb))
    w_q, w_k = rng.normal(size=(2, d_emb, d_k))
    w_v = rng.normal(size=(d_emb, d_emb))  # d_v = d_emb, as Sec. 3.2 sets it
    return x @ w_q, x @ w_k, x @ w_v


@pytest.mark.parametrize(("t", "d_emb", "d_k"), [(5, 8, 4), (12, 6, 3), (1, 4, 2)])
def test_standard_attention_is_the_softmax_weighted_average_of_values(t, d_emb, d_k):
    q, k, v = qkv(t, d_emb, d_k)
    out = attention(q, k, v)
    assert out.shape == (t, d_emb)
    assert np.allclose(out, attention_loop(q, k, v), rtol=1e-12, atol=1e-12)


def test_the_printed_order_is_undefined_unless_d_v_equals_t():
    q, k, v = qkv(5, 8, 4)
    with pytest.raises(ValueError, match="undefined"):
        attention_as_printed(q, k, v)
    q, k, v = qkv(8, 8, 4)  # T = d_v: defined, but not attention
    printed = attention_as_printed(q, k, v)
    assert printed.shape == (8, 8)
    assert not np.allclose(printed, attention(q, k, v))


def _softmax_rows(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_each_order_against_its_formula_written_out():
    """Both orders against numpy written out here (rows of softmax(Q K^T / sqrt(d_k))), with
    Q K^T not square (T_q != T_k) so that a softmax over the wrong axis cannot even be formed
    alike, and scores of size ~1e3 where exp without its shift overflows. Tolerance: a few
    ulps of the scores (exponents) times the values: 1e-12 relative."""
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=(3, 4)) * 30, rng.normal(size=(5, 4)) * 30
    v = rng.normal(size=(5, 3))
    weights = _softmax_rows(q @ k.T / 2.0)  # sqrt(d_k) = 2
    assert np.abs(q @ k.T / 2).max() > 710  # exp would overflow unshifted
    np.testing.assert_allclose(attention(q, k, v), weights @ v, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(attention_loop(q, k, v), weights @ v, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(attention_as_printed(q, k, v), v @ weights, rtol=1e-12,
                               atol=1e-12)  # V (5 x 3) . W (3 x 5): defined, d_v = T_q
    q, k = q / 100, k / 100  # scores ~ 0.1: a wrong scale moves every weight
    weights = _softmax_rows(q @ k.T / 2.0)
    np.testing.assert_allclose(attention(q, k, v), weights @ v, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(attention_as_printed(q, k, v), v @ weights, rtol=1e-12,
                               atol=1e-12)
    with pytest.raises(ValueError, match=r"V is \(5, 4\), the softmax \(3, 5\)"):
        attention_as_printed(q, k, rng.normal(size=(5, 4)))


@pytest.mark.parametrize(("args", "message"), [
    ((np.zeros(3), np.zeros((2, 3)), np.zeros((2, 3))), "argument 'q' must have at least 2"),
    ((np.zeros((2, 3)), np.zeros(3), np.zeros((2, 3))), "argument 'k' must have at least 2"),
    ((np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(3)), "argument 'v' must have at least 2"),
    ((np.zeros((2, 3, 1)), np.zeros((2, 3)), np.zeros((2, 3))), "must be 2-D"),
    ((np.zeros((2, 3)), np.zeros((2, 3, 1)), np.zeros((2, 3))), "must be 2-D"),
    ((np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 3, 1))), "must be 2-D"),
    ((np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((2, 3))), "'q' and 'k' must share d_k"),
])
def test_bad_input_names_the_argument(args, message):
    for func in (attention, attention_as_printed, attention_loop):
        with pytest.raises(ValueError, match=message):
            func(*args)
    with pytest.raises(ValueError, match="'k' and 'v' must have one row per token"):
        attention(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((3, 3)))
