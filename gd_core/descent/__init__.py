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

One point and a batch go through the same loop below; the little that differs (how a
fault ends a run, how a stopped run's row is kept, what the history is given back as)
is in :mod:`gd_core.descent.lanes`. The rows, stop rules and histories are in
:mod:`gd_core.descent.records`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gd_core.descent.lanes import Batched, Single
from gd_core.descent.records import (
    Batch,
    Row,
    StopReason,
    StopRule,
    Trajectory,
    all_steps_taken,
    gradient_below,
    step_below,
)
from gd_core.faults import NumericalFault
from gd_core.optimizers import Point, UpdateRule, chain

__all__ = [
    "Batch",
    "NumericalFault",
    "Objective",
    "Oracle",
    "Row",
    "StopReason",
    "StopRule",
    "Trajectory",
    "all_steps_taken",
    "descend",
    "gradient_below",
    "step_below",
]

Objective = Callable[[np.ndarray], tuple[Any, np.ndarray]]
"""θ with shape (p,) -> (J(θ), ∇J(θ) with shape (p,)); or (B, p) -> ((B,), (B, p))."""

Oracle = Callable[[int, np.ndarray, np.ndarray], np.ndarray]
"""(k, θ(k), ∇J(θ(k))) -> the gradient step k uses."""


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
        lanes = Batched(rule, len(theta), max_steps, name, keep)
    else:
        theta, lanes = theta.reshape(-1), Single(rule, max_steps, name)
    with lanes.running():
        state = rule.init(theta)
        value, grad = lanes.evaluate(objective, theta)
        row = Row(0, theta, value, grad, None)
        for k in range(max_steps + 1):
            lanes.record(row, state)
            if lanes.stopped(row, stops) or k == max_steps:
                break
            point = Point(theta, value, k, objective) if rule.uses_point else None
            state, moved = lanes.step(rule, oracle, k, grad, state, point, theta)
            value_moved, grad_moved = lanes.evaluate(objective, moved, k, theta)
            # a batch's runs that have stopped keep their row
            theta_next, value, grad = lanes.kept(theta, value, grad, moved, value_moved, grad_moved)
            row = Row(k + 1, theta_next, value, grad, theta_next - theta)
            theta = theta_next
    return lanes.result(theta.shape[-1])
