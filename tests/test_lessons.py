"""Lessons: files checked against the controls' keys and ranges, answers from runs."""

from urllib.parse import parse_qs

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gd_app import lessons, outcomes
from gd_app.outcomes import Outcome
from tests.conftest import ROOT

GOOD_STEP = """
[[steps]]
title = "t"
page = "one_parameter"
settings = {{ alpha = {alpha} }}
question = "outcome"
intro = "i"
explain = "e"
"""


def lesson_text(*alphas, extra: str = "") -> str:
    head = f'title = "T"\nsummary = "S"\norder = 1\n{extra}'
    return head + "".join(GOOD_STEP.format(alpha=a) for a in alphas)


def test_built_in_lessons_all_load_with_3_to_6_steps():
    found, problems = lessons.load()
    assert problems == ()
    assert len(found) >= 6
    assert all(3 <= len(lesson.steps) <= 6 for lesson in found)
    pages = {step.page for lesson in found for step in lesson.steps}
    assert pages == set(lessons.PAGES)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (lesson_text(1.0, 2.0, 80.0), "steps[3].settings.alpha = 80.0 is not allowed (0.1 to 8)"),
        (lesson_text(1.0, 2.0, 3.0, extra='colour = "red"\n'), "colour is not a key of a lesson"),
        (
            lesson_text(1.0, 2.0, 3.0).replace("alpha =", "alfa =", 1),
            "steps[1].settings.alfa is not a",
        ),
        (lesson_text(1.0, 2.0), "a lesson has 3 to 6 steps, not 2"),
        (lesson_text(1.0, 2.0, 3.0).replace('"outcome"', '"lowest"', 1), "steps[1].question"),
        (lesson_text(1.0, 2.0, 3.0) + 'hide = ["bogus"]\n', "steps[3].hide names ['bogus']"),
    ],
)
def test_a_bad_file_is_reported_by_file_and_key_and_the_others_still_load(tmp_path, text, named):
    (tmp_path / "good.toml").write_text(lesson_text(1.0, 2.0, 3.0), encoding="utf-8")
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    found, problems = lessons.load(tmp_path)
    assert [lesson.name for lesson in found] == ["good"]
    assert len(problems) == 1 and problems[0].startswith("bad.toml: ")
    assert named in problems[0], problems[0]


def test_settings_in_range_fill_the_rest_with_defaults(tmp_path):
    lesson = lessons.parse_lesson("x", lesson_text(0.5, 1.0, 6.0))
    assert [s.values["alpha"] for s in lesson.steps] == [0.5, 1.0, 6.0]
    assert lesson.steps[0].values["N"] == 20  # the control's default


def test_answer_key_follows_the_run_across_alpha_crit():
    """A lesson scenario's α moved across α_crit = 2/J″ (J″ = mean(x²) of the page's data)."""
    lesson = next(x for x in lessons.load()[0] if x.name == "02_overshoot")
    step = lesson.steps[0]
    critical = 2.0 / np.mean(np.linspace(-1.0, 1.0, step.values["m"]) ** 2)
    keys = {}
    for alpha in (0.97 * critical, 1.03 * critical):
        values = step.values | {"alpha": alpha}
        keys[alpha] = outcomes.question(step.page, values, step.question).answer
    below, above = keys.values()
    assert below == Outcome.OVERSHOOT_SETTLE.value and above == Outcome.DIVERGE.value


def test_worksheet_has_questions_and_scenario_links_and_no_answers():
    lesson = next(x for x in lessons.load()[0] if x.name == "01_learning_rate")
    sheet = lessons.worksheet(lesson, "https://example.org")
    assert sheet.count("## Step") == len(lesson.steps)
    assert "<https://example.org/one_parameter?alpha=0.3&" in sheet and "lock=alpha" in sheet
    assert "predict=true" in sheet and "- [ ] diverges" in sheet
    assert "That's right" not in sheet and "Why:" not in sheet


def test_lesson_page_walks_a_lesson_from_the_link():
    at = AppTest.from_file(str(ROOT / "pages/lessons.py"), default_timeout=120)
    at.query_params.update(lesson="01_learning_rate", lesson_step="3")
    at.run()
    assert not at.exception
    assert at.selectbox(key="lesson_step").value == 3
    assert len(at.get("download_button")) == 1  # the worksheet
    assert not at.success and not at.info  # no verdict before the answer
    at.radio(key="prediction").set_value("diverges").run()
    at.button(key="commit_prediction").click().run()
    assert "This run diverges" in at.success[0].value.replace("\\", "")
    assert at.query_params["lesson_step"] == ["3"] or at.query_params["lesson_step"] == "3"


def test_unknown_lesson_in_the_link_is_refused_by_name():
    at = AppTest.from_file(str(ROOT / "pages/lessons.py"), default_timeout=120)
    at.query_params.update(lesson="nope")
    at.run()
    assert any("lesson=nope, which is not allowed" in w.value.replace("\\", "") for w in at.warning)


STEPS = [
    (lesson, number, step)
    for lesson in lessons.load()[0]
    for number, step in enumerate(lesson.steps, 1)
]


@pytest.mark.parametrize(
    ("lesson", "number", "step"), STEPS, ids=[f"{x.name}-{n}" for x, n, _ in STEPS]
)
def test_every_steps_scenario_link_opens_its_page_in_prediction_mode(lesson, number, step):
    """The worksheet's and the step's link: the page runs, asks, and hides what it should."""
    at = AppTest.from_file(str(ROOT / f"pages/{step.page}.py"), default_timeout=180)
    for key, values in parse_qs(step.query()).items():
        at.query_params[key] = values if len(values) > 1 else values[0]
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not [w.value for w in at.warning if "not allowed" in w.value]
    assert at.radio(key="prediction").value is None and len(at.metric) == 0
    assert at.toggle(key="predict").disabled  # locked on by the link
    shown = {w.key for w in [*at.sidebar.slider, *at.sidebar.number_input, *at.sidebar.toggle]}
    assert not shown & set(step.hide)
