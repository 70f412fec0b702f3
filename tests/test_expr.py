"""Tests for gd_core.expr: accepted formulas, hostile input, and property tests."""

import ast
import cmath
from pathlib import Path

import pytest
import sympy
from hostile import HOSTILE
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gd_core.expr import MAX_LENGTH, ExpressionError, X, parse_expression

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


# --- accepted input ---------------------------------------------------------------------------

ACCEPTED = [
    "x**2",
    "x^2",
    "x^2 + 1",
    "2^x^2",
    "sin(x) + x^2/4",
    "exp(-x**2)",
    "-x**2 + 3*x - 2",
    "(x - 1)*(x + 2)**2",
    "x/3 + 1/7",
    "0.5*x**2 - 1.5e-3*x",
    "sqrt(x**2 + 1)",
    "abs(x) + x**4/100",
    "log(x**2 + 1)",
    "ln(1 + x**2)",
    "pi*x + E",
    "e**x",
    "E**(-x) + x",
    "x**(1/3)",
    "atan(x) + tanh(x) + asinh(x)",
    "cosh(x)/10 - sinh(x)",
    "sec(x) + csc(x) + cot(x)",
    "asin(x/2) + acos(x/2)",
    "x**-2 + x**100",
    "+x",
    "2**x",
    "  x**2  ",
    "sqrt(2)*x",
    "sqrt(2)*3**(1/3)*x",
    "x + sqrt(2) - 1",
    "sqrt(1 + pi)*x",
    "(100000)**(1/2)*x",
    "10**99*x",
    "(x + 2) - (x + 1) + x",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_formula_matches_sympify(text):
    result = parse_expression(text)
    assert isinstance(result, sympy.Expr)
    assert same_function(result, text)


def test_examples_give_the_expected_expression():
    assert parse_expression("x**2") == X**2
    assert parse_expression("x^2+1") == X**2 + 1  # '^' has the precedence of '**', not of xor
    assert parse_expression("exp(-x**2)") == sympy.exp(-(X**2))
    assert parse_expression("ln(x)") == sympy.log(X)
    assert parse_expression("e*x") == sympy.E * X
    assert parse_expression("1/3*x") == sympy.Rational(1, 3) * X
    assert parse_expression("0.25*x") == sympy.Float(0.25) * X


@pytest.mark.parametrize(
    "text, constant",
    [
        ("sin(1)*x", 0.8414709848078965),
        ("(1 + pi)*x", 1 + 3.141592653589793),
        ("x*abs(pi - 3)", 0.14159265358979312),
        ("log(2)*x", 0.6931471805599453),
    ],
)
def test_constants_that_are_not_simple_become_floats(text, constant):
    parsed = parse_expression(text)
    assert parsed == sympy.Float(constant) * X


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sqrt(2)*x", sympy.sqrt(2) * X),
        ("pi/2*x + E", sympy.pi / 2 * X + sympy.E),
        ("E**2*x", sympy.exp(2) * X),
        ("3**(1/3)*x/7", sympy.Rational(1, 7) * 3 ** sympy.Rational(1, 3) * X),
    ],
)
def test_simple_constants_stay_exact(text, expected):
    assert parse_expression(text) == expected


def test_the_issues_exact_zero_is_a_float_so_nothing_is_slow():
    """tan(k)*cos(k) − sin(k) is exactly 0; SymPy spent 56 s settling abs() of such sums."""
    text = (
        "x*abs(tan(1)*cos(1)-sin(1)+abs(tan(2)*cos(2)-sin(2)+abs(tan(3)*cos(3)-sin(3)"
        "+abs(tan(4)*cos(4)-sin(4)+0))))"
    )
    parsed = parse_expression(text)
    (constant,) = parsed.atoms(sympy.Float)
    assert abs(float(constant)) < 1e-15 and parsed == constant * X


def test_variable_is_real_so_abs_has_a_sign_derivative():
    assert sympy.diff(parse_expression("abs(x)"), X) == sympy.sign(X)


# --- rejected input with a helpful message -----------------------------------------------------

