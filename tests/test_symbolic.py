"""The symbolic page's sentences against ground truth the code does not compute itself.

Ground truth: critical points from closed forms and sympy.solve, signs of f′ by sympy at
rational points (exact), derivative orders by sympy.diff; the seed's loop for the steps.
"""

import math
import re

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gd_app import demos
from gd_app.demos.symbolic import demo_of, run_symbolic, shown_formulas
from gd_core.descent import StopReason
from gd_core.errors import ExpressionError, OutsideDomain, OverBudget
from gd_core.symbolic import SymbolicRun, analyse
from gd_core.verdict import Outcome
from gd_core.verdict import point1d as ep

x = sympy.Symbol("x", real=True)


def analysed(*, f: str, **params) -> SymbolicRun:
    return analyse(f, **params)


def demo(**params):
    """The page's Demo for params, computed in this process (the worker's job, called directly)."""
    return demo_of(analysed(**params), x0=params["x0"], precision=params["precision"])


def said(shown) -> str:
    """Everything the verdict says: its sentence and the reasons under "Why?"."""
    return " ".join((shown.verdict, *shown.why))


def trusted(text: str) -> sympy.Expr:
    """SymPy's reading of a formula this test wrote (never of a visitor's text)."""
    return sympy.sympify(text, locals={"x": x})


def exact_sign(expr: sympy.Expr, at: float) -> int:
    """Sign of expr at the rational nearest to ``at`` (sympy, 50 digits)."""
    value = expr.subs(x, sympy.Rational(at)).evalf(50)
    return int(sympy.sign(value))


def slope_changes_sign_in(text: str, low: float, high: float) -> bool:
    """f′ goes from − to + somewhere in [low, high] (sympy on rational points, 65 of them)."""
    df = sympy.diff(trusted(text), x)
    signs = [exact_sign(df, p) for p in np.linspace(low, high, 65)]
    signs = [s for s in signs if s]
    return any(a < 0 < b for a, b in zip(signs, signs[1:], strict=False))


# ------------------------------------------------------------------ the issue's cases
ISSUE_CASES = [
    # f, x0, alpha, max_iter, kind, critical point (closed form)
    ("x**3", 1.0, 0.1, 10_000, ep.INFLECTION, 0.0),  # f′ = 3x², f‴ = 6: inflection, no minimum
    ("x**4", 0.0, 0.1, 100, ep.MINIMUM, 0.0),  # the global minimum
    ("-exp(-x**2)", 2.0, 0.1, 100, ep.MINIMUM, 0.0),
    ("-cos(x)", 3.0, 0.1, 1000, ep.MINIMUM, 0.0),
    ("x**4 - 3*x**3 + 2", 6.0, 0.01, 100, ep.MINIMUM, 9 / 4),  # f′ = x²(4x − 9)
]


@pytest.mark.parametrize("f, x0, alpha, max_iter, kind, critical", ISSUE_CASES)
def test_the_issues_cases_read_true(f, x0, alpha, max_iter, kind, critical):
    params = dict(f=f, x0=x0, alpha=alpha, precision=1e-4, max_iter=max_iter)
    run = analysed(**params)
    shown = demo(**params)
    point = run.endpoint
    assert point.kind == kind
    assert point.low <= critical <= point.high
    assert abs(point.where - critical) <= (point.high - point.low)
    df = sympy.diff(trusted(f), x)
    assert df.subs(x, sympy.nsimplify(critical)) == 0  # it is a critical point
    label = shown.metrics[0].label
    if kind == ep.MINIMUM:
        assert label == "minimum found at x" and shown.tone == "success"
        assert "not a minimum" not in said(shown)
    else:
        assert label == "where it stopped, x" and shown.tone == "warning"
        assert "not a minimum" in said(shown)
    assert "running away" not in said(shown) and "diverging" not in said(shown)
    assert not any("diverging" in s or "running away" in s for s in shown.table["status"])


