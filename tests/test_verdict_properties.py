"""The one verdict engine on every page, over random settings: every claim holds of its run.

Each sentence is checked against the table's own columns and numpy.linalg of the data
(tests/verdict_checks.py): "each step overshot", "without overshooting", a green verdict.
"""

import numpy as np
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from verdict_checks import (
    ONE,
    TWO,
    check_claims,
    check_common,
    eigen_flips,
    hessian_of,
    overshoots,
    said,
    x,
)

from gd_app import demos
from gd_app.demos.symbolic import demo_of
from gd_core.errors import ExpressionError
from gd_core.lab import PRESETS, race
from gd_core.linear import line_data
from gd_core.surface import compile_surface
from gd_core.symbolic import analyse
from gd_core.verdict import Outcome

# ------------------------------------------------------------------ fit pages: properties
ALPHA_FRACTION = st.floats(0.01, 1.3)
SCHEDULES = st.sampled_from(["constant", "constant", "exponential", "inverse_time", "cosine"])


def fit_checks(demo, params, *, intercept: bool, names) -> None:
    table = demo.table
    J = table["J"].to_numpy()
    shot = overshoots(table, names)
    data = line_data(
        m=params["m"],
        theta_true=(params.get("theta0_true", 0.0), params.get("theta1_true", 0.5)),
        noise=params["noise"],
        seed=params["seed"],
        x_low=params.get("x_low", -1.0),
        x_high=params.get("x_high", 1.0),
    )
    X = np.column_stack([np.ones_like(data.x), data.x]) if intercept else data.x[:, None]
    best = np.linalg.lstsq(X, data.y, rcond=None)[0]
    flips = eigen_flips(table[list(names)].to_numpy(), best, hessian_of(params, intercept))
    check_common(demo, fell=np.diff(J) < 0, shot=shot, start=J[0], end=J[-1], flips=flips)
    text = said(demo)
    assert "no minimum" not in text and demo.outcome is not Outcome.RUN_OFF
    plain = params["schedule"] == "constant" and not params["batch"]
    critical = 2 / np.linalg.eigvalsh(hessian_of(params, intercept))[-1]
    if plain and params["alpha"] > critical:
        assert demo.tone != "success", text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fraction=ALPHA_FRACTION,
    theta1=st.floats(-0.2, 1.2),
    m=st.sampled_from([2, 5, 20, 200]),
    noise=st.sampled_from([0.0, 0.3]),
    batch=st.sampled_from([0, 0, 1, 3]),
    schedule=SCHEDULES,
    N=st.integers(1, 60),
)
def test_one_parameter_verdicts_hold_for_random_settings(
    fraction, theta1, m, noise, batch, schedule, N
):
    params = {**ONE, "m": m, "noise": noise, "theta1": theta1, "N": N, "schedule": schedule}
    params["batch"] = min(batch, m)
    critical = 2 / hessian_of(params, False)[0, 0]
    params["alpha"] = max(0.1, fraction * critical)  # the α control's lowest value is 0.1
    demo = demos.one_parameter(**params)
    fit_checks(demo, params, intercept=False, names=("theta1",))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fraction=ALPHA_FRACTION,
    x_range=st.tuples(st.integers(-40, 40), st.integers(1, 40)).map(
        lambda t: (t[0] / 2, min(20.0, t[0] / 2 + t[1] / 2))
    ),
    start=st.tuples(st.floats(-4, 4), st.floats(-4, 4)),
    noise=st.sampled_from([0.0, 0.3]),
    batch=st.sampled_from([0, 0, 1, 5]),
    schedule=SCHEDULES,
    N=st.integers(2, 80),
)
def test_two_parameter_verdicts_hold_for_random_settings(
    fraction, x_range, start, noise, batch, schedule, N
):
    x_low, x_high = x_range
    assume(-20 <= x_low < x_high <= 20)
    params = {**TWO, "x_low": x_low, "x_high": x_high, "noise": noise, "N": N}
    params.update(theta0_start=start[0], theta1_start=start[1], batch=batch, schedule=schedule)
    critical = 2 / np.linalg.eigvalsh(hessian_of(params, True))[-1]
    params["alpha"] = float(f"{max(1e-5, fraction * critical):.2g}")  # the select's values
    demo = demos.two_parameters(**params)
    fit_checks(demo, params, intercept=True, names=("theta0", "theta1"))


# ------------------------------------------------------------------ symbolic page: property
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


