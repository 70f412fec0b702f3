"""End to end: the Optimizers page in headless Chromium (issue 10), with tests/e2e_support.py's
server, browser and waiting logic."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from gd_app.controls import OPTIMIZERS, defaults
from gd_app.demos import optimizers as lab
from gd_core.lab import PRESETS
from tests import e2e_support as e2e
from tests.e2e_support import (
    ROOT,
    SCREENSHOTS,
    VIEWPORT,
    act,
    open_page,
    query,
    settle,
    slider,
    wait_idle,
)

# tests/e2e_support.py's fixtures, found by name
logs, server, browser, new_context, page = (
    e2e.logs,
    e2e.server,
    e2e.browser,
    e2e.new_context,
    e2e.page,
)

pytestmark = pytest.mark.browser
READY = '[data-testid="stImage"] img'  # open_page and settle look inside stMain
IMAGES = '[data-testid="stMain"] [data-testid="stImage"] img'
DEFAULTS = defaults(OPTIMIZERS)
WAIT = 180  # seconds: only catches a hang (a first run starts workers; the machine is shared)


def images(page):
    found = page.locator(IMAGES)
    for k in range(found.count()):
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=found.nth(k).element_handle()
        )
    return [
        (found.nth(k).get_attribute("src"), found.nth(k).get_attribute("alt"))
        for k in range(found.count())
    ]


def no_exception(page):
    exception = page.locator('[data-testid="stException"]')
    assert exception.count() == 0, exception.first.inner_text()


def dataframes(page) -> int:
    return page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').count()


def screenshot(page, name: str) -> None:
    page.evaluate("document.fonts.ready.then(() => true)")
    height = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight,
             ...['stMain', 'stAppViewContainer', 'stSidebarContent'].map(
                 id => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight || 0))"""
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(height, 1000), 9000)})
    page.wait_for_timeout(300)
    wait_idle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    print(f"\nscreenshot: {target.relative_to(ROOT)}")


def test_defaults_from_the_home_card_then_scrubber(server, page):
    open_page(page, f"{server.url}/", ready="h1")
    links = page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a')
    targets = links.evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    assert targets.count("/optimizers") == 1, targets
    link = links.nth(targets.index("/optimizers"))
    act(page, link.click, timeout=WAIT)
    settle(page, READY, timeout=WAIT)
    assert urlsplit(page.url).path == "/optimizers"
    assert page.locator('[data-testid="stMain"] h1').inner_text() == "Optimizers"
    no_exception(page)
    (src, alt), (_, values) = images(page)  # the race, then f per iteration
    assert alt.startswith("The race: contour map of f")
    assert values.startswith("How fast f falls")
    assert dataframes(page) == 1 + 6  # the summary and the first tab's history (all mounted)
    main = page.locator('[data-testid="stMain"]').inner_text()
    demo = lab.optimizers(**DEFAULTS)
    for method, sentence in demo.sentences:  # each method's sentence, as the engine says it
        assert f"{method}: {sentence.split('(')[0].split('*')[0].strip()}" in main, method
    assert page.locator('[data-testid="stTab"]').count() == 6
    assert page.locator(".st-key-f input").input_value() == PRESETS["Rosenbrock"][0]

    thumb = slider(page, "step")
    act(page, lambda: (thumb.focus(), page.keyboard.press("End")), timeout=WAIT)
    want = lab.optimizers(**DEFAULTS).longest - 1
    assert query(page)["step"] == str(want)
    assert images(page)[0][0] != src
    no_exception(page)
    screenshot(page, "optimizers")


def test_preset_picker_and_typing(server, page):
    open_page(page, f"{server.url}/optimizers?N=300", ready=READY, timeout=WAIT)
    picker = page.locator('[data-testid="stSidebar"] .st-key-preset')
    picker.click()
    option = page.locator('[role="option"]', has_text="Himmelblau")
    act(page, option.click, timeout=WAIT)
    settle(page, READY, timeout=WAIT)
    assert page.locator(".st-key-f input").input_value() == PRESETS["Himmelblau"][0]
    assert query(page).get("preset") == "Himmelblau"
    assert "4 known minima" in images(page)[0][1]
    no_exception(page)

    box = page.locator(".st-key-f input")
    act(page, lambda: (box.fill("x**2 + y**"), box.press("Enter")), timeout=WAIT)
    error = page.locator('[data-testid="stMain"] [data-testid="stAlertContentError"]')
    assert error.count() == 1 and "Can't use this f(x, y)" in error.inner_text()
    assert page.locator(IMAGES).count() == 0
    no_exception(page)


def test_links_saddle_bowl_no_methods_and_3d(server, page):
    open_page(
        page,
        f"{server.url}/optimizers?preset=saddle&x0=1&y0=0.001&N=400",
        ready=READY,
        timeout=WAIT,
    )
    assert "symlog" in images(page)[1][1]  # f per iteration, the race's second panel
    assert "indefinite" in page.locator('[data-testid="stMain"]').inner_text()
    no_exception(page)
    screenshot(page, "optimizers_saddle")

    open_page(
        page, f"{server.url}/optimizers?preset=bowl&N=600&view3d=true", ready=READY, timeout=WAIT
    )
    assert len(images(page)) == 3  # the race's two panels, then the surface
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Theory for a quadratic f" in main and "from the minimum" in main
    no_exception(page)
    screenshot(page, "optimizers_bowl_3d")

    open_page(
        page, f"{server.url}/optimizers?methods=", ready='[data-testid="stAlert"]', timeout=WAIT
    )
    assert "No method is selected" in page.locator('[data-testid="stAlert"]').first.inner_text()
    assert page.locator(IMAGES).count() == 0
    no_exception(page)


def test_line_search_methods_sweep_and_basins_from_a_link(server, page):
    methods = "".join(f"&methods={m}" for m in ("gd", "gd_ls", "newton", "bfgs"))
    open_page(
        page,
        f"{server.url}/optimizers?preset=Himmelblau&x0=0&y0=0&N=300&step=1&sweep=true"
        f"&basins=true{methods}",
        ready=READY,
        timeout=WAIT,
    )
    no_exception(page)
    alts = [alt for _, alt in images(page)]
    assert len(alts) == 4, alts  # the race's two panels, the sweep, the basin map
    assert alts[2].startswith("Final f against the learning rate")
    assert alts[3].startswith("Basin map of gd") and alts[3].count("of the minimum") == 4
    main = page.locator('[data-testid="stMain"]').inner_text()
    for method in ("gd_ls", "newton", "bfgs"):
        assert f"{method}: " in main, method  # each method's sentence
    assert "Learning-rate sweep" in main and "Basin map" in main
    assert page.locator('[data-testid="stTab"]').count() == 4
    screenshot(page, "optimizers_line_search_maps")
