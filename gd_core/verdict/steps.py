"""Facts of each step of a run, read from its own table (any update rule, any f).

Row k describes the step from θ(k−1) to θ(k); row 0 is the start.

* f fell, rose or stayed (within rounding of the two values);
* the step **overshot**: the new point lies past the lowest point along the step's own
  line, ∇f(θ_k)·(θ_k − θ_{k−1}) > 0 (in one dimension: f′ changed sign). Where the
  Hessian's eigenvectors and θ* are known (a fit's cost), a step that flips the sign of
  the error along an eigenvector overshot along that direction too;
* the step was longer or shorter than the one before;
* where θ* is known, the distance |θ − θ*| grew or shrank, and a step that starts and
  ends within ``floor`` of θ* is "at the minimum": rounding only. A step that ends within
  ``floor`` of θ* landed on it: whether it went past cannot be told from rounding, so it
  is never called an overshoot (the gradient there is rounding noise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = float(np.finfo(float).eps)


@dataclass(frozen=True)
class StepFacts:
    """Per row (row 0 the start); arrays are read-only.

    f_change: −1, 0, +1; overshot: bool (the line test, or an eigen-direction flip; never
    on a step of rounding at the minimum); line_overshot: the line test alone (never on a
    step that ends within rounding of θ*); step: |Δθ|; step_ratio: |Δθ_k|/|Δθ_(k−1)| (nan on
    rows 0 and 1); distance: |θ − θ*| (nan when θ* is unknown); at_minimum: bool.
    """

    f_change: np.ndarray
    overshot: np.ndarray
    line_overshot: np.ndarray
    step: np.ndarray
    step_ratio: np.ndarray
    distance: np.ndarray
    at_minimum: np.ndarray

    @property
    def n_steps(self) -> int:
        return len(self.f_change) - 1

    @property
    def active(self) -> np.ndarray:
        """Rows 1… of steps that were not rounding at the minimum."""
        rows = np.arange(len(self.f_change))
        return rows[(rows > 0) & ~self.at_minimum]


def norms(rows: np.ndarray) -> np.ndarray:
    """Euclidean norm of each row, scaled first so that 1e200 does not overflow when squared."""
    rows = np.atleast_2d(np.asarray(rows, dtype=float).T).T
    if not rows.size:
        return np.zeros(len(rows))
    scale = np.max(np.abs(rows), axis=1)
    safe = np.where(scale > 0, scale, 1.0)
    with np.errstate(invalid="ignore"):
        return scale * np.sqrt(
            np.sum((rows / np.where(np.isfinite(safe), safe, 1.0)[:, None]) ** 2, axis=1)
        )


def step_facts(
    params: np.ndarray,
    values: np.ndarray,
    grads: np.ndarray,
    *,
    minimizer: np.ndarray | None = None,
    eigenvectors: np.ndarray | None = None,
    floor: float = 0.0,
) -> StepFacts:
    """The facts of every step of a history: params (n, p), values (n,), grads (n, p)."""
    params = np.asarray(params, dtype=float).reshape(len(values), -1)
    grads = np.asarray(grads, dtype=float).reshape(params.shape)
    values = np.asarray(values, dtype=float)
    n = len(values)
    steps = np.zeros_like(params)
    steps[1:] = np.diff(params, axis=0)
    size = norms(steps)
    size[0] = np.nan
    change = np.zeros(n, dtype=int)
    if n > 1:
        delta = np.diff(values)
        noise = 4 * EPS * np.maximum(np.abs(values[1:]), np.abs(values[:-1]))
        change[1:] = np.where(np.abs(delta) <= noise, 0, np.sign(delta))
    line = np.zeros(n, dtype=bool)
    with np.errstate(all="ignore"):
        # signs first: a product of 1e200s must not overflow into a false verdict
        dot = np.einsum("ij,ij->i", grads / _scale(grads), steps / _scale(steps))
    line[1:] = dot[1:] > 0
    overshot = line.copy()
    distance = np.full(n, np.nan)
    at_minimum = np.zeros(n, dtype=bool)
    if minimizer is not None:
        errors = params - np.asarray(minimizer, dtype=float)
        distance = norms(errors)
        at_minimum[1:] = (distance[1:] <= floor) & (distance[:-1] <= floor)
        landed = distance[1:] <= floor  # on θ* to rounding: no verifiable overshoot
        line[1:] &= ~landed
        overshot[1:] &= ~landed
        if eigenvectors is not None:
            parts = errors @ np.asarray(eigenvectors, dtype=float)
            big = np.abs(parts) > floor
            flips = (np.sign(parts[1:]) * np.sign(parts[:-1]) < 0) & big[1:] & big[:-1]
            overshot[1:] |= flips.any(axis=1)
    overshot &= ~at_minimum
    ratio = np.full(n, np.nan)
    with np.errstate(all="ignore"):
        ratio[2:] = np.where(size[1:-1] > 0, size[2:] / size[1:-1], np.nan)
    arrays = dict(
        f_change=change,
        overshot=overshot,
        line_overshot=line,
        step=size,
        step_ratio=ratio,
        distance=distance,
        at_minimum=at_minimum,
    )
    for array in arrays.values():
        array.setflags(write=False)
    return StepFacts(**arrays)


def _scale(rows: np.ndarray) -> np.ndarray:
    scale = np.max(np.abs(rows), axis=1, keepdims=True)
    return np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