def test_x_cubed_names_the_inflection_by_its_third_derivative():
    run = analyse("x**3", x0=1.0, alpha=0.1, precision=1e-4, max_iter=10_000)
    third = sympy.diff(x**3, x, 3).subs(x, 0)
    assert run.endpoint.test == "even order" and run.endpoint.order == 3
    assert run.endpoint.derivative == float(third) == 6.0
    verdict = said(demo(f="x**3", x0=1.0, alpha=0.1, precision=1e-4, max_iter=10_000))
    assert "f‴ = 6, has odd order" in verdict and "flat inflection point" in verdict


def test_wikipedias_example_reports_the_first_overshoot():
    """From 6 at α = 0.01 the first step jumps to 0.6, past the minimum at 9/4."""
    shown = demo(f="x**4 - 3*x**3 + 2", x0=6.0, alpha=0.01, precision=1e-4, max_iter=100)
    table = shown.table
    assert table["x"].iloc[1] == pytest.approx(6 - 0.01 * (4 * 6**3 - 9 * 6**2))  # = 0.6
    assert table["status"].iloc[1].startswith("overshoot: crossed f′ = 0")
    assert sum("overshoot" in s for s in table["status"]) == 1
    assert "1 overshot (step 1)" in said(shown)
    assert "without overshooting" not in said(shown)


def test_x4_from_zero_is_its_global_minimum_by_the_sign_test():
    run = analyse("x**4", x0=0.0, alpha=0.1, precision=1e-4, max_iter=100)
    assert run.endpoint.kind == ep.MINIMUM
    assert slope_changes_sign_in("x**4", run.endpoint.low, run.endpoint.high)


def test_the_even_order_test_alone_finds_a_minimum_without_a_sign_change():
    """At exactly x = 0, f = x⁴ + x⁶: f′ = f″ = f‴ = 0 and f⁗ = 24 > 0, checked exactly."""
    f = trusted("x**4 + x**6")
    point = ep.classify(f, x, lambda v: v**4 + v**6, lambda v: 0 * v, 0.0, 1e-9)
    assert point.kind == ep.MINIMUM and point.test == "even order"
    assert point.order == 4 and point.derivative == float(sympy.diff(f, x, 4).subs(x, 0))


# ------------------------------------------------------------------ textbook functions
TEXTBOOK = [
    # f, x0, alpha, max_iter, expected kind, critical point (closed form) or None
    ("x**2", 3.0, 0.1, 100, ep.MINIMUM, 0.0),
    ("(x-2)**2 + 1", -3.0, 0.3, 100, ep.MINIMUM, 2.0),
    ("x*log(x)", 1.0, 0.1, 1000, ep.MINIMUM, math.exp(-1)),  # f′ = log x + 1
    ("x*exp(x)", 1.0, 0.1, 1000, ep.MINIMUM, -1.0),  # f′ = (x + 1)eˣ
    ("sin(x)", 1.0, 0.1, 1000, ep.MINIMUM, -math.pi / 2),
    ("(x**2 - 1)**2", 2.0, 0.01, 1000, ep.MINIMUM, 1.0),
    ("x**3 - 3*x", 0.5, 0.05, 1000, ep.MINIMUM, 1.0),  # local minimum at 1
    ("x**4 - 2*x**2", 0.1, 0.05, 10_000, ep.MINIMUM, 1.0),
    ("x**4 - 2*x**2", 0.0, 0.05, 100, ep.MAXIMUM, 0.0),  # f″(0) = −4
    ("cos(x)", 0.0, 0.1, 100, ep.MAXIMUM, 0.0),
    ("-x**2", 0.0, 0.1, 100, ep.MAXIMUM, 0.0),
    ("x**3", 0.0, 0.1, 100, ep.INFLECTION, 0.0),
    ("sqrt(x**2 + 1)", 3.0, 0.5, 1000, ep.MINIMUM, 0.0),
    ("log(1 + x**2)", 0.5, 0.5, 1000, ep.MINIMUM, 0.0),
    ("abs(x - 1)", 3.0, 0.3, 100, ep.MINIMUM, 1.0),  # a kink, crossed back and forth
    ("exp(x)", 0.0, 0.1, 100, ep.FALLING, None),  # f′ = eˣ > 0: falls forever to the left
    ("atan(x)", 1.0, 0.5, 100, ep.FALLING, None),
    ("x**5", 1.0, 0.1, 10_000, ep.FALLING, None),  # stops at 0.12 on f′ = 5x⁴ > 0
]


