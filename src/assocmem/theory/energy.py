"""The energies of Sections 3-4: nearest-pattern distance, the proposed energy, the MCHN energy,
the global energy over layers, the retrieval (attention) update, and Ramsauer et al.'s update
with what their Theorem 4 bounds.

Shapes: queries ``x`` are ``(..., n)`` and patterns are ``(d, n)``, one pattern per row. Every
function works through the patterns in chunks of ``chunk`` rows, so memory stays bounded (about
``queries x chunk`` numbers) for d = 1e5 patterns of n = 1024. Float32 inputs are computed in
float32 (the benchmark's regime); anything else in float64.
"""

from __future__ import annotations

import numpy as np

from assocmem.theory.logsumexp import logsumexp
from assocmem.validate import check_array, check_float

DEFAULT_CHUNK = 4096


def _as_inputs(x, patterns):
    dtype = np.float32 if (np.asarray(x).dtype == np.float32 and
                           np.asarray(patterns).dtype == np.float32) else np.float64
    x = check_array("x", x).astype(dtype, copy=False)
    patterns = check_array("patterns", patterns, min_ndim=2).astype(dtype, copy=False)
    if patterns.ndim != 2:
        raise ValueError(f"argument 'patterns' must have shape (d, n); got {patterns.shape}")
    if x.shape[-1] != patterns.shape[1]:
        raise ValueError(f"argument 'x' has dimension {x.shape[-1]} but 'patterns' has "
                         f"n = {patterns.shape[1]}")
    if not (np.isfinite(x).all() and np.isfinite(patterns).all()):
        raise ValueError("arguments 'x' and 'patterns' must be finite")
    return x, patterns


def _chunks(patterns, chunk):
    if chunk < 1:
        raise ValueError(f"argument 'chunk' must be >= 1; got {chunk}")
    for start in range(0, len(patterns), chunk):
        yield patterns[start:start + chunk]


def _sq_dist(q, q_sq, block):
    """Squared distances from query rows ``q`` to ``block`` rows, by the norm expansion."""
    d2 = q_sq[:, None] + np.einsum("ij,ij->i", block, block)[None, :] - 2.0 * (q @ block.T)
    return np.maximum(d2, 0.0)


def squared_distances(x, patterns, chunk: int = DEFAULT_CHUNK) -> np.ndarray:
    """All squared distances ``||x - rho^i||^2``, shape ``(..., d)`` (memory grows with d)."""
    x, patterns = _as_inputs(x, patterns)
    q = x.reshape(-1, x.shape[-1])
    q_sq = np.einsum("ij,ij->i", q, q)
    out = np.concatenate([_sq_dist(q, q_sq, b) for b in _chunks(patterns, chunk)], axis=1)
    return out.reshape(*x.shape[:-1], len(patterns))


def nearest_pattern_distance(x, patterns, chunk: int = DEFAULT_CHUNK) -> np.ndarray:
    """g(x) = min_i ||x - rho^i||^2, the nearest-pattern distance (Eq. 3, squared Euclidean).

    The nearest pattern is found with the norm expansion; its distance is then recomputed
    directly from ``x - rho^i`` so that g keeps full precision near a pattern.
    """
    x, patterns = _as_inputs(x, patterns)
    q = x.reshape(-1, x.shape[-1])
    q_sq = np.einsum("ij,ij->i", q, q)
    best = np.full(len(q), np.inf, dtype=q.dtype)
    arg = np.zeros(len(q), dtype=np.int64)
    offset = 0
    for block in _chunks(patterns, chunk):
        d2 = _sq_dist(q, q_sq, block)
        j = d2.argmin(axis=1)
        better = d2[np.arange(len(q)), j] < best
        best[better] = d2[better, j[better]]
        arg[better] = j[better] + offset
        offset += len(block)
    diff = q - patterns[arg]
    return np.einsum("ij,ij->i", diff, diff).reshape(x.shape[:-1])


