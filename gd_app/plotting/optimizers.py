"""Figures of the optimizer lab: the contour race, f − f_ref per iteration, the 3D surface.

The 2D figure is drawn once per run (contours, paths, curves, legend); the
scrubber's markers are then blitted over its pixels (:class:`Scrubber`).
"""

from __future__ import annotations

import threading

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

from gd_app.plotting import optimizer_overlays as overlays
from gd_app.plotting.common import (
    Rendered,
    apply_theme,
    encode,
    foreground,
    new_figure,
    revealed,
)
from gd_core.lab import LabResult

# Okabe–Ito, one per method, with a line style each so paths differ in grey print too.
STYLE = {
    "gd": ("#0072B2", "-", "o"),
    "momentum": ("#E69F00", "--", "s"),
    "nesterov": ("#CC79A7", "-.", "D"),
    "adagrad": ("#009E73", ":", "^"),
    "rmsprop": ("#D55E00", (0, (5, 1.5, 1, 1.5, 1, 1.5)), "v"),
    "adam": ("#56B4E9", (0, (8, 2)), "P"),
    # beyond Okabe–Ito's eight (black and yellow mark the start and minima): Paul Tol's
    # colour-blind-safe indigo, wine and olive, each with a line style and marker of its own
    "gd_ls": ("#332288", (0, (3, 1, 1, 1)), "X"),
    "newton": ("#882255", "-", "h"),
    "bfgs": ("#999933", (0, (1, 1)), "p"),
}
SIZE = (11.0, 5.6)
RECTS = ((0.065, 0.25, 0.40, 0.68), (0.575, 0.25, 0.405, 0.68))
LOG_FLOOR, LOG_CAP = 1e-300, 1e200
DPI = 150  # 1650 px wide: sharper than the page column, half the pixels to encode of 200 dpi
LEVELS = 18


def color(method: str) -> str:
    return STYLE[method][0]


# ---------------------------------------------------------------------- scales and levels
def contour_levels(z: np.ndarray) -> tuple[np.ndarray, bool]:
    """(levels, log-spaced?): log-spaced above the grid's minimum when f spans decades."""
    finite = z[np.isfinite(z)]
    if finite.size < 4:
        return np.array([]), False
    low = float(finite.min())
    shifted = finite - low
    top = float(np.quantile(shifted, 0.98))
    positive = shifted[shifted > 0]
    if top <= 0 or not positive.size:
        return np.array([]), False
    bottom = max(float(np.quantile(positive, 0.005)), top * 1e-6)
    if top / bottom >= 100:
        return low + np.geomspace(bottom, top, LEVELS), True
    return low + np.linspace(top / LEVELS, top, LEVELS), False


def curve(result: LabResult, values: np.ndarray) -> np.ndarray:
    """What the right panel plots: f − f_ref (nan where ≤ 0), or f itself (symlog)."""
    if result.f_ref is None:
        return np.where(np.abs(values) < LOG_CAP, values, np.nan)
    gap = values - result.f_ref
    return np.where((gap > 0) & (gap < LOG_CAP), gap, np.nan)


def symlog_threshold(result: LabResult) -> float:
    starts = [abs(run.values[0]) for run in result.runs if len(run.values)]
    return max(min(starts, default=1.0), 1e-3) / 10


def value_label(result: LabResult) -> str:
    if result.f_ref is None:
        why = result.no_minimum or "no minimum was found"
        return f"f(x, y), symlog scale ({why})"
    if result.f_ref_known:
        return f"f − f_ref, log scale (f_ref = {result.f_ref:.4g}, the known minimum)"
    return f"f − f_ref, log scale (f_ref = {result.f_ref:.6g}, just below the lowest f reached)"


# ---------------------------------------------------------------------- the 2D figure
def _axes(fig: Figure, result: LabResult, *, bare: bool):
    """Both panels with their final scales and limits (shared by the two layers)."""
    race, values = (fig.add_axes(rect) for rect in RECTS)
    x_lo, x_hi, y_lo, y_hi = result.window
    race.set_xlim(x_lo, x_hi)
    race.set_ylim(y_lo, y_hi)
    longest = max((len(run.values) for run in result.runs), default=1)
    values.set_xlim(-0.02 * max(longest - 1, 1), (longest - 1) * 1.02 or 1)
    if result.f_ref is None:
        threshold = symlog_threshold(result)
        values.set_yscale("symlog", linthresh=threshold)
        values.yaxis.set_major_locator(FixedLocator(_symlog_ticks(threshold)))
    else:
        values.set_yscale("log")
    values.set_ylim(*_value_limits(result))
    values.yaxis.set_minor_locator(NullLocator())  # minor log ticks cost more than they show
    if bare:
        race.set_axis_off()
        values.set_axis_off()
    return race, values


def _symlog_ticks(threshold: float) -> list[float]:
    """0 and ± every decade outside the linear part (ticks inside it would overlap)."""
    decades = [10.0**k for k in range(int(np.ceil(np.log10(threshold))), 309)]
    return [-d for d in reversed(decades)] + [0.0] + decades


