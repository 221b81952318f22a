"""An OpenELM-style decoder (Mehta et al., 2024), used in Section 6.3.

Pre-norm RMSNorm blocks; grouped-query attention with per-layer query and KV heads, RMSNorm on
queries and keys, rotary positions; a SwiGLU feed-forward of per-layer width; no biases; tied
input and output embeddings. The per-layer shapes come from :class:`OpenELMConfig` (below), so
the parameter count equals :func:`assocmem.accounting.openelm_counts` for the same configuration.
Attention runs through ``scaled_dot_product_attention`` (flash kernels on a GPU).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from assocmem.validate import check_int


def make_divisible(value: float, divisor: int, min_value: int | None = None) -> int:
    """Round ``value`` to a multiple of ``divisor`` (not below 90% of it), as OpenELM does."""
    min_value = divisor if min_value is None else min_value
    new = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if new < 0.9 * value:
        new += divisor
    return int(new)


@dataclass(frozen=True)
class OpenELMConfig:
    """An OpenELM-style decoder; per-layer heads and widths follow from the multipliers."""

    model_dim: int
    n_layers: int
    head_dim: int = 64
    qkv_multipliers: tuple[float, float] = (0.5, 1.0)
    ffn_multipliers: tuple[float, float] = (0.5, 4.0)
    num_gqa_groups: int = 4
    ffn_dim_divisor: int = 256
    vocab_size: int = 50257
    max_context: int = 1024
    # explicit per-layer heads override the multiplier rule (the paper lists its own)
    query_heads_override: tuple[int, ...] | None = field(default=None)
    kv_heads_override: tuple[int, ...] | None = field(default=None)

    def __post_init__(self):
        for name in ("model_dim", "n_layers", "head_dim", "num_gqa_groups", "vocab_size"):
            check_int(name, getattr(self, name), low=1)
        for name in ("query_heads_override", "kv_heads_override"):
            heads = getattr(self, name)
            if heads is not None and len(heads) != self.n_layers:
                raise ValueError(f"argument {name!r} must list {self.n_layers} layers; "
                                 f"got {len(heads)}")

    def _multipliers(self, pair) -> list[float]:
        if self.n_layers == 1:
            return [round(float(pair[0]), 2)]
        return [round(float(v), 2) for v in np.linspace(pair[0], pair[1], self.n_layers)]

    @property
    def query_heads(self) -> list[int]:
        if self.query_heads_override is not None:
            return list(self.query_heads_override)
        divisor = self.head_dim * self.num_gqa_groups
        return [make_divisible(self.model_dim * m, divisor) // self.head_dim
                for m in self._multipliers(self.qkv_multipliers)]

    @property
    def kv_heads(self) -> list[int]:
        if self.kv_heads_override is not None:
            return list(self.kv_heads_override)
        return [q // self.num_gqa_groups for q in self.query_heads]

    @property
    def ffn_dims(self) -> list[int]:
        return [make_divisible(self.model_dim * m, self.ffn_dim_divisor)
                for m in self._multipliers(self.ffn_multipliers)]


def rope_tables(length: int, head_dim: int, base: float = 10000.0):
    inv = 1.0 / base ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim)
    angles = torch.outer(torch.arange(length, dtype=torch.float32), inv)
    return torch.cos(angles), torch.sin(angles)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate pairs (first half, second half) of the last dimension of x (batch, heads, t, dim)."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    cos, sin = cos[: x.shape[-2]].to(x.dtype), sin[: x.shape[-2]].to(x.dtype)
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class Attention(nn.Module):
    def __init__(self, dim: int, q_heads: int, kv_heads: int, head_dim: int, dropout: float):
        super().__init__()
        self.q_heads, self.kv_heads = q_heads, kv_heads
        self.head_dim, self.dropout = head_dim, dropout
        self.qkv = nn.Linear(dim, (q_heads + 2 * kv_heads) * head_dim, bias=False)
        self.out = nn.Linear(q_heads * head_dim, dim, bias=False)
        self.q_norm = nn.RMSNorm(head_dim, eps=1e-6)
        self.k_norm = nn.RMSNorm(head_dim, eps=1e-6)

    def forward(self, x, cos, sin):
        b, t, _ = x.shape
        qkv = self.qkv(x).view(b, t, self.q_heads + 2 * self.kv_heads, self.head_dim)
        q, k, v = qkv.split([self.q_heads, self.kv_heads, self.kv_heads], dim=2)
        q = apply_rope(self.q_norm(q).transpose(1, 2), cos, sin)
        k = apply_rope(self.k_norm(k).transpose(1, 2), cos, sin)
        y = F.scaled_dot_product_attention(q, k, v.transpose(1, 2), is_causal=True,
                                           dropout_p=self.dropout if self.training else 0.0,
                                           enable_gqa=self.q_heads != self.kv_heads)
        return self.out(y.transpose(1, 2).reshape(b, t, self.q_heads * self.head_dim))


class SwiGLU(nn.Module):
    """down(silu(gate(x)) * up(x)); two projections rather than one fused and split, which
    keeps both halves contiguous (measurably faster on the CPU)."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.gate = nn.Linear(dim, hidden, bias=False)
        self.up = nn.Linear(dim, hidden, bias=False)
        self.down = nn.Linear(hidden, dim, bias=False)

    def forward(self, x):
        return self.down(F.silu(self.gate(x)) * self.up(x))


class Block(nn.Module):
    def __init__(self, dim, q_heads, kv_heads, head_dim, ffn, dropout):
        super().__init__()
        self.attn_norm, self.ffn_norm = nn.RMSNorm(dim, eps=1e-6), nn.RMSNorm(dim, eps=1e-6)
        self.attn = Attention(dim, q_heads, kv_heads, head_dim, dropout)
        self.ffn = SwiGLU(dim, ffn)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, cos, sin):
        x = x + self.drop(self.attn(self.attn_norm(x), cos, sin))
        return x + self.drop(self.ffn(self.ffn_norm(x)))


class OpenELM(nn.Module):
    def __init__(self, cfg: OpenELMConfig, dropout: float = 0.1, init_std: float = 0.02):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.model_dim)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(
            Block(cfg.model_dim, q, kv, cfg.head_dim, ffn, dropout)
            for q, kv, ffn in zip(cfg.query_heads, cfg.kv_heads, cfg.ffn_dims, strict=True))
        self.norm = nn.RMSNorm(cfg.model_dim, eps=1e-6)
        cos, sin = rope_tables(cfg.max_context, cfg.head_dim)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        for module in self.modules():
            if isinstance(module, nn.Linear | nn.Embedding):
                nn.init.normal_(module.weight, std=init_std)

    def hidden(self, idx: torch.Tensor, normalized: bool = True) -> torch.Tensor:
        """The last layer's normalized activations (batch, t, model_dim): the vectors that
        predict the next token (logits = hidden @ embedding^T); with ``normalized=False`` the
        residual stream before the final RMSNorm."""
        if idx.shape[1] > self.cfg.max_context:
            raise ValueError(f"sequence length {idx.shape[1]} exceeds max_context "
                             f"{self.cfg.max_context}")
        x = self.drop(self.embed(idx))
        for block in self.blocks:
            x = block(x, self.cos, self.sin)
        return self.norm(x) if normalized else x

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return F.linear(self.hidden(idx), self.embed.weight)  # tied output layer
