"""Chapter 1's sweeps of Appendix C: each of Lemmas 1-4 run over the chapter's random batches
and adversarial cases (with the rounding allowances of ``checks.lemmas``), softmax checked as
the gradient of LogSumExp (Section 4), and the order of attention's factors (Section 3.2).

Functions that draw random numbers take the chapter's generator and draw in a fixed order, so a
chapter that calls them in sequence reproduces the same inputs.
"""

from __future__ import annotations

import numpy as np

from assocmem.theory.attention import attention, attention_as_printed, attention_loop
from assocmem.theory.checks.lemmas import (
    lemma1_convexity,
    lemma2_excess,
    lemma3_smooth_min,
    lemma4_lipschitz,
)
from assocmem.theory.checks.rounding import LIBM_ULPS
from assocmem.theory.logsumexp import (
    exact_logsumexp_excess,
    exact_logsumexp_gradient,
    logsumexp,
    logsumexp_excess,
    smooth_min,
    softmax,
)

EPS = np.finfo(float).eps


def lemma1_sweep(batches: dict, rng: np.random.Generator) -> dict:
    """Lemma 1 (convexity) on random pairs ``(X, Y)`` and random ``t`` from each batch, then on
    pairs ``y = x + 7 (1, ..., 1)`` where the convexity gap must vanish (LogSumExp is affine
    along that direction). Returns the violations beyond rounding (either side of the gap's
    width), the normalized gaps, the pairs within rounding of each other, and
    ``affine_exact``: whether every gap along ``(1, ..., 1)`` is zero to its allowance."""
    violations, normalized, unresolved = 0, [], 0
    for X in batches.values():
        Y = X[rng.permutation(len(X))] + rng.normal(size=X.shape) * np.abs(X).max(
            1, keepdims=True)
        t = rng.uniform(size=(len(X), 1))
        result = lemma1_convexity(X, Y, t)
        violations += result["violations"] + result["exceeds_width"]
        normalized.append(result["normalized"])
        unresolved += result["unresolved"]
    X = rng.normal(size=(100, 50))
    affine = lemma1_convexity(X, X + 7.0, rng.uniform(size=(100, 1)))
    return {"violations": violations, "normalized": np.concatenate(normalized),
            "unresolved": unresolved,
            "affine_exact": bool((np.abs(affine["gap"]) <= affine["tol"]).all())}


def lemma2_sweep(batches: dict, cases: dict) -> dict:
    """Lemma 2's upper bound (excess over the maximum at most ``log n``) on every random vector
    and adversarial case. ``rows`` holds, per case, ``(name, n, float64 excess, exact excess)``,
    the exact excess in 50-digit arithmetic (None above n = 1e4)."""
    violations, normalized, rows = 0, [], []
    for X in batches.values():
        result = lemma2_excess(X)
        violations += result["violations"]
        normalized.append(result["normalized"])
    for name, x in cases.items():
        result = lemma2_excess(x)
        violations += result["violations"]
        exact = exact_logsumexp_excess(x) if x.size <= 10_000 else None
        rows.append((name, x.size, float(result["excess"]), exact))
    return {"violations": violations, "normalized": np.concatenate(normalized), "rows": rows}


