"""The fit pages' conditioning, schedules, refusals and sentences against answers from outside
the code: numpy.linalg, independent loops, closed forms (mini-batches: test_fit_minibatch.py)."""

import math

import numpy as np
import pytest

from gd_app import demos
from gd_app.controls import ALPHA_VALUES, ONE_PARAMETER, TWO_PARAMETERS, defaults
from gd_app.demos.fit import fit_run, refusals
from gd_core.conditioning import steps_bound
from gd_core.data import read_pairs
from gd_core.schedules import step_sizes
from gd_core.verdict import Outcome

TWO = defaults(TWO_PARAMETERS)
ONE = defaults(ONE_PARAMETER)


def data(m, x_low, x_high, theta_true=(2.0, 2.0), noise=0.0, seed=0):
    """The page's data, written out again: m points evenly on [x_low, x_high]."""
    x = np.linspace(x_low, x_high, m)
    y = theta_true[0] + theta_true[1] * x
    if noise:
        y = y + noise * np.random.default_rng(seed).standard_normal(m)
    return x, y


def why(demo) -> str:
    return " ".join(demo.why)


def metric(demo, label):
    return next(m for m in demo.metrics if m.label == label)


# ------------------------------------------------------------------ conditioning
@pytest.mark.parametrize("x_low, x_high", [(-1, 1), (9, 11), (-20, 20), (19.5, 20), (0, 3)])
def test_kappa_and_eigenvectors_agree_with_numpy_eigh(x_low, x_high):
    x, _ = data(20, x_low, x_high)
    X = np.column_stack([np.ones_like(x), x])
    values, vectors = np.linalg.eigh(X.T @ X / len(x))
    demo = demos.two_parameters(**{**TWO, "x_low": float(x_low), "x_high": float(x_high)})
    assert metric(demo, "κ of XᵀX/m").value == f"{values[1] / values[0]:.3g}"
    run = fit_run(
        intercept=True,
        theta_true=(2.0, 2.0),
        start=(0, 0),
        N=2,
        alpha=1e-3,
        m=20,
        noise=0.0,
        seed=0,
        x_low=x_low,
        x_high=x_high,
    )
    from gd_core.conditioning import curvature

    shape = curvature(run.problem.hessian)
    np.testing.assert_allclose(shape.eigenvalues, values, rtol=1e-9)
    for j in range(2):  # the same axis, up to sign
        assert abs(abs(shape.eigenvectors[:, j] @ vectors[:, j]) - 1) < 1e-9


def test_x_from_9_to_11_is_the_issue_s_narrow_valley():
    demo = demos.two_parameters(**{**TWO, "x_low": 9.0, "x_high": 11.0, "alpha": 0.018})
    kappa = float(metric(demo, "κ of XᵀX/m").value)
    assert 2.7e4 < kappa < 2.9e4
    assert "α_crit = 2/λmax = 0.0197" in why(demo)
    statuses = list(demo.table["status"][1:])
    assert all(s.startswith("overshot") for s in statuses)  # the zig-zag across the valley


@pytest.mark.parametrize("x_low, x_high", [(9, 11), (-20, 20), (-1, 1), (19.5, 20)])
def test_standardized_x_has_kappa_one_and_the_same_line(x_low, x_high):
    x, y = data(37, x_low, x_high, noise=0.3)
    z = (x - x.mean()) / x.std(ddof=0)
    Z = np.column_stack([np.ones_like(z), z])
    values = np.linalg.eigvalsh(Z.T @ Z / len(z))
    assert values[1] / values[0] == pytest.approx(1, abs=1e-12)
    params = {
        **TWO,
        "x_low": float(x_low),
        "x_high": float(x_high),
        "m": 37,
        "noise": 0.3,
        "standardize": True,
        "alpha": 1.0,
        "N": 5,
    }
    table = demos.two_parameters(**params).table
    assert float(metric(demos.two_parameters(**params), "κ of XᵀX/m").value) == 1
    # One step at α = 1 = 1/λ lands on the least-squares line, in either units.
    best = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)[0]
    np.testing.assert_allclose(table[["theta0", "theta1"]].iloc[-1], best, rtol=1e-9, atol=1e-9)
    # θ in the units of x is the same line as θ′ in z.
    line = table["theta0_std"] + table["theta1_std"] * ((x[5] - x.mean()) / x.std())
    np.testing.assert_allclose(table["theta0"] + table["theta1"] * x[5], line, rtol=1e-12)


def independent_gd_count(x, y, start, alpha, max_steps, tol=1e-6):
    """Plain full-batch GD, written out: the first k with |θ(k) − θ*| ≤ tol, or None."""
    X = np.column_stack([np.ones_like(x), x])
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    theta = np.array(start, dtype=float)
    for k in range(max_steps + 1):
        if np.linalg.norm(theta - best) <= tol:
            return k
        theta = theta - alpha * X.T @ (X @ theta - y) / len(y)
    return None