@pytest.mark.parametrize("f, x0, alpha, max_iter, kind, critical", TEXTBOOK)
def test_textbook_functions_get_true_verdicts(f, x0, alpha, max_iter, kind, critical):
    params = dict(f=f, x0=x0, alpha=alpha, precision=1e-4, max_iter=max_iter)
    point = analysed(**params).endpoint
    shown = demo(**params)
    assert point.kind == kind
    df = sympy.diff(trusted(f), x)
    if critical is not None:
        assert point.low <= critical <= point.high
        assert abs(point.where - critical) <= point.high - point.low
    if kind == ep.MINIMUM and point.test == "sign":  # f′ − to + checked independently
        assert slope_changes_sign_in(f, point.low, point.high)
    if kind == ep.FALLING:
        side = exact_sign(df, point.x)
        assert all(exact_sign(df, p) == side for p in np.linspace(point.low, point.high, 33))
        assert point.falls_towards == -side
        assert "not a minimum" in said(shown) and "falls to the" in said(shown)
    found = shown.metrics[0].label == "minimum found at x"
    assert found == (kind == ep.MINIMUM and "stopped after step" in said(shown))


@pytest.mark.parametrize("f", ["x**4", "x**2/2 + cos(x)"])  # f′ = 4x³; f′ = x − sin x
def test_a_flat_minimum_the_steps_crawl_towards_is_ahead_not_reached(f):
    """From 1 the steps shrink like x³: the precision stops the run well short of 0, the
    minimum (f′ = 0 there, f⁗(0) > 0). It is called still falling, with the minimum ahead."""
    params = dict(f=f, x0=1.0, alpha=0.1, precision=1e-4, max_iter=10_000)
    run = analysed(**params)
    shown = demo(**params)
    point = run.endpoint
    df = sympy.diff(trusted(f), x)
    assert point.kind == ep.FALLING and point.x > 0
    assert all(exact_sign(df, p) == 1 for p in np.linspace(point.low, point.high, 33))
    low, high = point.probe_change
    assert low <= 0.0 <= high and df.subs(x, 0) == 0
    assert run.verdict.outcome is Outcome.CREEP and shown.tone == "warning"
    assert shown.metrics[0].label == "where it stopped, x"
    assert "a minimum lies there" in said(shown)


def test_a_pole_is_not_taken_for_a_minimum():
    """−1/x² has f′ = 2/x³ going from − to + across 0, where f is −∞: no minimum there."""
    run = analyse("-1/x**2", x0=0.5, alpha=0.01, precision=1e-4, max_iter=100)
    assert run.endpoint.kind != ep.MINIMUM
    assert ep.BREAK in run.crossings and ep.ZERO not in run.crossings
    shown = demo(f="-1/x**2", x0=0.5, alpha=0.01, precision=1e-4, max_iter=100)
    assert "jumped over a point where f is undefined" in said(shown)
    assert not any("overshoot" in s for s in shown.table["status"])


