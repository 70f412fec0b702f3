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


# The five rules below are torch.optim's (SGD with momentum, SGD with nesterov=True,
# Adagrad, RMSprop, Adam), written in the order of operations of the table, so
# a student's numbers match the library. g is the gradient; every state starts at 0.
class Velocity(NamedTuple):
    v: np.ndarray


class SquareSum(NamedTuple):
    s: np.ndarray


class Moments(NamedTuple):
    m: np.ndarray
    v: np.ndarray
    t: int


def _check(name: str, value: float, low: float, high: float, *, open_low: bool = False) -> None:
    ok = np.isfinite(value) and (low < value if open_low else low <= value) and value <= high
    if not ok:
        raise ValueError(
            f"{name} must be in {'(' if open_low else '['}{low:g}, {high:g}], got {value}"
        )


def momentum(*, alpha: float, beta: float) -> UpdateRule:
    """Heavy-ball momentum (torch.optim.SGD(momentum=β)):

    v ← β·v + g
    θ ← θ − α·v
    """
    _check("the learning rate α", alpha, 0, np.inf, open_low=True)
    _check("β", beta, 0, 1)

    def init(theta: np.ndarray) -> Velocity:
        return Velocity(np.zeros_like(theta))

    def update(grad: np.ndarray, state: Velocity) -> tuple[np.ndarray, Velocity]:
        v = beta * state.v + grad
        return -alpha * v, Velocity(v)

    return UpdateRule(init, update)


def nesterov(*, alpha: float, beta: float) -> UpdateRule:
    """Nesterov momentum (torch.optim.SGD(momentum=β, nesterov=True)):

    v ← β·v + g
    θ ← θ − α·(g + β·v)
    """
    _check("the learning rate α", alpha, 0, np.inf, open_low=True)
    _check("β", beta, 0, 1)

    def init(theta: np.ndarray) -> Velocity:
        return Velocity(np.zeros_like(theta))

    def update(grad: np.ndarray, state: Velocity) -> tuple[np.ndarray, Velocity]:
        v = beta * state.v + grad
        return -alpha * (grad + beta * v), Velocity(v)

    return UpdateRule(init, update)


def adagrad(*, alpha: float, eps: float = 1e-10) -> UpdateRule:
    """AdaGrad (torch.optim.Adagrad), per component:

    s ← s + g²
    θ ← θ − α·g/(√s + ε),  ε = 1e-10
    """
    _check("the learning rate α", alpha, 0, np.inf, open_low=True)

    def init(theta: np.ndarray) -> SquareSum:
        return SquareSum(np.zeros_like(theta))

    def update(grad: np.ndarray, state: SquareSum) -> tuple[np.ndarray, SquareSum]:
        s = state.s + grad * grad
        return -alpha * grad / (np.sqrt(s) + eps), SquareSum(s)

    return UpdateRule(init, update)


def rmsprop(*, alpha: float, rho: float, eps: float = 1e-8) -> UpdateRule:
    """RMSProp (torch.optim.RMSprop, its ``alpha`` is ρ here), per component:

    s ← ρ·s + (1 − ρ)·g²
    θ ← θ − α·g/(√s + ε),  ε = 1e-8
    """
    _check("the learning rate α", alpha, 0, np.inf, open_low=True)
    _check("ρ", rho, 0, 1)

    def init(theta: np.ndarray) -> SquareSum:
        return SquareSum(np.zeros_like(theta))

    def update(grad: np.ndarray, state: SquareSum) -> tuple[np.ndarray, SquareSum]:
        s = rho * state.s + (1 - rho) * (grad * grad)
        return -alpha * grad / (np.sqrt(s) + eps), SquareSum(s)

    return UpdateRule(init, update)


def adam(*, alpha: float, beta1: float, beta2: float, eps: float = 1e-8) -> UpdateRule:
    """Adam (torch.optim.Adam), per component, t = 1, 2, …:

        m ← β1·m + (1 − β1)·g
        v ← β2·v + (1 − β2)·g²
        m̂ = m/(1 − β1ᵗ),  v̂ = v/(1 − β2ᵗ)
        θ ← θ − α·m̂/(√v̂ + ε),  ε = 1e-8

    torch computes the same quantities in another order (m by ``lerp``, the step as
    (α/(1 − β1ᵗ))·m/(√v/√(1 − β2ᵗ) + ε)); the results agree to rounding.
    """
    _check("the learning rate α", alpha, 0, np.inf, open_low=True)
    # Below 1: the bias correction divides by 1 − βᵗ.
    _check("β1", beta1, 0, 0.999999)
    _check("β2", beta2, 0, 0.999999)

    def init(theta: np.ndarray) -> Moments:
        return Moments(np.zeros_like(theta), np.zeros_like(theta), 0)

    def update(grad: np.ndarray, state: Moments) -> tuple[np.ndarray, Moments]:
        t = state.t + 1
        m = beta1 * state.m + (1 - beta1) * grad
        v = beta2 * state.v + (1 - beta2) * (grad * grad)
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        return -alpha * m_hat / (np.sqrt(v_hat) + eps), Moments(m, v, t)

    return UpdateRule(init, update)


def adam_corrected(state: Moments, *, beta1: float, beta2: float) -> tuple[np.ndarray, np.ndarray]:
    """(m̂, v̂) of an Adam state, as its update used them."""
    return state.m / (1 - beta1**state.t), state.v / (1 - beta2**state.t)
