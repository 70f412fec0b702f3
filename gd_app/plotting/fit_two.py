"""The two-parameter fit's figure: data with fit lines, and the full-batch cost map with the
steps, the Hessian's eigenvectors and (with mini-batches) the fan of per-example steps.

Both axes of the map have the same scale, so the eigenvectors' right angle, the contours'
shape and the steps' directions are true. The window follows θ*: it is
[−5, 5] in θ1 (θ0 widened to equal scales) about the origin when that holds the start
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
    axes,
    frozen,
    highlight_handle,
    legend_below,
    marker,
    revealed,
)
from gd_app.plotting.fit_data import DATA, data_ylim, parameter_units
from gd_app.plotting.panels import (
    MIN_FONT,
    PANEL_SIZE,
    Iterates,
    Panel,
    View,
    arrows,
    layered_figure,
    layered_frames,
    layered_png,
    modes,
    partial_mode,
)
from gd_core.linear import LeastSquares, LineData
from gd_core.minibatch import per_example_gradients

MAP_SIZE = PANEL_SIZE
MAP_RECT = (0.15, 0.35, 0.64, 0.58)
COLORBAR_RECT = (0.815, 0.35, 0.03, 0.58)
GRID = 101  # a 101 x 101 grid of J
HALF_THETA1 = 5.0  # θ1 ∈ [−5, 5] at first; θ0 gets the same scale
BOX_RATIO = (MAP_RECT[2] * MAP_SIZE[0]) / (MAP_RECT[3] * MAP_SIZE[1])  # width/height
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


def two_parameter_view(run, upto: int | None = None) -> View:
    """The map's window: it holds the start, θ* and the iterates (those up to ``upto``
    only, when given: the window must not tell where the run goes)."""
    problem, params = run.problem, run.trajectory.params[: revealed(run.rows, upto)]
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
        data_y=data_ylim(run.data, inset=run.schedule != "constant"),
        theta0=(float(lo[0]), float(hi[0])),
        theta1=(float(lo[1]), float(hi[1])),
        mode=modes(run) + (("standardized",) if run.scaling else ()) + partial_mode(run, upto),
    )


def _eigenvectors(ax, problem: LeastSquares, view: View) -> None:
    values, vectors = np.linalg.eigh(problem.hessian)
    named = "partial" not in view.mode  # λmax gives α_crit = 2/λmax away: only once all is drawn
    length = 0.3 * (view.theta1[1] - view.theta1[0]) / 2
    for j in range(2):
        direction = vectors[:, j] * length
        ax.annotate(
            "",
            xy=problem.solution + direction,
            xytext=problem.solution - direction,
            arrowprops=dict(arrowstyle="<->", color="w", lw=1.6, shrinkA=0, shrinkB=0),
            zorder=4,
        )
    if not named:
        return
    texts = [f"{name} = {values[j]:.3g}" for j, name in enumerate(("λmin", "λmax"))]
    ends = _label_ends(ax, problem, vectors * length, texts)
    for text, (end, outward) in zip(texts, ends, strict=True):
        # written outward from θ*, past the arrow's end: never over θ* or the other label
        across = abs(outward[0]) >= abs(outward[1])
        sign_x, sign_y = (1 if outward[0] >= 0 else -1), (1 if outward[1] >= 0 else -1)
        ax.annotate(
            text,
            xy=end,
            xytext=(5 * sign_x, 0) if across else (0, 5 * sign_y),
            ha=("left" if sign_x > 0 else "right") if across else "center",
            va="center" if across else ("bottom" if sign_y > 0 else "top"),
            textcoords="offset points",
            color="w",
            fontsize=MIN_FONT,
            zorder=4,
            bbox=dict(boxstyle="round,pad=0.15", fc="k", ec="none", alpha=0.55),
        )


def _uncover(ax, levels) -> None:
    """Drop each contour label an eigenvalue label would be written over: the two, both
    white on the map, made an unreadable blot (penguins: "λmin = 0.00486" on "8e+05")."""
    renderer = ax.figure.canvas.get_renderer()
    named = [t for t in ax.texts if t not in levels and t.get_text().startswith("λ")]
    boxes = [t.get_window_extent(renderer).expanded(1.1, 1.3) for t in named]
    for level in list(levels):
        if any(level.get_window_extent(renderer).overlaps(box) for box in boxes):
            level.remove()


def _label_ends(ax, problem: LeastSquares, directions: np.ndarray, texts) -> list:
    """For each eigenvector's label, (the arrow's end it is written at, the outward direction
    on the page): of its two ends, the one whose label fits inside the axes, the two labels
    apart, and as many as can be at θ* + v (v pointing up, or right), then far apart."""
    size = np.array([ax.bbox.width, ax.bbox.height]) * 72 / ax.figure.dpi  # points
    # up (or right) first: the start usually lies below and left of θ*, and eigh's signs are
    # arbitrary
    flip = np.where(
        np.abs(directions[1]) > 1e-9 * np.abs(directions).max(), directions[1], directions[0]
    )
    directions = directions * np.where(flip < 0, -1.0, 1.0)
    lo = np.array([ax.get_xlim()[0], ax.get_ylim()[0]])
    span = np.array([ax.get_xlim()[1], ax.get_ylim()[1]]) - lo
    centre = (np.asarray(problem.solution, dtype=float) - lo) / span * size

    def box_of(j, sign):  # the label's box in points from the axes' lower left corner
        end = centre + sign * directions[:, j] / span * size
        out = end - centre
        w, h = 0.62 * MIN_FONT * len(texts[j]) + 4, 1.4 * MIN_FONT + 4
        if abs(out[0]) >= abs(out[1]):
            x0 = end[0] + 5 if out[0] >= 0 else end[0] - 5 - w
            return np.array([x0, end[1] - h / 2, x0 + w, end[1] + h / 2]), out
        y0 = end[1] + 5 if out[1] >= 0 else end[1] - 5 - h
        return np.array([end[0] - w / 2, y0, end[0] + w / 2, y0 + h]), out

    def outside(b):  # how far the box sticks out of the axes, in points
        return (
            max(0.0, -b[0]) + max(0.0, -b[1]) + max(0.0, b[2] - size[0]) + max(0.0, b[3] - size[1])
        )

    def score(signs):
        (a, _), (b, _) = (box_of(j, sign) for j, sign in enumerate(signs))
        gap = max(b[0] - a[2], a[0] - b[2], b[1] - a[3], a[1] - b[3])  # < 0: they overlap
        return (-(outside(a) + outside(b)), min(gap, 0.0), sum(signs), gap)

    best = max(((1, 1), (1, -1), (-1, 1), (-1, -1)), key=score)
    return [
        (problem.solution + sign * directions[:, j], box_of(j, sign)[1])
        for j, sign in enumerate(best)
    ]


def _map_static(fig: Figure, data: LineData, problem: LeastSquares, view: View):
    (right,) = axes(fig, (MAP_RECT,), bare=False)
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
    levels = right.clabel(
        contours, contours.levels[::4], inline=True, fontsize=MIN_FONT, colors="w", fmt="%.3g"
    )
    _eigenvectors(right, problem, view)
    _uncover(right, levels)
    handles = [
        *(
            [marker("true θ", "o", "w", mec="k", mfc="none", ms=9, mew=2)]
            if data.theta_true
            else []
        ),
        marker("iterates", "o", SKY),
        Line2D([], [], c=VERMILLION, marker=">", ms=5, label="steps"),
        *([] if "partial" in view.mode else [marker("final θ", "o", ORANGE, ms=8)]),
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
    right.set_title("Cost function J(θ₀, θ₁)")
    legend_below(right, handles, ncol=2)


def _fan(ax, run, highlight: int) -> list:
    """At θ(k−1), the per-example steps −α_(k−1)·∇ℓ_i of step k's batch: their mean is step k.

    Drawn at the map's scale (under the iterates' dots), and again magnified in an inset
    (same scale on both axes), since near θ* the whole fan is smaller than a marker.
    Returns what it drew.
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
    drawn = [
        arrows(ax, tails, steps, color=PURPLE, width=0.003, zorder=7.5),
        arrows(ax, theta[None], mean[None], color="k", width=0.006, zorder=7.5),
    ]
    reach = float(np.max(np.abs(np.vstack([steps, mean[None]])))) if len(steps) else 0.0
    if not reach > 0:
        return drawn
    inset = ax.inset_axes(FAN_INSET)
    inset.set_facecolor("white")
    half = 1.15 * reach
    inset.set_xlim(theta[0] - half, theta[0] + half)  # the inset is square: equal scales
    inset.set_ylim(theta[1] - half, theta[1] + half)
    arrows(inset, tails, steps, color=PURPLE, width=0.012)
    arrows(inset, theta[None], mean[None], color="k", width=0.03)
    inset.plot(*theta, "o", c=SKY, ms=5, zorder=5)
    inset.plot(*(theta + mean), "x", c="k", ms=6, mew=1.5, zorder=6)  # the step's end
    inset.set_xticks([])
    inset.set_yticks([])
    zoom = (ax.get_ylim()[1] - ax.get_ylim()[0]) / (2 * half * FAN_INSET[3])
    inset.text(
        0.5,
        0.02,
        f"step {highlight}, ×{zoom:.2g}",
        transform=inset.transAxes,
        ha="center",
        va="bottom",
        fontsize=MIN_FONT,
    )
    return [*drawn, inset]


