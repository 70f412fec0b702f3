"""The symbolic page's two panels, each in two layers, as the fit pages' are (see
:mod:`gd_app.plotting.panels`): a *static* layer (axes, ticks, labels, the curve f(x), the
legend under the axes) that depends only on the panel's view and is drawn once and kept
as pixels, and a *dynamic* layer (the iterates, their path, the marks) drawn over it.

A picture of the whole run is framed by the run; a picture of part of it (play, prediction,
an animation's frames) by views that change in steps, as the iterates shown reach further:
the curve by x0's windows, the slope's iterations by powers of two, its log axis by whole
decades. So the views depend only on what is shown, and an animation's frames share a
handful of static layers.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from gd_app.plotting.common import (
    BLUE,
    GREEN,
    ORANGE,
    SKY,
    VERMILLION,
    apply_theme,
    background,
    current_dpi,
    highlight_handle,
    legend_below,
    marker,
    new_figure,
    padded,
    revealed,
    ring,
)

PANEL_WIDTH, PANEL_HEIGHT = 4.5, 5.4  # inches: the curve panel (see gd_app.plotting.panels)
SLOPE_HEIGHT = 4.3  # the slope panel's legend is short: less empty space under it on a phone
MIN_FONT = 9  # points: nothing on a panel is written smaller
PANEL_RECT = (0.19, 0.42, 0.76, 0.5)  # the axes; the legend goes under them
LOG_CAP = 1e200
MARKED_CROSSINGS = 40  # above this many, the sign changes get small marks under the line
STATIC_CACHE = 4  # static layers kept per drawing process, on screen up to 3.9 MB each


def panel_rect(height: float) -> tuple[float, float, float, float]:
    """The axes of a panel ``height`` inches high: as large as the curve panel's, as far
    from the top, so that side by side the two line up."""
    x, y, w, h = PANEL_RECT
    top = (1 - y - h) * PANEL_HEIGHT  # inches above the axes
    tall = h * PANEL_HEIGHT
    return (x, (height - top - tall) / height, w, tall / height)


# ---------------------------------------------------------------- views
@dataclass(frozen=True)
class CurveView:
    """What the curve panel's static layer shows: the window (an index into the run's
    windows about x0, or -1: the whole run's range), its limits, the legend's entries,
    and the line where f′ = 0 at the end point (the whole run only)."""

    window: int
    xlim: tuple[float, float]
    ylim: tuple[float, float] | None
    ends: tuple[tuple[str, str, str], ...] = ()  # (label, marker, colour): end, lower point
    vline: tuple[float, str] | None = None


@dataclass(frozen=True)
class SlopeView:
    """What the slope panel's static layer shows: the iterations' and the log axis' limits
    (None: no slope above 0 to draw) and how the sign changes are marked ("" if none)."""

    xlim: tuple[float, float]
    ylim: tuple[float, float] | None
    crossings: str = ""  # "few" (rings) or "many" (small marks)


def curve_window(run, upto: int | None = None) -> int:
    """The curve panel's window: the whole run's range (-1); for part of the run, the
    smallest window about x0 that holds its iterates (the largest, if none does), which
    depends on x0 and the iterates shown only, never on how the run goes on."""
    rows = len(run.trajectory.values)
    n = revealed(rows, upto)
    if n == rows or not run.near_start:
        return -1
    xs = run.trajectory.params[:n, 0]
    xs = xs[np.isfinite(xs)]
    for i, (x, _) in enumerate(run.near_start):
        if xs.size and xs.min() >= x[0] and xs.max() <= x[-1]:
            return i
    return len(run.near_start) - 1


def curve(run, window: int) -> tuple[np.ndarray, np.ndarray]:
    return (run.curve_x, run.curve_y) if window < 0 else run.near_start[window]


def curve_view(run, upto: int | None, ends=(), vline=None) -> CurveView:
    window = curve_window(run, upto)
    grid, values = curve(run, window)
    lo, hi = float(grid[0]), float(grid[-1])
    shown = values
    if window < 0:  # the whole run: the iterates in the window too
        xs, fx = run.trajectory.params[:, 0], run.trajectory.values
        shown = np.concatenate([values, fx[(xs >= lo) & (xs <= hi)]])
    shown = shown[np.isfinite(shown) & (np.abs(shown) < 1e300)]
    ylim = padded(float(shown.min()), float(shown.max())) if shown.size else None
    return CurveView(window, (lo, hi), ylim, tuple(ends), vline)


def slope_view(run, upto: int | None) -> SlopeView:
    rows = len(run.trajectory.values)
    n = revealed(rows, upto)
    slope = np.abs(run.trajectory.grads[:n, 0])
    positive = (slope > 0) & (slope < LOG_CAP)
    crossed = sum(1 for k, kind in enumerate(run.crossings[:n]) if kind and positive[k])
    marks = "" if not crossed else "few" if crossed <= MARKED_CROSSINGS else "many"
    whole = n == rows
    # The whole run: its own limits. Part of it: whole powers of two of iterations.
    last = max(n - 1, 1) if whole else 2 ** math.ceil(math.log2(max(n - 1, 8)))
    ylim = None
    if positive.any():  # our own limits: autoscaling a log axis near 1e300 overflows
        low, high = slope[positive].min() / 3, slope[positive].max() * 3
        if not whole:  # whole decades
            low, high = 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high))
        ylim = (float(max(low, 1 / LOG_CAP)), float(min(high, LOG_CAP)))
    return SlopeView((-0.03 * last, 1.03 * last), ylim, marks)


# ---------------------------------------------------------------- static layers
def curve_static(ax, run, view: CurveView) -> None:
    grid, values = curve(run, view.window)
    ax.plot(grid, values, "k")
    if view.vline is not None:
        ax.axvline(view.vline[0], c=SKY, ls=":", lw=1.5, zorder=1)
    ax.set_xlim(*view.xlim)
    if view.ylim is not None:  # else every value is beyond 1e300: matplotlib's defaults
        ax.set_ylim(*view.ylim)
    ax.set_xlabel(r"$x$")
    ax.set_ylabel(r"$f(x)$")
    ax.set_title("f(x) and the iterates")
    handles = [
        Line2D([], [], c="k", label=r"$f(x)$"),
        Line2D([], [], c=VERMILLION, lw=0.8, alpha=0.7, label="path of the steps"),
        marker("iterates", "o", BLUE, ms=5.5, mew=0),
        marker("initial guess", "s", GREEN, ms=8),
        *(
            marker(label, shape, colour, mec="k", mew=0.6, ms=9)
            for label, shape, colour in view.ends
        ),
        *(
            [Line2D([], [], c=SKY, ls=":", lw=1.5, label=view.vline[1])]
            if view.vline is not None
            else []
        ),
        highlight_handle(),
    ]
    _legend(ax, handles)


def slope_static(ax, run, view: SlopeView) -> None:
    ax.set_yscale("log")
    if view.ylim is not None:
        ax.set_ylim(*view.ylim)
        ax.set_autoscaley_on(False)
    else:
        ax.text(
            0.5,
            0.5,
            "f′ is 0 at every iterate:\nnothing to draw on a log scale",
            transform=ax.transAxes,
            ha="center",
            va="center",
        )
        ax.set_xticks([])
        ax.set_yticks([], minor=True)
        ax.set_yticks([])
    ax.set_xlim(*view.xlim)
    if view.ylim is not None:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(r"iteration $k$")
    ax.set_ylabel(r"slope $|f'(x_k)|$ (log scale)")
    ax.set_title("How steep f is at each iterate")
    few = view.crossings == "few"
    handles = [Line2D([], [], c=BLUE, marker=".", label=r"$|f'(x_k)|$")]
    if view.crossings:
        handles.append(
            marker(
                "f′ changed sign on the step",
                "o",
                "none",
                mec=ORANGE,
                mew=1.5 if few else 0.8,
                ms=8 if few else 3,
            )
        )
    _legend(ax, [*handles, highlight_handle()])


def _legend(ax, handles) -> None:
    """The panel's legend under its axes, in one column (labels such as "last finite
    iterate (numerical fault next)" would not fit two side by side)."""
    legend_below(ax, handles, ncol=1)
    for text in ax.get_legend().get_texts():
        text.set_fontsize(MIN_FONT)


