"""Building the SymPy expression from a checked syntax tree, bounding every number on the way.

Each node is built by hand from the whitelist (never by sympify). Beside each constant part a float
shadows SymPy's exact arithmetic, so a result that would be huge or undefined is refused before
SymPy is asked to compute it.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from gd_core.errors import ExpressionError
from gd_core.expr.vocabulary import (
    ALLOWED_FUNCTIONS,
    BINARY_OPERATORS,
    CONSTANT_VALUES,
    CONSTANTS,
    FUNCTIONS,
    UNARY_OPERATORS,
    forbidden,
    listed,
    operator_error,
)
from gd_core.lazy import sympy

_MAX_LITERAL = 10**6  # largest number that may be typed
_MAX_DIGITS = 15  # digits in a typed number (a float holds about 15 significant digits)
_MAX_EXPONENT = 100  # largest |exponent| when the exponent is a constant
_MAX_MAGNITUDE = 1e100  # largest |constant|, and largest numerator/denominator SymPy may hold
_MAX_ROOT_BASE = 10**5  # largest integer SymPy may take a fractional power of (it factorises it)

_UNDEFINED = "f(x) is undefined or not real (division by zero, log(0), sqrt(-1), ...)"
_TOO_LARGE = "Numbers in f(x) get too large (the limit is 1e100)"
_EXPONENT_TOO_LARGE = f"Exponents must be at most {_MAX_EXPONENT}"


@dataclass(frozen=True)
class _Built:
    """A built SymPy expression and, when it is constant, its approximate value as a float.

    The float shadows SymPy's exact arithmetic, so a result that would be huge is noticed (as an
    OverflowError or a value above the bound) before SymPy is asked to compute it.
    """

    expr: sympy.Expr
    value: float | None  # None when the expression depends on x


def build(source: str, tree: ast.expr, variables: dict[str, sympy.Symbol]) -> sympy.Expr:
    """The SymPy expression of a syntax tree that passed the size check, or ExpressionError."""
    return _Builder(source, variables).build(tree).expr


@cache
def _not_real() -> frozenset:
    return frozenset({sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I})


def _checked(expr: sympy.Expr, value: float | None) -> _Built:
    """Check a freshly built expression: real, finite and with bounded numbers and exponents."""
    for node in sympy.preorder_traversal(expr):
        if node in _not_real():
            raise ExpressionError(_UNDEFINED)
        if node.is_Rational and max(abs(node.p), node.q) > _MAX_MAGNITUDE:
            raise ExpressionError(_TOO_LARGE)
        if node.is_Float and not abs(float(node)) <= _MAX_MAGNITUDE:
            raise ExpressionError(_TOO_LARGE)
        if node.is_Pow and node.exp.is_Number and abs(node.exp) > _MAX_EXPONENT:
            raise ExpressionError(_EXPONENT_TOO_LARGE)
        if node.is_Add and not node.free_symbols and _has_root(node):
            # To decide whether a constant like 1 + sqrt(2) - sqrt(3 + 2*sqrt(2)) is zero (Abs,
            # sqrt, exp, ... ask), SymPy computes a minimal polynomial: seconds for 100 characters.
            raise ExpressionError(
                "Sums with roots of numbers, like 1 + sqrt(2), are not allowed: write 2.414"
            )
    if value is None and not expr.free_symbols:  # the x terms cancelled, as in x - x
        if not expr.is_Number:
            raise ExpressionError("Part of f(x) cancels to a constant; write it more simply")
        value = float(expr)
    if value is not None and not abs(value) <= _MAX_MAGNITUDE:
        raise ExpressionError(_TOO_LARGE)
    if value is not None and not _is_simple(expr):
        # A constant like tan(1)*cos(1) - sin(1) (exactly 0) makes SymPy evaluate ever more
        # digits to settle the sign of an abs() around it: 56 s for 107 characters. As a
        # float it costs nothing. Simple constants stay exact, so sqrt(2)*x shows √2.
        expr = sympy.Float(value)
    return _Built(expr, value)


def _is_simple(expr: sympy.Expr) -> bool:
    """A constant kept exact: rationals, pi, E, and products and rational powers of them."""
    if expr.is_Rational or expr in (sympy.pi, sympy.E):
        return True
    if expr.is_Mul:
        return all(_is_simple(arg) for arg in expr.args)
    if expr.is_Pow:
        return expr.exp.is_Rational and _is_simple(expr.base)
    return expr.func is sympy.exp and expr.args[0].is_Rational  # E**2 is stored as exp(2)


def _applied(function: Callable, float_function: Callable, *operands: _Built) -> _Built:
    """function applied to the operands' expressions, with its float shadow when all are constant."""
    values = [operand.value for operand in operands]
    value = None if None in values else _call_float(float_function, *values)
    return _checked(function(*(operand.expr for operand in operands)), value)