def distance_energy(x, patterns, chunk: int = DEFAULT_CHUNK) -> np.ndarray:
    """E(x) = -log sum_i exp(-||x - rho^i||^2), the proposed energy (Eq. 4).

    Evaluated as a running (online) LogSumExp over chunks of patterns, so no ``(queries, d)``
    matrix is ever held. Each chunk's negated squared distances come out of one matrix product
    of augmented rows, ``[x, 1, ||x||^2] . [2 rho, -||rho||^2, -1]``, then are exponentiated in
    place. Being a norm expansion, the absolute rounding error is a few ulps of
    ``||x||^2 + max_i ||rho^i||^2`` (float64: ~1e-12 at norms ~100).
    """
    x, patterns = _as_inputs(x, patterns)
    q = x.reshape(-1, x.shape[-1])
    q_aug = np.empty((len(q), q.shape[1] + 2), dtype=q.dtype)
    q_aug[:, :-2], q_aug[:, -2], q_aug[:, -1] = q, 1.0, np.einsum("ij,ij->i", q, q)
    top = np.full(len(q), -np.inf, dtype=np.float64)  # running max of -d2
    total = np.zeros(len(q), dtype=np.float64)  # running sum of exp(-d2 - top)
    buf = np.empty((len(q), min(chunk, len(patterns))), dtype=q.dtype)
    block_aug = np.empty((buf.shape[1], q_aug.shape[1]), dtype=q.dtype)
    for block in _chunks(patterns, chunk):
        width = len(block)
        b_aug, neg = block_aug[:width], buf[:, :width]
        np.multiply(block, 2.0, out=b_aug[:, :-2])
        b_aug[:, -2], b_aug[:, -1] = -np.einsum("ij,ij->i", block, block), -1.0
        np.matmul(q_aug, b_aug.T, out=neg)  # -||x - rho||^2
        np.minimum(neg, 0.0, out=neg)
        new_top = np.maximum(top, neg.max(axis=1))
        neg -= new_top[:, None].astype(neg.dtype)
        np.exp(neg, out=neg)
        total = total * np.exp(top - new_top) + neg.sum(axis=1, dtype=np.float64)
        top = new_top
    return (-(top + np.log(total))).reshape(x.shape[:-1])


def local_minima_1d(points, values) -> np.ndarray:
    """The points of a 1-D grid where ``values`` is strictly below both neighbours: the local
    minima of an energy sampled on ``points`` (increasing), to count the patterns it stores."""
    points = check_array("points", points)
    values = check_array("values", values)
    if (points.ndim != 1 or points.shape != values.shape or len(points) < 3
            or not np.all(np.diff(points) > 0)):
        raise ValueError("arguments 'points' (increasing) and 'values' must have the same length "
                         f">= 3; got {len(points)} and {len(values)}")
    inner = (values[1:-1] < values[:-2]) & (values[1:-1] < values[2:])
    return points[1:-1][inner]


def mchn_energy(x, patterns, beta: float = 1.0) -> np.ndarray:
    """E_MCHN^beta(x) of Ramsauer et al., as written in Section 4 of the paper:

    -LogSumExp(beta, M^T x) + x^T x / 2 + beta^-1 log d + max_i ||rho^i||^2 / 2.
    """
    x, patterns = _as_inputs(x, patterns)
    beta = check_float("beta", beta, low=0.0, low_open=True)
    x = x.astype(np.float64)
    patterns = patterns.astype(np.float64)
    d = len(patterns)
    scores = x @ patterns.T
    return (-logsumexp(scores, beta) + 0.5 * np.einsum("...i,...i->...", x, x)
            + np.log(d) / beta + 0.5 * np.max(np.einsum("ij,ij->i", patterns, patterns)))


def neg_logsumexp_energy(x, patterns, beta: float = 1.0) -> np.ndarray:
    """-LogSumExp(beta, M^T x), the energy of Demircigil et al. extended to R^n (Fig. 1a)."""
    x, patterns = _as_inputs(x, patterns)
    beta = check_float("beta", beta, low=0.0, low_open=True)
    return -logsumexp(x.astype(np.float64) @ patterns.T.astype(np.float64), beta)


