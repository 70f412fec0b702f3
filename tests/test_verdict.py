"""The one verdict engine on every page: the issue's cases, and properties over random settings.

Truth comes from outside the code under test: numpy.linalg (eigenvalues, eigenvectors,
lstsq) of the data the page describes (m points evenly on [x_low, x_high]), the table's
own columns (∇f(θ_k)·(θ_k − θ_(k−1)) from the gradient and step columns), closed forms and
SymPy at rational points.
"""

import re

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gd_app import demos
from gd_app.controls import ONE_PARAMETER, TWO_PARAMETERS, defaults
from gd_app.demos.fit import fit_run
from gd_app.demos.symbolic import demo_of
from gd_core.errors import ExpressionError
from gd_core.lab import PRESETS, race
from gd_core.linear import line_data
from gd_core.surface import compile_surface
from gd_core.symbolic import analyse
from gd_core.verdict import Outcome

ONE = defaults(ONE_PARAMETER)
TWO = defaults(TWO_PARAMETERS)
x = sympy.Symbol("x", real=True)


def said(demo) -> str:
    return " ".join((demo.verdict, *demo.why))


def hessian_of(params: dict, intercept: bool) -> np.ndarray:
    """XᵀX/m of m points evenly on [x_low, x_high] (the page's data), by numpy."""
    xs = np.linspace(params.get("x_low", -1.0), params.get("x_high", 1.0), params["m"])
    X = np.column_stack([np.ones_like(xs), xs]) if intercept else xs[:, None]
    return X.T @ X / params["m"]


def overshoots(table, names) -> np.ndarray:
    """Per row k ≥ 1: ∇f(θ_k)·(θ_k − θ_(k−1)) > 0, from the table's gradient and step columns."""
    grads = table[[f"grad_{n}" for n in names]].to_numpy()
    steps = table[[f"step_{n}" for n in names]].to_numpy()
    with np.errstate(all="ignore"):
        scale_g = np.max(np.abs(grads), axis=1, keepdims=True)
        scale_s = np.max(np.abs(steps), axis=1, keepdims=True)
        dots = np.einsum(
            "ij,ij->i",
            grads / np.where(scale_g > 0, scale_g, 1),
            steps / np.where(scale_s > 0, scale_s, 1),
        )
    return dots[1:] > 0


def check_claims(text: str, fell: np.ndarray, shot: np.ndarray) -> None:
    """Every "each step"/"all n" claim holds of the steps it speaks of.

    ``fell``, ``shot``: per step (rows 1…), f fell / the step overshot (the caller's own
    computation from the table).
    """
    n = len(fell)
    if re.search(r"[Ee]ach step went downhill", text):
        assert n and fell.all(), text
    if re.search(r"[Ee]ach step overshot|[Ee]ach step went downhill and overshot", text):
        assert n and shot.all(), text
    for k in re.findall(r"fell on all (\d+)", text):
        assert fell[: int(k)].all(), text
    for k in re.findall(r"rose on all (\d+)", text):
        assert (~fell[: int(k)]).all(), text
    for k in re.findall(r"[Ee]ach of the last (\d+) steps overshot", text):
        assert shot[-int(k) :].all() or "before it reached" in text, text


def eigen_flips(params: np.ndarray, minimizer: np.ndarray, hessian: np.ndarray) -> np.ndarray:
    """Per step: the error θ − θ* changed sign along an eigenvector of the Hessian (numpy)."""
    _, vectors = np.linalg.eigh(hessian)
    parts = (np.asarray(params, dtype=float) - minimizer) @ vectors
    return np.any(np.sign(parts[1:]) * np.sign(parts[:-1]) < 0, axis=1)


def check_common(demo, *, fell, shot, start, end, flips=None) -> None:
    """``shot``: the line test per step; ``flips``: eigen-direction sign flips, which also
    count as overshooting where θ* and the Hessian are known."""
    text = said(demo)
    check_claims(text, fell, shot if flips is None else shot | flips)
    if shot.any():
        assert "without overshooting" not in text, text
    if end > start:
        assert demo.tone != "success", text


# ------------------------------------------------------------------ the cases
def test_two_parameters_above_alpha_crit_is_never_green():
    """x from 5 to 10, α = 0.035 > α_crit = 2/λmax (numpy) ≈ 0.0336: J rises every step."""
    params = {**TWO, "x_low": 5.0, "x_high": 10.0, "alpha": 0.035, "N": 15}
    params.update(theta0_start=-3.0, theta1_start=3.0)
    critical = 2 / np.linalg.eigvalsh(hessian_of(params, True))[-1]
    assert f"{critical:.3g}" == "0.0336" and 0.035 > critical
    demo = demos.two_parameters(**params)
    table = demo.table
    J = table["J"].to_numpy()
    assert np.all(np.diff(J) > 0)  # the 4.28, 4.93, 5.69, …
    assert demo.tone == "error" and demo.outcome is Outcome.DIVERGE
    assert "without overshooting" not in said(demo) and "diverges" in demo.verdict
    assert "α_crit = 0.0336" in said(demo)
    assert all("overshot" in s and "J rose" in s for s in table["status"][1:])
    shot = overshoots(table, ("theta0", "theta1"))
    check_common(demo, fell=np.diff(J) < 0, shot=shot, start=J[0], end=J[-1])


