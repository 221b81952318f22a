"""Plotting helpers shared by the chapters.

Statistical figures (spreads over seeds, curves of several runs) are drawn with seaborn, whose
colour-blind-safe theme is set here, once, when the module is imported; the mathematical figures
(energy landscapes, slacks of a bound) stay plain matplotlib.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

sns.set_theme(context="notebook", style="whitegrid", palette="colorblind")


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
    frame = pd.DataFrame([
        {"model": f"{m}: N = {grid.n_params[m]:,}", "D": d, "seed": s,
         "mse": grid.crit[m, d, s].mse, "censored": grid.crit[m, d, s].censored}
        for m in grid.preset.models for d in grid.preset.sizes for s in grid.seeds])
    sns.scatterplot(frame, x="D", y="mse", hue="model", alpha=0.4, s=15, legend=False, ax=ax)
    sns.lineplot(frame, x="D", y="mse", hue="model", errorbar=None, ax=ax)
    late = frame.groupby(["model", "D"], sort=False).agg(mse=("mse", "mean"),
                                                         censored=("censored", "any"))
    late = late[late.censored].reset_index()
    if len(late):
        sns.scatterplot(late, x="D", y="mse", hue="model", marker="X", s=70, legend=False,
                        ax=ax)
    ax.axhline(sigma2, color="k", ls="--", lw=1)
    ax.set(xscale="log", yscale="log", xlabel="training tokens D",
           title=f"{grid.preset.name}: {len(grid.seeds)} seeds (x: censored)")
    ax.legend(fontsize=8)


def seed_curves(curves: list[list[dict]], minima: list[float], *, title: str,
                every: int = 5) -> plt.Figure:
    """The runs of several seeds side by side (App. F.2's Figure 3): on the left the training
    loss (dots, every ``every``-th step) and the validation loss (squares) of each seed against
    the step, on the right the validation losses near their minima (``minima``, one per seed,
    dashed), the axis labelled at the lowest and highest minimum. ``curves``: each seed's
    metric rows (``step``, ``train_loss``, ``val_loss`` where validated)."""
    rows = pd.DataFrame([{**r, "seed": f"seed {s}"} for s, run in enumerate(curves)
                         for r in run])
    val = rows.dropna(subset=["val_loss"]) if "val_loss" in rows else rows.iloc[:0]
    fig, (ax, zoom) = plt.subplots(1, 2, figsize=(12, 4.5))
    sns.scatterplot(rows.iloc[::every], x="step", y="train_loss", hue="seed", s=6, alpha=0.6,
                    linewidth=0, legend=False, ax=ax)
    colors = sns.color_palette(n_colors=len(curves))
    for axis in (ax, zoom):
        sns.lineplot(val, x="step", y="val_loss", hue="seed", marker="s", markersize=4, lw=0.8,
                     legend=axis is zoom, ax=axis)
        for color, low in zip(colors, minima, strict=True):
            axis.axhline(low, ls="--", lw=0.8, color=color)
    low, high = min(minima), max(minima)
    zoom.set(ylim=(low - 0.05, high + 0.15), yticks=[low, high],
             yticklabels=[f"{low:.3f}", f"{high:.3f}"], ylabel="",
             title="validation near the minima (dashed)")
    ax.set(title=title, ylabel="cross-entropy (nats/token)")
    zoom.legend(fontsize=8)
    fig.tight_layout()
    return fig


def appendix_c_slacks(lemma1: np.ndarray, lemma2: np.ndarray, lemma3: np.ndarray,
                      lemma4: np.ndarray) -> plt.Figure:
    """Chapter 1's figure: the normalized slack of each of Appendix C's Lemmas 1-4, one
    :func:`slack_histogram` panel per lemma (a bound holds where every value lies in [0, 1])."""
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), constrained_layout=True)
    slack_histogram(axes[0, 0], {"random pairs": lemma1}, title="Lemma 1 (convexity)",
                    xlabel=r"gap / $2t(1-t)\|x-y\|_\infty$")
    slack_histogram(axes[0, 1], {"random vectors": lemma2}, title="Lemma 2",
                    xlabel=r"(LogSumExp$(x) - \max_i x_i$) / $\log n$")
    slack_histogram(axes[1, 0], {"random + adversarial": lemma3}, title="Lemma 3",
                    xlabel=r"($\min_i x_i$ + LogSumExp$(-x)$) / $\log n$")
    slack_histogram(axes[1, 1], {"perturbed and unrelated pairs": lemma4},
                    title="Lemma 4 (Lipschitz)",
                    xlabel=r"$|\Delta$LogSumExp$|$ / $\|x-y\|_\infty$")
    return fig


def partition_bounds(ns, upper, printed_low, exact, corrected_low) -> plt.Figure:
    """Eq. 13 per pattern (chapter 05): log(Z_t / d) at the critical radius against the
    dimension n, exact (dots) between the upper bound V_n(r_c) (dashed) and the printed and
    corrected lower bounds, V_n(r_c) e^(-r_c) and V_n(r_c) e^(-r_c^2); symlog axes."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.plot(ns, upper, "k--", label=r"upper: $V_n(r_c)$")
    ax.plot(ns, printed_low, color="C3", label=r"printed lower: $V_n(r_c)e^{-r_c}$")
    ax.plot(ns, exact, "o", ms=3, color="C0", label=r"exact $Z_t/d$")
    ax.plot(ns, corrected_low, color="C2", label=r"corrected lower: $V_n(r_c)e^{-r_c^2}$")
    ax.set(xlabel="n", ylabel=r"$\log(Z_t / d)$")
    ax.set_xscale("symlog", linthresh=10)
    ax.set_yscale("symlog", linthresh=1)
    ax.legend()
    return fig


def memorization_ladder(outcomes, fit: dict, *, title: str) -> plt.Figure:
    """Chapter 12's live ladder: every run's size N against its number of patterns d (log-log),
    memorizing runs as green dots and failing runs as red crosses (seaborn), the fitted power law
    N* ~ d^k (``fit`` with ``k``, ``log_c``, ``low``, ``high`` and the fitted ``d`` and ``n``)
    and the slope 2 of Prop. 5 through the first fitted point."""
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    frame = pd.DataFrame({"d": [o.d for o in outcomes], "N": [o.n_params for o in outcomes],
                          "memorized": [bool(o.memorized) for o in outcomes]})
    sns.scatterplot(frame, x="d", y="N", hue="memorized", style="memorized", ax=ax, s=40,
                    palette={True: "C2", False: "C3"}, markers={True: "o", False: "X"},
                    legend=False)
    ds, ns = fit["d"], fit["n"]
    grid = np.geomspace(ds[0], ds[-1], 50)
    ax.plot(grid, np.exp(fit["log_c"]) * grid ** fit["k"], "k-",
            label=f"fit: N* ~ d^{fit['k']:.2f}  [{fit['low']:.2f}, {fit['high']:.2f}]")
    ax.plot(grid, ns[0] * (grid / ds[0]) ** 2, "k:",
            label="k = 2 (Prop. 5), through the first point")
    ax.set(xscale="log", yscale="log", xlabel="patterns d (D = T d tokens)", ylabel="parameters N",
           title=title)
    ax.legend(fontsize=8)
    return fig


def threshold_brackets(rows, fits: dict, *, title: str) -> plt.Figure:
    """Chapter 12's archived thresholds: for the smallest memorizing (left) and the smallest
    loss-saturating N (right), each walk's bracket from the failing to the passing rung as a
    vertical bar against d (log-log), coloured by seed and faded where not bracketed, with the
    fitted power law of ``fits[criterion]`` and the slopes 1 and 2 from its first point."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    for ax, criterion in zip(axes, ("memorized", "saturated"), strict=True):
        for r in (r for r in rows if r.criterion == criterion):
            x = r.d * (1 + 0.06 * (r.seed - 1))
            low = r.n_below if r.n_below else r.n_star / 2
            ax.plot([x, x], [low, r.n_star], "-", color=f"C{r.seed}",
                    alpha=1 if r.bracketed else 0.35, lw=2)
            ax.scatter(x, r.n_star, color=f"C{r.seed}", s=12)
        f = fits.get(criterion)
        if f:
            grid = np.geomspace(f["d"][0], f["d"][-1], 50)
            ax.plot(grid, np.exp(f["log_c"]) * grid ** f["k"], "k-",
                    label=f"fit: k = {f['k']:.2f} [{f['low']:.2f}, {f['high']:.2f}]")
            anchor = np.exp(f["log_c"]) * grid[0] ** f["k"]
            for k, style in ((1, "k--"), (2, "k:")):
                ax.plot(grid, anchor * (grid / grid[0]) ** k, style, label=f"k = {k}")
            ax.legend(fontsize=8)
        ax.set(xscale="log", yscale="log", xlabel="patterns d (D = T d tokens)",
               title="smallest memorizing N" if criterion == "memorized"
               else "smallest loss-saturating N (Prop. 5's)")
    axes[0].set_ylabel("parameters N (bar: failing rung to passing rung)")
    fig.suptitle(title)
    return fig


def energy_panels(panels: dict, patterns: np.ndarray, *, steps: int = 161) -> plt.Figure:
    """One :func:`energy_contours` panel per ``title -> energy`` of ``panels``, side by side over
    the same 2-D patterns (Figure 1, left, of the paper)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 3.8),
                             constrained_layout=True)
    for ax, (title, energy) in zip(np.atleast_1d(axes), panels.items(), strict=True):
        energy_contours(ax, energy, patterns, title=title, steps=steps)
    return fig


