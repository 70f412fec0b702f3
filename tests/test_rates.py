"""Learning-rate limits against eigvalsh, closed forms and actual runs; numbers shown so that
rounding never contradicts a sentence."""

import numpy as np
import pytest

from gd_core.linear import LeastSquares, design_matrix, fit_line, line_data
from gd_core.verdict.rates import distinct, factor, learning_rates


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


def test_alpha_and_its_limit_never_read_the_same():
    _, ls = problem(m=100_000)
    rates = learning_rates(ls.hessian)
    shown = distinct(6.0, rates.critical)
    assert shown[0] != shown[1] and float(shown[1]) != 6.0


def test_alpha_opt_and_alpha_crit_read_apart_at_kappa_ten_thousand():
    """x from 9 to 11 (20 points): α_opt and α_crit both read 0.0197 at three digits."""
    data = line_data(m=20, theta_true=(2.0, 2.0), noise=0.0, seed=0, x_low=9.0, x_high=11.0)
    X = design_matrix(data.x, intercept=True)
    low, high = np.linalg.eigvalsh(X.T @ X / 20)
    optimal, critical = 2 / (low + high), 2 / high
    assert f"{optimal:.3g}" == f"{critical:.3g}"  # the clash the issue names
    shown = distinct(critical, optimal)
    assert shown[0] != shown[1]
    assert float(shown[0]) == pytest.approx(critical, rel=1e-3)


@pytest.mark.parametrize("rho", [0.99996, 0.999999999, 1.00004, 0.5, 1 - 1e-14])
def test_a_factor_reads_on_its_side_of_one(rho):
    shown = factor(rho)
    if shown.startswith("just"):
        assert ("below" in shown) == (rho < 1)
    else:
        assert (float(shown) < 1) == (rho < 1) and float(shown) != 1
