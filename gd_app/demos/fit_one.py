"""View model of the one-parameter fit: h(x) = θ1·x."""

from __future__ import annotations

from gd_app.controls import ONE_PARAMETER, allowed_values, control
from gd_app.demos.common import PICTURES, Demo, Picture, cache_by_name, highlighted_row
from gd_app.demos.fit import FitRun, fit_demo, fit_png, fit_run, lines_text, points_text
from gd_app.plotting import fit as plotting
from gd_app.plotting import workers

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
        alpha_grid=ALPHA_GRID,
    )


@cache_by_name(maxsize=PICTURES)
def one_parameter_picture(*, step: int = 0, theme: str = "light", **params) -> Picture:
    """The figure for :func:`one_parameter`'s ``params``, iterate ``step`` highlighted."""
    run = _one_run(**params)
    data, trajectory = run.data, run.trajectory
    final, theta1 = trajectory.final[0], params["theta1"]
    data_alt = (
        f"Data and fit: {points_text(data, 'y = 0.5x')} with {lines_text(trajectory)}, the last "
        f"with slope {final:.3g}."
    )
    if run.schedule != "constant":
        data_alt += " An inset plots the learning rate α_k of each step."
    cost_alt = (
        f"Cost function: the parabola J(θ1) with the iterates moving from θ1 = {theta1:g} to "
        f"{final:.3g}, an arrow from each iterate to the next; the true θ1 is 0.5."
    )
    panels = workers.draw(
        fit_png,
        plotting.one_parameter_png,
        run,
        highlight=highlighted_row(step, trajectory),
        theme=theme,
    )
    return Picture.of_panels(panels, (cost_alt, data_alt))
