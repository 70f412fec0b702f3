"""gd_core against answers from outside it: the seeds' loops, central differences, lstsq."""

import numpy as np
import pytest
from seed_reference import seed_1d, seed_2d, seed_symbolic_loop

from gd_core.descent import StopReason, descend
from gd_core.errors import ExpressionError, OutsideDomain
from gd_core.linear import LeastSquares, design_matrix, fit_line, line_data
from gd_core.optimizers import gradient_descent
from gd_core.symbolic import analyse, compile_function


def problem(m=20, theta_true=(0.0, 0.5), noise=0.0, seed=0, intercept=False):
    data = line_data(m=m, theta_true=theta_true, noise=noise, seed=seed)
    return data, LeastSquares.from_data(design_matrix(data.x, intercept=intercept), data.y)


def central_difference(f, theta, h=1e-6):
    theta = np.asarray(theta, dtype=float)
    grad = np.empty_like(theta)
    for j in range(theta.size):
        e = np.zeros_like(theta)
        e[j] = h
        grad[j] = (f(theta + e) - f(theta - e)) / (2 * h)
    return grad


# ------------------------------------------------------------------ the seeds' numbers
def test_one_parameter_defaults_equal_the_seed_loop():
    seed_thetas, _ = seed_1d(N=20, alpha=1.15, theta1=0.0)
    _, ls = problem()
    trajectory = fit_line(ls, [0.0], alpha=1.15, n_iterates=20)
    assert trajectory.params.shape == (20, 1)
    np.testing.assert_allclose(trajectory.params[:, 0], seed_thetas, rtol=0, atol=1e-12)


@pytest.mark.parametrize("N, alpha, theta1", [(1, 1.15, 0.0), (7, 0.3, 1.2), (50, 4.0, -0.2)])
def test_one_parameter_other_settings_equal_the_seed_loop(N, alpha, theta1):
    seed_thetas, _ = seed_1d(N=N, alpha=alpha, theta1=theta1)
    _, ls = problem()
    trajectory = fit_line(ls, [theta1], alpha=alpha, n_iterates=N)
    np.testing.assert_allclose(trajectory.params[:, 0], seed_thetas, rtol=1e-9, atol=1e-12)


def test_two_parameter_defaults_equal_the_seed_loop():
    seed_thetas, _ = seed_2d(N=15, alpha=0.7, theta0_true=2.0, theta1_true=2.0)
    _, ls = problem(theta_true=(2.0, 2.0), intercept=True)
    trajectory = fit_line(ls, [0.0, 0.0], alpha=0.7, n_iterates=15)
    assert trajectory.params.shape == (15, 2)
    np.testing.assert_allclose(trajectory.params, np.array(seed_thetas), rtol=0, atol=1e-12)


def test_two_parameter_costs_equal_the_direct_formula():
    data, ls = problem(theta_true=(-1.3, 3.1), noise=0.7, seed=3, intercept=True)
    trajectory = fit_line(ls, [4.0, -4.0], alpha=0.9, n_iterates=20)
    X = design_matrix(data.x, intercept=True)
    direct = [np.mean((X @ t - data.y) ** 2) / 2 for t in trajectory.params]
    np.testing.assert_allclose(trajectory.values, direct, rtol=1e-9, atol=1e-12)


def test_symbolic_x_squared_stops_where_the_seed_loop_stops():
    seed_xs = seed_symbolic_loop(lambda x: 2 * x, 3, 0.1, precision=0.0001, max_iter=100)
    run = analyse("x**2", x0=3, alpha=0.1, precision=0.0001, max_iter=100)
    assert run.trajectory.reason is StopReason.PRECISION
    np.testing.assert_allclose(run.trajectory.params[:, 0], seed_xs, rtol=1e-12, atol=0)
    assert abs(seed_xs[-1] - seed_xs[-2]) < 0.0001 <= abs(seed_xs[-2] - seed_xs[-3])


