"""Sentences about an end point and the statuses of a table's rows, from facts only."""

from __future__ import annotations

import math

import numpy as np

import gd_core.verdict.point1d as p1
import gd_core.verdict.point2d as p2
from gd_core.verdict.rates import distinct, g

_DERIVATIVE_NAMES = {2: "f″", 3: "f‴"}


def place(point) -> str:
    """x = 2.33679 for one coordinate, (x, y) = (1, 2) for two."""
    values = np.atleast_1d(np.asarray(point, dtype=float))
    if values.size == 1:
        return f"x = {g(values[0], 6)}"
    return "(" + ", ".join(g(v, 6) for v in values) + ")"


def near(value: float, width: float) -> str:
    """A located point, shown no finer than its bracket resolves it (1.6e-24 in ±1e-3 is 0)."""
    if width > 0 and abs(value) < width * 1e-6:
        value = 0.0
    return g(value, 6)


def _derivative(order: int) -> str:
    return _DERIVATIVE_NAMES.get(order, f"f⁽{order}⁾")


def endpoint_sentence(point, words) -> str:
    if isinstance(point, p2.EndPoint2):
        return _sentence_2d(point)
    return _sentence_1d(point)


def _sentence_2d(point: p2.EndPoint2) -> str:
    low, high = point.eigenvalues
    shown = f"the Hessian there has eigenvalues {g(low)} and {g(high)}"
    at = place(point.x)
    if point.kind == p2.UNKNOWN:
        return f"The Hessian can't be evaluated at {at}, so the kind of point is unknown."
    if point.kind == p2.FALLING:
        ahead = place(point.lower_at)
        gap = g(float(np.hypot(*np.subtract(point.lower_at, point.x))))
        return (
            f"At {at} {shown}, both positive, but the gradient is not 0 there: the minimum of "
            f"f's quadratic model lies {gap} away, at {ahead}, and f is lower there. So f still "
            "falls that way: this is not a minimum."
        )
    if point.test == "hessian":
        return {
            p2.MINIMUM: f"{at} is a minimum: {shown}, both positive.",
            p2.MAXIMUM: f"{at} is a maximum, not a minimum: {shown}, both negative.",
            p2.SADDLE: f"{at} is a saddle, not a minimum: {shown}, of opposite signs.",
            p2.FLAT: f"At {at} {shown}; one is about 0, so second derivatives can't tell "
            "whether it is a minimum.",
        }[point.kind]
    head = f"At {at} {shown}; one is about 0, so f itself was checked along 16 directions"
    if point.kind == p2.MINIMUM:
        return f"{head} at distances 0.0001 to 1 (times max(1, |θ|)): f is nowhere lower, so it is a minimum along every direction checked."
    lower = place(point.lower_at)
    return f"{head}: f is lower at {lower}, so it is not a minimum."


