"""What the optimizer lab knows about one method's run, handed to the verdict engine.

The engine (:mod:`gd_core.verdict`) judges any rule's history; this module adds the lab's
facts: why the run stopped, the Hessian test where |∇f| < tol, f on the contour window,
the check that f keeps falling where a run went, and for a quadratic f with a positive
definite Hessian θ*, its eigenvectors and the rule's stability limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from gd_core import lab_analysis as analysis
from gd_core.descent import all_steps_taken
from gd_core.surface import Surface
from gd_core.verdict import Ending, Facts, Outcome, judge, point2d
from gd_core.verdict.judge import Limit
from gd_core.verdict.rates import g


@dataclass(frozen=True)
class View:
    """f sampled on the contour window's grid: where "lowest in view" is checked."""

    xs: np.ndarray
    ys: np.ndarray
    f: np.ndarray  # (len(ys), len(xs)), nan where not real


_KIND_LABELS = {
    point2d.SADDLE: "stopped at a saddle",
    point2d.MAXIMUM: "stopped at a maximum",
    point2d.FLAT: "stopped where f is flat",
    point2d.UNKNOWN: "stopped where |∇f| < tol",
}


def judged(surface: Surface, run, *, view: View | None = None, known: tuple = ()):
    """``run`` (a :class:`gd_core.lab.MethodRun`) with the verdict engine's judgement of its
    own history; ``known``: the known minima of f, if any."""
    n = len(run.values)
    if n == 0:
        return replace(
            run, verdict="fault", sentence=f"f can't be evaluated {run.fault}.", tone="error"
        )
    if run.fault:
        ending, message = Ending.FAULT, run.fault
    elif run.converged:
        ending, message = Ending.RULE_MET, f"stopped after {n - 1} steps with |∇f| < tol"
    else:
        ending, message = Ending.OUT_OF_STEPS, all_steps_taken(n - 1)
    f = value_of(surface)
    point = lower = None
    if run.converged:
        point = point2d.classify(
            hessian_at(surface, run.params[-1]), run.params[-1], f, gradient=run.grads[-1]
        )
        if view is not None and point.kind == point2d.MINIMUM:
            grid_x, grid_y = np.meshgrid(view.xs, view.ys)
            points = np.column_stack([grid_x.ravel(), grid_y.ravel()])
            lower = point2d.lower_elsewhere(
                points, view.f.ravel(), run.params[-1], float(run.values[-1])
            )
    quadratic = _quadratic(surface, run)
    places = np.array(known, dtype=float).reshape(-1, 2)
    known = [f(np.array(m, dtype=float)) for m in known]
    known = [value for value in known if value is not None]
    if known and "minimizer" not in quadratic:
        quadratic["min_value"] = min(known)  # how far down f still is, not a goal
        quadratic["goal_fraction"] = 0.0
        quadratic["minima"] = places
    verdict = judge(
        Facts(
            run.params,
            run.values,
            run.grads,
            ending,
            message,
            endpoint=point,
            lower=lower,
            view="the contour window" if view is not None else "",
            runs_off=_runs_off(f, run) if not run.converged else "",
            **quadratic,
        )
    )
    label = verdict.outcome.value
    if point is not None and verdict.outcome is Outcome.STUCK:
        label = _KIND_LABELS.get(point.kind, label)
    if verdict.outcome is Outcome.CREEP and not known and "minimizer" not in quadratic:
        label = "still going when its steps ran out"  # no minimum known to creep towards
    if verdict.outcome is Outcome.STUCK and point is None and not run.fault:
        label = "went away from every known minimum"
    return replace(
        run,
        verdict=label,
        sentence=verdict.headline,
        outcome=verdict.outcome,
        why=tuple(
            line for line in (verdict.key_reason, *verdict.details) if line not in verdict.headline
        ),
        tone=verdict.tone,
        key_reason=verdict.key_reason,
    )


def _quadratic(surface: Surface, run) -> dict:
    """θ*, its eigenvectors, the rounding floor and the rule's step-size limit, for a
    quadratic f with a positive-definite Hessian (exact theory); {} otherwise."""
    hessian = surface.constant_hessian
    if hessian is None:
        return {}
    hessian = (hessian + hessian.T) / 2
    values, vectors = np.linalg.eigh(hessian)
    kind = analysis.hessian_kind(float(values[0]), float(values[1]))
    if kind in ("indefinite", "negative definite"):
        return dict(no_minimum=NO_MINIMUM[kind])
    if kind != "positive definite":
        return {}
    _, gx, gy = surface.value_and_gradient(0.0, 0.0)
    minimizer = np.linalg.solve(hessian, -np.array([gx, gy], dtype=float))
    floor = 8 * np.finfo(float).eps * max(1.0, float(np.max(np.abs(minimizer))))
    facts = dict(minimizer=minimizer, eigenvectors=vectors, floor=floor * values[1] / values[0])
    limit = analysis.stability_limit(run.method, dict(run.hyper), float(values[1]))
    if limit is not None:
        value, name = limit
        # the factors 1 − αλ (no overshoot up to 1/λmax, κ's slow direction) are plain
        # gradient descent's; other rules are judged against their limit alone
        eigenvalues = tuple(map(float, values)) if run.method == "gd" else ()
        facts["limit"] = Limit(
            dict(run.hyper)["alpha"], value, name, exact=True, eigenvalues=eigenvalues
        )
    return facts


NO_MINIMUM = {
    "indefinite": "f has no minimum: its Hessian has a negative eigenvalue, so f falls without "
    "bound along that eigenvector.",
    "negative definite": "f has no minimum: its Hessian is negative definite, an upside-down "
    "bowl that falls without bound every way.",
}


def _runs_off(f, run) -> str:
    """A stated check that f keeps falling along the last step's direction, or ""."""
    params, values = run.params, run.values
    if len(values) < 2 or not values[-1] < values[-2]:
        return ""
    if run.fault and "overflow" not in run.fault:
        return ""
    reach = analysis.falls_along(f, params[-1], params[-1] - params[-2])
    if reach is None:
        return ""
    return (
        f"f fell from {g(values[0])} to {g(values[-1])} and still falls along the last step's "
        f"direction, checked up to {g(reach, 3)} further out."
    )


def hessian_at(surface: Surface, point: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        try:
            return np.asarray(surface.hessian_at(*point.tolist()), dtype=float)
        except (ArithmeticError, ValueError, TypeError):
            return np.full((2, 2), np.nan)


def value_of(surface: Surface):
    def f(point: np.ndarray) -> float | None:
        try:
            value = float(surface.value_and_gradient(*point.tolist())[0])
        except (ArithmeticError, ValueError, TypeError):
            return None
        return value if math.isfinite(value) else None

    return f
