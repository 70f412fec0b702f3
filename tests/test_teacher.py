"""Teacher links: ``hide`` and ``lock`` on every demo page, and the class link they share."""

from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from gd_app import teacher
from gd_app.controls import ONE_PARAMETER, OPTIMIZERS, SYMBOLIC, TWO_PARAMETERS
from tests.conftest import ROOT


def run(page, **query):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def plain(text: str) -> str:
    return text.replace("\\", "")


def shown_keys(at) -> set[str]:
    widgets = [*at.slider, *at.number_input, *at.text_input]  # sidebar and page alike
    widgets += [*at.select_slider, *at.selectbox, *at.toggle]
    return {w.key for w in widgets}


def test_split_keys_takes_commas_and_repeats():
    assert teacher.split_keys(["N,alpha", " m ", ""]) == ["N", "alpha", "m"]


def test_restrictions_name_unknown_keys_and_hidden_wins_over_locked():
    rules = teacher.restrictions({"hide": ["N,zz"], "lock": ["N,alpha"]}, ONE_PARAMETER)
    assert rules.hidden == {"N"} and rules.locked == {"alpha"}
    assert rules.unknown == (("hide", "zz"),)


@pytest.mark.parametrize(
    ("control", "raw", "expected"),
    [
        (ONE_PARAMETER[1], "6", 6.0),  # alpha, a slider 0.1 … 8
        (ONE_PARAMETER[1], "80", 1.15),  # out of range: the default, as a widget would
        (ONE_PARAMETER[1], "nan", 1.15),
        (ONE_PARAMETER[0], "7", 7),  # N stays an int
        (TWO_PARAMETERS[1], "0.31", 0.31),  # a select slider: the nearest option
        (TWO_PARAMETERS[8], "true", True),  # standardize
        (SYMBOLIC[0], "x" * 500, "x" * 200),  # text is cut at the formula bound
    ],
)
def test_hidden_values_follow_the_widgets_rules(control, raw, expected):
    assert teacher.link_value(control, raw) == expected


def test_share_query_holds_changed_and_pinned_values_and_the_class_keys():
    values = {c.key: c.default for c in ONE_PARAMETER} | {"alpha": 6.0}
    query = parse_qs(
        teacher.share_query(ONE_PARAMETER, values, hide=["N"], lock=["alpha"], predict=True)
    )
    assert query == {
        "alpha": ["6"],
        "N": ["20"],
        "hide": ["N"],
        "lock": ["alpha,predict"],  # prediction locked on: no switching it off to peek
        "predict": ["true"],
    }


def test_hidden_controls_vanish_locked_ones_are_disabled_and_link_values_apply():
    at = run("pages/one_parameter.py", alpha="6", N="7", hide="N,theta1", lock="alpha")
    assert not at.exception
    assert "N" not in shown_keys(at) and "theta1" not in shown_keys(at)
    alpha = next(s for s in at.slider if s.key == "alpha")  # in the page, above the figure
    assert alpha.disabled and alpha.value == 6.0
    assert len(at.dataframe[0].value) == 7  # the hidden N = 7 applies
    assert not [e for e in at.expander if e.label == "Share with a class"]


def test_unknown_hide_key_is_refused_by_name():
    at = run("pages/two_parameters.py", hide="alpha,bogus")
    messages = [plain(w.value) for w in at.warning]
    assert any("hide names bogus, which is not allowed" in m for m in messages), messages
    assert "alpha" not in shown_keys(at)


def test_out_of_range_hidden_value_is_refused_with_its_range():
    at = run("pages/one_parameter.py", alpha="80", hide="alpha")
    messages = [plain(w.value) for w in at.warning]
    assert any("alpha=80, which is not allowed (0.1 to 8)" in m for m in messages), messages


def test_lab_hides_and_locks_through_the_same_helpers():
    at = run("pages/optimizers.py", N="50", hide="f,preset", lock="N")
    assert not at.exception
    assert "f" not in {t.key for t in at.sidebar.text_input}
    assert next(n for n in at.sidebar.number_input if n.key == "N").disabled
    assert OPTIMIZERS[1].key == "f"


def test_share_panel_builds_the_link():
    at = run("pages/symbolic.py", alpha="0.3")
    at.multiselect(key="_share_hide_symbolic").set_value(["f"]).run()
    at.checkbox(key="_share_predict_symbolic").check().run()
    link = at.code[-1].value
    assert link.startswith("/symbolic?")
    query = parse_qs(link.split("?", 1)[1])
    assert query["alpha"] == ["0.3"] and query["hide"] == ["f"] and query["predict"] == ["true"]
    assert query["f"] == ["x**2"]


def test_the_data_choice_can_be_locked_or_hidden_and_travels_in_the_class_link():
    at = run("pages/two_parameters.py", data="anscombe", set="III", lock="data", hide="set")
    assert not at.exception
    data = at.selectbox(key="data")
    assert data.disabled and data.value == "anscombe"
    assert "set" not in {s.key for s in at.selectbox}
    assert not [w for w in at.warning if "not allowed" in w.value]
    teacher_view = run("pages/two_parameters.py", data="penguins")
    link = teacher_view.code[-1].value
    assert "data=penguins" in link


def test_prediction_locked_on_by_a_class_link_cannot_be_switched_off():
    at = run("pages/one_parameter.py", predict="true", lock="predict")
    toggle = at.toggle(key="predict")
    assert toggle.disabled and toggle.value is True
    assert at.radio(key="prediction").value is None and len(at.metric) == 0


def test_a_link_s_predict_value_other_than_true_or_false_is_refused_by_name():
    """predict=yes is no value of the toggle: the page says so instead of dropping it silently."""
    at = AppTest.from_file(str(ROOT / "pages/two_parameters.py"), default_timeout=60)
    at.query_params["predict"] = "yes"
    at.run()
    assert not at.exception
    said = " ".join(w.value.replace("\\", "") for w in at.warning)
    assert "predict=yes" in said and "true, false" in said and "predict = False" in said
    at = AppTest.from_file(str(ROOT / "pages/two_parameters.py"), default_timeout=60)
    at.query_params["predict"] = "true"
    at.run()
    assert not any("predict=" in w.value for w in at.warning)
