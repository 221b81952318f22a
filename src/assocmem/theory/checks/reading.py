"""Checks of the statements found by a second line-by-line reading of the paper: small
computations, each able to fail, for definitions, side remarks, citations with a computable
core and arithmetic on printed numbers. Each function names the place of the paper it checks;
the numbers it is given are the chapters' (quoted ones come from :mod:`assocmem.quotations`).
"""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np

from assocmem.theory.attention import attention
from assocmem.theory.logsumexp import softmax

# ---- chapter 02: energies and the MCHN ---------------------------------------------------------


def grid_minima_2d(energy, lo: float = -4.0, hi: float = 4.0, steps: int = 161) -> np.ndarray:
    """Strict local minima of a 2-D ``energy`` ((k, 2) points -> (k,) values) on the square grid
    ``[lo, hi]^2`` with ``steps`` points per axis: the points below all eight neighbours.
    Sec. 4 / Fig. 1 (c), (d): counting the minima compares two landscapes."""
    axis = np.linspace(lo, hi, steps)
    xx, yy = np.meshgrid(axis, axis, indexing="ij")
    values = np.asarray(energy(np.stack([xx.ravel(), yy.ravel()], axis=1))).reshape(xx.shape)
    inner = values[1:-1, 1:-1]
    lower = np.ones_like(inner, dtype=bool)
    for di, dj in itertools.product((-1, 0, 1), repeat=2):
        if di or dj:
            lower &= inner < values[1 + di:steps - 1 + di, 1 + dj:steps - 1 + dj]
    i, j = np.nonzero(lower)
    return np.stack([axis[1:-1][i], axis[1:-1][j]], axis=1)


def numerical_gradient(energy, x, h: float = 1e-6) -> np.ndarray:
    """Central differences of a scalar ``energy`` of one point ``x`` (1-D)."""
    x = np.asarray(x, dtype=float)
    return np.array([(energy(x + h * e) - energy(x - h * e)) / (2 * h) for e in np.eye(len(x))])


def descend(energy, x0, steps: int = 20_000, lr: float = 0.01) -> np.ndarray:
    """Plain gradient descent on a scalar ``energy`` from ``x0`` (central-difference gradient):
    where a query started at a pattern ends up (Fig. 1's landscapes)."""
    x = np.array(x0, dtype=float)
    for _ in range(steps):
        x -= lr * numerical_gradient(energy, x)
    return x


def triangle_gap(dist, x, y, z) -> float:
    """``dist(x, z) - dist(x, y) - dist(y, z)``: positive where the triangle inequality fails,
    so ``dist`` is no metric (Sec. 3's "distance metric", Sec. 4's d(x, y) = ||x - y||^2)."""
    return float(dist(x, z) - dist(x, y) - dist(y, z))


def binary_states(n: int) -> np.ndarray:
    """All 2^n states of {-1, +1}^n, one per row."""
    return np.array(list(itertools.product((-1, 1), repeat=n)), dtype=float)


def demircigil_energies(states, patterns) -> tuple[np.ndarray, np.ndarray]:
    """Demircigil et al.'s energy -sum_mu exp(<xi^mu, x>) and Table 1's -LogSumExp(M^T x), at
    each state (rows of ``states``; ``patterns`` one per row). App. B, Table 1."""
    scores = np.asarray(states, dtype=float) @ np.asarray(patterns, dtype=float).T
    top = scores.max(axis=1)
    lse = top + np.log(np.exp(scores - top[:, None]).sum(axis=1))
    return -np.exp(lse), -lse


def orders_agree(first, second) -> bool:
    """Whether two energies over the same states rank them alike: ``second`` never decreases
    along ``first``'s order, and both have the same minimizers (equal ties within 1e-12 of
    their scale)."""
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    order = np.argsort(first, kind="stable")
    tol = 1e-12 * max(1.0, float(np.abs(second).max()))
    monotone = bool(np.all(np.diff(second[order]) >= -tol))
    tol_first = 1e-12 * max(1.0, float(np.abs(first).max()))
    argmin_first = set(np.flatnonzero(first <= first.min() + tol_first))
    argmin_second = set(np.flatnonzero(second <= second.min() + tol))
    return monotone and argmin_first == argmin_second


def mchn_update(x, patterns, beta: float) -> np.ndarray:
    """Ramsauer et al.'s update xi <- M softmax(beta M^T xi) (``patterns`` one per row)."""
    patterns = np.asarray(patterns, dtype=float)
    return softmax(beta * (patterns @ np.asarray(x, dtype=float))) @ patterns


