"""View models of the two line-fit demos (seed 000): runs, tables, metrics and sentences."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from gd_app.demos.common import (
    PICTURES,
    Demo,
    Metric,
    Picture,
    cache_by_name,
    fmt,
    highlighted_row,
    run_summary,
)
from gd_app.plotting import fit as plotting
from gd_app.tables import fit_history, step_verdicts
from gd_core.analysis import distinct, learning_rates, rate_verdict
from gd_core.descent import Trajectory
from gd_core.linear import LeastSquares, LineData, design_matrix, fit_line, line_data


@lru_cache(maxsize=8)  # a data set holds up to 2 x 100,000 floats (1.6 MB)
def _problem(m: int, theta_true: tuple, noise: float, seed: int, intercept: bool):
    """The data set and its least-squares statistics: the one O(m) pass, cached."""
    data = line_data(m=m, theta_true=theta_true, noise=noise, seed=seed)
    return data, LeastSquares.from_data(design_matrix(data.x, intercept=intercept), data.y)


def _thinned_note(n: int) -> tuple[str, ...]:
    shown = len(plotting.fit_line_indices(n))
    if shown == n:
        return ()
    return (
        f"The data panel draws the fit lines of {shown} of the {n} iterates: every early "
        "one, then fewer as the steps shrink.",
    )


def _offscreen_note(params: np.ndarray, box: list[tuple[float, float]]) -> tuple[str, ...]:
    inside = np.all(
        [(params[:, j] >= lo) & (params[:, j] <= hi) for j, (lo, hi) in enumerate(box)], axis=0
    )
    outside = int(np.count_nonzero(~inside))
    if not outside:
        return ()
    return (
        f"{outside} of {len(params)} iterates lie outside the plotted range of the cost function.",
    )


def _points(data: LineData, line: str) -> str:
    noisy = not np.allclose(data.y, data.theta_true[0] + data.theta_true[1] * data.x)
    return f"{len(data.x):,} data points {'scattered around' if noisy else 'on'} the line {line}"


def _lines(trajectory: Trajectory) -> str:
    n, drawn = len(trajectory.values), len(plotting.fit_line_indices(len(trajectory.values)))
    return f"{n} fit lines" if drawn == n else f"the fit lines of {drawn} of the {n} iterates"


def _fit_demo(
    problem: LeastSquares,
    trajectory: Trajectory,
    *,
    alpha: float,
    labels: tuple[str, ...],
    names: tuple[str, ...],
    box,
) -> Demo:
    rates = learning_rates(problem.hessian)
    verdicts = step_verdicts(trajectory.params - problem.solution, floor=problem.resolution)
    metrics = tuple(
        Metric(
            f"final {label}",
            fmt(trajectory.final[j]),
            f"least-squares best fit: {fmt(problem.solution[j])}",
        )
        for j, label in enumerate(labels)
    ) + (
        Metric(
            "final cost J",
            fmt(trajectory.values[-1]),
            f"minimum possible: {fmt(problem.min_cost)}",
        ),
        Metric("steps taken", str(trajectory.n_steps)),
    )
    return Demo(
        table=fit_history(trajectory, verdicts, names),
        metrics=metrics,
        **run_summary(verdicts, trajectory),
        rates=_rates_line(alpha, rates),
        alpha_note=_alpha_note(rates, alpha),
        notes=_offscreen_note(trajectory.params, box) + _thinned_note(len(trajectory.values)),
    )


def _alpha_note(rates, alpha: float) -> str:
    best = "one step" if len(rates.eigenvalues) == 1 else "fastest"
    critical = distinct(rates.critical, alpha)[0]
    return (
        f"α_crit = {critical} (diverges above) · no overshoot up to "
        f"{rates.monotone_limit:.3g} · {best} at {rates.optimal:.3g}"
    )


def _rates_line(alpha: float, rates) -> str:
    line = rate_verdict(rates, alpha=alpha)
    if len(rates.eigenvalues) == 1:
        return f"{line}. One step lands exactly on the minimum at α = 1/λ = {rates.optimal:.3g}."
    return f"{line}. Fastest at α_opt = 2/(λmin + λmax) = {rates.optimal:.3g}."


# ---------------------------------------------------------------- one parameter
@cache_by_name(maxsize=16)
def _one_run(
    *, N: int, alpha: float, theta1: float, m: int = 20, noise: float = 0.0, seed: int = 0
):
    data, problem = _problem(m, (0.0, 0.5), noise, seed, False)
    return data, problem, fit_line(problem, [theta1], alpha=alpha, n_iterates=N)


def one_parameter(
    *, N: int, alpha: float, theta1: float, m: int = 20, noise: float = 0.0, seed: int = 0
) -> Demo:
    """Seed 000, first demo: fit h = θ1·x to y = 0.5·x (+ noise)."""
    data, problem, trajectory = _one_run(
        N=N, alpha=alpha, theta1=theta1, m=m, noise=noise, seed=seed
    )
    view = plotting.one_parameter_view(data, problem, trajectory)
    return _fit_demo(
        problem, trajectory, alpha=alpha, labels=("θ1",), names=("theta1",), box=[view.theta1]
    )


@cache_by_name(maxsize=PICTURES)
def one_parameter_picture(*, step: int = 0, **params) -> Picture:
    """The figure for :func:`one_parameter`'s ``params``, iterate ``step`` highlighted."""
    data, problem, trajectory = _one_run(**params)
    final, theta1 = trajectory.final[0], params["theta1"]
    alt = (
        f"Left: {_points(data, 'y = 0.5x')} with {_lines(trajectory)}, the last with slope "
        f"{final:.3g}. Right: the parabola J(θ1) with the iterates moving from θ1 = {theta1:g} "
        f"to {final:.3g}; the true θ1 is 0.5."
    )
    png, width = plotting.one_parameter_png(
        data, problem, trajectory, highlight=highlighted_row(step, trajectory)
    )
    return Picture(png=png, alt=alt, width=width)


