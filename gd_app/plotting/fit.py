"""Figures of the two line-fit demos, drawn in two layers on one fixed layout.

* the *static* layer (axes, ticks, labels, data, the cost curve or colour map
  with labelled contours and colour bar) depends only on the data set and the
  view, so it is rendered once and cached as pixels;
* the *dynamic* layer (fit lines, iterates, arrows) is drawn on top of a
  copy of those pixels. It has no text at all: the legends sit under the
  axes, in the static layer, where no line can cover them.

``*_figure`` draws both layers on one Figure; ``*_png`` draws a fresh dynamic
layer over the cached static pixels. Both give the same picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gd_app.plotting.common import (
    BLUE,
    GREEN,
    ORANGE,
    VERMILLION,
    Rendered,
    apply_theme,
    axes,
    background,
    current_dpi,
    draw_over,
    dynamic_figure,
    highlight_handle,
    legend_below,
    marker,
    new_figure,
    padded,
    revealed,
    ring,
)
from gd_core.linear import LeastSquares, LineData

MAX_SCATTER = 400  # data points drawn; a larger data set is drawn as an even sample
STATIC_CACHE = 8  # static layers kept, each 3.2 MB of RGBA pixels (900 x 900 x 4 bytes)


# ---------------------------------------------------------------- views
@dataclass(frozen=True)
class View:
    """Axis limits, fixed per data set (and zoom level), so the static layer can be cached."""

    data_y: tuple[float, float]
    theta0: tuple[float, float]
    theta1: tuple[float, float]
    cost_top: float = 0.0
    mode: tuple[str, ...] = ()  # "schedule" (α_k inset), "batch" (the fan's legend entry),
    # "partial" (a picture of part of the run: nothing in it may tell how the run ends)


def _zoom_to_fit(values: np.ndarray, lo: float, hi: float, *, max_zoom: int = 64):
    """[lo, hi] grown by powers of 2 about its centre until it holds ``values``.

    Powers of 2 keep the number of distinct views (and cached static layers)
    small; past ``max_zoom``× the iterates are diverging and run off the plot.
    """
    centre, half = (lo + hi) / 2, (hi - lo) / 2
    finite = values[np.isfinite(values)]
    reach = float(np.max(np.abs(finite - centre))) if finite.size else 0.0
    zoom = 1
    while half * zoom < reach and zoom < max_zoom:
        zoom *= 2
    return centre - half * zoom, centre + half * zoom


def _data_ylim(data: LineData, *, inset: bool = False) -> tuple[float, float]:
    """The points' y range padded; with the α_k inset, headroom above them for it."""
    lo, hi = padded(float(data.y.min()), float(data.y.max()), 0.1)
    return (lo, hi + 0.6 * (hi - lo)) if inset else (lo, hi)


def modes(run) -> tuple[str, ...]:
    return tuple(
        name
        for name, on in (
            ("schedule", run.schedule != "constant"),
            ("batch", run.batches is not None),
        )
        if on
    )


INSET = (0.16, 0.64, 0.5, 0.27)  # the α_k inset, in data-panel axes fractions (ticks inside)


def alpha_inset(ax, run, highlight: int, critical: float | None) -> None:
    """A small plot of α_k over k in the data panel's headroom, α_crit dashed (if given)."""
    alphas = run.alphas
    inset = ax.inset_axes(INSET)
    inset.set_facecolor("white")
    k = np.arange(len(alphas))
    inset.plot(k, alphas, "-", c=BLUE, lw=1.5)
    if 0 < highlight <= len(alphas):
        inset.plot(highlight - 1, alphas[highlight - 1], "o", mfc="none", mec=VERMILLION, mew=1.5)
    top = max(float(alphas.max()) if len(alphas) else 1.0, 1e-300)
    if critical is None:
        critical = math.inf
    if critical <= 1.6 * top:
        inset.axhline(critical, ls="--", c="k", lw=1)
        inset.text(len(alphas) - 1, critical, " α_crit", va="bottom", ha="right", fontsize=MIN_FONT)
    inset.set_ylim(0, 1.15 * max(top, critical if critical <= 1.6 * top else 0))
    inset.set_xlim(-0.5, max(len(alphas) - 0.5, 0.5))
    inset.tick_params(labelsize=MIN_FONT, length=2, pad=1)
    inset.set_title(f"α_k ({run.schedule}) over step k", fontsize=MIN_FONT, pad=2)


def _sample(data: LineData) -> tuple[np.ndarray, np.ndarray]:
    every = max(1, int(np.ceil(len(data.x) / MAX_SCATTER)))
    return data.x[::every], data.y[::every]


