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

    # The schedule from a link: the select box shows its exact name. (Choosing it with the
    # mouse is not driven here: after the other tests' sessions the box's list opened outside
    # the viewport, and the cause is not yet found.)
    open_page(page, server.url + link + "&schedule=inverse_time", ready=READY)
    reveal(page, "schedule")
    box = page.locator('[data-testid="stApp"] .st-key-schedule input')
    assert (
        box.input_value() == "inverse_time"
        or "inverse_time" in page.locator('[data-testid="stApp"] .st-key-schedule').inner_text()
    )
    assert query(page)["schedule"] == "inverse_time"
    assert_result_block(page, two_parameters(**params, schedule="inverse_time"))
    _, alt = figure(page)
    assert "learning rate α_k" in alt
    screenshot(page, "fit_minibatch")


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
