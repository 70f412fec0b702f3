"""What every browser test module shares: a real ``streamlit run``, headless Chromium, and waits.

A test module imports the fixtures it uses (``logs``, ``server``, ``browser``, ``new_context``,
``page``); module-scoped, they give each module one server and one browser of its own.

Each test drives ``streamlit run streamlit_app.py`` on 127.0.0.1 with Playwright.
A run is finished, as in Streamlit's own e2e suite, when ``stApp`` reads
``data-test-connection-state="CONNECTED"`` and ``data-test-script-state="notRunning"``
and no ``stSkeleton`` (nor stale element) is left. Right after an interaction the
app still reads ``notRunning`` for a moment before the rerun starts, and the link
changes before the rerun too, so after an action we wait for what the rerun shows
(the figure's URL, a metric, a title) to change *and* for the app to be idle.

In Streamlit 1.67 the slider is a React Aria slider: its focusable part is a visually
hidden ``<input type="range">`` (ARIA role ``slider`` implicitly, no ``role`` attribute
and no ``aria-valuenow``: the value is the input's ``value``), inside the element
container whose class is ``st-key-<key>``; the number over the thumb is
``stSliderThumbValue``.

Needs Chromium at /usr/bin/chromium and the Python ``playwright`` package; without them
the tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from e2e_server import ROOT, Server, streamlit_server
from server import CHROMIUM_ARGS  # bench/server.py: one set of Chromium flags

from gd_app import demos
from gd_app.controls import ALPHA_VALUES, ONE_PARAMETER, SYMBOLIC, TWO_PARAMETERS, defaults

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    Page = None
    sync_playwright = None

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", shutil.which("chromium")) if p and os.path.exists(p)), None
)
VIEWPORT = {"width": 1400, "height": 1000}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

# ------------------------------------------------------------------ what a finished run looks like
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('[data-stale="true"]');
}"""

# No folded section (st.expander's <details>) is still animating open or shut.
# (Streamlit animates the height, with overflow hidden, and again whenever the content's
# height changes while it is open.)
EXPANDERS_STILL_JS = """() => [...document.querySelectorAll('details')].every(
  d => d.getAnimations().length === 0 && d.style.overflow !== 'hidden')"""

# Resolves once no scroll event has come for 200 ms (scroll events fire a frame late).
SCROLL_ENDED_JS = """() => new Promise(done => {
  let timer;
  const again = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { document.removeEventListener('scroll', again, true); done(true); }, 200);
  };
  document.addEventListener('scroll', again, true);
  again();
})"""

# What a rerun changes on screen; compared before and after an action.
SIGNATURE_JS = """() => JSON.stringify([
  location.pathname,
  [...document.querySelectorAll('[data-testid="stMain"] h1')].map(e => e.innerText),
  [...document.querySelectorAll('[data-testid="stImage"] img')].map(e => e.getAttribute('src')),
  [...document.querySelectorAll('[data-testid="stMetricValue"]')].map(e => e.innerText),
  [...document.querySelectorAll('[data-testid="stAlert"]')].map(e => e.innerText),
])"""