def _value_limits(result: LabResult) -> tuple[float, float]:
    shown = np.concatenate([curve(result, run.values) for run in result.runs] or [np.ones(1)])
    shown = shown[np.isfinite(shown)]
    if not shown.size:
        return (0.1, 10.0)
    low, high = float(shown.min()), float(shown.max())
    if result.f_ref is None:
        pad = 0.1 * max(abs(low), abs(high), 1.0)
        return (low - pad, high + pad)
    low = max(low, LOG_FLOOR)
    return (low / 3, high * 3)


def static_figure(result: LabResult, *, paths: bool = True) -> Figure:
    """Contours, the paths (unless not ``paths``: see :func:`path_artists`), the start and
    known minima; f per iteration; the legend."""
    fig = new_figure(SIZE)
    fig.set_dpi(DPI)
    race, values = _axes(fig, result, bare=False)
    levels, log_spaced = contour_levels(result.grid_f)
    if len(levels) > 1:
        race.contourf(
            result.grid_x,
            result.grid_y,
            result.grid_f,
            levels=levels,
            cmap="Greys",
            alpha=0.4,
            extend="both",
        )
        race.contour(
            result.grid_x,
            result.grid_y,
            result.grid_f,
            levels=levels,
            colors="0.45",
            linewidths=0.6,
            negative_linestyles="solid",  # dashed lines are Newton's local model
        )
    handles = []
    for run in result.runs:
        c, ls, mark = STYLE[run.method]
        if len(run.params) and paths:
            race.plot(run.params[:, 0], run.params[:, 1], ls=ls, c=c, lw=1.6, zorder=3)
            race.plot(*run.params[-1], marker=mark, c=c, ms=6, mec="k", mew=0.5, zorder=4)
            iterations = np.arange(len(run.values))
            values.plot(iterations, curve(result, run.values), ls=ls, c=c, lw=1.6)
        handles.append(Line2D([], [], ls=ls, c=c, lw=2, marker=mark, ms=6, label=run.method))
    start = result.runs[0].params[0] if result.runs and len(result.runs[0].params) else None
    if start is not None:
        race.plot(*start, "ks", ms=8, zorder=5)
        handles.append(Line2D([], [], ls="", marker="s", c="k", ms=8, label="start"))
    if len(result.minima):
        race.plot(
            result.minima[:, 0],
            result.minima[:, 1],
            "*",
            c="#F0E442",
            mec="k",
            ms=15,
            mew=0.8,
            zorder=5,
        )
        handles.append(
            Line2D([], [], ls="", marker="*", c="#F0E442", mec="k", ms=13, label="known minimum")
        )
    handles.append(
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            mfc="none",
            mec="k",
            ms=11,
            mew=2,
            label="highlighted iterate",
        )
    )
    if any(len(run.trials) for run in result.runs):
        handles.append(
            Line2D([], [], ls=":", c="0.35", marker=".", ms=7, alpha=0.7, label="trial points")
        )
    if any(run.hessians is not None for run in result.runs):
        handles.append(
            Line2D([], [], c=overlays.MODEL, lw=1, ls="--", label="Newton's local model")
        )
    race.set_xlabel("x")
    race.set_ylabel("y")
    scale = "log-spaced" if log_spaced else "evenly spaced"
    race.set_title(f"The race on f(x, y) (contours {scale})", fontsize="medium", y=1.01)
    values.set_xlabel("iteration k")
    values.set_ylabel(value_label(result), fontsize="small")
    values.set_title("How fast f falls", fontsize="medium", y=1.01)
    values.grid(True, which="major", alpha=0.3)
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=min(len(handles), 6 if len(handles) <= 12 else 7),
        frameon=False,
        fontsize="medium",
        bbox_to_anchor=(0.5, 0.0),
    )
    return fig


class Scrubber:
    """The static figure drawn once; each step's markers blitted over a copy of its pixels.

    Like blitting in an animation: the background is restored, only the new markers
    are drawn (``draw_artist``) and then removed again. One lock per figure, so two
    sessions scrubbing the same run take turns.
    """

    def __init__(self, result: LabResult, theme: str = "light", *, paths: bool = True) -> None:
        self.result = result
        self.theme = theme
        self.fig = apply_theme(static_figure(result, paths=paths), theme)
        self.fig.canvas.draw()
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self.lock = threading.Lock()

    def png(self, step: int, upto: int | None = None) -> Rendered:
        """Iterate ``step`` marked; given ``upto`` (a Scrubber made without ``paths``), the
        paths drawn only up to that iterate."""
        race, values = self.fig.axes[:2]
        canvas = self.fig.canvas
        with self.lock:
            canvas.restore_region(self.background)
            artists = [] if upto is None else path_artists(race, values, self.result, upto)
            artists += add_markers(race, values, self.result, step, fg=foreground(self.theme))
            for artist in artists:
                artist.axes.draw_artist(artist)
            rgba = np.asarray(canvas.buffer_rgba()).copy()
            for artist in artists:
                artist.remove()
        return Rendered(encode(rgba), rgba.shape[1])


