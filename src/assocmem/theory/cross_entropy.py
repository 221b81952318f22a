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
    cross-entropy L, and log Z_t + 1/Z_t.
    """
    from scipy import integrate

    from assocmem.theory.energy import global_energy

    if not (radius > 0 and spacing > 2 * radius and layers >= 1):
        raise ValueError("arguments must satisfy radius > 0, spacing > 2 radius, layers >= 1")
    patterns = np.arange(3 * layers) * spacing
    layer_of = np.arange(3 * layers) % layers
    unit_mass = integrate.quad(lambda s: np.exp(-s * s), -radius, radius)[0]
    z_t = 3 * unit_mass  # Eq. 12 over the layer's three balls

    def e_global(x):
        g = np.array([np.min((x - patterns[layer_of == t]) ** 2) for t in range(layers)])
        return float(global_energy(np.exp(-g) / z_t))

    z_theta = sum(integrate.quad(lambda s: np.exp(-e_global(s)), c - radius, c + radius,
                                 points=[c])[0] for c in patterns)
    z_prime = sum(integrate.quad(lambda s, c=c: np.exp(-np.exp(-(s - c) ** 2) / z_t),
                                 c - radius, c + radius, points=[c])[0]
                  for c in patterns[layer_of == 0])
    loss = np.log(z_theta) + np.mean([e_global(p) for p in patterns])
    return {"r": radius, "Z_t": z_t, "int exp(-E_t)": z_prime, "L exact": float(loss),
            "log Z_t + 1/Z_t": float(prop4_loss(z_t))}
