"""Update rules, kept apart from the loop that applies them (optax style).

An update rule is a pair of pure functions:

    state = rule.init(theta)
    update, state = rule.update(grad, state)
    theta_next = theta + update

so momentum, Adam or anything else with state can replace plain gradient
descent without touching :func:`gd_core.descent.descend`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


class UpdateRule(NamedTuple):
    """``init(theta) -> state`` and ``update(grad, state) -> (update, state)``."""

    init: Callable[[np.ndarray], Any]
    update: Callable[[np.ndarray, Any], tuple[np.ndarray, Any]]


def gradient_descent(*, alpha: float) -> UpdateRule:
    """Plain gradient descent: θ := θ − α·∇J(θ). Stateless."""
    if not (np.isfinite(alpha) and alpha > 0):
        raise ValueError(f"the learning rate α must be a positive number, got {alpha}")

    def init(theta: np.ndarray) -> tuple:
        return ()

    def update(grad: np.ndarray, state: tuple) -> tuple[np.ndarray, tuple]:
        return -alpha * grad, state

    return UpdateRule(init, update)
