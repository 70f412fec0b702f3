"""Update rules, kept apart from the loop that applies them (optax style).

The rule interface
------------------
An update rule is an :class:`UpdateRule`, a named tuple of pure functions:

    state = rule.init(theta)
    update, state = rule.update(grad, state)             # when rule.uses_point is False
    update, state = rule.update(grad, state, point)      # when rule.uses_point is True
    theta_next = theta + update
    columns = rule.record(state)                         # optional: {name: array like θ}

* ``grad`` is the gradient the step uses (the full batch's, a mini-batch's, or a
  formula's: see :func:`gd_core.descent.descend`'s ``oracle``); ``theta`` has shape
  (p,), or (B, p) for B runs at once. Every rule here works elementwise, so the
  same code serves one point and a batch of points.
* A rule that needs more than the gradient (a backtracking line search, damped
  Newton, BFGS) sets ``uses_point=True`` and is handed a :class:`Point`: the
  current iterate, f there, the step's index and the objective itself, which it
  may evaluate at trial points (θ -> (f, ∇f)). A Hessian is the rule's own
  business: pass a function computing it to the rule's factory.
* ``record`` names the state the history shows, one array shaped like θ per
  name (``{"v": velocity}``); :func:`gd_core.descent.descend` records it after
  every step, so a table's state columns come from the rule itself.

A direction that divides (AdaGrad's g/(√s + ε), …) may return a :class:`Ratio`,
which the learning rate after it multiplies numerator first (the rules' own order
of operations); :func:`chain` divides a ratio out before any other rule sees it.

Rules compose with :func:`chain`, as in optax: a direction (``scale_by_adam``,
…) followed by a learning rate: :func:`scale_by_learning_rate` (constant) or
:func:`scale_by_schedule` (a schedule's α_k). A rule that chooses its own step length (a line search,
Newton) is used as it is, without a learning rate after it.

``gradient_descent(alpha=…)``, ``momentum(alpha=…, beta=…)``, … are those chains,
ready made, with their hyperparameters checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np


class Point(NamedTuple):
    """What a rule with ``uses_point`` is told about the current iterate."""

    theta: np.ndarray  # θ(k), shape (p,) or (B, p)
    value: Any  # f(θ(k)): a float, or (B,)
    k: int  # the step being taken, 0 for the first
    objective: Callable[[np.ndarray], tuple[Any, np.ndarray]]  # θ -> (f, ∇f), for trial points


class Ratio(NamedTuple):
    """A direction num/den left undivided, so that a learning rate after it multiplies the
    numerator first, α·g/(√s + ε) as the rules' table (and the exported scripts) compute it."""

    num: np.ndarray
    den: np.ndarray


def resolve(direction) -> np.ndarray:
    """A direction as an array (a :class:`Ratio` divided out)."""
    return direction.num / direction.den if isinstance(direction, Ratio) else direction


class UpdateRule(NamedTuple):
    """``init(theta) -> state``; ``update(grad, state[, point]) -> (update, state)``;
    ``record(state) -> {name: array}`` (or None: nothing to show); see the module."""

    init: Callable[[np.ndarray], Any]
    update: Callable[..., tuple[np.ndarray, Any]]
    record: Callable[[Any], dict[str, np.ndarray]] | None = None
    uses_point: bool = False


def apply(rule: UpdateRule, grad: np.ndarray, state, point: Point | None):
    """One call of ``rule.update``, with the point only if the rule takes one."""
    if rule.uses_point:
        return rule.update(grad, state, point)
    return rule.update(grad, state)


def chain(*rules: UpdateRule) -> UpdateRule:
    """Each rule transforms the previous one's output (optax.chain). State: a tuple."""

    def init(theta: np.ndarray) -> tuple:
        return tuple(rule.init(theta) for rule in rules)

    def update(grad: np.ndarray, state: tuple, point: Point | None = None):
        states = []
        for rule, inner in zip(rules, state, strict=True):
            if not getattr(rule.update, "takes_ratio", False):
                grad = resolve(grad)
            grad, inner = apply(rule, grad, inner, point)
            states.append(inner)
        return resolve(grad), tuple(states)

    recorders = [(i, rule.record) for i, rule in enumerate(rules) if rule.record is not None]

    def record(state: tuple) -> dict[str, np.ndarray]:
        columns: dict[str, np.ndarray] = {}
        for i, recorder in recorders:
            columns.update(recorder(state[i]))
        return columns

    return UpdateRule(
        init,
        update,
        record if recorders else None,
        uses_point=any(rule.uses_point for rule in rules),
    )