def mchn_update_vs_attention(x, patterns, values=None) -> float:
    """Largest difference between the MCHN update at beta = 1/sqrt(n) and attention with the
    query ``x``, the patterns as keys and ``values`` (default: the patterns) as values. Sec. 2:
    "the update rule has a nice correspondence to the query-key-value mechanism"."""
    patterns = np.asarray(patterns, dtype=float)
    values = patterns if values is None else np.asarray(values, dtype=float)
    x = np.asarray(x, dtype=float)
    update = mchn_update(x, patterns, 1.0 / math.sqrt(len(x)))
    return float(np.abs(update - attention(x[None, :], patterns, values)[0]).max())


def mchn_regularization_terms(x, patterns, beta: float) -> dict[str, float]:
    """The three terms Sec. 4's MCHN energy adds to -LogSumExp(beta, M^T x): the input's squared
    norm x^T x / 2, beta^-1 log d (the number of patterns) and max_i ||rho^i||^2 / 2 (the
    patterns' largest norm, a constant in x)."""
    x, patterns = np.asarray(x, dtype=float), np.asarray(patterns, dtype=float)
    return {"input norm": 0.5 * float(x @ x), "number of patterns": math.log(len(patterns)) / beta,
            "max pattern norm": 0.5 * float((patterns**2).sum(axis=1).max())}


def distance_update(x, patterns, similarity: str = "distance") -> np.ndarray:
    """A universal-Hopfield update M softmax(sim(x, rho^i)) (Millidge et al.): similarity
    ``"distance"`` (the negative squared Euclidean distance) or ``"dot"`` (x . rho^i)."""
    x, patterns = np.asarray(x, dtype=float), np.asarray(patterns, dtype=float)
    if similarity == "distance":
        scores = -((patterns - x) ** 2).sum(axis=1)
    elif similarity == "dot":
        scores = patterns @ x
    else:
        raise ValueError(f"argument 'similarity' must be 'distance' or 'dot'; got {similarity!r}")
    return softmax(scores) @ patterns


# ---- chapter 03 ----------------------------------------------------------------------------------


def proof_given(proofs: tuple[str, ...], result: str) -> bool:
    """Whether ``result`` is among the results whose proofs an appendix gives (Sec. 4: "The
    proof of Proposition 1 ... is deferred to Appendix C")."""
    return result in proofs


# ---- chapter 05: balls and spheres ---------------------------------------------------------------


def ball_radius(dist_to_centre, r: float, n: int = 2, samples: int = 200_000,
                seed: int = 0) -> float:
    """The Euclidean radius of {x : dist(x, 0) <= r} in R^n (``dist_to_centre``: (k, n) points
    -> (k,) distances to the origin), estimated as the largest norm among uniform samples of
    the cube [-R, R]^n in the set (R = max(r, 1) covers it for the norm and its square).
    Def. 1's B_i with Sec. 4's d against App. D.2's ball of radius r_i."""
    rng = np.random.default_rng(seed)
    half = max(r, 1.0)
    x = rng.uniform(-half, half, size=(samples, n))
    inside = np.asarray(dist_to_centre(x)) <= r
    return float(np.linalg.norm(x[inside], axis=1).max())


def sphere_area(n: int) -> float:
    """A_{n-1} = 2 pi^(n/2) / Gamma(n/2), the (n-1)-volume of the unit sphere in R^n (App. D.2)."""
    return 2 * math.pi ** (n / 2) / math.gamma(n / 2)


def ball_volume(n: int, r: float) -> float:
    """V_n(r) = pi^(n/2) r^n / Gamma(1 + n/2), the volume of the n-ball of radius r (Sec. 5)."""
    return math.pi ** (n / 2) * r**n / math.gamma(1 + n / 2)


def sphere_ball_gap(n: int, r: float, area=sphere_area, volume=ball_volume) -> float:
    """Relative gap |V_n(r) - A_{n-1} r^n / n| / V_n(r): the volume is the integral of the
    sphere's area over radii, as App. D.2's polar integration uses."""
    v = volume(n, r)
    return abs(v - area(n) * r**n / n) / v


# ---- chapter 06 ----------------------------------------------------------------------------------


def attention_distribution_size(t: int, d_k: int, seed: int = 0) -> int:
    """The number of entries of one attention softmax over a sequence of ``t`` tokens (queries
    and keys of width ``d_k``): the p of Sec. 5's "p in Delta_n" lies in Delta_t."""
    rng = np.random.default_rng(seed)
    q, k = rng.normal(size=(t, d_k)), rng.normal(size=(t, d_k))
    weights = softmax(q @ k.T / math.sqrt(d_k), axis=-1)
    if not np.allclose(weights.sum(axis=-1), 1.0):
        raise AssertionError("softmax rows do not sum to 1")
    return weights.shape[-1]