# ---------------------------------------------------------------- dynamic layers
class CurveLayer:
    """The iterates walking down f, their path, the start, and (the whole run only) the
    end point's mark and a lower point in another valley."""

    def __init__(self, ax, run, view: CurveView):
        self.run, self.view = run, view
        self.path = ax.plot([], [], "-", c=VERMILLION, lw=0.8, alpha=0.7)[0]
        self.dots = ax.scatter([], [], s=30, lw=0, c=BLUE, zorder=3)
        xs, values = run.trajectory.params[:, 0], run.trajectory.values
        ax.plot(xs[0], values[0], "s", c=GREEN, ms=8, zorder=4)
        if view.ends:  # the whole run: the end point, and a lower point elsewhere
            shape = view.ends[0][1]
            ax.plot(xs[-1], values[-1], shape, c=ORANGE, mec="k", mew=0.6, ms=12, zorder=5)
            if run.lower is not None:
                (where,), value = run.lower
                ax.plot(where, value, "P", c=SKY, mec="k", mew=0.6, ms=11, zorder=5)
        self.ring = ring(ax, [], [], zorder=6)

    def show(self, highlight: int, upto: int | None = None) -> None:
        trajectory = self.run.trajectory
        n = revealed(len(trajectory.values), upto)
        xs, values = trajectory.params[:n, 0], trajectory.values[:n]
        self.path.set_data(xs, values)
        points = np.column_stack([xs, values])
        self.dots.set_offsets(points[np.all(np.isfinite(points), axis=1)])
        self.ring.set_data([xs[highlight]], [values[highlight]])