def test_default_data_at_alpha_1_2_overshoots_along_the_steep_eigenvector():
    """x from −1 to 1: λ = 7/19 and 1, so 1/λmax = 1 < α = 1.2 < α_crit = 2."""
    params = {**TWO, "alpha": 1.2}
    values, vectors = np.linalg.eigh(hessian_of(params, True))
    assert values == pytest.approx([7 / 19, 1.0])
    demo = demos.two_parameters(**params)
    assert "no overshoot up to 1 " in demo.alpha_note + " "
    assert "without overshooting" not in said(demo)
    errors = demo.table[["theta0", "theta1"]].to_numpy() - np.array([2.0, 2.0])
    steep = errors @ vectors[:, 1]
    flips = np.sign(steep[1:]) * np.sign(steep[:-1]) < 0
    assert flips.all()  # every step overshoots along the steep eigenvector
    statuses = list(demo.table["status"][1:])
    assert all(s.startswith("overshot") for s in statuses)
    assert demo.outcome is Outcome.OVERSHOOT_SETTLE


def test_narrow_valley_is_neither_green_nor_without_overshooting():
    """x from 9 to 11, α = 0.018 < α_crit, N = 100: the steep direction zigzags, the flat
    one barely moves (lstsq: θ* = (2, 2))."""
    params = {**TWO, "x_low": 9.0, "x_high": 11.0, "alpha": 0.018, "N": 100}
    values, vectors = np.linalg.eigh(hessian_of(params, True))
    assert 0.018 < 2 / values[-1]
    demo = demos.two_parameters(**params)
    table = demo.table
    errors = table[["theta0", "theta1"]].to_numpy() - np.array([2.0, 2.0])
    steep = errors @ vectors[:, 1]
    assert (np.sign(steep[1:5]) * np.sign(steep[:4]) < 0).all()
    assert all("overshot" in s for s in table["status"][1:5])
    assert "without overshooting" not in said(demo)
    distance = np.linalg.norm(errors, axis=1)
    assert distance[-1] > 0.5 * distance[0]  # still far along the valley
    assert demo.tone != "success" and demo.outcome is Outcome.CREEP
    assert "κ" in said(demo)


def test_started_at_the_best_fit_rounding_is_not_a_runaway():
    """x from 9 to 11 from θ* itself (lstsq), α = 0.016 < α_crit: J is a bowl."""
    xs = np.linspace(9, 11, 20)
    best = np.linalg.lstsq(np.column_stack([np.ones_like(xs), xs]), 2 + 2 * xs, rcond=None)[0]
    params = {**TWO, "x_low": 9.0, "x_high": 11.0, "alpha": 0.016, "N": 100}
    params.update(theta0_start=float(best[0]), theta1_start=float(best[1]))
    demo = demos.two_parameters(**params)
    text = said(demo)
    assert "no minimum" not in text and "runs off" not in text and "diverg" not in text
    assert demo.outcome is Outcome.DIRECT and demo.tone == "success"
    assert all(s.startswith("at the minimum") for s in demo.table["status"][1:])


def test_wikipedia_quartic_with_the_page_defaults_bounces_and_says_so():
    """f = x⁴ − 3x³ + 2 from 3 at α = 0.1: f″(9/4) = 81/4, so 2/f″ = 8/81 ≈ 0.0988 < α."""
    f = x**4 - 3 * x**3 + 2
    assert sympy.diff(f, x).subs(x, sympy.Rational(9, 4)) == 0
    limit = 2 / sympy.diff(f, x, 2).subs(x, sympy.Rational(9, 4))
    assert limit == sympy.Rational(8, 81)
    run = analyse("x**4 - 3*x**3 + 2", x0=3.0, alpha=0.1, precision=1e-4, max_iter=100)
    demo = demo_of(run, x0=3.0, precision=1e-4)
    text = said(demo)
    assert run.verdict.outcome is Outcome.BOUNCE and demo.tone != "success"
    assert f"{float(limit):.3g}" in demo.verdict and "for ever" in demo.verdict
    tail = demo.table["x"].to_numpy()[-10:]
    assert 2.1 < tail.min() < 2.2 and 2.3 < tail.max() < 2.4  # between about 2.15 and 2.34
    point = run.endpoint
    assert point.low <= 9 / 4 <= point.high
    assert point.high - point.low < 10 * np.abs(np.diff(tail)).max()  # a few steps wide
    assert "x ≈ 0 " not in text and "x ≈ 2.25" in text


