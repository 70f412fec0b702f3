"""The figure of the symbolic f(x) demo, drawn from a run's plain data: two panels, each its
own image (f with the iterates; the slope per iteration), so that a page can put them in
columns that stack on a phone. Each is PANEL_WIDTH inches wide with no text under
MIN_FONT points: legible in a phone's 358 px column (see :mod:`gd_app.plotting.fit`).
Each panel is drawn in two layers, the static one kept as pixels
(:mod:`gd_app.plotting.symbolic_panels`), so an animation's frames draw only the iterates."""

from __future__ import annotations

import contextlib
import math

import numpy as np
from matplotlib.figure import Figure

from gd_app.plotting.common import (
    ORANGE,
    SKY,
    Rendered,
    apply_theme,
    axes,
    draw_over,
    dynamic_figure,
    new_figure,
    revealed,
)
from gd_app.plotting.symbolic_panels import (
    MIN_FONT as MIN_FONT,  # the panels' smallest text, for the tests
)
from gd_app.plotting.symbolic_panels import (
    PANEL_HEIGHT,
    PANEL_WIDTH,
    SLOPE_HEIGHT,
    CurveLayer,
    SlopeLayer,
    SymbolicPanel,
    curve,
    curve_static,
    curve_window,
    slope_static,
    slope_view,
    static_pixels,
)
from gd_app.plotting.symbolic_panels import curve_view as partial_curve_view
from gd_core.symbolic_run import SymbolicRun
from gd_core.verdict import Outcome
from gd_core.verdict import point1d as ep

# What the end point is, as the legend and the marker say it (see gd_core.verdict.point1d).
END_LABELS = {
    ep.MINIMUM: ("stopped next to a minimum", "*"),
    ep.MAXIMUM: ("stopped at a maximum", "v"),
    ep.INFLECTION: ("stopped near a flat inflection", "D"),
    ep.FALLING: ("stopped on a slope (f still falls)", "X"),
    ep.UNKNOWN: ("stopped (kind not verified)", "o"),
}
FAULT_LABEL = ("last finite iterate (numerical fault next)", "X")
CRITICAL_LABELS = {
    ep.MINIMUM: "minimum",
    ep.MAXIMUM: "maximum",
    ep.INFLECTION: "flat inflection",
}


BOUNCE_LABEL = ("last iterate (bouncing across a minimum)", "*")


def end_label(run: SymbolicRun) -> tuple[str, str]:
    if run.endpoint is None:
        return FAULT_LABEL
    if run.verdict.outcome is Outcome.BOUNCE:
        return BOUNCE_LABEL
    if run.lower is not None and run.endpoint.kind == ep.MINIMUM:
        return ("stopped next to a local minimum", "*")
    return END_LABELS[run.endpoint.kind]


def _curve_view(run: SymbolicRun, upto: int | None = None):
    """The curve panel's view; for the whole run, with the end point's kind in the legend
    (and the line where f′ = 0, when the end point is a critical point in the window)."""
    rows = len(run.trajectory.values)
    if revealed(rows, upto) < rows:
        return partial_curve_view(run, upto)
    ends = [(*end_label(run), ORANGE)]
    if run.lower is not None:  # the minimum found is local: f is lower in another valley
        ends.append(("lower point in another valley", "P", SKY))
    point, vline, grid = run.endpoint, None, run.curve_x
    if point is not None and point.kind in CRITICAL_LABELS and math.isfinite(point.where):
        if grid[0] <= point.where <= grid[-1]:
            vline = (float(point.where), f"f′ = 0 here: {CRITICAL_LABELS[point.kind]}")
    return partial_curve_view(run, upto, ends, vline)


CURVE = SymbolicPanel("curve", PANEL_HEIGHT, _curve_view, curve_static, CurveLayer)
SLOPE = SymbolicPanel("slope", SLOPE_HEIGHT, slope_view, slope_static, SlopeLayer)
PANELS = (CURVE, SLOPE)  # left to right; on a phone, one under the other


def curve_view(run: SymbolicRun, upto: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(x, f(x)) of the curve panel: the whole run's range; for part of the run, the
    smallest window about x0 that holds its iterates (see :func:`curve_window`)."""
    return curve(run, curve_window(run, upto))


def symbolic_png(
    run: SymbolicRun, *, highlight: int, theme: str = "light", upto: int | None = None
) -> tuple[Rendered, Rendered]:
    """Both panels of :func:`symbolic_figure`, each its own PNG (a drawing worker's job):
    a fresh dynamic layer drawn over each panel's kept static pixels."""
    return symbolic_frames(run, highlights=[highlight], upto=upto, theme=theme)[0]


def symbolic_frames(
    run: SymbolicRun, *, highlights: list[int], theme: str, upto: int | str = "each"
) -> list[tuple[Rendered, Rendered]]:
    """:func:`symbolic_png` for each of ``highlights``, revealed up to it (``upto="each"``,
    an animation's frames) or up to ``upto``: each panel's dynamic layer is made once per
    view and shown at each iterate in turn."""
    with contextlib.ExitStack() as stack:
        figures = [
            stack.enter_context(dynamic_figure(p.size, f"symbolic-{p.name}")) for p in PANELS
        ]
        layers: list = [None] * len(PANELS)
        out = []
        for k in highlights:
            shown = k if upto == "each" else upto
            pictures = []
            for i, (panel, fig) in enumerate(zip(PANELS, figures, strict=True)):
                view = panel.view(run, shown)
                if layers[i] is None or layers[i][0] != view:
                    (ax,) = axes(fig, (panel.rect,), bare=True)
                    panel.frame(ax, view)
                    layers[i] = (view, panel.layer(ax, run, view))
                layers[i][1].show(k, shown)
                static = static_pixels(panel, run, view, theme)
                pictures.append(draw_over(static, apply_theme(fig, theme)))
            out.append(tuple(pictures))
        return out


def symbolic_figure(
    run: SymbolicRun, *, highlight: int, theme: str = "light", upto: int | None = None
) -> Figure:
    """f(x) with the iterates walking down it and the end point's kind; |f′| per step:
    both panels side by side on one Figure (the downloads), drawn by the same functions,
    each panel's dynamic layer on bare Axes over its static one, as on screen.

    ``theme`` is Streamlit's, "light" or "dark" (see :func:`apply_theme`). Given ``upto``,
    only the iterates up to that one are drawn, nothing about the end point, and the
    axes frame what is drawn (:func:`curve_view`), not the whole run.
    """
    fig = new_figure((2 * PANEL_WIDTH, PANEL_HEIGHT))
    for i, panel in enumerate(PANELS):
        # each in its half, its top at the figure's top: where its own image has it
        x, y, w, h = panel.rect
        below = (PANEL_HEIGHT - panel.height) / PANEL_HEIGHT
        scale = panel.height / PANEL_HEIGHT
        rect = ((i + x) / 2, below + y * scale, w / 2, h * scale)
        view = panel.view(run, upto)
        panel.static(fig.add_axes(rect), run, view)
        (bare,) = axes(fig, (rect,), bare=True)  # the dynamic layer's, as on screen
        panel.frame(bare, view)
        panel.layer(bare, run, view).show(highlight, upto)
    return apply_theme(fig, theme)