class SlopeLayer:
    """|f′| at each iterate shown, the sign changes marked, the highlighted one ringed."""

    def __init__(self, ax, run, view: SlopeView):
        self.run, self.view = run, view
        self.line = ax.plot([], [], ".-", c=BLUE)[0]
        few = view.crossings == "few"
        self.crossings = ax.plot(
            [],
            [],
            "o",
            mfc="none",
            mec=ORANGE,
            mew=1.5 if few else 0.8,
            ms=8 if few else 3,
            zorder=3 if few else 1,
        )[0]
        self.ring = ring(ax, [], [])

    def show(self, highlight: int, upto: int | None = None) -> None:
        trajectory = self.run.trajectory
        n = revealed(len(trajectory.values), upto)
        slope = np.abs(trajectory.grads[:n, 0])
        positive = (slope > 0) & (slope < LOG_CAP)
        iterations = np.flatnonzero(positive)
        self.line.set_data(iterations, slope[positive])
        crossed = [k for k, kind in enumerate(self.run.crossings[:n]) if kind and positive[k]]
        self.crossings.set_data(crossed, slope[crossed])
        shown = positive[highlight]
        self.ring.set_data(*(([highlight], [slope[highlight]]) if shown else ([], [])))


# ---------------------------------------------------------------- the panels
@dataclass(frozen=True)
class SymbolicPanel:
    name: str
    height: float  # inches (all are PANEL_WIDTH wide)
    view: Callable  # view(run, upto) -> the panel's view
    static: Callable  # static(ax, run, view): axes, labels, legend (and the curve)
    layer: Callable  # layer(ax, run, view) -> a dynamic layer, .show(highlight, upto)

    @property
    def size(self) -> tuple[float, float]:
        return (PANEL_WIDTH, self.height)

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return panel_rect(self.height)

    def frame(self, ax, view) -> None:
        """Bare Axes (a dynamic layer's) with the static layer's scales and limits."""
        if isinstance(view, SlopeView):
            ax.set_yscale("log")
        ax.set_xlim(*view.xlim)
        if view.ylim is not None:
            ax.set_ylim(*view.ylim)


_STATIC: OrderedDict = OrderedDict()


def static_pixels(panel: SymbolicPanel, run, view, theme: str):
    """The panel's static layer at the current dpi, kept (keyed by the formula and the
    view: the curve on a window is f's alone)."""
    key = (panel.name, run.text, view, theme, current_dpi())
    if key in _STATIC:
        _STATIC.move_to_end(key)
        return _STATIC[key]
    fig = new_figure(panel.size)
    panel.static(fig.add_axes(panel.rect), run, view)
    pixels = _STATIC[key] = background(apply_theme(fig, theme))
    while len(_STATIC) > STATIC_CACHE:
        _STATIC.popitem(last=False)
    return pixels
