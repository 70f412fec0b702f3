"""The optimizer lab's core: the six rules against an independent transcription of issue 10's
table, the quadratic's stability limits and rates against closed forms and numpy, verdicts."""

import math

import numpy as np
import pytest
import sympy

from gd_core import lab_analysis as analysis
from gd_core.lab import PRESETS, race
from gd_core.surface import surface_of
from gd_core.verdict import Outcome, point2d

X, Y = sympy.symbols("x y", real=True)
ROSENBROCK = PRESETS["Rosenbrock"][0]
QUADRATIC = "3*x**2 + 2*x*y + 7*y**2 - 4*x + y"


def surface(text):
    return surface_of(sympy.sympify(text, locals={"x": X, "y": Y}))


def gradient_of(text):
    """∇f by SymPy, separately from the code under test (same expression, as the issue asks)."""
    f = sympy.sympify(text, locals={"x": X, "y": Y})
    return sympy.lambdify((X, Y), [sympy.diff(f, X), sympy.diff(f, Y)], modules="math")


# --------------------------------------------------------------- the table, transcribed by hand
def transcription(method, h, grad, start, steps):
    """Issue 10's table, component by component in plain Python floats; all states start at 0."""
    theta = list(start)
    v, s, m, u = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    path = [tuple(theta)]
    for t in range(1, steps + 1):
        g = grad(*theta)
        for i in range(2):
            if method == "gd":  # θ ← θ − α·g
                theta[i] = theta[i] - h["alpha"] * g[i]
            elif method == "momentum":  # v ← β·v + g; θ ← θ − α·v
                v[i] = h["beta"] * v[i] + g[i]
                theta[i] = theta[i] - h["alpha"] * v[i]
            elif method == "nesterov":  # v ← β·v + g; θ ← θ − α·(g + β·v)
                v[i] = h["beta"] * v[i] + g[i]
                theta[i] = theta[i] - h["alpha"] * (g[i] + h["beta"] * v[i])
            elif method == "adagrad":  # s ← s + g²; θ ← θ − α·g/(√s + 1e-10)
                s[i] = s[i] + g[i] ** 2
                theta[i] = theta[i] - h["alpha"] * g[i] / (math.sqrt(s[i]) + 1e-10)
            elif method == "rmsprop":  # s ← ρ·s + (1 − ρ)·g²; θ ← θ − α·g/(√s + 1e-8)
                s[i] = h["rho"] * s[i] + (1 - h["rho"]) * g[i] ** 2
                theta[i] = theta[i] - h["alpha"] * g[i] / (math.sqrt(s[i]) + 1e-8)
            else:  # Adam, with bias correction at t = 1, 2, …
                m[i] = h["beta1"] * m[i] + (1 - h["beta1"]) * g[i]
                u[i] = h["beta2"] * u[i] + (1 - h["beta2"]) * g[i] ** 2
                m_hat = m[i] / (1 - h["beta1"] ** t)
                u_hat = u[i] / (1 - h["beta2"] ** t)
                theta[i] = theta[i] - h["alpha"] * m_hat / (math.sqrt(u_hat) + 1e-8)
        path.append(tuple(theta))
    return np.array(path)


SETTINGS = {
    "gd": {"alpha": 0.001},
    "momentum": {"alpha": 0.001, "beta": 0.9},
    "nesterov": {"alpha": 0.001, "beta": 0.9},
    "adagrad": {"alpha": 0.5},
    "rmsprop": {"alpha": 0.01, "rho": 0.9},
    "adam": {"alpha": 0.05, "beta1": 0.9, "beta2": 0.999},
}


@pytest.mark.parametrize("text", [ROSENBROCK, QUADRATIC], ids=["rosenbrock", "quadratic"])
@pytest.mark.parametrize("method", list(SETTINGS))
def test_iterates_equal_the_transcribed_rule_over_500_steps(text, method):
    h = SETTINGS[method]
    start = (-1.5, 2.0)
    run = race(surface(text), method, np.array(start), max_steps=500, tol=0.0, **h)
    assert not run.fault
    assert run.n_steps == 500
    want = transcription(method, h, gradient_of(text), start, 500)
    np.testing.assert_allclose(run.params, want, rtol=1e-9, atol=1e-300)
    assert not np.allclose(want[-1], want[0]), "the run must actually move"


def test_adam_state_columns_are_the_moments_and_their_corrections():
    h = SETTINGS["adam"]
    run = race(surface(QUADRATIC), "adam", np.array([1.0, 1.0]), max_steps=3, tol=0.0, **h)
    names = run.state_names
    g0 = run.grads[0]
    m1, v1 = (1 - h["beta1"]) * g0, (1 - h["beta2"]) * g0**2
    row = dict(zip(names, run.states[1], strict=True))
    np.testing.assert_allclose([row["m_x"], row["m_y"]], m1)
    np.testing.assert_allclose([row["v_x"], row["v_y"]], v1)
    np.testing.assert_allclose([row["mhat_x"], row["mhat_y"]], g0)  # m̂ = g at t = 1
    np.testing.assert_allclose([row["vhat_x"], row["vhat_y"]], g0**2)
    assert np.all(np.isnan(run.states[0, 4:])), "m̂, v̂ don't exist before the first step"


