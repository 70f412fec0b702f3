"""Learning-rate limits of a quadratic, and numbers shown so they never contradict a sentence.

For a quadratic cost with Hessian A (eigenvalues λmin ≤ … ≤ λmax), gradient
descent multiplies the error θ − θ* along each eigenvector by (1 − αλ):

* it converges iff α < α_crit = 2/λmax; at α = α_crit the steep part bounces for ever;
* no step overshoots, from any start, iff α ≤ 1/λmax (the new point never lies past
  the lowest point along the step's line, and no eigen-component changes sign);
* fastest at α_opt = 2/(λmin + λmax), where ρ = max|1 − αλ| is least; with one
  parameter that is 1/λ, one step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LearningRates:
    """Eigenvalues of the Hessian (ascending) and the learning rates they imply."""

    eigenvalues: tuple[float, ...]
    critical: float
    monotone_limit: float
    optimal: float

    @property
    def condition(self) -> float:
        lo, hi = self.eigenvalues[0], self.eigenvalues[-1]
        return hi / lo if lo > 0 else math.inf

    def contraction(self, alpha: float) -> float:
        """ρ = max|1 − αλ|: the factor by which the error shrinks (ρ < 1) or grows per step."""
        return max(abs(1.0 - alpha * lam) for lam in self.eigenvalues)


def learning_rates(hessian: np.ndarray) -> LearningRates:
    """α_crit = 2/λmax, the no-overshoot limit 1/λmax and α_opt = 2/(λmin + λmax)."""
    eigenvalues = np.linalg.eigvalsh(np.atleast_2d(hessian))
    lo, hi = float(eigenvalues[0]), float(eigenvalues[-1])
    if hi <= 0:
        raise ValueError("the cost is flat: its Hessian has no positive eigenvalue")
    return LearningRates(
        eigenvalues=tuple(float(v) for v in eigenvalues),
        critical=2.0 / hi,
        monotone_limit=1.0 / hi,
        optimal=2.0 / (lo + hi),
    )


def g(value: float, digits: int = 4) -> str:
    """A number for a sentence: ``digits`` significant digits, no "-0"."""
    return f"{float(value) + 0.0:.{digits}g}"


def distinct(*values: float, digits: int = 3) -> tuple[str, ...]:
    """The values with ``digits`` significant digits, or more until unequal ones read
    differently (at most 12)."""
    for more in range(digits, 13):
        shown = tuple(g(v, more) for v in values)
        clash = any(
            shown[i] == shown[j] and values[i] != values[j]
            for i in range(len(values))
            for j in range(i + 1, len(values))
        )
        if not clash:
            return shown
    return shown


def versus(a: float, b: float) -> str:
    """ "<", "=" or ">" between a and b."""
    return "<" if a < b else ("=" if a == b else ">")


def factor(rho: float) -> str:
    """ρ shown so that it reads on the right side of 1: never "1" for 0.99996 or 1.00004."""
    if rho == 1:
        return "1"
    for digits in range(4, 13):
        shown = g(rho, digits)
        if (float(shown) < 1) == (rho < 1) and float(shown) != 1:
            return shown
    return "just below 1" if rho < 1 else "just above 1"
