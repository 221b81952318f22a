"""Exact nearest-neighbour distances: for every row of a matrix, the L2 distance to its nearest
other row (Section 6.1 measures them over 100,000 activations). General numerics, in one place.
"""

from __future__ import annotations

import numpy as np
import torch


def _merge(top_val, top_idx, rows, vals, idx) -> None:
    """Keep the k smallest of the current and new candidates of ``rows`` (a slice)."""
    k = top_val.shape[1]
    both_v = torch.cat([top_val[rows], vals], 1)
    both_i = torch.cat([top_idx[rows], idx], 1)
    best, pick = both_v.topk(k, dim=1, largest=False)
    top_val[rows], top_idx[rows] = best, both_i.gather(1, pick)


def _candidates_cpu(X: np.ndarray, sq: np.ndarray, k: int, block: int):
    """Approximate squared distances and indices of every row's k nearest other rows, on the
    CPU. The distance matrix is symmetric, so only blocks on and above the diagonal are
    multiplied (numpy's BLAS, which is faster than torch's on some CPUs), each serving its rows
    and, transposed, its columns: half the floating-point work of a full search."""
    m = len(X)
    top_val = torch.full((m, k), float("inf"))
    top_idx = torch.zeros((m, k), dtype=torch.long)
    starts = range(0, m, block)
    for qs in starts:
        q = X[qs:qs + block]
        for bs in starts[qs // block:]:
            d2 = q @ X[bs:bs + block].T
            d2 *= -2.0
            d2 += sq[qs:qs + block, None]
            d2 += sq[None, bs:bs + block]
            if bs == qs:  # a point is not its own neighbour
                np.fill_diagonal(d2, np.inf)
            g = torch.from_numpy(d2)
            kk = min(k, g.shape[1])
            vals, idx = g.topk(kk, dim=1, largest=False)
            _merge(top_val, top_idx, slice(qs, qs + len(q)), vals, idx + bs)
            if bs != qs:  # the columns' candidates: cheaper than a transposed copy
                vals, idx = g.topk(min(k, len(q)), dim=0, largest=False)
                _merge(top_val, top_idx, slice(bs, bs + g.shape[1]), vals.T, idx.T + qs)
    return top_val, top_idx


def _candidates_torch(xt: torch.Tensor, sq: torch.Tensor, k: int, query_block: int,
                      base_block: int):
    """The same search with torch on any device (used on the GPU): every block of rows against
    every block of columns."""
    m, device = len(xt), xt.device
    top_val = torch.full((m, k), float("inf"), device=device)
    top_idx = torch.zeros((m, k), dtype=torch.long, device=device)
    for qs in range(0, m, query_block):
        q = xt[qs:qs + query_block]
        for bs in range(0, m, base_block):
            # ||b||^2 - 2 a.b ranks the candidates of a row as ||a - b||^2 does
            d2 = torch.addmm(sq[None, bs:bs + base_block], q, xt[bs:bs + base_block].T,
                             alpha=-2.0)
            lo, hi = max(qs, bs), min(qs + len(q), bs + d2.shape[1])
            if lo < hi:  # the blocks share rows: a point is not its own neighbour
                overlap = torch.arange(lo, hi, device=device)
                d2[overlap - qs, overlap - bs] = float("inf")
            vals, idx = d2.topk(min(k, d2.shape[1]), dim=1, largest=False)
            _merge(top_val, top_idx, slice(qs, qs + len(q)), vals + sq[qs:qs + len(q), None],
                   idx + bs)
    return top_val.cpu(), top_idx.cpu()


def nearest_neighbor_distances(X, query_block: int = 4096, base_block: int = 16384,
                               candidates: int = 8, device: str = "cpu") -> np.ndarray:
    """Exact L2 distance from every row of X (M, dim) to its nearest *other* row.

    Candidates are found with the float32 norm expansion ||a||^2 + ||b||^2 - 2 a.b in blocks
    (bounded memory), then the distance to each of the ``candidates`` best is recomputed
    directly in float64, which keeps the digits that the expansion loses for near-duplicates.
    A row whose answer the expansion's rounding could have changed is redone by float64 brute
    force, so the result is exact in every case. On the CPU the search multiplies
    ``query_block``-square blocks on and above the diagonal only; ``device="cuda"`` runs it on
    the GPU (the float64 recomputation stays on the CPU).
    """
    if device not in ("cpu", "cuda"):
        raise ValueError(f"argument 'device' must be 'cpu' or 'cuda'; got {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("argument 'device' is 'cuda' but no CUDA device is available")
    X = np.ascontiguousarray(np.asarray(X, dtype=np.float32))
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(f"argument 'X' must have shape (M >= 2, dim); got {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("argument 'X' must be finite")
    m = len(X)
    k = min(candidates, m - 1)
    sq = (X.astype(np.float64) ** 2).sum(1).astype(np.float32)
    if device == "cpu":
        top_val, top_idx = _candidates_cpu(X, sq, k, query_block)
    else:
        top_val, top_idx = _candidates_torch(torch.from_numpy(X).to(device),
                                             torch.from_numpy(sq).to(device), k, query_block,
                                             base_block)
    cand = top_idx.numpy()
    exact = np.empty(m)
    for s in range(0, m, 256):  # float64 recomputation, a few MB at a time
        rows = X[s:s + 256].astype(np.float64)
        diff = rows[:, None, :] - X[cand[s:s + 256]].astype(np.float64)
        exact[s:s + 256] = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff).min(1))
    # certify: the k-th approximate distance must exceed the answer by more than the rounding
    slack = 8 * np.finfo(np.float32).eps * (sq.astype(np.float64) + sq.max())
    kth = top_val[:, -1].numpy().astype(np.float64)
    unsure = np.flatnonzero((k < m - 1) & (exact**2 > kth - 2 * slack))
    for i in unsure:  # float64 brute force, in blocks
        xi, best = X[i].astype(np.float64), np.inf
        for s in range(0, m, 8192):
            d2 = ((X[s:s + 8192].astype(np.float64) - xi) ** 2).sum(1)
            if s <= i < s + 8192:
                d2[i - s] = np.inf
            best = min(best, d2.min())
        exact[i] = np.sqrt(best)
    return exact
