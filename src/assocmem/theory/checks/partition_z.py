"""Chapter 05's computations on the layer partition function (Eqs. 12-13, App. D.2): the exact
ball mass checked three ways, a layer's Z_t by Monte Carlo against Eq. 12's sum, the closed
form of the ball integral against the exact one, and where Section 5's printed lower bound on
one ball's mass first fails. Each returns the numbers the chapter prints and its verdicts read;
Monte Carlo functions draw from the ``rng`` they are given, in a fixed order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate, special

from assocmem.theory.checks.balls import (
    ball_mass_bound_violations,
    mc_log_mean,
    printed_lower_bound_fails,
)
from assocmem.theory.energy import nearest_pattern_distance
from assocmem.theory.partition import (
    critical_radius,
    log_gaussian_ball_mass,
    log_gaussian_ball_mass_mpmath,
    log_layer_partition_bounds,
    log_lower_gamma,
    log_paper_ball_mass,
)

#: the dimensions at which the exact mass is compared with 30-digit mpmath
MPMATH_DIMS = (1, 2, 10, 100, 1_000, 10_000, 100_000, 1_000_000)


@dataclass
class MassChecks:
    """The exact log ball mass, pi^(n/2) P(n/2, r^2), against three independent values."""

    worst: float  # largest relative error against 30-digit mpmath
    quad: dict  # n: log mass by polar-coordinate quadrature, r = 1.3
    mc: dict  # n: (log mass by Monte Carlo, its standard error), r = 1.3

    def report(self) -> str:
        exact = {n: float(log_gaussian_ball_mass(n, 1.3)) for n in (*self.quad, *self.mc)}
        quad = {n: f"{v:.6f} vs {exact[n]:.6f}" for n, v in self.quad.items()}
        mc = {n: f"{v:.4f} +- {se:.4f} vs {exact[n]:.4f}" for n, (v, se) in self.mc.items()}
        return (f"vs 30-digit mpmath (n up to 1e6): worst relative error {self.worst:.1e}\n"
                f"polar-coordinate quadrature, r = 1.3: {quad}\n"
                f"Monte Carlo, r = 1.3: {mc}")

    def agree(self) -> bool:
        """mpmath to 1e-12, quadrature to 1e-9, Monte Carlo within six standard errors."""
        exact = {n: log_gaussian_ball_mass(n, 1.3) for n in (*self.quad, *self.mc)}
        return bool(self.worst < 1e-12
                    and all(abs(v - exact[n]) < 1e-9 for n, v in self.quad.items())
                    and all(abs(v - exact[n]) <= 6 * se for n, (v, se) in self.mc.items()))


def ball_mass_checks(rng: np.random.Generator, mc_samples: int) -> MassChecks:
    """The exact log mass of exp(-||y||^2) on the ball of radius r against 30-digit mpmath
    (n in :data:`MPMATH_DIMS`, r = 0.5, r_c, 2 r_c), quadrature of the polar-coordinate integral
    (n = 1, 2, 3, 5) and uniform Monte Carlo on the cube around the ball (n = 2, 3, 5, 8,
    ``mc_samples`` points each, drawn from ``rng`` in that order), all at r = 1.3 but mpmath."""
    worst = 0.0
    for n in MPMATH_DIMS:
        for r in (0.5, float(critical_radius(n)), 2 * float(critical_radius(n))):
            exact = log_gaussian_ball_mass_mpmath(n, r)
            worst = max(worst, abs(log_gaussian_ball_mass(n, r) - exact) / max(1.0, abs(exact)))
    quad = {n: np.log(integrate.quad(lambda t, n=n: np.exp(-t * t) * t ** (n - 1), 0, 1.3)[0]
                      * 2 * np.pi ** (n / 2) / special.gamma(n / 2))
            for n in (1, 2, 3, 5)}
    mc = {}
    for n in (2, 3, 5, 8):
        y = rng.uniform(-1.3, 1.3, size=(mc_samples, n))
        inside = (y**2).sum(1) < 1.3**2
        mc[n] = mc_log_mean(np.exp(-(y**2).sum(1)) * inside, scale=2.6**n)
    return MassChecks(worst, quad, mc)


@dataclass
class LayerPartition:
    """A layer's Z_t by Monte Carlo (Eq. 12) for patterns on a grid in the plane."""

    log_z_t: list  # Monte Carlo log Z_t, one per layer
    mc_allow: float  # six standard errors of the least precise estimate
    low: float  # log of d_t m, the bracket's lower end
    high: float  # log of d_t m + (d - d_t) d_t m_off
    printed: float  # log of Eq. 12's sum over all d balls

    def report(self) -> str:
        return ("Monte Carlo log Z_t per layer: " + ", ".join(f"{v:.3f}" for v in self.log_z_t)
                + f"; bracket [{self.low:.3f}, {self.high:.3f}]; "
                f"printed sum over all d: {self.printed:.3f}")