@pytest.mark.parametrize(
    "text, df, x0, alpha, precision",
    [
        ("x**4 - 3*x**3 + 2", lambda x: 4 * x**3 - 9 * x**2, 6.0, 0.01, 1e-4),  # Wikipedia's
        ("x**3", lambda x: 3 * x**2, 1.0, 0.1, 1e-4),
        ("-exp(-x**2)", lambda x: 2 * x * np.exp(-(x**2)), 2.0, 0.1, 1e-4),
        ("x**2", lambda x: 2 * x, 1e6, 0.5, 1e-12),  # x = 0 in one step
    ],
)
def test_symbolic_stop_rule_is_the_seeds_realised_step(text, df, x0, alpha, precision):
    """Stop after the first step whose realised |x_new − x_old| is below the precision;
    the Δx column is that same number."""
    seed_xs = seed_symbolic_loop(df, x0, alpha, precision=precision, max_iter=10_000)
    trajectory = analyse(text, x0=x0, alpha=alpha, precision=precision, max_iter=10_000).trajectory
    np.testing.assert_allclose(trajectory.params[:, 0], seed_xs, rtol=1e-12, atol=1e-300)
    steps = trajectory.steps[1:, 0]
    np.testing.assert_array_equal(steps, np.diff(trajectory.params[:, 0]))
    assert abs(steps[-1]) < precision
    assert np.all(np.abs(steps[:-1]) >= precision)


def test_stop_rule_tests_the_realised_step_not_the_intended_one():
    """At x = 1e17 an intended step of 1 rounds away (spacing 16): the seed's loop, which
    compares new_x with previous_x, stops at once; a rule testing α·f′ = 1 > 0.5 would not."""
    trajectory = analyse("x", x0=1e17, alpha=1.0, precision=0.5, max_iter=50).trajectory
    assert trajectory.reason is StopReason.PRECISION
    assert trajectory.n_steps == 1 and trajectory.steps[1, 0] == 0.0


def test_symbolic_iteration_cap_matches_the_seed_range_loop():
    seed_xs = seed_symbolic_loop(lambda x: 2 * x, 3, 0.001, precision=1e-12, max_iter=100)
    run = analyse("x**2", x0=3, alpha=0.001, precision=1e-12, max_iter=100)
    assert run.trajectory.reason is StopReason.MAX_STEPS
    assert len(run.trajectory.values) == 101 == len(seed_xs)
    np.testing.assert_allclose(run.trajectory.params[:, 0], seed_xs, rtol=1e-12)


# ------------------------------------------------------------------ gradients and fits
@pytest.mark.parametrize("intercept", [False, True])
def test_gradient_equals_central_difference_of_the_cost(intercept):
    data, ls = problem(m=37, theta_true=(0.4, -1.1), noise=0.3, seed=1, intercept=intercept)
    X = design_matrix(data.x, intercept=intercept)

    def direct_cost(t):
        return np.mean((X @ t - data.y) ** 2) / 2

    rng = np.random.default_rng(0)
    for theta in rng.uniform(-3, 3, size=(5, X.shape[1])):
        np.testing.assert_allclose(
            ls.gradient(theta), central_difference(direct_cost, theta), rtol=1e-6, atol=1e-8
        )


@pytest.mark.parametrize("noise, seed", [(0.0, 0), (0.5, 1), (2.0, 7)])
def test_converged_fit_equals_lstsq(noise, seed):
    data = line_data(m=200, theta_true=(1.5, -0.7), noise=noise, seed=seed)
    X = design_matrix(data.x, intercept=True)
    ls = LeastSquares.from_data(X, data.y)
    trajectory = fit_line(ls, [0.0, 0.0], alpha=1.0, n_iterates=400)
    expected = np.linalg.lstsq(np.column_stack([np.ones(200), data.x]), data.y, rcond=None)[0]
    np.testing.assert_allclose(trajectory.final, expected, atol=1e-9)