REJECTED_WITH_MESSAGE = [
    ("", "empty"),
    ("   ", "empty"),
    ("y", "found 'y'"),
    ("x + t", "found 't'"),
    ("factorial(x)", "Function 'factorial' is not allowed; allowed: sin"),
    ("2x", "write 2*x"),
    ("3 x", "write 2*x"),
    ("sin x", "sin(x)"),
    ("(x+1)(x-1)", "Missing '*'"),
    ("x(x+1)", "Missing '*'"),
    ("3", "does not depend on x"),
    ("pi**2 + sin(1)", "does not depend on x"),
    ("x - x", "does not depend on x"),
    ("x/0", "Division by zero"),
    ("log(0)*x", "undefined"),
    ("sqrt(-1)*x", "not real"),
    ("tan(pi/2) + x", "undefined"),
    ("x**101", "Exponents must be at most 100"),
    ("x**50*x**51", "Exponents must be at most 100"),
    ("10**60*10**60*x", "too large"),
    ("1234567*x", "at most 1000000"),
    ("0.1234567890123456*x", "at most 15 digits"),
    ("(10**6)**(1/3)*x", "Roots"),
    ("(1 + sqrt(5))/2*x", "Sums with roots"),
    ("(x + sqrt(2)) - x + x", "cancels to a constant"),
    ("sin(x, x)", "exactly one argument"),
    ("sin()", "exactly one argument"),
    ("sin(x=1)", "Named arguments"),
    ("sin", "is a function"),
    ("x % 2", "Operator '%'"),
    ("x // 2", "Operator '//'"),
    ("~x", "Operator '~'"),
    ("x.real", "Attribute"),
    ("x[0]", "Indexing"),
    ("x, 1", "Commas"),
    ("x == 1", "Comparisons"),
    ("'x'", "Text in quotes"),
    ("1j*x", "Complex"),
    ("True*x", "'True' is not allowed"),
    ("((x)", "parentheses"),
    ("x" * (MAX_LENGTH + 1), "too long"),
    ("*".join(["(" + "+".join(["-x"] * 8) + ")"] * 7), "too long (at most 100"),
    ("+".join(["x"] * 60), "too long"),
    ("sin(" * 25 + "x" + ")" * 25, "nested too deeply"),
]


@pytest.mark.parametrize(("text", "fragment"), REJECTED_WITH_MESSAGE)
def test_rejection_message_names_the_problem(text, fragment):
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_rejects_non_text():
    with pytest.raises(ExpressionError):
        parse_expression(b"x")  # type: ignore[arg-type]


# --- hostile input: code injection and denial of service ----------------------------------------


def _short_id(text: str) -> str:
    return repr(text[:40]) + (f"...({len(text)} chars)" if len(text) > 40 else "")


@pytest.mark.parametrize("text", HOSTILE, ids=_short_id)
def test_hostile_input_is_rejected(text):
    outcome = outcome_of(text)
    assert isinstance(outcome, ExpressionError), f"accepted: {outcome}"


def test_code_injection_has_no_side_effect(tmp_path: Path):
    target = tmp_path / "pwned"
    payloads = [
        f"__import__('pathlib').Path('{target}').touch()",
        f"open('{target}', 'w')",
        f"__import__('os').system('touch {target}')",
        f"exec(\"open('{target}', 'w')\")",
        f"eval(\"open('{target}', 'w')\")",
        f"[open('{target}', 'w') for x in (1,)]",
        f"(lambda: open('{target}', 'w'))()",
        f"x if open('{target}', 'w') else x",
    ]
    for payload in payloads:
        assert len(payload) <= MAX_LENGTH  # so the whitelist, not the length check, rejects it
        ast.parse(payload, mode="eval")  # valid Python: eval() would create the file
        with pytest.raises(ExpressionError):
            parse_expression(payload)
    assert not target.exists()


def test_module_never_names_eval_or_sympify():
    """Static check: the parser's own code never refers to an evaluating function."""
    import gd_core.expr as module

    tree = ast.parse(Path(module.__file__).read_text())
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    evaluators = {"eval", "exec", "compile", "__import__", "sympify", "S", "parse_expr"}
    assert "parse" in attributes  # the walk sees real code (ast.parse)
    assert not names & evaluators
    assert not attributes & (evaluators | {"parsing"}) - {"compile"}  # re.compile is fine


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


# --- other variables (the lab's f(x, y)) -----------------------------------------------------


def test_two_variables_are_parsed_as_real_symbols():
    y = sympy.Symbol("y", real=True)
    assert parse_expression("x**2 + 3*y^2", ("x", "y")) == X**2 + 3 * y**2
    assert parse_expression("sin(y)", ("x", "y")) == sympy.sin(y)  # one variable is enough
    assert sympy.diff(parse_expression("abs(y)", ("x", "y")), y) == sympy.sign(y)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("x + t", "Only the variables x and y and the constants pi and e are allowed; found 't'"),
        ("3 + pi", "f(x, y) does not depend on x or y"),
        ("y(x + 1)", "write y*(...)"),
        ("", "f(x, y) is empty"),
        ("x" * (MAX_LENGTH + 1), "f(x, y) is too long"),
    ],
)
def test_two_variable_messages_name_the_allowed_variables(text, fragment):
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, ("x", "y"))
    assert fragment in str(caught.value)


def test_y_is_refused_when_only_x_is_allowed():
    with pytest.raises(ExpressionError, match="Only the variable x and"):
        parse_expression("x + y")


@pytest.mark.parametrize("names", [("x", "pi"), ("x", "sin"), ("x", "2y"), ()])
def test_a_variable_may_not_shadow_a_constant_or_function(names):
    with pytest.raises(ValueError):
        parse_expression("x", names)
