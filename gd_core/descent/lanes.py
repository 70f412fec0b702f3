"""One point or a batch of points: what differs between the two as the one loop
(:func:`gd_core.descent.descend`) runs them, and nothing else.

* how a point is evaluated, and how a fault ends a run: one point runs with numpy's
  errors raised, and the first :class:`NumericalFault` ends it with its message; a
  batch runs with them ignored, and a row whose numbers stop being finite ends alone;
* how a stop rule ends a run (a batch: the rows that meet it), and whether all have ended;
* how a stopped run's row is kept: a batch freezes it (its row, value, gradient and
  recorded state repeat its last), while one point's stop ends the loop;
* what the history is given back as (:class:`Trajectory` or :class:`Batch`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import numpy as np

from gd_core.descent.records import (
    Batch,
    History,
    Row,
    StopReason,
    StopRule,
    Trajectory,
    all_steps_taken,
)
from gd_core.faults import NumericalFault, describe, evaluate, finite, fmt
from gd_core.optimizers import UpdateRule, apply, resolve


def _moved(rule, oracle, k, grad, state, point, theta):
    """(state, θ + update): the step itself, for one point or a batch."""
    used = grad if oracle is None else oracle(k, theta, grad)
    update, state = apply(rule, used, state, point)
    return state, theta + resolve(update)


def _where(k: int) -> str:
    return f"step {k + 1} (to iteration {k + 1})"


class Single:
    """One run of θ (p,). A number that stops being finite raises a :class:`NumericalFault`
    (numpy's errors are raised for it), which ends the run with its message."""

    def __init__(self, rule: UpdateRule, max_steps: int, name: str):
        self.history, self.name = History(rule), name
        self.reason, self.message = StopReason.MAX_STEPS, all_steps_taken(max_steps)

    @contextmanager
    def running(self):
        # Overflow, division by zero and invalid operations raise instead of
        # leaving inf/nan behind; underflow to 0 is harmless.
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            try:
                yield
            except NumericalFault as fault:
                self.reason, self.message = StopReason.FAULT, str(fault)

    def evaluate(self, objective, theta, k: int | None = None, before=None):
        """(J, ∇J) as a float and (p,) floats; a fault if either is not finite."""
        return evaluate(objective, theta, "the start" if k is None else _where(k), self.name)

    def record(self, row: Row, state) -> None:
        self.history.add(row, state)

    def stopped(self, row: Row, stops: list[StopRule]) -> bool:
        met = next((s for s in stops if s.met(row)), None)
        if met is not None:
            self.reason, self.message = met.reason, met.says(row.k)
        return met is not None

    def step(self, rule, oracle, k, grad, state, point, theta):
        """Overflow in the gradient used or the update is a fault too."""
        try:
            state, moved = _moved(rule, oracle, k, grad, state, point, theta)
        except NumericalFault:  # a rule that stops the run says where and why itself
            raise
        except ArithmeticError as error:
            raise NumericalFault(
                f"at {_where(k)}: the step from {self.name} = {fmt(theta)} would have been "
                f"too large: {describe(error)}"
            ) from None
        return state, finite(moved, _where(k), self.name)

    def kept(self, theta, value, grad, *moved):
        return moved  # a run that stopped has ended the loop already

    def result(self, p: int) -> Trajectory:
        params, values, grads, states = self.history.arrays(p)
        return Trajectory(params, values, grads, self.reason, self.message, states)


class Batched:
    """B runs of θ (B, p) at once, numpy's errors ignored. A row whose numbers stop being
    finite, or that meets a stop rule, ends alone: its row is frozen from then on."""

    def __init__(self, rule: UpdateRule, size: int, max_steps: int, name: str, keep: str):
        self.history, self.name = History(rule, keep), name
        self.live = np.ones(size, dtype=bool)
        self.lengths = np.zeros(size, dtype=int)
        self.reasons = [StopReason.MAX_STEPS] * size
        self.messages = [all_steps_taken(max_steps)] * size

    def running(self):
        return np.errstate(all="ignore")

    def end(self, rows: np.ndarray, why: StopReason, says: Callable[[int], str]) -> None:
        for i in np.flatnonzero(rows):
            self.reasons[i], self.messages[i] = why, says(i)
        self.live[rows] = False

    def evaluate(self, objective, theta, k: int | None = None, before=None):
        """(J (B,), ∇J (B, p)); the rows where either (or θ) is not finite end as faults."""
        value, grad = objective(theta)
        ok = np.isfinite(value) & np.all(np.isfinite(grad), axis=1)
        name = self.name
        if k is None:
            self.end(
                ~ok,
                StopReason.FAULT,
                lambda i: f"at the start {name} = {fmt(theta[i])}: not finite",
            )
        else:
            ok &= np.all(np.isfinite(theta), axis=1)
            self.end(
                ~ok & self.live,
                StopReason.FAULT,
                lambda i: (
                    f"at {_where(k)}: the step from {name} = {fmt(before[i])} "
                    "led to a value that is not a finite real number"
                ),
            )
        return value, grad

    def record(self, row: Row, state) -> None:
        history, live = self.history, self.live
        previous = history.states[-1] if history.states else None
        history.add(row, state)
        if previous is not None:  # a stopped run keeps its recorded state
            history.states[-1] = {
                key: np.where(_rows(live, column), column, previous[key])
                for key, column in history.states[-1].items()
            }
        self.lengths[live] = row.k + 1

    def stopped(self, row: Row, stops: list[StopRule]) -> bool:
        """True once every run has stopped."""
        for rule in stops:
            met = np.asarray(rule.met(row), dtype=bool) & self.live
            self.end(met, rule.reason, lambda i, rule=rule: rule.says(row.k))
        return not self.live.any()

    step = staticmethod(_moved)

    def kept(self, theta, value, grad, theta_next, value_next, grad_next):
        """The rows of runs that have stopped stay as they were."""
        live = self.live[:, None]
        return (
            np.where(live, theta_next, theta),
            np.where(self.live, value_next, value),
            np.where(live, grad_next, grad),
        )

    def result(self, p: int) -> Batch:
        params, values, grads, states = self.history.arrays(p, len(self.live))
        self.lengths.setflags(write=False)
        reasons, messages = tuple(self.reasons), tuple(self.messages)
        return Batch(
            params, values, grads, self.lengths, reasons, messages, states, self.history.ends
        )


def _rows(live: np.ndarray, column: np.ndarray) -> np.ndarray:
    """``live`` (B,) shaped to pick rows of a recorded column (B,), (B, p), …"""
    return live.reshape(-1, *([1] * (np.ndim(column) - 1)))
