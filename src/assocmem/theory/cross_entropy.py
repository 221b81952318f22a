"""Eq. 1 (the Chinchilla parametric loss) and Proposition 4's expression log Z + 1/Z.

The fitted constants are quoted from their sources, each with its citation; the notebooks
compare the paper's quotation with them and evaluate the fits, they never treat a quoted
constant as a computed result.
"""

from __future__ import annotations

import numpy as np

from assocmem.validate import check_array


def chinchilla_loss(n_params, n_tokens, fit) -> np.ndarray:
    """L(N, D) = E + A / N^alpha + B / D^beta  (Eq. 1), for a fit (E, A, B, alpha, beta)."""
    n = check_array("n_params", n_params, min_ndim=0)
    d = check_array("n_tokens", n_tokens, min_ndim=0)
    if (n <= 0).any() or (d <= 0).any():
        raise ValueError("arguments 'n_params' and 'n_tokens' must be > 0")
    e, a, b, alpha, beta = fit
    return e + a / n**alpha + b / d**beta


def compute_optimal(compute, fit) -> tuple[np.ndarray, np.ndarray]:
    """(N, D) minimizing Eq. 1 under C = 6 N D (Hoffmann et al.'s closed form, their Eq. 4)."""
    c = check_array("compute", compute, min_ndim=0)
    if (c <= 0).any():
        raise ValueError("argument 'compute' must be > 0")
    _, a, b, alpha, beta = fit
    g = (alpha * a / (beta * b)) ** (1.0 / (alpha + beta))
    n_opt = g * (c / 6.0) ** (beta / (alpha + beta))
    return n_opt, (c / 6.0) / n_opt


def prop4_loss(z) -> np.ndarray:
    """log Z + 1/Z, Proposition 4's approximation of the cross-entropy as a function of Z > 0."""
    z = check_array("z", z, min_ndim=0)
    if (z <= 0).any() or not np.isfinite(z).all():
        raise ValueError("argument 'z' must be finite and > 0")
    return np.log(z) + 1.0 / z


def exact_line_model(radius: float, layers: int, spacing: float) -> dict[str, float]:
    """Sections 4-5's model built exactly in one dimension, for Proposition 4.

    ``3 * layers`` patterns at multiples of ``spacing`` (pattern i in layer i mod l), balls of
    ``radius`` around each, E_t = exp(-g_t) / Z_t as Section 4.1 prints it, E_global by Eq. 7,
    p_theta = exp(-E_global) / Z_theta on Omega (Eq. 9), validation = training patterns (Eq. 11).
    Returns Z_t, the integral of exp(-E_t) that step (b) of Eq. 14 equates with Z_t, the exact
    cross-entropy L, log Z_t + 1/Z_t, and ``L error``, a bound on L's numerical error.

    Every point is written as a pattern plus an offset u in [-r, r], and its distance to pattern
    j as (i - j) spacing + u, so no position rounds away the offset however large the spacing
    (at spacing 1e17 a position c + u would round to c). A ball's Gaussian mass is
    sqrt(pi) erf(r) in closed form. The two other integrals are adaptive quadratures over pieces
    on which the integrand is smooth (breakpoints at the pattern, where its Gaussian has died
    out, and where a neighbour's begins). ``L error`` adds their error estimates divided by
    Z_theta (the derivative of log) and 64 ulps of the terms of L: the roundings of E_global
    (a few ulps of each E_t <= 1 / Z_t, and the LogSumExp's) and of the logs. Radii below
    about 2.4e-4 would underflow exp(-E_global) (E_t reaches 1 / Z_t ~ 1 / (6 r)); chapter 06
    accepts radii from 1e-3.
    """
    from scipy import integrate, special

    from assocmem.theory.energy import global_energy

    if not (radius > 0 and spacing > 2 * radius and layers >= 1):
        raise ValueError("arguments must satisfy radius > 0, spacing > 2 radius, layers >= 1")
    count = 3 * layers
    index = np.arange(count)
    layer_of = index % layers
    unit_mass = float(np.sqrt(np.pi) * special.erf(radius))
    z_t = 3 * unit_mass  # Eq. 12 over the layer's three balls

    def e_global(i, u):
        offsets = (i - index) * spacing + u  # from each pattern to pattern i + u
        with np.errstate(over="ignore"):
            sq = offsets * offsets
        g = np.array([sq[layer_of == t].min() for t in range(layers)])
        return float(global_energy(np.exp(-g) / z_t))

    # breakpoints: the pattern, where its own Gaussian has died out (|u| = 8, e^-64), and where
    # a neighbour's starts (|u| = spacing - 8); the integrands are smooth in between
    cuts = [c for c in (8.0, spacing - 8.0) if 0 < c < radius]
    edges = sorted({-radius, radius, 0.0, *cuts, *(-c for c in cuts)})

    def ball(f):
        pieces = [integrate.quad(f, lo, hi, limit=200)
                  for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
        return sum(v for v, _ in pieces), sum(e for _, e in pieces)

    theta = [ball(lambda u, i=i: np.exp(-e_global(i, u))) for i in range(count)]
    z_theta = sum(v for v, _ in theta)
    prime = ball(lambda u: np.exp(-np.exp(-u * u) / z_t))  # the three balls of layer 0 agree
    z_prime = 3 * prime[0]
    at_patterns = [e_global(i, 0.0) for i in range(count)]
    loss = np.log(z_theta) + np.mean(at_patterns)
    eps = np.finfo(float).eps
    error = (sum(e for _, e in theta) / z_theta
             + 64 * eps * (abs(np.log(z_theta)) + max(abs(v) for v in at_patterns) + 1))
    return {"r": radius, "Z_t": z_t, "int exp(-E_t)": z_prime, "L exact": float(loss),
            "log Z_t + 1/Z_t": float(prop4_loss(z_t)), "L error": float(error)}


def plane_model_loss(patterns, unit: float = 1.0, grid: int = 801) -> float:
    """L = log Z + mean_i E(rho_i) of the density p(y) = exp(-E(y / unit)) / Z of Eq. 4 on the
    plane, with lengths measured in a unit ``unit`` times smaller (the patterns at unit rho_i),
    Z by quadrature on a grid that covers the patterns with a margin of 6. A density's
    cross-entropy moves by n log(unit) with the unit; the model's L is no per-token loss."""
    from assocmem.theory.energy import distance_energy

    patterns = check_array("patterns", patterns, min_ndim=2)
    if patterns.shape[1] != 2 or not unit > 0 or grid < 3:
        raise ValueError("arguments must be 2-D patterns, a unit > 0 and a grid >= 3; got "
                         f"shape {patterns.shape}, unit {unit!r}, grid {grid!r}")
    axis = np.linspace((patterns.min() - 6) * unit, (patterns.max() + 6) * unit, grid)
    y = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    z = np.log(np.exp(-distance_energy(y / unit, patterns)).sum() * (axis[1] - axis[0]) ** 2)
    return float(z + distance_energy(patterns, patterns).mean())
