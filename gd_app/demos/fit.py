"""View models of the two line-fit demos (seed 000): runs, tables, metrics and sentences."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from gd_app.demos.common import (
    Demo,
    Metric,
    Picture,
    cache_by_name,
    fmt,
    highlighted_row,
    run_summary,
)
from gd_app.plotting import fit as plotting
from gd_app.plotting.common import png_width
from gd_app.tables import fit_history, step_verdicts, to_csv
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


def one_parameter_picture(*, step: int = 0, theme: str = "light", **params) -> Picture:
    """The figure for :func:`one_parameter`'s ``params``, iterate ``step`` highlighted."""
    data, problem, trajectory = _one_run(**params)
    final, theta1 = trajectory.final[0], params["theta1"]
    alt = (
        f"Left: {_points(data, 'y = 0.5x')} with {_lines(trajectory)}, the last with slope "
        f"{final:.3g}. Right: the parabola J(θ1) with the iterates moving from θ1 = {theta1:g} "
        f"to {final:.3g}; the true θ1 is 0.5."
    )
    png = plotting.one_parameter_png(
        data, problem, trajectory, highlight=highlighted_row(step, trajectory), theme=theme
    )
    return Picture(png=png, alt=alt, width=png_width(png))


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


def two_parameters_picture(*, step: int = 0, theme: str = "light", **params) -> Picture:
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
    png = plotting.two_parameter_png(
        data, problem, trajectory, highlight=highlighted_row(step, trajectory), theme=theme
    )
    return Picture(png=png, alt=alt, width=png_width(png))


# ---------------------------------------------------------------- export: one-figure route
def one_parameter_figure(*, step: int = 0, theme: str = "light", **params) -> Figure:
    """:func:`one_parameter_picture` as one Figure (for PNG, SVG): the same pixels at DPI."""
    data, problem, trajectory = _one_run(**params)
    highlight = highlighted_row(step, trajectory)
    return plotting.one_parameter_figure(
        data, problem, trajectory, highlight=highlight, theme=theme
    )


def two_parameters_figure(*, step: int = 0, theme: str = "light", **params) -> Figure:
    """:func:`two_parameters_picture` as one Figure (for PNG, SVG): the same pixels at DPI."""
    data, problem, trajectory = _two_run(**params)
    highlight = highlighted_row(step, trajectory)
    return plotting.two_parameter_figure(
        data, problem, trajectory, highlight=highlight, theme=theme
    )


# ---------------------------------------------------------------- export: CSV and script
# Minimal versions, kept apart so that the fit pages' own can replace them.
def one_parameter_history_csv(**params) -> str:
    return to_csv(one_parameter(**params).table)


def two_parameters_history_csv(**params) -> str:
    return to_csv(two_parameters(**params).table)


def one_parameter_script(
    *, N: int, alpha: float, theta1: float, m: int = 20, noise: float = 0.0, seed: int = 0
) -> str:
    return _fit_script(
        "One parameter: h(x) = theta1*x",
        settings=dict(N=N, alpha=alpha, theta1=theta1, m=m, noise=noise, seed=seed),
        truth="0.0, 0.5",
        start="[theta1]",
        columns="[x]",
        names=("theta1",),
    )


def two_parameters_script(
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
) -> str:
    settings = dict(N=N, alpha=alpha, theta0_true=theta0_true, theta1_true=theta1_true)
    settings |= dict(theta0_start=theta0_start, theta1_start=theta1_start)
    return _fit_script(
        "Two parameters: h(x) = theta0 + theta1*x",
        settings=settings | dict(m=m, noise=noise, seed=seed),
        truth="theta0_true, theta1_true",
        start="[theta0_start, theta1_start]",
        columns="[np.ones_like(x), x]",
        names=("theta0", "theta1"),
    )


def _fit_script(title: str, *, settings: dict, truth, start, columns, names) -> str:
    values = "\n".join(f"{key} = {value!r}" for key, value in settings.items())
    header = ["iteration", *names, "J", *(f"grad_{n}" for n in names)]
    header += [f"step_{n}" for n in names]
    return f'''"""Gradient descent, as on the explorer's page "{title}".

Run it with `python this_file.py` (it needs numpy): it prints the history as CSV.
To try another run, change the settings below.
"""

import numpy as np

# ---- settings
{values}

# ---- data: m points evenly on [-1, 1] on the true line, plus Gaussian noise
theta0_line, theta1_line = {truth}
x = np.linspace(-1.0, 1.0, m)
y = theta0_line + theta1_line * x
if noise > 0:
    y = y + noise * np.random.default_rng(seed).standard_normal(m)
X = np.column_stack({columns})

# ---- cost J = 1/(2m) * sum((X theta - y)^2) = J(theta*) + (theta - theta*)^T A (theta - theta*)/2
A = X.T @ X / m
best = np.linalg.lstsq(X, y, rcond=None)[0]
J_best = 0.5 * float(np.mean((X @ best - y) ** 2))


def cost_and_gradient(theta):
    d = theta - best
    gradient = A @ d
    return J_best + 0.5 * float(d @ gradient), gradient


# ---- the loop: theta := theta - alpha * grad J, stopping at the first non-finite number
rows = []
theta = np.array({start}, dtype=float)
with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
    try:
        J, grad = cost_and_gradient(theta)
        step = np.full_like(theta, np.nan)
        for k in range(N):
            if not (np.isfinite(J) and np.all(np.isfinite(grad))):
                break
            rows.append([k, *theta, J, *grad, *step])
            if k == N - 1:
                break
            theta_next = theta + -alpha * grad
            step = theta_next - theta
            if not np.all(np.isfinite(theta_next)):
                break
            theta = theta_next
            J, grad = cost_and_gradient(theta)
    except (FloatingPointError, OverflowError):
        pass

print("{",".join(header)}")
for row in rows:
    print(",".join(["%d" % row[0]] + ["" if np.isnan(v) else "%.17g" % v for v in row[1:]]))
'''
