"""Maps of many runs at once on a typed f(x, y): where every start ends (the basin map) and
where every learning rate ends (the sweep). Jobs for the budget's worker, like
:func:`gd_core.lab.method_job`; each runs its whole batch of points together.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gd_core import lab_records
from gd_core.descent import StopReason, descend, gradient_below
from gd_core.lab import METHODS, _surface
from gd_core.optimizers import UpdateRule, apply, resolve

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
    """Every row of ``starts`` (B, 2) with ``rule``, through the one descent loop: at most
    ``max_steps`` updates each; a row stops at |∇f| < tol or at a fault (its last finite
    iterate is kept). Only each run's start and end are kept."""

    def objective(P: np.ndarray):
        return surface.values_at(P), surface.gradients_at(P)

    batch = descend(
        objective,
        np.array(starts, dtype=float),
        rule=rule,
        max_steps=max_steps,
        stop=gradient_below(tol),
        name="(x, y)",
        keep="ends",
    )
    reasons = np.array([reason.name for reason in batch.reasons])
    fault = reasons == StopReason.FAULT.name
    return Ends(
        final=batch.final,
        start_values=batch.values[0],
        values=np.where(fault, np.nan, batch.values[-1]),
        converged=reasons == StopReason.GRADIENT.name,
        fault=fault,
        steps=batch.lengths - 1,
    )


def batch_rule(method: str, surface, **hyper) -> UpdateRule:
    """``method``'s rule over a batch; a first-order rule's α may be an array (B, 1)."""
    factory, names = METHODS[method]
    if method in lab_records.LINE_SEARCH:
        oracle = lab_records.batch_oracle(surface)
        return lab_records.rule(method, oracle, **{n: hyper[n] for n in names})
    return factory(**{n: hyper[n] for n in names})


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
    rows: tuple[int, int] | None = None,
) -> BasinMap:
    """Run ``method`` from every point of a grid × grid over ``window`` for N − 1 steps.

    ``rows`` = (first, stop): only those rows of the grid (a map made in parts, each its
    own budgeted job); the map's ``category`` then has stop − first rows.
    """
    surface = _surface(text)
    x_lo, x_hi, y_lo, y_hi = window
    xs, ys = np.linspace(x_lo, x_hi, grid), np.linspace(y_lo, y_hi, grid)
    first, stop = rows if rows is not None else (0, grid)
    X, Y = np.meshgrid(xs, ys[first:stop])
    starts = np.column_stack([X.ravel(), Y.ravel()])
    rule = batch_rule(method, surface, **dict(hyper))
    ends = run_many(surface, rule, starts, max_steps=N - 1, tol=tol)
    minima = np.array(minima, dtype=float).reshape(-1, 2)
    span = max(x_hi - x_lo, y_hi - y_lo)
    centre = ((x_lo + x_hi) / 2, (y_lo + y_hi) / 2)
    category = classify(ends, minima, radius=NEAR * span, centre=centre, span=span)
    return BasinMap(method, xs, ys, category.reshape(-1, grid), minima, NEAR * span, N - 1)


def joined(parts: list[BasinMap]) -> BasinMap:
    """One map from its parts (rows in order)."""
    category = np.vstack([part.category for part in parts])
    return replace(parts[0], category=category)


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


def by_rows(parts: list[tuple[UpdateRule, int]]) -> UpdateRule:
    """One rule over a batch whose consecutive blocks of rows follow different rules
    (optax's multi_transform, by rows): [(rule, rows), …] in order."""
    bounds = np.cumsum([0] + [rows for _, rows in parts])
    blocks = [
        (rule, slice(int(a), int(b)))
        for (rule, _), a, b in zip(parts, bounds[:-1], bounds[1:], strict=True)
    ]

    def init(theta: np.ndarray) -> tuple:
        return tuple(rule.init(theta[rows]) for rule, rows in blocks)

    def update(grad: np.ndarray, state: tuple, point=None):
        out = np.empty_like(grad)
        states = []
        for (rule, rows), inner in zip(blocks, state, strict=True):
            part = None
            if point is not None:
                part = point._replace(theta=point.theta[rows], value=point.value[rows])
            step, inner = apply(rule, grad[rows], inner, part)
            out[rows] = resolve(step)
            states.append(inner)
        return out, tuple(states)

    return UpdateRule(init, update, uses_point=any(rule.uses_point for rule, _ in parts))


def sweep_job(
    text: str, *, methods: tuple, x0: float, y0: float, N: int, tol: float
) -> tuple[Sweep, ...]:
    """Each of ``methods`` ((method, ((keyword, value), …)), …) at SWEEP_POINTS learning
    rates, log-spaced over four decades around its α: all of them in one batch."""
    surface = _surface(text)
    parts, alphas = [], []
    for method, hyper in methods:
        hyper = dict(hyper)
        alpha = hyper["alpha"] * np.logspace(-SWEEP_DECADES, SWEEP_DECADES, SWEEP_POINTS)
        parts.append(
            (batch_rule(method, surface, **{**hyper, "alpha": alpha[:, None]}), len(alpha))
        )
        alphas.append(alpha)
    starts = np.tile([x0, y0], (SWEEP_POINTS * len(methods), 1)).astype(float)
    ends = run_many(surface, by_rows(parts), starts, max_steps=N - 1, tol=tol)
    diverged = ends.fault | ~(ends.values <= ends.start_values)
    sweeps = []
    for k, ((method, _), alpha) in enumerate(zip(methods, alphas, strict=True)):
        rows = slice(k * SWEEP_POINTS, (k + 1) * SWEEP_POINTS)
        start = float(ends.start_values[rows][0])
        sweeps.append(Sweep(method, alpha, ends.values[rows], diverged[rows], start))
    return tuple(sweeps)