def layer_partition_mc(rng: np.random.Generator, mc_samples: int, n_layers: int = 4,
                       r: float = 0.9) -> LayerPartition:
    """Z_t = int_Omega exp(-g_t(x)) dx for twelve patterns on a 4 x 3 grid of spacing 2, split
    at random into ``n_layers`` layers, Omega the union of the balls of radius ``r`` around all
    twelve (Eq. 12): ``mc_samples // 4`` uniform points in each disc, g_t the distance to the
    layer's nearest pattern. The bracket is :func:`log_layer_partition_bounds` with the layer's
    patterns at distance at least 2 from the other balls' centres."""
    grid = np.array([(i, j) for i in range(4) for j in range(3)], float) * 2.0
    order = rng.permutation(len(grid))
    layers = [grid[order[k::n_layers]] for k in range(n_layers)]
    angle = rng.uniform(0, 2 * np.pi, size=(len(grid), mc_samples // 4))
    radius = r * np.sqrt(rng.uniform(size=angle.shape))
    disc = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=-1)
    points = (grid[:, None, :] + disc).reshape(-1, 2)  # uniform on Omega
    mc_z_t = [mc_log_mean(np.exp(-nearest_pattern_distance(points, layer)),
                          scale=len(grid) * np.pi * r**2) for layer in layers]
    low, high = log_layer_partition_bounds(2, r, len(grid) // n_layers, len(grid), 2.0)
    printed = float(np.log(len(grid)) + log_gaussian_ball_mass(2, r))
    return LayerPartition([v for v, _ in mc_z_t], 6 * max(se for _, se in mc_z_t),
                          float(low), float(high), printed)


def layer_partition_at_scale(cases=((1024, 8), (1024, 24), (10_000, 24)),
                             d_layer: int = 128) -> dict:
    """At the critical radius, for each (n, l) in ``cases`` and ``d_layer`` patterns a layer:
    (the width of the log bracket on Z_t, log of Eq. 12's printed sum minus the bracket's upper
    end), which is log l once the bracket has closed."""
    rows = {}
    for n, n_layers in cases:
        rc = critical_radius(n)
        lo, hi = log_layer_partition_bounds(n, rc, d_layer, d_layer * n_layers)
        printed = np.log(d_layer * n_layers) + log_gaussian_ball_mass(n, rc)
        rows[n, n_layers] = (float(hi - lo), float(printed - hi))
    return rows


@dataclass
class ClosedForm:
    """App. D.2's closed form of the ball integral, 2 pi^(n/2) gamma(n, r) / Gamma(n/2), and the
    corrected pi^(n/2) gamma(n/2, r^2) / Gamma(n/2), against the exact mass."""

    pairs: list  # the (n, r) pairs compared
    closed_err: float  # largest |log closed form - log exact|
    corrected_err: float  # largest relative error of the corrected form's log
    n1_exact: float  # the integral at n = 1, r = 1: sqrt(pi) erf(1)
    n1_closed: float  # the closed form there: 2 (1 - 1/e)


def closed_form_errors(ns) -> ClosedForm:
    """The printed and corrected closed forms on every n in ``ns`` with r = 0.25, 1, r_c, 3."""
    pairs = [(n, r) for n in ns for r in (0.25, 1.0, float(critical_radius(n)), 3.0)]
    closed_err = max(abs(log_paper_ball_mass(n, r) - log_gaussian_ball_mass(n, r))
                     for n, r in pairs)
    corrected = [0.5 * n * np.log(np.pi) + log_lower_gamma(n / 2, r**2)
                 - special.gammaln(n / 2) for n, r in pairs]
    corrected_err = max(abs(c - log_gaussian_ball_mass(n, r)) / max(1, abs(c))
                        for c, (n, r) in zip(corrected, pairs, strict=True))
    return ClosedForm(pairs, closed_err, corrected_err,
                      np.exp(log_gaussian_ball_mass(1, 1.0)), np.exp(log_paper_ball_mass(1, 1.0)))


@dataclass
class MassBoundFailures:
    """Where Section 5's bounds e^-r V_n(r) <= mass <= V_n(r) on one ball's mass fail."""

    smallest: dict  # r: the smallest n < 5000 at which e^-r V_n(r) exceeds the mass, or None
    corrected_bad: list  # violations of the corrected bounds e^(-r^2) V_n(r) <= mass <= V_n(r)
    below_one: bool  # whether the printed lower bound fails anywhere for r < 1


def mass_bound_failures(ns, radii=(1.1, 1.5, 2.0, 3.0, 7.743)) -> MassBoundFailures:
    """The smallest failing dimension of the printed lower bound for each of ``radii``; the
    corrected bounds on ``ns`` at r = 0.1, 1, 2, 50 and at r_c; the printed one at r < 1."""
    dims = np.arange(1, 5000)
    smallest = {}
    for r in radii:
        failing = dims[printed_lower_bound_fails(dims, r)]
        smallest[r] = int(failing[0]) if failing.size else None
    corrected_bad = (ball_mass_bound_violations(ns, (0.1, 1.0, 2.0, 50.0))
                     + ball_mass_bound_violations(ns, critical_radius(ns), pairwise=True))
    below_one = bool(printed_lower_bound_fails(ns, (0.1, 0.5, 0.99), pairwise=False).any())
    return MassBoundFailures(smallest, corrected_bad, below_one)


def scaled_error_bounded(zs, errors) -> bool:
    """Whether |z| times Stirling's relative error stays bounded along ``zs`` (|z| growing):
    no later value exceeds twice the first."""
    scaled = [abs(v) * e for v, e in zip(zs, errors, strict=True)]
    return max(scaled[1:]) <= 2 * scaled[0]
