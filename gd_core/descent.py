"""The descent loop: apply an update rule until a stopping rule or a fault.

The loop records every iterate θ(0), θ(1), … (the start included) with the
objective value and gradient there. It stops, and says why, when

* it has taken ``max_steps`` updates,
* a step, as realised in floating point (|θ(k+1) − θ(k)|, the seed's
  ``step_size = abs(new_x - previous_x)``), is smaller than ``precision`` in
  every component (if given); the step's row is recorded, then the loop stops,
* or a number stops being finite (overflow, a domain error such as log of
  a negative number, division by zero). The faulty iterate is not recorded:
  the history holds only finite rows, and the message says what the next
  step would have done.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from gd_core.optimizers import UpdateRule

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]
"""θ with shape (p,) -> (J(θ), ∇J(θ) with shape (p,))."""


class StopReason(enum.Enum):
    MAX_STEPS = "took every step allowed"
    PRECISION = "step below the precision"
    FAULT = "numerical fault"


@dataclass(frozen=True)
class Trajectory:
    """The history of one run; arrays are read-only.

    params: (n, p) iterates θ(0) … θ(n−1), start included.
    values: (n,)   objective J(θ(k)).
    grads:  (n, p) gradient ∇J(θ(k)).
    reason: why the run stopped; ``message`` says it in words.
    """

    params: np.ndarray
    values: np.ndarray
    grads: np.ndarray
    reason: StopReason
    message: str

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


class NumericalFault(ArithmeticError):
    """A value stopped being a finite real number; the message says which."""


def descend(
    objective: Objective,
    start: np.ndarray,
    *,
    rule: UpdateRule,
    max_steps: int,
    precision: float | None = None,
    name: str = "θ",
) -> Trajectory:
    """Iterate θ(k+1) = θ(k) + update(∇J(θ(k))) from ``start`` (shape (p,)).

    Takes at most ``max_steps`` updates; with ``precision`` it also stops after
    the first step whose realised size |θ(k+1) − θ(k)| is below ``precision``
    in every component (the seed's rule; the table's step column shows that
    same number).
    ``name`` is what messages call the parameter ("θ", or "x" for f(x)).
    """
    if max_steps < 0:
        raise ValueError("max_steps must be at least 0")
    theta = np.array(start, dtype=float).reshape(-1)
    params, values, grads = [], [], []
    reason, message = StopReason.MAX_STEPS, f"took all {max_steps} steps it was allowed"
    # Overflow, division by zero and invalid operations raise instead of
    # leaving inf/nan behind; underflow to 0 is harmless.
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        try:
            state = rule.init(theta)
            value, grad = _evaluate(objective, theta, "the start", name)
            for k in range(max_steps + 1):
                params.append(theta)
                values.append(value)
                grads.append(grad)
                if k == max_steps:
                    break
                where = f"step {k + 1} (to iteration {k + 1})"
                update, state, theta_next = _step(rule, grad, state, theta, where, name)
                value, grad = _evaluate(objective, theta_next, where, name)
                realised = theta_next - theta
                theta = theta_next
                if precision is not None and np.all(np.abs(realised) < precision):
                    reason = StopReason.PRECISION
                    message = (
                        f"stopped after step {k + 1}, which was below the precision {precision:g}"
                    )
                    params.append(theta)
                    values.append(value)
                    grads.append(grad)
                    break
        except NumericalFault as fault:
            reason, message = StopReason.FAULT, str(fault)
    return Trajectory(
        params=_frozen(params, shape=(0, theta.size)),
        values=_frozen(values, shape=(0,)),
        grads=_frozen(grads, shape=(0, theta.size)),
        reason=reason,
        message=message,
    )


def _step(rule: UpdateRule, grad, state, theta: np.ndarray, where: str, name: str):
    """(update, state, θ + update); overflow in the update itself is a fault too."""
    try:
        update, state = rule.update(grad, state)
        theta_next = theta + update
    except ArithmeticError as error:
        raise NumericalFault(
            f"at {where}: the step from {name} = {_fmt(theta)} would have been too large: "
            f"{_describe(error)}"
        ) from None
    return update, state, _finite(theta_next, where, name)


def _evaluate(objective: Objective, theta: np.ndarray, where: str, name: str):
    try:
        value, grad = objective(theta)
        value = float(value)
        grad = np.asarray(grad, dtype=float).reshape(-1)
    except (ArithmeticError, ValueError, TypeError) as error:
        why = f"computing the value or gradient fails: {_describe(error)}"
    else:
        if math.isfinite(value) and _all_finite(grad):
            return value, grad
        what = "the value" if not math.isfinite(value) else "the gradient"
        why = f"{what} {_not_finite(np.append(value, grad))}"
    if where == "the start":
        raise NumericalFault(f"at the start {name} = {_fmt(theta)}: {why}")
    raise NumericalFault(f"at {where}: it would have landed on {name} = {_fmt(theta)}, where {why}")


def _finite(array: np.ndarray, where: str, what: str) -> np.ndarray:
    if _all_finite(array):
        return array
    raise NumericalFault(f"at {where}: the new {what} would have {_not_finite(array, verb=False)}")


def _all_finite(array: np.ndarray) -> bool:
    # Python floats: for the one or two numbers of a step, much cheaper than numpy.
    return all(map(math.isfinite, array.tolist()))


def _not_finite(array: np.ndarray, verb: bool = True) -> str:
    if np.any(np.isnan(array)):
        return "is not a real number" if verb else "become nan (not a real number)"
    return "overflowed (grew past the largest float, about 1.8e308)"


def _describe(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if "overflow" in text:
        return "overflow (the numbers grew too large)"
    if "divide by zero" in text or isinstance(error, ZeroDivisionError):
        return "division by zero"
    if "invalid value" in text:
        return "a value outside the function's domain (not a real number)"
    return text


def _fmt(theta: np.ndarray) -> str:
    parts = [f"{v:.6g}" for v in np.atleast_1d(theta)]
    return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"


def _frozen(rows: list, shape: tuple) -> np.ndarray:
    array = np.array(rows, dtype=float) if rows else np.empty(shape)
    array.setflags(write=False)
    return array