# ------------------------------------------------------------------------- learning rates
def scale_by_learning_rate(alpha) -> UpdateRule:
    """u ↦ −α·u. α is a number, or an array broadcasting against θ (one α per run of a
    batch: shape (B, 1) for θ of shape (B, p)). Stateless."""

    def update(direction, state: tuple) -> tuple[np.ndarray, tuple]:
        if isinstance(direction, Ratio):
            return -alpha * direction.num / direction.den, state
        return -alpha * direction, state

    update.takes_ratio = True
    return UpdateRule(lambda theta: (), update)


def scale_by_schedule(alphas: Sequence[float]) -> UpdateRule:
    """u ↦ −α_k·u, with α_k a schedule's step k (k = 0 for the first step). State: k."""
    alphas = [float(a) for a in alphas]

    def update(direction, k: int) -> tuple[np.ndarray, int]:
        if isinstance(direction, Ratio):
            return -alphas[k] * direction.num / direction.den, k + 1
        return -alphas[k] * direction, k + 1

    update.takes_ratio = True
    return UpdateRule(lambda theta: 0, update)


# ------------------------------------------------------------------------- directions
# The five directions below are torch.optim's (SGD with momentum, SGD with nesterov=True,
# Adagrad, RMSprop, Adam), in the order of operations of the lab's table, so a student's
# numbers match the library. g is the gradient; every state starts at 0.
class Velocity(NamedTuple):
    v: np.ndarray


class SquareSum(NamedTuple):
    s: np.ndarray


class Moments(NamedTuple):
    m: np.ndarray
    v: np.ndarray
    t: int


def identity() -> UpdateRule:
    """The gradient itself (plain gradient descent once a learning rate follows). Stateless."""
    return UpdateRule(lambda theta: (), lambda grad, state: (grad, state))


def scale_by_momentum(*, beta: float) -> UpdateRule:
    """v ← β·v + g; the direction is v."""

    def update(grad: np.ndarray, state: Velocity) -> tuple[np.ndarray, Velocity]:
        v = beta * state.v + grad
        return v, Velocity(v)

    return UpdateRule(_zeros(Velocity, 1), update, lambda state: {"v": state.v})


def scale_by_nesterov(*, beta: float) -> UpdateRule:
    """v ← β·v + g; the direction is g + β·v."""

    def update(grad: np.ndarray, state: Velocity) -> tuple[np.ndarray, Velocity]:
        v = beta * state.v + grad
        return grad + beta * v, Velocity(v)

    return UpdateRule(_zeros(Velocity, 1), update, lambda state: {"v": state.v})


def scale_by_adagrad(*, eps: float = 1e-10) -> UpdateRule:
    """s ← s + g²; the direction is g/(√s + ε)."""

    def update(grad: np.ndarray, state: SquareSum) -> tuple[np.ndarray, SquareSum]:
        s = state.s + grad * grad
        return Ratio(grad, np.sqrt(s) + eps), SquareSum(s)

    return UpdateRule(_zeros(SquareSum, 1), update, lambda state: {"s": state.s})


def scale_by_rmsprop(*, rho: float, eps: float = 1e-8) -> UpdateRule:
    """s ← ρ·s + (1 − ρ)·g²; the direction is g/(√s + ε)."""

    def update(grad: np.ndarray, state: SquareSum) -> tuple[np.ndarray, SquareSum]:
        s = rho * state.s + (1 - rho) * (grad * grad)
        return Ratio(grad, np.sqrt(s) + eps), SquareSum(s)

    return UpdateRule(_zeros(SquareSum, 1), update, lambda state: {"s": state.s})


