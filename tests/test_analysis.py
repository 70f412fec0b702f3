"""Learning-rate limits and step verdicts against eigvalsh and against actual runs."""

import numpy as np
import pytest

from gd_core.analysis import (
    AT_MINIMUM,
    DIVERGING,
    MONOTONE,
    OSCILLATING,
    RUNAWAY,
    STALLED,
    START,
    learning_rates,
    rate_verdict,
    run_verdict,
    step_statuses,
)
from gd_core.linear import LeastSquares, design_matrix, fit_line, line_data


def problem(m=20, theta_true=(0.0, 0.5), noise=0.0, seed=0, intercept=False):
    data = line_data(m=m, theta_true=theta_true, noise=noise, seed=seed)
    X = design_matrix(data.x, intercept=intercept)
    return X, LeastSquares.from_data(X, data.y)


@pytest.mark.parametrize("m, intercept", [(20, False), (20, True), (5, True), (1000, True)])
def test_rates_equal_eigvalsh_of_the_hessian(m, intercept):
    X, ls = problem(m=m, intercept=intercept)
    eig = np.linalg.eigvalsh(X.T @ X / m)
    rates = learning_rates(ls.hessian)
    assert rates.critical == pytest.approx(2 / eig.max(), rel=1e-12)
    assert rates.optimal == pytest.approx(2 / (eig.min() + eig.max()), rel=1e-12)
    assert rates.monotone_limit == pytest.approx(1 / eig.max(), rel=1e-12)


@pytest.mark.parametrize("m", [2, 20, 1000])
def test_rates_equal_the_closed_form(m):
    """x evenly on [−1, 1]: mean(x²) = (m + 1) / (3(m − 1)), mean(x) = 0, mean(1) = 1."""
    lam = (m + 1) / (3 * (m - 1))
    _, one = problem(m=m)
    _, two = problem(m=m, intercept=True)
    assert learning_rates(one.hessian).critical == pytest.approx(2 / lam, rel=1e-12)
    rates = learning_rates(two.hessian)
    assert rates.eigenvalues == pytest.approx(sorted([lam, 1.0]), rel=1e-12)
    assert rates.optimal == pytest.approx(2 / (lam + 1), rel=1e-12)


def test_one_parameter_default_verdict_reads_as_the_issue_says():
    _, ls = problem()
    assert rate_verdict(learning_rates(ls.hessian), alpha=1.15) == (
        "α = 1.15 < α_crit = 5.43: converges monotonically"
    )


@pytest.mark.parametrize("intercept", [False, True])
def test_critical_rate_separates_converging_from_diverging_runs(intercept):
    _, ls = problem(theta_true=(1.0, 2.0), noise=0.3, intercept=intercept)
    critical = learning_rates(ls.hessian).critical
    start = np.full(ls.solution.shape, 3.0)
    below = fit_line(ls, start, alpha=0.98 * critical, n_iterates=400)
    above = fit_line(ls, start, alpha=1.02 * critical, n_iterates=400)
    error = lambda t: np.linalg.norm(t.final - ls.solution)  # noqa: E731
    assert error(below) < 1e-2 * np.linalg.norm(start - ls.solution)
    assert error(above) > 10 * np.linalg.norm(start - ls.solution)


def test_one_step_at_one_over_lambda_lands_on_the_minimum():
    _, ls = problem(noise=0.4, seed=2)
    rates = learning_rates(ls.hessian)
    trajectory = fit_line(ls, [1.2], alpha=rates.optimal, n_iterates=2)
    assert trajectory.params[1, 0] == pytest.approx(ls.solution[0], abs=1e-12)


@pytest.mark.parametrize(
    "alpha, expected", [(1.15, MONOTONE), (4.0, OSCILLATING), (6.0, DIVERGING)]
)
def test_one_parameter_statuses(alpha, expected):
    _, ls = problem()
    trajectory = fit_line(ls, [0.0], alpha=alpha, n_iterates=20)
    statuses = step_statuses(trajectory.params - ls.solution)
    assert statuses[0] == "start"
    assert set(statuses[1:]) == {expected}


def test_two_parameter_diverges_at_alpha_2_2():
    _, ls = problem(theta_true=(2.0, 2.0), intercept=True)
    assert learning_rates(ls.hessian).critical < 2.2
    trajectory = fit_line(ls, [0.0, 0.0], alpha=2.2, n_iterates=30)
    statuses = step_statuses(trajectory.params - ls.solution)
    assert statuses[-1] == DIVERGING
    ratios = np.linalg.norm(trajectory.params[1:] - ls.solution, axis=1) / np.linalg.norm(
        trajectory.params[:-1] - ls.solution, axis=1
    )
    assert ratios[-1] > 1


@pytest.mark.parametrize("intercept, alpha", [(False, 1.15), (True, 0.7), (False, 0.5)])
def test_long_converged_runs_are_not_called_stalled(intercept, alpha):
    """Within rounding of θ* updates vanish and the ratio is 1: that is convergence."""
    _, ls = problem(theta_true=(2.0, 2.0) if intercept else (0.0, 0.5), intercept=intercept)
    start = np.zeros(ls.solution.shape)
    trajectory = fit_line(ls, start, alpha=alpha, n_iterates=1000)
    statuses = step_statuses(trajectory.params - ls.solution, floor=ls.resolution)
    assert STALLED not in statuses
    assert statuses[-1] == AT_MINIMUM
    verdict, tone = run_verdict(statuses, trajectory.message)
    assert tone == "success" and "no progress" not in verdict


def test_verdict_ties_go_to_the_worse_status():
    for statuses in ([START, MONOTONE, DIVERGING], [START, DIVERGING, MONOTONE]):
        verdict, tone = run_verdict(statuses, "stopped")
        assert tone == "warning" and DIVERGING in verdict


def test_alpha_and_its_limit_never_read_the_same():
    _, ls = problem(m=100_000)
    rates = learning_rates(ls.hessian)
    line = rate_verdict(rates, alpha=6.0)
    shown_alpha, shown_critical = line.split(":")[0].removeprefix("α = ").split(" > α_crit = ")
    assert shown_alpha != shown_critical


def test_runaway_is_told_apart_from_overshooting():
    errors = np.array([[1.0], [2.0], [4.0]])  # growing, same sign: no minimum that way
    assert step_statuses(errors)[1:] == [RUNAWAY, RUNAWAY]
    errors = np.array([[1.0], [-2.0], [4.0]])  # growing and flipping: overshooting
    assert step_statuses(errors)[1:] == [DIVERGING, DIVERGING]


@pytest.mark.filterwarnings("error")
def test_statuses_of_huge_errors_raise_no_overflow_warning():
    errors = np.array([[1e200, -1e200], [-1e201, 1e201], [1e202, -1e202]])
    assert step_statuses(errors)[1:] == [DIVERGING, DIVERGING]
