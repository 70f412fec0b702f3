"""Prediction mode: the outcome stays hidden until an answer is committed, and the answer
key comes from the run (the learning rate against α_crit = 2/λmax from numpy.linalg)."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gd_app import outcomes
from gd_app.controls import ONE_PARAMETER, TWO_PARAMETERS, defaults
from gd_app.outcomes import Outcome
from gd_core.linear import design_matrix, line_data
from tests.conftest import ROOT


def run(page, **query):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def alpha_crit_two(x_low: float, x_high: float, m: int = 20) -> float:
    """2/λmax of XᵀX/m for the two-parameter page's data, by numpy.linalg."""
    data = line_data(m=m, theta_true=(2.0, 2.0), noise=0.0, seed=0, x_low=x_low, x_high=x_high)
    X = design_matrix(data.x, intercept=True)
    return 2.0 / np.linalg.eigvalsh(X.T @ X / m)[-1]


def test_answer_key_changes_when_alpha_crosses_alpha_crit():
    critical = alpha_crit_two(-1.0, 1.0)
    base = defaults(TWO_PARAMETERS) | {"N": 40}
    below = outcomes.question("two_parameters", base | {"alpha": round(0.95 * critical, 2)})
    above = outcomes.question("two_parameters", base | {"alpha": round(1.05 * critical, 2)})
    assert below.answer == Outcome.OVERSHOOT_SETTLE.value
    assert above.answer == Outcome.DIVERGE.value
    assert "α_crit" in above.reason


@pytest.mark.parametrize(
    ("alpha", "expected"),
    [(0.3, Outcome.CREEP), (3.0, Outcome.OVERSHOOT_SETTLE), (6.0, Outcome.DIVERGE)],
)
def test_one_parameter_outcomes_against_the_closed_form(alpha, expected):
    # y = 0.5x on 20 points in [-1, 1]: J″ = mean(x²), α_crit = 2/mean(x²), 1/J″ the no-overshoot limit
    x = np.linspace(-1, 1, 20)
    curvature = np.mean(x**2)
    assert (alpha < 1 / curvature) == (expected is Outcome.CREEP)
    assert (alpha > 2 / curvature) == (expected is Outcome.DIVERGE)
    values = defaults(ONE_PARAMETER) | {"alpha": alpha, "N": 200 if alpha < 1 else 40}
    got = outcomes.judge_run("one_parameter", values).outcome
    if expected is Outcome.CREEP:  # 200 steps at α = 0.3 reach 1e-6: then it got there directly
        assert got in (Outcome.CREEP, Outcome.DIRECT) and got is not Outcome.OVERSHOOT_SETTLE
    else:
        assert got is expected


def test_steps_question_counts_the_runs_own_steps():
    values = defaults(TWO_PARAMETERS) | {"alpha": 1.0, "N": 200}
    q = outcomes.question("two_parameters", values, "steps")
    # At α = 1 the λ = 1 direction (the intercept) is solved in one step; along the slope,
    # λ = mean(x²) and the error 2 shrinks by 1 − λ per step: first k with 2(1 − λ)^k ≤ 1e-6.
    lam = np.linalg.eigvalsh(np.diag([1.0, np.mean(np.linspace(-1, 1, 20) ** 2)]))[0]
    k = int(np.ceil(np.log(1e-6 / 2.0) / np.log(1 - lam)))
    assert 21 <= k <= 100 and q.answer == outcomes.STEP_RANGES[2]
    assert f"after {k} steps" in q.happened


def test_prediction_mode_hides_the_outcome_until_answered_then_reveals_it():
    at = run("pages/two_parameters.py", alpha="2.1", predict="true")
    assert not at.exception
    assert len(at.metric) == 0 and len(at.info) == 0
    assert len(at.dataframe[0].value) == 1  # row 0 only
    assert not any("α_crit =" in m.value for m in at.markdown)  # no limit shown
    radio = at.radio(key="prediction")
    assert radio.value is None and "diverges" in radio.options
    radio.set_value("overshoots but settles").run()
    assert len(at.metric) == 0, "choosing is not committing"
    at.button(key="commit_prediction").click().run()
    reveal = at.warning[0].value.replace("\\", "")
    assert "This run diverges" in reveal and "Not quite" in reveal and "α_crit" in reveal
    assert len(at.metric) >= 3 and len(at.dataframe[0].value) > 1


def test_changing_a_control_asks_again():
    at = run("pages/one_parameter.py", predict="true")
    at.radio(key="prediction").set_value("creeps towards the minimum").run()
    at.button(key="commit_prediction").click().run()
    assert len(at.metric) >= 3
    at.slider(key="alpha").set_value(6.0).run()
    assert len(at.metric) == 0 and at.radio(key="prediction").value is None


def test_prediction_off_by_default():
    at = run("pages/one_parameter.py")
    assert not at.radio and len(at.metric) >= 3


def player_text(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(":small[Iterate")]


@pytest.mark.parametrize(
    ("page", "settings"),
    [
        # x² from 3: x_k = 3·(1 − 2α)^k; α = 0.1 stops early (its steps fall below the
        # precision within 100), α = 1.1 diverges and takes all 100 steps.
        ("pages/symbolic.py", [{"f": "x**2", "x0": "3", "alpha": a} for a in ("0.1", "1.1")]),
        # bowl x² + 25y²: gd at α = 0.03 < 2/50 reaches |∇f| < tol and stops; at 0.05 > 2/50
        # it diverges through all 300 steps.
        (
            "pages/optimizers.py",
            [{"preset": "bowl", "methods": "gd", "N": "301", "lr_gd": a} for a in ("0.03", "0.05")],
        ),
    ],
)
def test_before_the_answer_the_scrubber_spans_the_iterates_allowed(page, settings):
    """The scrubber's length and the player's count would tell a run that stops early from
    one that runs to the end: before the answer both span the iterates the settings allow."""
    early, late = (run(page, predict="true", **values) for values in settings)
    span = 100 if "symbolic" in page else 300  # the steps allowed: max_iter, or N − 1
    for at in (early, late):
        assert not at.exception and at.radio(key="prediction").value is None
        assert at.slider(key="step").max == span
        assert player_text(at) == [f":small[Iterate 0 of {span}]"]
    # Scrubbed past its end, the early run shows its last iterate and says where it stopped.
    early.slider(key="step").set_value(span).run()
    (text,) = player_text(early)
    assert text.startswith(f":small[Iterate {span} of {span} · the run stopped at iterate ")
    # Without prediction mode the scrubber spans the run's own iterates.
    assert run(page, **settings[0]).slider(key="step").max < span


def test_before_the_answer_the_symbolic_table_s_row_0_keeps_its_alpha_crit_hidden():
    # x² from 3 at α = 1.1: the local α_crit = 2/f″ = 1 is below α, which tells it diverges.
    at = run("pages/symbolic.py", predict="true", f="x**2", x0="3", alpha="1.1")
    (row0,) = [d.value for d in at.dataframe]
    assert len(row0) == 1 and "alpha_crit" not in row0.columns and "x" in row0.columns
    at.radio(key="prediction").set_value("diverges").run()
    at.button(key="commit_prediction").click().run()
    table = at.dataframe[-1].value
    assert len(table) > 1 and table["alpha_crit"].iloc[0] == 1.0  # 2/f″ with f″ = 2