# ------------------------------------------------------------------ property test
COEFFICIENT = st.integers(-3, 3)
POLYNOMIAL = st.lists(COEFFICIENT, min_size=2, max_size=5).map(
    lambda cs: " + ".join(f"({c})*x**{k}" for k, c in enumerate(cs))
)
WAVE = st.tuples(
    st.sampled_from(["exp", "sin", "cos"]), st.integers(-2, 2), st.sampled_from([0.5, 1, 2])
).map(lambda t: f"({t[1]})*{t[0]}({t[2]}*x)" if t[0] != "exp" else f"({t[1]})*exp(-({t[2]})*x**2)")
SMOOTH = st.one_of(
    POLYNOMIAL,
    st.lists(WAVE, min_size=1, max_size=3).map(" + ".join),
    st.tuples(POLYNOMIAL, WAVE).map(" + ".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    SMOOTH,
    st.floats(-3, 3, allow_nan=False),
    st.sampled_from([0.01, 0.1, 0.3, 0.7]),
    st.sampled_from([1e-6, 1e-4, 1e-2]),
)
def test_no_claim_without_the_facts_for_random_smooth_f(f, x0, alpha, precision):
    try:
        run = analyse(f, x0=x0, alpha=alpha, precision=precision, max_iter=200)
    except ExpressionError:
        assume(False)  # a constant, e.g. all coefficients 0
    shown = demo_of(run, x0=x0, precision=precision)
    slopes = shown.table["df"].to_numpy()
    statuses = list(shown.table["status"])
    for k in range(1, len(slopes)):
        flipped = np.sign(slopes[k]) * np.sign(slopes[k - 1]) < 0
        named = "overshoot" in statuses[k] or "jumped over" in statuses[k]
        assert ("overshoot" in statuses[k]) <= flipped  # no overshoot claimed without a flip
        assert flipped <= named  # every sign change is named
    point = run.endpoint
    if point is None:
        return
    minimum_claimed = point.kind == ep.MINIMUM or shown.metrics[0].label == "minimum found at x"
    if minimum_claimed:
        df = sympy.diff(trusted(f), x)
        sign_test = slope_changes_sign_in(f, point.low, point.high)
        even_order = False
        if point.test == "even order":
            r = sympy.nsimplify(point.where)
            orders = [sympy.diff(trusted(f), x, k).subs(x, r) for k in range(1, 9)]
            first = next(k for k, v in enumerate(orders, start=1) if v != 0)
            even_order = df.subs(x, r) == 0 and first % 2 == 0 and orders[first - 1] > 0
        assert sign_test or even_order, (f, x0, alpha, point)


# ------------------------------------------------------------------ through the budget
def test_the_issues_107_character_formula_is_answered_within_the_budget(monkeypatch):
    """It took 56 s in the server's own process. Now it is done or refused, never a hang
    (the budget kills the worker at its time limit; no time is asserted here)."""
    from gd_app import runtime

    monkeypatch.setattr(runtime, "TIME_LIMIT", 2.0)  # the production limit
    text = (
        "x*abs(tan(1)*cos(1)-sin(1)+abs(tan(2)*cos(2)-sin(2)+abs(tan(3)*cos(3)-sin(3)"
        "+abs(tan(4)*cos(4)-sin(4)+0))))"
    )
    assert len(text) == 107
    try:
        outcome = run_symbolic(f=text, x0=3.0, alpha=0.1, precision=1e-4, max_iter=100)
    except OverBudget as error:
        assert "limit" in str(error)  # stopped at the time limit, and says so
        return
    # Each tan(k)·cos(k) − sin(k) is 0, so f is 0 up to rounding: f′ is tiny and the first
    # step is already below the precision.
    assert isinstance(outcome, SymbolicRun)
    assert outcome.trajectory.reason is StopReason.PRECISION
    assert outcome.trajectory.n_steps == 1
    assert abs(outcome.trajectory.final[0] - 3.0) < 1e-4


def test_expected_failures_come_back_through_the_worker_with_their_type():
    with pytest.raises(ExpressionError, match="found 'y'"):
        run_symbolic(f="y**2", x0=1.0, alpha=0.1, precision=1e-4, max_iter=10)
    with pytest.raises(OutsideDomain, match="initial guess x0 = -1"):
        run_symbolic(f="log(x)", x0=-1.0, alpha=0.1, precision=1e-4, max_iter=10)


def test_the_hostile_corpus_is_refused_through_the_worker():
    from hostile import HOSTILE

    for text in HOSTILE:
        with pytest.raises((ExpressionError, OverBudget)):
            run_symbolic(f=text, x0=1.0, alpha=0.1, precision=1e-4, max_iter=10)


def test_the_worker_returns_no_sympy_objects():
    run = run_symbolic(f="sin(x) + x**2/4", x0=2.0, alpha=0.1, precision=1e-4, max_iter=100)
    assert isinstance(run.text, str) and isinstance(run.formulas[1].latex, str)
    assert run.formulas[1].text == "x/2 + cos(x)"
    assert isinstance(run.endpoint.where, float)


# ------------------------------------------------------------------ export hooks
EXPORTS = [
    dict(f="x**2", x0=3.0, alpha=0.1, precision=1e-4, max_iter=100),
    dict(f="x**4 - 3*x**3 + 2", x0=6.0, alpha=0.01, precision=1e-4, max_iter=100),
    dict(f="x**2", x0=3.0, alpha=1.5, precision=1e-12, max_iter=10_000),  # ends in a fault
    dict(f="sqrt(x)*cos(x) + abs(x - 1)", x0=1.1, alpha=0.2, precision=1e-6, max_iter=300),
]


def _csv_numbers(text: str) -> tuple[list[str], np.ndarray]:
    lines = text.strip().splitlines()
    header = lines[0].split(",")[:8]
    rows = [[float(cell) if cell else np.nan for cell in line.split(",")[:8]] for line in lines[1:]]
    return header, np.array(rows)


@pytest.mark.parametrize("params", EXPORTS, ids=lambda p: p["f"])
def test_the_script_reproduces_the_csv_in_a_fresh_process(params, tmp_path):
    import subprocess
    import sys

    from gd_app.demos.symbolic import history_csv, script

    csv = history_csv(**params)
    source = script(**params)
    assert re.search(r"^ALPHA = ", source, re.M) and params["f"] not in ("",)
    path = tmp_path / "descent.py"
    path.write_text(source)
    result = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    header, expected = _csv_numbers(csv)
    got_header, got = _csv_numbers(result.stdout)
    assert (
        got_header == header == ["iteration", "x", "f", "df", "step", "d2f", "alpha_crit", "ratio"]
    )
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0, equal_nan=True)


