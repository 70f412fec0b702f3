"""End to end, issue 11: the fit pages' data range, standardize, mini-batch and schedule controls
in a real headless Chromium, with screenshots of the zig-zag, its cure and a mini-batch fan.

Reuses the server, browser and wait logic of tests/e2e_support.py.
"""

# ruff: noqa: F811 (pytest fixtures imported from e2e_support are parameters here)
from __future__ import annotations

import pytest
from e2e_support import (  # noqa: F401 (fixtures)
    ROOT,
    SCREENSHOTS,
    VIEWPORT,
    act,
    assert_result_block,
    browser,
    choose,
    expanders_still,
    figure,
    logs,
    metrics,
    new_context,
    one_parameter,
    open_page,
    page,
    query,
    reveal,
    server,
    slider_value,
    two_parameters,
    wait_idle,
)

pytestmark = pytest.mark.browser

READY = '[data-testid="stMetric"]'


def screenshot(page, name: str) -> None:
    """The whole page, grown to its content, saved under artifacts/screenshots/."""
    figure(page)
    page.evaluate("document.fonts.ready.then(() => true)")
    height = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight,
             ...['stMain', 'stAppViewContainer', 'stSidebarContent'].map(
                 id => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight || 0))"""
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(height, 1000), 8000)})
    page.wait_for_timeout(300)
    wait_idle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    page.set_viewport_size(VIEWPORT)
    assert target.stat().st_size > 10_000
    print(f"\nscreenshot: {target.relative_to(ROOT)}")


def alerts(page, kind: str) -> list[str]:
    return page.locator(
        f'[data-testid="stMain"] [data-testid="stAlertContent{kind}"]'
    ).all_inner_texts()


def test_zig_zag_and_its_cure(server, page):
    zig = dict(x_low=9.0, x_high=11.0, alpha=0.018)
    open_page(page, f"{server.url}/two_parameters?x_low=9&x_high=11&alpha=0.018", ready=READY)
    assert slider_value(page, "x_low") == 9 and slider_value(page, "x_high") == 11
    assert slider_value(page, "alpha") == pytest.approx(0.018)
    assert_result_block(page, two_parameters(**zig))
    assert ("κ of XᵀX/m", "2.79e+04") in metrics(page)
    assert "zig" not in " ".join(alerts(page, "Warning"))
    screenshot(page, "fit_zigzag")

    # The cure: standardize x with the toggle; the link keeps it.
    reveal(page, "standardize")
    toggle = page.locator('[data-testid="stApp"] .st-key-standardize input')
    act(page, lambda: page.locator('[data-testid="stApp"] .st-key-standardize label').click())
    assert toggle.is_checked()
    assert query(page)["standardize"] == "true"
    assert_result_block(page, two_parameters(**zig, standardize=True))
    assert ("κ of XᵀX/m", "1") in metrics(page)

    link = "/two_parameters?x_low=9&x_high=11&alpha=1.8&standardize=true&step=1"
    open_page(page, server.url + link, ready=READY)
    assert_result_block(page, two_parameters(x_low=9.0, x_high=11.0, alpha=1.8, standardize=True))
    _, alt = figure(page)
    assert "standardized parameters" in alt
    screenshot(page, "fit_cure")


def test_mini_batch_fan_and_schedule(server, page):
    params = dict(batch=8, noise=1.0, m=40, N=40)
    link = "/two_parameters?batch=8&noise=1&m=40&N=40&step=7"
    open_page(page, server.url + link, ready=READY)
    assert_result_block(page, two_parameters(**params))
    _, alt = figure(page)
    assert "per-example steps whose mean is step 7" in alt
    captions = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]')
    assert any("mini-batch of 8" in t for t in captions.all_inner_texts())

    # A student picks the schedule with the mouse: More settings, the box, the option.
    listed = choose(page, "schedule", "inverse_time")
    assert listed == ["constant", "exponential", "inverse_time", "cosine"]
    assert query(page)["schedule"] == "inverse_time"
    assert_result_block(page, two_parameters(**params, schedule="inverse_time"))
    _, alt = figure(page)
    assert "learning rate α_k" in alt

    # The schedule from a link: the select box shows its exact name.
    open_page(page, server.url + link + "&schedule=cosine", ready=READY)
    reveal(page, "schedule")
    box = schedule_box(page).locator("input")
    assert box.input_value() == "cosine" or "cosine" in schedule_box(page).inner_text()
    assert query(page)["schedule"] == "cosine"
    assert_result_block(page, two_parameters(**params, schedule="cosine"))
    screenshot(page, "fit_minibatch")


def test_schedule_by_keyboard_alone(server, page):
    """Tab reaches More settings and the schedule box; the arrow keys and Enter change it."""
    params = dict(batch=8, noise=1.0, m=40, N=40)
    open_page(page, server.url + "/two_parameters?batch=8&noise=1&m=40&N=40", ready=READY)
    summary = page.locator("details:has(.st-key-schedule) > summary")
    presses = tab_until(page, summary)
    page.keyboard.press("Enter")  # opens the section
    expanders_still(page)
    assert page.locator(".st-key-schedule").first.is_visible()
    presses += tab_until(page, schedule_box(page).locator("input"))
    print(f"\nTab presses from the page's load to the schedule box: {presses}")
    page.keyboard.press("ArrowDown")  # opens the list
    page.get_by_role("option").first.wait_for(state="visible")
    for _ in range(4):
        if focused_option(page) == "inverse_time":
            break
        page.keyboard.press("ArrowDown")
    assert focused_option(page) == "inverse_time"
    act(page, lambda: page.keyboard.press("Enter"))
    assert query(page)["schedule"] == "inverse_time"
    assert_result_block(page, two_parameters(**params, schedule="inverse_time"))


def focused_option(page) -> str:
    """The option the arrow keys are on (the list's virtual focus, or the real one)."""
    return page.evaluate(
        """() => {
          const box = document.activeElement;
          const id = box && box.getAttribute('aria-activedescendant');
          const option = (id && document.getElementById(id))
            || document.querySelector('[role=option][data-focused=true]');
          return option ? option.innerText.trim() : '';
        }"""
    )


def schedule_box(page):
    return page.locator('[data-testid="stApp"] .st-key-schedule')


def tab_until(page, target, limit: int = 80) -> int:
    """Press Tab until ``target`` has the focus; how many presses that took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("(el) => el === document.activeElement"):
            return presses
    raise AssertionError(f"{limit} Tab presses never reached {target}")


def test_refused_batch_and_range_are_explained(server, page):
    open_page(page, f"{server.url}/two_parameters?batch=50&x_low=3&x_high=-2", ready=READY)
    warnings = " ".join(alerts(page, "Warning"))
    assert "batch = 50 is not allowed" in warnings and "x_low = 3" in warnings, warnings
    assert_result_block(page, two_parameters())
    assert page.locator('[data-testid="stException"]').count() == 0


def test_old_links_keep_their_alpha(server, page):
    open_page(page, f"{server.url}/two_parameters?alpha=1.0", ready=READY)
    assert slider_value(page, "alpha") == 1
    assert not alerts(page, "Warning"), alerts(page, "Warning")
    assert_result_block(page, two_parameters(alpha=1.0))
    open_page(page, f"{server.url}/one_parameter?alpha=7.5&m=100000&N=30", ready=READY)
    assert slider_value(page, "alpha") == pytest.approx(7.5)
    assert_result_block(page, one_parameter(alpha=7.5, m=100000, N=30))
    assert "diverges" in " ".join(alerts(page, "Error"))


def test_one_parameter_mini_batch_from_a_link(server, page):
    link = "/one_parameter?batch=2&noise=0.3&N=40&schedule=exponential&decay=0.05&step=5"
    open_page(page, server.url + link, ready=READY)
    assert_result_block(
        page, one_parameter(batch=2, noise=0.3, N=40, schedule="exponential", decay=0.05)
    )
    screenshot(page, "fit_one_minibatch")


def test_a_locked_alpha_stays_readable(server, page):
    """A lesson's link locks α (a disabled slider): its label and value are still read at
    4.5:1 or more against the page (WCAG AA), not in Streamlit's greyed-out colour."""
    open_page(page, f"{server.url}/two_parameters?alpha=0.015&lock=alpha", ready=READY)
    assert slider_value(page, "alpha") == pytest.approx(0.015)
    texts = page.evaluate(
        """() => {
          const key = document.querySelector('[data-testid="stMain"] .st-key-alpha');
          const rgba = (c) => c.match(/[\\d.]+/g).map(Number).concat([1]).slice(0, 4);
          const back = (e) => {
            for (; e; e = e.parentElement) {
              const c = rgba(getComputedStyle(e).backgroundColor);
              if (c[3] > 0) return c;
            }
            return [255, 255, 255, 1];
          };
          return [key.querySelector('[data-testid="stWidgetLabel"] p'),
                  key.querySelector('[data-testid="stSliderThumbValue"]')].map(
            (e) => [e.innerText, rgba(getComputedStyle(e).color), back(e)]);
        }"""
    )
    for text, colour, background in texts:
        pairs = zip(colour[:3], background[:3], strict=True)
        seen = [colour[3] * c + (1 - colour[3]) * b for c, b in pairs]
        ratio = contrast(seen, background[:3])
        assert ratio >= 4.5, (text, colour, background, ratio)
    assert [t for t, _, _ in texts] == ["learning rate α", "0.015"]


def contrast(a, b) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (0 … 255)."""

    def luminance(rgb):
        lin = [
            (c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
            for c in rgb
        ]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
