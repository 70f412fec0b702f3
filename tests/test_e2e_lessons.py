"""End to end in headless Chromium: a whole lesson walked (predict, reveal, next step),
prediction mode hiding the outcome in the DOM until an answer, and a teacher's link whose
hidden and locked controls can't be changed on the page. One server for the module; a
screenshot of every lesson step before and after its answer under artifacts/screenshots/.
"""

# ruff: noqa: F811 (pytest fixtures imported from e2e_support are parameters here)
from __future__ import annotations

import pytest
from e2e_support import (  # noqa: F401 (fixtures)
    SCREENSHOTS,
    act,
    browser,
    figure,
    logs,
    new_context,
    open_page,
    page,
    query,
    server,
    slider,
    wait_idle,
)
from test_e2e_fit import screenshot

from gd_app import lessons

pytestmark = pytest.mark.browser

MAIN = '[data-testid="stMain"]'
ALERT = f'{MAIN} [data-testid="stAlert"]'
METRIC = f'{MAIN} [data-testid="stMetric"]'
LESSONS = lessons.load()[0]


def answer(page, option: str) -> None:
    """Tick ``option`` in the prediction radio, then commit it."""
    radio = page.locator(f"{MAIN} .st-key-prediction")
    radio.get_by_text(option, exact=True).click()
    enabled = f"{MAIN} .st-key-commit_prediction button:not([disabled])"
    page.wait_for_selector(enabled, timeout=60_000)  # the tick reached the server
    wait_idle(page, 60)
    commit = page.locator(enabled)
    act(page, commit.click, 120)


def header(page) -> str:
    return page.locator(f"{MAIN} h2").first.inner_text()


def outcome_shown(page) -> bool:
    """Any element that tells how the run ends: an alert, a metric, a 'Next step' button."""
    return (
        page.locator(ALERT).count()
        + page.locator(METRIC).count()
        + page.locator(f"{MAIN} .st-key-next_step").count()
    ) > 0


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
def test_walk_a_whole_lesson_predict_reveal_next(server, page, lesson):
    open_page(page, f"{server.url}/lessons?lesson={lesson.name}&lesson_step=1", timeout=120)
    for number, step in enumerate(lesson.steps, 1):
        page.locator(f"{MAIN} .st-key-prediction").wait_for(timeout=120_000)
        wait_idle(page, 120)
        assert header(page) == f"Step {number}: {step.title}"
        assert query(page)["lesson_step"] == str(number)
        assert not outcome_shown(page), "the outcome shows before the answer"
        figure(page)
        screenshot(page, f"lesson_{lesson.name}_{number}_predict")
        options = page.locator(f'{MAIN} .st-key-prediction [role="radiogroup"] label')
        options = options.all_inner_texts()
        assert len(options) >= 2
        answer(page, options[0].strip())
        reveal = page.locator(ALERT).first.inner_text()
        assert "You predicted" in reveal and "Why:" in reveal
        assert ("That's right" in reveal) != ("Not quite" in reveal)
        figure(page)
        screenshot(page, f"lesson_{lesson.name}_{number}_reveal")
        if number < len(lesson.steps):
            act(page, lambda: page.locator(f"{MAIN} .st-key-next_step button").click(), 120)
        else:
            assert "last step" in page.locator(ALERT).last.inner_text()


def test_prediction_mode_hides_the_outcome_in_the_dom_until_answered(server, page):
    open_page(
        page, f"{server.url}/two_parameters?alpha=2.1&predict=true", ready=".st-key-prediction"
    )
    figure(page)
    assert page.locator(METRIC).count() == 0
    assert page.locator(ALERT).count() == 0  # no verdict, no α_crit line
    controls = page.locator('[data-testid="stApp"]').inner_text()  # sidebar and page
    assert "α_crit =" not in controls
    assert "nothing after it is drawn" in figure(page)[1]
    screenshot(page, "two_parameters_predict_asked")
    answer(page, "diverges")
    page.locator(METRIC).first.wait_for()
    texts = page.locator(ALERT).all_inner_texts()
    assert any("This run diverges" in t and "That's right" in t for t in texts)
    assert "α_crit =" in page.locator('[data-testid="stApp"]').inner_text()  # under α
    screenshot(page, "two_parameters_predict_revealed")


def test_hidden_and_locked_controls_come_from_the_link_and_cannot_change(server, page):
    url = f"{server.url}/one_parameter?alpha=6&N=7&hide=N,theta1&lock=alpha"
    open_page(page, url, ready='[data-testid="stMetric"]')
    app = page.locator('[data-testid="stApp"]')  # α and N in the page, the rest folded
    assert app.locator(".st-key-N").count() == 0
    assert app.locator(".st-key-theta1").count() == 0
    assert app.locator(".st-key-m").count() == 1  # the others stay
    thumb = slider(page, "alpha")
    assert thumb.is_disabled()
    thumb.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    wait_idle(page)
    assert query(page)["alpha"] == "6" and thumb.input_value() == "6"
    iterate = app.locator('.st-key-step input[type="range"]')
    assert iterate.get_attribute("max") == "6"  # the hidden N = 7 applies: iterates 0 … 6
    assert app.get_by_text("Share with a class").count() == 0
    screenshot(page, "one_parameter_teacher_link")


def test_play_reveals_then_the_end_shows_the_whole_run(server, page):
    open_page(page, f"{server.url}/one_parameter?N=8&speed=2", ready='[data-testid="stMetric"]')
    assert "nothing after it is drawn" not in figure(page)[1]  # by hand: the whole run
    page.locator(f"{MAIN} .st-key-play button").first.click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stImage"] img')]
            .some(img => (img.alt || '').includes('nothing after it is drawn'))""",
        timeout=60_000,
    )
    alt = figure(page)[1]
    assert "up to iterate" in alt and "nothing after it is drawn" in alt
    page.wait_for_function(  # at the last iterate the whole path is there again
        """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stImage"] img')]
            .every(img => !(img.alt || '').includes('nothing after it is drawn'))""",
        timeout=60_000,
    )
    wait_idle(page, 60)
    assert "Iterate 7 of 7" in page.locator(MAIN).inner_text()


def test_lesson_step_on_a_phone(server, new_context):
    context = new_context()
    phone = context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    open_page(phone, f"{server.url}/lessons?lesson=03_narrow_valleys&lesson_step=2", timeout=120)
    phone.locator(f"{MAIN} .st-key-prediction").wait_for(timeout=120_000)
    figure(phone)
    phone.screenshot(path=str(SCREENSHOTS / "lesson_phone_predict.png"), full_page=True)
    answer(phone, "creeps towards the minimum")
    figure(phone)
    phone.screenshot(path=str(SCREENSHOTS / "lesson_phone_reveal.png"), full_page=True)
    assert "You predicted" in phone.locator(ALERT).first.inner_text()