def energy_curves(x: np.ndarray, curves: dict, patterns: np.ndarray, *,
                  ylim: tuple[float, float] | None = None) -> plt.Figure:
    """One-dimensional energies against ``x`` (Figure 1, right): ``curves`` maps a label to
    ``(values, style)``, ``style`` a dict of matplotlib line keywords; the 1-D patterns are
    marked in red on the axis."""
    fig, ax = plt.subplots(figsize=(8, 4))
    for label, (values, style) in curves.items():
        ax.plot(x, values, label=label, **style)
    patterns = np.ravel(patterns)
    ax.scatter(patterns, np.zeros(len(patterns)), color="red", zorder=3, label="patterns")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("$x$")
    ax.legend()
    return fig


def recall_curves(sizes, rates: dict, n: int) -> plt.Figure:
    """Exact-recall rate against patterns per bit ``d / n`` on a log axis, one curve per model
    of ``rates`` (``model -> rate at each of sizes``), with Amit et al.'s 0.138 n dotted."""
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for model, values in rates.items():
        ax.plot(np.asarray(sizes) / n, values, "o-", label=model)
    ax.axvline(0.138, color="gray", ls=":", label="0.138 n (Amit et al.)")
    ax.set_xscale("log")
    ax.set_xlabel("patterns per bit, d / n")
    ax.set_ylabel("exact recall from 10% noise")
    ax.legend()
    return fig


