"""End to end: the fit pages' own data in headless Chromium. A CSV file is uploaded, text
is pasted and its link reopened, and the penguins are shown with standardize off and on
(screenshots at desktop width and at 390 x 844).

Reuses the server, browser and wait logic of tests/e2e_support.py (one server for the module).
"""

# ruff: noqa: F811 (pytest fixtures imported from e2e_support are parameters here)
from __future__ import annotations

import pytest
from e2e_support import (  # noqa: F401 (fixtures)
    SCREENSHOTS,
    VIEWPORT,
    act,
    assert_result_block,
    browser,
    expected,
    figure,
    logs,
    new_context,
    open_page,
    page,
    query,
    server,
    wait_idle,
)
from test_e2e_fit import screenshot

from gd_app import demos
from gd_app.controls import TWO_PARAMETERS, defaults
from gd_app.data_ranges import data_controls, hidden_values
from gd_core import bundled
from gd_core.data import decode, pick, read_pairs, read_table

pytestmark = pytest.mark.browser

READY = '[data-testid="stMetric"]'
CSV = "site,flipper (mm),mass (g)\nA,181,3750\nB,186,3800\nC,195,3250\nD,193,3450\nE,190,3650\n"
PASTED = "1\t2.5\n2\t4.1\n3\t6.2\n4\t7.9\n5\t10.3\n"


def on_data(data, **changes) -> list[tuple[str, str]]:
    """The metrics the two-parameter page shows for ``data`` at its data defaults."""
    controls = data_controls(TWO_PARAMETERS, data, intercept=True)
    params = {**hidden_values(TWO_PARAMETERS), **defaults(controls), "m": len(data)}
    return expected(demos.two_parameters(**{**params, **changes}, source=data))


def errors(page) -> list[str]:
    return page.locator(
        '[data-testid="stMain"] [data-testid="stAlertContentError"]'
    ).all_inner_texts()


def test_upload_a_csv_file_then_paste_text_and_share_it(server, page):
    open_page(page, f"{server.url}/two_parameters?data=upload", ready=READY)
    chooser = page.locator('[data-testid="stMain"] .st-key-upload_file input[type="file"]')
    act(
        page,
        lambda: chooser.set_input_files(
            files=[{"name": "birds.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
        ),
    )
    page.locator('[data-testid="stMain"] .st-key-x_column').wait_for()
    wait_idle(page)
    uploaded = pick(read_table(decode(CSV.encode())), "flipper (mm)", "mass (g)", name="birds.csv")
    assert_result_block(page, on_data(uploaded))
    assert "points" not in query(page)
    assert "can't travel in the page's link" in page.locator('[data-testid="stMain"]').inner_text()
    _, alt = figure(page)
    assert "points of birds.csv" in alt

    # Paste text instead: the link then carries the points.
    box = page.locator('[data-testid="stMain"] .st-key-data input')
    act(page, lambda: (box.click(), box.fill("paste"), box.press("Enter")))
    area = page.locator('[data-testid="stMain"] .st-key-paste_text textarea')
    act(page, lambda: (area.fill(PASTED), area.press("Control+Enter")))
    wait_idle(page)
    pasted = read_pairs(PASTED)
    assert_result_block(page, on_data(pasted))
    link = query(page)
    assert link["data"] == "paste" and link["points"], link
    assert not errors(page)

    # A bad paste: the message names the line and column, the page keeps the last good data.
    act(page, lambda: (area.fill(PASTED + "6\tabc\n"), area.press("Control+Enter")))
    wait_idle(page)
    assert any("line 6, column 2" in e for e in errors(page)), errors(page)
    assert_result_block(page, on_data(pasted))

    # The shared link, opened in a fresh session, shows the same run.
    other = page.context.browser.new_context(viewport=VIEWPORT).new_page()
    try:
        open_page(other, page.url.split("?")[0] + "?" + _encode(link), ready=READY)
        assert_result_block(other, on_data(pasted))
        assert other.locator('[data-testid="stMain"] .st-key-paste_text textarea').input_value()
    finally:
        other.context.close()


def _encode(link: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(link)


@pytest.mark.parametrize("width", [VIEWPORT["width"], 390])
def test_penguins_zig_zag_and_its_cure_screenshots(server, page, width):
    penguins = bundled.penguins()
    if width != VIEWPORT["width"]:
        page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, f"{server.url}/two_parameters?data=penguins&N=30", ready=READY)
    assert_result_block(page, on_data(penguins, N=30))
    suffix = "" if width == VIEWPORT["width"] else "_phone"
    shoot(page, f"data_penguins_raw{suffix}", width)
    open_page(
        page,
        f"{server.url}/two_parameters?data=penguins&standardize=true&alpha=1&N=30",
        ready=READY,
    )
    assert_result_block(page, on_data(penguins, alpha=1.0, N=30, standardize=True))
    shoot(page, f"data_penguins_standardized{suffix}", width)


def shoot(page, name: str, width: int) -> None:
    if width == VIEWPORT["width"]:
        screenshot(page, name)
        return
    figure(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(
    "link",
    [
        "/two_parameters?data=penguins",
        "/one_parameter?data=anscombe&set=III",
        "/two_parameters?data=paste",
        "/one_parameter?data=upload",
    ],
)
def test_data_sections_have_no_serious_accessibility_violation(server, page, link):
    from e2e_support import _need
    from test_a11y import AXE, BLOCKING, axe_violations

    _need(AXE.exists(), f"axe-core is not installed (no {AXE}; run `npm ci --prefix .ci/axe`)")
    open_page(page, server.url + link, ready=READY)
    _, violations = axe_violations(page)
    blocking = [(v["id"], v["impact"]) for v in violations if v["impact"] in BLOCKING]
    assert not blocking, blocking
    assert not [v for v in violations if v["id"] == "heading-order"]