def _x_ends(data: LineData) -> np.ndarray:
    return np.array([float(data.x.min()), float(data.x.max())])


def unit(label: str) -> str:
    """The unit a data set's axis label ends with in brackets ("body mass (g)" → "g"), or ""."""
    label = label.strip()
    if label.endswith(")") and "(" in label:
        return label[label.rindex("(") + 1 : -1].strip()
    return ""


def parameter_units(data: LineData) -> tuple[str, str]:
    """The units of θ0 (y's) and θ1 (y's per x's), as " (g)" and " (g/mm)", or ""."""
    y, x = (unit(label).replace("$", r"\$") for label in (data.y_label, data.x_label))
    slope = f"{y}/{x}" if y and x else (f"{y} per unit of x" if y else (f"1/{x}" if x else ""))
    return (f" ({y})" if y else "", f" ({slope})" if slope else "")


def axis_label(label: str) -> str:
    """``x`` and ``y`` in maths italics; a data set's own names (with units) as written,
    never read as maths ($ escaped)."""
    return rf"${label}$" if label in ("x", "y") else label.replace("$", r"\$")


def _data_panel_static(ax, data: LineData, view: View):
    xs, ys = _sample(data)
    ax.scatter(xs, ys, marker="x", s=40, color=GREEN, zorder=3)
    ax.set_xlim(*padded(*_x_ends(data)))
    ax.set_ylim(*view.data_y)
    ax.set_xlabel(axis_label(data.x_label))
    ax.set_ylabel(axis_label(data.y_label))
    ax.set_title("Data and fit")
    final = [] if "partial" in view.mode else [Line2D([], [], c=ORANGE, lw=2.5, label="final fit")]
    legend_below(
        ax,
        [
            marker("data from true θ" if data.theta_true else "data", "x", GREEN, ms=7),
            Line2D([], [], c=BLUE, lw=1.5, alpha=0.6, label="fit at each iterate"),
            *final,
            Line2D([], [], c=VERMILLION, lw=2, ls="--", label="highlighted iterate"),
        ],
        ncol=2,
    )


def _data_panel_dynamic(
    ax,
    data: LineData,
    params: np.ndarray,
    view: View,
    highlight: int,
    *,
    intercept: bool,
    complete: bool = True,
):
    """Every iterate's fit line (``params`` in the units of x) in one LineCollection, the
    last in orange (only when ``params`` is the ``complete`` run, not a revealed part)."""
    ends = _x_ends(data)
    ax.set_xlim(*padded(*ends))
    ax.set_ylim(*view.data_y)
    theta0 = params[:, 0] if intercept else np.zeros(len(params))
    theta1 = params[:, -1]
    lines = np.empty((len(params), 2, 2))  # (iterate, end, xy)
    lines[:, :, 0] = ends
    lines[:, :, 1] = theta0[:, None] + theta1[:, None] * ends
    ax.add_collection(
        LineCollection(
            lines[fit_line_indices(len(params))], colors=BLUE, linewidths=1.5, alpha=0.6
        ),
        autolim=False,  # the limits are fixed; measuring 1,000 paths costs ~100 ms
    )
    if complete:
        ax.plot(*lines[-1].T, lw=2.5, c=ORANGE)
    ax.plot(*lines[highlight].T, lw=2, ls="--", c=VERMILLION)


MAX_FIT_LINES = 100


def fit_line_indices(n: int) -> np.ndarray:
    """Which iterates get a fit line: all of them up to MAX_FIT_LINES, else a
    geometric sample that keeps every early step (where the lines differ) and
    the last one. A thousand lines would draw as one blur and cost ~150 ms.
    """
    if n <= MAX_FIT_LINES:
        return np.arange(n)
    sample = np.geomspace(1, n - 1, MAX_FIT_LINES - 1).round().astype(int)
    return np.unique(np.concatenate([[0], sample]))


# ---------------------------------------------------------------- panels
# Each panel is its own image, so the page can put them in columns that stack on a
# phone. PANEL_WIDTH inches at DPI 200 is 900 px: in a phone's 358 px column that is
# 1.1 px per point, so text of 9 pt and more reads at 10 px or more.
PANEL_WIDTH, PANEL_HEIGHT = 4.5, 4.5  # whole pixels at 200 and 300 dpi, exact in binary
MIN_FONT = 9  # points: nothing on a panel is written smaller
DATA_RECT = (0.15, 0.35, 0.8, 0.58)


@dataclass(frozen=True)
class Panel:
    """One image of a page's figure: its size, and how to draw its two layers."""

    name: str
    size: tuple[float, float]
    static: Callable  # static(fig, data, problem, view): axes, labels, legend, data
    dynamic: Callable  # dynamic(fig, run, view, highlight, upto): what the run draws on it


