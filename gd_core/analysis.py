"""Why a run converges or diverges: learning-rate limits and per-step verdicts.

For a quadratic cost with Hessian A (eigenvalues λmin ≤ … ≤ λmax), gradient
descent multiplies the error θ − θ* along each eigenvector by (1 − αλ):

* it converges iff α < α_crit = 2/λmax,
* monotonically (no overshoot) iff α ≤ 1/λmax,
* fastest at α_opt = 2/(λmin + λmax); with one parameter that is 1/λ, one step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MONOTONE = "converging monotonically"
OSCILLATING = "oscillating (overshooting)"
DIVERGING = "diverging (overshooting)"
RUNAWAY = "diverging (running away)"
STALLED = "not converging"
AT_MINIMUM = "settled (nothing left to correct)"
START = "start"


@dataclass(frozen=True)
class LearningRates:
    """Eigenvalues of the Hessian (ascending) and the learning rates they imply."""

    eigenvalues: tuple[float, ...]
    critical: float
    monotone_limit: float
    optimal: float


def learning_rates(hessian: np.ndarray) -> LearningRates:
    """α_crit = 2/λmax, the monotone limit 1/λmax and α_opt = 2/(λmin + λmax)."""
    eigenvalues = np.linalg.eigvalsh(np.atleast_2d(hessian))
    lo, hi = float(eigenvalues[0]), float(eigenvalues[-1])
    if hi <= 0:
        raise ValueError("the cost is flat: its Hessian has no positive eigenvalue")
    return LearningRates(
        eigenvalues=tuple(float(v) for v in eigenvalues),
        critical=2.0 / hi,
        monotone_limit=1.0 / hi,
        optimal=2.0 / (lo + hi),
    )


def predicted_behaviour(rates: LearningRates, *, alpha: float) -> str:
    """What theory says plain gradient descent does at this α."""
    if alpha >= rates.critical:
        return DIVERGING if alpha > rates.critical else STALLED
    return MONOTONE if alpha <= rates.monotone_limit else OSCILLATING


def rate_verdict(rates: LearningRates, *, alpha: float) -> str:
    """One line such as 'α = 1.15 < α_crit = 5.43: converges monotonically'."""
    behaviour = predicted_behaviour(rates, alpha=alpha)
    relation = "<" if alpha < rates.critical else ("=" if alpha == rates.critical else ">")
    says = {
        MONOTONE: "converges monotonically",
        OSCILLATING: "converges, overshooting the minimum back and forth"
        + (" along the steepest direction" if len(rates.eigenvalues) > 1 else ""),
        STALLED: "oscillates forever without converging",
        DIVERGING: "diverges: every step overshoots further",
    }[behaviour]
    shown_alpha, shown_critical = distinct(alpha, rates.critical)
    return f"α = {shown_alpha} {relation} α_crit = {shown_critical}: {says}"


def distinct(a: float, b: float) -> tuple[str, str]:
    """a and b with 3 significant digits, or more until they read differently (at most 8)."""
    for digits in range(3, 9):
        shown = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if shown[0] != shown[1] or a == b:
            return shown
    return shown


def contraction_ratios(errors: np.ndarray) -> np.ndarray:
    """|e(k)| / |e(k−1)| for error rows e (n, p); entry 0 is nan.

    e is θ − θ* for a fit, or f′(x) on the symbolic page. A ratio below 1
    means the step made progress.
    """
    norms = _norms(np.atleast_2d(errors.T).T)
    ratios = np.full(len(norms), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios[1:] = norms[1:] / norms[:-1]
    return ratios


def _flipped(previous: np.ndarray, current: np.ndarray) -> bool:
    """Some component of e changed sign: that step overshot along it.

    (For a fit, e = θ − θ*; with two parameters the zigzag of the steepest
    direction shows here even while the slow direction still creeps in.)
    Signs only, so errors of 1e200 do not overflow.
    """
    return bool(np.any(np.sign(previous) * np.sign(current) < 0))


def _norms(rows: np.ndarray) -> np.ndarray:
    """Euclidean norm of each row, scaled first so that 1e200 does not overflow when squared."""
    scale = np.max(np.abs(rows), axis=1)
    safe = np.where(scale > 0, scale, 1.0)
    return scale * np.sqrt(np.sum((rows / safe[:, None]) ** 2, axis=1))


def step_statuses(
    errors: np.ndarray,
    *,
    ratios: np.ndarray | None = None,
    floor: float = 0.0,
    tolerance: float = 1e-12,
) -> list[str]:
    """A verdict per row of errors e (n, p): how the step into that row went.

    ``ratios`` may pass in :func:`contraction_ratios` of the same errors. An
    error of at most ``floor`` counts as at the minimum: once θ is within
    rounding of θ*, updates round to nothing and the ratio sits at exactly 1,
    which is convergence, not a stall. Overshooting shows as a component of e
    changing sign; a growing e that does not flip is running away.
    """
    errors = np.atleast_2d(errors.T).T
    ratios = contraction_ratios(errors) if ratios is None else ratios
    norms = _norms(errors)
    statuses = [START]
    for k in range(1, len(errors)):
        previous, current = errors[k - 1], errors[k]
        if norms[k - 1] <= floor:
            statuses.append(AT_MINIMUM)
        elif ratios[k] > 1 + tolerance:
            statuses.append(DIVERGING if _flipped(previous, current) else RUNAWAY)
        elif ratios[k] >= 1 - tolerance:
            statuses.append(STALLED)
        elif _flipped(previous, current):
            statuses.append(OSCILLATING)
        else:
            statuses.append(MONOTONE)
    return statuses


_TOWARDS = {  # what a shrinking error means: e = θ − θ* (distance) or e = f′(x) (slope)
    "distance": ("moved closer to the minimum", "overshot the minimum", "it was at the minimum"),
    "slope": ("made the slope flatter", "overshot the bottom of the valley", "f′ was 0"),
}


def _summaries(measure: str) -> dict[str, tuple[str, str]]:
    closer, overshot, _ = _TOWARDS[measure]
    return {
        MONOTONE: (f"Each step {closer} without overshooting", "success"),
        OSCILLATING: (
            f"The steps {overshot}, jumping from side to side, but each jump got smaller",
            "success",
        ),
        DIVERGING: (
            f"The steps {overshot} by more each time and ran away: the learning rate is too large",
            "warning",
        ),
        RUNAWAY: (
            "Each step went further in the same direction and got bigger: f has no minimum that "
            "way, so gradient descent runs away",
            "warning",
        ),
        STALLED: ("The steps bounced between the same distances and made no progress", "warning"),
    }


_SEVERITY = [MONOTONE, OSCILLATING, STALLED, RUNAWAY, DIVERGING]  # ties go to the worse


def run_verdict(
    statuses: list[str], stop_message: str, *, fault: bool = False, measure: str = "distance"
) -> tuple[str, str]:
    """One sentence for a student about the whole run, and its tone: success, warning or error.

    ``measure`` says what the statuses were computed from: "distance" to a known
    minimum θ*, or "slope" f′(x) when no minimum is known (a flatter slope is
    not proof that one exists).
    """
    steps = [s for s in statuses[1:] if s != AT_MINIMUM]
    summary, tone = "", "success"
    if steps:
        main = max(_SEVERITY, key=lambda s: (steps.count(s), _SEVERITY.index(s)))
        text, tone = _summaries(measure)[main]
        summary = f"{text} ({steps.count(main)} of {len(steps)} steps: {main}). "
        if AT_MINIMUM in statuses:
            first = statuses.index(AT_MINIMUM) - 1
            summary += f"From iteration {first} on {_TOWARDS[measure][2]}, to rounding. "
    if fault:
        return f"{summary}The run hit a numerical fault {stop_message}.", "error"
    if not steps:
        summary = (
            f"No step moved the guess: at the start {_TOWARDS[measure][2]} already, "
            "or no step was asked for. "
        )
    return f"{summary}It {stop_message}.", tone
