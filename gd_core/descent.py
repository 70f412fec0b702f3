"""The descent loop: the one loop every page runs, whatever the rule, rate, gradient or stop.

    descend(objective, start, rule=…, lr=…, oracle=…, stop=…, max_steps=…)

* ``objective``: θ -> (J(θ), ∇J(θ)), the value and gradient every row records.
* ``rule``: an update rule (:mod:`gd_core.optimizers`): a ready-made one with its
  learning rate inside, or a direction with the learning-rate transform ``lr``
  chained after it (``scale_by_learning_rate(α)`` or ``scale_by_schedule(α_k)``).
  A rule with ``uses_point`` is handed the iterate and the objective, which it may
  evaluate (a line search). The rule's ``record`` is kept for every row.
* ``oracle``: the gradient a step uses, ``oracle(k, θ, ∇J(θ))`` for step k (k = 0
  first); by default the objective's own (full batch, or a formula's derivative).
  :meth:`gd_core.minibatch.MiniBatches.oracle` feeds each step its mini-batch.
* ``stop``: stop rules checked on every recorded row (:func:`step_below`,
  :func:`gradient_below`); ``precision=`` is short for ``stop=step_below(precision)``.

The loop records every iterate θ(0), θ(1), … (the start included) with the
objective value and gradient there. It stops, and says why, when

* it has taken ``max_steps`` updates,
* a stop rule is met by the row just recorded (for :func:`step_below`: a step,
  as realised in floating point |θ(k+1) − θ(k)|, the classic
  ``step_size = abs(new_x - previous_x)``, is below the precision in every
  component; for :func:`gradient_below`: |∇J| < tol, the start included),
* or a number stops being finite (overflow, a domain error such as log of
  a negative number, division by zero). The faulty iterate is not recorded:
  the history holds only finite rows, and the message says what the next
  step would have done.

Many runs at once: a ``start`` of shape (B, p) runs B points together (rules and
the learning rate work elementwise; α may be an array of shape (B, 1)). The
objective then returns (B,) values and (B, p) gradients. Each run stops on its
own (a stop rule, or a fault, freezes its row); the loop ends when all have
stopped or after ``max_steps``, and returns a :class:`Batch`.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from gd_core.faults import NumericalFault, describe, evaluate, finite, fmt
from gd_core.optimizers import Point, UpdateRule, apply, chain, resolve

Objective = Callable[[np.ndarray], tuple[Any, np.ndarray]]
"""θ with shape (p,) -> (J(θ), ∇J(θ) with shape (p,)); or (B, p) -> ((B,), (B, p))."""

Oracle = Callable[[int, np.ndarray, np.ndarray], np.ndarray]
"""(k, θ(k), ∇J(θ(k))) -> the gradient step k uses."""


class StopReason(enum.Enum):
    MAX_STEPS = "took every step allowed"
    PRECISION = "step below the precision"
    GRADIENT = "gradient below the tolerance"
    FAULT = "numerical fault"


class Row(NamedTuple):
    """A recorded iterate, as a stop rule sees it. ``step`` is None at the start."""

    k: int  # steps taken so far
    theta: np.ndarray
    value: Any
    grad: np.ndarray
    step: np.ndarray | None


class StopRule(NamedTuple):
    """``met(row)`` -> bool (or (B,) bools); ``says(k)``: the sentence when met after k steps."""

    reason: StopReason
    met: Callable[[Row], Any]
    says: Callable[[int], str]


def step_below(precision: float) -> StopRule:
    """Stop after the first step whose realised size is below ``precision`` in every component."""

    def met(row: Row):
        if row.step is None:
            return False
        return np.all(np.abs(row.step) < precision, axis=-1)

    return StopRule(
        StopReason.PRECISION,
        met,
        lambda k: f"stopped after step {k}, which was below the precision {precision:g}",
    )


def gradient_below(tol: float) -> StopRule:
    """Stop at the first iterate (the start included) where |∇J| < tol."""

    def met(row: Row):
        if row.grad.ndim == 1:
            return math.hypot(*row.grad.tolist()) < tol
        return np.sqrt(np.sum(row.grad * row.grad, axis=-1)) < tol

    return StopRule(
        StopReason.GRADIENT,
        met,
        lambda k: f"stopped after {k} steps, where |∇f| was below the tolerance {tol:g}",
    )


@dataclass(frozen=True)
class Trajectory:
    """The history of one run; arrays are read-only.

    params: (n, p) iterates θ(0) … θ(n−1), start included.
    values: (n,)   objective J(θ(k)).
    grads:  (n, p) gradient ∇J(θ(k)).
    reason: why the run stopped; ``message`` says it in words.
    states: the rule's recorded state, name -> (n, p), the state after the step into each row.
    """

    params: np.ndarray
    values: np.ndarray
    grads: np.ndarray
    reason: StopReason
    message: str
    states: dict[str, np.ndarray] = field(default_factory=dict)

    @cached_property
    def steps(self) -> np.ndarray:
        """(n, p) the update that led to each iterate, θ(k) − θ(k−1); row 0 is nan."""
        steps = np.full_like(self.params, np.nan)
        steps[1:] = np.diff(self.params, axis=0)
        steps.setflags(write=False)
        return steps

    @property
    def n_steps(self) -> int:
        """Updates taken (rows − 1)."""
        return len(self.values) - 1

    @property
    def final(self) -> np.ndarray:
        return self.params[-1]


@dataclass(frozen=True)
class Batch:
    """B runs made together; arrays read-only. A run's rows after it stopped repeat its last.

    params: (n, B, p); values: (n, B); grads: (n, B, p); states: name -> (n, B, p);
    lengths: (B,) the rows each run really has; reasons, messages: per run.
    With ``ends_only`` (``descend(…, keep="ends")``) n is 2: each run's start and last row,
    and no states are recorded.
    """

    params: np.ndarray
    values: np.ndarray
    grads: np.ndarray
    lengths: np.ndarray
    reasons: tuple[StopReason, ...]
    messages: tuple[str, ...]
    states: dict[str, np.ndarray] = field(default_factory=dict)
    ends_only: bool = False

    @property
    def final(self) -> np.ndarray:
        """(B, p) each run's last iterate."""
        return self.params[-1]

    def run(self, i: int) -> Trajectory:
        """Run i on its own."""
        if self.ends_only:
            raise ValueError("this batch kept only each run's start and last row")
        n = int(self.lengths[i])
        return Trajectory(
            params=self.params[:n, i],
            values=self.values[:n, i],
            grads=self.grads[:n, i],
            reason=self.reasons[i],
            message=self.messages[i],
            states={name: column[:n, i] for name, column in self.states.items()},
        )


