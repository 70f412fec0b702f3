"""View model of the one-parameter fit (seed 000, first demo): h(x) = θ1·x."""

from __future__ import annotations

from gd_app import runtime
from gd_app.demos.common import PICTURES, Demo, Picture, cache_by_name, highlighted_row
from gd_app.demos.fit import FitRun, fit_demo, fit_png, fit_run, lines_text, points_text
from gd_app.plotting import fit as plotting
from gd_core.data import DataSet


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
    """Seed 000, first demo: fit h = θ1·x to y = 0.5·x (+ noise)."""
    run = _one_run(**params)
    view = plotting.one_parameter_view(run)
    return fit_demo(
        run, alpha=params["alpha"], labels=("θ1",), names=("theta1",), box=[view.theta1]
    )


@cache_by_name(maxsize=PICTURES)
def one_parameter_picture(
    *, step: int = 0, theme: str = "light", reveal: bool = False, **params
) -> Picture:
    """The figure for :func:`one_parameter`'s ``params``, iterate ``step`` highlighted; with
    ``reveal`` (play, prediction mode, GIF frames) nothing after ``step`` is drawn."""
    run = _one_run(**params)
    data, trajectory = run.data, run.trajectory
    highlight = highlighted_row(step, trajectory)
    if reveal:
        alt = (
            f"Left: {points_text(data, 'y = 0.5x')} with the fit lines of iterates 0 to "
            f"{highlight}. Right: the parabola J(θ1) with the iterates from θ1 = "
            f"{params['theta1']:g} up to iterate {highlight}, θ1 = "
            f"{trajectory.params[highlight, 0]:.3g}; nothing after it is drawn."
        )
        png, width = runtime.draw(
            fit_png,
            plotting.one_parameter_png,
            run,
            highlight=highlight,
            theme=theme,
            upto=highlight,
        )
        return Picture(png=png, alt=alt, width=width)
    final, theta1 = trajectory.final[0], params["theta1"]
    target = (
        "the true θ1 is 0.5"
        if data.theta_true is not None
        else f"the best line through the origin has θ1* = {run.problem.solution[0]:.4g}"
    )
    alt = (
        f"Left: {points_text(data, 'y = 0.5x')} with {lines_text(trajectory)}, the last with slope "
        f"{final:.3g}. Right: the parabola J(θ1) with the iterates moving from θ1 = {theta1:g} "
        f"to {final:.3g}; {target}."
    )
    if not run.plain:
        alt += (
            " An inset plots the learning rate α_k of each step."
            if run.schedule != "constant"
            else ""
        )
    png, width = runtime.draw(
        fit_png,
        plotting.one_parameter_png,
        run,
        highlight=highlighted_row(step, trajectory),
        theme=theme,
    )
    return Picture(png=png, alt=alt, width=width)
