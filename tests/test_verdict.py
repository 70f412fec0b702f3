"""The one verdict engine on the fit pages: the cases that showed its faults, closed forms
of each step, and the shared outcome categories.

Truth comes from numpy.linalg of the data the page describes, the table's own columns and
closed forms (tests/verdict_checks.py); random settings are in test_verdict_properties.py.
"""

import re

import numpy as np
import pytest
from verdict_checks import ONE, TWO, check_common, hessian_of, overshoots, said

from gd_app import demos
from gd_app.demos.fit import fit_run
from gd_core.verdict import Outcome


# ------------------------------------------------------------------ fit pages: cases
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


def test_outcome_members_are_the_shared_contract():
    assert {o.name: o.value for o in Outcome} == {
        "CREEP": "creeps towards the minimum",
        "DIRECT": "gets there without overshooting",
        "OVERSHOOT_SETTLE": "overshoots but settles",
        "BOUNCE": "bounces for ever",
        "HOVER": "hovers near the minimum without settling",
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
