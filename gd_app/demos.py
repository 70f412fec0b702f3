"""Each page's whole computation as one pure function of plain values.

A page calls exactly one of these (wrapped in ``st.cache_data``) and shows
what it returns: no maths and no drawing happen in the pages.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from gd_app import plotting
from gd_app.tables import StepVerdicts, fit_history, step_verdicts, symbolic_history
from gd_core.analysis import distinct, learning_rates, rate_verdict, run_verdict
from gd_core.descent import StopReason, Trajectory
from gd_core.linear import LeastSquares, LineData, design_matrix, fit_line, line_data
from gd_core.symbolic import SymbolicFunction, compile_function, minimize


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    help: str = ""


@dataclass(frozen=True)
class Picture:
    """A rendered figure (PNG bytes, ``width`` pixels wide) and its alt text."""

    png: bytes
    alt: str
    width: int


@dataclass(frozen=True)
class Demo:
    """What a page shows beside the figure: table, metrics and the sentences that explain them."""

    table: pd.DataFrame
    metrics: tuple[Metric, ...]
    verdict: str  # what happened, for a student
    tone: str  # success | warning | error: how the verdict is shown
    stop: str  # why the run stopped
    fault: bool  # the run ended in a numerical fault
    rates: str = ""  # the learning-rate verdict (fits only)
    alpha_note: str = ""  # learning-rate limits, shown under the α slider
    notes: tuple[str, ...] = ()
    latex: tuple[str, ...] = ()  # f, f′, f″ (symbolic only)


def _fmt(value: float) -> str:
    """Six significant digits, four when an exponent is needed (so a metric fits its column)."""
    value = float(value) + 0.0  # no "-0"
    return f"{value:.4g}" if value and not 1e-4 <= abs(value) < 1e6 else f"{value:.6g}"


def _cache_by_name(*, maxsize: int):
    """``lru_cache`` for keyword-only functions, keyed in signature order, defaults filled in.

    Plain ``lru_cache`` keys keyword arguments in call order, so a page's table
    (called by name) and its picture (called with ``**params`` in the controls'
    order) would miss each other and run the same descent twice.
    """

    def decorate(function):
        signature = inspect.signature(function)
        names = list(signature.parameters)
        by_position = lru_cache(maxsize=maxsize)(
            lambda *values: function(**dict(zip(names, values, strict=True)))
        )

        @functools.wraps(function)
        def call(**kwargs):
            bound = signature.bind(**kwargs)
            bound.apply_defaults()
            return by_position(*bound.arguments.values())

        call.cache_info = by_position.cache_info
        return call

    return decorate


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


def _verdict(
    verdicts: StepVerdicts,
    trajectory: Trajectory,
    measure: str = "distance",
    curvature: float = float("nan"),
) -> dict:
    fault = trajectory.reason is StopReason.FAULT
    verdict, tone = run_verdict(
        list(verdicts.statuses), trajectory.message, fault=fault, measure=measure
    )
    if measure == "slope" and trajectory.reason is StopReason.MAX_STEPS:
        slope = abs(trajectory.grads[-1, 0])
        verdict += (
            f" The slope there is still |f′| = {slope:.3g}: more steps may be needed, or f may "
            "have no minimum this way at all (like exp(x), which only flattens out)."
        )
        tone = "warning"
    elif measure == "slope" and not fault and not curvature > 0:
        # f′ = 0 alone does not make a minimum: cos(x) from 0 sits on a maximum.
        verdict += (
            f" But f″ there is {curvature:.3g}, not positive: this flat point is a maximum or "
            "an inflection, not a minimum. Start a little to one side to roll away from it."
            if np.isfinite(curvature)
            else " f″ can't be evaluated there, so this may not be a minimum."
        )
        tone = "warning"
    return dict(verdict=verdict, tone=tone, stop=trajectory.message, fault=fault)


def _points(data: LineData, line: str) -> str:
    noisy = not np.allclose(data.y, data.theta_true[0] + data.theta_true[1] * data.x)
    return f"{len(data.x):,} data points {'scattered around' if noisy else 'on'} the line {line}"


def _lines(trajectory: Trajectory) -> str:
    n, drawn = len(trajectory.values), len(plotting.fit_line_indices(len(trajectory.values)))
    return f"{n} fit lines" if drawn == n else f"the fit lines of {drawn} of the {n} iterates"


def _highlight(step: int, trajectory: Trajectory) -> int:
    return min(max(int(step), 0), len(trajectory.values) - 1)


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
            _fmt(trajectory.final[j]),
            f"least-squares best fit: {_fmt(problem.solution[j])}",
        )
        for j, label in enumerate(labels)
    ) + (
        Metric(
            "final cost J",
            _fmt(trajectory.values[-1]),
            f"minimum possible: {_fmt(problem.min_cost)}",
        ),
        Metric("steps taken", str(trajectory.n_steps)),
    )
    return Demo(
        table=fit_history(trajectory, verdicts, names),
        metrics=metrics,
        **_verdict(verdicts, trajectory),
        rates=_rates_line(alpha, rates),
        alpha_note=_alpha_note(rates, alpha),
        notes=_offscreen_note(trajectory.params, box) + _thinned_note(len(trajectory.values)),
    )


def _local_alpha_note(curvature: float, x0: float) -> str:
    if not curvature > 0:
        return f"At x0 = {x0:g}, f″ ≤ 0 or is undefined: no local α_crit there."
    return f"At x0 = {x0:g}: local α_crit = 2/f″(x0) = {2 / curvature:.3g}"


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
@_cache_by_name(maxsize=16)
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


def one_parameter_picture(*, step: int = 0, **params) -> Picture:
    """The figure for :func:`one_parameter`'s ``params``, iterate ``step`` highlighted."""
    data, problem, trajectory = _one_run(**params)
    final, theta1 = trajectory.final[0], params["theta1"]
    alt = (
        f"Left: {_points(data, 'y = 0.5x')} with {_lines(trajectory)}, the last with slope "
        f"{final:.3g}. Right: the parabola J(θ1) with the iterates moving from θ1 = {theta1:g} "
        f"to {final:.3g}; the true θ1 is 0.5."
    )
    png = plotting.one_parameter_png(
        data, problem, trajectory, highlight=_highlight(step, trajectory)
    )
    return Picture(png=png, alt=alt, width=plotting.png_width(png))


