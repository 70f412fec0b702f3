"""Tests for gd_core.expr: accepted formulas, refusals with a helpful message, other variables.

Hostile input is in test_expr_hostile.py, property tests in test_expr_properties.py.
"""

import pytest
import sympy
from expr_checks import same_function

from gd_core.expr import MAX_LENGTH, ExpressionError, X, parse_expression

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