def lemma2_strictness(batches: dict, rows: list, rng: np.random.Generator,
                      n_exact: int) -> dict:
    """Lemma 2's lower bound in 50-digit arithmetic on about ``n_exact`` random vectors drawn
    from the batches (``rng.choice`` per batch), and on the adversarial ``rows`` of
    :func:`lemma2_sweep`. Asserts that the float64 excess agrees with the 50-digit one to its
    relative error bound ``(n + 4 ulps + 746) u`` wherever float64 can represent it.

    Returns ``exact_random`` (the 50-digit excesses), ``float_error`` (largest relative error),
    ``strict_n2`` (excess > 0 for every n >= 2), ``n1_equal`` (excess exactly 0 at n = 1) and
    ``ties_attain`` (ties reach ``log n`` to log1p's few ulps)."""
    sample = [X[i] for X in batches.values() if X.shape[1] >= 2
              for i in rng.choice(len(X), size=min(len(X), n_exact // len(batches) + 1),
                                  replace=False)]
    exact_random = [exact_logsumexp_excess(x) for x in sample]
    float_excess = np.array([float(logsumexp_excess(x)) for x in sample])
    exact_float = np.array([float(e) for e in exact_random])
    representable = exact_float > 1e-300
    relative = np.abs(float_excess - exact_float) / np.maximum(exact_float, 1e-300)
    allowed = (np.array([x.size for x in sample]) + 4 * LIBM_ULPS + 746) * EPS / 2
    float_error = np.max(relative[representable])
    assert np.all(relative[representable] <= allowed[representable]), (
        f"logsumexp_excess is off by {float_error:.1e} relative")
    strict_n2 = all(e > 0 for e in exact_random) and all(
        exact > 0 for name, n, _, exact in rows
        if exact is not None and n >= 2 and "-inf" not in name)
    n1_equal = all(excess == 0 and exact == 0 for name, n, excess, exact in rows if n == 1)
    ties = [(n, excess) for name, n, excess, _ in rows if name.startswith("tie")]
    ties_attain = all(abs(excess - np.log(n)) <= 8 * EPS * np.log(n) for n, excess in ties)
    return {"exact_random": exact_random, "float_error": float_error,
            "strict_n2": strict_n2, "n1_equal": n1_equal, "ties_attain": ties_attain}


def lemma3_sweep(batches: dict, cases: dict) -> dict:
    """Lemma 3 (``min - smooth_min`` in ``[0, log n]``) on the batches and the finite
    adversarial cases; normalized slacks and unresolved counts only for n >= 2.
    ``n1_equal``: whether ``smooth_min`` equals the minimum at the case ``"n = 1"``."""
    violations, normalized, unresolved = 0, [], 0
    inputs = list(batches.items()) + [
        (x.size, x[None, :]) for x in cases.values() if np.isfinite(x).all()]
    for dim, X in inputs:
        result = lemma3_smooth_min(X)
        violations += result["violations"]
        if dim > 1:
            normalized.append(result["normalized"])
            unresolved += result["unresolved"]
    n1 = cases["n = 1"]
    return {"violations": violations, "normalized": np.concatenate(normalized),
            "unresolved": unresolved, "n1_equal": bool(smooth_min(n1) == n1.min())}


def lemma4_sweep(batches: dict, rng: np.random.Generator) -> dict:
    """Lemma 4 (1-Lipschitz in the infinity norm) on each batch against perturbations of
    log-uniform relative size 1e-12..1e2 and against a permutation of itself (unrelated
    pairs), then ``tight``: whether shifts by ``3 (1, ..., 1)`` attain ratio 1."""
    violations, normalized, unresolved = 0, [], 0
    for X in batches.values():
        size = 10.0 ** rng.uniform(-12, 2, size=(len(X), 1)) * (
            np.abs(X).max(1, keepdims=True) + 1)
        for Y in (X + size * rng.normal(size=X.shape), X[rng.permutation(len(X))]):
            result = lemma4_lipschitz(X, Y)
            violations += result["violations"]
            normalized.append(result["normalized"])
            unresolved += result["unresolved"]
    X = rng.normal(size=(100, 30))
    shift_ratio = np.abs(logsumexp(X + 3.0) - logsumexp(X)) / 3.0
    return {"violations": violations, "normalized": np.concatenate(normalized),
            "unresolved": unresolved,
            "tight": bool(np.allclose(shift_ratio, 1.0, rtol=1e-12))}


def gradient_error(x, beta, strict=False):
    """Largest |softmax - exact gradient| over its float64 allowance (<= 1
    passes): a few ulps of beta |x| in the exponent, or with ``strict`` 16 ulps
    of the gradient itself."""
    exact = np.array([float(g) for g in exact_logsumexp_gradient(x, beta, digits=20)])
    lse = float(logsumexp(x, beta))
    allow = 16 * EPS * beta * (np.abs(x) + abs(lse) + 1)
    if strict:
        allow = np.full_like(allow, 16 * EPS)
    error = np.abs(softmax(x, beta) - exact)
    return float(np.max(error / (allow * exact + 1e-300)))


def softmax_gradient_sweep(batches: dict, cases: dict, rng: np.random.Generator) -> dict:
    """Section 4: softmax against the high-precision gradient of LogSumExp
    (:func:`gradient_error`) on the finite adversarial cases with n <= 100 (``grad_cases``),
    strictly on those with entries near 1e300 (``huge_cases``), and on up to 8 random vectors
    of each batch of dimension <= 50 with random beta in [1e-2, 1e2] (``grad_random``).
    ``ties_uniform``: ties larger than 100 give 1/n; ``sums_to_one``: largest |sum - 1|."""
    checkable = {name: x for name, x in cases.items()
                 if x.size <= 100 and np.isfinite(x).all()}
    grad_cases = {name: gradient_error(x, 1.0) for name, x in checkable.items()}
    huge_cases = {name: gradient_error(x, 1.0, strict=True) for name, x in checkable.items()
                  if 16 * EPS * np.abs(x).max() > 1}
    grad_random = [gradient_error(X[i], float(10 ** rng.uniform(-2, 2)))
                   for X in batches.values() if X.shape[1] <= 50
                   for i in rng.choice(len(X), size=min(len(X), 8), replace=False)]
    big_ties = [x for name, x in cases.items() if name.startswith("tie") and x.size > 100]
    return {"grad_cases": grad_cases, "huge_cases": huge_cases, "grad_random": grad_random,
            "ties_uniform": all(np.allclose(softmax(x), 1 / x.size, rtol=1e-12)
                                for x in big_ties),
            "sums_to_one": max(float(np.abs(softmax(X).sum(-1) - 1).max())
                               for X in batches.values())}


def attention_order_sweep(rng: np.random.Generator) -> dict:
    """Section 3.2: for T in (3, 8, 16), d_emb in (4, 8), d_k in (2, 4) and d_v = d_emb, random
    weights; compares ``softmax(QK^T/sqrt(d_k)) V`` and the printed ``V softmax(QK^T/sqrt(d_k))``
    with attention computed token by token. ``printed`` maps each shape to True/False, or None
    where the printed product is undefined."""
    shapes = [(t, d_emb, d_k) for t in (3, 8, 16) for d_emb in (4, 8) for d_k in (2, 4)]
    standard_ok, printed = True, {}
    for t, d_emb, d_k in shapes:
        x = rng.normal(size=(t, d_emb))
        w_q, w_k = rng.normal(size=(2, d_emb, d_k))
        q, k, v = x @ w_q, x @ w_k, x @ rng.normal(size=(d_emb, d_emb))
        reference = attention_loop(q, k, v)
        standard_ok &= bool(np.allclose(attention(q, k, v), reference, rtol=1e-12, atol=1e-12))
        try:
            printed[t, d_emb, d_k] = bool(np.allclose(attention_as_printed(q, k, v), reference))
        except ValueError:
            printed[t, d_emb, d_k] = None
    return {"shapes": shapes, "standard_ok": standard_ok, "printed": printed,
            "undefined": [s for s, ok in printed.items() if ok is None],
            "defined_wrong": [s for s, ok in printed.items() if ok is False]}