def test_sin_plus_parabola_names_the_minimum_local_and_shows_the_lower_one():
    """sin(x) + x²/10 from 3 stops near 3.84; f′ = cos x + x/5 has a root near −1.31 where f
    is about −0.79 (sympy.nsolve), lower than f near 3.84 (about 0.83)."""
    f = sympy.sin(x) + x**2 / 10
    low_root = float(sympy.nsolve(sympy.diff(f, x), x, -1.3))
    high_root = float(sympy.nsolve(sympy.diff(f, x), x, 3.8))
    assert float(f.subs(x, low_root)) < float(f.subs(x, high_root))
    run = analyse("sin(x) + x**2/10", x0=3.0, alpha=0.1, precision=1e-4, max_iter=100)
    demo = demo_of(run, x0=3.0, precision=1e-4)
    assert abs(run.trajectory.final[0] - high_root) < 1e-2
    assert "local minimum" in demo.verdict
    assert run.curve_x[0] < low_root < run.curve_x[-1]  # the figure widened to show it
    (where,), value = run.lower  # and marks it
    assert abs(where - low_root) < 0.05 and value == pytest.approx(float(f.subs(x, where)))
    assert f"{float(f.subs(x, low_root)):.4g}" in said(demo)


def test_a_minimum_with_nothing_lower_in_view_is_called_the_lowest_in_view():
    run = analyse("x**2", x0=3.0, alpha=0.1, precision=1e-4, max_iter=100)
    demo = demo_of(run, x0=3.0, precision=1e-4)
    assert "lowest point in view" in demo.verdict and "local" not in demo.verdict
    assert demo.tone == "success"


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


def test_outcome_members_are_the_shared_contract():
    assert {o.name: o.value for o in Outcome} == {
        "CREEP": "creeps towards the minimum",
        "DIRECT": "gets there without overshooting",
        "OVERSHOOT_SETTLE": "overshoots but settles",
        "BOUNCE": "bounces for ever",
        "DIVERGE": "diverges",
        "RUN_OFF": "runs off",
        "STUCK": "stops somewhere that is not a minimum",
    }


@pytest.mark.parametrize("alpha", [0.5, 2.0, 3.0, 4.0])
def test_fit_run_verdict_matches_the_closed_form_of_each_step(alpha):
    """One parameter, 20 points on [−1, 1]: e_k = (1 − αλ)^k e_0 with λ = 7/19."""
    run = fit_run(
        intercept=False,
        theta_true=(0.0, 0.5),
        start=(0.0,),
        N=10,
        alpha=alpha,
        m=20,
        noise=0.0,
        seed=0,
    )
    factor = 1 - alpha * 7 / 19
    errors = run.trajectory.params[:, 0] - 0.5
    np.testing.assert_allclose(errors, -0.5 * factor ** np.arange(10), rtol=1e-9, atol=1e-15)
    demo = demos.one_parameter(**{**ONE, "alpha": alpha, "N": 10})
    statuses = list(demo.table["status"][1:])
    assert all(("overshot" in s) == (factor < 0) for s in statuses)


def test_a_step_that_lands_on_the_best_fit_is_not_called_an_overshoot():
    # Penguins, standardized: XᵀX/m of [1, z] is the identity (eigvalsh: 1 and 1), so
    # α = 1 = 1/λmax lands on θ* (numpy.linalg.lstsq) in one step; the gradient there is
    # rounding noise, which must not read as an overshoot.
    from gd_app.demos.fit import verdict_of, verdicts_of
    from gd_core import bundled

    data = bundled.penguins()
    z = (data.x - data.x.mean()) / data.x.std()
    Z = np.column_stack([np.ones_like(z), z])
    np.testing.assert_allclose(np.linalg.eigvalsh(Z.T @ Z / len(z)), [1, 1], atol=1e-12)
    best = np.linalg.lstsq(Z, data.y, rcond=None)[0]
    run = fit_run(
        intercept=True,
        theta_true=None,
        start=(-6000.0, 0.0),
        N=3,
        alpha=1.0,
        m=0,
        noise=0.0,
        seed=0,
        standardize=True,
        source=data,
    )
    np.testing.assert_allclose(run.trajectory.params[1], best, rtol=1e-12)
    verdict = verdict_of(run, 1.0)
    assert not verdict.steps.overshot.any() and not verdict.steps.line_overshot.any()
    assert verdict.outcome is Outcome.DIRECT
    assert not re.search(r"(each step|\d+ of \d+ steps) overshot", verdict.headline.lower())
    assert not any("overshot" in s for s in verdicts_of(run, verdict).statuses)
    assert "between" not in verdict.key_reason  # α = 1/λmax is at it, not past it