def typical_value(values) -> dict[str, float]:
    """Mean, median and most common value of a list of numbers (App. A's "approximately 2.2"
    against Table 2's losses)."""
    values = list(values)
    return {"mean": statistics.fmean(values), "median": statistics.median(values),
            "mode": statistics.mode(values)}


def empirical_cross_entropy(tokens, probs) -> tuple[float, float]:
    """App. E: -(1/D) sum_i log p(x_i) over the D tokens, and -sum_x p_D(x) log p(x) with p_D the
    tokens' empirical distribution; equal up to rounding."""
    tokens, probs = np.asarray(tokens), np.asarray(probs, dtype=float)
    per_token = -float(np.log(probs[tokens]).mean())
    p_data = np.bincount(tokens, minlength=len(probs)) / len(tokens)
    seen = p_data > 0
    return per_token, -float((p_data[seen] * np.log(probs[seen])).sum())


# ---- chapter 07 ----------------------------------------------------------------------------------


def samples_from_tokens(tokens: float, t_max: float, mean_length: float) -> dict[str, float]:
    """Eq. 2's D ~ T_max d solved for the number of samples, d = D / T_max, beside the number of
    samples of ``mean_length`` tokens that D tokens make, D / mean_length (equal when every
    sample fills the context)."""
    return {"eq. 2": tokens / t_max, "actual": tokens / mean_length,
            "factor": t_max / mean_length}


def app_e_constant_a(n_layer: int, d_emb: int, d_ff: int) -> float:
    """A = N / (l d_emb^2) with App. E's parameter groups as printed: attention 3 l d_emb^2,
    dense and layer norm l (d_emb^2 + 2 d_emb), feed-forward l (2 d_emb d_FF + d_emb + d_FF)."""
    n = (3 * n_layer * d_emb**2 + n_layer * (d_emb**2 + 2 * d_emb)
         + n_layer * (2 * d_emb * d_ff + d_emb + d_ff))
    return n / (n_layer * d_emb**2)


def gqa_groups(kv_heads, query_heads, n_layers: int) -> set[float]:
    """The query heads per KV head of each layer, after checking one entry per layer (App. F.1);
    a single value means one grouped-query ratio throughout."""
    if not len(kv_heads) == len(query_heads) == n_layers:
        return set()
    return {q / k for k, q in zip(kv_heads, query_heads, strict=True)}


# ---- chapters 08 and 10 --------------------------------------------------------------------------


def nearest_distances(points, reference) -> np.ndarray:
    """Distance from each row of ``points`` to its nearest *other* row of ``reference`` (a row of
    ``reference`` equal to the point itself, at index i for point i, is skipped when
    ``reference`` starts with ``points``)."""
    points, reference = np.asarray(points, dtype=float), np.asarray(reference, dtype=float)
    d2 = ((points**2).sum(1)[:, None] + (reference**2).sum(1)[None, :]
          - 2 * points @ reference.T)
    d2[np.arange(len(points)), np.arange(len(points))] = np.inf
    return np.sqrt(np.maximum(d2.min(axis=1), 0.0))


def subsample_nn_bias(points, fractions=(0.4, 0.6, 0.8, 1.0)) -> tuple[dict, bool]:
    """Sec. 6.1: nearest-neighbour distances within the first fraction of ``points``; returns the
    mean per fraction and whether, point by point, the distance within each subset is at least
    the one within every larger subset (a subsample can only overstate the distance)."""
    points = np.asarray(points, dtype=float)
    sizes = [max(2, int(f * len(points))) for f in fractions]
    smallest = sizes[0]
    per_size = [nearest_distances(points[:smallest], points[:m]) for m in sizes]
    means = {f: float(nearest_distances(points[:m], points[:m]).mean())
             for f, m in zip(fractions, sizes, strict=True)}
    monotone = all(bool(np.all(a >= b - 1e-12)) for a, b in itertools.pairwise(per_size))
    return means, monotone


def largest_disjoint_radius(nn_distance: float) -> float:
    """The largest common radius of balls around points whose nearest neighbour is
    ``nn_distance`` away that keeps them disjoint (Assumption 3): half the distance."""
    return nn_distance / 2


def tokens_per_iteration(tokens: int, batch: int, context: int) -> float:
    """App. F.1: sequences of ``context`` tokens per iteration divided by the batch size, i.e.
    the micro-batches an iteration accumulates (an integer when the table is consistent)."""
    return tokens / (batch * context)


def needed_tokens_per_word(d_max: float, words: float, val_fraction: float) -> float:
    """Sec. 6.3: tokens per word that the first ``words`` words must yield so that, after
    holding out ``val_fraction`` of the tokens, ``d_max`` training tokens remain."""
    return d_max / ((1 - val_fraction) * words)