# ---------------------------------------------------------------- two parameters
@_cache_by_name(maxsize=16)
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
    png = plotting.two_parameter_png(
        data, problem, trajectory, highlight=_highlight(step, trajectory)
    )
    return Picture(png=png, alt=alt, width=plotting.png_width(png))


# ---------------------------------------------------------------- symbolic f(x)
@lru_cache(maxsize=32)
def _compiled(text: str) -> SymbolicFunction:
    return compile_function(text)


@_cache_by_name(maxsize=32)
def _symbolic_run(*, f: str, x0: float, alpha: float, precision: float, max_iter: int):
    return minimize(_compiled(f), x0=x0, alpha=alpha, precision=precision, max_iter=max_iter)


def symbolic(*, f: str, x0: float, alpha: float, precision: float, max_iter: int) -> Demo:
    """Seed 004: minimise f from x0.

    Raises gd_core.expr.ExpressionError for a bad f, ValueError if f can't be
    evaluated at x0 itself.
    """
    run = _symbolic_run(f=f, x0=x0, alpha=alpha, precision=precision, max_iter=max_iter)
    trajectory = run.trajectory
    if not len(trajectory.values):
        raise ValueError(
            f"f can't be evaluated at the initial guess x0 = {x0:g}: {trajectory.message}"
        )
    verdicts = step_verdicts(trajectory.grads)
    return Demo(
        table=symbolic_history(trajectory, verdicts, run.curvature),
        metrics=(
            Metric(
                "minimum found at x",
                _fmt(trajectory.final[0]),
                "The seed prints: 'Minimum occurs at x-value'",
            ),
            Metric("f(x) there", _fmt(trajectory.values[-1])),
            Metric(
                "slope f′(x) there",
                _fmt(trajectory.grads[-1, 0]),
                "The seed prints: 'Slope at the minimum is'",
            ),
            Metric("steps taken", str(trajectory.n_steps)),
        ),
        **_verdict(verdicts, trajectory, measure="slope", curvature=run.curvature[-1]),
        alpha_note=_local_alpha_note(run.curvature[0], x0),
        latex=run.function.latex(),
    )


def symbolic_picture(*, step: int = 0, **params) -> Picture:
    """The figure for :func:`symbolic`'s ``params``, iterate ``step`` highlighted."""
    run = _symbolic_run(**params)
    trajectory = run.trajectory
    f, x0 = params["f"], params["x0"]
    fig = plotting.symbolic_figure(
        run.function.f, trajectory, highlight=_highlight(step, trajectory)
    )
    alt = (
        f"Left: the graph of f(x) = {f} with {len(trajectory.values)} iterates walking from "
        f"x = {x0:g} to x = {trajectory.final[0]:.4g}. Right: the slope |f′(x)| at each "
        f"iteration on a log scale."
    )
    png = plotting.to_png(fig)
    return Picture(png=png, alt=alt, width=plotting.png_width(png))
