"""Maps of many runs at once on a typed f(x, y): where every start ends (the basin map) and
where every learning rate ends (the sweep). Jobs for the budget's worker, like
:func:`gd_core.lab.method_job`; each runs its whole batch of points together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_core import lab_records
from gd_core.lab import METHODS, _surface
from gd_core.optimizers import UpdateRule

BASIN_GRID = 100  # starts per axis
SWEEP_POINTS = 60  # learning rates per method
SWEEP_DECADES = 2.0  # either side of the current α: four decades in all
NEAR = 0.02  # a start ends at a minimum within this share of the window's larger side
FAR = 10.0  # … and has run off once farther than this many window sides from its centre
FIRST_ORDER = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")

# basin categories after the known minima (0 … k − 1)
DIVERGED, ELSEWHERE, MOVING = -1, -2, -3


@dataclass(frozen=True)
class Ends:
    """Where each of B runs ended (arrays of B rows)."""

    final: np.ndarray  # (B, 2) last iterate
    start_values: np.ndarray  # (B,) f at the start
    values: np.ndarray  # (B,) f at the last iterate (nan after a fault)
    converged: np.ndarray  # (B,) |∇f| < tol
    fault: np.ndarray  # (B,) a value stopped being finite, or a line search gave up
    steps: np.ndarray  # (B,) steps taken


def run_many(surface, rule: UpdateRule, starts: np.ndarray, *, max_steps: int, tol: float):
    """Every row of ``starts`` (B, 2) with ``rule``: at most ``max_steps`` updates each, a row
    stops at |∇f| < tol or at a fault (its last finite iterate is kept)."""
    theta = np.array(starts, dtype=float)
    batch = len(theta)
    with np.errstate(all="ignore"):
        value, grad = surface.values_at(theta), surface.gradients_at(theta)
        start_values = value.copy()
        fault = ~(np.isfinite(value) & np.all(np.isfinite(grad), axis=1))
        converged = np.zeros(batch, dtype=bool)
        steps = np.zeros(batch, dtype=int)
        state = rule.init(theta)
        for k in range(max_steps + 1):
            converged |= ~fault & (np.sqrt(np.sum(grad * grad, axis=1)) < tol)
            live = ~fault & ~converged
            if k == max_steps or not live.any():
                break
            update, state = rule.update(grad, state)
            stopped = getattr(state, "stop", None)
            if stopped is not None:
                fault |= live & (stopped != 0)
                live &= stopped == 0
            new = theta + update
            new_value, new_grad = surface.values_at(new), surface.gradients_at(new)
            ok = np.isfinite(new_value) & np.all(np.isfinite(new_grad), axis=1)
            ok &= np.all(np.isfinite(new), axis=1)
            fault |= live & ~ok
            live &= ok
            theta = np.where(live[:, None], new, theta)
            value = np.where(live, new_value, value)
            grad = np.where(live[:, None], new_grad, grad)
            steps += live
    return Ends(theta, start_values, np.where(fault, np.nan, value), converged, fault, steps)


def batch_rule(method: str, surface, **hyper) -> UpdateRule:
    """``method``'s rule over a batch; a first-order rule's α may be an array (B, 1).

    The six first-order rules' steps are α times their step at α = 1 (no state depends on
    α), so an array of α scales the rule built at α = 1: a learning rate chained after it.
    """
    factory, names, _ = METHODS[method]
    if method in lab_records.LINE_SEARCH:
        oracle = lab_records.batch_oracle(surface)
        return lab_records.rule(method, oracle, **{n: hyper[n] for n in names})
    alpha = np.asarray(hyper["alpha"], dtype=float)
    rule = factory(**{n: (1.0 if n == "alpha" else hyper[n]) for n in names})

    def update(grad, state):
        step, state = rule.update(grad, state)
        return alpha * step, state

    return UpdateRule(rule.init, update)


# ---------------------------------------------------------------------- the basin map
@dataclass(frozen=True)
class BasinMap:
    method: str
    xs: np.ndarray  # (G,) grid x
    ys: np.ndarray  # (G,) grid y
    category: np.ndarray  # (G, G) rows follow ys: index of a known minimum, or a code < 0
    minima: np.ndarray  # (k, 2)
    radius: float  # ends within this of a minimum count as that minimum's
    steps: int  # N − 1 steps allowed


def basin_job(
    text: str,
    *,
    method: str,
    hyper: tuple,
    window: tuple,
    minima: tuple,
    N: int,
    tol: float,
    grid: int = BASIN_GRID,
) -> BasinMap:
    """Run ``method`` from every point of a grid × grid over ``window`` for N − 1 steps."""
    surface = _surface(text)
    x_lo, x_hi, y_lo, y_hi = window
    xs, ys = np.linspace(x_lo, x_hi, grid), np.linspace(y_lo, y_hi, grid)
    X, Y = np.meshgrid(xs, ys)
    starts = np.column_stack([X.ravel(), Y.ravel()])
    rule = batch_rule(method, surface, **dict(hyper))
    ends = run_many(surface, rule, starts, max_steps=N - 1, tol=tol)
    minima = np.array(minima, dtype=float).reshape(-1, 2)
    span = max(x_hi - x_lo, y_hi - y_lo)
    radius = NEAR * span
    category = classify(ends, minima, radius=radius, centre=(X.mean(), Y.mean()), span=span)
    return BasinMap(method, xs, ys, category.reshape(grid, grid), minima, radius, N - 1)


def classify(ends: Ends, minima: np.ndarray, *, radius: float, centre, span: float):
    """Per run: the known minimum it ended within ``radius`` of; else DIVERGED (a fault,
    farther than FAR window sides out, or f above its start without |∇f| < tol), ELSEWHERE
    (|∇f| < tol away from every known minimum) or MOVING."""
    category = np.full(len(ends.final), MOVING)
    with np.errstate(all="ignore"):
        far = np.max(np.abs(ends.final - np.asarray(centre)), axis=1) > FAR * span
        grew = ends.values > ends.start_values
    category[grew] = DIVERGED
    category[ends.converged] = ELSEWHERE
    category[ends.fault | far] = DIVERGED
    if len(minima):
        distance = np.linalg.norm(ends.final[:, None, :] - minima[None, :, :], axis=2)
        nearest = np.argmin(distance, axis=1)
        near = ~ends.fault & (distance[np.arange(len(nearest)), nearest] < radius)
        category[near] = nearest[near]
    return category


# ---------------------------------------------------------------------- the sweep
@dataclass(frozen=True)
class Sweep:
    method: str
    alphas: np.ndarray  # (SWEEP_POINTS,)
    values: np.ndarray  # final f (nan where diverged)
    diverged: np.ndarray  # bool: a fault, or f ended above its start
    start_value: float


def sweep_job(
    text: str, *, method: str, hyper: tuple, x0: float, y0: float, N: int, tol: float
) -> Sweep:
    """``method`` at SWEEP_POINTS learning rates, log-spaced over four decades around its α."""
    surface = _surface(text)
    hyper = dict(hyper)
    alphas = hyper["alpha"] * np.logspace(-SWEEP_DECADES, SWEEP_DECADES, SWEEP_POINTS)
    starts = np.tile([x0, y0], (SWEEP_POINTS, 1)).astype(float)
    rule = batch_rule(method, surface, **{**hyper, "alpha": alphas[:, None]})
    ends = run_many(surface, rule, starts, max_steps=N - 1, tol=tol)
    diverged = ends.fault | ~(ends.values <= ends.start_values)
    return Sweep(method, alphas, ends.values, diverged, float(ends.start_values[0]))