def test_cost_grid_matches_direct_formula_for_large_m():
    data, ls = problem(m=100_000, theta_true=(0.3, 0.9), noise=1.0, seed=5, intercept=True)
    X = design_matrix(data.x, intercept=True)
    grid = np.stack(np.meshgrid(np.linspace(-4, 4, 7), np.linspace(-5, 5, 7)), axis=-1)
    direct = np.array([[np.mean((X @ t - data.y) ** 2) / 2 for t in row] for row in grid])
    np.testing.assert_allclose(ls.cost(grid), direct, rtol=1e-9)


@pytest.mark.parametrize(
    "text, x",
    [
        ("x**2", 3.0),
        ("sin(x) + x**2/4", 0.7),
        ("exp(-x**2)", 0.3),
        ("log(x)", 2.0),
        ("sqrt(x)*cos(x)", 1.1),
        ("abs(x - 1)", 2.5),
        ("x^4 - 3*x^3 + 2", -0.4),
        ("tanh(x)/x", 1.3),
    ],
)
def test_symbolic_derivatives_equal_central_differences(text, x):
    function = compile_function(text)
    h = 1e-6
    numeric_first = (function.f(x + h) - function.f(x - h)) / (2 * h)
    numeric_second = (function.df(x + h) - function.df(x - h)) / (2 * h)
    assert function.df(x) == pytest.approx(numeric_first, rel=1e-6, abs=1e-8)
    assert function.d2f(x) == pytest.approx(numeric_second, rel=1e-5, abs=1e-6)


# ------------------------------------------------------------------ purity and faults
def test_results_are_immutable_and_inputs_untouched():
    _, ls = problem()
    start = np.array([0.25])
    trajectory = fit_line(ls, start, alpha=1.0, n_iterates=5)
    assert start[0] == 0.25
    for array in (trajectory.params, trajectory.values, trajectory.grads, ls.hessian):
        with pytest.raises(ValueError):
            array[0] = 1.0
    with pytest.raises(AttributeError):
        trajectory.message = "changed"


@pytest.mark.filterwarnings("error")  # no RuntimeWarning noise either
@pytest.mark.parametrize(
    "text, x0, alpha, why",
    [
        ("x**2", 3.0, 1.5, "overflow"),
        ("-x**2", 3.0, 0.1, "overflow"),
        ("x**3", -1.0, 0.1, "overflow"),
        ("log(x)", 1.0, 2.0, "domain"),
        ("sqrt(x)", 1.0, 5.0, "domain"),
    ],
)
def test_numerical_faults_end_the_run_cleanly(text, x0, alpha, why):
    run = analyse(text, x0=x0, alpha=alpha, precision=1e-12, max_iter=10_000)
    trajectory = run.trajectory
    assert trajectory.reason is StopReason.FAULT
    assert why in trajectory.message and "would have landed on x" in trajectory.message
    assert run.endpoint is None
    for array in (trajectory.params, trajectory.values, trajectory.grads):
        assert np.all(np.isfinite(array))


@pytest.mark.parametrize(
    "text, x0, why",
    [("1/x", 0.0, "division by zero"), ("log(x)", -1.0, "domain"), ("sqrt(x)", 0.0, "x = 0")],
)
def test_a_start_outside_the_domain_is_its_own_failure(text, x0, why):
    with pytest.raises(OutsideDomain, match="initial guess") as caught:
        analyse(text, x0=x0, alpha=0.1, precision=1e-4, max_iter=10)
    assert why in str(caught.value)


@pytest.mark.filterwarnings("error")
def test_diverging_fit_faults_with_only_finite_rows():
    _, ls = problem(theta_true=(2.0, 2.0), intercept=True)
    trajectory = fit_line(ls, [0.0, 0.0], alpha=2.5, n_iterates=1000)
    assert trajectory.reason is StopReason.FAULT
    assert "overflow" in trajectory.message
    assert 1 < len(trajectory.values) < 1000
    assert np.all(np.isfinite(trajectory.params)) and np.all(np.isfinite(trajectory.values))


