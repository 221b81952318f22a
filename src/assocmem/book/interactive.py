"""Interactive figures: computed in Python by the package, explored in the reader's browser.

A figure here is a plotly figure whose frames are precomputed (one per value of a slider), so
that the browser only switches between numbers the package computed; nothing is recomputed in
JavaScript. The built book serves plotly's JavaScript itself (``PLOTLY_JS``, copied beside the
pages by :func:`assocmem.book.build.stage`), never from a CDN, and never through the theme's
``_static`` folder, whose scripts it would load on every page.
"""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from assocmem.theory.energy import distance_energy, mchn_energy, nearest_pattern_distance

# Where the built site serves plotly.js, relative to its root; a chapter page in notebooks/
# refers to it as ../PLOTLY_JS.
PLOTLY_JS = "plotly/plotly.min.js"
PALETTE = ("#000000", "#0072B2", "#E69F00", "#D55E00")  # Okabe-Ito, as notebooks/matplotlibrc


def _rounded(values: np.ndarray) -> list:
    return np.round(np.asarray(values, dtype=float), 3).tolist()


def beta_landscapes(patterns_2d, patterns_1d, betas, *, extent: float = 3.0, steps: int = 61,
                    line=(-3.5, 2.5), line_steps: int = 301) -> go.Figure:
    """Figure 1 with a slider for the inverse temperature beta of the MCHN energy.

    Three panels: the proposed energy :func:`~assocmem.theory.energy.distance_energy` (Eq. 4,
    which has no beta) over the plane of the 2-D patterns; the MCHN energy
    :func:`~assocmem.theory.energy.mchn_energy` at the slider's beta over the same plane; and the
    1-D panel with g(x) (Eq. 3), E(x) and the MCHN energy at that beta. One frame per value of
    ``betas`` (each computed here); the slider starts at the value closest to 1.
    """
    patterns_2d = np.asarray(patterns_2d, dtype=float)
    patterns_1d = np.asarray(patterns_1d, dtype=float)
    betas = np.asarray(betas, dtype=float)
    if patterns_2d.ndim != 2 or patterns_2d.shape[1] != 2 or len(patterns_2d) < 1:
        raise ValueError(f"argument 'patterns_2d' must have shape (d, 2); got "
                         f"{patterns_2d.shape}")
    if patterns_1d.ndim != 2 or patterns_1d.shape[1] != 1 or len(patterns_1d) < 1:
        raise ValueError(f"argument 'patterns_1d' must have shape (d, 1); got "
                         f"{patterns_1d.shape}")
    if betas.ndim != 1 or len(betas) < 2 or not np.all(np.isfinite(betas)) \
            or not np.all(betas > 0):
        raise ValueError(f"argument 'betas' must be at least two positive finite values; got "
                         f"{betas.tolist()}")
    if not (np.isfinite(extent) and extent > 0):
        raise ValueError(f"argument 'extent' must be positive; got {extent!r}")
    if not 11 <= steps <= 401 or not 51 <= line_steps <= 5001:
        raise ValueError(f"arguments 'steps' (11-401) and 'line_steps' (51-5001) out of range; "
                         f"got {steps}, {line_steps}")

    grid = np.linspace(-extent, extent, steps)
    plane = np.stack(np.meshgrid(grid, grid), axis=-1).reshape(-1, 2)
    xs = np.linspace(*line, line_steps)[:, None]

    def mchn_traces(beta: float) -> list:
        return [
            go.Contour(x=grid, y=grid, z=_rounded(mchn_energy(plane, patterns_2d, beta)
                                                  .reshape(steps, steps)),
                       colorscale="Viridis", ncontours=30, showscale=False,
                       hovertemplate="x=(%{x:.2f}, %{y:.2f})<br>E_MCHN=%{z:.3f}<extra></extra>"),
            go.Scatter(x=xs[:, 0], y=_rounded(mchn_energy(xs, patterns_1d, beta)),
                       mode="lines", line={"color": PALETTE[2], "width": 2.5},
                       name=f"E_MCHN, beta = {beta:.3g}"),
        ]

    start = int(np.argmin(np.abs(np.log(betas))))
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.07, subplot_titles=(
        "proposed E(x), Eq. 4", "MCHN energy at the slider's beta", "one dimension"))
    fig.add_trace(go.Contour(x=grid, y=grid, z=_rounded(distance_energy(plane, patterns_2d)
                                                        .reshape(steps, steps)),
                             colorscale="Viridis", ncontours=30, showscale=False,
                             hovertemplate="x=(%{x:.2f}, %{y:.2f})<br>E=%{z:.3f}<extra></extra>"),
                  row=1, col=1)
    moving = mchn_traces(betas[start])
    fig.add_trace(moving[0], row=1, col=2)
    fig.add_trace(go.Scatter(x=xs[:, 0], y=_rounded(nearest_pattern_distance(xs, patterns_1d)),
                             mode="lines", line={"color": PALETTE[0], "dash": "dash", "width": 1},
                             name="g(x), Eq. 3"), row=1, col=3)
    fig.add_trace(go.Scatter(x=xs[:, 0], y=_rounded(distance_energy(xs, patterns_1d)),
                             mode="lines", line={"color": PALETTE[1], "width": 2.5},
                             name="E(x), Eq. 4"), row=1, col=3)
    fig.add_trace(moving[1], row=1, col=3)
    for col in (1, 2):
        fig.add_trace(go.Scatter(x=patterns_2d[:, 0], y=patterns_2d[:, 1], mode="markers",
                                 marker={"color": PALETTE[3], "symbol": "x", "size": 9},
                                 name="patterns", showlegend=col == 1), row=1, col=col)
    fig.add_trace(go.Scatter(x=patterns_1d[:, 0], y=np.zeros(len(patterns_1d)), mode="markers",
                             marker={"color": PALETTE[3], "symbol": "x", "size": 9},
                             name="patterns", showlegend=False), row=1, col=3)
    moving_index = [1, 4]  # the MCHN contour and the MCHN line
    fig.frames = [go.Frame(name=f"{b:.3g}", data=mchn_traces(b), traces=moving_index)
                  for b in betas]
    fig.update_layout(
        template="plotly_white", paper_bgcolor="white", plot_bgcolor="white", height=430,
        margin={"l": 40, "r": 10, "t": 40, "b": 10},
        legend={"x": 0.72, "y": 0.99, "xanchor": "left", "yanchor": "top", "font": {"size": 10},
                "bgcolor": "rgba(255, 255, 255, 0.85)"},
        sliders=[{
            "active": start, "currentvalue": {"prefix": "beta = "}, "pad": {"t": 40},
            "steps": [{"label": f"{b:.3g}", "method": "animate",
                       "args": [[f"{b:.3g}"], {"mode": "immediate", "frame": {
                           "duration": 0, "redraw": True}, "transition": {"duration": 0}}]}
                      for b in betas]}])
    fig.update_xaxes(range=[-extent, extent], row=1, col=1)
    fig.update_xaxes(range=[-extent, extent], row=1, col=2)
    fig.update_yaxes(range=[-extent, extent], scaleanchor="x", row=1, col=1)
    fig.update_yaxes(range=[-extent, extent], scaleanchor="x2", row=1, col=2)
    fig.update_yaxes(range=[-1.5, 6], row=1, col=3)
    fig.update_xaxes(title_text="x", row=1, col=3)
    return fig


class Interactive:
    """A plotly figure as a notebook output: in the built book, HTML that loads the plotly.js
    the site serves (no network); in JupyterLab, plotly's own renderer. ``alt`` describes the
    figure for readers who cannot see it (the container's aria-label)."""

    def __init__(self, fig: go.Figure, alt: str, div_id: str):
        if len(alt.split()) < 12:
            raise ValueError(f"argument 'alt' must describe the figure in at least 12 words; "
                             f"got {alt!r}")
        self.fig, self.alt, self.div_id = fig, alt, div_id

    def html(self) -> str:
        body = self.fig.to_html(full_html=False, include_plotlyjs=f"../{PLOTLY_JS}",
                                auto_play=False, div_id=self.div_id,
                                config={"responsive": True, "displayModeBar": False})
        alt = self.alt.replace("&", "&amp;").replace('"', "&quot;")
        return (f'<div class="interactive-figure" role="img" aria-label="{alt}" '
                f'data-figure="{self.div_id}">{body}</div>')

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html(),
                "application/vnd.plotly.v1+json": json.loads(self.fig.to_json()),
                "text/plain": f"<interactive figure: {self.alt}>"}
