"""Play, downloads and theme in a real headless Chromium (issue 12).

Reuses the server, browser and waiting logic of tests/e2e_support.py. Websocket
frames the page sends are counted to show that a paused or finished page sends
no ticks: Playwright delivers those events only while it is called, so waits
here use ``page.wait_for_timeout``, never ``time.sleep``.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from gd_app.plotting.common import DARK_BACKGROUND
from gd_app.plotting.panels import PANEL_HEIGHT, PANEL_WIDTH
from tests import e2e_support as e2e
from tests.e2e_support import (
    LOCAL_HOSTS,
    SCREENSHOTS,
    VIEWPORT,
    figure,
    open_page,
    query,
    wait_idle,
)

# The browser, server and context fixtures of tests/e2e_support.py, shared with this module.
browser, logs, new_context, server = e2e.browser, e2e.logs, e2e.new_context, e2e.server

pytestmark = pytest.mark.browser

RUNS = {  # small runs, so that play reaches the end soon
    "one_parameter": ("/one_parameter?N=8&speed=10", 7),
    "two_parameters": ("/two_parameters?N=8&speed=10&noise=0.5", 7),
    "symbolic": ("/symbolic?max_iter=7&speed=10", 7),
}
METRIC = '[data-testid="stMetric"]'


def step_value(page) -> int:
    return int(page.locator('[data-testid="stApp"] .st-key-step input[type="range"]').input_value())


def button(page, key: str):
    # Streamlit renders a hidden copy of a button with help text: take the visible one.
    return page.locator(f'[data-testid="stMain"] .st-key-{key} button').first


def marked_iterate(page) -> int:
    return int(
        page.locator('[data-testid="stMain"] [data-testid="stTable"] tbody td').first.inner_text()
    )


def count_sent_frames(page) -> list:
    sent: list = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    return sent


def download(page, label: str, tmp_path: Path, timeout: float = 90) -> Path:
    wait_idle(page, 60)  # a button replaced by a rerun would swallow the click
    with page.expect_download(timeout=timeout * 1000) as info:
        page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"] button').filter(
            has_text=label
        ).first.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


# ======================================================================== play
@pytest.mark.parametrize("name", list(RUNS))
def test_play_advances_step_and_picture_then_stops_and_stops_ticking(server, new_context, name):
    link, last = RUNS[name]
    page = new_context().new_page()
    sent = count_sent_frames(page)
    open_page(page, server.url + link, ready=METRIC)
    src_before, _ = figure(page)
    assert step_value(page) == 0 and marked_iterate(page) == 0

    before_play = len(sent)
    button(page, "play").click()
    page.wait_for_function(
        """() => Number(document.querySelector(
            '[data-testid="stApp"] .st-key-step input[type="range"]').value) >= 2""",
        timeout=60_000,
    )
    page.wait_for_function(
        '(src) => [...document.querySelectorAll(\'[data-testid="stMain"] [data-testid="stImage"] img\')]'
        ".some(img => img.getAttribute('src') !== src && img.complete)",
        arg=src_before,
        timeout=60_000,
    )
    # It plays to the last iterate and stops there by itself.
    page.wait_for_function(
        f"""() => Number(document.querySelector(
            '[data-testid="stApp"] .st-key-step input[type="range"]').value) === {last}
            && [...document.querySelectorAll('[data-testid="stMain"] .st-key-play button')]
               .some(b => b.innerText.includes('Play'))""",
        timeout=120_000,
    )
    wait_idle(page, 60)
    page.wait_for_timeout(2_000)  # late ticks, if any, come and go
    wait_idle(page, 60)
    ticks = len(sent) - before_play
    assert ticks >= last, f"only {ticks} messages while playing {last} iterates"
    assert step_value(page) == last
    assert query(page)["step"] == str(last), "the link keeps step"
    assert marked_iterate(page) == last
    assert figure(page)[0] != src_before
    assert page.locator('[data-testid="stException"]').count() == 0

    idle = len(sent)
    page.wait_for_timeout(3_000)
    assert len(sent) == idle, "a finished page must not tick"


def test_pause_holds_the_iterate_and_step_buttons_move_it(server, new_context):
    page = new_context().new_page()
    sent = count_sent_frames(page)
    open_page(page, f"{server.url}/two_parameters?N=60&speed=3", ready=METRIC)
    button(page, "play").click()
    page.wait_for_function(
        """() => Number(document.querySelector(
            '[data-testid="stApp"] .st-key-step input[type="range"]').value) >= 2""",
        timeout=60_000,
    )
    button(page, "play").click()  # pause
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMain"] .st-key-play button')]
            .some(b => b.innerText.includes('Play'))""",
        timeout=30_000,
    )
    wait_idle(page, 60)
    page.wait_for_timeout(2_000)
    wait_idle(page, 60)
    held = step_value(page)
    assert 2 <= held < 59
    idle = len(sent)
    page.wait_for_timeout(2_500)
    assert len(sent) == idle, "a paused page must not tick"
    assert step_value(page) == held == marked_iterate(page)
    assert query(page)["step"] == str(held)

    button(page, "step_forward").click()
    page.wait_for_function(
        f'() => Number(document.querySelector(\'[data-testid="stApp"] .st-key-step '
        f'input[type="range"]\').value) === {held + 1}',
        timeout=30_000,
    )
    wait_idle(page)
    page.wait_for_function(
        f'() => document.querySelector(\'[data-testid="stMain"] [data-testid="stTable"] '
        f"tbody td').innerText.trim() === '{held + 1}'",
        timeout=30_000,
    )
    button(page, "step_back").click()
    page.wait_for_function(
        f'() => Number(document.querySelector(\'[data-testid="stApp"] .st-key-step '
        f'input[type="range"]\').value) === {held}',
        timeout=30_000,
    )
    wait_idle(page)
    assert query(page)["step"] == str(held)