def all_steps_taken(n: int) -> str:
    """The message of a run that used its whole step budget ("all 1 step", "all 5 steps")."""
    if n == 0:  # N = 1: "took all 0 steps" would count steps there were none of
        return "was allowed no step"
    return f"took all {n} step{'' if n == 1 else 's'} it was allowed"


def descend(
    objective: Objective,
    start: np.ndarray,
    *,
    rule: UpdateRule,
    max_steps: int,
    lr: UpdateRule | None = None,
    oracle: Oracle | None = None,
    stop: StopRule | Sequence[StopRule] = (),
    precision: float | None = None,
    name: str = "θ",
    keep: str = "all",
) -> Trajectory | Batch:
    """Iterate θ(k+1) = θ(k) + update(g_k) from ``start``: see the module for every argument.

    ``name`` is what messages call the parameter ("θ", or "x" for f(x)). ``keep="ends"``
    keeps only the start and the last row of a batch's runs, no states (a map of many starts).
    """
    if max_steps < 0:
        raise ValueError("max_steps must be at least 0")
    rule = chain(rule, lr) if lr is not None else rule
    stops = [stop] if isinstance(stop, StopRule) else list(stop)
    if precision is not None:
        stops.append(step_below(precision))
    theta = np.array(start, dtype=float)
    if theta.ndim == 2:
        return _descend_batch(objective, theta, rule, oracle, stops, max_steps, name, keep)
    theta = theta.reshape(-1)
    history = _History(rule)
    reason, message = StopReason.MAX_STEPS, all_steps_taken(max_steps)
    # Overflow, division by zero and invalid operations raise instead of
    # leaving inf/nan behind; underflow to 0 is harmless.
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        try:
            state = rule.init(theta)
            value, grad = evaluate(objective, theta, "the start", name)
            row = Row(0, theta, value, grad, None)
            for k in range(max_steps + 1):
                history.add(row, state)
                met = next((s for s in stops if s.met(row)), None)
                if met is not None:
                    reason, message = met.reason, met.says(k)
                    break
                if k == max_steps:
                    break
                where = f"step {k + 1} (to iteration {k + 1})"
                point = Point(theta, value, k, objective) if rule.uses_point else None
                state, theta_next = _step(rule, oracle, k, grad, state, point, theta, where, name)
                value, grad = evaluate(objective, theta_next, where, name)
                row = Row(k + 1, theta_next, value, grad, theta_next - theta)
                theta = theta_next
        except NumericalFault as fault:
            reason, message = StopReason.FAULT, str(fault)
    params, values, grads, states = history.arrays(theta.size)
    return Trajectory(params, values, grads, reason, message, states)


