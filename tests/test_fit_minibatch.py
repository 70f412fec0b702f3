"""The fit pages' mini-batches against answers from outside the code: an independent SGD
loop, the full batch's closed form, and the per-example gradients' mean."""

import math

import numpy as np
import pytest
from test_fit_extras import data, why

from gd_app import demos
from gd_app.controls import ONE_PARAMETER, TWO_PARAMETERS, defaults
from gd_app.demos.fit import _problem, fit_run

TWO = defaults(TWO_PARAMETERS)
ONE = defaults(ONE_PARAMETER)


# ------------------------------------------------------------------ mini-batches
def independent_sgd(x, y, start, alphas, batch, seed, steps, intercept=True):
    """Mini-batch descent written out: a fresh permutation per epoch from default_rng([seed, 1])."""
    X = np.column_stack([np.ones_like(x), x]) if intercept else x[:, None]
    rng = np.random.default_rng([seed, 1])
    theta, out, order, per_epoch = (
        np.array(start, float),
        [np.array(start, float)],
        None,
        math.ceil(len(y) / batch),
    )
    for k in range(steps):
        slot = k % per_epoch
        if slot == 0:
            order = rng.permutation(len(y)) if per_epoch > 1 else np.arange(len(y))
        idx = order[slot * batch : (slot + 1) * batch]
        grad = X[idx].T @ (X[idx] @ theta - y[idx]) / len(idx)
        theta = theta - alphas[k] * grad
        out.append(theta)
    return np.array(out)


@pytest.mark.parametrize("batch, m", [(1, 20), (7, 20), (20, 20), (64, 500), (333, 1000)])
def test_mini_batch_iterates_equal_an_independent_loop(batch, m):
    params = {**TWO, "m": m, "noise": 0.7, "seed": 5, "batch": batch, "N": 60, "alpha": 0.3}
    table = demos.two_parameters(**params).table
    x, y = data(m, -1, 1, noise=0.7, seed=5)
    expected = independent_sgd(x, y, (0, 0), [0.3] * 59, batch, 5, 59)
    np.testing.assert_allclose(table[["theta0", "theta1"]], expected, rtol=1e-10, atol=1e-12)
    # The batch gradient column is the one the step used: Δθ = −α·g.
    steps = table[["step_theta0", "step_theta1"]].to_numpy()[1:]
    grads = table[["batch_grad_theta0", "batch_grad_theta1"]].to_numpy()[1:]
    np.testing.assert_allclose(steps, -0.3 * grads, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("page", ["one", "two"])
def test_batch_m_reproduces_the_full_batch_table(page):
    base = {**(ONE if page == "one" else TWO), "m": 50, "noise": 0.4, "seed": 2, "N": 200}
    view = demos.one_parameter if page == "one" else demos.two_parameters
    full = view(**base).table
    mini = view(**{**base, "batch": 50}).table
    names = ["theta1"] if page == "one" else ["theta0", "theta1"]
    np.testing.assert_allclose(mini[names], full[names], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(mini["J"], full["J"], rtol=1e-12, atol=1e-15)


def test_the_same_link_gives_the_same_table_twice():
    params = {**TWO, "m": 300, "noise": 1.0, "seed": 9, "batch": 16, "N": 80, "schedule": "cosine"}
    first = fit_run(
        intercept=True,
        theta_true=(2.0, 2.0),
        start=(0.0, 0.0),
        N=80,
        alpha=0.7,
        m=300,
        noise=1.0,
        seed=9,
        batch=16,
        schedule="cosine",
        decay=0.1,
    )
    _problem.cache_clear()  # the second is made afresh: the data and every shuffle again
    second = fit_run(
        intercept=True,
        theta_true=(2.0, 2.0),
        start=(0.0, 0.0),
        N=80,
        alpha=0.7,
        m=300,
        noise=1.0,
        seed=9,
        batch=16,
        schedule="cosine",
        decay=0.1,
    )
    assert first.data is not second.data
    np.testing.assert_array_equal(first.data.y, second.data.y)
    for k in (0, 18, 19, 78):  # batches of the first epoch, the second and the last
        np.testing.assert_array_equal(first.batches.indices(k), second.batches.indices(k))
    np.testing.assert_array_equal(first.trajectory.params, second.trajectory.params)
    other_seed = demos.two_parameters(**{**params, "seed": 10}).table
    assert not np.allclose(other_seed["theta0"], demos.two_parameters(**params).table["theta0"])


def test_noise_free_sgd_reaches_theta_star_itself():
    params = {**TWO, "m": 50, "batch": 1, "N": 1000, "alpha": 0.5}
    demo = demos.two_parameters(**params)
    final = demo.table[["theta0", "theta1"]].iloc[-1]
    np.testing.assert_allclose(final, [2, 2], atol=1e-9)
    assert "every per-example gradient vanishes at θ*" in demo.notes[0]
    assert "came within 1e-6 of θ* at iteration" in demo.notes[0]
    assert "κ = λmax/λmin" in why(demo)


def test_noisy_sgd_settles_in_a_neighbourhood_that_shrinks_with_alpha():
    spread = {}
    for alpha in (0.3, 0.03):
        params = {
            **TWO,
            "m": 400,
            "noise": 1.0,
            "seed": 4,
            "batch": 1,
            "N": 1000,
            "alpha": alpha,
            "theta0_start": 2.0,
            "theta1_start": 2.0,
        }
        demo = demos.two_parameters(**params)
        x, y = data(400, -1, 1, noise=1.0, seed=4)
        best = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)[0]
        path = demo.table[["theta0", "theta1"]].to_numpy()[500:]
        spread[alpha] = float(np.mean(np.linalg.norm(path - best, axis=1)))
        assert (
            "with a constant α they settle into a neighbourhood of it whose size" in demo.notes[0]
        )
    assert spread[0.03] < 0.5 * spread[0.3]


def test_mini_batch_statuses_say_what_the_step_did_to_the_full_batch_cost():
    table = demos.two_parameters(**{**TWO, "m": 100, "noise": 1.0, "batch": 5, "N": 300}).table
    J = table["J"].to_numpy()
    for k in range(1, len(J)):
        status = table["status"][k]
        assert ("J fell" if J[k] < J[k - 1] else "J rose") in status, (k, status)


def test_fan_of_per_example_steps_averages_to_the_step():
    from gd_core.minibatch import per_example_gradients

    run = fit_run(
        intercept=True,
        theta_true=(2.0, 2.0),
        start=(0.0, 0.0),
        N=30,
        alpha=0.4,
        m=40,
        noise=0.5,
        seed=1,
        batch=6,
    )
    X = run.design()
    for k in (0, 6, 7, 20):
        idx = run.batches.indices(k)
        assert len(idx) == (4 if k % 7 == 6 else 6)  # ⌈40/6⌉ = 7 batches, the last of 4
        fan = -0.4 * per_example_gradients(X[idx], run.data.y[idx], run.trajectory.params[k])
        np.testing.assert_allclose(fan.mean(axis=0), run.trajectory.steps[k + 1], rtol=1e-10)
