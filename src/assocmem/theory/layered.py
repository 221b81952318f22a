"""Section 4.1: patterns split across l layers, the layer-wise constrained minimization (Eq. 6)
and a stack of attention layers as an iterated nearest-pattern search.

Layer energies are taken in their energy form g_t(x) (+ a constant): Section 4.1 prints
E_t(x) = exp(-g_t(x)) / Z_t, which is the density of that energy, not an energy (see chapter 04).
"""

from __future__ import annotations

import numpy as np

from assocmem.theory.energy import (
    global_energy,
    nearest_pattern_distance,
    retrieval_update,
    squared_distances,
)
from assocmem.validate import check_array, check_float, check_int


def partition_patterns(patterns, layers: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Split the patterns at random into ``layers`` non-empty subsets D_1, ..., D_l."""
    patterns = check_array("patterns", patterns, min_ndim=2)
    layers = check_int("layers", layers, low=1, high=len(patterns))
    order = rng.permutation(len(patterns))
    return [patterns[idx] for idx in np.array_split(order, layers)]


def layer_energies(x, parts: list[np.ndarray]) -> np.ndarray:
    """g_t(x) for every layer t: shape (..., l)."""
    return np.stack([nearest_pattern_distance(x, part) for part in parts], axis=-1)


def constrained_layer_step(x, part: np.ndarray, delta: float) -> np.ndarray:
    """Eq. 6 with energy g_t: argmin of g_t over {x' : ||x' - x||^2 <= delta}.

    The minimizer moves x straight towards its nearest pattern of the layer, by at most
    sqrt(delta) (and onto the pattern when it is that close).
    """
    x = check_array("x", x)
    delta = check_float("delta", delta, low=0.0)
    diff = part[None, :, :] - x.reshape(-1, 1, x.shape[-1])
    dist = np.linalg.norm(diff, axis=-1)
    j = dist.argmin(axis=1)
    rows = np.arange(len(j))
    step = np.minimum(1.0, np.sqrt(delta) / np.maximum(dist[rows, j], 1e-300))
    return (x.reshape(-1, x.shape[-1]) + step[:, None] * diff[rows, j]).reshape(x.shape)


def run_layers(x0, parts: list[np.ndarray], delta: float) -> tuple[np.ndarray, np.ndarray]:
    """Apply Eq. 6 layer after layer; return the final points and E_global after each layer
    (shape (l + 1, ...)), with E_global = -LogSumExp(-g_1, ..., -g_l) (Eq. 7)."""
    x = np.asarray(x0, dtype=float)
    trace = [global_energy(layer_energies(x, parts))]
    for part in parts:
        x = constrained_layer_step(x, part, delta)
        trace.append(global_energy(layer_energies(x, parts)))
    return x, np.array(trace)


def attention_stack(x0, patterns, depth: int, beta: float = 1.0) -> np.ndarray:
    """``depth`` attention layers sharing one memory: the retrieval update applied repeatedly.

    Returns the iterates, shape (depth + 1, ..., n).
    """
    x = np.asarray(x0, dtype=float)
    out = [x]
    for _ in range(check_int("depth", depth, low=1)):
        x = retrieval_update(x, patterns, beta)
        out.append(x)
    return np.array(out)


def spread_sweep(n_patterns: int, dim: int, n_queries: int, depth: int,
                 rng: np.random.Generator, spreads=(0.5, 1.0, 2.0, 4.0),
                 start: float = 0.3) -> tuple[dict, dict]:
    """A stack of ``depth`` attention layers sharing one memory (:func:`attention_stack`) as a
    nearest-pattern search, on ``n_patterns`` random patterns on a sphere of radius
    spread * sqrt(dim) / 2, for each spread: each query starts at ``start`` x the separation
    radius (half the patterns' minimum distance) from its target pattern. Returns
    ``results`` {spread: (minimum distance, distance to the target / minimum distance after
    each layer, shape (depth + 1, n_queries))} and ``inputs`` {spread: (patterns, queries,
    targets)}. Draws from ``rng`` in a fixed order: the patterns, the targets, the noise."""
    results, inputs = {}, {}
    for spread in spreads:
        sphere = rng.normal(size=(n_patterns, dim))
        sphere *= spread * np.sqrt(dim) / 2 / np.linalg.norm(sphere, axis=1, keepdims=True)
        gaps = squared_distances(sphere, sphere) + np.eye(n_patterns) * 1e12
        min_dist = float(np.sqrt(gaps.min()))
        target = rng.integers(n_patterns, size=n_queries)
        noise = rng.normal(size=(n_queries, dim))
        noise *= start * (min_dist / 2) / np.linalg.norm(noise, axis=1, keepdims=True)
        iterates = attention_stack(sphere[target] + noise, sphere, depth)
        error = np.linalg.norm(iterates - sphere[target], axis=-1) / min_dist
        results[spread] = (min_dist, error)
        inputs[spread] = (sphere, sphere[target] + noise, target)
    return results, inputs


def stack_retrieval(patterns, queries, target, layers: int, rng: np.random.Generator,
                    depth: int, deltas=(0.01, 0.1, 1.0), beta: float = 1.0,
                    within: float = 0.05) -> dict[str, float]:
    """The share of ``queries`` that a stack brings to within ``within`` x the patterns'
    minimum distance of their ``target`` pattern (indices into ``patterns``), in three designs:

    - ``"shared attention"``: ``depth`` attention layers that share one memory of every pattern
      (:func:`attention_stack`), the iterated nearest-pattern search;
    - ``"disjoint attention"``: Sec. 4.1's split, layer t holding only its own random subset D_t
      of the patterns (:func:`partition_patterns`), each layer one retrieval update over its
      subset, the ``layers`` layers in turn;
    - ``"Eq. 6, delta = <d>"``: the same split with Eq. 6's constrained minimization of g_t
      layer after layer (:func:`run_layers`), for each ``delta``.
    """
    patterns = check_array("patterns", patterns, min_ndim=2)
    target = np.asarray(target)
    gaps = np.sqrt(((patterns[:, None] - patterns[None]) ** 2).sum(-1))
    scale = within * gaps[~np.eye(len(patterns), dtype=bool)].min()

    def share(x):
        return float((np.linalg.norm(x - patterns[target], axis=-1) < scale).mean())

    parts = partition_patterns(patterns, layers, rng)
    x = np.asarray(queries, dtype=float)
    for part in parts:
        x = retrieval_update(x, part, beta)
    out = {"shared attention": share(attention_stack(queries, patterns, depth, beta)[-1]),
           "disjoint attention": share(x)}
    for delta in deltas:
        out[f"Eq. 6, delta = {delta:g}"] = share(run_layers(queries, parts, delta)[0])
    return out


def stack_verdict(designs: dict[str, float], share: float = 0.99) -> bool:
    """Sec. 4.1's claim that the layered structure serves as a search over all the patterns,
    judged on :func:`stack_retrieval`'s shares: reproduced when some design that divides the
    patterns among the layers retrieves at least ``share`` of the queries."""
    split = [v for k, v in designs.items() if k != "shared attention"]
    if not split:
        raise ValueError("argument 'designs' holds no design that divides the patterns")
    return max(split) >= share


def mm_step(x, parts: list[np.ndarray], delta: float) -> np.ndarray:
    """A majorization-minimization step for E_global within {||x' - x||^2 <= delta}.

    At the current point x0, with c_t the nearest pattern of layer t and w = softmax(-g(x0)),
    concavity of -LogSumExp(-.) and g_t(x) <= ||x - c_t||^2 give the quadratic majorizer
    v(x) = sum_t w_t ||x - c_t||^2 + const, equal to E_global at x0. Its minimizer over the
    ball is the step from x0 towards sum_t w_t c_t (an attention read-out over the layers).
    """
    x = check_array("x", x)
    delta = check_float("delta", delta, low=0.0)
    flat = x.reshape(-1, x.shape[-1])
    g = layer_energies(flat, parts)
    w = np.exp(-(g - g.min(axis=1, keepdims=True)))
    w /= w.sum(axis=1, keepdims=True)
    nearest = np.stack([part[np.linalg.norm(part[None] - flat[:, None], axis=-1).argmin(1)]
                        for part in parts], axis=1)  # (queries, l, n)
    target = np.einsum("ql,qln->qn", w, nearest)
    diff = target - flat
    dist = np.linalg.norm(diff, axis=1)
    step = np.minimum(1.0, np.sqrt(delta) / np.maximum(dist, 1e-300))
    return (flat + step[:, None] * diff).reshape(x.shape)


def run_mm(x0, parts: list[np.ndarray], delta: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """``steps`` MM steps; return final points and E_global after each (shape (steps + 1, ...))."""
    x = np.asarray(x0, dtype=float)
    trace = [global_energy(layer_energies(x, parts))]
    for _ in range(check_int("steps", steps, low=1)):
        x = mm_step(x, parts, delta)
        trace.append(global_energy(layer_energies(x, parts)))
    return x, np.array(trace)
