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
