"""View models of the line-fit demos (seed 000): runs, tables, metrics and sentences.

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
from gd_app.fit_run import PROBLEMS, FitRun, fit_png, on_first_copy  # noqa: F401 - re-exported
from gd_app.plotting import fit as plotting
from gd_app.tables import StepVerdicts, fit_history
from gd_core.conditioning import distances
from gd_core.data import DataSet
from gd_core.descent import StopReason, Trajectory
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
from gd_core.verdict.rates import LearningRates, distinct, factor, learning_rates
from gd_core.verdict.sentences import statuses


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
    direction lets rounding noise build up by about κ before it is corrected)."""
    return problem.resolution * max(1.0, rates.condition)


def verdicts_of(run: FitRun, verdict: Verdict) -> StepVerdicts:
    """The table's ratio |θ(k) − θ*| / |θ(k−1) − θ*| and status, from the verdict's facts."""
    distance = verdict.steps.distance
    ratios = np.full(len(distance), np.nan)
    with np.errstate(all="ignore"):
        ratios[1:] = distance[1:] / distance[:-1]
    return StepVerdicts(ratios, statuses(verdict.steps, f="J", target="θ*"))


def schedule_line(run: FitRun, critical: float) -> str:
    """Each α_k beside α_crit, which speaks of full-batch steps at a constant α."""
    alphas = run.alphas[: run.rows - 1]
    if not len(alphas):
        return ""
    above = alphas > critical
    shown = distinct(critical, float(alphas[0]))[0]
    head = (
        f"Schedule {run.schedule}: α_k went from {alphas[0]:.3g} (k = 0) to {alphas[-1]:.3g} "
        f"(k = {len(alphas) - 1}). α_crit = {shown} is the limit for full-batch steps at a "
        "constant α, so compare each α_k with it: "
    )
    if not above.any():
        return head + "every α_k was below it."
    if above.all():
        return head + "every α_k was above it."
    last = int(np.flatnonzero(above)[-1])
    if above[: last + 1].all():
        return head + f"α_k was above it for k = 0 … {last} and below it from k = {last + 1} on."
    return head + f"{int(above.sum())} of the {len(alphas)} α_k were above it."


