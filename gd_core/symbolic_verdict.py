"""Sentences about a run on f(x), each built from facts of that run, for any f.

Per step (row k, the step from x_(k−1) to x_k): did f go down or up; did f′ change sign
(the step crossed a point where f′ = 0, a kink, or a break in f: see
:func:`gd_core.endpoint.crossings`); was the step longer or shorter than the one before.
Per run: why it stopped, and what the end point is (:mod:`gd_core.endpoint`). Nothing is
claimed that these facts do not show: a small slope alone is never called a minimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gd_core import endpoint as ep
from gd_core.descent import StopReason, Trajectory

START = "start"
FELL, ROSE, SAME = "f fell", "f rose", "f unchanged"
LONGER, SHORTER, EQUAL = "step longer", "step shorter", "step same size"
CROSSED = {
    ep.ZERO: "overshoot: crossed f′ = 0",
    ep.KINK: "overshoot: crossed a kink of f",
    ep.BREAK: "jumped over a break in f",
}
_DERIVATIVE_NAMES = {2: "f″", 3: "f‴"}


@dataclass(frozen=True)
class StepFacts:
    """Per row: sign of the change in f, what a sign change of f′ crossed, step-length ratio."""

    f_change: np.ndarray  # −1, 0, +1 (0 on row 0)
    crossed: tuple[str, ...]  # "" or ZERO / KINK / BREAK
    step_ratio: np.ndarray  # |Δx_k| / |Δx_(k−1)|, nan on rows 0 and 1 and after a 0 step
    statuses: tuple[str, ...]


def step_facts(trajectory: Trajectory, crossed: tuple[str, ...]) -> StepFacts:
    values = trajectory.values
    sizes = np.abs(trajectory.steps[:, 0])
    change = np.zeros(len(values), dtype=int)
    change[1:] = np.sign(np.diff(values))
    ratio = np.full(len(values), np.nan)
    with np.errstate(all="ignore"):
        ratio[2:] = np.where(sizes[1:-1] > 0, sizes[2:] / sizes[1:-1], np.nan)
    statuses = [START]
    for k in range(1, len(values)):
        parts = [CROSSED[crossed[k]]] if crossed[k] else []
        parts.append({-1: FELL, 1: ROSE, 0: SAME}[int(change[k])])
        if k >= 2 and sizes[k - 1] > 0:
            parts.append(LONGER if sizes[k] > sizes[k - 1] else SHORTER)
            if sizes[k] == sizes[k - 1]:
                parts[-1] = EQUAL
        statuses.append("; ".join(parts))
    ratio.setflags(write=False)
    change.setflags(write=False)
    return StepFacts(change, tuple(crossed), ratio, tuple(statuses))


def g(value: float, digits: int = 4) -> str:
    """A number for a sentence: ``digits`` significant digits, no "-0"."""
    return f"{float(value) + 0.0:.{digits}g}"


def near(value: float, width: float) -> str:
    """A located point, shown no finer than its bracket resolves it (1.6e-24 in ±1e-3 is 0)."""
    quantum = 10.0 ** math.floor(math.log10(width / 100)) if width > 0 else 0.0
    if quantum and abs(value) < quantum:
        value = 0.0
    return g(value, 6)


def _steps_list(rows: list[int], n: int = 0) -> str:
    if n > 1 and len(rows) == n:
        return f"every step (all {n})"
    shown = ", ".join(str(k) for k in rows[:8])
    if len(rows) > 8:
        shown += f", … ({len(rows)} in all)"
    return ("step " if len(rows) == 1 else "steps ") + shown


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def _derivative(order: int) -> str:
    return _DERIVATIVE_NAMES.get(order, f"f⁽{order}⁾")


def walk_sentence(facts: StepFacts) -> str:
    """What the steps did, counted from the statuses' facts."""
    n = len(facts.f_change) - 1
    if n == 0:
        return "No step was taken."
    rose = [k for k in range(1, n + 1) if facts.f_change[k] > 0]
    same = [k for k in range(1, n + 1) if facts.f_change[k] == 0]
    fell = n - len(rose) - len(same)
    told = [f"fell on {fell} of {n} {_plural(n, 'step')}"] if fell else []
    if rose:
        told.append(f"rose on {_steps_list(rose, n)}")
    if same:
        told.append(f"stayed the same on {_steps_list(same, n)}")
    parts = ["f " + (", ".join(told[:-1]) + " and " + told[-1] if len(told) > 1 else told[0])]
    for kind, what in (
        (ep.ZERO, "f′ changed sign, so the step overshot a point where f′ = 0"),
        (ep.KINK, "f′ changed sign at a kink of f, so the step overshot it"),
        (ep.BREAK, "the step jumped over a point where f is undefined"),
    ):
        rows = [k for k, c in enumerate(facts.crossed) if c == kind]
        if rows:
            parts.append(f"on {_steps_list(rows, n)} {what}")
    if not any(facts.crossed):
        parts.append("f′ never changed sign (no step overshot)")
    ratios = facts.step_ratio[2:]
    counts = [
        f"{word} {count} {_plural(count, 'time')}"
        for word, count in (("longer", np.sum(ratios > 1)), ("shorter", np.sum(ratios < 1)))
        if count
    ]
    if counts:
        parts.append("the step got " + " and ".join(counts))
    return "On the way, " + "; ".join(parts) + "." + _lately(facts)


LATELY = 5  # the last steps looked at for a trend