def balance_routes(ns, log_d_paper, log_d_exact) -> plt.Figure:
    """Proposition 5's balance Z_t = 1 (chapter 07): the dimension n against log10 of the number
    of patterns d, along the paper's route d V_n(r_c) = 1 and with the exact mass."""
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.semilogy(log_d_paper / np.log(10), ns, label=r"paper's route: $d\,V_n(r_c) = 1$")
    ax.semilogy(log_d_exact / np.log(10), ns, label=r"exact: $d\,\pi^{n/2}P(n/2, r_c^2) = 1$")
    ax.set_xscale("symlog", linthresh=10)
    ax.set_xlabel(r"$\log_{10}$ of the number of patterns d (data size, D ~ T d)")
    ax.set_ylabel("dimension n (model size, N ~ n)")
    ax.legend()
    return fig


def proposition_slacks(prop1: np.ndarray, prop2: np.ndarray, prop3: np.ndarray) -> plt.Figure:
    """Chapter 3's figure: the normalized slack of Propositions 1, 2 (one-sided) and 3
    (corrected), one :func:`slack_histogram` panel each."""
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8), constrained_layout=True)
    slack_histogram(axes[0], {"random queries": prop1}, title="Proposition 1",
                    xlabel=r"$(g - E) / \log d$")
    slack_histogram(axes[1], {"random queries": prop2}, title="Proposition 2 (one-sided)",
                    xlabel=r"$-(E - 2E_{\mathrm{MCHN}} + \log d) / \Delta$")
    slack_histogram(axes[2], {"random queries": prop3}, title="Proposition 3 (corrected)",
                    xlabel=r"$-(g - 2E_{\mathrm{MCHN}}) / (\Delta + \log d)$")
    return fig


def nn_histograms(nn: dict, d_emb: int) -> plt.Figure:
    """Section 6.1's distances (chapter 08): a step histogram of the nearest-neighbour distances
    within each fraction of the vectors (``nn``: fraction -> distances), with Eq. 13's
    sqrt(d/2 pi e) (dotted) and twice it (dashed) for n = d_emb."""
    from assocmem.theory.partition import critical_radius

    fig, ax = plt.subplots(figsize=(8, 4.2))
    for f, dist in nn.items():
        sns.histplot(x=dist, bins=60, element="step", fill=False, lw=1.5, ax=ax,
                     label=f"{f:.0%}: mean {dist.mean():.2f}, median {np.median(dist):.2f}")
    radius = float(critical_radius(d_emb))
    for r, style, label in ((radius, ":", r"$\sqrt{n/2\pi e}$"),
                            (2 * radius, "--", r"$2\sqrt{n/2\pi e}$")):
        ax.axvline(r, color="k", ls=style, label=f"{label}, n = d_emb = {d_emb}: {r:.2f}")
    ax.set(xlabel="distance to the nearest other activation", ylabel="count")
    ax.legend(fontsize=8)
    return fig


