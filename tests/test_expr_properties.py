"""Property tests of the parser: random text, and formulas from the whitelisted grammar."""

import ast

import sympy
from expr_checks import outcome_of, same_function
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gd_core.expr import ExpressionError, X

# --- property tests ------------------------------------------------------------------------------

FORMULA_CHARACTERS = "x0123456789.+-*/^() eEpisncoatqrlbh_,[]'=jy"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=FORMULA_CHARACTERS, max_size=80)))
def test_random_text_is_parsed_or_rejected(text):
    outcome = outcome_of(text)
    if not isinstance(outcome, ExpressionError):
        assert isinstance(outcome, sympy.Expr)
        assert outcome.has(X)


FUNCTION_NAMES = [
    "sin",
    "cos",
    "tan",
    "sec",
    "csc",
    "cot",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "exp",
    "log",
    "ln",
    "sqrt",
    "abs",
]


def _group(text: str, parenthesize: bool) -> str:
    return f"({text})" if parenthesize else text


def formulas(leaves, functions, operators, powers, max_leaves, negate=True):
    """Trusted formula strings from the whitelisted grammar."""

    def extend(children):
        return st.one_of(
            st.builds(lambda f, a: f"{f}({a})", st.sampled_from(functions), children),
            st.builds(lambda a, p: "-" + _group(a, p), children, st.booleans())
            if negate
            else st.nothing(),
            st.builds(
                lambda a, op, b, p, q: f"{_group(a, p)} {op} {_group(b, q)}",
                children,
                st.sampled_from(operators),
                children,
                st.booleans(),
                st.booleans(),
            ),
            st.builds(
                lambda a, op, k: f"({a}){op}{k}",
                children,
                st.sampled_from(["**", "^"]),
                st.sampled_from(powers),
            ),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


ANY_FORMULA = formulas(
    leaves=st.one_of(st.integers(0, 100).map(str), st.sampled_from(["x", "x", "pi", "e", "E"])),
    functions=FUNCTION_NAMES,
    operators=["+", "-", "*", "/"],
    powers=[0, 1, 2, 3, 4, 5],
    max_leaves=12,
)

# Positive numbers, only + and *, functions that are finite everywhere and powers only of x:
# such a formula containing x always depends on x and stays far inside every bound. No pi
# (sin(pi)*x is 0) and no asinh (SymPy turns asinh(1) into log(1 + sqrt(2)), a sum with a root).
TAME_FORMULA = formulas(
    leaves=st.one_of(st.integers(1, 100).map(str), st.sampled_from(["x", "x**2", "x^3", "E"])),
    functions=["sin", "cos", "atan", "tanh", "abs"],
    operators=["+", "*"],
    powers=[1],
    max_leaves=8,
    negate=False,
)


def _size_and_depth(node: ast.AST) -> tuple[int, int]:
    """Number of expression nodes and nesting depth of a syntax tree we generated ourselves."""
    children = [_size_and_depth(c) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
    size = 1 + sum(s for s, _ in children)
    depth = 1 + max((d for _, d in children), default=0)
    return size, depth


@settings(max_examples=200, deadline=None)
@given(ANY_FORMULA)
def test_grammar_formula_matches_sympify_or_is_rejected(text):
    outcome = outcome_of(text)
    if isinstance(outcome, ExpressionError):
        return  # allowed: constant, undefined (e.g. 1/0) or beyond a size bound
    assert same_function(outcome, text)


@settings(max_examples=200, deadline=None)
@given(TAME_FORMULA)
def test_tame_grammar_formula_is_accepted_and_matches_sympify(text):
    assume("x" in text)
    size, depth = _size_and_depth(ast.parse(text.replace("^", "**"), mode="eval").body)
    assume(size <= 60 and depth <= 15)  # comfortably inside the parser's bounds
    outcome = outcome_of(text)
    assert not isinstance(outcome, ExpressionError), f"{text!r} rejected: {outcome}"
    assert same_function(outcome, text)