def _lately(facts: StepFacts) -> str:
    """A trend, only when each of the last LATELY steps shows it."""
    n = len(facts.f_change) - 1
    if n < LATELY + 1:
        return ""
    rows = range(n - LATELY + 1, n + 1)
    longer = all(facts.step_ratio[k] > 1 for k in rows)
    shorter = all(facts.step_ratio[k] < 1 for k in rows)
    overshot = all(facts.crossed[k] == ep.ZERO for k in rows)
    calm = all(not facts.crossed[k] and facts.f_change[k] < 0 for k in rows)
    if overshot and longer:
        return (
            f" Each of the last {LATELY} steps overshot and was longer than the one before: "
            "the run was diverging (α is too large for this valley)."
        )
    if overshot and shorter:
        return (
            f" Each of the last {LATELY} steps overshot but was shorter than the one before: "
            "zigzagging inwards."
        )
    if calm and longer:
        return (
            f" Each of the last {LATELY} steps went downhill in the same direction and was "
            "longer than the one before: f is getting steeper that way."
        )
    return ""


def stop_sentence(trajectory: Trajectory, precision: float) -> str:
    n = trajectory.n_steps
    last = abs(float(trajectory.steps[-1, 0])) if n else 0.0
    if trajectory.reason is StopReason.PRECISION:
        return (
            f"The run stopped after step {n}, the first step shorter than the precision "
            f"{g(precision)} (|Δx| = {g(last)})."
        )
    if trajectory.reason is StopReason.MAX_STEPS:
        return (
            f"The run took all {n} steps it was allowed; the last one, |Δx| = {g(last)}, was "
            f"still not below the precision {g(precision)}."
        )
    return (
        f"The run stopped at a numerical fault {trajectory.message}. The table ends at the "
        f"last finite iterate, x = {g(trajectory.final[0], 6)}."
    )


def endpoint_sentence(point: ep.EndPoint, reason: StopReason) -> str:
    """What the end point is, with the test that shows it."""
    x, width = g(point.x, 6), point.high - point.low
    bracket = f"[{g(point.low, 6)}, {g(point.high, 6)}]"
    where = near(point.where, width)
    if point.kind in (ep.MINIMUM, ep.MAXIMUM) and point.test == "sign":
        signs = "− to +" if point.kind == ep.MINIMUM else "+ to −"
        turn = "falling to rising" if point.kind == ep.MINIMUM else "rising to falling"
        found = (
            f"f′ goes from {signs} across {bracket} (f′ = {g(point.slope_left)} and "
            f"{g(point.slope_right)} at its ends), so f turns from {turn} at x ≈ {where}"
        )
        if point.kind == ep.MINIMUM:
            if reason is StopReason.MAX_STEPS:
                return (
                    f"It ended at x = {x} with a minimum within {bracket}: {found}. Its steps "
                    "had not shrunk below the precision yet."
                )
            return f"It stopped at x = {x}, next to a minimum: {found}."
        return (
            f"It stopped at x = {x}, which is a maximum, not a minimum: {found}. Descent stays "
            "here only because f′ is 0 or tiny; start a little to one side to roll away."
        )
    if point.test == "even order":
        d = f"{_derivative(point.order)} = {g(point.derivative)}"
        exact = f"f′ = 0 exactly at x = {where}, and the first derivative not 0 there, {d},"
        if point.kind == ep.MINIMUM:
            return f"It stopped at x = {x}, at a minimum: {exact} has even order and is positive."
        if point.kind == ep.MAXIMUM:
            return (
                f"It stopped at x = {x}, at a maximum, not a minimum: {exact} has even order "
                "and is negative. Start a little to one side to roll away."
            )
        return (
            f"It stopped at x = {x}, which is not a minimum: {exact} has odd order, so "
            f"x = {where} is a flat inflection point and f keeps falling past it."
        )
    if point.kind == ep.FALLING:
        side = "left" if point.falls_towards < 0 else "right"
        sign = "positive" if point.falls_towards < 0 else "negative"
        text = (
            f"It stopped at x = {x}, which is not a minimum: f′ stays {sign} across {bracket}, "
            f"so f still falls to the {side}"
        )
        if reason is StopReason.PRECISION:
            text += "; the steps fell below the precision only because the slope is shallow"
        text += "."
        if point.probe_change is not None:
            p, q = (g(v, 6) for v in point.probe_change)
            text += (
                f" Further {side}, f′ changes sign between x = {p} and x = {q}: a minimum lies "
                "there, and more steps or a larger α would reach it."
            )
        elif math.isfinite(point.probe_to):
            text += (
                f" f′ keeps that sign at every point checked further {side}, as far as "
                f"x = {g(point.probe_to, 6)}: f keeps falling that way, with no minimum to find "
                "that far."
            )
        return text
    return (
        f"It stopped at x = {x}. Whether that is a minimum can't be verified: f′ neither "
        f"changes sign across {bracket} nor is exactly 0 at a simple point there"
        + (" (f′ is not a real number in part of it)." if not _finite(point) else ".")
    )


def _finite(point: ep.EndPoint) -> bool:
    return math.isfinite(point.slope_left) and math.isfinite(point.slope_right)


def is_minimum(point: ep.EndPoint | None) -> bool:
    return point is not None and point.kind == ep.MINIMUM


def run_verdict(
    trajectory: Trajectory, point: ep.EndPoint | None, facts: StepFacts, precision: float
) -> tuple[str, str]:
    """The run's verdict and tone (success only for a run that stopped at a verified minimum)."""
    parts = [stop_sentence(trajectory, precision)]
    if point is not None:
        parts.append(endpoint_sentence(point, trajectory.reason))
    parts.append(walk_sentence(facts))
    if trajectory.reason is StopReason.FAULT:
        tone = "error"
    elif is_minimum(point) and trajectory.reason is StopReason.PRECISION:
        tone = "success"
    else:
        tone = "warning"
    return " ".join(parts), tone
