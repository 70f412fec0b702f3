"""Each page through streamlit.testing.v1.AppTest, as a visitor would use it."""

import importlib

import numpy as np
import pytest
from seed_reference import seed_1d, seed_2d
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGES = ["pages/one_parameter.py", "pages/two_parameters.py", "pages/symbolic.py"]


def run(page, timeout=60, **query):
    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def plain(text: str) -> str:
    """Message text without the backslashes that escape user text from markdown."""
    return text.replace("\\", "")


def table(at):
    return at.dataframe[0].value


def said(at) -> str:
    """The verdict box and the reasons under "Why?", as plain text."""
    boxes = [*at.success, *at.warning, *at.error, *at.markdown]
    return " ".join(plain(box.value) for box in boxes)


def assert_healthy(at):
    assert not at.exception, [e.message for e in at.exception]
    # One image per panel: the fit pages' cost and data panels, the symbolic page's figure.
    assert len(at.get("image")) in (1, 2)
    assert all(image.proto.imgs[0].alt for image in at.get("image")), "every panel needs alt text"
    assert len(at.dataframe) == 1
    assert len(at.metric) >= 3


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_and_shows_figure_table_metrics(page):
    at = run(page)
    assert_healthy(at)
    image = at.get("image")[0]
    assert image.proto.imgs[0].alt, "the figure needs alt text"


def test_home_links_every_demo():
    at = run("streamlit_app.py")
    assert not at.exception
    links = sorted(e.proto.page for e in at.get("page_link"))
    assert links == ["lessons", "one_parameter", "optimizers", "symbolic", "two_parameters"]


def test_one_parameter_table_is_the_seed_theta1_values():
    at = run("pages/one_parameter.py")
    seed_thetas, _ = seed_1d()
    np.testing.assert_allclose(table(at)["theta1"], seed_thetas, atol=1e-12)
    assert [m.label for m in at.metric] == ["final θ1", "final cost J", "steps taken"]
    assert at.metric[0].value == f"{seed_thetas[-1]:.6g}"
    # 20 points on [−1, 1]: λ = mean(x²) = 7/19, α_crit = 2/λ = 38/7 and 1/λ = 19/7
    assert "Each step went downhill without overshooting" in plain(at.success[0].value)
    assert f"α_crit = 2/λ = {38 / 7:.3g}" in said(at)
    assert f"α = 1.15 is at most 1/λ = {19 / 7:.3g}, so no step overshoots" in said(at)
    assert any("α_crit = 5.43" in plain(c.value) for c in at.main.markdown), "under α"


def test_two_parameter_table_is_the_seed_theta_list():
    at = run("pages/two_parameters.py")
    seed_thetas, _ = seed_2d()
    assert len(table(at)) == 15
    np.testing.assert_allclose(table(at)[["theta0", "theta1"]], np.array(seed_thetas), atol=1e-12)


def test_symbolic_shows_the_seeds_two_printed_lines():
    at = run("pages/symbolic.py")
    frame = table(at)
    x_min = frame["x"].iloc[-1]
    labels = {m.label: m.value for m in at.metric}
    assert labels["minimum found at x"] == f"{x_min:.6g}"
    assert labels["slope f′(x) there"] == f"{2 * x_min:.6g}"
    assert "next to a minimum" in plain(at.success[0].value)
    assert f"stopped after step {len(frame) - 1}, which was below the precision" in said(at)
    assert any("2 x" in latex.value for latex in at.latex)


@pytest.mark.parametrize(
    "page, key, value",
    [
        ("pages/one_parameter.py", "alpha", 0.5),
        ("pages/two_parameters.py", "N", 5),
        ("pages/symbolic.py", "alpha", 0.3),
    ],
)
def test_moving_a_control_changes_the_table(page, key, value):
    at = run(page)
    before = table(at).copy()
    widget = at.slider(key=key) if key in {w.key for w in at.slider} else at.number_input(key=key)
    widget.set_value(value).run()
    assert_healthy(at)
    assert not table(at).equals(before)


def test_a_url_parameter_sets_its_control():
    at = run("pages/two_parameters.py", alpha="0.3", N="10")
    assert at.select_slider(key="alpha").value == pytest.approx(0.3)
    assert at.slider(key="N").value == 10
    assert len(table(at)) == 10
    assert not [w for w in at.warning if w.icon == ":material/link:"]  # no refused value


def test_step_scrubber_highlights_a_row():
    at = run("pages/one_parameter.py", step="5")
    assert at.slider(key="step").value == 5
    marked = at.table[0].value  # the highlighted iterate's row, under the figure
    assert len(marked) == 1
    assert marked["k"].iloc[0] == "5"
    assert marked["θ1"].iloc[0] == f"{table(at)['theta1'].iloc[5]:.6f}"


