"""View models of the line-fit demos (a line fitted by least squares): runs, tables, metrics and sentences.

This module holds what both fit pages share; the pages' own parts are in
:mod:`gd_app.demos.fit_one` and :mod:`gd_app.demos.fit_two`, the CSV and
script exports in :mod:`gd_app.demos.fit_export`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from gd_app.demos.common import (
    Demo,
    Metric,
    fmt,
    verdict_fields,
)
from gd_app.demos.fit_words import (
    _alpha_note,
    _offscreen_note,
    _rates_line,
    _thinned_note,
    noise_line,
)
from gd_app.fit_run import PROBLEMS, FitRun, fit_png, on_first_copy  # noqa: F401 - re-exported
from gd_app.tables import StepVerdicts, fit_history
from gd_core.data import DataSet
from gd_core.linear import (
    LeastSquares,
    LineData,
    Standardization,
    design_matrix,
    fit_line,
    line_data,
)
from gd_core.minibatch import MAX_SHUFFLED, minibatches, shuffled_points
from gd_core.schedules import step_sizes
from gd_core.verdict import Facts, Verdict, judge
from gd_core.verdict.judge import Limit, Words, ending_of
from gd_core.verdict.rates import LearningRates, learning_rates
from gd_core.verdict.sentences import statuses
from gd_core.verdict.steps import EPS


# ---------------------------------------------------------------- problems and runs
@lru_cache(maxsize=PROBLEMS)  # a data set holds up to 2 x 100,000 floats (1.6 MB)
def _problem(m, theta_true, noise, seed, intercept, x_low, x_high, standardize, source=None):
    """The data set, its scaling and least-squares statistics: the one O(m) pass, cached.

    ``source`` (a :class:`gd_core.data.DataSet`) replaces the generated line and its settings.
    """
    if source is None:
        data = line_data(
            m=m, theta_true=theta_true, noise=noise, seed=seed, x_low=x_low, x_high=x_high
        )
    else:
        data = LineData(source.x, source.y, None, source.x_label, source.y_label, source.name)
    scaling = Standardization.of(data.x) if standardize else None
    X = design_matrix(scaling.apply(data.x) if scaling else data.x, intercept=intercept)
    return data, scaling, LeastSquares.from_data(X, data.y)


def fit_run(
    *,
    intercept: bool,
    theta_true: tuple,
    start: tuple,
    N: int,
    alpha: float,
    m: int,
    noise: float,
    seed: int,
    x_low: float = -1.0,
    x_high: float = 1.0,
    standardize: bool = False,
    batch: int = 0,
    schedule: str = "constant",
    decay: float = 0.0,
    source: DataSet | None = None,
) -> FitRun:
    """Run the descent for one page's settings; ``start`` is in the units of x.

    With a ``source`` data set the descent runs on its points, and ``m``,
    ``theta_true``, ``noise``, ``seed`` and the x range are not used.
    """
    if source is not None:
        m, theta_true, noise, seed, x_low, x_high = len(source), None, 0.0, 0, -1.0, 1.0
    problem_key = (m, theta_true, noise, seed, intercept, x_low, x_high, standardize, source)
    data, scaling, problem = _problem(*problem_key)
    if batch > m:
        raise ValueError(f"the batch size {batch} is larger than m = {m}")
    alphas = step_sizes(schedule, alpha=alpha, decay=decay, n_steps=N - 1)
    theta = scaling.from_original(np.asarray(start, float)) if scaling else np.asarray(start, float)
    batches = None
    if batch:
        X = design_matrix(scaling.apply(data.x) if scaling else data.x, intercept=intercept)
        batches = minibatches(X, data.y, batch=batch, n_steps=N - 1, seed=seed)
    trajectory = fit_line(
        problem,
        theta,
        alpha=alpha,
        n_iterates=N,
        alphas=None if schedule == "constant" else alphas,
        batches=batches,
    )
    return FitRun(
        data, scaling, problem, trajectory, alphas, schedule, batches, intercept, problem_key
    )


def refusals(values: dict) -> tuple[dict, tuple[str, ...]]:
    """The controls' values with combinations the widgets can't refuse replaced, and why."""
    values, messages = dict(values), []
    if "x_low" in values and not values["x_low"] < values["x_high"]:
        messages.append(
            f"x_low = {values['x_low']:g} with x_high = {values['x_high']:g} is not allowed: the "
            "data range needs x_low < x_high. Using x_low = -1 and x_high = 1 instead."
        )
        values.update(x_low=-1.0, x_high=1.0)
    if values.get("batch", 0) > values["m"]:
        messages.append(
            f"batch = {values['batch']:,} is not allowed (0 to m = {values['m']:,}): a mini-batch "
            "can't hold more points than there are; using batch = 0 (the full batch) instead."
        )
        values["batch"] = 0
    batch, m, steps = values.get("batch", 0), values["m"], values["N"] - 1
    if batch and shuffled_points(m, batch, steps) > MAX_SHUFFLED:
        epochs = math.ceil(steps / math.ceil(m / batch))
        messages.append(
            f"batch = {batch:,} is not allowed with m = {m:,} and N = {values['N']}: the "
            f"{epochs:,} epochs would reshuffle {epochs * m:,} points, and a run may reshuffle "
            f"at most {MAX_SHUFFLED:,}. Use a smaller batch (or fewer points or iterates); "
            "using batch = 0 (the full batch) instead."
        )
        values["batch"] = 0
    return values, tuple(messages)


# ---------------------------------------------------------------- sentences
FIT_WORDS = Words(f="J", target="the best fit θ*")


def verdict_of(run: FitRun, alpha: float) -> Verdict:
    """The engine's verdict on a fit run: θ* and the Hessian are known exactly, and α_crit is
    exact theory for full-batch steps at a constant α (a schedule or mini-batches are judged
    from the history alone)."""
    problem, trajectory = run.problem, run.trajectory
    rates = learning_rates(problem.hessian)
    _, vectors = np.linalg.eigh(problem.hessian)
    limit = None
    if run.plain:
        limit = Limit(alpha, rates.critical, "α_crit", exact=True, eigenvalues=rates.eigenvalues)
    return judge(
        Facts(
            trajectory.params,
            trajectory.values,
            trajectory.grads,
            ending_of(trajectory.reason),
            trajectory.message,
            words=FIT_WORDS,
            minimizer=problem.solution,
            min_value=problem.min_cost,
            eigenvectors=vectors,
            floor=rounding_floor(problem, rates),
            limit=limit,
        )
    )


def rounding_floor(problem: LeastSquares, rates: LearningRates) -> float:
    """Within this of θ* movement is rounding: the resolution of θ*, times κ (the slow
    direction lets rounding noise build up by about κ before it is corrected).

    Never farther than J itself can tell θ* apart: the data fix J only to about eps·J(0),
    and a point d from θ* has J − J* up to λmax·d²/2, so beyond d = √(16·eps·J(0)/λmax)
    J may be measurably above J*. Only data past float64's resolution (κ ≳ 1/eps, e.g.
    pasted points 1e-12 apart) reach this bound; without it the floor spans the whole path."""
    floor = problem.resolution * max(1.0, rates.condition)
    steepest = float(np.max(rates.eigenvalues))
    if steepest > 0:
        cost_at_zero = float(problem.cost(np.zeros(len(problem.solution))))
        floor = min(floor, math.sqrt(16 * EPS * max(cost_at_zero, 0.0) / steepest))
    return floor


def verdicts_of(run: FitRun, verdict: Verdict) -> StepVerdicts:
    """The table's ratio |θ(k) − θ*| / |θ(k−1) − θ*| and status, from the verdict's facts."""
    distance = verdict.steps.distance
    ratios = np.full(len(distance), np.nan)
    with np.errstate(all="ignore"):
        ratios[1:] = distance[1:] / distance[:-1]
    return StepVerdicts(ratios, statuses(verdict.steps, f="J", target="θ*"))


def fit_demo(
    run: FitRun,
    *,
    alpha: float,
    labels: tuple[str, ...],
    names: tuple[str, ...],
    box,
    metrics: tuple[Metric, ...] = (),
    notes: tuple[str, ...] = (),
    original: np.ndarray | None = None,
    rates_extra: str = "",
    alpha_grid=(),
) -> Demo:
    problem, trajectory = run.problem, run.trajectory
    rates = learning_rates(problem.hessian)
    shown = (
        tuple(
            Metric(
                f"final {label}",
                fmt(trajectory.final[j]),
                f"least-squares best fit: {fmt(problem.solution[j])}",
            )
            for j, label in enumerate(labels)
        )
        + (
            Metric(
                "final cost J",
                fmt(trajectory.values[-1]),
                f"minimum possible: {fmt(problem.min_cost)}",
            ),
            Metric("steps taken", str(trajectory.n_steps)),
        )
        + metrics
    )
    verdict = verdict_of(run, alpha)
    verdicts = verdicts_of(run, verdict)
    table = fit_history(
        trajectory,
        verdicts,
        names,
        original=original,
        batch_grads=run.batch_grads,
        alphas=None if run.plain else run.row_alphas,
    )
    extra = tuple(line for line in (noise_line(run),) if line)
    return Demo(
        table=table,
        metrics=shown,
        **verdict_fields(verdict, trajectory, _rates_line(run, alpha, rates), rates_extra),
        alpha_note=_alpha_note(rates, alpha, alpha_grid),
        notes=extra
        + notes
        + _offscreen_note(trajectory.params, box)
        + _thinned_note(len(trajectory.values)),
    )
