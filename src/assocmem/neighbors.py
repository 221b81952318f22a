"""Exact nearest-neighbour distances: for every row of a matrix, the L2 distance to its nearest
other row (Section 6.1 measures them over 100,000 activations). General numerics, in one place.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import torch


def _merge(top_val, top_idx, rows, vals, idx) -> None:
    """Keep the k smallest of the current and new candidates of ``rows`` (a slice)."""
    k = top_val.shape[1]
    both_v = torch.cat([top_val[rows], vals], 1)
    both_i = torch.cat([top_idx[rows], idx], 1)
    best, pick = both_v.topk(k, dim=1, largest=False)
    top_val[rows], top_idx[rows] = best, both_i.gather(1, pick)


def _cpu_matmul(blas: str):
    """``out = a @ b.T`` through numpy's or torch's BLAS (each links its own)."""
    if blas == "numpy":
        return lambda a, b, out: np.matmul(a, b.T, out=out)
    return lambda a, b, out: torch.mm(torch.from_numpy(a), torch.from_numpy(b).T,
                                      out=torch.from_numpy(out))


@contextmanager
def _one_blas_thread():
    """Both BLAS libraries at one thread each (the search runs one block per core instead)."""
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            yield
    finally:
        torch.set_num_threads(before)


_BLAS_CHOICE: dict[tuple[int, int], str] = {}


def fastest_blas(block: int, width: int, repeats: int = 2) -> str:
    """'numpy' or 'torch': whichever multiplies two ``block`` x ``width`` float32 blocks faster
    on this machine at one thread (measured once per shape and process, not assumed)."""
    # pragma: no mutate start (a speed measurement: either answer gives exact results)
    key = (block, width)
    if key not in _BLAS_CHOICE:
        rng = np.random.default_rng(0)
        a = rng.standard_normal((block, width), dtype=np.float32)
        out = np.empty((block, block), np.float32)
        times = {}
        with _one_blas_thread():
            for name in ("numpy", "torch"):
                matmul = _cpu_matmul(name)
                matmul(a, a, out)  # warm up
                start = time.perf_counter()
                for _ in range(repeats):
                    matmul(a, a, out)
                times[name] = time.perf_counter() - start
        _BLAS_CHOICE[key] = min(times, key=times.get)
    # pragma: no mutate end
    return _BLAS_CHOICE[key]


def _update(top_val, top_idx, rows, d2, offset, lock, columns: bool = False) -> None:
    """Merge the candidates of block ``d2`` into the sorted k best of each of ``rows``: the
    block's rows (its columns when ``columns``), whose candidates are the block's columns
    (rows), numbered from ``offset``. Only rows whose block minimum beats their current k-th
    best are touched, and in them only the entries below it."""
    k = top_val.shape[1]
    thr = top_val[rows, -1]  # may be stale (another thread lowers it): then we keep a few more
    axis = 0 if columns else 1
    hit = np.flatnonzero(d2.min(axis=axis) < thr)
    if hit.size == 0:
        return
    few = hit.size < rows.size // 4  # late blocks: the rows that improve  # pragma: no mutate
    sub = (d2[:, hit] if columns else d2[hit]) if few else d2
    below = sub < (thr[hit] if few else thr)[None, :] if columns else \
        sub < (thr[hit] if few else thr)[:, None]  # in the block's memory order
    if np.count_nonzero(below) > 4 * k * hit.size and d2.shape[axis] > k:  # pragma: no mutate
        # loose thresholds (the first blocks of a row): the block's own k best suffice
        part = torch.from_numpy(d2[:, hit] if columns else d2[hit]).topk(
            k, dim=0 if columns else 1, largest=False)
        vals, c = part.values.numpy(), part.indices.numpy()
        vals, c = (vals.T.ravel(), c.T.ravel()) if columns else (vals.ravel(), c.ravel())
        pos = np.repeat(np.arange(hit.size), k)
    else:  # tight thresholds: the few entries below them
        a, b = np.nonzero(below)
        vals = sub[a, b]
        r, c = (b, a) if columns else (a, b)
        pos = r if few else np.searchsorted(hit, r)
    with lock:
        g = rows[hit]
        all_r = np.concatenate([np.repeat(np.arange(hit.size), k), pos])
        all_v = np.concatenate([top_val[g].ravel(), vals])
        all_i = np.concatenate([top_idx[g].ravel(), c + offset])
        order = np.lexsort((all_v, all_r))
        all_r, all_v, all_i = all_r[order], all_v[order], all_i[order]
        first = np.searchsorted(all_r, np.arange(hit.size))
        rank = np.arange(all_r.size) - first[all_r]
        keep = rank < k
        top_val[g[all_r[keep]], rank[keep]] = all_v[keep]
        top_idx[g[all_r[keep]], rank[keep]] = all_i[keep]


def _candidates_cpu(X: np.ndarray, sq: np.ndarray, k: int, block: int, blas: str | None = None,
                    workers: int | None = None):
    """Approximate squared distances and indices of every row's k nearest other rows, on the
    CPU. The distance matrix is symmetric, so only blocks on and above the diagonal are
    multiplied, each serving its rows and its columns: half the arithmetic of a full search.
    One augmented product per block gives the squared distances directly,
    [x, |x|^2, 1] . [-2 y, 1, |y|^2] = |x - y|^2; blocks run in parallel, one per core with a
    one-thread BLAS (numpy's or torch's, whichever :func:`fastest_blas` measures faster), and
    a block only touches the rows whose k-th best it improves."""
    m = len(X)
    ones = np.ones((m, 1), np.float32)
    left = np.hstack([X, sq[:, None], ones])
    right = np.hstack([-2 * X, ones, sq[:, None]])
    top_val = np.full((m, k), np.inf, np.float32)
    top_idx = np.zeros((m, k), np.int64)
    starts = list(range(0, m, block))
    pairs = [(s, s) for s in starts] + [(a, b) for i, a in enumerate(starts)
                                        for b in starts[i + 1:]]  # diagonals first
    # pragma: no mutate start (how many threads, which BLAS: speed only)
    workers = workers or os.cpu_count() or 1
    matmul = _cpu_matmul(blas or (fastest_blas(block, left.shape[1]) if m >= 4 * block
                                  else "numpy"))
    # pragma: no mutate end
    lock = threading.Lock()
    buffers = threading.local()

    def work(pair):
        qs, bs = pair
        q, b = left[qs:qs + block], right[bs:bs + block]
        out = getattr(buffers, "out", None)
        if out is None or out.shape != (len(q), len(b)):
            out = buffers.out = np.empty((len(q), len(b)), np.float32)
        matmul(q, b, out)
        if qs == bs:  # a point is not its own neighbour
            np.fill_diagonal(out, np.inf)
        _update(top_val, top_idx, np.arange(qs, qs + len(q)), out, bs, lock)
        if qs != bs:  # the same block serves its columns
            _update(top_val, top_idx, np.arange(bs, bs + len(b)), out, qs, lock, columns=True)

    with _one_blas_thread():
        if workers == 1:  # pragma: no mutate
            for pair in pairs:
                work(pair)
        else:
            with ThreadPoolExecutor(workers) as pool:  # pragma: no mutate
                list(pool.map(work, pairs))
    return torch.from_numpy(top_val), torch.from_numpy(top_idx)


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
                               candidates: int = 8, device: str = "cpu",
                               blas: str | None = None, workers: int | None = None) -> np.ndarray:
    """Exact L2 distance from every row of X (M, dim) to its nearest *other* row.

    Candidates are found with the float32 norm expansion ||a||^2 + ||b||^2 - 2 a.b in blocks
    (bounded memory), then the distance to each of the ``candidates`` best is recomputed
    directly in float64, which keeps the digits that the expansion loses for near-duplicates.
    A row whose answer the expansion's rounding could have changed is redone by float64 brute
    force, so the result is exact in every case. On the CPU the search multiplies
    ``query_block``-square blocks on and above the diagonal only, ``workers`` blocks at a time
    (default: one per core) through ``blas`` ("numpy" or "torch"; default: the faster here);
    ``device="cuda"`` runs it on the GPU (the float64 recomputation stays on the CPU).
    """
    if blas not in (None, "numpy", "torch"):
        raise ValueError(f"argument 'blas' must be None, 'numpy' or 'torch'; got {blas!r}")
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
        top_val, top_idx = _candidates_cpu(X, sq, k, query_block, blas, workers)
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
