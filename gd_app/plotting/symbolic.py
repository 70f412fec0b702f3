"""The figure of the symbolic f(x) demo (seed 004), drawn from a run's plain data."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from gd_app.plotting.common import (
    BLUE,
    GREEN,
    ORANGE,
    SKY,
    VERMILLION,
    Rendered,
    apply_theme,
    new_figure,
    padded,
    render,
    revealed,
    ring,
)
from gd_core.symbolic_run import SymbolicRun
from gd_core.verdict import Outcome
from gd_core.verdict import point1d as ep

SYMBOLIC_SIZE = (10.0, 4.3)
LOG_CAP = 1e200
MARKED_CROSSINGS = 40  # above this many, the sign changes get small marks under the line
SYMBOLIC_RECTS = ((0.065, 0.12, 0.42, 0.8), (0.57, 0.12, 0.41, 0.8))

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
) -> Rendered:
    """:func:`symbolic_figure` as a PNG (a drawing worker's job)."""
    return render(symbolic_figure(run, highlight=highlight, theme=theme, upto=upto))


def symbolic_figure(
    run: SymbolicRun, *, highlight: int, theme: str = "light", upto: int | None = None
) -> Figure:
    """Seed 004: f(x) with the iterates walking down it, the end point's kind; |f′| per step.

    ``theme`` is Streamlit's, "light" or "dark" (see :func:`apply_theme`). Given ``upto``,
    only the iterates up to that one are drawn, and nothing about the end point.
    """
    trajectory = run.trajectory
    n = revealed(len(trajectory.values), upto)
    complete = n == len(trajectory.values)
    fig = new_figure(SYMBOLIC_SIZE)
    left, right = (fig.add_axes(rect) for rect in SYMBOLIC_RECTS)
    xs, values = trajectory.params[:n, 0], trajectory.values[:n]
    grid, curve = run.curve_x, run.curve_y
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
    left.legend(loc="best", fontsize="small")

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
    right.set_xlabel(r"iteration $k$")
    right.set_ylabel(r"slope $|f'(x_k)|$ (log scale)")
    right.set_title("How steep f is at each iterate")
    right.legend(loc="best", fontsize="small")
    return apply_theme(fig, theme)
