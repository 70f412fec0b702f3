"""Hardened parser for the f(x) that visitors type into the app.

Threat model: anonymous visitors of a public web app type the text. It must never reach eval,
exec, sympify or parse_expr (they run code), nor make SymPy compute for long (denial of service).
So we read it with ast.parse, accept a small whitelist of node kinds, names and functions, and
build the SymPy expression ourselves, bounding sizes and magnitudes before SymPy evaluates them.
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


MAX_LENGTH = 200  # characters of input
_MAX_NODES = 100  # numbers, names, operations and calls in the syntax tree
_MAX_DEPTH = 20  # nesting levels of the syntax tree
_MAX_LITERAL = 10**6  # largest number that may be typed
_MAX_DIGITS = 15  # digits in a typed number (a float holds about 15 significant digits)
_MAX_EXPONENT = 100  # largest |exponent| when the exponent is a constant
_MAX_MAGNITUDE = 1e100  # largest |constant|, and largest numerator/denominator SymPy may hold
_MAX_ROOT_BASE = 10**5  # largest integer SymPy may take a fractional power of (it factorises it)


@dataclass(frozen=True)
class _Built:
    """A built SymPy expression and, when it is constant, its approximate value as a float.

    The float shadows SymPy's exact arithmetic, so a result that would be huge is noticed (as an
    OverflowError or a value above the bound) before SymPy is asked to compute it.
    """

    expr: sympy.Expr
    value: float | None  # None when the expression depends on x


_CONSTANTS = {"pi": "pi", "E": "E", "e": "E"}  # name -> SymPy's name
_NAME_VALUES = {"pi": math.pi, "E": math.e, "e": math.e}

_FUNCTIONS: dict[str, tuple[str, Callable[[float], float]]] = {  # SymPy's name, float
    "sin": ("sin", math.sin),
    "cos": ("cos", math.cos),
    "tan": ("tan", math.tan),
    "sec": ("sec", lambda v: 1 / math.cos(v)),
    "csc": ("csc", lambda v: 1 / math.sin(v)),
    "cot": ("cot", lambda v: 1 / math.tan(v)),
    "asin": ("asin", math.asin),
    "acos": ("acos", math.acos),
    "atan": ("atan", math.atan),
    "sinh": ("sinh", math.sinh),
    "cosh": ("cosh", math.cosh),
    "tanh": ("tanh", math.tanh),
    "asinh": ("asinh", math.asinh),
    "acosh": ("acosh", math.acosh),
    "atanh": ("atanh", math.atanh),
    "exp": ("exp", math.exp),
    "log": ("log", math.log),
    "ln": ("log", math.log),
    "sqrt": ("sqrt", math.sqrt),
    "abs": ("Abs", abs),
}
_ALLOWED_FUNCTIONS = ", ".join(_FUNCTIONS)

_BINARY_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_UNARY_OPERATORS = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_OPERATOR_SYMBOLS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.Invert: "~",
    ast.Not: "not",
}

_FORBIDDEN_NODES = {
    ast.Attribute: "Attribute access with '.' is not allowed",
    ast.Subscript: "Indexing with [ ] is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.Compare: "Comparisons are not allowed",
    ast.BoolOp: "'and' and 'or' are not allowed",
    ast.IfExp: "'if ... else' is not allowed",
    ast.Starred: "Unpacking with * is not allowed",
    ast.JoinedStr: "Text in quotes is not allowed",
    ast.Tuple: "Commas are not allowed: f(x) is a single formula",
}


@cache
def _not_real() -> frozenset:
    return frozenset({sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I})


_UNDEFINED = "f(x) is undefined or not real (division by zero, log(0), sqrt(-1), ...)"
_TOO_LARGE = "Numbers in f(x) get too large (the limit is 1e100)"

# A digit or ')' directly followed by a name or '(' ("2x", "2 x", ")x"), or two terms separated
# only by spaces ("x y", "sin x").
_IMPLICIT_PRODUCT = re.compile(r"[\d.)]\s*[A-Za-z_(]|[\w)]\s+[\w(]")


def parse_expression(text: str, variables: tuple[str, ...] = ("x",)) -> sympy.Expr:
    """Parse text into a SymPy expression in ``variables`` (real symbols), or raise ExpressionError.

    With the default it is f(x) in :data:`X`; the lab page passes ("x", "y"). The
    expression must depend on at least one of the variables. Messages name the
    function as f(x) or f(x, y) and list the allowed variables.
    """
    names = _variables(tuple(variables))
    try:
        return _parse(text, names)
    except ExpressionError as error:
        if tuple(variables) == ("x",):
            raise
        message = str(error).replace("f(x)", f"f({', '.join(variables)})")
        raise ExpressionError(message) from None


def _variables(variables: tuple[str, ...]) -> dict[str, sympy.Symbol]:
    """The symbol of each variable name (x is :data:`X`); names must be plain and new."""
    if not variables:
        raise ValueError("at least one variable is needed")
    symbols = {}
    for name in variables:
        if not name.isidentifier() or name in _CONSTANTS or name in _FUNCTIONS:
            raise ValueError(f"{name!r} can't be a variable")
        symbols[name] = symbol_x() if name == "x" else sympy.Symbol(name, real=True)
    return symbols


def _parse(text: str, variables: dict[str, sympy.Symbol]) -> sympy.Expr:
    if not isinstance(text, str):
        raise ExpressionError("f(x) must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"f(x) is too long (at most {MAX_LENGTH} characters)")
    # '^' means power, with the precedence of '**' (Python's '^' binds looser than '+').
    source = text.strip().replace("^", "**")
    if not source:
        raise ExpressionError("f(x) is empty")
    tree = _parse_tree(source)
    _check_size(tree.body)
    expr = _Builder(source, variables).build(tree.body).expr
    if not expr.free_symbols:
        raise ExpressionError(f"f(x) does not depend on {_or(list(variables))}")
    return expr


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _parse_tree(source: str) -> ast.Expression:
    """Run Python's parser (it only builds a tree; nothing is executed)."""
    try:
        return ast.parse(source, mode="eval")
    except SyntaxError as err:
        raise ExpressionError(_syntax_message(source, err)) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("f(x) could not be read") from None