def test_observed_steps_never_exceed_the_bound_on_random_settings():
    rng = np.random.default_rng(11)
    checked = reached = 0
    for _ in range(60):
        lo = float(rng.choice(np.arange(-20, 20, 0.5)))
        hi = float(rng.choice(np.arange(lo + 0.5, 20.5, 0.5)))
        standardize = bool(rng.integers(2))
        m, noise, seed = int(rng.choice([20, 50, 200])), float(rng.choice([0, 0.5])), 3
        x, y = data(m, lo, hi, noise=noise, seed=seed)
        z = (x - x.mean()) / x.std() if standardize else x
        X = np.column_stack([np.ones_like(z), z])
        critical = 2 / np.linalg.eigvalsh(X.T @ X / m)[-1]
        target = rng.uniform(0.02, 0.99) * critical
        alpha = min(a for a in ALPHA_VALUES if a >= target)
        start = rng.uniform(-4, 4, 2).round(1)
        params = {
            **TWO,
            "x_low": lo,
            "x_high": hi,
            "standardize": standardize,
            "m": m,
            "noise": noise,
            "seed": seed,
            "alpha": alpha,
            "N": 1000,
            "theta0_start": float(start[0]),
            "theta1_start": float(start[1]),
        }
        demo = demos.two_parameters(**params)
        shown = metric(demo, "steps to within 1e-6").value
        s = (
            start
            if not standardize
            else np.array([start[0] + start[1] * x.mean(), start[1] * x.std()])
        )
        seen = independent_gd_count(z, y, s, alpha, 999)
        assert shown == (str(seen) if seen is not None else "not in 999"), params
        values = np.linalg.eigvalsh(X.T @ X / m)
        best = np.linalg.lstsq(X, y, rcond=None)[0]
        bound = steps_bound(values, alpha, float(np.linalg.norm(s - best)))
        if alpha < critical:
            assert bound is not None
            rho = max(abs(1 - alpha * v) for v in values)
            assert rho**bound * np.linalg.norm(s - best) <= 1e-6 * (1 + 1e-9)
        if seen is not None and bound is not None:
            assert seen <= bound, params
            reached += 1
        checked += 1
    assert reached >= 10, "too few random runs reached 1e-6 to test the bound"


# ------------------------------------------------------------------ schedules
@pytest.mark.parametrize("schedule", ["constant", "exponential", "inverse_time", "cosine"])
@pytest.mark.parametrize("N, decay", [(15, 0.1), (2, 0.5), (200, 1.0), (40, 0.0)])
def test_schedule_column_matches_the_closed_form(schedule, N, decay):
    table = demos.two_parameters(
        **{**TWO, "schedule": schedule, "decay": decay, "N": N, "alpha": 0.9}
    ).table
    k = np.arange(N - 1)
    closed = {
        "constant": np.full(N - 1, 0.9),
        "exponential": 0.9 * np.exp(-decay * k),
        "inverse_time": 0.9 / (1 + decay * k),
        "cosine": 0.9 * (1 + np.cos(np.pi * k / max(N - 1, 1))) / 2,
    }[schedule]
    if schedule == "constant":
        assert "alpha" not in table  # the textbook table stays as it was
        return
    assert np.isnan(table["alpha"][0])
    np.testing.assert_allclose(table["alpha"][1:], closed, rtol=1e-15)
    steps = table[["step_theta0", "step_theta1"]].to_numpy()[1:]
    grads = table[["grad_theta0", "grad_theta1"]].to_numpy()[:-1]
    np.testing.assert_allclose(steps, -closed[:, None] * grads, rtol=1e-12, atol=1e-15)


def test_schedule_verdict_compares_each_alpha_k_with_alpha_crit():
    demo = demos.two_parameters(
        **{**TWO, "alpha": 2.5, "schedule": "inverse_time", "decay": 0.2, "N": 30}
    )
    alphas = step_sizes("inverse_time", alpha=2.5, decay=0.2, n_steps=29)
    last_above = int(np.flatnonzero(alphas > 2.0)[-1])
    assert f"above it for k = 0 … {last_above} and below it from k = {last_above + 1} on" in why(
        demo
    )


