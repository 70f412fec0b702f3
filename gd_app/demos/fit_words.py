"""The fit pages' sentences and notes: the schedule against α_crit, the noise floor, the
learning-rate limits and rates, and what a thinned or off-screen run leaves out.
Every sentence comes from the run it describes (see :mod:`gd_app.demos.fit`)."""

from __future__ import annotations

import math

import numpy as np

from gd_app.fit_run import FitRun
from gd_app.plotting.fit_data import fit_line_indices
from gd_core.conditioning import distances
from gd_core.descent import StopReason, Trajectory
from gd_core.linear import LineData
from gd_core.verdict.rates import LearningRates, distinct, factor


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
    shown = len(fit_line_indices(n))
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
    n, drawn = len(trajectory.values), len(fit_line_indices(len(trajectory.values)))
    return f"{n} fit lines" if drawn == n else f"the fit lines of {drawn} of the {n} iterates"
