"""Phones and keyboards, in a real headless Chromium: the figure panels of the fit pages,
the symbolic page and the lab stack on a 390 × 844 screen, α is within 10 Tab presses of
the page's load and works from the keyboard, play too; suggestions and refused values leave links that show what the page showed.

Reuses the server, browser and wait logic of tests/e2e_support.py (one server for the module).
"""

# ruff: noqa: F811 (pytest fixtures imported from e2e_support are parameters here)
from __future__ import annotations

from urllib.parse import urlsplit

import numpy as np
import pytest
from e2e_support import (  # noqa: F401 (fixtures)
    SCREENSHOTS,
    VIEWPORT,
    act,
    assert_result_block,
    browser,
    figure,
    logs,
    new_context,
    open_page,
    page,
    query,
    server,
    settle,
    slider,
    slider_value,
    two_parameters,
    wait_idle,
)

from gd_app.controls import TWO_PARAMETERS, defaults
from gd_app.demos import TWO_PARAMETER_SUGGESTIONS
from gd_app.demos.fit_two import _two_run
from gd_app.plotting import fit_two as plotting_two
from gd_app.plotting import optimizers as plotting_lab
from gd_app.plotting import panels
from gd_app.plotting import symbolic as plotting_symbolic

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
FIT_PAGES = ("/one_parameter", "/two_parameters")
# Each page's panels: inches wide as drawn, and the smallest text on them in points.
PANEL_TEXT = {
    "/one_parameter": (panels.PANEL_WIDTH, panels.MIN_FONT),
    "/two_parameters": (panels.PANEL_WIDTH, panels.MIN_FONT),
    "/symbolic": (plotting_symbolic.PANEL_WIDTH, plotting_symbolic.MIN_FONT),
    "/optimizers?N=200": (plotting_lab.PANEL_WIDTH, plotting_lab.MIN_FONT),
}
READY = '[data-testid="stImage"] img'
PANELS = '[data-testid="stMain"] [data-testid="stImage"] img'


@pytest.fixture
def phone(new_context):
    tab = new_context().new_page()
    tab.set_viewport_size(PHONE)
    return tab


def panel_boxes(tab) -> list[dict]:
    """Each figure panel's box on screen and its drawn width, once every image has loaded."""
    tab.wait_for_function(
        f"() => [...document.querySelectorAll('{PANELS}')].every(i => i.complete && "
        "i.naturalWidth > 0)"
    )
    return tab.evaluate(
        f"() => [...document.querySelectorAll('{PANELS}')].map(i => {{"
        " const r = i.getBoundingClientRect();"
        " return {x: r.x, y: r.y, width: r.width, height: r.height, drawn: i.naturalWidth}; })"
    )


@pytest.mark.parametrize("path", list(PANEL_TEXT))
def test_figure_panels_stack_on_a_phone_each_legible_and_300_px_wide(server, phone, page, path):
    open_page(phone, server.url + path, ready=READY, timeout=120)
    first, second = panel_boxes(phone)
    assert first["width"] >= 300 and second["width"] >= 300, (first, second)
    assert second["y"] >= first["y"] + first["height"] - 1, "the panels must stack"
    assert abs(first["x"] - second["x"]) < 1
    inches, points = PANEL_TEXT[path]
    for panel in (first, second):  # the smallest text, in screen pixels
        assert points / 72 * panel["width"] / inches >= 9.5, panel
    # The page never scrolls sideways on a phone (the table scrolls inside its own box).
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    open_page(page, server.url + path, ready=READY, timeout=120)  # a desktop: side by side
    left, right = panel_boxes(page)
    assert abs(left["y"] - right["y"]) < 1 and right["x"] >= left["x"] + left["width"]


def focused_key(tab) -> str:
    """The public key of the widget that has the focus (from its st-key-… class), or a tag."""
    return tab.evaluate(
        """() => { let e = document.activeElement, tag = e ? e.tagName : '';
          for (; e; e = e.parentElement) {
            const k = [...(e.classList || [])].find(c => c.startsWith('st-key-'));
            if (k) return k.slice(7) + ':' + tag;
          }
          return tag; }"""
    )


