"""The two-parameter fit's figure: data with fit lines, and the full-batch cost map with the
steps, the Hessian's eigenvectors and (with mini-batches) the fan of per-example steps.

Both axes of the map have the same scale, so the eigenvectors' right angle, the contours'
shape and the steps' directions are true. The window follows θ*: it is the seed's
[−4, 4] × [−5, 5] (widened to equal scales) about the origin when that holds the start
and θ*, else centred on θ*; then doubled until it holds the iterates (at most 64×).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gd_app.plotting.common import (
    ORANGE,
    SKY,
    VERMILLION,
    Rendered,
    apply_theme,
    axes,
    draw_over,
    dynamic_figure,
    frozen,
    highlight_handle,
    legend_below,
    marker,
    new_figure,
    revealed,
    ring,
)
from gd_app.plotting.fit import (
    View,
    _data_panel_dynamic,
    _data_panel_static,
    _data_ylim,
    alpha_inset,
    modes,
    parameter_units,
    static_pixels,
)
from gd_core.linear import LeastSquares, LineData
from gd_core.minibatch import per_example_gradients

TWO_SIZE = (10.0, 4.8)
TWO_RECTS = ((0.065, 0.25, 0.37, 0.68), (0.52, 0.25, 0.36, 0.68))
COLORBAR_RECT = (0.895, 0.25, 0.015, 0.68)
GRID = 101  # the seed's grid
HALF_THETA1 = 5.0  # the seed's θ1 ∈ [−5, 5]; θ0 gets the same scale
BOX_RATIO = (TWO_RECTS[1][2] * TWO_SIZE[0]) / (TWO_RECTS[1][3] * TWO_SIZE[1])  # width/height
HALF_THETA0 = HALF_THETA1 * BOX_RATIO
FAN = 60  # per-example steps drawn at most
# The fan's magnifying inset, in map-axes fractions: square on screen, upper left.
FAN_INSET = (0.02, 0.97 - 0.42 * BOX_RATIO, 0.42, 0.42 * BOX_RATIO)
PURPLE = "#CC79A7"  # Okabe–Ito reddish purple


@dataclass(frozen=True)
class CostSurface:
    """J on a G×G grid over the view and its contour levels (equally spaced in √(J − J*))."""

    theta0: np.ndarray
    theta1: np.ndarray
    cost: np.ndarray
    levels: np.ndarray


def cost_surface(problem: LeastSquares, view: View) -> CostSurface:
    """O(G²) from the sufficient statistics, whatever the number of data points."""
    theta0 = np.linspace(*view.theta0, GRID)
    theta1 = np.linspace(*view.theta1, GRID)
    cost = problem.cost(np.stack(np.meshgrid(theta0, theta1), axis=-1))
    # Squares of evenly spaced numbers: contours evenly spaced in distance from θ*
    # along every direction, so a narrow valley shows its floor, not one dark band.
    excess = np.linspace(0.0, 1.0, 32)[1:-1] ** 2 * (cost.max() - problem.min_cost)
    levels = problem.min_cost + excess
    return CostSurface(*(frozen(a) for a in (theta0, theta1, cost, levels)))


def _in_coordinates(run, theta) -> np.ndarray:
    """(θ0, θ1) in the units of x to the coordinates the map is drawn in."""
    theta = np.asarray(theta, dtype=float)
    return run.scaling.from_original(theta) if run.scaling else theta


def two_parameter_view(run) -> View:
    problem, params = run.problem, run.trajectory.params
    targets = [] if run.data.theta_true is None else [_in_coordinates(run, run.data.theta_true)]
    fixed = np.vstack([params[:1], problem.solution, *targets])
    half = np.array([HALF_THETA0, HALF_THETA1])
    centre = np.zeros(2)
    if np.any(np.abs(fixed) > 0.9 * half):  # follow θ*: centred between it and the start
        centre = (np.asarray(problem.solution, dtype=float) + params[0]) / 2
    points = np.vstack([fixed, params])
    finite = points[np.all(np.isfinite(points), axis=1)]
    reach = np.max(np.abs(finite - centre) / half, axis=0).max() / 0.9
    zoom = 1
    while zoom < reach and zoom < 64:
        zoom *= 2
    if centre.any():  # the points that must show always fit, whatever the iterates do
        while zoom < np.max(np.abs(fixed - centre) / half) / 0.9:
            zoom *= 2
    lo, hi = centre - zoom * half, centre + zoom * half
    return View(
        data_y=_data_ylim(run.data, inset=run.schedule != "constant"),
        theta0=(float(lo[0]), float(hi[0])),
        theta1=(float(lo[1]), float(hi[1])),
        mode=modes(run) + (("standardized",) if run.scaling else ()),
    )


def _eigenvectors(ax, problem: LeastSquares, view: View) -> None:
    values, vectors = np.linalg.eigh(problem.hessian)
    length = 0.3 * (view.theta1[1] - view.theta1[0]) / 2
    for j, (name, colour) in enumerate((("λmin", "w"), ("λmax", "w"))):
        direction = vectors[:, j] * length
        a, b = problem.solution - direction, problem.solution + direction
        ax.annotate(
            "",
            xy=b,
            xytext=a,
            arrowprops=dict(arrowstyle="<->", color=colour, lw=1.6, shrinkA=0, shrinkB=0),
            zorder=4,
        )
        ax.annotate(
            f"{name} = {values[j]:.3g}",
            xy=b,
            xytext=(4, 4),
            textcoords="offset points",
            color="w",
            fontsize=8,
            zorder=4,
            bbox=dict(boxstyle="round,pad=0.15", fc="k", ec="none", alpha=0.55),
        )


def _two_static(fig: Figure, data: LineData, problem: LeastSquares, view: View):
    left, right = axes(fig, TWO_RECTS, bare=False)
    _data_panel_static(left, data, view)
    surface = cost_surface(problem, view)
    image = right.imshow(
        surface.cost,
        extent=(*view.theta0, *view.theta1),
        origin="lower",
        aspect="auto",  # the view already has equal scales for this box
        cmap="viridis",
        norm=PowerNorm(0.5, vmin=problem.min_cost, vmax=float(surface.cost.max())),
        interpolation="nearest",
    )
    fig.colorbar(image, cax=fig.add_axes(COLORBAR_RECT), label="full-batch cost J")
    contours = right.contour(
        surface.theta0, surface.theta1, surface.cost, surface.levels, colors="gray", linewidths=0.8
    )
    right.clabel(contours, contours.levels[::4], inline=True, fontsize=7, colors="w", fmt="%.3g")
    _eigenvectors(right, problem, view)
    handles = [
        *(
            [marker("true θ", "o", "w", mec="k", mfc="none", ms=9, mew=2)]
            if data.theta_true
            else []
        ),
        marker("iterates", "o", SKY),
        Line2D([], [], c=VERMILLION, marker=">", ms=5, label="steps"),
        marker("final θ", "o", ORANGE, ms=8),
        highlight_handle(),
        Line2D([], [], c="k", lw=1.2, marker="$↔$", ms=9, label="eigenvectors"),
    ]
    if "batch" in view.mode:
        handles.append(Line2D([], [], c=PURPLE, lw=1, label="per-example steps"))
    handles.append(marker("best fit θ*", "P", "w", mec="k", ms=9))
    right.set_xlim(*view.theta0)
    right.set_ylim(*view.theta1)
    prime = "'" if "standardized" in view.mode else ""
    intercept, slope = parameter_units(data)
    if prime:  # h = θ0′ + θ1′·z with z unitless: both in the units of y
        slope = intercept
    right.set_xlabel(rf"$\theta{prime}_0$" + (" (standardized)" if prime else "") + intercept)
    right.set_ylabel(rf"$\theta{prime}_1$" + (" (standardized)" if prime else "") + slope)
    right.set_title("Cost function (equal axis scales)")
    legend_below(right, handles, ncol=4)


def _arrows(ax, tails, deltas, **kwargs):
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


def _fan(ax, run, highlight: int) -> None:
    """At θ(k−1), the per-example steps −α_(k−1)·∇ℓ_i of step k's batch: their mean is step k.

    Drawn at the map's scale, and again magnified in an inset (same scale on both
    axes), since near θ* the whole fan is smaller than a marker.
    """
    k = highlight - 1
    theta = run.trajectory.params[k]
    idx = run.batches.indices(k)
    X, y = run.design()[idx], run.data.y[idx]
    with np.errstate(all="ignore"):
        steps = -run.alphas[k] * per_example_gradients(X, y, theta)
    steps = steps[np.all(np.isfinite(steps), axis=1)]
    if len(steps) > FAN:
        steps = steps[np.linspace(0, len(steps) - 1, FAN).round().astype(int)]
    mean = run.trajectory.params[highlight] - theta
    tails = np.repeat(theta[None], len(steps), 0)
    _arrows(ax, tails, steps, color=PURPLE, width=0.003, zorder=8)
    _arrows(ax, theta[None], mean[None], color="k", width=0.006, zorder=8)
    reach = float(np.max(np.abs(np.vstack([steps, mean[None]])))) if len(steps) else 0.0
    if not reach > 0:
        return
    inset = ax.inset_axes(FAN_INSET)
    inset.set_facecolor("white")
    half = 1.15 * reach
    inset.set_xlim(theta[0] - half, theta[0] + half)  # the inset is square: equal scales
    inset.set_ylim(theta[1] - half, theta[1] + half)
    _arrows(inset, tails, steps, color=PURPLE, width=0.012)
    _arrows(inset, theta[None], mean[None], color="k", width=0.03)
    inset.plot(*theta, "o", c=SKY, ms=5, zorder=5)
    inset.plot(*(theta + mean), "x", c="k", ms=6, mew=1.5, zorder=6)  # the step's end
    inset.set_xticks([])
    inset.set_yticks([])
    zoom = (ax.get_ylim()[1] - ax.get_ylim()[0]) / (2 * half * FAN_INSET[3])
    inset.text(
        0.5,
        0.02,
        f"step {highlight} magnified ×{zoom:.2g}:\n{len(steps)} per-example steps;\n"
        "their mean: the step (black, to ×)",
        transform=inset.transAxes,
        ha="center",
        va="bottom",
        fontsize=6,
    )


def _two_dynamic(fig, run, view, highlight, upto=None):
    left, right = axes(fig, TWO_RECTS, bare=True)
    trajectory, problem = run.trajectory, run.problem
    n = revealed(run.rows, upto)
    complete = n == run.rows
    params = trajectory.params[:n]
    lines = run.scaling.to_original(params) if run.scaling else params
    _data_panel_dynamic(left, run.data, lines, view, highlight, intercept=True, complete=complete)
    if "schedule" in view.mode:
        alpha_inset(left, run, highlight, 2.0 / float(np.linalg.eigvalsh(problem.hessian)[-1]))
    right.set_xlim(*view.theta0)
    right.set_ylim(*view.theta1)
    if len(params) > 1:
        _arrows(
            right, params[:-1], np.diff(params, axis=0), color=VERMILLION, width=0.004, zorder=5
        )
    if "batch" in view.mode and highlight > 0:
        _fan(right, run, highlight)
    right.scatter(params[:, 0], params[:, 1], s=30, lw=0, c=SKY, zorder=8)
    if complete:
        right.plot(*params[-1], "o", c=ORANGE, ms=8, zorder=8)
    ring(right, *params[highlight], zorder=9)
    # The targets go on top, as rings that show on dark and light colours alike.
    if run.data.theta_true is not None:
        true = _in_coordinates(run, run.data.theta_true)
        for colour, width in (("k", 3.5), ("w", 1.8)):
            right.plot(*true, "o", mfc="none", mec=colour, ms=11, mew=width, zorder=10)
    right.plot(*problem.solution, "P", c="w", mec="k", ms=10, zorder=10)


def two_parameter_figure(
    run, *, highlight: int, theme: str = "light", upto: int | None = None
) -> Figure:
    """Seed 000, second demo: data with fit lines; J(θ0, θ1) as a colour map with steps
    (those up to iterate ``upto`` only, when given)."""
    view = two_parameter_view(run)
    fig = new_figure(TWO_SIZE)
    _two_static(fig, run.data, run.problem, view)
    _two_dynamic(fig, run, view, highlight, upto)
    return apply_theme(fig, theme)


def two_parameter_png(
    run, *, highlight: int, theme: str = "light", upto: int | None = None
) -> Rendered:
    """The same picture as :func:`two_parameter_figure`, static layer from the cache."""
    view = two_parameter_view(run)
    with dynamic_figure(TWO_SIZE) as fig:
        _two_dynamic(fig, run, view, highlight, upto)
        static = static_pixels(_two_static, TWO_SIZE, run.data, run.problem, view, theme)
        return draw_over(static, apply_theme(fig, theme))
