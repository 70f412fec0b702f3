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
    SKY,
    VERMILLION,
    apply_theme,
    axes,
    draw_over,
    frozen,
    highlight_handle,
    legend_below,
    marker,
    new_figure,
    padded,
    pixels,
    ring,
)
from gd_core.descent import Trajectory
from gd_core.linear import LeastSquares, LineData

MAX_SCATTER = 400  # data points drawn; a larger data set is drawn as an even sample
STATIC_CACHE = 4  # static layers kept (each about 8 MB of pixels)


# ---------------------------------------------------------------- views
@dataclass(frozen=True)
class View:
    """Axis limits, fixed per data set (and zoom level), so the static layer can be cached."""

    data_y: tuple[float, float]
    theta0: tuple[float, float]
    theta1: tuple[float, float]
    cost_top: float = 0.0


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


def _data_ylim(data: LineData) -> tuple[float, float]:
    return padded(float(data.y.min()), float(data.y.max()), 0.1)


def _sample(data: LineData) -> tuple[np.ndarray, np.ndarray]:
    every = max(1, int(np.ceil(len(data.x) / MAX_SCATTER)))
    return data.x[::every], data.y[::every]


def _data_panel_static(ax, data: LineData, view: View):
    xs, ys = _sample(data)
    ax.scatter(xs, ys, marker="x", s=40, color=GREEN, zorder=3)
    ax.set_xlim(*padded(float(data.x[0]), float(data.x[-1])))
    ax.set_ylim(*view.data_y)
    ax.set_xlabel(r"$x$")
    ax.set_ylabel(r"$y$")
    ax.set_title("Data and fit")
    legend_below(
        ax,
        [
            marker("data from true θ", "x", GREEN, ms=7),
            Line2D([], [], c=BLUE, lw=1.5, alpha=0.6, label="fit at each iterate"),
            Line2D([], [], c=ORANGE, lw=2.5, label="final fit"),
            Line2D([], [], c=VERMILLION, lw=2, ls="--", label="highlighted iterate"),
        ],
        ncol=2,
    )


def _data_panel_dynamic(
    ax, data: LineData, params: np.ndarray, view: View, highlight: int, *, intercept: bool
):
    """Every iterate's fit line in one LineCollection, the last in orange."""
    ax.set_xlim(*padded(float(data.x[0]), float(data.x[-1])))
    ax.set_ylim(*view.data_y)
    ends = np.array([data.x[0], data.x[-1]])
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


# ---------------------------------------------------------------- one parameter
ONE_SIZE = (8.4, 4.8)  # 1680x960 px: at least the seed's 1260x939 both ways
ONE_RECTS = ((0.1, 0.25, 0.375, 0.68), (0.585, 0.25, 0.385, 0.68))


def one_parameter_view(data: LineData, problem: LeastSquares, trajectory: Trajectory) -> View:
    """Limits of the 1D figure: the seed's θ1 ∈ [−0.2, 1.2], zoomed out to hold the iterates."""
    lo, hi = _zoom_to_fit(
        np.concatenate([trajectory.params[:, 0], problem.solution, [data.theta_true[1]]]),
        -0.2,
        1.2,
    )
    lo, hi = padded(lo, hi, 0.03)
    top = 1.1 * float(problem.cost(np.array([[lo], [hi]])).max())
    return View(data_y=_data_ylim(data), theta0=(0.0, 0.0), theta1=(lo, hi), cost_top=top)


def _one_static(fig: Figure, data: LineData, problem: LeastSquares, view: View):
    left, right = axes(fig, ONE_RECTS, bare=False)
    _data_panel_static(left, data, view)
    grid = np.linspace(*view.theta1, 300)
    right.plot(grid, problem.cost(grid[:, None]), "k")
    handles = [
        Line2D([], [], c="k", label="J(θ₁)"),
        marker("iterates", "o", BLUE),
        marker("final θ₁", "o", ORANGE, ms=9),
        highlight_handle(),
        marker("true θ₁", "*", GREEN, ms=12),
    ]
    if not np.isclose(problem.solution[0], data.theta_true[1]):
        handles.append(marker("best fit θ₁*", "P", "k", ms=9))
    right.set_xlim(*view.theta1)
    right.set_ylim(-0.04 * view.cost_top, view.cost_top)  # markers at J = 0 stay whole
    right.set_xlabel(r"$\theta_1$")
    right.set_ylabel(r"$J(\theta_1)$")
    right.set_title("Cost function")
    legend_below(right, handles, ncol=2)


