"""Update rules that look at f itself: gradient descent with a backtracking line search,
Newton's method and BFGS, as init/update pairs (optax style) kept apart from the loop.

Each is an :class:`~gd_core.optimizers.UpdateRule` with ``uses_point``: the loop
(:func:`gd_core.descent.descend`) hands it θ and f(θ); it evaluates f at trial points (and
∇f, H) through its :class:`Oracle`, given to the factory. It works on one point θ (p,) or
on a batch of points (B, p) at once (many starts). Its ``record`` is the step's search
direction p, the accepted α, the trial count, τ (newton) or yᵀs (bfgs), and the cumulative
evaluation counts; the trial points are θ + α·p for α = α_start, ρ·α_start, … (trials of them).
With g = ∇f(θ) and H = ∇²f(θ):

* ``gd_ls``: p = −g; start each step at α = α0 and, while
  f(θ + α·p) > f(θ) + c·α·gᵀp, set α ← ρ·α (Armijo backtracking; gᵀp = −|g|²).
* ``newton``: p solves H·p = −g. Undamped: θ ← θ + p. Damped: when H is not positive
  definite (its Cholesky factorisation fails) use H + τI, τ = 1e-3 − λmin(H), then
  backtrack along p from α = 1 with the same Armijo rule.
* ``bfgs``: p = −B·g with B₀ = I; backtrack along p from α = 1; with s = θ_new − θ and
  y = g_new − g, if yᵀs > 1e-10: B ← (I − ρ·s·yᵀ)·B·(I − ρ·y·sᵀ) + ρ·s·sᵀ, ρ = 1/(yᵀs)
  (the three-factor product left to right, then the added term); otherwise B is kept.

A line search tries at most 1 + 60 points (60 reductions). When none passes
(:data:`NO_DECREASE`), a trial value is not a real number (:data:`NOT_FINITE`) or
overflowed (:data:`OVERFLOW`), or H is singular or not finite (:data:`SINGULAR`,
:data:`BAD_HESSIAN`), the run stops: one point's run raises
:class:`~gd_core.descent.NumericalFault` with a message saying where and why; in a batch
the row's update is nan, which the loop ends as a fault of that row alone.

Evaluations are counted as the rules define them: f(θ₀) and ∇f(θ₀) count one each at the
start; each trial point costs one f (the accepted one is reused as the next step's f(θ));
each step costs one ∇f; Newton counts one Hessian per step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from gd_core.descent import NumericalFault
from gd_core.optimizers import UpdateRule

MAX_REDUCTIONS = 60
CURVATURE_FLOOR = 1e-10  # BFGS updates B only when yᵀs is above this
SHIFT = 1e-3  # damped Newton: H + τI has smallest eigenvalue SHIFT

RUNNING, NO_DECREASE, NOT_FINITE, SINGULAR, OVERFLOW, BAD_HESSIAN = 0, 1, 2, 3, 4, 5


class Oracle(NamedTuple):
    """Functions of a batch of points P (B, p): f (B,), ∇f (B, p), the Hessian (B, p, p).

    Each returns nan where a value is not a real number (inf where it overflowed); the
    rules treat both as not finite.
    """

    value: Callable[[np.ndarray], np.ndarray]
    gradient: Callable[[np.ndarray], np.ndarray]
    hessian: Callable[[np.ndarray], np.ndarray] | None = None


class SearchState(NamedTuple):
    """A line-search rule's state after the step into it (arrays have one row per point).

    ``direction``, ``alpha``, ``trials``, ``shift`` and ``curvature`` describe that step
    (nan or 0 at the start); the ``*_evals`` are cumulative from the start.
    """

    single: bool  # θ was one point (p,), not a batch
    inverse: np.ndarray  # (B, p, p) BFGS's B; (B, 0, 0) for the others
    direction: np.ndarray  # (B, p) the search direction p
    alpha: np.ndarray  # (B,) the α the line search accepted (1 for an undamped Newton step)
    trials: np.ndarray  # (B,) trial points of the step
    f_evals: np.ndarray  # (B,)
    g_evals: np.ndarray  # (B,)
    h_evals: np.ndarray  # (B,)
    shift: np.ndarray  # (B,) τ when H + τI replaced H in the step, else nan
    curvature: np.ndarray  # (B,) BFGS: yᵀs of the step, else nan
    stop: np.ndarray  # (B,) int: RUNNING or why the row stopped


RECORDED = ("direction", "alpha", "trials", "f_evals", "g_evals", "h_evals", "shift", "curvature")


def _init(*, inverse: bool = False):
    def init(theta: np.ndarray) -> SearchState:
        theta = np.asarray(theta, dtype=float)
        single = theta.ndim == 1
        batch, p = (1, theta.size) if single else theta.shape
        nan = np.full(batch, np.nan)
        eye = (
            np.broadcast_to(np.eye(p), (batch, p, p)).copy() if inverse else np.empty((batch, 0, 0))
        )
        return SearchState(
            single=single,
            inverse=eye,
            direction=np.full((batch, p), np.nan),
            alpha=nan,
            trials=np.zeros(batch),
            f_evals=np.ones(batch),  # f(θ0)
            g_evals=np.ones(batch),  # ∇f(θ0)
            h_evals=np.zeros(batch),
            shift=nan,
            curvature=nan,
            stop=np.zeros(batch, dtype=int),
        )

    return init


def record(state: SearchState) -> dict[str, np.ndarray]:
    """The step's numbers, shaped like θ's rows: (p,) and scalars for one point."""
    columns = {name: getattr(state, name) for name in RECORDED}
    return {name: column[0] for name, column in columns.items()} if state.single else columns


def backtrack(oracle, theta, value, slope, direction, alpha0, c, rho, *, running=None):
    """Armijo backtracking on every row at once (rows with ``running`` False are skipped).

    While f(θ + α·p) > f(θ) + c·α·slope, α ← ρ·α, at most MAX_REDUCTIONS times.
    Returns (α, accepted, trials, 0 or why a trial value was not finite).
    """
    batch = len(theta)
    if batch == 1:
        return _backtrack_one(oracle, theta, value, slope, direction, alpha0, c, rho, running)
    alpha = np.full(batch, float(alpha0))
    accepted = np.zeros(batch, dtype=bool)
    bad = np.zeros(batch, dtype=int)  # per row: 0, or NOT_FINITE / OVERFLOW (why a trial failed)
    trials = np.zeros(batch, dtype=int)
    ok = np.isfinite(value) if running is None else np.isfinite(value) & running
    active = np.flatnonzero(ok)
    for reduction in range(MAX_REDUCTIONS + 1):
        if not active.size:
            break
        a = alpha[active]
        trial = theta[active] + a[:, None] * direction[active]
        with np.errstate(all="ignore"):
            f_trial = np.asarray(oracle.value(trial), dtype=float)
            finite = np.isfinite(f_trial) & np.all(np.isfinite(trial), axis=1)
            passed = finite & ~(f_trial > value[active] + c * a * slope[active])
        trials[active] += 1
        accepted[active[passed]] = True
        over = np.isinf(f_trial) | ~np.all(np.isfinite(trial), axis=1)  # the rest: not real
        bad[active[~finite]] = np.where(over[~finite], OVERFLOW, NOT_FINITE)
        active = active[finite & ~passed]
        if reduction < MAX_REDUCTIONS:
            alpha[active] = rho * alpha[active]
    return alpha, accepted, trials, bad


def _backtrack_one(oracle, theta, value, slope, direction, alpha0, c, rho, running):
    """:func:`backtrack` for one row, in Python floats: the same operations, so the same
    numbers, without numpy's cost per trial."""
    point, p = theta[0].tolist(), direction[0].tolist()
    f0 = float(value[0])
    alpha, trials, accepted, bad = float(alpha0), 0, False, 0
    if math.isfinite(f0) and (running is None or running[0]):
        for reduction in range(MAX_REDUCTIONS + 1):
            trial = [t + alpha * d for t, d in zip(point, p, strict=True)]
            f_trial = float(oracle.value(np.array([trial]))[0])
            trials += 1
            if not (math.isfinite(f_trial) and all(map(math.isfinite, trial))):
                finite_point = all(map(math.isfinite, trial))
                bad = OVERFLOW if math.isinf(f_trial) or not finite_point else NOT_FINITE
                break
            if not f_trial > f0 + c * alpha * float(slope[0]):
                accepted = True
                break
            if reduction < MAX_REDUCTIONS:
                alpha = rho * alpha
    return np.array([alpha]), np.array([accepted]), np.array([trials]), np.array([bad])


