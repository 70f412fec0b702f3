"""The fit pages' new controls through AppTest: data range, standardize, batch, schedule."""

import numpy as np
import pytest
from test_pages import assert_healthy, plain, run, said, table

TWO = "pages/two_parameters.py"
ONE = "pages/one_parameter.py"


def link_warnings(at):
    return [w for w in at.warning if w.icon == ":material/link:"]


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_zig_zag_link_shows_kappa_bound_and_eigen_line():
    at = run(TWO, x_low="9", x_high="11", alpha="0.018")
    assert_healthy(at)
    assert not link_warnings(at)
    assert not at.success  # 14 steps leave it far from θ* along the valley: no green verdict
    assert at.select_slider(key="alpha").value == pytest.approx(0.018)
    assert at.slider(key="x_low").value == 9 and at.slider(key="x_high").value == 11
    assert metric(at, "κ of XᵀX/m") == "2.79e+04"
    assert metric(at, "steps to within 1e-6") == "not in 14"
    why = said(at)
    assert "κ = λmax/λmin = 2.789e+04" in why and "at most 227,058 steps" in why
    note = next(plain(c.value) for c in at.main.markdown if "α_crit =" in plain(c.value))
    critical = note.split("α_crit = ")[1].split(" ")[0]
    fastest = note.split("fastest at ")[1].split(" ")[0].rstrip("]")
    assert critical.startswith("0.0197") and fastest.startswith("0.0197")
    assert critical != fastest  # α_opt and α_crit told apart
    # The fastest α the slider can take is on its grid, and below α_crit.
    on_slider = float(note.split("on this slider: α = ")[1].split(")")[0])
    assert on_slider == 0.019 and on_slider < float(critical)


def test_standardize_toggle_gives_kappa_one_and_both_units():
    at = run(TWO, x_low="9", x_high="11", alpha="1")
    at.toggle(key="standardize").set_value(True).run()
    assert_healthy(at)
    assert metric(at, "κ of XᵀX/m") == "1"
    frame = table(at)
    assert {"theta0_std", "theta1_std", "theta0", "theta1"} <= set(frame.columns)
    np.testing.assert_allclose(frame[["theta0", "theta1"]].iloc[-1], [2, 2], atol=1e-9)
    assert metric(at, "steps to within 1e-6") == "1"


def test_standardize_from_a_link():
    at = run(TWO, standardize="true", x_low="-20", x_high="20", alpha="1.8")
    assert_healthy(at)
    assert at.toggle(key="standardize").value is True
    assert "overshot" in table(at)["status"][1]  # α = 1.8 > 1/λ = 1 (κ = 1 after standardizing)


@pytest.mark.parametrize(
    "query, key",
    [
        ({"x_low": "3", "x_high": "-2"}, "x_low"),
        ({"x_low": "2", "x_high": "2"}, "x_low"),
        ({"batch": "21"}, "batch"),
        ({"batch": "50000", "m": "100000", "N": "1000"}, "batch"),
    ],
)
def test_impossible_combinations_are_refused_with_a_message(query, key):
    at = run(TWO, **query)
    assert_healthy(at)
    assert any(key in plain(w.value) and "not allowed" in plain(w.value) for w in at.warning)


@pytest.mark.parametrize(
    "page, key, value",
    [
        (TWO, "alpha", "0.755"),
        (TWO, "alpha", "5"),
        (TWO, "x_low", "-25"),
        (TWO, "schedule", "linear"),
        (TWO, "decay", "2"),
        (TWO, "standardize", "yes"),
        (ONE, "batch", "-1"),
        (ONE, "alpha", "9"),
    ],
)
def test_out_of_range_link_values_are_refused(page, key, value):
    at = run(page, **{key: value})
    assert_healthy(at)
    assert any(key in plain(w.value) and "not allowed" in plain(w.value) for w in at.warning)


@pytest.mark.parametrize("alpha", ["0.00001", "0.000011", "0.7", "1.0", "2.5", "3"])
def test_two_parameter_alpha_keeps_old_links_and_reaches_the_ends(alpha):
    at = run(TWO, alpha=alpha)
    assert_healthy(at)
    assert not link_warnings(at)
    assert at.select_slider(key="alpha").value == pytest.approx(float(alpha))


def test_one_parameter_alpha_reaches_divergence_for_large_m():
    at = run(ONE, alpha="7.5", m="100000", N="30")
    assert_healthy(at)
    assert not link_warnings(at)
    assert "diverges" in plain(at.error[0].value)
    link = run(ONE, alpha="1.15")
    assert link.slider(key="alpha").value == pytest.approx(1.15)


def test_moving_the_alpha_select_slider_changes_the_table():
    at = run(TWO)
    before = table(at).copy()
    at.select_slider(key="alpha").set_value(0.5).run()
    assert_healthy(at)
    assert not table(at).equals(before)


@pytest.mark.parametrize("page", [ONE, TWO])
def test_batch_and_schedule_controls(page):
    at = run(page, batch="4", N="12", noise="0.5")
    assert_healthy(at)
    name = "theta1" if page == ONE else "theta0"
    assert f"batch_grad_{name}" in table(at).columns
    assert any("mini-batch of 4" in plain(c.value) for c in at.caption)
    at.selectbox(key="schedule").set_value("exponential").run()
    at.slider(key="decay").set_value(0.5).run()
    assert_healthy(at)
    alphas = table(at)["alpha"].to_numpy()
    alpha = 1.15 if page == ONE else 0.7
    np.testing.assert_allclose(alphas[1:], alpha * np.exp(-0.5 * np.arange(11)), rtol=1e-15)
    J, statuses = table(at)["J"].to_numpy(), list(table(at)["status"])
    for k in range(1, len(J)):  # each status says what the step did to the full-batch J
        assert ("J fell" in statuses[k]) <= (J[k] < J[k - 1]), (k, statuses[k])
        assert ("J rose" in statuses[k]) <= (J[k] > J[k - 1]), (k, statuses[k])
        assert "J fell" in statuses[k] or "J rose" in statuses[k] or "J unchanged" in statuses[k]


def test_the_same_link_gives_the_same_table_twice():
    query = dict(batch="3", noise="1", seed="7", N="40", schedule="cosine", x_low="-3")
    first, second = run(TWO, **query), run(TWO, **query)
    assert table(first).equals(table(second))