class _Builder:
    """Builds the SymPy expression from a syntax tree that passed the size check."""

    def __init__(self, source: str, variables: dict[str, sympy.Symbol]) -> None:
        self.source = source
        self.variables = variables

    def build(self, node: ast.expr) -> _Built:
        handler = self._HANDLERS.get(type(node))
        if handler is None:
            raise forbidden(node)
        return handler(self, node)

    def _constant(self, node: ast.Constant) -> _Built:
        value = node.value
        if isinstance(value, complex):
            raise ExpressionError("Complex numbers (like 1j) are not allowed")
        if isinstance(value, (str, bytes)):
            raise ExpressionError("Text in quotes is not allowed")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ExpressionError(f"'{value!r}' is not allowed in f(x)")
        literal = ast.get_source_segment(self.source, node) or repr(value)
        mantissa = re.split("[eE]", literal)[0]
        if sum(char.isdigit() for char in mantissa) > _MAX_DIGITS:
            raise ExpressionError(f"Numbers may have at most {_MAX_DIGITS} digits")
        if not abs(value) <= _MAX_LITERAL:  # also rejects inf, e.g. 1e309
            raise ExpressionError("Numbers may be at most 1000000 (write 1e6 as 10**6)")
        expr = sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)
        return _Built(expr, float(value))

    def _name(self, node: ast.Name) -> _Built:
        name = node.id
        if name in FUNCTIONS:
            raise ExpressionError(f"'{name}' is a function: write {name}(x)")
        if name in self.variables:
            return _Built(self.variables[name], None)
        if name not in CONSTANTS:
            names = list(self.variables)
            kind = "variable" if len(names) == 1 else "variables"
            raise ExpressionError(
                f"Only the {kind} {listed(names, 'and')} and the constants pi and e are allowed; "
                f"found '{name}'"
            )
        return _Built(getattr(sympy, CONSTANTS[name]), CONSTANT_VALUES[name])

    def _unary(self, node: ast.UnaryOp) -> _Built:
        op = UNARY_OPERATORS.get(type(node.op))
        if op is None:
            raise operator_error(node.op)
        return _applied(op, op, self.build(node.operand))

    def _binary(self, node: ast.BinOp) -> _Built:
        if isinstance(node.op, ast.Pow):
            return self._power(node)
        op = BINARY_OPERATORS.get(type(node.op))
        if op is None:
            raise operator_error(node.op)
        left, right = self.build(node.left), self.build(node.right)
        if isinstance(node.op, ast.Div) and right.value == 0:
            raise ExpressionError("Division by zero")
        return _applied(op, op, left, right)

    def _power(self, node: ast.BinOp) -> _Built:
        base, exponent = self.build(node.left), self.build(node.right)
        if exponent.value is not None:
            if not abs(exponent.value) <= _MAX_EXPONENT:
                raise ExpressionError(_EXPONENT_TOO_LARGE)
            if _is_fraction(exponent.expr):
                _check_root_base(base.expr)
        return _applied(operator.pow, math.pow, base, exponent)

    def _call(self, node: ast.Call) -> _Built:
        if not isinstance(node.func, ast.Name):
            if type(node.func) in self._HANDLERS:  # e.g. (x+1)(x-1)
                raise ExpressionError("Missing '*' before '(': write (x+1)*(x-1)")
            raise forbidden(node.func)
        name = node.func.id
        if name in CONSTANTS or name in self.variables:
            raise ExpressionError(f"Missing '*' before '(': write {name}*(...)")
        if name not in FUNCTIONS:
            raise ExpressionError(f"Function '{name}' is not allowed; allowed: {ALLOWED_FUNCTIONS}")
        if node.keywords:
            raise ExpressionError(f"Named arguments are not allowed: write {name}(x)")
        if len(node.args) != 1:
            raise ExpressionError(f"{name}() takes exactly one argument, as in {name}(x)")
        argument = self.build(node.args[0])
        sympy_name, float_function = FUNCTIONS[name]
        if sympy_name == "sqrt":
            _check_root_base(argument.expr)
        return _applied(getattr(sympy, sympy_name), float_function, argument)

    _HANDLERS: ClassVar[dict[type, Callable]] = {
        ast.Constant: _constant,
        ast.Name: _name,
        ast.UnaryOp: _unary,
        ast.BinOp: _binary,
        ast.Call: _call,
    }


def _is_fraction(number: sympy.Expr) -> bool:
    return number.is_Rational and not number.is_Integer


def _has_root(expr: sympy.Expr) -> bool:
    """Whether expr contains a root, like sqrt(2) or x**(2/3)."""
    return any(_is_fraction(power.exp) for power in expr.atoms(sympy.Pow))


def _check_root_base(base: sympy.Expr) -> None:
    """Reject a fractional power of big integers: SymPy would try to factorise them."""
    for number in base.atoms(sympy.Rational):
        if max(abs(number.p), number.q) > _MAX_ROOT_BASE:
            raise ExpressionError(f"Roots of numbers above {_MAX_ROOT_BASE} are not allowed")


def _call_float(function: Callable[..., float], *args: float) -> float:
    """Evaluate the float shadow of an operation, turning math errors into ExpressionError."""
    try:
        return function(*args)
    except OverflowError:
        raise ExpressionError(_TOO_LARGE) from None
    except (ValueError, ZeroDivisionError):
        raise ExpressionError(_UNDEFINED) from None