def _searched(state, oracle, grad, theta, value, direction, alpha0, c, rho, **extra):
    """(update, state) after a line search along ``direction`` from θ (rows of a batch)."""
    with np.errstate(all="ignore"):
        slope = np.einsum("bi,bi->b", grad, direction)
    alpha, accepted, trials, bad = backtrack(
        oracle,
        theta,
        value,
        slope,
        direction,
        alpha0,
        c,
        rho,
        running=state.stop == RUNNING,
    )
    stop = np.where(accepted, RUNNING, np.where(bad > 0, bad, NO_DECREASE))
    stop = np.where(state.stop != RUNNING, state.stop, stop)
    moving = stop == RUNNING
    new = dict(
        direction=direction,
        alpha=np.where(moving, alpha, np.nan),
        trials=trials.astype(float),
        f_evals=state.f_evals + trials,
        g_evals=state.g_evals + moving,
        stop=stop,
    )
    new.update(extra)
    return alpha[:, None] * direction, state._replace(**new)


def _rule(rows, init) -> UpdateRule:
    """``rows(grad, state, θ, f(θ))`` on (B, p) rows, as a rule of one point or of a batch."""

    def update(grad, state: SearchState, point):
        theta = np.atleast_2d(np.asarray(point.theta, dtype=float))
        value = np.atleast_1d(np.asarray(point.value, dtype=float))
        running = state.stop == RUNNING
        step, state = rows(np.atleast_2d(np.asarray(grad, dtype=float)), state, theta, value)
        if state.single and running[0] and state.stop[0] != RUNNING:
            raise NumericalFault(stop_message(int(state.stop[0]), point.k + 1, theta[0]))
        step = np.where((state.stop == RUNNING)[:, None], step, np.nan)  # a batch's row: a fault
        return (step[0] if state.single else step), state

    return UpdateRule(init, update, record, uses_point=True)