# --------------------------------------------------------------- a quadratic's theory
BOWL = "x**2 + 25*y**2"  # Hessian diag(2, 50): λmin = 2, λmax = 50, κ = 25


def theory_for(text, settings, steps=300, start=(1.0, 1.0)):
    s = surface(text)
    paths = {
        m: race(s, m, np.array(start), max_steps=steps, tol=0.0, **h).params
        for m, h in settings.items()
    }
    _, gx, gy = s.value_and_gradient(0.0, 0.0)
    return analysis.quadratic_theory(
        s.constant_hessian, np.array([gx, gy]), settings=settings, paths=paths
    )


def test_quadratic_theory_numbers_are_the_closed_forms():
    beta = 0.5
    theory = theory_for(
        BOWL,
        {
            "gd": {"alpha": 0.01},
            "momentum": {"alpha": 0.01, "beta": beta},
            "nesterov": {"alpha": 0.01, "beta": beta},
        },
    )
    assert theory.kind == "positive definite"
    assert theory.eigenvalues == pytest.approx((2.0, 50.0))
    assert theory.kappa == pytest.approx(25.0)
    assert theory.gd_limit == pytest.approx(2 / 50)
    assert theory.momentum_limit == pytest.approx(2 * 1.5 / 50)
    assert theory.nesterov_limit == pytest.approx(2 * 1.5 / (2 * 50))
    assert theory.alpha_star == pytest.approx(4 / (math.sqrt(50) + math.sqrt(2)) ** 2)
    assert theory.beta_star == pytest.approx(((5 - 1) / (5 + 1)) ** 2)
    assert theory.minimizer == pytest.approx((0.0, 0.0), abs=1e-15)


def test_quadratic_minimizer_matches_numpy_solve():
    theory = theory_for(QUADRATIC, {"gd": {"alpha": 0.01}})
    A = np.array([[6.0, 2.0], [2.0, 14.0]])
    np.testing.assert_allclose(theory.minimizer, np.linalg.solve(A, [4.0, -1.0]))
    np.testing.assert_allclose(theory.eigenvalues, np.linalg.eigvalsh(A))


def _spectral_radius(matrix):
    return max(abs(np.linalg.eigvals(matrix)))


def test_predicted_rates_are_spectral_radii_and_match_the_runs():
    alpha, beta = 0.02, 0.6
    theory = theory_for(BOWL, {"gd": {"alpha": alpha}, "momentum": {"alpha": alpha, "beta": beta}})
    rates = {r.method: r for r in theory.rates}
    gd_matrix = np.eye(2) - alpha * np.diag([2.0, 50.0])
    assert rates["gd"].predicted == pytest.approx(_spectral_radius(gd_matrix))
    # heavy ball on (θ_k, θ_{k−1}): θ_{k+1} = θ_k − αAθ_k + β(θ_k − θ_{k−1})
    A = np.diag([2.0, 50.0])
    hb = np.block([[(1 + beta) * np.eye(2) - alpha * A, -beta * np.eye(2)], [np.eye(2), 0 * A]])
    assert rates["momentum"].predicted == pytest.approx(_spectral_radius(hb))
    for rate in rates.values():
        assert rate.reached == pytest.approx(rate.predicted, rel=0.02)


LIMITS = [  # method, β, limit for BOWL (λmax = 50)
    ("gd", None, 2 / 50),
    ("momentum", 0.5, 2 * 1.5 / 50),
    ("nesterov", 0.5, 2 * 1.5 / (2 * 50)),
    ("momentum", 0.9, 2 * 1.9 / 50),
    ("nesterov", 0.9, 2 * 1.9 / (2.8 * 50)),
]


@pytest.mark.parametrize("method, beta, limit", LIMITS)
def test_stability_limit_runs_just_below_converge_and_just_above_diverge(method, beta, limit):
    s = surface(BOWL)
    start = np.array([1.0, 1.0])
    ends = {}
    for factor in (0.98, 1.02):
        h = {"alpha": factor * limit} | ({"beta": beta} if beta is not None else {})
        run = race(s, method, start, max_steps=3000, tol=0.0, **h)
        ends[factor] = np.linalg.norm(run.params[-1]) if not run.fault else math.inf
    assert ends[0.98] < 1e-3, f"just below the limit it should converge: {ends[0.98]}"
    assert ends[1.02] > 1e3, f"just above the limit it should diverge: {ends[1.02]}"


def test_indefinite_hessian_has_no_limits_and_says_why():
    theory = theory_for("x**2 - y**2", {"gd": {"alpha": 0.1}}, start=(1.0, 0.5))
    assert theory.kind == "indefinite"
    assert math.isnan(theory.gd_limit) and not theory.rates
    assert "no minimum" in theory.why_not or "there is none" in theory.why_not


# --------------------------------------------------------------- verdicts true of each history
def verdict(text, method, start, steps, tol=1e-6, **h):
    return race(surface(text), method, np.array(start, dtype=float), max_steps=steps, tol=tol, **h)


