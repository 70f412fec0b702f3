"""What the lab records of the line-search rules (gd_ls, newton, bfgs): oracles on a typed
f(x, y), the rows' accepted α, trial points, evaluation counts and notes, stop messages."""

from __future__ import annotations

import math

import numpy as np

from gd_core import second_order
from gd_core.second_order import NO_DECREASE, NOT_FINITE, SINGULAR, Oracle, SearchState
from gd_core.surface import Surface

LINE_SEARCH = ("gd_ls", "newton", "bfgs")
EVAL_NAMES = ("f_evals", "g_evals", "h_evals")


def scalar_oracle(surface: Surface) -> Oracle:
    """The math-module functions the lab's loop uses too, row by row (for batches of one)."""

    def value(P: np.ndarray) -> np.ndarray:
        return np.array([_triple(surface, p)[0] for p in P])

    def gradient(P: np.ndarray) -> np.ndarray:
        return np.array([_triple(surface, p)[1:] for p in P]).reshape(-1, 2)

    def hessian(P: np.ndarray) -> np.ndarray:
        out = np.full((len(P), 2, 2), np.nan)
        for i, p in enumerate(P):
            try:
                with np.errstate(all="ignore"):
                    out[i] = surface.hessian_at(*p.tolist())
            except (ArithmeticError, ValueError, TypeError):
                pass
        return np.where(np.isfinite(out), out, np.nan)

    return Oracle(value, gradient, hessian)


def batch_oracle(surface: Surface) -> Oracle:
    """numpy functions over many points at once (the basin map and the sweep)."""
    return Oracle(surface.values_at, surface.gradients_at, surface.hessians_at)


def _triple(surface: Surface, point: np.ndarray) -> tuple[float, float, float]:
    """(f, ∂f/∂x, ∂f/∂y) at one point as floats, nan where not a finite real number."""
    try:
        values = [float(v) for v in surface.value_and_gradient(*point.tolist())]
    except (ArithmeticError, ValueError, TypeError):
        return (math.nan,) * 3
    return tuple(v if math.isfinite(v) else math.nan for v in values)


def rule(method: str, oracle: Oracle, *, record: bool = False, **hyper: float):
    if method == "gd_ls":
        return second_order.gd_ls(
            oracle, alpha0=hyper["alpha0"], c=hyper["c"], rho=hyper["rho"], record=record
        )
    if method == "newton":
        return second_order.newton(
            oracle, damped=bool(hyper["damped"]), c=hyper["c"], rho=hyper["rho"], record=record
        )
    return second_order.bfgs(oracle, c=hyper["c"], rho=hyper["rho"], record=record)


STATE_NAMES = {
    "gd_ls": ("alpha", "trials"),
    "newton": ("alpha", "trials", "tau"),
    "bfgs": ("alpha", "trials", "yTs"),
}
HYPER_NAMES = {
    "gd_ls": ("alpha0", "c", "rho"),
    "newton": ("damped", "c", "rho"),
    "bfgs": ("c", "rho"),
}


def stop_message(state: SearchState, step: int, theta: np.ndarray) -> str:
    """Why a line-search rule stopped at ``step`` (state of a batch of one)."""
    code = int(state.stop[0])
    where = "(" + ", ".join(f"{v:.6g}" for v in theta.tolist()) + ")"
    if code == NO_DECREASE:
        return (
            f"at step {step} the line search from {where} found no point low enough: "
            f"{second_order.MAX_REDUCTIONS} reductions of α gave no sufficient decrease of f"
        )
    if code == SINGULAR:
        return f"at step {step} the Hessian at {where} is singular, so H·p = −g has no solution"
    if code == NOT_FINITE:
        return (
            f"at step {step} a value along the search direction from {where} is not a finite "
            "real number (overflow or outside f's domain)"
        )
    return ""


def records(method: str, states: list[SearchState]):
    """(state rows (n, k), evaluations (n, 3), notes, trial points (T, 3): row, x, y)."""
    n = len(states)
    names = STATE_NAMES[method]
    rows = np.full((n, len(names)), np.nan)
    evals = np.zeros((n, 3), dtype=int)
    notes, trials = [], []
    for k, state in enumerate(states):
        rows[k, 0] = state.alpha[0]
        rows[k, 1] = state.trials[0]
        if method == "newton":
            rows[k, 2] = state.shift[0]
        elif method == "bfgs":
            rows[k, 2] = state.curvature[0]
        evals[k] = state.f_evals[0], state.g_evals[0], state.h_evals[0]
        notes.append(_note(method, state) if k else "")
        for point in state.path[:, 0]:
            if np.all(np.isfinite(point)):
                trials.append((k, point[0], point[1]))
    if n:
        rows[0, :] = np.nan  # the start: no step led to it
    return rows, evals, tuple(notes), np.array(trials, dtype=float).reshape(-1, 3)


def _note(method: str, state: SearchState) -> str:
    if method == "newton" and math.isfinite(state.shift[0]):
        return (
            f"H not positive definite so H + τI used with τ = {state.shift[0]:.4g} = 1e-3 − λmin(H)"
        )
    if method == "bfgs" and state.skipped[0]:
        return f"yᵀs = {state.curvature[0]:.3g} ≤ 1e-10 so B not updated"
    return ""


def first_order_evals(n: int) -> np.ndarray:
    """A first-order rule uses one ∇f per row (the start's included) and no f or H."""
    evals = np.zeros((n, 3), dtype=int)
    evals[:, 1] = np.arange(1, n + 1)
    return evals