@pytest.mark.parametrize(
    "page, key, value",
    [
        ("pages/one_parameter.py", "N", "1000000000"),
        ("pages/one_parameter.py", "alpha", "nan"),
        ("pages/two_parameters.py", "alpha", "inf"),
        ("pages/two_parameters.py", "m", "10**12"),
        ("pages/symbolic.py", "x0", "inf"),
        ("pages/symbolic.py", "max_iter", "10**12"),
        ("pages/symbolic.py", "alpha", "-1"),
        ("pages/one_parameter.py", "seed", "abc"),
    ],
)
def test_hostile_url_values_are_refused_with_a_message(page, key, value):
    at = run(page, **{key: value})
    assert_healthy(at)
    assert any(key in plain(w.value) and "not allowed" in plain(w.value) for w in at.warning)


def test_a_100k_character_f_is_cut_and_reported():
    at = run("pages/symbolic.py", f="x" * 100_000)
    assert not at.exception
    assert any("100,000 characters" in plain(w.value) for w in at.warning)
    assert at.error, "the cut text is still not a valid f(x)"


@pytest.mark.parametrize(
    "text",
    [
        "x +",
        "y**2",
        "__import__('os').system('true')",
        "2x",
        "factorial(x)",
        "9**9**9",
        "x**" * 19 + "x",
    ],
)
def test_bad_f_shows_a_message_not_a_traceback(text):
    at = run("pages/symbolic.py", f=text)
    assert not at.exception
    assert at.error and "Can't use this f(x)" in plain(at.error[0].value)
    assert not at.dataframe


@pytest.mark.parametrize(
    "query, words",
    [
        ({"f": "x**2", "alpha": "1.5", "max_iter": "10000"}, "overflow"),
        ({"f": "log(x)", "x0": "1", "alpha": "2"}, "domain"),
        ({"f": "-x**2", "max_iter": "10000"}, "overflow"),
    ],
)
def test_numerical_faults_show_where_and_why_through_the_page(query, words):
    at = run("pages/symbolic.py", **query)
    assert_healthy(at)
    assert (
        at.error and words in plain(at.error[0].value) and "iteration" in plain(at.error[0].value)
    )
    frame = table(at)
    assert np.all(np.isfinite(frame[["x", "f", "df"]].to_numpy()))


def test_f_undefined_at_the_start_is_a_message():
    at = run("pages/symbolic.py", f="1/x", x0="0")
    assert not at.exception
    message = plain(at.error[0].value)
    assert "initial guess" in message and "division by zero" in message


def test_fit_pages_take_the_largest_allowed_work():
    at = run("pages/two_parameters.py", N="1000", m="100000", noise="2", alpha="2.5", timeout=120)
    assert_healthy(at)
    assert at.error and "overflow" in plain(at.error[0].value)


def test_lowering_n_below_the_highlighted_iterate_resets_it():
    at = run("pages/two_parameters.py", N="8", step="7")
    assert at.slider(key="step").value == 7
    at.slider(key="N").set_value(6).run()
    assert_healthy(at)
    assert at.slider(key="step").value == 0 and at.slider(key="step").max == 5


def test_a_refused_step_in_the_link_is_reported():
    at = run("pages/two_parameters.py", N="10", step="15")
    assert_healthy(at)
    assert any("step" in plain(w.value) and "not allowed" in plain(w.value) for w in at.warning)


@pytest.mark.parametrize(
    "query",
    [
        {"f": "x**100*10**10", "x0": "900"},  # every value beyond 1e300
        {"f": "x**100", "x0": "1", "alpha": "10"},  # slopes up to 1e298 on a log axis
        {"f": "exp(100*x)/100", "x0": "7.08", "alpha": "10"},
    ],  # the step itself overflows
)
def test_extreme_symbolic_inputs_end_with_a_message(query):
    at = run("pages/symbolic.py", **query)
    assert not at.exception, [e.message for e in at.exception]
    assert at.error or at.warning


@pytest.mark.parametrize("f, x0", [("cos(x)", "0"), ("-x**2", "0"), ("x**3", "0")])
def test_a_flat_point_that_is_no_minimum_is_called_so(f, x0):
    at = run("pages/symbolic.py", f=f, x0=x0)
    assert_healthy(at)
    assert "not a minimum" in plain(at.warning[0].value)


# ------------------------------------------------------------------ symbolic page (issues 9, 14)
def test_precision_moves_by_decades_from_1e_12_to_1():
    at = run("pages/symbolic.py")
    slider = at.select_slider(key="precision")
    assert slider.value == 1e-4  # the seed's default
    assert [float(o) for o in slider.options] == [10.0**-n for n in range(12, -1, -1)]
    rows_at_default = len(table(at))
    slider.set_value(1e-5).run()
    assert_healthy(at)
    assert at.select_slider(key="precision").value == 1e-5
    assert len(table(at)) > rows_at_default  # a finer precision takes more steps


