"""The figure of the symbolic f(x) demo, drawn from a run's plain data: two panels, each its
own image (f with the iterates; the slope per iteration), so that a page can put them in
columns that stack on a phone. Each is PANEL_WIDTH inches wide with no text under
MIN_FONT points: legible in a phone's 358 px column (see :mod:`gd_app.plotting.fit`)."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from gd_app.plotting.common import (
    BLUE,
    GREEN,
    ORANGE,
    SKY,
    VERMILLION,
    Rendered,
    apply_theme,
    legend_below,
    new_figure,
    padded,
    render,
    revealed,
    ring,
)
from gd_core.symbolic_run import SymbolicRun
from gd_core.verdict import Outcome
from gd_core.verdict import point1d as ep

PANEL_WIDTH, PANEL_HEIGHT = 4.5, 5.4  # inches: the curve panel (see gd_app.plotting.panels)
SLOPE_HEIGHT = 4.3  # the slope panel's legend is short: less empty space under it on a phone
MIN_FONT = 9  # points: nothing on a panel is written smaller
PANEL_RECT = (0.19, 0.42, 0.76, 0.5)  # the axes; the legend goes under them
LOG_CAP = 1e200
MARKED_CROSSINGS = 40  # above this many, the sign changes get small marks under the line

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


def symbolic_png(
    run: SymbolicRun, *, highlight: int, theme: str = "light", upto: int | None = None
) -> tuple[Rendered, Rendered]:
    """Both panels of :func:`symbolic_figure`, each its own PNG (a drawing worker's job)."""
    return tuple(
        render(apply_theme(draw(new_figure((PANEL_WIDTH, height)), run, highlight, upto), theme))
        for draw, height in zip(PANELS, HEIGHTS, strict=True)
    )


def symbolic_figure(
    run: SymbolicRun, *, highlight: int, theme: str = "light", upto: int | None = None
) -> Figure:
    """f(x) with the iterates walking down it and the end point's kind; |f′| per step:
    both panels side by side on one Figure (the downloads), drawn by the same functions.

    ``theme`` is Streamlit's, "light" or "dark" (see :func:`apply_theme`). Given ``upto``,
    only the iterates up to that one are drawn, nothing about the end point, and the
    axes frame what is drawn (:func:`curve_view`), not the whole run.
    """
    fig = new_figure((2 * PANEL_WIDTH, PANEL_HEIGHT))
    for i, (draw, height) in enumerate(zip(PANELS, HEIGHTS, strict=True)):
        # each in its half, its top at the figure's top: where its own image has it
        x, y, w, h = panel_rect(height)
        below = (PANEL_HEIGHT - height) / PANEL_HEIGHT
        scale = height / PANEL_HEIGHT
        draw(fig, run, highlight, upto, rect=((i + x) / 2, below + y * scale, w / 2, h * scale))
    return apply_theme(fig, theme)


def panel_rect(height: float) -> tuple[float, float, float, float]:
    """The axes of a panel ``height`` inches high: as large as the curve panel's, as far
    from the top, so that side by side the two line up."""
    x, y, w, h = PANEL_RECT
    top = (1 - y - h) * PANEL_HEIGHT  # inches above the axes
    tall = h * PANEL_HEIGHT
    return (x, (height - top - tall) / height, w, tall / height)


def curve_view(run: SymbolicRun, upto: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(x, f(x)) of the curve panel: the whole run's range; for part of the run, the
    smallest window about x0 that holds its iterates (the largest, if none does), which
    depends on x0 and the iterates shown only, never on how the run goes on."""
    rows = len(run.trajectory.values)
    n = revealed(rows, upto)
    if n == rows or not run.near_start:
        return run.curve_x, run.curve_y
    xs = run.trajectory.params[:n, 0]
    xs = xs[np.isfinite(xs)]
    for x, y in run.near_start:
        if xs.size and xs.min() >= x[0] and xs.max() <= x[-1]:
            return x, y
    return run.near_start[-1]


def curve_panel(
    fig, run: SymbolicRun, highlight: int, upto: int | None = None, rect=PANEL_RECT
) -> Figure:
    """f(x) with the iterates walking down it and, once the whole run is drawn, the end
    point's kind."""
    trajectory = run.trajectory
    n = revealed(len(trajectory.values), upto)
    complete = n == len(trajectory.values)
    left = fig.add_axes(rect)
    xs, values = trajectory.params[:n, 0], trajectory.values[:n]
    grid, curve = curve_view(run, upto)
    lo, hi = float(grid[0]), float(grid[-1])
    left.plot(grid, curve, "k", label=r"$f(x)$")
    left.plot(xs, values, "-", c=VERMILLION, lw=0.8, alpha=0.7, label="path of the steps")
    left.scatter(xs, values, s=30, lw=0, c=BLUE, label="iterates", zorder=3)
    left.plot(xs[0], values[0], "s", c=GREEN, ms=8, label="initial guess", zorder=4)
    if complete:
        label, shape = end_label(run)
        left.plot(
            xs[-1], values[-1], shape, c=ORANGE, mec="k", mew=0.6, ms=12, label=label, zorder=5
        )
        if run.lower is not None:  # the minimum found is local: f is lower in another valley
            (where,), value = run.lower
            left.plot(
                where,
                value,
                "P",
                c=SKY,
                mec="k",
                mew=0.6,
                ms=11,
                zorder=5,
                label="lower point in another valley",
            )
    point = run.endpoint if complete else None
    if point is not None and point.kind in CRITICAL_LABELS and math.isfinite(point.where):
        if lo <= point.where <= hi:
            left.axvline(
                point.where,
                c=SKY,
                ls=":",
                lw=1.5,
                label=f"f′ = 0 here: {CRITICAL_LABELS[point.kind]}",
                zorder=1,
            )
    ring(left, xs[highlight], values[highlight], label=f"iterate {highlight}", zorder=6)
    left.set_xlim(lo, hi)
    in_view = values[(xs >= lo) & (xs <= hi)]
    shown = np.concatenate([curve, in_view])
    shown = shown[np.isfinite(shown) & (np.abs(shown) < 1e300)]
    if shown.size:  # else every value is beyond 1e300: leave matplotlib's default limits
        left.set_ylim(*padded(float(shown.min()), float(shown.max())))
    left.set_xlabel(r"$x$")
    left.set_ylabel(r"$f(x)$")
    left.set_title("f(x) and the iterates")
    _legend(left)
    return fig


def slope_panel(
    fig, run: SymbolicRun, highlight: int, upto: int | None = None, rect=None
) -> Figure:
    """The slope |f′| at each iterate shown, on a log scale, sign changes ringed."""
    trajectory = run.trajectory
    n = revealed(len(trajectory.values), upto)
    right = fig.add_axes(rect or panel_rect(SLOPE_HEIGHT))
    slope = np.abs(trajectory.grads[:n, 0])
    iterations = np.arange(len(slope))
    # Slopes past 1e200 only confirm a divergence the verdict reports; matplotlib's log
    # ticks overflow when an axis reaches towards 1e300.
    positive = (slope > 0) & (slope < LOG_CAP)
    right.set_yscale("log")
    if positive.any():  # our own limits: autoscaling a log axis near 1e300 overflows
        low, high = slope[positive].min(), slope[positive].max()
        right.set_ylim(max(low / 3, 1 / LOG_CAP), min(high * 3, LOG_CAP))
        right.set_autoscaley_on(False)
    right.plot(iterations[positive], slope[positive], ".-", c=BLUE, label=r"$|f'(x_k)|$")
    if not positive.any():
        right.text(
            0.5,
            0.5,
            "f′ is 0 at every iterate:\nnothing to draw on a log scale",
            transform=right.transAxes,
            ha="center",
            va="center",
        )
        right.set_xticks([])
        right.set_yticks([], minor=True)
        right.set_yticks([])
    crossed = [k for k, kind in enumerate(run.crossings[:n]) if kind and positive[k]]
    if crossed:
        few = len(crossed) <= MARKED_CROSSINGS  # many rings would bury the line
        right.plot(
            crossed,
            slope[crossed],
            "o",
            mfc="none",
            mec=ORANGE,
            mew=1.5 if few else 0.8,
            ms=8 if few else 3,
            label="f′ changed sign on the step",
            zorder=3 if few else 1,
        )
    if positive[highlight]:
        ring(right, highlight, slope[highlight], label=f"iterate {highlight}")
    last = max(n - 1, 1)  # whole iterations only, and a short run still spans the axis
    right.set_xlim(-0.03 * last, 1.03 * last)
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_xlabel(r"iteration $k$")
    right.set_ylabel(r"slope $|f'(x_k)|$ (log scale)")
    right.set_title("How steep f is at each iterate")
    _legend(right)
    return fig


def _legend(ax) -> None:
    """The panel's legend under its axes, in one column (labels such as "last finite
    iterate (numerical fault next)" would not fit two side by side)."""
    legend_below(ax, ax.get_legend_handles_labels()[0], ncol=1)
    for text in ax.get_legend().get_texts():
        text.set_fontsize(MIN_FONT)


PANELS = (curve_panel, slope_panel)  # left to right; on a phone, one under the other
HEIGHTS = (PANEL_HEIGHT, SLOPE_HEIGHT)