# ==================================================================== downloads
@pytest.mark.parametrize(
    "link",
    [
        "/one_parameter",
        "/one_parameter?alpha=5.5&N=60&noise=0.4&seed=7",
        "/two_parameters",
        "/two_parameters?alpha=2.4&N=200&theta0_start=-3",
        "/symbolic",
        "/symbolic?f=log(x)%2B0.1*x**2&x0=1&alpha=5",
        "/symbolic?f=abs(x)&x0=1&alpha=0.3",
    ],
)
def test_downloaded_script_reproduces_the_downloaded_csv(server, new_context, link, tmp_path):
    page = new_context().new_page()
    open_page(page, server.url + link, ready=METRIC)
    name = link.strip("/").split("?")[0]
    csv_file = download(page, "History (CSV)", tmp_path)
    script_file = download(page, "Python script", tmp_path)
    assert csv_file.name.startswith(name) and csv_file.suffix == ".csv"
    assert script_file.name.startswith(name) and script_file.suffix == ".py"
    csv = pd.read_csv(csv_file)
    steps = (
        page.locator(METRIC).filter(has_text="steps taken").locator('[data-testid="stMetricValue"]')
    )
    assert len(csv) == int(steps.inner_text()) + 1, "the CSV holds the run on the page"
    out = subprocess.run(
        [sys.executable, script_file.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    printed = pd.read_csv(io.StringIO(out))
    assert len(printed) == len(csv) > 0
    assert len(printed.columns) >= 4
    for column in printed.columns:
        np.testing.assert_allclose(printed[column], csv[column], rtol=1e-12, atol=0)


def test_figure_downloads_and_gif_have_what_they_promise(server, new_context, tmp_path):
    page = new_context().new_page()
    open_page(page, f"{server.url}/one_parameter?N=12&speed=5&step=3", ready=METRIC)
    png = Image.open(download(page, "Figure (PNG, 300 dpi)", tmp_path))
    # The two panels side by side, each PANEL_WIDTH x PANEL_HEIGHT inches.
    size = (round(2 * PANEL_WIDTH * 300), round(PANEL_HEIGHT * 300))
    assert png.size == size and png.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    svg = download(page, "Figure (SVG)", tmp_path).read_text()
    assert "<svg" in svg[:1000]

    page.locator('[data-testid="stMain"] button').filter(has_text="Build animation").first.click()
    page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"] button').filter(
        has_text="Animation (GIF)"
    ).first.wait_for(timeout=180_000)
    gif_file = download(page, "Animation (GIF)", tmp_path)
    assert gif_file.name.startswith("one_parameter_alpha=1.15_N=12")
    gif = Image.open(gif_file)
    assert gif.n_frames == 12, "one frame per iterate"
    assert gif.info["duration"] == 200  # 5 frames per second


# ======================================================================== theme
def themed_page(browser, scheme: str):
    context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)
    context.set_default_timeout(30_000)
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if (route.request.url.split("/")[2].split(":")[0] in LOCAL_HOSTS)
            or route.request.url.startswith(("data:", "blob:"))
            else route.abort()
        ),
    )
    return context, context.new_page()


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_figure_follows_the_browsers_theme(server, browser, scheme):
    context, page = themed_page(browser, scheme)
    try:
        open_page(page, f"{server.url}/two_parameters?step=4", ready=METRIC)
        figure(page)
        page.wait_for_timeout(500)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"theme_{scheme}_figure.png"
        page.locator('[data-testid="stMain"] [data-testid="stImage"] img').first.screenshot(
            path=str(shot)
        )
        page.screenshot(path=str(SCREENSHOTS / f"theme_{scheme}.png"), full_page=True)
        pixels = np.asarray(Image.open(shot).convert("RGB")).astype(float)
        brightness = pixels.mean()
        corner = tuple(int(v) for v in pixels[3, 3])
        if scheme == "dark":
            background = tuple(int(DARK_BACKGROUND[i : i + 2], 16) for i in (1, 3, 5))
            assert brightness < 80, (
                f"dark theme, but the figure's mean brightness is {brightness:.0f}"
            )
            assert max(abs(a - b) for a, b in zip(corner, background, strict=True)) <= 2
        else:
            assert brightness > 170, (
                f"light theme, but the figure's mean brightness is {brightness:.0f}"
            )
            assert corner == (255, 255, 255)
        print(f"\ntheme {scheme}: figure mean brightness {brightness:.0f}, corner {corner}")
    finally:
        context.close()
