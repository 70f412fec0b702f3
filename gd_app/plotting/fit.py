"""The one-parameter fit's figure: the cost curve J(θ1) with the iterates on it, an arrow
from each to the next, and the data panel with the fit lines (see
:mod:`gd_app.plotting.panels` for the two layers)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gd_app.plotting.common import (
    BLUE,
    GREEN,
    ORANGE,
    VERMILLION,
    Rendered,
    axes,
    highlight_handle,
    legend_below,
    marker,
    padded,
    revealed,
)
from gd_app.plotting.fit_data import DATA, data_ylim, parameter_units
from gd_app.plotting.panels import (
    PANEL_SIZE,
    Iterates,
    Panel,
    View,
    layered_figure,
    layered_frames,
    layered_png,
    modes,
    partial_mode,
    zoom_to_fit,
)
from gd_core.linear import LeastSquares, LineData

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
    lo, hi = zoom_to_fit(
        np.concatenate([trajectory.params[:n, 0], problem.solution, targets]), *base
    )
    lo, hi = padded(lo, hi, 0.03)
    top = 1.1 * float(problem.cost(np.array([[lo], [hi]])).max())
    inset = run.schedule != "constant"
    return View(
        data_y=data_ylim(data, inset=inset),
        theta0=(0.0, 0.0),
        theta1=(lo, hi),
        cost_top=top,
        mode=modes(run) + partial_mode(run, upto),
    )


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


class _CostLayer:
    """J(θ1) panel's dynamic layer: the iterates on the curve, an arrow from each to the
    next (the order of the steps, as on the map), the targets on top."""

    def __init__(self, fig, run, view: View):
        data, problem, trajectory = run.data, run.problem, run.trajectory
        (right,) = axes(fig, (COST_RECT,), bare=True)
        right.set_xlim(*view.theta1)
        right.set_ylim(-0.04 * view.cost_top, view.cost_top)  # markers at J = 0 stay whole
        self.iterates = Iterates(
            right,
            np.column_stack([trajectory.params[:, 0], trajectory.values]),
            steps=dict(color=VERMILLION, width=0.005, alpha=0.8, zorder=2),
            dots=dict(s=40, lw=0, c=BLUE, zorder=3),
            final=dict(c=ORANGE, ms=11, zorder=5),
            ring_z=6,
            most=MAX_ARROWS,
        )
        self.rows = run.rows
        # The targets go on top, so a run that reaches them does not hide them.
        true = data.theta_true[1] if data.theta_true is not None else None
        if true is not None:
            right.plot(true, problem.cost(np.array([true])), "*", c=GREEN, mec="w", ms=12, zorder=7)
        if true is None or not np.isclose(problem.solution[0], true):
            right.plot(problem.solution[0], problem.min_cost, "P", c="k", mec="w", ms=9, zorder=7)

    def show(self, highlight: int, upto: int | None = None) -> None:
        self.iterates.show(highlight, revealed(self.rows, upto))


MAX_ARROWS = 1000  # every step of the longest run
COST = Panel("cost", PANEL_SIZE, _cost_static, _CostLayer)
ONE_PANELS = (COST, DATA)  # the cost first: on a phone it comes right under α


def one_parameter_figure(
    run, *, highlight: int, theme: str = "light", upto: int | None = None
) -> Figure:
    """Both panels on one Figure: J(θ1) with the iterates on it; data with fit lines (those
    up to iterate ``upto`` only, when given)."""
    return layered_figure(
        ONE_PANELS, one_parameter_view, run, highlight=highlight, theme=theme, upto=upto
    )


def one_parameter_png(run, **kwargs) -> tuple[Rendered, ...]:
    """Each panel of :func:`one_parameter_figure` as its own image, static layers cached."""
    return layered_png(ONE_PANELS, one_parameter_view, run, **kwargs)


def one_parameter_frames(run, **kwargs) -> list[tuple[Rendered, ...]]:
    """:func:`one_parameter_png` revealed up to each of ``highlights`` (GIF frames)."""
    return layered_frames(ONE_PANELS, one_parameter_view, run, **kwargs)