def _one_dynamic(fig, data, problem, trajectory, view, highlight):
    left, right = axes(fig, ONE_RECTS, bare=True)
    _data_panel_dynamic(left, data, trajectory.params, view, highlight, intercept=False)
    theta1, cost = trajectory.params[:, 0], trajectory.values
    right.set_xlim(*view.theta1)
    right.set_ylim(-0.04 * view.cost_top, view.cost_top)  # markers at J = 0 stay whole
    right.scatter(theta1, cost, s=40, lw=0, c=BLUE, zorder=3)
    right.plot(theta1[-1], cost[-1], "o", c=ORANGE, ms=11, zorder=5)
    ring(right, theta1[highlight], cost[highlight], zorder=6)
    # The targets go on top, so a run that reaches them does not hide them.
    true = data.theta_true[1]
    right.plot(true, problem.cost(np.array([true])), "*", c=GREEN, mec="w", ms=12, zorder=7)
    if not np.isclose(problem.solution[0], true):
        right.plot(problem.solution[0], problem.min_cost, "P", c="k", mec="w", ms=9, zorder=7)


def one_parameter_figure(data, problem, trajectory, *, highlight: int, theme="light") -> Figure:
    """Seed 000, first demo: data with fit lines; J(θ1) with the iterates on it."""
    view = one_parameter_view(data, problem, trajectory)
    fig = new_figure(ONE_SIZE)
    _one_static(fig, data, problem, view)
    _one_dynamic(fig, data, problem, trajectory, view, highlight)
    return apply_theme(fig, theme)


# ---------------------------------------------------------------- two parameters
TWO_SIZE = (10.0, 4.8)
TWO_RECTS = ((0.065, 0.25, 0.37, 0.68), (0.52, 0.25, 0.36, 0.68))
COLORBAR_RECT = (0.895, 0.25, 0.015, 0.68)
THETA0_RANGE, THETA1_RANGE, GRID = (-4.0, 4.0), (-5.0, 5.0), 101  # the seed's grid


@dataclass(frozen=True)
class CostSurface:
    """J on the seed's G×G grid over (θ0, θ1) and its 30 contour levels."""

    theta0: np.ndarray
    theta1: np.ndarray
    cost: np.ndarray
    levels: np.ndarray


def cost_surface(problem: LeastSquares) -> CostSurface:
    """O(G²) from the sufficient statistics, whatever the number of data points."""
    theta0 = np.linspace(*THETA0_RANGE, GRID)
    theta1 = np.linspace(*THETA1_RANGE, GRID)
    cost = problem.cost(np.stack(np.meshgrid(theta0, theta1), axis=-1))
    levels = np.linspace(cost.min(), cost.max(), 32)[1:-1]
    return CostSurface(*(frozen(a) for a in (theta0, theta1, cost, levels)))


def two_parameter_view(data: LineData) -> View:
    return View(data_y=_data_ylim(data), theta0=THETA0_RANGE, theta1=THETA1_RANGE)