def _sentence_1d(point: p1.EndPoint) -> str:
    x, width = g(point.x, 6), point.high - point.low
    bracket = "[{}, {}]".format(*distinct(point.low, point.high, digits=6))  # never [5, 5]
    where = near(point.where, width)
    if point.kind in (p1.MINIMUM, p1.MAXIMUM) and point.test == "sign":
        signs = "− to +" if point.kind == p1.MINIMUM else "+ to −"
        turn = "falling to rising" if point.kind == p1.MINIMUM else "rising to falling"
        found = (
            f"f′ goes from {signs} across {bracket} (f′ = {g(point.slope_left)} and "
            f"{g(point.slope_right)} at its ends), so f turns from {turn} at x ≈ {where}"
        )
        if point.kind == p1.MINIMUM and point.across:
            return (
                f"A minimum lies between x = {g(point.low, 6)} and {g(point.high, 6)}, where the "
                f"last step went: f′ = {g(point.slope_left)} and {g(point.slope_right)} there, "
                f"so f turns from falling to rising at x ≈ {where}."
            )
        if point.kind == p1.MINIMUM and point.low <= point.x <= point.high:
            return f"A minimum lies next to x = {x}: {found}."
        if point.kind == p1.MINIMUM:
            return f"A minimum lies {g(abs(point.where - point.x), 3)} from x = {x}: {found}."
        return (
            f"x = {x} is next to a maximum, not a minimum: {found}. Descent stays there only "
            "because f′ is 0 or tiny; start a little to one side to roll away."
        )
    if point.test == "even order":
        d = f"{_derivative(point.order)} = {g(point.derivative)}"
        exact = f"f′ = 0 exactly at x = {where}, and the first derivative not 0 there, {d},"
        if point.kind == p1.MINIMUM:
            return f"x = {where} is a minimum: {exact} has even order and is positive."
        if point.kind == p1.MAXIMUM:
            return (
                f"x = {where} is a maximum, not a minimum: {exact} has even order and is "
                "negative. Start a little to one side to roll away."
            )
        return (
            f"x = {where} is not a minimum: {exact} has odd order, so it is a flat inflection "
            "point and f keeps falling past it."
        )
    if point.kind == p1.FALLING:
        side = "left" if point.falls_towards < 0 else "right"
        sign = "positive" if point.falls_towards < 0 else "negative"
        text = (
            f"x = {x} is not a minimum: f′ stays {sign} across {bracket}, so f still falls "
            f"to the {side}."
        )
        if point.probe_change is not None:
            p, q = (g(v, 6) for v in point.probe_change)
            text += (
                f" Further {side}, f′ changes sign between x = {p} and x = {q}: a minimum lies "
                "there, and more steps or a larger α would reach it."
            )
        elif point.flat_ahead is not None:
            flat = point.flat_ahead
            d = f"{_derivative(flat['order'])} = {g(flat['derivative'])}"
            what = {p1.INFLECTION: "a flat inflection point", p1.MINIMUM: "a minimum"}
            text += (
                f" Further {side}, f′ = 0 exactly at x = {g(flat['where'], 6)}, and the first "
                f"derivative not 0 there, {d}, has {'odd' if flat['order'] % 2 else 'even'} "
                f"order: {what.get(flat['kind'], 'a flat point')} that the steps slow down at."
            )
        elif math.isfinite(point.probe_to):
            text += (
                f" f′ keeps that sign at every point checked further {side}, as far as "
                f"x = {g(point.probe_to, 6)}."
            )
        return text
    real = math.isfinite(point.slope_left) and math.isfinite(point.slope_right)
    return (
        f"Whether x = {x} is a minimum can't be verified: f′ neither changes sign across "
        f"{bracket} nor is exactly 0 at a simple point there"
        + ("." if real else " (f′ is not a real number in part of it).")
    )


def lower_sentence(lower: tuple, words) -> str:
    at, value = lower
    return (
        f"So it is a local minimum: {words.f} is lower elsewhere in view, "
        f"{words.f} = {g(value, 4)} at {place(at)}."
    )


# ---------------------------------------------------------------- the table's statuses
CROSSED = {
    p1.ZERO: "overshoot: crossed f′ = 0",
    p1.KINK: "overshoot: crossed a kink of f",
    p1.BREAK: "jumped over a break in f",
}


def statuses(steps, *, f: str = "f", target: str = "", crossed: tuple[str, ...] = ()) -> tuple:
    """What the step into each row did, from :class:`StepFacts` (row 0: "start").

    ``crossed``: in one dimension, what a sign change of f′ on each step crossed
    (:func:`point1d.crossings`), named instead of "overshot".
    """
    rows = ["start"]
    for k in range(1, steps.n_steps + 1):
        if steps.at_minimum[k]:
            rows.append("at the minimum (moves only by rounding)")
            continue
        parts = []
        if crossed and crossed[k]:
            parts.append(CROSSED[crossed[k]])
        elif steps.line_overshot[k]:
            parts.append("overshot")
        elif steps.overshot[k]:
            parts.append("overshot along the steep direction")
        parts.append({-1: f"{f} fell", 1: f"{f} rose", 0: f"{f} unchanged"}[int(steps.f_change[k])])
        if target and np.isfinite(steps.distance[k]):
            closer = steps.distance[k] < steps.distance[k - 1]
            parts.append(f"closer to {target}" if closer else f"farther from {target}")
        ratio = steps.step_ratio[k]
        if np.isfinite(ratio):
            parts.append(
                "step longer" if ratio > 1 else "step shorter" if ratio < 1 else "step same size"
            )
        rows.append("; ".join(parts))
    return tuple(rows)
