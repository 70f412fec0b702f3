"""gd_ls, newton and bfgs against an independent transcription of their rules (plain numpy
loops written from the rules' text, with f, ∇f and H lambdified here), Newton's closed
forms on quadratics, and the batch form of the rules against one point at a time."""

import math

import numpy as np
import pytest
import sympy

from gd_core import second_order
from gd_core.descent import StopReason, descend, gradient_below
from gd_core.lab import PRESETS, race
from gd_core.lab_records import batch_oracle
from gd_core.surface import surface_of
from gd_core.verdict import Outcome

X, Y = sympy.symbols("x y", real=True)
ROSENBROCK = PRESETS["Rosenbrock"][0]
HIMMELBLAU = PRESETS["Himmelblau"][0]
INDEFINITE = "x**2 + 3*x*y + y**2 - x"  # Hessian [[2, 3], [3, 2]]: eigenvalues 5 and −1
HYPER = dict(alpha0=1.0, c=1e-4, rho=0.5)


def functions(text):
    """f, ∇f and H, lambdified here from their own SymPy expression."""
    f = sympy.sympify(text, locals={"x": X, "y": Y})
    grad = [sympy.diff(f, v) for v in (X, Y)]
    hess = [[sympy.diff(g, v) for v in (X, Y)] for g in grad]
    value = sympy.lambdify((X, Y), f, "math")
    gradient = sympy.lambdify((X, Y), grad, "math")
    hessian = sympy.lambdify((X, Y), hess, "math")
    return (
        lambda t: float(value(*t)),
        lambda t: np.array(gradient(*t), dtype=float),
        lambda t: np.array(hessian(*t), dtype=float),
    )


def transcription(method, text, start, steps, *, tol, alpha0, c, rho, damped=True):
    """The issue's rules, line by line. Rows: (θ, accepted α, f evals, ∇f evals, H evals, τ)."""
    f, grad, hess = functions(text)
    theta = np.array(start, dtype=float)
    f_theta, g = f(theta), grad(theta)
    n_f, n_g, n_h = 1, 1, 0  # f(θ0) and ∇f(θ0)
    B = np.eye(2)
    rows = [(theta, math.nan, n_f, n_g, n_h, math.nan)]
    for _ in range(steps):
        if math.sqrt(g[0] ** 2 + g[1] ** 2) < tol:
            break
        tau = math.nan
        if method == "gd_ls":
            alpha = alpha0
            while True:  # while f(θ − α·g) > f(θ) − c·α·|g|²: α ← ρ·α (60 reductions at most)
                trial = theta - alpha * g
                f_trial = f(trial)
                n_f += 1
                if not f_trial > f_theta - c * alpha * (g @ g):
                    break
                alpha = rho * alpha
            new = trial
        else:
            if method == "newton":
                H = hess(theta)
                n_h += 1
                if damped:
                    try:
                        np.linalg.cholesky(H)
                    except np.linalg.LinAlgError:
                        tau = 1e-3 - np.linalg.eigvalsh(H)[0]
                        H = H + tau * np.eye(2)
                p = np.linalg.solve(H, -g)
            else:
                p = -B @ g
            if method == "newton" and not damped:
                alpha, new, f_trial = 1.0, theta + p, f(theta + p)  # f not counted: no search
            else:
                alpha = 1.0
                while True:  # Armijo along p with slope gᵀp
                    new = theta + alpha * p
                    f_trial = f(new)
                    n_f += 1
                    if not f_trial > f_theta + c * alpha * (g @ p):
                        break
                    alpha = rho * alpha
        g_new = grad(new)
        n_g += 1
        if method == "bfgs":
            s, y = new - theta, g_new - g
            if y @ s > 1e-10:
                r = 1 / (y @ s)
                eye = np.eye(2)
                B = (eye - r * np.outer(s, y)) @ B @ (eye - r * np.outer(y, s)) + r * np.outer(s, s)
        theta, f_theta, g = new, f_trial, g_new
        rows.append((theta, alpha, n_f, n_g, n_h, tau))
    return rows


def surface(text):
    return surface_of(sympy.sympify(text, locals={"x": X, "y": Y}))


def lab_run(method, text, start, steps, tol=1e-10, damped=True):
    hyper = dict(HYPER)
    if method != "gd_ls":
        hyper.pop("alpha0")
    if method == "newton":
        hyper["damped"] = damped
    return race(
        surface(text), method, np.array(start, dtype=float), max_steps=steps, tol=tol, **hyper
    )


CASES = [
    (ROSENBROCK, (-1.2, 1.0), 200),
    (HIMMELBLAU, (0.0, 0.0), 200),
    (INDEFINITE, (0.3, -0.2), 12),
]