def test_raw_penguins_below_the_no_overshoot_limit_never_speaks_of_overshoot():
    # Raw penguins: 1/λmax from numpy.linalg.eigvalsh; at 0.35·α_crit = 0.7/λmax < 1/λmax
    # every error component along the eigenvectors keeps its sign (1 − αλ > 0), so no
    # step overshoots, and no line on the page may say one did.
    from gd_app.demos.fit import verdict_of, verdicts_of
    from gd_core import bundled

    data = bundled.penguins()
    X = np.column_stack([np.ones_like(data.x), data.x])
    lam = np.linalg.eigvalsh(X.T @ X / len(data.x))
    alpha = float(f"{0.35 * 2 / lam[-1]:.2g}")
    assert np.all(1 - alpha * lam > 0)
    run = fit_run(
        intercept=True,
        theta_true=None,
        start=(0.0, 0.0),
        N=60,
        alpha=alpha,
        m=0,
        noise=0.0,
        seed=0,
        source=data,
    )
    verdict = verdict_of(run, alpha)
    words = " ".join((verdict.headline, verdict.key_reason, *verdict.details)).lower()
    claims = re.findall(r"(each step|[1-9]\d*(?: of \d+ steps)?) overshot|back and forth", words)
    assert not claims
    assert not any("overshot" in s for s in verdicts_of(run, verdict).statuses)
    assert verdict.outcome in (Outcome.CREEP, Outcome.DIRECT)


def test_a_run_that_falls_into_an_overflow_runs_off():
    # f = x·exp(−x): f′ = (1 − x)·exp(−x) > 0 left of 1 and f → −∞ as x → −∞ (SymPy), so
    # descent from 0.5 runs off to the left until x overflows: "runs off" is the truth.
    f = x * sympy.exp(-x)
    assert sympy.limit(f, x, -sympy.oo) == -sympy.oo
    assert all(sympy.diff(f, x).subs(x, sympy.Rational(-k, 2)) > 0 for k in range(0, 2000, 37))
    run = analyse("x*exp(-x)", x0=0.5, alpha=0.1, precision=1e-4, max_iter=100)
    assert "overflow" in run.trajectory.message
    assert np.all(np.diff(run.trajectory.values) < 0) and np.all(
        np.diff(run.trajectory.params[:, 0]) < 0
    )
    verdict = run.verdict
    assert verdict.outcome is Outcome.RUN_OFF
    assert "not a minimum" not in verdict.headline and "keeps falling" in verdict.headline


def test_a_fault_without_a_fall_all_the_way_is_not_called_running_off():
    # x⁴ at α = 1 from 3: x₁ = 3 − 108 = −105, then the overshoots grow (f rises): no run-off.
    run = analyse("x**4", x0=3.0, alpha=1.0, precision=1e-4, max_iter=100)
    assert run.trajectory.values[1] > run.trajectory.values[0]
    assert run.verdict.outcome is not Outcome.RUN_OFF


def test_a_critical_point_the_run_left_far_behind_is_not_its_end_point():
    # f = x·exp(−x): f′ = (1 − x)·exp(−x) has its one zero at x = 1 (SymPy), a maximum; from
    # 2 the run walks right, every iterate past 1, so where it stopped is no maximum.
    f = x * sympy.exp(-x)
    assert sympy.solve(sympy.diff(f, x), x) == [1]
    run = analyse("x*exp(-x)", x0=2.0, alpha=0.5, precision=1e-4, max_iter=100)
    assert np.all(run.trajectory.params[:, 0] > 1)
    assert run.endpoint.kind != "maximum"
    assert "maximum" not in run.verdict.text
    assert run.verdict.outcome is not Outcome.STUCK


def test_x_cubed_stops_next_to_its_flat_inflection_not_at_it():
    """f = x³ from 1: f′ = 3x² is 0 only at x = 0, where f‴ = 6 ≠ 0 (odd order): an inflection.
    The run stops short of 0, so the sentence names both points and calls only 0 the inflection."""
    f = x**3
    assert sympy.solve(sympy.diff(f, x), x) == [0]
    assert sympy.diff(f, x, 3) == 6
    run = analyse("x**3", x0=1.0, alpha=0.1, precision=1e-4, max_iter=100)
    demo = demo_of(run, x0=1.0, precision=1e-4)
    end = run.trajectory.final[0]
    assert end != 0
    assert "next to x = 0, which is a flat inflection point" in demo.verdict, demo.verdict