def _syntax_message(source: str, err: SyntaxError) -> str:
    """Explain a syntax error in terms a student understands."""
    if _IMPLICIT_PRODUCT.search(source):
        return "Missing '*': write 2*x, not 2x, and sin(x), not sin x"
    if "never closed" in str(err.msg) or "unmatched" in str(err.msg):
        return "The parentheses ( ) do not match"
    if err.offset is None:
        return "f(x) could not be read"
    return f"f(x) could not be read: check the formula near character {err.offset}"


def _check_size(root: ast.expr) -> None:
    """Reject trees with too many nodes or too deep nesting (iteratively: no recursion limit)."""
    stack = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > _MAX_NODES:
            raise ExpressionError(f"f(x) is too long (at most {_MAX_NODES} terms and operations)")
        if depth > _MAX_DEPTH:
            raise ExpressionError(
                f"f(x) is nested too deeply or too long (at most {_MAX_DEPTH} levels)"
            )
        children = ast.iter_child_nodes(node)
        stack.extend((child, depth + 1) for child in children if isinstance(child, ast.expr))


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
            raise ExpressionError(f"Exponents must be at most {_MAX_EXPONENT}")
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


def _forbidden(node: ast.AST) -> ExpressionError:
    """The error for a node kind that is not on the whitelist."""
    kind = type(node)
    return ExpressionError(_FORBIDDEN_NODES.get(kind, f"{kind.__name__} is not allowed in f(x)"))


def _operator_error(op: ast.AST) -> ExpressionError:
    symbol = _OPERATOR_SYMBOLS.get(type(op), type(op).__name__)
    return ExpressionError(f"Operator '{symbol}' is not allowed; use + - * / and ** (or ^)")


class _Builder:
    """Builds the SymPy expression from a syntax tree that passed _check_size."""

    def __init__(self, source: str, variables: dict[str, sympy.Symbol]) -> None:
        self.source = source
        self.variables = variables

    def build(self, node: ast.expr) -> _Built:
        handler = self._HANDLERS.get(type(node))
        if handler is None:
            raise _forbidden(node)
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
        if name in _FUNCTIONS:
            raise ExpressionError(f"'{name}' is a function: write {name}(x)")
        if name in self.variables:
            return _Built(self.variables[name], None)
        if name not in _CONSTANTS:
            names = list(self.variables)
            kind = "variable" if len(names) == 1 else "variables"
            raise ExpressionError(
                f"Only the {kind} {_and(names)} and the constants pi and e are allowed; "
                f"found '{name}'"
            )
        return _Built(getattr(sympy, _CONSTANTS[name]), _NAME_VALUES[name])

    def _unary(self, node: ast.UnaryOp) -> _Built:
        op = _UNARY_OPERATORS.get(type(node.op))
        if op is None:
            raise _operator_error(node.op)
        operand = self.build(node.operand)
        value = None if operand.value is None else op(operand.value)
        return _checked(op(operand.expr), value)

    def _binary(self, node: ast.BinOp) -> _Built:
        if isinstance(node.op, ast.Pow):
            return self._power(node)
        op = _BINARY_OPERATORS.get(type(node.op))
        if op is None:
            raise _operator_error(node.op)
        left, right = self.build(node.left), self.build(node.right)
        if isinstance(node.op, ast.Div) and right.value == 0:
            raise ExpressionError("Division by zero")
        if left.value is None or right.value is None:
            value = None
        else:
            value = op(left.value, right.value)
        return _checked(op(left.expr, right.expr), value)

    def _power(self, node: ast.BinOp) -> _Built:
        base, exponent = self.build(node.left), self.build(node.right)
        value = None
        if exponent.value is not None:
            if not abs(exponent.value) <= _MAX_EXPONENT:
                raise ExpressionError(f"Exponents must be at most {_MAX_EXPONENT}")
            if _is_fraction(exponent.expr):
                _check_root_base(base.expr)
            if base.value is not None:
                value = _call_float(math.pow, base.value, exponent.value)
        return _checked(base.expr**exponent.expr, value)

    def _call(self, node: ast.Call) -> _Built:
        if not isinstance(node.func, ast.Name):
            if type(node.func) in self._HANDLERS:  # e.g. (x+1)(x-1)
                raise ExpressionError("Missing '*' before '(': write (x+1)*(x-1)")
            raise _forbidden(node.func)
        name = node.func.id
        if name in _CONSTANTS or name in self.variables:
            raise ExpressionError(f"Missing '*' before '(': write {name}*(...)")
        if name not in _FUNCTIONS:
            raise ExpressionError(
                f"Function '{name}' is not allowed; allowed: {_ALLOWED_FUNCTIONS}"
            )
        if node.keywords:
            raise ExpressionError(f"Named arguments are not allowed: write {name}(x)")
        if len(node.args) != 1:
            raise ExpressionError(f"{name}() takes exactly one argument, as in {name}(x)")
        argument = self.build(node.args[0])
        sympy_name, float_function = _FUNCTIONS[name]
        sympy_function = getattr(sympy, sympy_name)
        if sympy_name == "sqrt":
            _check_root_base(argument.expr)
        value = None
        if argument.value is not None:
            value = _call_float(float_function, argument.value)
        return _checked(sympy_function(argument.expr), value)

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