def stop_message(code: int, step: int, theta: np.ndarray) -> str:
    """Why a line-search rule stopped at ``step``, starting from ``theta``."""
    where = "(" + ", ".join(f"{v:.6g}" for v in np.asarray(theta).tolist()) + ")"
    if code == NO_DECREASE:
        return (
            f"at step {step}: the line search from {where} found no point low enough, "
            f"{MAX_REDUCTIONS} reductions of α gave no sufficient decrease of f"
        )
    if code == SINGULAR:
        return f"at step {step}: the Hessian at {where} is singular, so H·p = −g has no solution"
    if code == BAD_HESSIAN:
        return f"at step {step}: the Hessian at {where} is not a finite real number"
    if code == OVERFLOW:
        return (
            f"at step {step}: f at a trial point of the line search from {where} overflowed "
            "(grew past about 1.8e308)"
        )
    return (
        f"at step {step}: f or ∇f at a trial point of the line search from {where} is not a "
        "real number (outside f's domain)"
    )


def _check(name: str, value: float, low: float, high: float) -> float:
    if not (np.isfinite(value) and low < value <= high):
        raise ValueError(f"{name} must be in ({low:g}, {high:g}], got {value}")
    return float(value)


# ----------------------------------------------------------------------------- the rules
def gd_ls(oracle: Oracle, *, alpha0: float, c: float, rho: float) -> UpdateRule:
    """Gradient descent with Armijo backtracking from α = alpha0 along p = −g."""
    alpha0 = _check("α0", alpha0, 0, np.inf)
    c, rho = _check("c", c, 0, 1), _check("ρ", rho, 0, 1)

    def update(grad, state: SearchState, theta, value):
        return _searched(state, oracle, grad, theta, value, -grad, alpha0, c, rho)

    return _rule(update, _init())


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