# ---------------------------------------------------------------- two parameters
@cache_by_name(maxsize=16)
def _two_run(
    *, N, alpha, theta0_true, theta1_true, theta0_start, theta1_start, m=20, noise=0.0, seed=0
):
    data, problem = _problem(m, (theta0_true, theta1_true), noise, seed, True)
    trajectory = fit_line(problem, [theta0_start, theta1_start], alpha=alpha, n_iterates=N)
    return data, problem, trajectory


def two_parameters(
    *,
    N: int,
    alpha: float,
    theta0_true: float,
    theta1_true: float,
    theta0_start: float,
    theta1_start: float,
    m: int = 20,
    noise: float = 0.0,
    seed: int = 0,
) -> Demo:
    """Seed 000, second demo: fit h = θ0 + θ1·x to y = θ0_true + θ1_true·x (+ noise)."""
    _, problem, trajectory = _two_run(
        N=N,
        alpha=alpha,
        theta0_true=theta0_true,
        theta1_true=theta1_true,
        theta0_start=theta0_start,
        theta1_start=theta1_start,
        m=m,
        noise=noise,
        seed=seed,
    )
    return _fit_demo(
        problem,
        trajectory,
        alpha=alpha,
        labels=("θ0", "θ1"),
        names=("theta0", "theta1"),
        box=[plotting.THETA0_RANGE, plotting.THETA1_RANGE],
    )


@cache_by_name(maxsize=PICTURES)
def two_parameters_picture(*, step: int = 0, **params) -> Picture:
    """The figure for :func:`two_parameters`'s ``params``, iterate ``step`` highlighted."""
    data, problem, trajectory = _two_run(**params)
    theta0_true, theta1_true = data.theta_true
    theta0_start, theta1_start = trajectory.params[0]
    t0, t1 = trajectory.final
    alt = (
        f"Left: {_points(data, f'y = {theta0_true:g} + {theta1_true:g}x')} with "
        f"{_lines(trajectory)}, the last y = {t0:.3g} + {t1:.3g}x. Right: a colour "
        f"map of J(θ0, θ1) with elliptical contours; arrows step from ({theta0_start:g}, "
        f"{theta1_start:g}) to ({t0:.3g}, {t1:.3g}); the true θ is ({theta0_true:g}, {theta1_true:g})."
    )
    png, width = plotting.two_parameter_png(
        data, problem, trajectory, highlight=highlighted_row(step, trajectory)
    )
    return Picture(png=png, alt=alt, width=width)