def global_energy(layer_energies, axis: int = -1) -> np.ndarray:
    """E_global = -LogSumExp(-E_1, ..., -E_l) over the layer axis (Eq. 7)."""
    energies = check_array("layer_energies", layer_energies)
    if not np.isfinite(energies).all():
        raise ValueError("argument 'layer_energies' must be finite")
    return -logsumexp(-energies, axis=axis)


def retrieval_update(x, patterns, beta: float = 1.0) -> np.ndarray:
    """One step x <- sum_i softmax(-beta ||x - rho^i||^2)_i rho^i: attention with the patterns
    as keys and values, and the fixed-point (CCCP) step that decreases the distance energy.

    For beta = 1 this is x - grad E(x) / 2, with E of Eq. 4.
    """
    x, patterns = _as_inputs(x, patterns)
    beta = check_float("beta", beta, low=0.0, low_open=True)
    d2 = squared_distances(x, patterns)
    weights = np.exp(-beta * (d2 - d2.min(axis=-1, keepdims=True)))
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ patterns


def softmax_pattern_covariance(x, patterns, beta: float = 1.0) -> np.ndarray:
    """Cov_p(rho) with p = softmax(beta M^T x): shape (..., n, n).

    The Hessian of -LogSumExp(beta, M^T x) is -beta Cov_p(rho), and that of E_MCHN^beta is
    I - beta Cov_p(rho); their eigenvalues decide (non-)convexity.
    """
    x, patterns = _as_inputs(x, patterns)
    beta = check_float("beta", beta, low=0.0, low_open=True)
    scores = beta * (x.astype(np.float64) @ patterns.T.astype(np.float64))
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    mean = p @ patterns
    second = np.einsum("...d,di,dj->...ij", p, patterns, patterns)
    return second - mean[..., :, None] * mean[..., None, :]


def mchn_hessian_min_eigenvalue(x, patterns, beta: float = 1.0) -> np.ndarray:
    """Smallest eigenvalue of the Hessian of E_MCHN^beta at x: 1 - beta lambda_max(Cov_p)."""
    cov = softmax_pattern_covariance(x, patterns, beta)
    return 1.0 - beta * np.linalg.eigvalsh(cov)[..., -1]


def iterate_retrieval(x, patterns, beta: float = 1.0, steps: int = 200,
                      tol: float = 1e-12) -> tuple[np.ndarray, int]:
    """Apply :func:`retrieval_update` until no query moves more than ``tol``; return (x, steps)."""
    x = np.asarray(x, dtype=np.float64)
    for step in range(1, steps + 1):
        new = retrieval_update(x, patterns, beta)
        moved = np.abs(new - x).max()
        x = new
        if moved <= tol:
            return x, step
    return x, steps


def mchn_separation(patterns) -> np.ndarray:
    """Ramsauer et al.'s separation of each pattern from the others (their Sec. 2),
    Delta_i = x_i^T x_i - max_{j != i} x_i^T x_j; shape (d,)."""
    patterns = check_array("patterns", patterns, min_ndim=2).astype(np.float64)
    if patterns.ndim != 2 or len(patterns) < 2:
        raise ValueError("argument 'patterns' must have shape (d, n) with d >= 2")
    gram = patterns @ patterns.T
    others = gram.copy()
    np.fill_diagonal(others, -np.inf)
    return np.diag(gram) - others.max(axis=1)


def mchn_update_offset(x, patterns, i: int, beta: float = 1.0) -> np.ndarray:
    """f(x) - x_i for Ramsauer et al.'s update f(x) = X softmax(beta X^T x), X the patterns
    as columns (rows here), for a query ``x`` of shape (n,).

    Computed as sum_{j != i} softmax(beta X^T x)_j (x_j - x_i), so that an exponentially small
    offset keeps its relative precision (f(x) - x_i formed by subtraction loses it below
    eps ||x_i||).
    """
    x, patterns = _as_inputs(x, patterns)
    x, patterns = x.astype(np.float64), patterns.astype(np.float64)
    if x.ndim != 1:
        raise ValueError(f"argument 'x' must have shape (n,); got {x.shape}")
    if not 0 <= i < len(patterns):
        raise ValueError(f"argument 'i' must be a pattern index in [0, {len(patterns)}); got {i}")
    beta = check_float("beta", beta, low=0.0, low_open=True)
    scores = beta * (patterns @ x)
    p = np.exp(scores - scores.max())
    p /= p.sum()
    return p @ (patterns - patterns[i])


