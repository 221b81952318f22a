"""Section 3.2: the attention update, in the order Vaswani et al. write it and in the order the
paper prints it.

The paper takes weights ``W_Q, W_K in R^(d_emb x d_k)`` and ``W_V in R^(d_emb x d_v)``, so a
sequence of T tokens is a ``(T, d_emb)`` matrix X of rows and ``Q = X W_Q``, ``K = X W_K``,
``V = X W_V`` have one row per token. Attention is then ``softmax(Q K^T / sqrt(d_k)) V``, the
softmax taken over each row: token t's output is the softmax(q_t . k_s / sqrt(d_k))-weighted
average of the value rows v_s. The paper prints ``V . softmax(Q K^T / sqrt(d_k))``.
"""

from __future__ import annotations

import numpy as np

from assocmem.theory.logsumexp import softmax
from assocmem.validate import check_array


def _qkv(q, k, v):
    q, k, v = (check_array(name, a, min_ndim=2) for name, a in (("q", q), ("k", k), ("v", v)))
    if q.ndim != 2 or k.ndim != 2 or v.ndim != 2:
        raise ValueError("arguments 'q', 'k', 'v' must be 2-D, one row per token")
    if q.shape[1] != k.shape[1]:
        raise ValueError(f"'q' and 'k' must share d_k; got {q.shape} and {k.shape}")
    return q, k, v


def attention(q, k, v) -> np.ndarray:
    """``softmax(Q K^T / sqrt(d_k)) V`` with the softmax over each row: shape ``(T, d_v)``."""
    q, k, v = _qkv(q, k, v)
    if k.shape[0] != v.shape[0]:
        raise ValueError(f"'k' and 'v' must have one row per token; got {k.shape}, {v.shape}")
    return softmax(q @ k.T / np.sqrt(q.shape[1]), axis=-1) @ v


def attention_as_printed(q, k, v) -> np.ndarray:
    """``V . softmax(Q K^T / sqrt(d_k))`` as Sec. 3.2 prints it (softmax over each row).

    The product is defined only when V has as many columns as there are tokens (d_v = T);
    otherwise this raises ValueError, as the matrix product does.
    """
    q, k, v = _qkv(q, k, v)
    weights = softmax(q @ k.T / np.sqrt(q.shape[1]), axis=-1)
    if v.shape[1] != weights.shape[0]:
        raise ValueError(f"V . softmax(Q K^T) is undefined: V is {v.shape}, the softmax "
                         f"{weights.shape}")
    return v @ weights


def attention_loop(q, k, v) -> np.ndarray:
    """The same attention token by token: out_t = sum_s a_ts v_s with
    a_ts = exp(q_t . k_s / sqrt(d_k)) / sum_u exp(q_t . k_u / sqrt(d_k)). A reference for
    :func:`attention` that uses no matrix form."""
    q, k, v = _qkv(q, k, v)
    scale = np.sqrt(q.shape[1])
    out = np.zeros((q.shape[0], v.shape[1]))
    for t in range(q.shape[0]):
        scores = [float(np.dot(q[t], k[s])) / scale for s in range(k.shape[0])]
        top = max(scores)
        weights = [np.exp(c - top) for c in scores]
        total = sum(weights)
        for s, w in enumerate(weights):
            out[t] += (w / total) * v[s]
    return out
