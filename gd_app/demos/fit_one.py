"""View model of the one-parameter fit: h(x) = θ1·x."""

from __future__ import annotations

from gd_app import runtime
from gd_app.controls import ONE_PARAMETER, allowed_values, control
from gd_app.data_ranges import data_alpha_options
from gd_app.demos.common import (
    PICTURES,
    Demo,
    Picture,
    animation_frames,
    cache_by_name,
    highlighted_row,
)
from gd_app.demos.fit import FitRun, fit_demo, fit_png, fit_run
from gd_app.demos.fit_words import lines_text, points_text
from gd_app.plotting import fit as plotting
from gd_core.data import DataSet

ALPHA_GRID = allowed_values(control(ONE_PARAMETER, "alpha"))


@cache_by_name(maxsize=16)
def _one_run(
    *,
    N: int,
    alpha: float,
    theta1: float,
    m: int = 20,
    noise: float = 0.0,
    seed: int = 0,
    batch: int = 0,
    schedule: str = "constant",
    decay: float = 0.1,
    source: DataSet | None = None,
) -> FitRun:
    return fit_run(
        intercept=False,
        theta_true=(0.0, 0.5),
        start=(theta1,),
        N=N,
        alpha=alpha,
        m=m,
        noise=noise,
        seed=seed,
        batch=batch,
        schedule=schedule,
        decay=decay,
        source=source,
    )


def one_parameter(**params) -> Demo:
    """Fit h = θ1·x to y = 0.5·x (+ noise)."""
    run = _one_run(**params)
    view = plotting.one_parameter_view(run)
    return fit_demo(
        run,
        alpha=params["alpha"],
        labels=("θ1",),
        names=("theta1",),
        box=[view.theta1],
        alpha_grid=ALPHA_GRID  # the α control's own values: on chosen data, the data's
        if params.get("source") is None
        else data_alpha_options(params["source"], intercept=False),
    )


@cache_by_name(maxsize=PICTURES)
def one_parameter_picture(
    *, step: int = 0, theme: str = "light", reveal: bool = False, **params
) -> Picture:
    """The figure for :func:`one_parameter`'s ``params``, iterate ``step`` highlighted; with
    ``reveal`` (play, prediction mode, GIF frames) nothing after ``step`` is drawn.

    Two panels, each its own image: the cost curve, then the data with the fit lines."""
    run = _one_run(**params)
    data, trajectory = run.data, run.trajectory
    highlight = highlighted_row(step, trajectory)
    theta1 = params["theta1"]
    if reveal:
        cost_alt = (
            f"Cost function: the parabola J(θ1) with the iterates from θ1 = {theta1:g} up to "
            f"iterate {highlight}, θ1 = {trajectory.params[highlight, 0]:.3g}, an arrow from "
            "each to the next; nothing after it is drawn."
        )
        data_alt = (
            f"Data and fit: {points_text(data, 'y = 0.5x')} with the fit lines of iterates 0 "
            f"to {highlight}."
        )
        upto = {"upto": highlight}
    else:
        final = trajectory.final[0]
        target = (
            "the true θ1 is 0.5"
            if data.theta_true is not None
            else f"the best line through the origin has θ1* = {run.problem.solution[0]:.4g}"
        )
        cost_alt = (
            f"Cost function: the parabola J(θ1) with the iterates moving from θ1 = {theta1:g} "
            f"to {final:.3g}, an arrow from each iterate to the next; {target}."
        )
        data_alt = (
            f"Data and fit: {points_text(data, 'y = 0.5x')} with {lines_text(trajectory)}, the "
            f"last with slope {final:.3g}."
        )
        upto = {}
    if run.schedule != "constant":
        data_alt += " An inset plots the learning rate α_k of each step."
    panels = runtime.draw(
        fit_png, plotting.one_parameter_png, run, highlight=highlight, theme=theme, **upto
    )
    return Picture.of_panels(panels, (cost_alt, data_alt))


def one_parameter_frames(steps, *, theme, width, full_width, encoding=None, **params):
    """An animation's frames of :func:`one_parameter_picture` (see
    :func:`gd_app.demos.common.animation_frames`)."""
    run = _one_run(**params)
    return animation_frames(
        run.trajectory,
        (fit_png, plotting.one_parameter_frames, run),
        steps,
        theme=theme,
        width=width,
        full_width=full_width,
        encoding=encoding,
    )
