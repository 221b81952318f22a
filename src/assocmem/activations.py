"""Section 6.1: final-position activations of a pretrained transformer over many text chunks,
and the exact distance of each activation to its nearest other activation.

Models are loaded with ``from_pretrained`` by name or local path; nothing is downloaded when the
machine is offline (a clear error says what would have been fetched). Activations are cached on
disk in parts, so an interrupted extraction resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from assocmem.validate import check_int


def load_pretrained(name_or_path: str):
    """(tokenizer, model) from a local path, or by name from the local Hugging Face cache.

    With ``HF_HUB_OFFLINE=1`` (as in the book build) a name missing from the cache fails at once
    with an error that says what would be downloaded.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from transformers import AutoModel, AutoTokenizer
    local = Path(name_or_path).is_dir()
    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    try:
        tokenizer = AutoTokenizer.from_pretrained(name_or_path, local_files_only=offline)
        model = AutoModel.from_pretrained(name_or_path, local_files_only=offline)
    except OSError as error:
        if local:
            raise
        raise RuntimeError(
            f"model {name_or_path!r} is not available offline: it would be downloaded from the "
            f"Hugging Face Hub (weights and tokenizer, e.g. about 1.4 GB for 'gpt2-medium'). "
            f"Pass a local directory instead, or run where the Hub can be reached.") from error
    return tokenizer, model.eval()


def token_stream(tokenizer, documents: list[str], max_tokens: int) -> np.ndarray:
    """The documents' token ids, concatenated (no special tokens), up to ``max_tokens``."""
    ids: list[int] = []
    for doc in documents:
        for start in range(0, len(doc), 200_000):  # tokenizers are happier with pieces
            ids.extend(tokenizer(doc[start:start + 200_000], add_special_tokens=False,
                                 verbose=False)["input_ids"])
            if len(ids) >= max_tokens:
                return np.asarray(ids[:max_tokens], dtype=np.int64)
    return np.asarray(ids, dtype=np.int64)


@torch.no_grad()
def extract_activations(model_name: str, documents: list[str], n_chunks: int, chunk_tokens: int,
                        cache_dir: Path, batch_size: int = 32, seed: int = 0,
                        device: str = "cpu", part_size: int = 512, progress: bool = True):
    """Last-layer activations at the final position of ``n_chunks`` random ``chunk_tokens``-token
    windows of the corpus: an array (n_chunks, d_emb), and the extraction's tokens/s (None when
    everything came from the cache)."""
    n_chunks = check_int("n_chunks", n_chunks, low=2)
    chunk_tokens = check_int("chunk_tokens", chunk_tokens, low=1)
    key = hashlib.sha256(json.dumps([model_name, n_chunks, chunk_tokens, seed,
                                     sum(len(d) for d in documents)]).encode()).hexdigest()[:12]
    folder = Path(cache_dir) / f"activations-{key}"
    final = folder / "activations.npy"
    if final.exists():
        return np.load(final), None
    tokenizer, model = load_pretrained(model_name)
    model.to(device)
    limit = getattr(model.config, "max_position_embeddings", None)
    if limit is not None and chunk_tokens > limit:
        raise ValueError(f"argument 'chunk_tokens' ({chunk_tokens}) exceeds the model's "
                         f"{limit} positions")
    stream = token_stream(tokenizer, documents, max_tokens=50_000_000)
    if len(stream) <= chunk_tokens:
        raise ValueError(f"the corpus has {len(stream)} tokens, too few for chunks of "
                         f"{chunk_tokens}")
    starts = np.random.default_rng(seed).integers(0, len(stream) - chunk_tokens, size=n_chunks)
    folder.mkdir(parents=True, exist_ok=True)
    parts, processed, start_time = [], 0, time.perf_counter()
    bar = tqdm(total=n_chunks, desc="activations", disable=not progress, mininterval=10)
    for p, lo in enumerate(range(0, n_chunks, part_size)):
        path = folder / f"part-{p:05d}.npy"
        if path.exists():
            parts.append(np.load(path))
        else:
            rows = []
            for b in range(lo, min(lo + part_size, n_chunks), batch_size):
                window = starts[b:min(b + batch_size, lo + part_size, n_chunks)]
                ids = torch.from_numpy(np.stack([stream[s:s + chunk_tokens] for s in window]))
                hidden = model(input_ids=ids.to(device)).last_hidden_state[:, -1]
                rows.append(hidden.float().cpu().numpy())
                processed += ids.numel()
            parts.append(np.concatenate(rows))
            np.save(path, parts[-1])
        bar.update(len(parts[-1]))
    bar.close()
    activations = np.concatenate(parts)
    np.save(final, activations)
    elapsed = time.perf_counter() - start_time
    return activations, (processed / elapsed if processed else None)


@torch.no_grad()
def causal_activations(model, tokens, n_chunks: int, chunk_tokens: int, seed: int = 0,
                       batch_size: int = 64) -> np.ndarray:
    """Final-position activations (n_chunks, model_dim) of one of our decoders
    (:class:`assocmem.models.OpenELM`, via its ``hidden``) over random ``chunk_tokens``-token
    windows of the 1-D token array ``tokens``."""
    n_chunks = check_int("n_chunks", n_chunks, low=2)
    chunk_tokens = check_int("chunk_tokens", chunk_tokens, low=1)
    tokens = torch.as_tensor(np.asarray(tokens), dtype=torch.long)
    if len(tokens) <= chunk_tokens:
        raise ValueError(f"argument 'tokens' holds {len(tokens)} tokens, too few for chunks of "
                         f"{chunk_tokens}")
    model.eval()
    device = next(model.parameters()).device
    starts = torch.from_numpy(np.random.default_rng(seed).integers(
        0, len(tokens) - chunk_tokens, size=n_chunks))
    rows = []
    for lo in range(0, n_chunks, batch_size):
        window = starts[lo:lo + batch_size, None] + torch.arange(chunk_tokens)
        rows.append(model.hidden(tokens[window].to(device))[:, -1].float().cpu().numpy())
    return np.concatenate(rows)


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
