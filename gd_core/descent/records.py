"""What a run of the descent loop (:func:`gd_core.descent.descend`) records and gives back:
its rows, the stop rules that read them, and its history (a :class:`Trajectory`, or a
:class:`Batch` of many runs)."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from gd_core.optimizers import UpdateRule


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


class History:
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


def _frozen(rows: list, shape: tuple) -> np.ndarray:
    array = np.array(rows, dtype=float) if rows else np.empty(shape)
    array.setflags(write=False)
    return array