def test_the_csv_has_every_column_at_full_precision():
    from gd_app.demos.symbolic import history_csv

    params = EXPORTS[0]
    csv = history_csv(**params)
    table = demos.symbolic(**params).table  # through the worker, as the page does
    _, numbers = _csv_numbers(csv)
    assert csv.splitlines()[0].endswith(",status")
    np.testing.assert_array_equal(numbers[:, 1], table["x"].to_numpy())  # %.17g round-trips
    assert csv.count("\n") == len(table) + 1


def test_the_script_carries_the_canonical_text_not_the_link_text():
    from gd_app.demos.symbolic import script

    source = script(f="x^2  +  0.5*x", x0=1.0, alpha=0.1, precision=1e-4, max_iter=10)
    assert "F = 'x**2 + 0.5*x'" in source
    assert StopReason.PRECISION.value  # (the stop rule is the script's own, see above)


def test_formulas_share_a_line_only_when_it_fits_a_phone():
    """f, f′, f″ of x⁴ − 3x³ + 2 side by side are about 560 px wide: on a phone f″ was cut off."""
    short = analysed(f="x**2", x0=1.0, alpha=0.1, precision=1e-4, max_iter=10)
    assert shown_formulas(short.formulas) == (
        "f(x) = x^{2} \\qquad f'(x) = 2 x \\qquad f''(x) = 2",
    )
    wide = analysed(f="x**4 - 3*x**3 + 2", x0=1.0, alpha=0.1, precision=1e-4, max_iter=10)
    lines = shown_formulas(wide.formulas)
    assert [line.split(" = ")[0] for line in lines] == ["f(x)", "f'(x)", "f''(x)"]
    assert lines[2] == "f''(x) = 12 x^{2} - 18 x"