def _need(ok: bool, what: str) -> None:
    """Skip without a browser, but fail under CI=true: CI must run these tests."""
    if ok:
        return
    message = (
        f"{what}. Enable the browser tests with `apt-get install -y chromium` and "
        "`pip install -r requirements-test.txt`."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true requires the browser tests: {message}")
    pytest.skip(message)


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e-logs")


@pytest.fixture(scope="module")
def server(logs) -> Iterator[Server]:
    _need(CHROMIUM is not None, "Chromium is not installed (no /usr/bin/chromium)")
    _need(sync_playwright is not None, "the Python package playwright is not installed")
    with streamlit_server(logs, "shared") as running:
        yield running


# ------------------------------------------------------------------------------ the browser
@pytest.fixture(scope="module")
def browser():
    _need(CHROMIUM is not None, "Chromium is not installed (no /usr/bin/chromium)")
    _need(sync_playwright is not None, "the Python package playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(browser):
    """Contexts (independent sessions: own cookies, own websocket) that stay on localhost."""
    contexts = []
    outside: list[str] = []

    def keep_local(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def make():
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(30_000)
        context.route("**/*", keep_local)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()
    assert not outside, f"the app tried to reach beyond localhost: {outside[:5]}"


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


# -------------------------------------------------------------------------------- helpers
def wait_idle(page: Page, timeout: float = 30) -> None:
    page.wait_for_function(IDLE_JS, timeout=timeout * 1000)


def signature(page: Page) -> str:
    return page.evaluate(SIGNATURE_JS)


def open_page(page: Page, url: str, timeout: float = 60, ready: str = "h1") -> None:
    """Go to ``url`` and wait until its run has finished and ``ready`` is on screen."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    settle(page, ready, timeout)


def settle(page: Page, ready: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    page.locator(f'[data-testid="stMain"] {ready}').first.wait_for(timeout=timeout * 1000)
    # Idle twice, 150 ms apart: a page's first run may rerun once (deep links do).
    while True:
        wait_idle(page, max(deadline - time.monotonic(), 0.1))
        page.wait_for_timeout(150)
        if page.evaluate(IDLE_JS):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page.url} did not settle within {timeout} s")


def act(page: Page, action: Callable[[], object], timeout: float = 30) -> None:
    """Do ``action`` and wait for the rerun it causes to show something new and finish."""
    before = signature(page)
    action()
    page.wait_for_function(
        f"(before) => ({SIGNATURE_JS})() !== before && ({IDLE_JS})()",
        arg=before,
        timeout=timeout * 1000,
    )


def reveal(page: Page, key: str) -> None:
    """Open the folded section (*More settings*) that holds control ``key``, if it is closed."""
    summary = page.locator(f"details:not([open]):has(.st-key-{key}) > summary")
    if summary.count():
        summary.first.click()
        page.locator(f".st-key-{key}").first.wait_for(state="visible")
        # The section grows open over half a second, its overflow hidden meanwhile. A click
        # in that time scrolls the section itself to reach the control, which then moves
        # under the pointer: a select box's list opens where the box was, off screen, and
        # closes again. A student sees the section open before reaching for a control.
        expanders_still(page)


def expanders_still(page: Page, timeout: float = 10) -> None:
    """Wait until no folded section is growing or shrinking, twice 200 ms apart."""
    deadline = time.monotonic() + timeout
    while True:
        page.wait_for_function(EXPANDERS_STILL_JS, timeout=timeout * 1000)
        page.wait_for_timeout(200)
        if page.evaluate(EXPANDERS_STILL_JS) or time.monotonic() > deadline:
            return


def choose(page: Page, key: str, option: str) -> list[str]:
    """Pick ``option`` in the select box ``key`` with the mouse, as a student does: bring
    the box into view, click it once the page has stopped scrolling, click the option.
    Returns the options the list showed.

    The box's list (a React Aria popover) closes when anything around the box scrolls. The
    scroll that brings the box into view reports its event a frame late, and a click in
    that frame opens the list only for that event to close it again: so wait it out.
    """
    reveal(page, key)
    box = page.locator(f'[data-testid="stApp"] .st-key-{key} input')
    box.scroll_into_view_if_needed()
    page.evaluate(SCROLL_ENDED_JS)
    box.click()
    choice = page.get_by_role("option", name=option, exact=True)
    choice.wait_for(state="visible")
    box_bottom = box.bounding_box()["y"] + box.bounding_box()["height"]
    listed = choice.bounding_box()
    viewport = page.viewport_size
    assert listed["y"] >= box_bottom - 1 and listed["y"] + listed["height"] <= viewport["height"], (
        "the list should open under the box, inside the window",
        listed,
        box_bottom,
        viewport,
    )
    listed = page.get_by_role("option").all_inner_texts()
    act(page, choice.click)
    return listed


def slider(page: Page, key: str):
    """The slider ``key``: α, N and the scrubber are in the page, the rest under More settings."""
    reveal(page, key)
    return page.locator(f'[data-testid="stApp"] .st-key-{key} input[type="range"]')


def slider_value(page: Page, key: str) -> float:
    """The value the visitor sees over the thumb, checked against the input's value.

    (The two-parameter page's α is a select slider: its input holds the option's index.)
    """
    value = float(slider(page, key).input_value())  # first: it opens a folded section
    shown = page.locator(
        f'[data-testid="stApp"] .st-key-{key} [data-testid="stSliderThumbValue"]'
    ).inner_text()
    if key == "alpha" and urlsplit(page.url).path == "/two_parameters":
        value = ALPHA_VALUES[int(value)]
    assert float(shown) == pytest.approx(value), (key, shown, value)
    return value


def next_alpha(alpha: float, by: int = 1) -> float:
    """The two-parameter α select slider's neighbouring value."""
    return ALPHA_VALUES[ALPHA_VALUES.index(alpha) + by]


def press(page: Page, key: str, button: str = "ArrowRight") -> None:
    """Move a slider one step with the keyboard and wait for the rerun."""
    thumb = slider(page, key)
    act(page, lambda: (thumb.focus(), page.keyboard.press(button)))


def metrics(page: Page) -> list[tuple[str, str]]:
    pairs = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => [
            m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
            m.querySelector('[data-testid="stMetricValue"]').innerText.trim()])"""
    )
    return [tuple(pair) for pair in pairs]


def expected(demo: demos.Demo) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in demo.metrics]


def one_parameter(**params) -> list[tuple[str, str]]:
    return expected(demos.one_parameter(**{**defaults(ONE_PARAMETER), **params}))


def two_parameters(**params) -> list[tuple[str, str]]:
    return expected(demos.two_parameters(**{**defaults(TWO_PARAMETERS), **params}))


def symbolic(**params) -> list[tuple[str, str]]:
    return expected(demos.symbolic(**{**defaults(SYMBOLIC), **params}))


def query(page: Page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def figure(page: Page) -> tuple[str, str]:
    """The figure's (src, alt), its panels' joined by spaces; each panel must have loaded
    and be described."""
    images = page.locator('[data-testid="stMain"] [data-testid="stImage"] img')
    assert 1 <= images.count() <= 2  # the fit pages draw two panels, each its own image
    sources, alts = [], []
    for image in images.all():
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        src, alt = image.get_attribute("src"), image.get_attribute("alt")
        assert src and alt and alt.strip(), "every panel needs a source and alt text"
        sources.append(src)
        alts.append(alt)
    return " ".join(sources), " ".join(alts)


def assert_result_block(page: Page, want: list[tuple[str, str]]) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()
    figure(page)
    assert page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').count() == 1
    assert metrics(page) == want


def nav_labels(page: Page) -> list[str]:
    return [
        t.split("\n")[-1].strip()
        for t in page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()
    ]


APP_NAV = [
    "Gradient descent explorer",
    "One parameter",
    "Two parameters",
    "Symbolic f(x)",
    "Optimizers",
    "Lessons",
]


def json_values(pairs: list[tuple[str, str]]) -> str:
    """The metrics' values as the page's JSON of them, to wait for in the browser."""
    return json.dumps([value for _, value in pairs], ensure_ascii=False, separators=(",", ":"))