def _data_static(fig: Figure, data: LineData, problem: LeastSquares, view: View):
    (ax,) = axes(fig, (DATA_RECT,), bare=False)
    _data_panel_static(ax, data, view)


def _data_dynamic(fig, run, view, highlight, upto=None):
    (ax,) = axes(fig, (DATA_RECT,), bare=True)
    if "schedule" in view.mode:  # α_crit only once the whole run is drawn
        partial = "partial" in view.mode
        alpha_inset(ax, run, highlight, None if partial else critical_alpha(run.problem))
    n = revealed(run.rows, upto)
    params = run.trajectory.params[:n]
    lines = run.scaling.to_original(params) if run.scaling else params
    _data_panel_dynamic(
        ax, run.data, lines, view, highlight, intercept=run.intercept, complete=n == run.rows
    )


def critical_alpha(problem: LeastSquares) -> float:
    return 2.0 / float(np.linalg.eigvalsh(problem.hessian)[-1])


DATA = Panel("data", (PANEL_WIDTH, PANEL_HEIGHT), _data_static, _data_dynamic)


def panel_png(
    panel: Panel, run, view: View, highlight: int, theme: str, upto: int | None = None
) -> Rendered:
    """One panel: a fresh dynamic layer drawn over its cached static pixels (the iterates
    up to ``upto`` only, when given)."""
    with dynamic_figure(panel.size, panel.name) as fig:
        panel.dynamic(fig, run, view, highlight, upto)
        static = static_pixels(
            panel.static, panel.size, run.data, run.problem, view, theme, current_dpi()
        )
        return draw_over(static, apply_theme(fig, theme))


def panel_figure(
    panel: Panel, run, view: View, highlight: int, theme: str, upto: int | None = None
) -> Figure:
    """One panel drawn whole on one Figure: the same picture as :func:`panel_png`."""
    fig = new_figure(panel.size)
    panel.static(fig, run.data, run.problem, view)
    panel.dynamic(fig, run, view, highlight, upto)
    return apply_theme(fig, theme)


def whole_figure(
    panels, run, view: View, highlight: int, theme: str, upto: int | None = None
) -> Figure:
    """Every panel side by side on one Figure (the downloads): each panel is a subfigure
    the size of its own image, drawn by the same functions."""
    fig = new_figure((sum(p.size[0] for p in panels), max(p.size[1] for p in panels)))
    subfigures = fig.subfigures(1, len(panels), width_ratios=[p.size[0] for p in panels])
    for panel, sub in zip(panels, np.atleast_1d(subfigures), strict=True):
        panel.static(sub, run.data, run.problem, view)
        panel.dynamic(sub, run, view, highlight, upto)
    return apply_theme(fig, theme)


# ---------------------------------------------------------------- one parameter
COST_RECT = (0.17, 0.35, 0.78, 0.58)


def one_parameter_view(run, upto: int | None = None) -> View:
    """Limits of the 1D figure: θ1 ∈ [−0.2, 1.2], zoomed out to hold the iterates (those
    up to ``upto`` only, when given: the window must not tell where the run goes)."""
    data, problem, trajectory = run.data, run.problem, run.trajectory
    n = revealed(run.rows, upto)
    if data.theta_true is None:  # measured data: the same window, scaled to θ1*
        best = float(problem.solution[0])
        base, targets = sorted((-0.4 * best, 2.4 * best)) if best else (-1.0, 1.0), []
    else:
        base, targets = (-0.2, 1.2), [data.theta_true[1]]
    lo, hi = _zoom_to_fit(
        np.concatenate([trajectory.params[:n, 0], problem.solution, targets]), *base
    )
    lo, hi = padded(lo, hi, 0.03)
    top = 1.1 * float(problem.cost(np.array([[lo], [hi]])).max())
    inset = run.schedule != "constant"
    return View(
        data_y=_data_ylim(data, inset=inset),
        theta0=(0.0, 0.0),
        theta1=(lo, hi),
        cost_top=top,
        mode=modes(run) + partial_mode(run, upto),
    )


def partial_mode(run, upto: int | None) -> tuple[str, ...]:
    """("partial",) for a picture that draws only part of the run, else ()."""
    return ("partial",) if revealed(run.rows, upto) < run.rows else ()