def _two_static(fig: Figure, data: LineData, problem: LeastSquares, view: View):
    left, right = axes(fig, TWO_RECTS, bare=False)
    _data_panel_static(left, data, view)
    surface = cost_surface(problem)
    image = right.imshow(
        surface.cost,
        extent=(*view.theta0, *view.theta1),
        origin="lower",
        aspect="auto",
        cmap="viridis",
        interpolation="nearest",
    )
    fig.colorbar(image, cax=fig.add_axes(COLORBAR_RECT), label=r"$J(\theta_0, \theta_1)$")
    contours = right.contour(
        surface.theta0, surface.theta1, surface.cost, surface.levels, colors="gray", linewidths=0.8
    )
    # Every third level is labelled: all 30 crowd into the steep corner.
    right.clabel(contours, contours.levels[::3], inline=True, fontsize=7, colors="w", fmt="%.3g")
    handles = [
        marker("true θ", "o", "w", mec="k", mfc="none", ms=9, mew=2),
        marker("iterates", "o", SKY),
        Line2D([], [], c=VERMILLION, marker=">", ms=5, label="steps"),
        marker("final θ", "o", ORANGE, ms=8),
        highlight_handle(),
    ]
    if not np.allclose(problem.solution, data.theta_true):
        handles.append(marker("best fit θ*", "P", "w", mec="k", ms=9))
    right.set_xlim(*view.theta0)
    right.set_ylim(*view.theta1)
    right.set_xlabel(r"$\theta_0$")
    right.set_ylabel(r"$\theta_1$")
    right.set_title("Cost function")
    legend_below(right, handles)


def _two_dynamic(fig, data, problem, trajectory, view, highlight):
    left, right = axes(fig, TWO_RECTS, bare=True)
    params = trajectory.params
    _data_panel_dynamic(left, data, params, view, highlight, intercept=True)
    right.set_xlim(*view.theta0)
    right.set_ylim(*view.theta1)
    if len(params) > 1:
        d = np.diff(params, axis=0)
        right.quiver(
            params[:-1, 0],
            params[:-1, 1],
            d[:, 0],
            d[:, 1],
            angles="xy",
            scale_units="xy",
            scale=1,
            color=VERMILLION,
            width=0.004,
            zorder=5,
        )
    right.scatter(params[:, 0], params[:, 1], s=30, lw=0, c=SKY, zorder=6)
    right.plot(*params[-1], "o", c=ORANGE, ms=8, zorder=7)
    ring(right, *params[highlight], zorder=8)
    # The targets go on top, as rings that show on dark and light colours alike.
    for colour, width in (("k", 3.5), ("w", 1.8)):
        right.plot(*data.theta_true, "o", mfc="none", mec=colour, ms=11, mew=width, zorder=9)
    if not np.allclose(problem.solution, data.theta_true):
        right.plot(*problem.solution, "P", c="w", mec="k", ms=10, zorder=9)


def two_parameter_figure(data, problem, trajectory, *, highlight: int, theme="light") -> Figure:
    """Seed 000, second demo: data with fit lines; J(θ0, θ1) as a colour map with steps."""
    view = two_parameter_view(data)
    fig = new_figure(TWO_SIZE)
    _two_static(fig, data, problem, view)
    _two_dynamic(fig, data, problem, trajectory, view, highlight)
    return apply_theme(fig, theme)


# ---------------------------------------------------------------- layered PNGs
@lru_cache(maxsize=STATIC_CACHE)
def _static_pixels(
    kind: str, data: LineData, problem: LeastSquares, view: View, theme: str
) -> np.ndarray:
    draw, size = {"one": (_one_static, ONE_SIZE), "two": (_two_static, TWO_SIZE)}[kind]
    fig = new_figure(size)
    draw(fig, data, problem, view)
    return frozen(pixels(apply_theme(fig, theme)))


def one_parameter_png(data, problem, trajectory, *, highlight: int, theme="light") -> bytes:
    """The same picture as :func:`one_parameter_figure`, static layer from the cache."""
    view = one_parameter_view(data, problem, trajectory)
    fig = new_figure(ONE_SIZE, transparent=True)
    _one_dynamic(fig, data, problem, trajectory, view, highlight)
    return draw_over(_static_pixels("one", data, problem, view, theme), apply_theme(fig, theme))


def two_parameter_png(data, problem, trajectory, *, highlight: int, theme="light") -> bytes:
    """The same picture as :func:`two_parameter_figure`, static layer from the cache."""
    view = two_parameter_view(data)
    fig = new_figure(TWO_SIZE, transparent=True)
    _two_dynamic(fig, data, problem, trajectory, view, highlight)
    return draw_over(_static_pixels("two", data, problem, view, theme), apply_theme(fig, theme))