@pytest.mark.parametrize(
    "text, start, steps", CASES, ids=["rosenbrock", "himmelblau", "indefinite"]
)
@pytest.mark.parametrize("method", ["gd_ls", "newton", "bfgs"])
def test_iterates_alpha_and_counts_equal_the_transcribed_rules(method, text, start, steps):
    run = lab_run(method, text, start, steps)
    want = transcription(method, text, start, steps, tol=1e-10, **HYPER)
    assert not run.fault, run.fault
    assert len(run.values) == len(want)
    np.testing.assert_allclose(run.params, [r[0] for r in want], rtol=1e-9, atol=1e-300)
    alpha = run.states[:, run.state_names.index("alpha")]
    np.testing.assert_allclose(alpha, [r[1] for r in want], rtol=1e-9)
    np.testing.assert_array_equal(run.evals, [r[2:5] for r in want])
    if method == "newton":
        tau = run.states[:, run.state_names.index("tau")]
        np.testing.assert_allclose(tau, [r[5] for r in want], rtol=1e-9)


def test_damping_acts_on_the_indefinite_quadratic_and_rows_say_so():
    run = lab_run("newton", INDEFINITE, (0.3, -0.2), 12)
    tau = run.states[:, run.state_names.index("tau")]
    # H's eigenvalues are 5 and −1 everywhere: τ = 1e-3 − (−1) at every step
    np.testing.assert_allclose(tau[1:], 1.001, rtol=1e-12)
    assert all("H + τI" in note for note in run.notes[1:])
    assert np.all(np.diff(run.values) < 0)  # every damped step goes downhill
    # the transcription agrees that the shifted system was used (checked above); undamped,
    # the step goes straight to the saddle point instead
    pure = lab_run("newton", INDEFINITE, (0.3, -0.2), 5, damped=False)
    saddle = np.linalg.solve([[2.0, 3.0], [3.0, 2.0]], [1.0, 0.0])
    np.testing.assert_allclose(pure.params[1], saddle, rtol=1e-12)
    assert pure.verdict == "stopped at a saddle"


def test_pure_newton_reaches_a_positive_definite_quadratics_minimiser_in_one_step():
    text = "3*x**2 + 2*x*y + 7*y**2 - 4*x + y"
    run = lab_run("newton", text, (5.0, -4.0), 10, tol=1e-9, damped=False)
    minimiser = np.linalg.solve([[6.0, 2.0], [2.0, 14.0]], [4.0, -1.0])
    assert run.n_steps == 1 and run.converged
    np.testing.assert_allclose(run.params[1], minimiser, rtol=1e-14)
    assert run.outcome is Outcome.DIRECT and run.tone == "success"  # one step, no overshoot
    assert "is a minimum" in " ".join(run.why)  # the Hessian test at the end point


def test_pure_newton_walks_to_the_saddle_of_x2_minus_y2():
    run = lab_run("newton", PRESETS["saddle"][0], (1.5, -2.0), 10, tol=1e-9, damped=False)
    assert run.n_steps == 1 and run.converged
    np.testing.assert_array_equal(run.params[1], [0.0, 0.0])
    assert run.verdict == "stopped at a saddle"


def test_bfgs_skips_its_update_when_the_curvature_is_not_positive_and_says_so():
    # on the saddle, a step along y finds y·s = −2·s_y² < 0 along the negative direction
    run = lab_run("bfgs", PRESETS["saddle"][0], (0.0, 0.5), 3)
    curvature = run.states[:, run.state_names.index("yTs")]
    skipped = [k for k, note in enumerate(run.notes) if "B not updated" in note]
    assert skipped and all(curvature[k] <= 1e-10 for k in skipped)
    assert all(curvature[k] > 1e-10 for k in range(1, len(curvature)) if k not in skipped)


def test_a_line_search_that_finds_no_decrease_stops_after_61_trials_with_a_message():
    # |x| falls with slope 1 towards 0, but from x = 1e-30 every trial α ≥ 10·0.9⁶⁰ ≈ 0.018
    # lands past 0 with f(θ − α·g) = α − 1e-30 > 1e-30 − 0.5·α: all 61 trials fail
    s = surface("abs(x) + y**2")
    run = race(
        s, "gd_ls", np.array([1e-30, 0.0]), max_steps=5, tol=1e-12, alpha0=10.0, c=0.5, rho=0.9
    )
    assert run.n_steps == 0 and not run.converged
    assert "60 reductions" in run.fault and "step 1" in run.fault, run.fault
    # in a batch, that row alone ends as a fault, after 61 evaluations of f
    counted = []
    oracle = batch_oracle(s)
    counting = oracle._replace(value=lambda P: counted.append(len(P)) or oracle.value(P))
    batch = descend(
        lambda P: (s.values_at(P), s.gradients_at(P)),
        np.array([[1e-30, 0.0], [1.0, 1.0]]),
        rule=second_order.gd_ls(counting, alpha0=10.0, c=0.5, rho=0.9),
        max_steps=1,
    )
    assert batch.reasons[0] is StopReason.FAULT and batch.reasons[1] is StopReason.MAX_STEPS
    assert len(counted) == 61 and counted[0] == 2 and counted[-1] == 1
    np.testing.assert_array_equal(batch.final[0], [1e-30, 0.0])


