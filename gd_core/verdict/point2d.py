"""What the point where a run on f(x, y) stopped is, and whether f is lower elsewhere in view.

* **Hessian test**: both eigenvalues of the Hessian at the end point positive: a
  minimum; both negative: a maximum; opposite signs: a saddle.
* Where the Hessian is singular (an eigenvalue within rounding of 0) second
  derivatives can't tell, so f itself is checked along DIRECTIONS directions at
  distances 10⁻⁴ … 1 (times max(1, |θ|)): f never below its value at the point
  on any of them is stated as "a minimum along every direction checked"; f lower
  on one of them is "not a minimum".
* :func:`lower_in_view`: a scan of f over the figure's range, for calling a
  minimum "local" unless nothing in view is lower.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MINIMUM = "minimum"
MAXIMUM = "maximum"
SADDLE = "saddle"
FLAT = "flat"  # a singular Hessian and no direction check possible
FALLING = "still falling"  # as in one dimension: f still falls towards a minimum of its model
UNKNOWN = "unknown"  # the Hessian can't be evaluated there

ZERO = 1e-8  # an eigenvalue within 1e-8·max(1, |λ|max) of 0 counts as zero
# A positive definite Hessian at a point where ∇f is not 0 shows a minimum of f's quadratic
# model at −H⁻¹∇f: "next to" the point only within 1% of max(1, |θ|). Farther (a stop on an
# asymptote, exp(x) + y² at x = −14: the model's minimum a unit further on) f still falls.
NEAR = 0.01
DIRECTIONS = 16
DISTANCES = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)


@dataclass(frozen=True)
class EndPoint2:
    """kind, the test that decided it ("hessian" or "directions"), the Hessian's eigenvalues,
    and for the direction check the point found lower (if any)."""

    x: tuple[float, float]
    kind: str
    test: str
    eigenvalues: tuple[float, float] = (math.nan, math.nan)
    lower_at: tuple[float, float] | None = None


def classify(hessian: np.ndarray, point: np.ndarray, f=None, gradient=None) -> EndPoint2:
    """The end point's kind from the Hessian there, and f along directions where it is singular.

    ``f`` maps a point (2,) to a float or None (not a real number there). With ``gradient``
    (∇f at the point) a positive definite Hessian is a minimum only if its model's minimum
    is near (see NEAR) or f is not lower there; else the point is FALLING, with
    ``lower_at`` the model's minimum.
    """
    where = (float(point[0]), float(point[1]))
    hessian = np.asarray(hessian, dtype=float)
    if not np.all(np.isfinite(hessian)):
        return EndPoint2(where, UNKNOWN, "")
    low, high = (float(v) for v in np.linalg.eigvalsh((hessian + hessian.T) / 2))
    zero = ZERO * max(1.0, abs(low), abs(high))
    eig = (low, high)
    if low > zero:
        ahead = _model_minimum(hessian, np.asarray(point, dtype=float), gradient, f)
        if ahead is not None:
            return EndPoint2(where, FALLING, "model", eig, ahead)
        return EndPoint2(where, MINIMUM, "hessian", eig)
    if high < -zero:
        return EndPoint2(where, MAXIMUM, "hessian", eig)
    if low < -zero and high > zero:
        return EndPoint2(where, SADDLE, "hessian", eig)
    if f is None:
        return EndPoint2(where, FLAT, "hessian", eig)
    lower = _lower_along_directions(f, np.asarray(point, dtype=float))
    if lower is None:
        return EndPoint2(where, MINIMUM, "directions", eig)
    return EndPoint2(where, SADDLE if high > zero else MAXIMUM, "directions", eig, lower)


def _model_minimum(hessian, point: np.ndarray, gradient, f) -> tuple[float, float] | None:
    """The quadratic model's minimum θ − H⁻¹∇f when it lies farther than NEAR·max(1, |θ|)
    and f there is lower (when ``f`` is given); None when it is near (or can't be told)."""
    if gradient is None:
        return None
    gradient = np.asarray(gradient, dtype=float).reshape(2)
    if not np.all(np.isfinite(gradient)):
        return None
    try:
        ahead = point - np.linalg.solve(hessian, gradient)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(ahead)):
        return None
    if np.hypot(*(ahead - point)) <= NEAR * max(1.0, float(np.hypot(*point))):
        return None
    if f is not None:
        here, there = f(point), f(ahead)
        if here is None or there is None or not there < here:
            return None
    return float(ahead[0]), float(ahead[1])


def _lower_along_directions(f, point: np.ndarray) -> tuple[float, float] | None:
    """A point on one of the checked rays where f is below f(point) by more than rounding."""
    here = f(point)
    if here is None:
        return None
    scale = max(1.0, float(np.hypot(*point)))
    slack = 64 * np.finfo(float).eps * max(1.0, abs(here))
    for angle in np.arange(DIRECTIONS) * 2 * math.pi / DIRECTIONS:
        unit = np.array([math.cos(angle), math.sin(angle)])
        for t in DISTANCES:
            there = point + t * scale * unit
            value = f(there)
            if value is not None and value < here - slack:
                return float(there[0]), float(there[1])
    return None


def lower_elsewhere(points: np.ndarray, values: np.ndarray, end: np.ndarray, value: float):
    """The lowest scanned point of another valley, or None when nothing in view is lower.

    ``points`` (k, p) and ``values`` (k,): f on the figure's range (nan where not real).
    A scanned point counts when f there is below ``value`` (f at the end point ``end``) by
    more than rounding, and, in one dimension, f rises above ``value`` somewhere between
    the two (a hill between them: another valley, not the one the run is still going
    down); in two dimensions when it lies farther than a twentieth of the range away.
    """
    points = np.asarray(points, dtype=float).reshape(len(values), -1)
    values = np.asarray(values, dtype=float)
    end = np.asarray(end, dtype=float).reshape(-1)
    slack = 1e-9 * max(1.0, abs(value))
    lower = np.isfinite(values) & (values < value - slack)
    if points.shape[1] == 1:
        xs = points[:, 0]
        here = int(np.argmin(np.abs(xs - end[0])))
        for k in np.flatnonzero(lower):
            between = values[min(k, here) : max(k, here) + 1]
            if not np.any(np.isfinite(between) & (between > value + slack)):
                lower[k] = False
    else:
        span = float(np.hypot(*(points.max(axis=0) - points.min(axis=0))))
        lower &= np.hypot(*(points - end).T) > span / 20
    if not lower.any():
        return None
    index = int(np.argmin(np.where(lower, values, np.inf)))
    return tuple(float(v) for v in points[index]), float(values[index])
