"""Small plotting helpers shared by the chapters (matplotlib, no styling framework)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def slack_histogram(ax: plt.Axes, slacks: dict[str, np.ndarray], *, title: str,
                    xlabel: str, bins: int = 60) -> None:
    """Overlaid histograms of normalized slacks; each array should lie in [0, 1] if a bound holds.

    Dashed lines mark 0 and 1, the edges where a bound is attained; anything beyond them is a
    violation and is visible at a glance.
    """
    for label, values in slacks.items():
        values = np.asarray(values, dtype=float)
        ax.hist(values, bins=bins, range=(-0.05, 1.05), alpha=0.55, label=label, density=True)
    for edge in (0.0, 1.0):
        ax.axvline(edge, color="k", ls="--", lw=0.8)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_yscale("log")
    ax.legend(fontsize=8)


def energy_contours(ax: plt.Axes, energy, patterns: np.ndarray, *, title: str,
                    extent: float = 3.0, steps: int = 161) -> None:
    """Filled contours of a 2-D energy ``energy(points) -> values`` with the patterns marked."""
    grid = np.linspace(-extent, extent, steps)
    xx, yy = np.meshgrid(grid, grid)
    values = energy(np.stack([xx, yy], axis=-1).reshape(-1, 2)).reshape(xx.shape)
    filled = ax.contourf(xx, yy, values, levels=30, cmap="viridis")
    ax.contour(xx, yy, values, levels=12, colors="white", linewidths=0.4, alpha=0.6)
    ax.scatter(patterns[:, 0], patterns[:, 1], c="red", s=25, marker="x", label="patterns")
    ax.set_title(title, fontsize=9)
    ax.set_aspect("equal")
    plt.colorbar(filled, ax=ax, shrink=0.8)
