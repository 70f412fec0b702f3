"""A typed f(x, y): parsed, differentiated twice and made numeric, inside the budget's worker.

Nothing here leaves the worker process as a SymPy object or a lambdified
function: :mod:`gd_core.lab` turns what it computes into arrays, floats and
LaTeX strings before returning.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gd_core.errors import ExpressionError
from gd_core.expr import parse_expression
from gd_core.lazy import sympy
from gd_core.symbolic import MAX_FIRST_NODES, MAX_SECOND_NODES

VARIABLES = ("x", "y")


@dataclass(frozen=True)
class Surface:
    """f, ∇f and the Hessian of a typed f(x, y), symbolic and numeric."""

    expr: sympy.Expr
    gradient: tuple[sympy.Expr, sympy.Expr]
    hessian: sympy.Matrix
    value_and_gradient: Callable[[float, float], tuple[float, float, float]]  # math floats
    hessian_at: Callable[[float, float], np.ndarray]
    on_grid: Callable[[np.ndarray, np.ndarray], np.ndarray]  # f on numpy arrays
    # Batches of points P with shape (B, 2), for runs from many starts at once: f (B,),
    # ∇f (B, 2) and the Hessian (B, 2, 2); nan where a value is not real, inf on overflow.
    values_at: Callable[[np.ndarray], np.ndarray] = None
    gradients_at: Callable[[np.ndarray], np.ndarray] = None
    hessians_at: Callable[[np.ndarray], np.ndarray] = None

    @property
    def constant_hessian(self) -> np.ndarray | None:
        """The Hessian as a float matrix when f is a polynomial of degree ≤ 2 (a quadratic).

        A constant Hessian alone is not enough: abs(x) + abs(y) has Hessian 0 away from
        its kinks, with the DiracDelta terms dropped.
        """
        x, y = symbols_of(self.expr)
        if self.hessian.free_symbols or not self.expr.is_polynomial(x, y):
            return None
        if sympy.Poly(self.expr, x, y).total_degree() > 2:
            return None
        return np.array(self.hessian.tolist(), dtype=float)

    def canonical(self) -> str:
        """The parsed f as SymPy prints it: text ``sympy.sympify`` reads back to the same f."""
        return sympy.sstr(self.expr)

    def latex(self) -> tuple[str, str, str]:
        return (
            sympy.latex(self.expr),
            sympy.latex(sympy.Matrix(self.gradient)),
            sympy.latex(self.hessian),
        )


def symbols_of(expr: sympy.Expr) -> tuple[sympy.Symbol, sympy.Symbol]:
    """The parser's x and y (with their assumptions); a variable f lacks gets a plain one."""
    found = {s.name: s for s in expr.free_symbols}
    return tuple(found.get(name, sympy.Symbol(name, real=True)) for name in VARIABLES)


def compile_surface(text: str) -> Surface:
    """Parse with the hardened parser, differentiate, lambdify; raises ExpressionError."""
    return surface_of(parse_expression(text, variables=VARIABLES))


def surface_of(expr: sympy.Expr) -> Surface:
    x, y = symbols_of(expr)
    gradient = tuple(_checked(_smooth(sympy.diff(expr, v)), "∇f", MAX_FIRST_NODES) for v in (x, y))
    hessian = sympy.Matrix(
        2,
        2,
        lambda i, j: _checked(
            _smooth(sympy.diff(gradient[i], (x, y)[j])), "the Hessian", MAX_SECOND_NODES
        ),
    )
    triple = sympy.lambdify((x, y), (expr, *gradient), modules="math", cse=True)
    second = sympy.lambdify((x, y), hessian.tolist(), modules="math", cse=True)
    grid = sympy.lambdify((x, y), expr, modules="numpy")
    batch_gradient = sympy.lambdify((x, y), list(gradient), modules="numpy", cse=True)
    batch_hessian = sympy.lambdify((x, y), hessian.tolist(), modules="numpy", cse=True)
    _try(triple, "f(x, y)")
    _try(second, "the Hessian")
    return Surface(
        expr=expr,
        gradient=gradient,
        hessian=hessian,
        value_and_gradient=triple,
        hessian_at=lambda a, b: np.array(second(a, b), dtype=float),
        on_grid=lambda xs, ys: real_grid(grid, xs, ys),
        values_at=lambda P: _batch(grid, P),
        gradients_at=lambda P: _batch(batch_gradient, P, (2,)),
        hessians_at=lambda P: _batch(batch_hessian, P, (2, 2)),
    )