def test_trial_points_are_the_searched_points_and_the_last_is_the_next_iterate():
    f, _, _ = functions(ROSENBROCK)
    run = lab_run("gd_ls", ROSENBROCK, (-1.2, 1.0), 30)
    trials = run.states[:, run.state_names.index("trials")]
    for k in range(1, run.n_steps + 1):
        points = run.trials[run.trials[:, 0] == k, 1:]
        assert len(points) == trials[k]
        np.testing.assert_array_equal(points[-1], run.params[k])
        alphas = np.linalg.norm(points - run.params[k - 1], axis=1) / np.linalg.norm(
            run.grads[k - 1]
        )
        np.testing.assert_allclose(alphas, 0.5 ** np.arange(len(points)), rtol=1e-12)
        # every rejected trial failed Armijo's test, the accepted one passed it
        g = run.grads[k - 1]
        for j, point in enumerate(points):
            bound = run.values[k - 1] - 1e-4 * 0.5**j * (g @ g)
            assert (f(point) > bound) == (j < len(points) - 1)


@pytest.mark.parametrize("method", ["gd_ls", "newton", "bfgs"])
def test_one_batch_through_the_loop_equals_one_point_at_a_time(method):
    s = surface(HIMMELBLAU)
    starts = np.array([[0.0, 0.0], [-4.0, 4.0], [4.0, -4.0], [-1.0, -3.5]])
    hyper = dict(HYPER) if method == "gd_ls" else dict(c=1e-4, rho=0.5)
    if method == "newton":
        hyper["damped"] = True
    make = getattr(second_order, method)
    objective = lambda P: (s.values_at(P), s.gradients_at(P))  # noqa: E731
    batch = descend(
        objective,
        starts,
        rule=make(batch_oracle(s), **hyper),
        max_steps=15,
        stop=gradient_below(1e-9),
    )
    for i, start in enumerate(starts):
        one = descend(
            lambda t: tuple(np.asarray(v)[0] for v in objective(t[None])),
            start,
            rule=make(batch_oracle(s), **hyper),
            max_steps=15,
            stop=gradient_below(1e-9),
        )
        np.testing.assert_allclose(batch.run(i).params, one.params, rtol=1e-12, atol=1e-12)
        for name in ("alpha", "trials", "f_evals"):
            np.testing.assert_array_equal(batch.run(i).states[name], one.states[name])


@pytest.mark.parametrize(
    "hessian, kind",
    [
        ([[6.0, 2.0], [2.0, 14.0]], "minimum of the model"),
        ([[2.0, 3.0], [3.0, 2.0]], "saddle of the model"),
        ([[-1.0, 0.5], [0.5, -3.0]], "maximum of the model"),
        ([[1.0, 1.0], [1.0, 1.0]], "the model has no single stationary point (H is singular)"),
    ],
)
def test_the_local_models_stationary_point_and_its_kind(hessian, kind):
    from gd_app.plotting.optimizer_overlays import model_point

    hessian, grad = np.array(hessian), np.array([0.3, -1.1])
    point, said = model_point(hessian, grad)
    assert said == kind
    low, high = np.linalg.eigvalsh(hessian)
    assert ("minimum" in said) == (low > 0) and ("maximum" in said) == (high < 0)
    if point is not None:  # the model's gradient g + H·d vanishes there
        np.testing.assert_allclose(grad + hessian @ point, 0.0, atol=1e-14)


def test_the_race_figure_says_what_the_line_search_and_the_model_add():
    from gd_app.controls import OPTIMIZERS, defaults
    from gd_app.demos import optimizers as lab

    params = {
        **defaults(OPTIMIZERS),
        "f": INDEFINITE,
        "x0": 0.3,
        "y0": -0.2,
        "N": 10,
        "methods": ("gd_ls", "newton"),
        "damped": False,
    }
    alt = lab.optimizers_picture(step=1, **params).alt
    tried = int(lab.result(**params).runs[0].states[1, 3])  # gd_ls's trials into iterate 1
    assert f"the {tried} trial point" in alt and "line search that led to iterate 1" in alt
    assert "Newton's local quadratic model at iterate 1" in alt and "a saddle of the model" in alt


def test_the_new_methods_are_judged_by_the_one_verdict_engine():
    from gd_core.verdict.model import Outcome

    creep = lab_run("gd_ls", ROSENBROCK, (-1.2, 1.0), 300, tol=1e-8)
    assert np.all(np.diff(creep.values) < 0)  # Armijo: f fell at every step
    assert creep.outcome is Outcome.CREEP  # steady zig-zag steps, but no cycle: f keeps falling
    settles = lab_run("newton", HIMMELBLAU, (0.0, 0.0), 50, tol=1e-8)
    assert settles.converged and settles.outcome in (Outcome.DIRECT, Outcome.OVERSHOOT_SETTLE)
    saddle = lab_run("newton", PRESETS["saddle"][0], (1.5, -2.0), 10, tol=1e-9, damped=False)
    assert saddle.outcome is Outcome.STUCK and "saddle" in saddle.sentence
