"""The figure of the symbolic f(x) demo (seed 004)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from gd_app.plotting.common import (
    BLUE,
    GREEN,
    ORANGE,
    VERMILLION,
    apply_theme,
    new_figure,
    padded,
    ring,
)
from gd_core.descent import Trajectory
from gd_core.symbolic import real_values

SYMBOLIC_SIZE = (10.0, 4.3)
LOG_CAP = 1e200
SYMBOLIC_RECTS = ((0.065, 0.12, 0.42, 0.8), (0.57, 0.12, 0.41, 0.8))


def symbolic_figure(f, trajectory: Trajectory, *, highlight: int, theme="light") -> Figure:
    """Seed 004: f(x) with the iterates walking down it; |f′| per iteration."""
    fig = new_figure(SYMBOLIC_SIZE)
    left, right = (fig.add_axes(rect) for rect in SYMBOLIC_RECTS)
    xs, values = trajectory.params[:, 0], trajectory.values
    lo, hi = symbolic_view(xs)
    grid = np.linspace(lo, hi, 400)
    curve = real_values(f, grid)
    left.plot(grid, curve, "k", label=r"$f(x)$")
    left.plot(xs, values, "-", c=VERMILLION, lw=0.8, alpha=0.7, label="path of the steps")
    left.scatter(xs, values, s=30, lw=0, c=BLUE, label="iterates", zorder=3)
    left.plot(xs[0], values[0], "s", c=GREEN, ms=8, label="initial guess", zorder=4)
    left.plot(xs[-1], values[-1], "o", c=ORANGE, ms=9, label="final x", zorder=5)
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
    left.legend(loc="best")

    slope = np.abs(trajectory.grads[:, 0])
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
    if positive[highlight]:
        ring(right, highlight, slope[highlight], label=f"iterate {highlight}")
    right.set_xlabel(r"iteration $k$")
    right.set_ylabel(r"slope $|f'(x_k)|$ (log scale)")
    right.set_title("How steep f is at each iterate")
    right.legend(loc="best")
    return apply_theme(fig, theme)


def symbolic_view(xs: np.ndarray, *, reach: float = 1e6) -> tuple[float, float]:
    """x-range for f: the iterates within ``reach`` of the start, plus a margin.

    Iterates that run away to 1e154 would make the view (and f on it)
    meaningless, so they are left off the picture; the table still lists them.
    """
    near = xs[np.abs(xs - xs[0]) <= reach]
    lo, hi = float(near.min()) - 1.0, float(near.max()) + 1.0
    return padded(lo, hi, 0.02)
