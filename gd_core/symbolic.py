"""Gradient descent on a typed f(x), differentiated by SymPy (seed 004).

The text goes through :func:`gd_core.expr.parse_expression`, which builds the
SymPy expression from a whitelisted syntax tree; only that trusted expression
and its derivatives are handed to ``lambdify``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

from gd_core.descent import Trajectory, descend
from gd_core.expr import ExpressionError, X, parse_expression
from gd_core.optimizers import gradient_descent


@dataclass(frozen=True)
class SymbolicFunction:
    """f, f′ and f″ as SymPy expressions in x and as numpy functions of a float."""

    expr: sympy.Expr
    first: sympy.Expr
    second: sympy.Expr
    f: Callable[[float], float]
    df: Callable[[float], float]
    d2f: Callable[[float], float]

    def latex(self) -> tuple[str, str, str]:
        return sympy.latex(self.expr), sympy.latex(self.first), sympy.latex(self.second)


def compile_function(text: str) -> SymbolicFunction:
    """Parse, differentiate twice and lambdify; raises ExpressionError for bad input."""
    expr = parse_expression(text)
    first = _bounded(_without_spikes(sympy.diff(expr, X)), "f′(x)", MAX_FIRST_NODES)
    second = _bounded(_without_spikes(sympy.diff(first, X)), "f″(x)", MAX_SECOND_NODES)
    numeric = {}
    for name, e in (("f(x)", expr), ("f′(x)", first), ("f″(x)", second)):
        if e.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.Derivative, sympy.Subs):
            raise ExpressionError(f"{name} = {e} cannot be evaluated as a real number")
        numeric[name] = _numeric(name, e)
    return SymbolicFunction(
        expr=expr,
        first=first,
        second=second,
        f=numeric["f(x)"],
        df=numeric["f′(x)"],
        d2f=numeric["f″(x)"],
    )


# Derivatives can grow much faster than f (x**x**…**x: 39 nodes, f′ 908, f″ 13,692,
# about a second to differentiate and lambdify). These bounds keep compile under ~0.1 s.
MAX_FIRST_NODES = 400
MAX_SECOND_NODES = 4_000


def _bounded(expr: sympy.Expr, name: str, limit: int) -> sympy.Expr:
    """Reject a derivative larger than ``limit`` tree nodes (counting stops at the limit)."""
    for count, _ in enumerate(sympy.preorder_traversal(expr), start=1):
        if count > limit:
            raise ExpressionError(
                f"f(x) is too complex: {name} grows beyond {limit} terms. "
                "Try a simpler function (for example fewer powers of x raised to x)."
            )
    return expr


def _without_spikes(expr: sympy.Expr) -> sympy.Expr:
    """Drop DiracDelta terms (from differentiating abs or sign): zero except at a kink."""
    return expr.replace(sympy.DiracDelta, lambda *args: sympy.Integer(0))


def _numeric(name: str, expr: sympy.Expr) -> Callable[[float], float]:
    function = sympy.lambdify(X, expr, modules="numpy")
    try:  # a function numpy lacks fails here, not in the middle of a run
        with np.errstate(all="ignore"):
            function(np.float64(0.5))
    except NameError as error:
        raise ExpressionError(
            f"{name} uses something that can't be computed numerically ({error})"
        ) from None
    return lambda x: function(np.float64(x))


@dataclass(frozen=True)
class SymbolicRun:
    """A run on f: the trajectory (p = 1) and f″ at each iterate (nan where undefined)."""

    function: SymbolicFunction
    trajectory: Trajectory
    curvature: np.ndarray


def minimize(
    function: SymbolicFunction,
    *,
    x0: float,
    alpha: float,
    precision: float,
    max_iter: int,
) -> SymbolicRun:
    """x := x − α·f′(x) from x0 until |step| < precision or max_iter steps."""

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        x = theta[0]
        return function.f(x), np.array([function.df(x)], dtype=float)

    trajectory = descend(
        objective,
        np.array([x0], dtype=float),
        rule=gradient_descent(alpha=alpha),
        max_steps=max_iter,
        precision=precision,
        name="x",
    )
    curvature = real_values(function.d2f, trajectory.params[:, 0])
    curvature.setflags(write=False)
    return SymbolicRun(function=function, trajectory=trajectory, curvature=curvature)


def real_values(function: Callable, xs: np.ndarray) -> np.ndarray:
    """``function`` at every x of xs (n,) in one vectorised call; nan where not a real number.

    One call over the array, not one per x: f″ of a big f at 10,000 iterates
    took seconds point by point.
    """
    xs = np.asarray(xs, dtype=float)
    with np.errstate(all="ignore"):
        try:
            values = np.broadcast_to(np.asarray(function(xs)), xs.shape)
        except (ArithmeticError, ValueError, TypeError):
            return np.full(xs.shape, np.nan)
    if np.iscomplexobj(values):
        values = np.where(values.imag == 0, values.real, np.nan)
    values = values.astype(float)
    return np.where(np.isfinite(values), values, np.nan)