@pytest.mark.parametrize(
    "value, nearest", [("3e-05", "1e-5"), ("0.002", "1e-3"), ("5", "1"), ("1e-20", "1e-12")]
)
def test_an_old_precision_link_is_refused_naming_the_nearest_allowed_value(value, nearest):
    at = run("pages/symbolic.py", precision=value)
    assert not at.exception
    messages = [plain(w.value) for w in at.warning if "link sets precision" in plain(w.value)]
    assert len(messages) == 1 and "not allowed" in messages[0]
    assert f"nearest allowed value is {nearest};" in messages[0]
    assert f"using precision = {nearest} instead" in messages[0]  # the nearest, not the default
    assert at.select_slider(key="precision").value == float(nearest)


@pytest.mark.parametrize("value", ["1e-12", "1e-4", "0.0001", "1e-05", "0.1", "1"])
def test_a_precision_link_with_an_allowed_value_is_taken_silently(value):
    at = run("pages/symbolic.py", precision=value)
    assert_healthy(at)
    assert not [w for w in at.warning if "link sets precision" in plain(w.value)]
    assert at.select_slider(key="precision").value == float(value)


def test_after_a_fault_the_last_row_describes_only_itself():
    at = run("pages/symbolic.py", f="x**2", alpha="1.5", max_iter="10000")
    assert_healthy(at)
    status = table(at)["status"].iloc[-1]
    assert "fault" not in status and "stopped" not in status
    assert status == "overshoot: crossed f′ = 0; f rose; step longer"
    verdict = plain(at.error[0].value)
    assert "would have landed on x = -2.01117e+154" in verdict and "overflow" in verdict


def test_a_long_derivative_is_shortened_with_the_full_form_on_request():
    f = "exp(sin(x)*cos(x)**2)*atan(x**3 + x)/(1 + x**2)"
    at = run("pages/symbolic.py", f=f)
    assert_healthy(at)
    lines = [plain(m.value) for m in at.get("latex")] if at.get("latex") else []
    lines = lines or [m.body for m in at.markdown if m.body.startswith("$$")]
    assert any("too long for one line" in line for line in lines)
    assert any("full f″(x)" in e.label for e in at.main.expander)
    assert len(at.code) >= 1 and "atan" in at.code[-1].value


def test_an_unexpected_error_surfaces_as_a_bug(monkeypatch):
    symbolic = importlib.import_module("gd_app.demos.symbolic")

    def broken(**params):
        raise ValueError("a bug in the view model")

    monkeypatch.setattr(symbolic, "run_symbolic", broken)
    at = run("pages/symbolic.py", f="x**2 + 0.123")
    assert at.exception and "a bug in the view model" in at.exception[0].message


def test_work_over_budget_is_said_plainly(monkeypatch):
    from gd_core.errors import OverBudget

    symbolic = importlib.import_module("gd_app.demos.symbolic")

    def slow(**params):
        raise OverBudget("took longer than the 2 s limit and was stopped")

    monkeypatch.setattr(symbolic, "run_symbolic", slow)
    at = run("pages/symbolic.py", f="x**2 + 0.456")
    assert not at.exception
    assert "f(x) took too long to analyse, try a simpler form" in plain(at.error[0].value)
    assert not at.dataframe


@pytest.mark.parametrize(
    ("page", "key", "value", "nearest"),
    [
        ("pages/symbolic.py", "alpha", "20", 10.0),
        ("pages/symbolic.py", "x0", "-5000", -1000.0),
        ("pages/one_parameter.py", "N", "5000", 1000),
        # ±inf in a whole-number control: Streamlit's own reading raises on int(inf)
        ("pages/one_parameter.py", "N", "1e400", 1000),
        ("pages/one_parameter.py", "m", "inf", 100000),
        ("pages/symbolic.py", "max_iter", "1e400", 10000),
        ("pages/two_parameters.py", "N", "-inf", 2),
        # the optimizer lab's sidebar: the nearest end too, not the default
        ("pages/optimizers.py", "lr_gd", "100", 10.0),
        ("pages/optimizers.py", "N", "1e400", 5000),
    ],
)
def test_a_number_past_its_range_in_a_link_starts_at_the_nearest_end(page, key, value, nearest):
    """The message names both values, the widget shows what is used, and the link keeps it."""
    at = run(page, **{key: value})
    assert not at.exception
    messages = [plain(w.value) for w in at.warning if w.icon == ":material/link:"]
    assert len(messages) == 1 and f"{key}={value}, which is not allowed" in messages[0]
    assert f"using {key} = {nearest:g} instead" in messages[0]
    assert at.session_state[key] == nearest
    link = at.query_params[key]
    assert float(link if isinstance(link, str) else link[0]) == nearest
