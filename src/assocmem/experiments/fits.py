"""Power-law fits with bootstrap intervals (N* against D, D* against N)."""

from __future__ import annotations

import numpy as np

from assocmem.validate import check_array, check_int


def power_law_fit(x, y, n_boot: int = 2000, rng: np.random.Generator | None = None,
                  level: float = 0.95) -> dict[str, float]:
    """Least-squares fit of log y = k log x + c, with a percentile bootstrap interval for k
    (resampling the points; resamples with fewer than two distinct x are skipped)."""
    x, y = check_array("x", x), check_array("y", y)
    if x.shape != y.shape or x.ndim != 1 or len(x) < 2:
        raise ValueError(f"arguments 'x' and 'y' must be 1-D of equal length >= 2; got "
                         f"{x.shape} and {y.shape}")
    if (x <= 0).any() or (y <= 0).any():
        raise ValueError("arguments 'x' and 'y' must be > 0 for a power law")
    n_boot = check_int("n_boot", n_boot, low=1)
    rng = rng or np.random.default_rng(0)
    lx, ly = np.log(x), np.log(y)
    k, c = np.polyfit(lx, ly, 1)
    slopes = []
    for _ in range(n_boot):
        idx = rng.integers(len(x), size=len(x))
        if len(np.unique(lx[idx])) >= 2:
            slopes.append(np.polyfit(lx[idx], ly[idx], 1)[0])
    lo, hi = np.quantile(slopes, [(1 - level) / 2, (1 + level) / 2])
    return {"k": float(k), "log_c": float(c), "low": float(lo), "high": float(hi),
            "resamples": len(slopes)}


def bracketed_power_law_fit(x, low, high, groups, n_boot: int = 2000,
                            rng: np.random.Generator | None = None,
                            level: float = 0.95) -> dict[str, float]:
    """The exponent k of y ~ x^k where each y is known only to lie in (low, high] (a threshold
    found on a ladder: ``high`` passes, ``low`` the rung below fails) and each point belongs to
    a group (a seed). The estimate fits log y at the bracket's geometric midpoint, averaged over
    the groups at each x; the percentile bootstrap resamples the groups with replacement and
    draws each point's log y uniformly within its bracket, so that the interval carries both the
    spread between seeds and the ladder's resolution. Resamples with fewer than two distinct x
    are skipped."""
    x, low, high = (check_array(name, v) for name, v in
                    (("x", x), ("low", low), ("high", high)))
    groups = np.asarray(groups)
    if not (x.shape == low.shape == high.shape == groups.shape) or x.ndim != 1 or len(x) < 2:
        raise ValueError(f"arguments 'x', 'low', 'high' and 'groups' must be 1-D of equal length "
                         f">= 2; got {x.shape}, {low.shape}, {high.shape} and {groups.shape}")
    if (x <= 0).any() or (low <= 0).any() or (high < low).any():
        raise ValueError("arguments 'x' and 'low' must be > 0 and 'high' >= 'low'")
    n_boot = check_int("n_boot", n_boot, low=1)
    rng = rng or np.random.default_rng(0)
    lx, llo, lhi = np.log(x), np.log(low), np.log(high)
    names = np.unique(groups)

    def fit(ly: np.ndarray, weights: np.ndarray) -> np.ndarray | None:
        """(k, c) of the least-squares line through the weighted mean log y at each x."""
        xs = np.unique(lx[weights > 0])
        if len(xs) < 2:
            return None
        means = [np.average(ly[lx == v], weights=weights[lx == v]) for v in xs]
        return np.polyfit(xs, means, 1)

    k, c = fit((llo + lhi) / 2, np.ones_like(lx))
    slopes = []
    for _ in range(n_boot):
        counts = dict(zip(*np.unique(rng.choice(names, size=len(names)), return_counts=True),
                          strict=True))
        weights = np.array([counts.get(g, 0) for g in groups], dtype=float)
        fitted = fit(rng.uniform(llo, lhi), weights)
        if fitted is not None:
            slopes.append(fitted[0])
    lo, hi = np.quantile(slopes, [(1 - level) / 2, (1 + level) / 2])
    return {"k": float(k), "log_c": float(c), "low": float(lo), "high": float(hi),
            "resamples": len(slopes)}
