"""The vanilla transformer language model of Murty et al. (2023), used in Section 6.2.

Decoder-only with a causal mask, post-norm residual blocks (LayerNorm after each sub-layer),
ReLU feed-forward, sinusoidal positions, token embeddings scaled by sqrt(d_model), and an
untied output layer.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def sinusoidal_positions(length: int, dim: int) -> torch.Tensor:
    """The fixed sine/cosine position table of Vaswani et al., shape (length, dim)."""
    position = torch.arange(length, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    table = torch.zeros(length, dim)
    table[:, 0::2] = torch.sin(position * freq)
    table[:, 1::2] = torch.cos(position * freq[: dim // 2])
    return table


class PostNormBlock(nn.Module):
    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float):
        super().__init__()
        self.n_heads, self.dropout = n_heads, dropout
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.ff = nn.Sequential(nn.Linear(d_model, d_ff), nn.ReLU(), nn.Dropout(dropout),
                                nn.Linear(d_ff, d_model))
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.n_heads, c // self.n_heads).unbind(2)
        attn = F.scaled_dot_product_attention(
            q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), is_causal=True,
            dropout_p=self.dropout if self.training else 0.0)
        x = self.norm1(x + self.drop(self.proj(attn.transpose(1, 2).reshape(b, t, c))))
        return self.norm2(x + self.drop(self.ff(x)))


class VanillaTransformer(nn.Module):
    def __init__(self, vocab_size: int, d_model: int = 512, n_heads: int = 8, d_ff: int = 2048,
                 n_layers: int = 6, max_len: int = 512, dropout: float = 0.1):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"argument 'n_heads' ({n_heads}) must divide d_model ({d_model})")
        self.d_model = d_model
        self.embed = nn.Embedding(vocab_size, d_model)
        self.register_buffer("positions", sinusoidal_positions(max_len, d_model), persistent=False)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(PostNormBlock(d_model, n_heads, d_ff, dropout)
                                    for _ in range(n_layers))
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        if idx.shape[1] > self.positions.shape[0]:
            raise ValueError(f"sequence length {idx.shape[1]} exceeds max_len "
                             f"{self.positions.shape[0]}")
        x = self.embed(idx) * math.sqrt(self.d_model) + self.positions[: idx.shape[1]]
        x = self.drop(x)
        for block in self.blocks:
            x = block(x)
        return self.head(x)
