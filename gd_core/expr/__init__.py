"""Hardened parser for the f(x) that visitors type into the app.

Threat model: anonymous visitors of a public web app type the text. It must never reach eval,
exec, sympify or parse_expr (they run code), nor make SymPy compute for long (denial of service).
So we read it with ast.parse, accept a small whitelist of node kinds, names and functions, and
build the SymPy expression ourselves, bounding sizes and magnitudes before SymPy evaluates them.

The work is split by step, one module each:

* :mod:`gd_core.expr.syntax`: text to a bounded syntax tree (length, Python's parser, size);
* :mod:`gd_core.expr.vocabulary`: the whitelist (names, functions, operators) and its refusals;
* :mod:`gd_core.expr.build`: the syntax tree to a SymPy expression, bounding every number.

Callers run :func:`parse_expression` on a visitor's text inside the SymPy budget's worker.
"""

from __future__ import annotations

from functools import cache

from gd_core.errors import ExpressionError
from gd_core.expr.build import build
from gd_core.expr.syntax import MAX_LENGTH, read_tree
from gd_core.expr.vocabulary import CONSTANTS, FUNCTIONS, listed
from gd_core.lazy import sympy

__all__ = ["MAX_LENGTH", "ExpressionError", "parse_expression", "symbol_x"]


@cache
def symbol_x():
    """The real symbol x of every f(x) (SymPy is imported on first use: gd_core.lazy)."""
    return sympy.Symbol("x", real=True)


def __getattr__(name: str):
    if name == "X":  # expr.X, as before: made on first use
        return symbol_x()
    raise AttributeError(name)


def parse_expression(text: str, variables: tuple[str, ...] = ("x",)) -> sympy.Expr:
    """Parse text into a SymPy expression in ``variables`` (real symbols), or raise ExpressionError.

    With the default it is f(x) in :data:`X`; the lab page passes ("x", "y"). The
    expression must depend on at least one of the variables. Messages name the
    function as f(x) or f(x, y) and list the allowed variables. Text refused before it is
    built (too long, not Python, too large a tree) is refused without importing SymPy.
    """
    variables = tuple(variables)
    _check_names(variables)
    try:
        source, tree = read_tree(text)
        expr = build(source, tree, _symbols(variables))
        if not expr.free_symbols:
            raise ExpressionError(f"f(x) does not depend on {listed(list(variables), 'or')}")
        return expr
    except ExpressionError as error:
        if variables == ("x",):
            raise
        message = str(error).replace("f(x)", f"f({', '.join(variables)})")
        raise ExpressionError(message) from None


def _check_names(variables: tuple[str, ...]) -> None:
    """Variable names must be plain and new (a caller's mistake otherwise: ValueError)."""
    if not variables:
        raise ValueError("at least one variable is needed")
    for name in variables:
        if not name.isidentifier() or name in CONSTANTS or name in FUNCTIONS:
            raise ValueError(f"{name!r} can't be a variable")


def _symbols(variables: tuple[str, ...]) -> dict[str, sympy.Symbol]:
    """The real symbol of each variable name (x is :data:`X`)."""
    return {
        name: symbol_x() if name == "x" else sympy.Symbol(name, real=True) for name in variables
    }
