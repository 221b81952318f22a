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


def mse_by_size(ax: plt.Axes, grid, sigma2: float) -> None:
    """Table 3's MSE against the training tokens for one archived grid
    (:class:`assocmem.experiments.openelm_scaling.GridEvidence`): each seed a dot, the mean over
    seeds a line, a cell with a censored run a cross, sigma^2 dashed."""
    if len(grid.seeds) < 2:
        ax.set_title(f"{grid.preset.name}: fewer than two complete seeds")
        return
    sizes = grid.preset.sizes
    for color, model in zip(["C0", "C1", "C2"], grid.preset.models, strict=False):
        cells = [[grid.crit[model, d, s] for s in grid.seeds] for d in sizes]
        for s in range(len(grid.seeds)):
            ax.plot(sizes, [c[s].mse for c in cells], ".", color=color, alpha=0.4)
        mean = [np.mean([c.mse for c in cell]) for cell in cells]
        ax.plot(sizes, mean, "-", color=color, label=f"{model}: N = {grid.n_params[model]:,}")
        late = [(d, m) for d, m, cell in zip(sizes, mean, cells, strict=True)
                if any(c.censored for c in cell)]
        if late:
            ax.plot(*zip(*late, strict=True), "x", color=color, ms=8)
    ax.axhline(sigma2, color="k", ls="--", lw=1)
    ax.set(xscale="log", yscale="log", xlabel="training tokens D",
           title=f"{grid.preset.name}: {len(grid.seeds)} seeds (x: censored)")
    ax.legend(fontsize=8)