def _batch(function: Callable, P: np.ndarray, shape: tuple = ()) -> np.ndarray:
    """function(x, y) at the rows of P (B, 2): shape (B,) + the shape of one value.

    nan where an entry is not a real number (inf where it overflowed). A lambdified list
    of expressions (∇f, the Hessian) is evaluated once; its constant entries are broadcast.
    """
    P = np.asarray(P, dtype=float)
    xs, ys = P[:, 0], P[:, 1]
    out = np.empty((len(xs), *shape))
    with np.errstate(all="ignore"):
        try:
            value = function(xs, ys)
            for index in np.ndindex(*shape):
                entry = value
                for i in index:
                    entry = entry[i]
                entry = np.asarray(entry)
                if np.iscomplexobj(entry):
                    entry = np.where(entry.imag == 0, entry.real, np.nan)
                out[(slice(None), *index)] = entry
        except (ArithmeticError, ValueError, TypeError):
            out = [_point_value(function, a, b, shape) for a, b in zip(xs, ys, strict=True)]
            return np.array(out, dtype=float).reshape(len(xs), *shape)
    return out


def _point_value(function: Callable, a: float, b: float, shape: tuple) -> np.ndarray:
    """One point's value(s), nan where not a finite real number."""
    try:
        value = np.asarray(function(a, b), dtype=complex)
    except (ArithmeticError, ValueError, TypeError):
        return np.full(shape, np.nan)
    real = np.where(value.imag == 0, value.real, np.nan)
    return np.where(np.isfinite(real), real, np.nan)


def _smooth(expr: sympy.Expr) -> sympy.Expr:
    """Drop DiracDelta terms (from differentiating abs): zero except on a kink."""
    return expr.replace(sympy.DiracDelta, lambda *args: sympy.Integer(0))


def _checked(expr: sympy.Expr, name: str, limit: int) -> sympy.Expr:
    for count, _ in enumerate(sympy.preorder_traversal(expr), start=1):
        if count > limit:
            raise ExpressionError(
                f"f(x, y) is too complex: {name} grows beyond {limit} terms. "
                "Try a simpler function."
            )
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.Derivative, sympy.Subs):
        raise ExpressionError(f"{name} of this f(x, y) cannot be evaluated as a real number")
    return expr


def _try(function: Callable, name: str) -> None:
    """A function the numeric modules lack fails here, not in the middle of a run."""
    try:
        with np.errstate(all="ignore"):
            function(0.5, 0.25)
    except NameError as error:
        raise ExpressionError(f"{name} uses something that can't be computed ({error})") from None
    except (ArithmeticError, ValueError, TypeError):
        pass  # outside the domain at that one point: fine


def real_grid(function: Callable, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """f on the grid xs × ys (rows follow ys); nan where f is not a finite real number."""
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        try:
            Z = np.broadcast_to(np.asarray(function(X, Y)), X.shape)
        except (ArithmeticError, ValueError, TypeError):
            Z = np.vectorize(lambda a, b: _point(function, a, b))(X, Y)
    if np.iscomplexobj(Z):
        Z = np.where(Z.imag == 0, Z.real, np.nan)
    Z = np.asarray(Z, dtype=float)
    return np.where(np.isfinite(Z), Z, np.nan)


def _point(function: Callable, a: float, b: float) -> float:
    try:
        value = complex(function(a, b))
    except (ArithmeticError, ValueError, TypeError):
        return math.nan
    return value.real if value.imag == 0 else math.nan
