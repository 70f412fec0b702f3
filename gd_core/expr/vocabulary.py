"""What a typed formula may contain: the whitelist of names, functions and operators.

Everything not listed here is refused, with a message saying what is not allowed.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

from gd_core.errors import ExpressionError

CONSTANTS = {"pi": "pi", "E": "E", "e": "E"}  # name -> SymPy's name
CONSTANT_VALUES = {"pi": math.pi, "E": math.e, "e": math.e}

# The functions, in the order the refusal message lists them. Each is SymPy's function of the
# same name and its float twin in math, except for these:
_NAMED_OTHERWISE: dict[str, tuple[str, Callable[[float], float]]] = {
    "sec": ("sec", lambda v: 1 / math.cos(v)),
    "csc": ("csc", lambda v: 1 / math.sin(v)),
    "cot": ("cot", lambda v: 1 / math.tan(v)),
    "ln": ("log", math.log),
    "abs": ("Abs", abs),
}
_FUNCTION_NAMES = (
    "sin cos tan sec csc cot asin acos atan sinh cosh tanh asinh acosh atanh exp log ln sqrt abs"
).split()
FUNCTIONS: dict[str, tuple[str, Callable[[float], float]]] = {  # SymPy's name, float
    name: _NAMED_OTHERWISE.get(name) or (name, getattr(math, name)) for name in _FUNCTION_NAMES
}
ALLOWED_FUNCTIONS = ", ".join(FUNCTIONS)

BINARY_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
UNARY_OPERATORS = {ast.USub: operator.neg, ast.UAdd: operator.pos}
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


def forbidden(node: ast.AST) -> ExpressionError:
    """The error for a node kind that is not on the whitelist."""
    kind = type(node)
    return ExpressionError(_FORBIDDEN_NODES.get(kind, f"{kind.__name__} is not allowed in f(x)"))


def operator_error(op: ast.AST) -> ExpressionError:
    """The error for an operator that is not on the whitelist."""
    symbol = _OPERATOR_SYMBOLS.get(type(op), type(op).__name__)
    return ExpressionError(f"Operator '{symbol}' is not allowed; use + - * / and ** (or ^)")


def listed(names: list[str], word: str) -> str:
    """Names in a sentence: "x", "x or y", "x, y and z" (word is "and" or "or")."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {word} " + names[-1]