def newton(oracle: Oracle, *, damped: bool, c: float, rho: float) -> UpdateRule:
    """Newton's method: p solves H·p = −g; damped, H + τI when needed and Armijo from α = 1."""
    c, rho = _check("c", c, 0, 1), _check("ρ", rho, 0, 1)
    damped = bool(damped)

    def update(grad, state: SearchState, theta, value):
        batch, p = grad.shape
        running = state.stop == RUNNING
        with np.errstate(all="ignore"):
            hessian = np.asarray(oracle.hessian(theta), dtype=float)
            finite = np.all(np.isfinite(hessian), axis=(1, 2))
            shift = np.full(batch, np.nan)
            if damped:
                indefinite = running & finite & ~positive_definite(hessian)
                if indefinite.any():
                    low = np.linalg.eigvalsh(hessian[indefinite])[:, 0]
                    shift[indefinite] = SHIFT - low
                    hessian = hessian.copy()
                    hessian[indefinite] += shift[indefinite, None, None] * np.eye(p)
            direction, solved = solve(hessian, -grad)
        failed = np.where(finite, SINGULAR, BAD_HESSIAN)
        state = state._replace(stop=np.where(running & ~solved, failed, state.stop))
        moving = state.stop == RUNNING
        counts = dict(h_evals=state.h_evals + running, shift=shift)
        if not damped:  # θ ← θ + p: no line search, so no trial point and no f
            return direction, state._replace(
                direction=direction,
                alpha=np.where(moving, 1.0, np.nan),
                trials=np.zeros(batch),
                g_evals=state.g_evals + moving,
                **counts,
            )
        direction = np.where(solved[:, None], direction, 0.0)
        return _searched(state, oracle, grad, theta, value, direction, 1.0, c, rho, **counts)

    return _rule(update, _init())


def bfgs(oracle: Oracle, *, c: float, rho: float) -> UpdateRule:
    """BFGS on the inverse Hessian B (B₀ = I): p = −B·g, Armijo from α = 1, then B's update."""
    c, rho = _check("c", c, 0, 1), _check("ρ", rho, 0, 1)

    def update(grad, state: SearchState, theta, value):
        with np.errstate(all="ignore"):
            direction = -(state.inverse @ grad[:, :, None])[:, :, 0]
        step, new = _searched(state, oracle, grad, theta, value, direction, 1.0, c, rho)
        moving = new.stop == RUNNING
        with np.errstate(all="ignore"):
            theta_new = theta + step
            g_new = np.full_like(grad, np.nan)
            if moving.any():
                g_new[moving] = oracle.gradient(theta_new[moving])
            s = theta_new - theta
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
            inverse=inverse, curvature=np.where(moving, ys, np.nan), stop=stop
        )

    return _rule(update, _init(inverse=True))


def bfgs_inverse(inverse, s, y, ys):
    """(I − ρ·s·yᵀ)·B·(I − ρ·y·sᵀ) + ρ·s·sᵀ, ρ = 1/(yᵀs), for each row of a batch."""
    rho = (1.0 / ys)[:, None, None]
    eye = np.eye(s.shape[1])
    left = eye - rho * (s[:, :, None] * y[:, None, :])
    right = eye - rho * (y[:, :, None] * s[:, None, :])
    return (left @ inverse) @ right + rho * (s[:, :, None] * s[:, None, :])
