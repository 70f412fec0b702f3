"""Update rules that look at f itself: gradient descent with a backtracking line search,
Newton's method and BFGS, as init/update pairs (optax style) kept apart from the loop.

A rule here may evaluate f, ∇f and the Hessian through an :class:`Oracle`, so it works
on one point θ with shape (p,) or on a batch of points (B, p) at once (many starts).
With g = ∇f(θ) and H = ∇²f(θ):

* ``gd_ls``: p = −g; start each step at α = α0 and, while
  f(θ + α·p) > f(θ) + c·α·gᵀp, set α ← ρ·α (Armijo backtracking; gᵀp = −|g|²).
* ``newton``: p solves H·p = −g. Undamped: θ ← θ + p. Damped: when H is not positive
  definite (its Cholesky factorisation fails) use H + τI, τ = 1e-3 − λmin(H), then
  backtrack along p from α = 1 with the same Armijo rule.
* ``bfgs``: p = −B·g with B₀ = I; backtrack along p from α = 1; with s = θ_new − θ and
  y = g_new − g, if yᵀs > 1e-10: B ← (I − ρ·s·yᵀ)·B·(I − ρ·y·sᵀ) + ρ·s·sᵀ, ρ = 1/(yᵀs)
  (the three-factor product left to right, then the added term); otherwise B is kept.

A line search tries at most 1 + 60 points (60 reductions); when none passes, the row's
``stop`` becomes :data:`NO_DECREASE` and its update is 0. A trial value that is not a
finite real number stops the row too (:data:`NOT_FINITE`), as a singular H does for
undamped Newton (:data:`SINGULAR`). The loop reads ``stop`` and ends the run with a message.

Evaluations are counted as the rules define them: f(θ₀) and ∇f(θ₀) count one each at the
start; each trial point costs one f (the accepted one is reused as the next step's f(θ));
each step costs one ∇f; Newton counts one Hessian per step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from gd_core.optimizers import UpdateRule

MAX_REDUCTIONS = 60
CURVATURE_FLOOR = 1e-10  # BFGS updates B only when yᵀs is above this
SHIFT = 1e-3  # damped Newton: H + τI has smallest eigenvalue SHIFT

RUNNING, NO_DECREASE, NOT_FINITE, SINGULAR = 0, 1, 2, 3


class Oracle(NamedTuple):
    """Functions of a batch of points P (B, p): f (B,), ∇f (B, p), the Hessian (B, p, p).

    Each returns nan where a value is not a finite real number.
    """

    value: Callable[[np.ndarray], np.ndarray]
    gradient: Callable[[np.ndarray], np.ndarray]
    hessian: Callable[[np.ndarray], np.ndarray] | None = None


class SearchState(NamedTuple):
    """A line-search rule's state after the step into it (arrays have one row per point).

    ``alpha``, ``trials``, ``shift``, ``curvature`` describe that step (nan or 0 at the
    start); the ``*_evals`` are cumulative from the start.
    """

    theta: np.ndarray  # (B, p)
    value: np.ndarray  # (B,) f(θ), the accepted trial's value
    grad: np.ndarray  # (B, p) ∇f(θ): BFGS's g_new; others leave the loop's gradient out
    inverse: np.ndarray  # (B, p, p) BFGS's B; (B, 0, 0) for the others
    alpha: np.ndarray  # (B,) the α the line search accepted (1 for an undamped Newton step)
    trials: np.ndarray  # (B,) trial points of the step (int)
    f_evals: np.ndarray  # (B,) int
    g_evals: np.ndarray  # (B,) int
    h_evals: np.ndarray  # (B,) int
    shift: np.ndarray  # (B,) τ when H + τI replaced H in the step, else nan
    curvature: np.ndarray  # (B,) BFGS: yᵀs of the step, else nan
    skipped: np.ndarray  # (B,) bool: BFGS kept B (yᵀs ≤ 1e-10)
    stop: np.ndarray  # (B,) int: RUNNING or why the row stopped
    path: np.ndarray  # (k, B, p) the step's trial points (nan once a row is done); (0, B, p)
    #                    unless the rule records them


def _start(oracle: Oracle, theta: np.ndarray, *, inverse: bool) -> SearchState:
    theta = np.asarray(theta, dtype=float)
    batch, p = theta.shape
    nan, zero = np.full(batch, np.nan), np.zeros(batch, dtype=int)
    eye = np.broadcast_to(np.eye(p), (batch, p, p)).copy() if inverse else np.empty((batch, 0, 0))
    with np.errstate(all="ignore"):
        value = np.asarray(oracle.value(theta), dtype=float)
        grad = np.asarray(oracle.gradient(theta), dtype=float) if inverse else theta * np.nan
    return SearchState(
        theta=theta,
        value=value,
        grad=grad,
        inverse=eye,
        alpha=nan,
        trials=zero,
        f_evals=zero + 1,
        g_evals=zero + 1,
        h_evals=zero.copy(),
        shift=nan,
        curvature=nan,
        skipped=np.zeros(batch, dtype=bool),
        stop=np.where(np.isfinite(value), RUNNING, NOT_FINITE),
        path=np.empty((0, batch, p)),
    )


def backtrack(
    oracle, theta, value, slope, direction, alpha0, c, rho, *, record=False, running=None
):
    """Armijo backtracking on every row at once.

    While f(θ + α·p) > f(θ) + c·α·slope, α ← ρ·α, at most MAX_REDUCTIONS times.
    Returns (α, accepted, f at the accepted point, trials, trial value not finite, path).
    """
    batch, p = theta.shape
    alpha = np.full(batch, float(alpha0))
    accepted = np.zeros(batch, dtype=bool)
    bad = np.zeros(batch, dtype=bool)
    new_value = np.full(batch, np.nan)
    trials = np.zeros(batch, dtype=int)
    path = []
    active = np.flatnonzero(np.isfinite(value) & (running if running is not None else True))
    for reduction in range(MAX_REDUCTIONS + 1):
        if not active.size:
            break
        a = alpha[active]
        trial = theta[active] + a[:, None] * direction[active]
        with np.errstate(all="ignore"):
            f_trial = np.asarray(oracle.value(trial), dtype=float)
        trials[active] += 1
        if record:
            row = np.full((batch, p), np.nan)
            row[active] = trial
            path.append(row)
        finite = np.isfinite(f_trial) & np.all(np.isfinite(trial), axis=1)
        with np.errstate(all="ignore"):
            passed = finite & ~(f_trial > value[active] + c * a * slope[active])
        accepted[active[passed]] = True
        new_value[active[passed]] = f_trial[passed]
        bad[active[~finite]] = True
        active = active[finite & ~passed]
        if reduction < MAX_REDUCTIONS:
            alpha[active] = rho * alpha[active]
    path = np.array(path) if path else np.empty((0, batch, p))
    return alpha, accepted, new_value, trials, bad, path


def _searched(state, oracle, grad, direction, alpha0, c, rho, record, **extra):
    """The update and state after a line search along ``direction`` from ``state.theta``."""
    theta = state.theta
    with np.errstate(all="ignore"):
        slope = np.einsum("bi,bi->b", grad, direction)
    alpha, accepted, new_value, trials, bad, path = backtrack(
        oracle,
        theta,
        state.value,
        slope,
        direction,
        alpha0,
        c,
        rho,
        record=record,
        running=state.stop == RUNNING,
    )
    stop = np.where(accepted, state.stop, np.where(bad, NOT_FINITE, NO_DECREASE))
    stop = np.where(state.stop != RUNNING, state.stop, stop)
    moving = stop == RUNNING
    step = np.where(moving[:, None], alpha[:, None] * direction, 0.0)
    new = dict(
        value=np.where(moving, new_value, state.value),
        alpha=np.where(moving, alpha, np.nan),
        trials=trials,
        f_evals=state.f_evals + trials,
        g_evals=state.g_evals + moving,
        stop=stop,
        path=path,
    )
    new.update(extra)
    return step, state._replace(theta=theta + step, **new)


def _as_batch(update):
    """Accept θ and g of shape (p,) as a batch of one, and answer in the same shape."""

    def wrapped(grad, state):
        single = np.ndim(grad) == 1
        step, state = update(np.atleast_2d(np.asarray(grad, dtype=float)), state)
        return (step[0] if single else step), state

    return wrapped


def _init(oracle: Oracle, *, inverse: bool = False):
    def init(theta: np.ndarray) -> SearchState:
        return _start(oracle, np.atleast_2d(np.asarray(theta, dtype=float)), inverse=inverse)

    return init


def _check(name: str, value: float, low: float, high: float) -> float:
    if not (np.isfinite(value) and low < value <= high):
        raise ValueError(f"{name} must be in ({low:g}, {high:g}], got {value}")
    return float(value)


# ----------------------------------------------------------------------------- the rules
def gd_ls(oracle: Oracle, *, alpha0: float, c: float, rho: float, record=False) -> UpdateRule:
    """Gradient descent with Armijo backtracking from α = alpha0 along p = −g."""
    alpha0 = _check("α0", alpha0, 0, np.inf)
    c, rho = _check("c", c, 0, 1), _check("ρ", rho, 0, 1)

    def update(grad: np.ndarray, state: SearchState):
        return _searched(state, oracle, grad, -grad, alpha0, c, rho, record)

    return UpdateRule(_init(oracle), _as_batch(update))


def positive_definite(hessian: np.ndarray) -> np.ndarray:
    """(B,) whether each (p, p) matrix has a Cholesky factorisation (LAPACK's test)."""
    batch, p, _ = hessian.shape
    if p == 2:  # LAPACK's potrf on 2×2, row by row at once: l00 = √a00, l10 = a10/l00
        with np.errstate(all="ignore"):
            a00 = hessian[:, 0, 0]
            l10 = hessian[:, 1, 0] / np.sqrt(a00)
            return (a00 > 0) & (hessian[:, 1, 1] - l10 * l10 > 0)
    ok = np.zeros(batch, dtype=bool)
    for i in range(batch):
        try:
            np.linalg.cholesky(hessian[i])
            ok[i] = True
        except np.linalg.LinAlgError:
            pass
    return ok


def solve(matrices: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, solved): x solves A·x = b per row; rows where A is singular get nan, solved False."""
    finite = np.all(np.isfinite(matrices), axis=(1, 2)) & np.all(np.isfinite(rhs), axis=1)
    x = np.full(rhs.shape, np.nan)
    solved = np.zeros(len(rhs), dtype=bool)
    rows = np.flatnonzero(finite)
    try:
        x[rows] = np.linalg.solve(matrices[rows], rhs[rows][..., None])[..., 0]
        solved[rows] = True
    except np.linalg.LinAlgError:  # some matrix is singular: find which, one at a time
        for i in rows:
            try:
                x[i] = np.linalg.solve(matrices[i], rhs[i])
                solved[i] = True
            except np.linalg.LinAlgError:
                pass
    return x, solved


def newton(oracle: Oracle, *, damped: bool, c: float, rho: float, record=False) -> UpdateRule:
    """Newton's method: p solves H·p = −g; damped, H + τI when needed and Armijo from α = 1."""
    c, rho = _check("c", c, 0, 1), _check("ρ", rho, 0, 1)
    damped = bool(damped)

    def update(grad: np.ndarray, state: SearchState):
        batch, p = grad.shape
        with np.errstate(all="ignore"):
            hessian = np.asarray(oracle.hessian(state.theta), dtype=float)
            shift = np.full(batch, np.nan)
            if damped:
                finite = np.all(np.isfinite(hessian), axis=(1, 2))
                indefinite = finite & ~positive_definite(hessian)
                if indefinite.any():
                    low = np.linalg.eigvalsh(hessian[indefinite])[:, 0]
                    shift[indefinite] = SHIFT - low
                    hessian = hessian.copy()
                    hessian[indefinite] += shift[indefinite, None, None] * np.eye(p)
            direction, solved = solve(hessian, -grad)
        running = state.stop == RUNNING
        finite = np.all(np.isfinite(hessian), axis=(1, 2))
        failed = np.where(finite, SINGULAR, NOT_FINITE)
        if not damped:
            stop = np.where(running & ~solved, failed, state.stop)
            moving = stop == RUNNING
            step = np.where(moving[:, None], direction, 0.0)
            return step, state._replace(
                theta=state.theta + step,
                value=np.full(batch, np.nan),  # not evaluated: undamped Newton needs no f
                alpha=np.where(moving, 1.0, np.nan),
                trials=np.zeros(batch, dtype=int),
                g_evals=state.g_evals + moving,
                h_evals=state.h_evals + running,
                shift=shift,
                stop=stop,
                path=np.empty((0, batch, p)),
            )
        state = state._replace(stop=np.where(running & ~solved, failed, state.stop))
        direction = np.where(solved[:, None], direction, 0.0)
        return _searched(
            state,
            oracle,
            grad,
            direction,
            1.0,
            c,
            rho,
            record,
            h_evals=state.h_evals + running,
            shift=shift,
        )

    return UpdateRule(_init(oracle), _as_batch(update))


def bfgs(oracle: Oracle, *, c: float, rho: float, record=False) -> UpdateRule:
    """BFGS on the inverse Hessian B (B₀ = I): p = −B·g, Armijo from α = 1, then B's update."""
    c, rho = _check("c", c, 0, 1), _check("ρ", rho, 0, 1)

    def update(grad: np.ndarray, state: SearchState):
        batch, p = grad.shape
        with np.errstate(all="ignore"):
            direction = -(state.inverse @ grad[:, :, None])[:, :, 0]
        step, new = _searched(state, oracle, grad, direction, 1.0, c, rho, record)
        moving = new.stop == RUNNING
        with np.errstate(all="ignore"):
            g_new = np.full_like(grad, np.nan)
            if moving.any():
                g_new[moving] = oracle.gradient(new.theta[moving])
            s = new.theta - state.theta
            y = g_new - grad
            ys = np.einsum("bi,bi->b", y, s)
            update_b = moving & (ys > CURVATURE_FLOOR)
            inverse = state.inverse.copy()
            if update_b.any():
                inverse[update_b] = bfgs_inverse(
                    state.inverse[update_b], s[update_b], y[update_b], ys[update_b]
                )
        stop = np.where(moving & ~np.all(np.isfinite(g_new), axis=1), NOT_FINITE, new.stop)
        return step, new._replace(
            grad=g_new,
            inverse=inverse,
            curvature=np.where(moving, ys, np.nan),
            skipped=moving & ~update_b,
            stop=stop,
        )

    return UpdateRule(_init(oracle, inverse=True), _as_batch(update))


def bfgs_inverse(inverse, s, y, ys):
    """(I − ρ·s·yᵀ)·B·(I − ρ·y·sᵀ) + ρ·s·sᵀ, ρ = 1/(yᵀs), for each row of a batch."""
    rho = (1.0 / ys)[:, None, None]
    eye = np.eye(s.shape[1])
    left = eye - rho * (s[:, :, None] * y[:, None, :])
    right = eye - rho * (y[:, :, None] * s[:, None, :])
    return (left @ inverse) @ right + rho * (s[:, :, None] * s[:, None, :])
