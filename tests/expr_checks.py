"""Shared by the parser's tests: SymPy's own reading of formulas we wrote, for comparison."""

import cmath

import sympy

from gd_core.expr import ExpressionError, X, parse_expression

TRUSTED_LOCALS = {"x": X, "e": sympy.E, "ln": sympy.log, "abs": sympy.Abs}


def trusted(text: str) -> sympy.Expr:
    """SymPy's own reading of a formula we wrote ourselves (never of user input)."""
    return sympy.sympify(text, locals=TRUSTED_LOCALS)


POINTS = (0.3, 0.7, 1.3, 2.1, -0.6, -1.7)


def same_function(parsed: sympy.Expr, text: str) -> bool:
    """parsed equals SymPy's reading of text, exactly, or with its non-simple constants
    (sin(1), 1 + pi, ...) as 15-digit floats: then equal in value at several points."""
    expected = trusted(text)
    if parsed == expected:
        return True
    if not parsed.has(sympy.Float) or expected.has(sympy.Float):
        return False
    for point in POINTS:
        a = complex(parsed.subs(X, point).evalf(30))
        b = complex(expected.subs(X, point).evalf(30))
        if not (cmath.isfinite(a) and cmath.isfinite(b)):
            if cmath.isfinite(a) != cmath.isfinite(b):
                return False
            continue
        if abs(a - b) > 1e-9 * max(1.0, abs(b)):
            return False
    return True


def outcome_of(text: str) -> sympy.Expr | ExpressionError:
    """Parse text; return the expression or the ExpressionError.

    No time is asserted here: the parser runs inside the budget's worker, whose time
    limit is the guard (tests/test_budget.py, tests/test_symbolic.py); speed is measured
    by bench/budget.py.
    """
    try:
        return parse_expression(text)
    except ExpressionError as err:
        return err