def scale_by_adam(*, beta1: float, beta2: float, eps: float = 1e-8) -> UpdateRule:
    """t = 1, 2, …: m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g²,
    m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ); the direction is m̂/(√v̂ + ε).

    Recorded: m, v, m̂ and v̂ (m̂ and v̂ are nan before the first step).
    """

    def init(theta: np.ndarray) -> Moments:
        return Moments(np.zeros_like(theta, dtype=float), np.zeros_like(theta, dtype=float), 0)

    def update(grad: np.ndarray, state: Moments) -> tuple[np.ndarray, Moments]:
        t = state.t + 1
        m = beta1 * state.m + (1 - beta1) * grad
        v = beta2 * state.v + (1 - beta2) * (grad * grad)
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        return Ratio(m_hat, np.sqrt(v_hat) + eps), Moments(m, v, t)

    def record(state: Moments) -> dict[str, np.ndarray]:
        if state.t == 0:
            nan = np.full_like(state.m, np.nan)
            return {"m": state.m, "v": state.v, "mhat": nan, "vhat": nan}
        m_hat, v_hat = adam_corrected(state, beta1=beta1, beta2=beta2)
        return {"m": state.m, "v": state.v, "mhat": m_hat, "vhat": v_hat}

    return UpdateRule(init, update, record)


def adam_corrected(state: Moments, *, beta1: float, beta2: float) -> tuple[np.ndarray, np.ndarray]:
    """(m̂, v̂) of an Adam state, as its update used them."""
    return state.m / (1 - beta1**state.t), state.v / (1 - beta2**state.t)


def _zeros(kind, n: int):
    def init(theta: np.ndarray):
        return kind(*(np.zeros_like(theta, dtype=float) for _ in range(n)))

    return init


# ------------------------------------------------------------------------- ready-made rules
def _check(name: str, value: float, low: float, high: float, *, open_low: bool = False) -> None:
    ok = np.isfinite(value) and (low < value if open_low else low <= value) and value <= high
    if not ok:
        raise ValueError(
            f"{name} must be in {'(' if open_low else '['}{low:g}, {high:g}], got {value}"
        )


def _alpha(alpha) -> None:
    values = np.asarray(alpha, dtype=float)
    if not (values.size and np.all(np.isfinite(values)) and np.all(values > 0)):
        raise ValueError(f"the learning rate α must be a positive number, got {alpha}")


def gradient_descent(*, alpha) -> UpdateRule:
    """Plain gradient descent: θ ← θ − α·g."""
    _alpha(alpha)
    return chain(identity(), scale_by_learning_rate(alpha))


def momentum(*, alpha, beta: float) -> UpdateRule:
    """Heavy-ball momentum (torch.optim.SGD(momentum=β)): v ← β·v + g; θ ← θ − α·v."""
    _alpha(alpha)
    _check("β", beta, 0, 1)
    return chain(scale_by_momentum(beta=beta), scale_by_learning_rate(alpha))


def nesterov(*, alpha, beta: float) -> UpdateRule:
    """Nesterov (torch.optim.SGD(momentum=β, nesterov=True)): v ← β·v + g; θ ← θ − α·(g + β·v)."""
    _alpha(alpha)
    _check("β", beta, 0, 1)
    return chain(scale_by_nesterov(beta=beta), scale_by_learning_rate(alpha))


def adagrad(*, alpha, eps: float = 1e-10) -> UpdateRule:
    """AdaGrad (torch.optim.Adagrad): s ← s + g²; θ ← θ − α·g/(√s + ε), ε = 1e-10."""
    _alpha(alpha)
    return chain(scale_by_adagrad(eps=eps), scale_by_learning_rate(alpha))


def rmsprop(*, alpha, rho: float, eps: float = 1e-8) -> UpdateRule:
    """RMSProp (torch.optim.RMSprop, its ``alpha`` is ρ here): s ← ρ·s + (1 − ρ)·g²;
    θ ← θ − α·g/(√s + ε), ε = 1e-8."""
    _alpha(alpha)
    _check("ρ", rho, 0, 1)
    return chain(scale_by_rmsprop(rho=rho, eps=eps), scale_by_learning_rate(alpha))


def adam(*, alpha, beta1: float, beta2: float, eps: float = 1e-8) -> UpdateRule:
    """Adam (torch.optim.Adam): θ ← θ − α·m̂/(√v̂ + ε), ε = 1e-8 (see :func:`scale_by_adam`).

    torch computes the same quantities in another order (m by ``lerp``, the step as
    (α/(1 − β1ᵗ))·m/(√v/√(1 − β2ᵗ) + ε)); the results agree to rounding.
    """
    _alpha(alpha)
    # Below 1: the bias correction divides by 1 − βᵗ.
    _check("β1", beta1, 0, 0.999999)
    _check("β2", beta2, 0, 0.999999)
    return chain(scale_by_adam(beta1=beta1, beta2=beta2, eps=eps), scale_by_learning_rate(alpha))