class _History:
    """The rows and recorded states of a run, kept as lists until the end."""

    def __init__(self, rule: UpdateRule, keep: str = "all"):
        if keep not in ("all", "ends"):
            raise ValueError(f"keep must be 'all' or 'ends', got {keep!r}")
        self.ends = keep == "ends"
        self.record = None if self.ends else rule.record  # a map of ends needs no states
        self.params, self.values, self.grads, self.states = [], [], [], []

    def add(self, row: Row, state) -> None:
        if self.ends and len(self.params) == 2:  # the start and the latest row only
            for rows in (self.params, self.values, self.grads, self.states):
                if rows:
                    rows.pop()
        self.params.append(row.theta)
        self.values.append(row.value)
        self.grads.append(row.grad)
        if self.record is not None:
            self.states.append(self.record(state))

    def arrays(self, p: int, batch: int | None = None):
        shape = (0, p) if batch is None else (0, batch, p)
        states = {
            key: _frozen([row[key] for row in self.states], shape=shape)
            for key in (self.states[0] if self.states else ())
        }
        return (
            _frozen(self.params, shape=shape),
            _frozen(self.values, shape=shape[:-1]),
            _frozen(self.grads, shape=shape),
            states,
        )


def _descend_batch(objective, theta, rule, oracle, stops, max_steps, name, keep) -> Batch:
    """B runs at once (``theta`` (B, p)): the same stepping, stopping and recording as
    :func:`descend`, with each run's row frozen once it stops; faults are per run."""
    size = len(theta)
    history = _History(rule, keep)
    live = np.ones(size, dtype=bool)
    reasons = [StopReason.MAX_STEPS] * size
    messages = [all_steps_taken(max_steps)] * size
    lengths = np.zeros(size, dtype=int)

    def end(rows: np.ndarray, why: StopReason, says) -> None:
        for i in np.flatnonzero(rows):
            reasons[i], messages[i] = why, says(i)
        live[rows] = False

    with np.errstate(all="ignore"):
        state = rule.init(theta)
        value, grad = objective(theta)
        ok = _rows_finite(value, grad)
        end(~ok, StopReason.FAULT, lambda i: f"at the start {name} = {fmt(theta[i])}: not finite")
        row = Row(0, theta, value, grad, None)
        for k in range(max_steps + 1):
            previous = history.states[-1] if history.states else None
            history.add(row, state)
            if previous is not None:  # a stopped run keeps its recorded state
                history.states[-1] = {
                    key: np.where(_rows(live, column), column, previous[key])
                    for key, column in history.states[-1].items()
                }
            lengths[live] = k + 1
            for rule_ in stops:
                met = np.asarray(rule_.met(row), dtype=bool) & live
                end(met, rule_.reason, lambda i, r=rule_, k=k: r.says(k))
            if k == max_steps or not live.any():
                break
            point = Point(theta, value, k, objective) if rule.uses_point else None
            used = grad if oracle is None else oracle(k, theta, grad)
            update, state = apply(rule, used, state, point)
            theta_next = theta + resolve(update)
            value_next, grad_next = objective(theta_next)
            ok = _rows_finite(value_next, grad_next) & np.all(np.isfinite(theta_next), axis=1)
            end(~ok & live, StopReason.FAULT, lambda i, k=k, t=theta: _batch_fault(k, t[i], name))
            keep = live[:, None]
            theta_next = np.where(keep, theta_next, theta)
            value = np.where(live, value_next, value)
            grad = np.where(keep, grad_next, grad)
            row = Row(k + 1, theta_next, value, grad, theta_next - theta)
            theta = theta_next
    params, values, grads, states = history.arrays(theta.shape[1], size)
    lengths.setflags(write=False)
    return Batch(
        params, values, grads, lengths, tuple(reasons), tuple(messages), states, history.ends
    )


def _rows(live: np.ndarray, column: np.ndarray) -> np.ndarray:
    """``live`` (B,) shaped to pick rows of a recorded column (B,), (B, p), …"""
    return live.reshape(-1, *([1] * (np.ndim(column) - 1)))


def _rows_finite(value, grad) -> np.ndarray:
    return np.isfinite(value) & np.all(np.isfinite(grad), axis=1)


def _batch_fault(k: int, theta: np.ndarray, name: str) -> str:
    return (
        f"at step {k + 1} (to iteration {k + 1}): the step from {name} = {fmt(theta)} "
        "led to a value that is not a finite real number"
    )


def _step(rule, oracle, k, grad, state, point, theta, where: str, name: str):
    """(state, θ + update); overflow in the gradient used or the update is a fault too."""
    try:
        used = grad if oracle is None else oracle(k, theta, grad)
        update, state = apply(rule, used, state, point)
        theta_next = theta + resolve(update)
    except NumericalFault:  # a rule that stops the run says where and why itself
        raise
    except ArithmeticError as error:
        raise NumericalFault(
            f"at {where}: the step from {name} = {fmt(theta)} would have been too large: "
            f"{describe(error)}"
        ) from None
    return state, finite(theta_next, where, name)


def _frozen(rows: list, shape: tuple) -> np.ndarray:
    array = np.array(rows, dtype=float) if rows else np.empty(shape)
    array.setflags(write=False)
    return array