def tab_order(tab, presses: int = 22) -> list[str]:
    order = []
    for _ in range(presses):
        tab.keyboard.press("Tab")
        order.append(focused_key(tab))
    return order


def presses_to(order: list[str], wanted: str) -> int:
    return next(i for i, key in enumerate(order, start=1) if key == wanted)


@pytest.mark.parametrize("size", [VIEWPORT, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", FIT_PAGES)
def test_keyboard_reaches_alpha_in_10_presses_and_the_player_in_20(server, page, path, size):
    page.set_viewport_size(size)
    open_page(page, server.url + path, ready=READY)
    nav = page.locator('[data-testid="stSidebarNavLink"]').count()
    order = tab_order(page)
    alpha = presses_to(order, "alpha:INPUT")
    # 6 page links on a desktop (5 now, the skip link first): α within 10 either way.
    assert alpha + max(0, 6 - nav) <= 10, order
    assert presses_to(order, "step:INPUT") + max(0, 6 - nav) <= 20, order
    assert presses_to(order, "play:BUTTON") + max(0, 6 - nav) <= 20, order
    # Focus is visible on the slider: its thumb gets a solid ring.
    open_page(page, server.url + path, ready=READY)
    for _ in range(alpha):
        page.keyboard.press("Tab")
    ring = page.evaluate(
        """() => { const t = document.querySelector('.st-key-alpha [data-focus-visible="true"]');
          return t ? getComputedStyle(t).outlineStyle : 'no focused thumb'; }"""
    )
    assert ring == "solid", ring


@pytest.mark.parametrize("path", FIT_PAGES)
def test_alpha_and_play_work_from_the_keyboard(server, page, path):
    open_page(page, server.url + path, ready=READY)
    before = slider_value(page, "alpha")
    src, _ = figure(page)
    order = tab_order(page)
    open_page(page, server.url + path, ready=READY)
    for _ in range(presses_to(order, "alpha:INPUT")):
        page.keyboard.press("Tab")
    act(page, lambda: page.keyboard.press("ArrowLeft"))
    assert slider_value(page, "alpha") < before
    assert float(query(page)["alpha"]) == pytest.approx(slider_value(page, "alpha"))
    assert figure(page)[0] != src
    # From a fresh load, Tab to ▶ and press it with the keyboard.
    open_page(page, server.url + path + "?N=8", ready=READY)
    for _ in range(presses_to(order, "play:BUTTON")):
        page.keyboard.press("Tab")
    assert focused_key(page) == "play:BUTTON"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the focused button shows a ring"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => Number(document.querySelector('.st-key-step input[type=\"range\"]').value) >= 3",
        timeout=30_000,
    )
    wait_idle(page, 60)


def test_a_refused_alpha_is_rewritten_to_the_nearest_allowed_value_in_widget_and_link(server, page):
    open_page(page, server.url + "/two_parameters?alpha=0.0197&x_low=9&x_high=11", ready=READY)
    kept = query(page).get("alpha")
    shown = slider_value(page, "alpha")
    if kept == "0.0197":  # kept as it is
        assert shown == pytest.approx(0.0197)
    else:  # rewritten to the nearest allowed value, with a message naming both
        assert kept == "0.02" and shown == pytest.approx(0.02)
        warnings = " ".join(page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts())
        assert "alpha=0.0197" in warnings and "0.02" in warnings, warnings
    # The rewritten link reopens exactly that, without a warning.
    open_page(page, page.url, ready=READY)
    assert slider_value(page, "alpha") == pytest.approx(shown)
    assert query(page)["alpha"] == kept
    warnings = page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
    assert not [w for w in warnings if "not allowed" in w], warnings


def test_a_refused_data_range_shows_what_is_used_in_widgets_and_link(server, page):
    open_page(page, server.url + "/two_parameters?x_low=3&x_high=-2", ready=READY)
    warnings = " ".join(page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts())
    assert "x_low = 3" in warnings and "x_low = -1" in warnings, warnings
    assert slider_value(page, "x_low") == -1 and slider_value(page, "x_high") == 1
    link = query(page)
    assert link.get("x_low", "-1") == "-1" and link.get("x_high", "1") == "1", link
    assert_result_block(page, two_parameters())


def zig_zag_seen(values: dict) -> tuple[int, float]:
    """How many steps in a row jump across the valley (their component along the steepest
    eigenvector changes sign), and the shortest of the first five jumps as a fraction of
    the map's height."""
    run = _two_run(**values)
    vectors = np.linalg.eigh(run.problem.hessian)[1]
    across = np.diff(run.trajectory.params, axis=0) @ vectors[:, -1]
    alternating = 0
    while alternating + 1 < len(across) and across[alternating] * across[alternating + 1] < 0:
        alternating += 1
    view = plotting_two.two_parameter_view(run)
    height = view.theta1[1] - view.theta1[0]
    return alternating + 1, float(np.min(np.abs(across[:5]))) / height


def test_the_zig_zag_suggestion_is_a_link_that_converges_visibly(server, page):
    open_page(page, server.url + "/two_parameters", ready=READY)
    zig, cure = TWO_PARAMETER_SUGGESTIONS
    link = page.locator('[data-testid="stMain"] a', has_text=zig.label)
    href = link.get_attribute("href")
    for key in ("x_low", "x_high", "alpha", "N", "standardize", "batch", "schedule"):
        assert f"{key}=" in href, (key, href)
    act(page, lambda: link.click())
    settle(page, READY)
    values = defaults(TWO_PARAMETERS) | {
        "x_low": 9.0,
        "x_high": 11.0,
        "alpha": 0.018,
        "N": 30,
    }
    assert slider_value(page, "alpha") == pytest.approx(0.018)
    assert slider_value(page, "x_low") == 9 and slider_value(page, "x_high") == 11
    assert_result_block(page, two_parameters(**values))
    run = _two_run(**values)
    critical = 2 / np.linalg.eigvalsh(run.problem.hessian)[-1]  # α_crit = 2/λmax
    assert values["alpha"] < critical, "it converges: α is below α_crit"
    assert np.all(np.isfinite(run.trajectory.values))
    assert run.trajectory.values[-1] < run.trajectory.values[0] / 100
    steps, shortest = zig_zag_seen(values)
    assert steps >= 10, "the steps jump from side to side across the valley"
    assert shortest > 0.02, "each of the first jumps is a visible stretch of the map"
    # The cure: standardized, a round bowl (κ = 1).
    act(page, lambda: page.locator('[data-testid="stMain"] a', has_text=cure.label).click())
    settle(page, READY)
    assert query(page).get("standardize") == "true"
    assert ("κ of XᵀX/m", "1") in [
        tuple(m)
        for m in page.evaluate(
            """() => [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => [
              m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
              m.querySelector('[data-testid="stMetricValue"]').innerText.trim()])"""
        )
    ]


def test_phone_screenshots_of_every_page(server, phone):
    """Every page of the navigation at 390 × 844, screen by screen (saved for a person to
    look at), with nothing wider than the screen."""
    open_page(phone, server.url + "/", ready="h1")
    paths = [
        urlsplit(href).path or "/"
        for href in phone.locator('[data-testid="stSidebarNavLink"]').evaluate_all(
            "links => links.map(a => a.href)"
        )
    ]
    assert len(paths) >= 5, paths
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in paths:
        open_page(phone, server.url + path, ready="h1")
        phone.wait_for_timeout(500)
        height = phone.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
        )
        name = path.strip("/") or "home"
        for i, top in enumerate(range(0, min(height, 4 * 800), 800)):
            phone.evaluate(
                f"() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, {top})"
            )
            phone.wait_for_timeout(300)
            target = SCREENSHOTS / f"phone-{name}-{i}.png"
            phone.screenshot(path=str(target))
            assert target.stat().st_size > 5_000
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