def path_artists(race, values, result: LabResult, upto: int) -> list:
    """Every method's path and f curve up to iterate ``upto``, its end marker once reached."""
    artists = []
    for run in result.runs:
        if not len(run.params):
            continue
        c, ls, mark = STYLE[run.method]
        n = revealed(len(run.params), upto)
        artists += race.plot(run.params[:n, 0], run.params[:n, 1], ls=ls, c=c, lw=1.6, zorder=3)
        if n == len(run.params):
            artists += race.plot(
                *run.params[-1], marker=mark, c=c, ms=6, mec="k", mew=0.5, zorder=4
            )
        artists += values.plot(np.arange(n), curve(result, run.values[:n]), ls=ls, c=c, lw=1.6)
    return artists


def add_markers(race, values, result: LabResult, step: int, fg: str = "k") -> list:
    """Ring every method's iterate ``step`` (a cross too when its run ended before it)."""
    artists = [values.axvline(step, c=fg, lw=0.8, alpha=0.6)]
    for run in result.runs:
        if not len(run.values):
            continue
        k = min(step, len(run.values) - 1)
        c = color(run.method)
        artists += race.plot(*run.params[k], "o", mfc="none", mec=c, ms=13, mew=2.4, zorder=6)
        if k < step:  # it stopped before this step: its last iterate stays marked, with a cross
            artists += race.plot(*run.params[k], "x", c=c, ms=9, mew=2, zorder=6)
        y = curve(result, run.values[k : k + 1])[0]
        if np.isfinite(y):
            artists += values.plot(k, y, "o", mfc="none", mec=c, ms=11, mew=2.2)
        if len(run.trials) and k == step:
            artists += overlays.trial_points(race, run, k, c)
        if run.hessians is not None and k == step:
            artists += overlays.local_model(race, run, k, result.window)
    return artists


def whole_figure(
    result: LabResult, step: int, theme: str = "light", upto: int | None = None
) -> Figure:
    """Both layers in one Figure (the export route); given ``upto``, paths up to there only."""
    fig = apply_theme(static_figure(result, paths=upto is None), theme)
    race, values = fig.axes[:2]
    if upto is not None:
        path_artists(race, values, result, upto)
    add_markers(race, values, result, step, fg=foreground(theme))
    return fig


# ---------------------------------------------------------------------- the 3D surface
def _inside(params: np.ndarray, window: tuple) -> np.ndarray:
    x_lo, x_hi, y_lo, y_hi = window
    x, y = params[:, 0], params[:, 1]
    return (x >= x_lo) & (x <= x_hi) & (y >= y_lo) & (y <= y_hi)


def surface_figure(result: LabResult, step: int, theme: str = "light") -> Figure:
    """f as a surface (mplot3d) with the paths on it.

    Heights above the larger of the window's 95th percentile and the highest iterate
    in it are cut off (a wall like Rosenbrock's would flatten the rest); the title
    says what share of the window that hides.
    """
    fig = new_figure((8.0, 6.0))
    ax = fig.add_subplot(projection="3d")
    every = max(len(result.grid_x) // 60, 1)
    X, Y = np.meshgrid(result.grid_x[::every], result.grid_y[::every])
    Z = result.grid_f[::every, ::every]
    finite = Z[np.isfinite(Z)]
    x_lo, x_hi, y_lo, y_hi = result.window
    highest = [
        run.values[_inside(run.params, result.window)].max(initial=-np.inf)
        for run in result.runs
        if len(run.values)
    ]
    cap = max([float(np.quantile(finite, 0.95)) if finite.size else 1.0, *highest])
    floor = float(finite.min()) if finite.size else 0.0
    hidden = float(np.mean(finite > cap)) if finite.size else 0.0
    shown = np.where(Z <= cap, Z, np.nan)
    ax.plot_surface(X, Y, shown, cmap="Greys_r", alpha=0.55, linewidth=0, rstride=1, cstride=1)
    for run in result.runs:
        if not len(run.values):
            continue
        c, ls, mark = STYLE[run.method]
        p, v = run.params, run.values
        inside = _inside(p, result.window) & (v <= cap)
        z = np.where(inside, v, np.nan)
        ax.plot(p[:, 0], p[:, 1], z, ls=ls, c=c, lw=1.8, label=run.method, zorder=5)
        k = min(step, len(v) - 1)
        if inside[k]:
            ax.plot([p[k, 0]], [p[k, 1]], [v[k]], "o", c=c, mec="k", ms=8, zorder=6)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_zlim(floor, cap)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(5))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("f(x, y)")
    cut = f" (values above {cap:.3g}, {hidden:.0%} of the window, cut off)" if hidden else ""
    ax.set_title(f"f(x, y) as a surface{cut}", fontsize="medium")
    fig.legend(loc="upper left", fontsize="small", frameon=False, bbox_to_anchor=(0.01, 0.93))
    return apply_theme(fig, theme)
