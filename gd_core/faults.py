"""What the descent loop says when a number stops being finite: where, and why.

A :class:`NumericalFault` carries the sentence; :func:`evaluate` asks the objective for
(value, gradient) and raises one when either is not a finite real number.
"""

from __future__ import annotations

import math

import numpy as np


class NumericalFault(ArithmeticError):
    """A value stopped being a finite real number; the message says which."""


def evaluate(objective, theta: np.ndarray, where: str, name: str):
    try:
        value, grad = objective(theta)
        value = float(value)
        grad = np.asarray(grad, dtype=float).reshape(-1)
    except (ArithmeticError, ValueError, TypeError) as error:
        why = f"computing the value or gradient fails: {describe(error)}"
    else:
        if math.isfinite(value) and all_finite(grad):
            return value, grad
        what = "the value" if not math.isfinite(value) else "the gradient"
        why = f"{what} {not_finite(np.append(value, grad))}"
    if where == "the start":
        raise NumericalFault(f"at the start {name} = {fmt(theta)}: {why}")
    raise NumericalFault(f"at {where}: it would have landed on {name} = {fmt(theta)}, where {why}")


def finite(array: np.ndarray, where: str, what: str) -> np.ndarray:
    if all_finite(array):
        return array
    raise NumericalFault(f"at {where}: the new {what} would have {not_finite(array, verb=False)}")


def all_finite(array: np.ndarray) -> bool:
    # Python floats: for the one or two numbers of a step, much cheaper than numpy.
    return all(map(math.isfinite, array.tolist()))


def not_finite(array: np.ndarray, verb: bool = True) -> str:
    if np.any(np.isnan(array)):
        return "is not a real number" if verb else "become nan (not a real number)"
    return "overflowed (grew past the largest float, about 1.8e308)"


def describe(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if "overflow" in text or isinstance(error, OverflowError) or "range error" in text:
        return "overflow (the numbers grew too large)"
    if "divide by zero" in text or isinstance(error, ZeroDivisionError):
        return "division by zero"
    if "invalid value" in text:
        return "a value outside the function's domain (not a real number)"
    if isinstance(error, TypeError) and "complex" in text:
        return "not a real number (outside the function's domain)"
    return text


def fmt(theta: np.ndarray) -> str:
    parts = [f"{v:.6g}" for v in np.atleast_1d(theta)]
    return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"
