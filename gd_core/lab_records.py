"""What the lab records of the line-search rules (gd_ls, newton, bfgs): oracles on a typed
f(x, y), and the rows' search direction, accepted α, trial points, evaluation counts, notes."""

from __future__ import annotations

import math

import numpy as np

from gd_core import second_order
from gd_core.second_order import Oracle
from gd_core.surface import Surface

LINE_SEARCH = ("gd_ls", "newton", "bfgs")


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
    """(f, ∂f/∂x, ∂f/∂y) at one point as floats: inf where they overflowed, nan where they
    are not real numbers."""
    try:
        values = [float(v) for v in surface.value_and_gradient(*point.tolist())]
    except OverflowError:
        return (math.inf,) * 3
    except (ArithmeticError, ValueError, TypeError):
        return (math.nan,) * 3
    return tuple(values)


def rule(method: str, oracle: Oracle, **hyper: float):
    if method == "gd_ls":
        return second_order.gd_ls(oracle, alpha0=hyper["alpha0"], c=hyper["c"], rho=hyper["rho"])
    if method == "newton":
        return second_order.newton(
            oracle, damped=bool(hyper["damped"]), c=hyper["c"], rho=hyper["rho"]
        )
    return second_order.bfgs(oracle, c=hyper["c"], rho=hyper["rho"])


STATE_NAMES = {
    "gd_ls": ("p_x", "p_y", "alpha", "trials"),
    "newton": ("p_x", "p_y", "alpha", "trials", "tau"),
    "bfgs": ("p_x", "p_y", "alpha", "trials", "yTs"),
}
HYPER_NAMES = {
    "gd_ls": ("alpha0", "c", "rho"),
    "newton": ("damped", "c", "rho"),
    "bfgs": ("c", "rho"),
}
_SOURCE = {"alpha": "alpha", "trials": "trials", "tau": "shift", "yTs": "curvature"}


def columns(method: str, run, hyper: dict) -> tuple[tuple[str, ...], np.ndarray, dict]:
    """(state names, (n, k) state columns, MethodRun's extra fields) of a line-search run.

    The trial points are rebuilt from the records: the step into row k tried
    θ(k−1) + α·p(k) for α = α_start, ρ·α_start, … (``trials`` of them), as the rule did.
    """
    states, n = run.states, len(run.values)
    names = STATE_NAMES[method]
    if not n:
        empty = dict(evals=np.zeros((0, 3), dtype=int), notes=(), trials=np.empty((0, 3)))
        return names, np.empty((0, len(names))), empty
    direction = np.asarray(states["direction"], dtype=float).reshape(n, 2)
    table = np.column_stack(
        [direction] + [np.asarray(states[_SOURCE[name]], dtype=float) for name in names[2:]]
    )
    table[0] = np.nan  # the start: no step led to it
    evals = np.column_stack([states[k] for k in ("f_evals", "g_evals", "h_evals")]).astype(int)
    notes = tuple(_note(method, table[k, -1]) if k else "" for k in range(n))
    start_alpha = float(hyper["alpha0"]) if method == "gd_ls" else 1.0
    points = []
    for k in range(1, n):
        alpha = start_alpha
        for _ in range(int(table[k, 3])):
            points.append((k, *(run.params[k - 1] + alpha * direction[k])))
            alpha = float(hyper["rho"]) * alpha
    trials = np.array(points, dtype=float).reshape(-1, 3)
    return names, table, dict(evals=evals, notes=notes, trials=trials)


def _note(method: str, value: float) -> str:
    if method == "newton" and math.isfinite(value):
        return f"H not positive definite so H + τI used with τ = {value:.4g} = 1e-3 − λmin(H)"
    if method == "bfgs" and math.isfinite(value) and not value > second_order.CURVATURE_FLOOR:
        return f"yᵀs = {value:.3g} ≤ 1e-10 so B not updated"
    return ""


def first_order_evals(n: int) -> np.ndarray:
    """A first-order rule uses one ∇f per row (the start's included) and no f or H."""
    evals = np.zeros((n, 3), dtype=int)
    evals[:, 1] = np.arange(1, n + 1)
    return evals