# ------------------------------------------------------------------ refusals and ranges
def test_refusals_name_the_key_and_fall_back():
    values, messages = refusals({**TWO, "x_low": 3.0, "x_high": -2.0, "batch": 50})
    assert values["x_low"] == -1 and values["x_high"] == 1 and values["batch"] == 0
    assert "x_low" in messages[0] and "batch = 50" in messages[1] and "m = 20" in messages[1]
    values, messages = refusals({**TWO, "m": 100_000, "batch": 50_000, "N": 1000})
    assert values["batch"] == 0 and "at most 2,000,000" in messages[0]
    assert refusals({**TWO, "m": 100_000, "batch": 50_000, "N": 41})[1] == ()
    assert refusals({**TWO, "m": 100_000, "batch": 50_000, "N": 42})[1]
    assert refusals({**TWO, "m": 2000, "batch": 1999, "N": 1000})[1] == ()


def test_alpha_controls_reach_the_issue_s_range_for_every_data_setting():
    smallest, largest = math.inf, 0.0
    for lo in np.arange(-20, 20, 0.5):
        for hi in (lo + 0.5, 20.0):
            for m in (20, 100_000):
                x = np.linspace(lo, hi, m)
                X = np.column_stack([np.ones_like(x), x])
                critical = 2 / np.linalg.eigvalsh(X.T @ X / m)[-1]
                smallest, largest = min(smallest, critical), max(largest, critical)
    assert ALPHA_VALUES[0] < 0.01 * smallest and ALPHA_VALUES[-1] >= 1.3 * max(largest, 2.0)
    assert 0.7 in ALPHA_VALUES and all(round(0.1 * k, 1) in ALPHA_VALUES for k in range(1, 26))
    alpha = next(c for c in ONE_PARAMETER if c.key == "alpha")
    for m in (20, 1000, 100_000):
        x = np.linspace(-1, 1, m)
        assert alpha.high >= 1.3 * 2 / np.mean(x**2)
    assert alpha.default == 1.15 and alpha.low <= 1.15


def test_noise_sentences_stay_true_when_the_run_does_not_settle():
    diverged = demos.two_parameters(**{**TWO, "noise": 1.0, "batch": 1, "alpha": 3.0, "N": 1000})
    assert diverged.tone == "error" and "ended in a fault" in diverged.notes[0]
    assert "settle into" not in diverged.notes[0]
    whole = demos.two_parameters(**{**TWO, "noise": 1.0, "batch": 20})
    assert "no mini-batch noise" in whole.notes[0] and "noisy" not in whole.notes[0]


@pytest.mark.parametrize(
    "points",
    [
        ((0.0, 0.0), (1e-12, 1.0)),  # θ* = (0, 1e12): κ ≈ 4e24, past float64's resolution
        ((1.0, 2.0), (1.0000001, 1e12)),  # θ* ≈ (−1e19, 1e19)
    ],
)
def test_numerically_singular_data_is_never_said_to_be_at_theta_star(points):
    """Pasted data with κ far past 1/eps: the rounding floor must not swallow the whole path.

    Truth from outside the code: the line through two points fits them exactly (J* = 0),
    so J at the final θ, computed here from the points, says how far the fit still is."""
    (x1, y1), (x2, y2) = points
    source = read_pairs(f"{x1!r} {y1!r}\n{x2!r} {y2!r}")
    demo = demos.two_parameters(**{**TWO, "alpha": 0.7, "source": source})
    theta0, theta1 = demo.table[["theta0", "theta1"]].iloc[-1]
    x, y = np.array([x1, x2]), np.array([y1, y2])
    final_cost = np.mean((theta0 + theta1 * x - y) ** 2) / 2
    assert final_cost > 1e-3 * np.mean(y**2) / 2  # the run is still far from fitting the points
    assert "best fit θ*, to rounding" not in demo.verdict
    assert "started at the best fit" not in demo.verdict
    assert demo.outcome is not Outcome.DIRECT


def test_a_one_step_run_says_one_step_not_one_steps():
    """N = 2 is the start and one step: the headline counts it in the singular."""
    demo = demos.two_parameters(**{**TWO, "N": 2})
    assert len(demo.table) == 2
    assert "in 1 steps" not in demo.verdict and "in 1 step:" in demo.verdict


@pytest.mark.parametrize(
    ("x_low", "x_high", "shown"),
    [(-1.0, 1.0, "z = x/"), (9.0, 11.0, "z = (x − 10)/"), (-11.0, -9.0, "z = (x + 10)/")],
)
def test_the_standardization_note_writes_the_mean_with_one_sign(x_low, x_high, shown):
    """The mean of x on [−1, 1] is 0 (numpy's −5.6e−17 is rounding); a negative mean is added."""
    params = {**TWO, "standardize": True, "x_low": x_low, "x_high": x_high}
    note = demos.two_parameters(**params).notes[0]
    assert shown in note and "− -" not in note
    std = np.std(np.linspace(x_low, x_high, TWO["m"]))
    assert f"/{std:.4g}." in note