def width_medians(causal: dict, slopes: dict, d_emb: int, median: float) -> plt.Figure:
    """Chapter 08's causal models: the median nearest-neighbour distance against the width on
    log-log axes, after and before the final norm, absolute and scale-free (``causal``:
    {where: [summary]}, ``slopes``: {(where, key): k}), beside 2 sqrt(d/2 pi e) (slope 1/2) and
    MiniLM's ``median`` at ``d_emb``."""
    from assocmem.theory.partition import critical_radius

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for ((where, key), k), marker in zip(slopes.items(), "os^v", strict=False):
        pts = causal[where]
        ys = [s["median"] / (1 if key == "median" else s["rms"]) for s in pts]
        label = "absolute" if key == "median" else "scale-free (unit RMS)"
        ax.plot([s["d"] for s in pts], ys, marker + "-",
                label=f"causal, {where} norm, {label}: slope {k:.2f}")
    grid = np.geomspace(12, 2 * d_emb, 50)
    ax.plot(grid, 2 * critical_radius(grid), "k--", lw=1, label=r"$2\sqrt{d/2\pi e}$ (slope 1/2)")
    ax.plot([d_emb], [median], "k*", ms=10, label=f"MiniLM (encoder), after norm: {median:.2f}")
    ax.set(xscale="log", yscale="log", xlabel="$d_{emb}$",
           ylabel="median distance to the nearest activation")
    ax.legend(fontsize=7)
    return fig


def family_medians(scores: dict, widths, seeds) -> plt.Figure:
    """Chapter 08's archived family: the median nearest-neighbour distance against the width,
    one line per seed, after and before the final norm (``scores``: {(width, seed): {"after",
    "before"}}), the matched Gaussian's mean over the seeds dotted, and 2 sqrt(d/2 pi e)."""
    from assocmem.theory.partition import critical_radius

    frame = pd.DataFrame([{"d": w, "seed": s, "where": f"{where} the final norm",
                           "median": scores[w, s][where]["median"],
                           "gauss": scores[w, s][where]["gauss_median"]}
                          for where in ("after", "before") for s in seeds for w in widths])
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    sns.lineplot(frame, x="d", y="median", hue="where", units="seed", estimator=None,
                 style="where", markers=["o", "s"], dashes=False, alpha=0.7, ax=ax)
    gauss = frame.groupby(["where", "d"], as_index=False)["gauss"].mean()
    for (where, rows), color, marker in zip(gauss.groupby("where"), ("C0", "C1"), "os",
                                            strict=True):
        ax.plot(rows["d"], rows["gauss"], marker, mfc="none", color=color, ls=":",
                label=f"matched Gaussian, {where.split()[0]}")
    grid = np.geomspace(widths[0], widths[-1], 50)
    ax.plot(grid, 2 * critical_radius(grid), "k--", lw=1, label=r"$2\sqrt{d/2\pi e}$ (slope 1/2)")
    ax.set(xscale="log", yscale="log", xlabel="$d_{emb}$",
           ylabel="median distance to the nearest activation",
           title=f"archived family, seeds {list(seeds)}")
    ax.legend(fontsize=8)
    return fig