def slope_changes_sign_in(text: str, low: float, high: float) -> bool:
    """f′ goes from − to + in [low, high]: SymPy's exact signs at 65 rational points."""
    df = sympy.diff(sympy.sympify(text, locals={"x": x}), x)
    signs = [
        int(sympy.sign(df.subs(x, sympy.Rational(p)).evalf(50))) for p in np.linspace(low, high, 65)
    ]
    signs = [s for s in signs if s]
    return any(a < 0 < b for a, b in zip(signs, signs[1:], strict=False))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    SMOOTH,
    st.floats(-3, 3, allow_nan=False),
    st.sampled_from([0.01, 0.1, 0.3, 0.7, 1.5]),
    st.sampled_from([1e-6, 1e-4, 1e-2]),
)
def test_symbolic_verdicts_hold_for_random_smooth_f(f, x0, alpha, precision):
    try:
        run = analyse(f, x0=x0, alpha=alpha, precision=precision, max_iter=150)
    except ExpressionError:
        assume(False)  # a constant, e.g. all coefficients 0
    demo = demo_of(run, x0=x0, precision=precision)
    table = demo.table
    values, slopes, steps = (table[c].to_numpy() for c in ("f", "df", "step"))
    shot = np.sign(slopes[1:]) * np.sign(steps[1:]) > 0  # ∇f(x_k)·(x_k − x_(k−1)) > 0
    check_common(demo, fell=np.diff(values) < 0, shot=shot, start=values[0], end=values[-1])
    point = run.endpoint
    claimed = demo.tone == "success" or "next to a" in demo.verdict and "minimum" in demo.verdict
    if claimed and point is not None and point.test == "sign":
        assert slope_changes_sign_in(f, point.low, point.high), (f, x0, alpha, point)
    if claimed and point is not None and point.test == "even order":
        r = sympy.nsimplify(point.where)
        expr = sympy.sympify(f, locals={"x": x})
        orders = [sympy.diff(expr, x, k).subs(x, r) for k in range(1, 9)]
        first = next(k for k, v in enumerate(orders, start=1) if v != 0)
        assert orders[0] == 0 and first % 2 == 0 and orders[first - 1] > 0


# ------------------------------------------------------------------ the lab: property
LAB_METHODS = {
    "gd": {"alpha": st.floats(0.001, 0.6)},
    "momentum": {"alpha": st.floats(0.001, 0.3), "beta": st.floats(0.0, 0.95)},
    "adam": {
        "alpha": st.floats(0.001, 0.5),
        "beta1": st.floats(0.0, 0.95),
        "beta2": st.sampled_from([0.9, 0.999]),
    },
}


@st.composite
def lab_case(draw):
    if draw(st.booleans()):
        a, c = draw(st.integers(-3, 6)), draw(st.integers(-3, 6))
        b, d, e = draw(st.integers(-4, 4)), draw(st.integers(-5, 5)), draw(st.integers(-5, 5))
        text = f"({a})*x**2 + ({b})*x*y + ({c})*y**2 + ({d})*x + ({e})*y"
        hessian = np.array([[2 * a, b], [b, 2 * c]], dtype=float)
        linear = np.array([d, e], dtype=float)  # ∇f(0, 0)
    else:
        text, hessian, linear = PRESETS[draw(st.sampled_from(sorted(PRESETS)))][0], None, None
    method = draw(st.sampled_from(sorted(LAB_METHODS)))
    hyper = {key: draw(strategy) for key, strategy in LAB_METHODS[method].items()}
    start = draw(st.tuples(st.floats(-2, 2), st.floats(-2, 2)))
    return text, hessian, linear, method, hyper, start, draw(st.integers(1, 300))


def hessian_by_differences(text: str, point: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Central differences of f itself (evaluated by SymPy at the point, not the lab's code)."""
    X, Y = sympy.symbols("x y")
    f = sympy.lambdify((X, Y), sympy.sympify(text, locals={"x": X, "y": Y}))
    H = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h, np.eye(2)[j] * h
            H[i, j] = (
                f(*(point + ei + ej))
                - f(*(point + ei - ej))
                - f(*(point - ei + ej))
                + f(*(point - ei - ej))
            ) / (4 * h * h)
    return H


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lab_case())
def test_lab_verdicts_hold_for_random_quadratics_and_the_presets(case):
    text, hessian, linear, method, hyper, start, steps = case
    try:
        surface = compile_surface(text)
    except ExpressionError:
        assume(False)
    run = race(surface, method, np.array(start), max_steps=steps, tol=1e-6, **hyper)
    assume(len(run.values) >= 1)
    text_said = " ".join((run.sentence, *run.why))
    steps_taken = np.diff(run.params, axis=0)
    with np.errstate(all="ignore"):  # signs kept: scaled so that nothing underflows
        grads = run.grads[1:] / np.maximum(np.abs(run.grads[1:]).max(axis=1, keepdims=True), 1e-300)
        moves = steps_taken / np.maximum(np.abs(steps_taken).max(axis=1, keepdims=True), 1e-300)
    shot = np.einsum("ij,ij->i", grads, moves) > 0
    fell = np.diff(run.values) < 0
    flips = np.zeros_like(shot)
    if hessian is not None and np.all(np.linalg.eigvalsh(hessian) > 0):
        flips = eigen_flips(run.params, np.linalg.solve(hessian, -linear), hessian)
    check_claims(text_said, fell, shot | flips)
    if shot.any():
        assert "without overshooting" not in text_said
    if run.values[-1] > run.values[0]:
        assert run.tone != "success"
    if run.tone == "success" or "next to a minimum" in run.sentence:
        H = hessian if hessian is not None else hessian_by_differences(text, run.params[-1])
        assert np.all(np.linalg.eigvalsh(H) > -1e-6 * max(1, np.abs(H).max())), text_said
        if hessian is not None:  # a quadratic's critical point is a minimum iff H ⪰ 0
            assert np.all(np.linalg.eigvalsh(hessian) >= 0)
    if hessian is not None and np.linalg.eigvalsh(hessian)[0] < 0:
        assert run.outcome not in (Outcome.CREEP, Outcome.DIRECT, Outcome.OVERSHOOT_SETTLE)
        assert run.outcome is not Outcome.BOUNCE
