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