def mchn_fixed_point_offset(patterns, i: int, beta: float = 1.0, steps: int = 1000,
                            rtol: float = 1e-14) -> tuple[np.ndarray, int]:
    """x_i* - x_i for the fixed point x_i* of Ramsauer et al.'s update reached from pattern i,
    by iterating :func:`mchn_update_offset` from x_i until the offset changes by less than
    ``rtol`` of itself; return (offset, steps). The fixed point need not lie near x_i: check the
    offset's size (a pattern that is not well separated is pulled to a metastable state)."""
    patterns = np.asarray(patterns, dtype=np.float64)
    offset = np.zeros(patterns.shape[1])
    for step in range(1, steps + 1):
        new = mchn_update_offset(patterns[i] + offset, patterns, i, beta)
        moved = np.abs(new - offset).max()
        offset = new
        if moved <= rtol * np.abs(new).max():
            return offset, step
    return offset, steps


def mchn_one_step_error(query, patterns, i: int, beta: float = 1.0) -> dict[str, float]:
    """What Ramsauer et al.'s Theorem 4 bounds, for one query near pattern i: the distance
    ||f(xi) - x_i*|| after one update and the theorem's bound on it,
    ||J^m||_2 ||xi - x_i*|| with ||J^m||_2 <= 2 beta N M^2 (N - 1)
    exp(-beta (Delta_i - 2 max{||xi - x_i||, ||x_i* - x_i||} M)), M = max_i ||x_i||.

    Also returned: the separation ``delta`` (Delta_i), ``fixed_offset`` (||x_i* - x_i||) and
    ``retrieval_error`` (||f(xi) - x_i||).
    """
    query, patterns = _as_inputs(query, patterns)
    query, patterns = query.astype(np.float64), patterns.astype(np.float64)
    beta = check_float("beta", beta, low=0.0, low_open=True)
    n_patterns = len(patterns)
    fixed, _ = mchn_fixed_point_offset(patterns, i, beta)
    moved = mchn_update_offset(query, patterns, i, beta)
    query_offset = query - patterns[i]
    delta = float(mchn_separation(patterns)[i])
    m = float(np.linalg.norm(patterns, axis=1).max())
    reach = max(np.linalg.norm(query_offset), np.linalg.norm(fixed))
    jacobian = (2 * beta * n_patterns * m**2 * (n_patterns - 1)
                * np.exp(-beta * (delta - 2 * reach * m)))
    return {"distance": float(np.linalg.norm(moved - fixed)),
            "bound": float(jacobian * np.linalg.norm(query_offset - fixed)),
            "delta": delta, "fixed_offset": float(np.linalg.norm(fixed)),
            "retrieval_error": float(np.linalg.norm(moved))}


def separation_radius(patterns) -> float:
    """Half the smallest distance between two patterns: balls of any smaller radius centred on
    the patterns are pairwise disjoint (Assumption 3)."""
    patterns = check_array("patterns", patterns, min_ndim=2)
    if len(patterns) < 2:
        raise ValueError("argument 'patterns' needs at least two patterns")
    d2 = squared_distances(patterns, patterns)
    np.fill_diagonal(d2, np.inf)
    return 0.5 * float(np.sqrt(d2.min()))


def mchn_identity_gap(x, patterns) -> np.ndarray:
    """E(x) - (2 E_MCHN^{beta=2}(x) - log d): Eq. 4 against the MCHN energy at beta = 2.
    Expanding -||x - rho||^2 = 2 x.rho - ||x||^2 - ||rho||^2 gives
    E(x) = ||x||^2 - LSE(2 x.rho_i - ||rho_i||^2), so the gap is 0 for patterns of equal norm
    and lies in [-(max - min ||rho_i||^2), 0] otherwise."""
    x, patterns = _as_inputs(x, patterns)
    return distance_energy(x, patterns) - (2 * mchn_energy(x, patterns, 2.0)
                                           - np.log(len(patterns)))