def noise_line(run: FitRun) -> str:
    """What mini-batch noise does here: decided by the per-example gradients at θ*."""
    if run.batches is None:
        return ""
    X, y = run.design(), run.data.y
    size, m = run.batches.batch, len(y)
    if size == m:
        return (
            f"With batch = m = {m:,} every step uses every point: the steps are the full batch's "
            "(up to rounding in the order of the sums), with no mini-batch noise."
        )
    head = (
        f"Each step follows the gradient of one mini-batch of {plural(size, 'point')} of the "
        f"{m:,} ({plural(run.batches.per_epoch, 'step')} make an epoch), so the path is noisy. "
    )
    far = distances(run.errors)
    fault = run.trajectory.reason is StopReason.FAULT
    residual = X @ run.problem.solution - y
    if np.max(np.abs(residual)) <= 1e-9 * max(1.0, float(np.max(np.abs(y)))):
        reached = np.flatnonzero(far <= 1e-6)
        if reached.size:
            got = f" This run came within 1e-6 of θ* at iteration {reached[0]}."
        else:
            got = (
                f" This run ended at |θ − θ*| = {far[-1]:.3g}{' (then a fault)' if fault else ''}."
            )
        return (
            head + "The data are noise-free: every point lies on the best line, so every "
            "per-example gradient vanishes at θ*, and mini-batch descent can converge to θ* "
            "itself, like the full batch." + got
        )
    theory = (
        "The data are noisy: at θ* the per-example gradients disagree (they only average to "
        "zero), so the steps can't settle at θ* itself"
    )
    if fault:
        return head + theory + ", and this run did not settle at all: it ended in a fault."
    q = max(1, len(far) // 4)
    quarter, before = far[-q:], far[-2 * q : -q]
    if len(before) and quarter.mean() > 2 * before.mean() and quarter.mean() > far[0]:
        return (
            head + theory + f"; in this run |θ − θ*| was still growing (on average "
            f"{before.mean():.3g}, then {quarter.mean():.3g} over the last "
            f"{plural(q, 'iterate')}): α is too large for these mini-batch steps to settle."
        )
    shrink = (
        "with a constant α they settle into a neighbourhood of it whose size shrinks with α"
        if run.schedule == "constant"
        else "they settle into a neighbourhood of it whose size shrinks with α, and a "
        "decaying α_k shrinks it as the run goes"
    )
    return (
        f"{head}{theory}: {shrink}. Over the last {plural(len(quarter), 'iterate')} "
        f"|θ − θ*| stayed between {quarter.min():.3g} and {quarter.max():.3g}."
    )


def fastest_on_grid(rates: LearningRates, grid) -> float:
    """The α of the control's ``grid`` whose steps shrink the error fastest: the least
    ρ = max|1 − αλ|. ρ falls then rises in α, so it is a neighbour of α_opt, and since
    ρ ≥ 1 from α_crit on, it is below α_crit whenever any grid value is."""
    grid = np.asarray(grid, dtype=float)
    i = int(np.searchsorted(grid, rates.optimal))
    near = grid[max(i - 1, 0) : i + 1]
    return float(min(near, key=rates.contraction))


def _alpha_note(rates: LearningRates, alpha: float, grid=()) -> str:
    """The limits under the α slider, by the verdicts' own definitions, told apart where
    they round alike (at κ ≈ 10⁴, α_opt and α_crit both read 0.0197 at 3 digits); and the
    fastest α the slider itself can take, when α_opt is not on its grid."""
    best = "one step" if len(rates.eigenvalues) == 1 else "fastest"
    critical, calm, optimal, _ = distinct(
        rates.critical, rates.monotone_limit, rates.optimal, alpha
    )
    note = f"α_crit = {critical} (diverges above) · no overshoot up to {calm} · {best} at {optimal}"
    if len(grid):
        on_grid = fastest_on_grid(rates, grid)
        if not math.isclose(on_grid, rates.optimal, rel_tol=1e-9):
            note += f" (on this slider: α = {on_grid:g})"
    return note


def _theory_line(rates: LearningRates, alpha: float) -> str:
    """The numbers behind the verdict for full-batch steps at a constant α."""
    critical, calm, optimal, shown_alpha = distinct(
        rates.critical, rates.monotone_limit, rates.optimal, alpha
    )
    rho = factor(rates.contraction(alpha))
    if len(rates.eigenvalues) == 1:
        (lam,) = rates.eigenvalues
        return (
            f"The cost's curvature is λ = {lam:.4g}, so α_crit = 2/λ = {critical}; up to "
            f"1/λ = {calm} no step overshoots, and α = 1/λ lands on θ* in one step. At "
            f"α = {shown_alpha} each step multiplies the error θ1 − θ* by 1 − αλ, of size "
            f"ρ = |1 − αλ| = {rho}."
        )
    return (
        f"α_crit = 2/λmax = {critical}; no step overshoots up to 1/λmax = {calm}; fastest at "
        f"α_opt = 2/(λmin + λmax) = {optimal}."
    )


def _rates_line(run: FitRun, alpha: float, rates: LearningRates) -> str:
    if run.plain:
        return _theory_line(rates, alpha)
    if run.schedule != "constant":
        line = schedule_line(run, rates.critical)
    else:
        shown_alpha, shown_critical = distinct(alpha, rates.critical)
        line = (
            f"α = {shown_alpha}, and α_crit = {shown_critical} is the limit for full-batch steps "
            "at a constant α."
        )
    if run.batches is not None and len(run.batches.hessians):
        steepest = max(float(np.linalg.eigvalsh(h)[-1]) for h in run.batches.hessians)
        line += (
            " Each mini-batch has a cost of its own: the steepest batch of this run had "
            f"λmax = {steepest:.3g}, so a step on it alone overshoots that batch's own minimum "
            f"by more than it started from once α > {2 / steepest:.3g}."
        )
    return line


def _thinned_note(n: int) -> tuple[str, ...]:
    shown = len(plotting.fit_line_indices(n))
    if shown == n:
        return ()
    return (
        f"The data panel draws the fit lines of {shown} of the {n} iterates: every early "
        "one, then fewer as the steps shrink.",
    )


def _offscreen_note(params: np.ndarray, box) -> tuple[str, ...]:
    inside = np.all(
        [(params[:, j] >= lo) & (params[:, j] <= hi) for j, (lo, hi) in enumerate(box)], axis=0
    )
    outside = int(np.count_nonzero(~inside))
    if not outside:
        return ()
    return (
        f"{outside} of {len(params)} iterates lie outside the plotted range of the cost function.",
    )


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def points_text(data: LineData, line: str) -> str:
    if data.theta_true is None:
        return f"{len(data.x):,} points of {data.name}, {data.y_label} against {data.x_label},"
    noisy = not np.allclose(data.y, data.theta_true[0] + data.theta_true[1] * data.x)
    return f"{len(data.x):,} data points {'scattered around' if noisy else 'on'} the line {line}"


def lines_text(trajectory: Trajectory) -> str:
    n, drawn = len(trajectory.values), len(plotting.fit_line_indices(len(trajectory.values)))
    return f"{n} fit lines" if drawn == n else f"the fit lines of {drawn} of the {n} iterates"


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