def _cost_static(fig: Figure, data: LineData, problem: LeastSquares, view: View):
    (right,) = axes(fig, (COST_RECT,), bare=False)
    grid = np.linspace(*view.theta1, 300)
    right.plot(grid, problem.cost(grid[:, None]), "k")
    handles = [
        Line2D([], [], c="k", label="J(θ₁)"),
        marker("iterates", "o", BLUE),
        Line2D([], [], c=VERMILLION, marker=">", ms=5, label="steps, in order"),
        *([] if "partial" in view.mode else [marker("final θ₁", "o", ORANGE, ms=9)]),
        highlight_handle(),
    ]
    if data.theta_true is not None:
        handles.append(marker("true θ₁", "*", GREEN, ms=12))
    if data.theta_true is None or not np.isclose(problem.solution[0], data.theta_true[1]):
        handles.append(marker("best fit θ₁*", "P", "k", ms=9))
    right.set_xlim(*view.theta1)
    right.set_ylim(-0.04 * view.cost_top, view.cost_top)  # markers at J = 0 stay whole
    right.set_xlabel(r"$\theta_1$" + parameter_units(data)[1])
    right.set_ylabel(r"$J(\theta_1)$")
    right.set_title("Cost function")
    legend_below(right, handles, ncol=2)


def step_arrows(ax, points: np.ndarray, **kwargs) -> None:
    """An arrow from each iterate to the next (``points`` is (n, 2) in data coordinates)."""
    finite = np.all(np.isfinite(points), axis=1)
    tails, heads = points[:-1], points[1:]
    keep = finite[:-1] & finite[1:]
    if not keep.any():
        return
    tails, deltas = tails[keep], (heads - tails)[keep]
    ax.quiver(
        tails[:, 0],
        tails[:, 1],
        deltas[:, 0],
        deltas[:, 1],
        angles="xy",
        scale_units="xy",
        scale=1,
        **kwargs,
    )


def _cost_dynamic(fig, run, view, highlight, upto=None):
    data, problem, trajectory = run.data, run.problem, run.trajectory
    (right,) = axes(fig, (COST_RECT,), bare=True)
    n = revealed(run.rows, upto)
    theta1, cost = trajectory.params[:n, 0], trajectory.values[:n]
    right.set_xlim(*view.theta1)
    right.set_ylim(-0.04 * view.cost_top, view.cost_top)  # markers at J = 0 stay whole
    # The order of the steps: an arrow from each iterate to the next, as on the map.
    with np.errstate(all="ignore"):
        step_arrows(
            right,
            np.column_stack([theta1, cost])[: MAX_ARROWS + 1],
            color=VERMILLION,
            width=0.005,
            alpha=0.8,
            zorder=2,
        )
    right.scatter(theta1, cost, s=40, lw=0, c=BLUE, zorder=3)
    if n == run.rows:
        right.plot(theta1[-1], cost[-1], "o", c=ORANGE, ms=11, zorder=5)
    ring(right, theta1[highlight], cost[highlight], zorder=6)
    # The targets go on top, so a run that reaches them does not hide them.
    true = data.theta_true[1] if data.theta_true is not None else None
    if true is not None:
        right.plot(true, problem.cost(np.array([true])), "*", c=GREEN, mec="w", ms=12, zorder=7)
    if true is None or not np.isclose(problem.solution[0], true):
        right.plot(problem.solution[0], problem.min_cost, "P", c="k", mec="w", ms=9, zorder=7)


MAX_ARROWS = 1000  # every step of the longest run
COST = Panel("cost", (PANEL_WIDTH, PANEL_HEIGHT), _cost_static, _cost_dynamic)
ONE_PANELS = (COST, DATA)  # the cost first: on a phone it comes right under α


def one_parameter_figure(
    run, *, highlight: int, theme: str = "light", upto: int | None = None
) -> Figure:
    """Both panels on one Figure: J(θ1) with the iterates on it; data with fit lines (those
    up to iterate ``upto`` only, when given)."""
    return whole_figure(ONE_PANELS, run, one_parameter_view(run, upto), highlight, theme, upto)


# ---------------------------------------------------------------- layered PNGs
@lru_cache(maxsize=STATIC_CACHE)
def static_pixels(
    draw, size, data: LineData, problem: LeastSquares, view: View, theme: str, dpi: float
):
    """The static layer drawn by ``draw(fig, data, problem, view)`` in ``theme`` at ``dpi``
    (the screen's, or an animation frame's: see :func:`current_dpi`), as a cached pixel
    region."""
    fig = new_figure(size)
    draw(fig, data, problem, view)
    return background(apply_theme(fig, theme))


def one_parameter_png(
    run, *, highlight: int, theme: str = "light", upto: int | None = None
) -> tuple[Rendered, ...]:
    """Each panel of :func:`one_parameter_figure` as its own image, static layers cached."""
    view = one_parameter_view(run, upto)
    return tuple(panel_png(p, run, view, highlight, theme, upto) for p in ONE_PANELS)