def test_converged_to_a_minimum_on_the_bowl():
    run = verdict(BOWL, "momentum", (1, 1), 2000, alpha=0.01, beta=0.5)
    assert run.outcome in (Outcome.DIRECT, Outcome.OVERSHOOT_SETTLE) and run.tone == "success"
    assert np.all(np.linalg.eigvalsh(np.diag([2.0, 50.0])) > 0)  # the bowl's Hessian
    assert run.steps_to_tol == run.n_steps
    assert math.hypot(*run.grads[-1]) < 1e-6 <= math.hypot(*run.grads[-2])


def test_gd_started_on_the_saddles_axis_stops_at_the_saddle():
    run = verdict("x**2 - y**2", "gd", (1, 0), 2000, alpha=0.1)
    assert run.outcome is Outcome.STUCK and run.verdict == "stopped at a saddle"
    assert abs(run.params[-1, 0]) < 1e-6
    assert "not a minimum" in run.sentence and run.tone == "warning"


def test_momentum_runs_off_down_the_saddle():
    run = verdict("x**2 - y**2", "momentum", (1, 0.001), 1000, alpha=0.01, beta=0.9)
    assert run.outcome is Outcome.RUN_OFF
    assert run.values[-1] < run.values[0] and abs(run.params[-1, 1]) > 100


def test_gd_above_the_limit_diverges_with_f_growing():
    run = verdict(BOWL, "gd", (1, 1), 50, alpha=0.05)  # 2/λmax = 2/50 = 0.04
    assert run.outcome is Outcome.DIVERGE and run.tone == "error"
    assert run.values[-1] > run.values[0]
    assert "0.04" in run.sentence


def test_gd_at_the_limit_bounces_for_ever():
    """α = 2/λmax = 0.04: along y the error is multiplied by 1 − 0.04·50 = −1 each step."""
    run = verdict(BOWL, "gd", (1, 1), 50, alpha=0.04)
    assert run.outcome is Outcome.BOUNCE
    assert np.allclose(np.abs(run.params[1:, 1]), 1.0) and np.all(
        np.diff(np.sign(run.params[:, 1]))
    )


def test_leaving_the_domain_is_a_fault_with_a_message_and_finite_rows():
    run = verdict("sqrt(x) + y**2", "gd", (0.5, 1), 100, alpha=1.0)
    assert run.outcome is Outcome.STUCK and run.tone == "error" and "domain" in run.fault
    assert "numerical fault" in run.sentence
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.values))


def test_creeping_when_steps_run_out_far_from_the_minimum():
    run = verdict(ROSENBROCK, "gd", (-1.5, 2), 100, alpha=0.001)
    assert run.outcome is Outcome.CREEP and run.tone == "warning"
    assert run.steps_to_tol is None
    assert run.values[-1] > 0.1 * run.values[0]  # f* = 0 at (1, 1): still far down to go


@pytest.mark.parametrize(
    "hessian, kind",
    [
        (np.diag([2.0, 3.0]), point2d.MINIMUM),
        (np.diag([2.0, -3.0]), point2d.SADDLE),
        (np.diag([-2.0, -3.0]), point2d.MAXIMUM),
        (np.diag([2.0, 0.0]), point2d.FLAT),
        (np.full((2, 2), np.nan), point2d.UNKNOWN),
    ],
)
def test_end_point_kind_follows_the_hessian_eigenvalues(hessian, kind):
    assert point2d.classify(hessian, np.zeros(2)).kind == kind


@pytest.mark.parametrize(
    "f, kind",
    [
        (lambda p: p[0] ** 2 + p[1] ** 4, point2d.MINIMUM),
        (lambda p: p[0] ** 2 + p[1] ** 3, point2d.SADDLE),
    ],
)
def test_a_singular_hessian_is_settled_by_f_along_directions(f, kind):
    """At 0 both have Hessian diag(2, 0); y⁴ rises both ways, y³ falls for y < 0."""
    point = point2d.classify(np.diag([2.0, 0.0]), np.zeros(2), f)
    assert point.kind == kind and point.test == "directions"
    if kind == point2d.SADDLE:
        assert f(np.array(point.lower_at)) < f(np.zeros(2))


def test_fit_cost_preset_is_the_two_parameter_pages_cost():
    """Its Hessian is XᵀX/m of the seed's data (20 points on [−1, 1]), its minimum the true θ."""
    x = np.linspace(-1, 1, 20)
    design = np.column_stack([np.ones_like(x), x])
    theory = theory_for(PRESETS["fit cost"][0], {"gd": {"alpha": 0.7}})
    np.testing.assert_allclose(theory.hessian, design.T @ design / len(x), atol=1e-15)
    np.testing.assert_allclose(theory.minimizer, (2.0, 2.0))
    assert theory.gd_limit == pytest.approx(2.0)  # the two-parameter page's α_crit


@pytest.mark.parametrize("text", ["abs(x) + abs(y)", "x**4 + y**2", "exp(x) + y**2"])
def test_only_polynomials_of_degree_two_get_quadratic_theory(text):
    assert surface(text).constant_hessian is None