class _MapLayer:
    """The map's dynamic layer: the steps as arrows, the iterates, with mini-batches the
    fan of the highlighted step, and the targets on top."""

    def __init__(self, fig, run, view: View):
        (self.ax,) = axes(fig, (MAP_RECT,), bare=True)
        self.ax.set_xlim(*view.theta0)
        self.ax.set_ylim(*view.theta1)
        self.iterates = Iterates(
            self.ax,
            run.trajectory.params,
            steps=dict(color=VERMILLION, width=0.006, zorder=5),
            dots=dict(s=30, lw=0, c=SKY, zorder=8),
            final=dict(c=ORANGE, ms=8, zorder=8),
            ring_z=9,
        )
        # The targets go on top, as rings that show on dark and light colours alike.
        if run.data.theta_true is not None:
            true = _in_coordinates(run, run.data.theta_true)
            for colour, width in (("k", 3.5), ("w", 1.8)):
                self.ax.plot(*true, "o", mfc="none", mec=colour, ms=11, mew=width, zorder=10)
        self.ax.plot(*run.problem.solution, "P", c="w", mec="k", ms=10, zorder=10)
        self.run, self.fan = run, [] if "batch" in view.mode else None

    def show(self, highlight: int, upto: int | None = None) -> None:
        self.iterates.show(highlight, revealed(self.run.rows, upto))
        if self.fan is None:
            return
        for artist in self.fan:
            artist.remove()
        self.fan = _fan(self.ax, self.run, highlight) if highlight > 0 else []


MAP = Panel("map", MAP_SIZE, _map_static, _MapLayer)
TWO_PANELS = (MAP, DATA)  # the map first: on a phone it comes right under α


def two_parameter_figure(
    run, *, highlight: int, theme: str = "light", upto: int | None = None
) -> Figure:
    """Both panels on one Figure: J(θ0, θ1) as a colour map with steps; data with fit lines
    (those up to iterate ``upto`` only, when given)."""
    return layered_figure(
        TWO_PANELS, two_parameter_view, run, highlight=highlight, theme=theme, upto=upto
    )


def two_parameter_png(run, **kwargs) -> tuple[Rendered, ...]:
    """Each panel of :func:`two_parameter_figure` as its own image, static layers cached."""
    return layered_png(TWO_PANELS, two_parameter_view, run, **kwargs)


def two_parameter_frames(run, **kwargs) -> list[tuple[Rendered, ...]]:
    """:func:`two_parameter_png` revealed up to each of ``highlights`` (GIF frames)."""
    return layered_frames(TWO_PANELS, two_parameter_view, run, **kwargs)