def training_curves(curves: dict, crit: dict, models, sizes, n_params: dict) -> plt.Figure:
    """Figure 4 of the live grid (chapter 10): one panel per model, the training loss of each
    step as a thin line and the validation loss as dots, coloured by data size, each run's
    validation minimum marked by a black cross. ``curves`` and ``crit`` are keyed by
    (model, D): the logged rows and the :class:`~assocmem.experiments.openelm_scaling.Criterion`."""
    fig, axes = plt.subplots(1, len(models), figsize=(13, 4.2), sharey=True)
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(sizes)))
    for ax, name in zip(np.atleast_1d(axes), models, strict=True):
        for color, d in zip(colors, sizes, strict=True):
            rows, c = curves[name, d], crit[name, d]
            ax.plot([r["step"] for r in rows], [r["train_loss"] for r in rows], color=color,
                    lw=0.6, alpha=0.7)
            val = [(r["step"], r["val_loss"]) for r in rows if "val_loss" in r]
            ax.plot(*zip(*val, strict=True), "o", ms=2.5, color=color, label=f"D = {d:,}")
            ax.plot(c.step_min, c.val_min, "x", color="k", ms=6)
        ax.set_title(f"{name}: N = {n_params[name]:,}")
        ax.set_xlabel("step")
    axes = np.atleast_1d(axes)
    axes[0].set_ylabel("cross-entropy (nats/token)")
    axes[-1].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def criterion_window(rows: list[dict], c, *, title: str) -> plt.Figure:
    """Figure 2, bottom right (chapter 10): one run's training and validation loss against the
    step, its minimal validation loss L_min dashed and Table 3's MSE window shaded (``c``: the
    run's :class:`~assocmem.experiments.openelm_scaling.Criterion`)."""
    fig, ax = plt.subplots(figsize=(7.5, 4))
    ax.plot([r["step"] for r in rows], [r["train_loss"] for r in rows], lw=0.8,
            label="training")
    val = [(r["step"], r["val_loss"]) for r in rows if "val_loss" in r]
    ax.plot(*zip(*val, strict=True), "s-", ms=3, label="validation")
    ax.axhline(c.val_min, ls="--", color="k", lw=1, label=f"$L_{{\\min}}$ = {c.val_min:.3f}")
    ax.axvspan(c.window[0], c.window[-1], color="C1", alpha=0.15,
               label=f"MSE window: {c.mse:.3f}")
    ax.set(xlabel="step", ylabel="cross-entropy (nats/token)", title=title)
    ax.legend(fontsize=8)
    return fig


def depth_losses(metrics: dict[int, list[dict]], floor: float) -> plt.Figure:
    """Figure 2, bottom left (chapter 09): the training loss (lines) and validation loss
    (squares) of each depth's run (``metrics``: {layers: metric rows}) against the step, with
    the paper's L = 1 (dotted) and the data's entropy ``floor`` (dashed)."""
    rows = pd.DataFrame([{**r, "layers": f"{d} layers"} for d, run in metrics.items()
                         for r in run])
    fig, ax = plt.subplots(figsize=(8, 4.2))
    sns.lineplot(rows, x="step", y="train_loss", hue="layers", lw=1, ax=ax)
    if "val_loss" in rows:
        sns.scatterplot(rows.dropna(subset=["val_loss"]), x="step", y="val_loss", hue="layers",
                        marker="s", s=20, legend=False, ax=ax)
    ax.axhline(1.0, color="k", ls=":", lw=1, label="L = 1 (the paper's plateau; Prop. 4)")
    ax.axhline(floor, color="C3", ls="--", lw=1, label=f"entropy of the data ({floor:.3f})")
    ax.set(xlabel="step", ylabel="cross-entropy (nats/token)", ylim=(0.5, 4.5))
    ax.legend(fontsize=8, title="training (lines), validation (squares)", title_fontsize=8)
    return fig


def seed_losses(metrics: dict[tuple[int, int], list[dict]], floor: float, *, title: str,
                window: int = 10) -> plt.Figure:
    """Chapter 09's archived runs: each (depth, seed) run's training loss (``metrics``: {(depth,
    seed): metric rows}), its running mean over ``window`` logged rows, one line per seed
    coloured by depth, with L = 1 (dotted) and the data's entropy ``floor`` (dashed)."""
    frames = []
    for (depth, seed), rows in sorted(metrics.items()):
        frame = pd.DataFrame(rows)[["step", "train_loss"]]
        frame["smooth"] = frame["train_loss"].rolling(window).mean()
        frames.append(frame.dropna(subset=["smooth"]).assign(layers=f"{depth} layers",
                                                             seed=seed))
    fig, ax = plt.subplots(figsize=(8, 4.2))
    sns.lineplot(pd.concat(frames), x="step", y="smooth", hue="layers", units="seed",
                 estimator=None, lw=1, ax=ax)
    ax.axhline(1.0, color="k", ls=":", lw=1, label="L = 1")
    ax.axhline(floor, color="C3", ls="--", lw=1, label=f"entropy ({floor:.3f})")
    ax.set(xlabel="step", ylabel=f"training loss, {window}-row mean (nats/token)",
           ylim=(0.9, 1.6), title=title)
    ax.legend(fontsize=8)
    return fig


def retrieval_errors(results: dict) -> plt.Figure:
    """The median distance of a stack's state to its target pattern, divided by the patterns'
    minimum distance, after each layer, one line per pattern set
    (:func:`assocmem.theory.layered.spread_sweep`'s ``results``)."""
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for min_dist, error in results.values():
        ax.semilogy(np.median(error, axis=1) + 1e-17, "o-", label=f"min distance {min_dist:.1f}")
    ax.set(xlabel="layer", ylabel="median distance to target / min distance")
    ax.legend()
    return fig