def test_the_update_rule_is_separate_from_the_loop():
    """A momentum rule slots into descend() unchanged (the design's promise)."""

    def momentum(alpha, beta):
        def init(theta):
            return np.zeros_like(theta)

        def update(grad, velocity):
            velocity = beta * velocity - alpha * grad
            return velocity, velocity

        return init, update

    _, ls = problem(theta_true=(2.0, 2.0), intercept=True)
    from gd_core.optimizers import UpdateRule

    rule = UpdateRule(*momentum(0.5, 0.5))
    trajectory = descend(ls, np.zeros(2), rule=rule, max_steps=200)
    np.testing.assert_allclose(trajectory.final, ls.solution, atol=1e-8)
    plain = descend(ls, np.zeros(2), rule=gradient_descent(alpha=0.5), max_steps=1)
    np.testing.assert_allclose(plain.params[1], -0.5 * ls.gradient(np.zeros(2)))


@pytest.mark.parametrize(
    "text",
    ["x**" * 19 + "x", "*".join(f"x**(x+{i})" for i in range(1, 17))],
)
def test_derivatives_that_explode_are_rejected(text):
    with pytest.raises(ExpressionError, match="too complex"):
        compile_function(text)


# ------------------------------------------------------------------ the one loop's interface
def test_a_batch_of_starts_and_rates_equals_each_run_made_alone():
    """θ of shape (B, p): every run is the run descend makes from that start alone."""
    from gd_core.descent import Batch, gradient_below
    from gd_core.optimizers import adam, scale_by_adam, scale_by_learning_rate

    _, ls = problem(theta_true=(2.0, 2.0), intercept=True)

    def many(theta):  # (B, 2) -> (B,), (B, 2), written apart from LeastSquares.__call__
        d = theta - ls.solution
        grad = d @ ls.hessian.T
        return ls.min_cost + 0.5 * np.sum(d * grad, axis=1), grad

    starts = np.array([[0.0, 0.0], [3.0, -1.0], [2.0, 2.0], [-5.0, 4.0]])
    alphas = np.array([[0.05], [0.2], [0.1], [0.4]])
    batch = descend(
        many,
        starts,
        rule=scale_by_adam(beta1=0.9, beta2=0.999),
        lr=scale_by_learning_rate(alphas),
        stop=gradient_below(1e-3),
        max_steps=300,
    )
    assert isinstance(batch, Batch) and batch.params.shape[1:] == (4, 2)
    for i in range(4):
        alone = descend(
            ls,
            starts[i],
            rule=adam(alpha=float(alphas[i, 0]), beta1=0.9, beta2=0.999),
            stop=gradient_below(1e-3),
            max_steps=300,
        )
        run = batch.run(i)
        assert run.reason is alone.reason
        np.testing.assert_allclose(run.params, alone.params, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(run.states["m"], alone.states["m"], rtol=1e-12, atol=1e-14)
    assert batch.run(2).n_steps == 0  # the start is the minimum: |∇J| = 0 < tol
    assert batch.reasons[0] is StopReason.GRADIENT


def test_a_batch_run_that_overflows_stops_alone_with_finite_rows():
    from gd_core.optimizers import gradient_descent

    _, ls = problem(theta_true=(2.0, 2.0), intercept=True)

    def many(theta):
        d = theta - ls.solution
        grad = d @ ls.hessian.T
        return ls.min_cost + 0.5 * np.sum(d * grad, axis=1), grad

    alphas = np.array([[0.5], [2.5]])  # α_crit = 2/λmax = 2 here: the second diverges
    batch = descend(many, np.zeros((2, 2)), rule=gradient_descent(alpha=alphas), max_steps=2000)
    assert batch.reasons == (StopReason.MAX_STEPS, StopReason.FAULT)
    assert batch.lengths[0] == 2001 and 1 < batch.lengths[1] < 2001
    diverged = batch.run(1)
    assert np.all(np.isfinite(diverged.params)) and np.all(np.isfinite(diverged.values))
    np.testing.assert_allclose(batch.run(0).final, ls.solution, atol=1e-9)


def test_the_rule_records_its_own_state():
    """Momentum's v after each step, recorded by the loop from the rule, against the hand rule."""
    from gd_core.optimizers import momentum

    _, ls = problem(theta_true=(2.0, 2.0), intercept=True)
    run = descend(ls, np.zeros(2), rule=momentum(alpha=0.3, beta=0.8), max_steps=20)
    theta, v = np.zeros(2), np.zeros(2)
    np.testing.assert_array_equal(run.states["v"][0], v)
    for k in range(1, 21):
        v = 0.8 * v + ls.hessian @ (theta - ls.solution)
        theta = theta - 0.3 * v
        np.testing.assert_allclose(run.states["v"][k], v, rtol=1e-12)
        np.testing.assert_allclose(run.params[k], theta, rtol=1e-12, atol=1e-15)


def test_a_rule_may_evaluate_f_a_backtracking_line_search():
    """A rule with uses_point gets the iterate and the objective: Armijo backtracking,
    against the same search written out by hand."""
    from gd_core.optimizers import UpdateRule

    def backtracking(alpha0, shrink=0.5, c=1e-4):
        def update(grad, state, point):
            t = alpha0
            while point.objective(point.theta - t * grad)[0] > point.value - c * t * grad @ grad:
                t *= shrink
            return -t * grad, state + 1

        return UpdateRule(lambda theta: 0, update, uses_point=True)

    def f(theta):
        x, y = theta
        return (1 - x) ** 2 + 10 * (y - x * x) ** 2, np.array(
            [-2 * (1 - x) - 40 * x * (y - x * x), 20 * (y - x * x)]
        )

    run = descend(f, np.array([-1.0, 1.5]), rule=backtracking(1.0), max_steps=40)
    theta = np.array([-1.0, 1.5])
    for k in range(1, 41):
        value, grad = f(theta)
        t = 1.0
        while f(theta - t * grad)[0] > value - 1e-4 * t * grad @ grad:
            t *= 0.5
        theta = theta - t * grad
        np.testing.assert_allclose(run.params[k], theta, rtol=1e-12)
    assert np.all(np.diff(run.values) <= 0), "Armijo steps never go uphill"


def test_a_schedule_is_a_learning_rate_chained_after_any_rule():
    from gd_core.optimizers import scale_by_momentum, scale_by_schedule
    from gd_core.schedules import step_sizes

    _, ls = problem(theta_true=(2.0, 2.0), intercept=True)
    alphas = step_sizes("inverse_time", alpha=0.9, decay=0.1, n_steps=30)
    run = descend(
        ls,
        np.zeros(2),
        rule=scale_by_momentum(beta=0.5),
        lr=scale_by_schedule(alphas),
        max_steps=30,
    )
    theta, v = np.zeros(2), np.zeros(2)
    for k in range(30):
        v = 0.5 * v + ls.gradient(theta)
        theta = theta - 0.9 / (1 + 0.1 * k) * v
    np.testing.assert_allclose(run.final, theta, rtol=1e-12)


def test_a_run_of_one_step_says_step_not_steps():
    from gd_core.optimizers import gradient_descent

    def bowl(theta):
        return float(theta @ theta), 2 * theta

    one = descend(bowl, np.array([1.0]), rule=gradient_descent(alpha=0.1), max_steps=1)
    many = descend(bowl, np.array([1.0]), rule=gradient_descent(alpha=0.1), max_steps=3)
    assert one.message == "took all 1 step it was allowed"
    assert many.message == "took all 3 steps it was allowed"
    none = descend(bowl, np.array([1.0]), rule=gradient_descent(alpha=0.1), max_steps=0)
    assert none.message == "was allowed no step"
    assert one.params[1, 0] == 1.0 - 0.1 * 2.0  # the step itself: θ − α·2θ
