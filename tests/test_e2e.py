"""End to end: the real app in a real headless Chromium, as a visitor uses it (issue 5).

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
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from gd_app import demos
from gd_app.controls import ALPHA_VALUES, ONE_PARAMETER, SYMBOLIC, TWO_PARAMETERS, defaults

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    Page = None
    sync_playwright = None

try:
    import psutil
except ImportError:  # pragma: no cover - depends on the machine
    psutil = None

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", shutil.which("chromium")) if p and os.path.exists(p)), None
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
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


# ------------------------------------------------------------------------------- the server
@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server's process group (it was started in a session of its own)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@contextlib.contextmanager
def streamlit_server(log_dir: Path, name: str, startup_timeout: float = 60) -> Iterator[Server]:
    """A fresh ``streamlit run`` on a free port of 127.0.0.1, stopped on exit."""
    for attempt in range(3):  # a free port can be taken between the probe and the bind
        port = _free_port()
        log = log_dir / f"streamlit-{name}-{port}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    "streamlit_app.py",
                    "--server.headless",
                    "true",
                    "--server.address",
                    "127.0.0.1",
                    "--server.port",
                    str(port),
                    "--browser.gatherUsageStats",
                    "false",
                    # The app's files may be edited while the tests run: don't reload them.
                    "--server.fileWatcherType",
                    "none",
                ],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        server = Server(url=f"http://127.0.0.1:{port}", process=process, log=log)
        try:
            deadline = time.monotonic() + startup_timeout
            while time.monotonic() < deadline and process.poll() is None:
                if _healthy(server.url):
                    break
                time.sleep(0.25)
            if process.poll() is not None and attempt < 2 and "not available" in server.log_tail():
                continue  # lost the port race: try another port
            if not _healthy(server.url):
                raise RuntimeError(
                    f"streamlit did not answer on {server.url} within {startup_timeout:.0f} s "
                    f"(exit code {process.poll()}):\n{server.log_tail()}"
                )
            yield server
            return
        finally:
            _stop(process)
    raise RuntimeError("could not find a free port for streamlit")


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


# ============================================================== 1. pages from links, keyboard
def test_first_visit_by_deep_link_keeps_parameters_and_navigation(logs, browser, new_context):
    """The very first visitor after a server start arrives by a shared link."""
    with streamlit_server(logs, "deep-link") as fresh:
        page = new_context().new_page()
        open_page(
            page, f"{fresh.url}/two_parameters?alpha=0.3&N=10", ready='[data-testid="stMetric"]'
        )
        assert urlsplit(page.url).path == "/two_parameters"
        assert query(page) == {"alpha": "0.3", "N": "10"}
        assert page.locator('[data-testid="stMain"] h1').inner_text() == "Fitting two parameters"
        assert nav_labels(page) == APP_NAV, "the shared link lost the app's navigation"
        assert slider_value(page, "alpha") == pytest.approx(0.3)
        assert slider_value(page, "N") == 10
        assert_result_block(page, two_parameters(alpha=0.3, N=10))


def test_two_parameters_from_link_and_keyboard(server, page):
    open_page(page, f"{server.url}/two_parameters?alpha=0.3&N=10", ready='[data-testid="stMetric"]')
    assert slider_value(page, "alpha") == pytest.approx(0.3)
    assert slider_value(page, "N") == 10
    assert slider_value(page, "theta1_true") == pytest.approx(2.0)
    why = page.locator('[data-testid="stMain"] [data-testid="stExpander"]', has_text="Why?")
    assert why.count() == 1  # the verdict's numbers, on request
    assert_result_block(page, two_parameters(alpha=0.3, N=10))
    assert dict(metrics(page))["steps taken"] == "9"
    src_before, _ = figure(page)

    press(page, "alpha")  # the select slider's next value: 0.31
    assert slider_value(page, "alpha") == pytest.approx(0.31)
    assert query(page)["alpha"] == "0.31"
    assert figure(page)[0] != src_before
    assert_result_block(page, two_parameters(alpha=0.31, N=10))

    press(page, "N", "ArrowLeft")
    assert query(page)["N"] == "9"
    assert_result_block(page, two_parameters(alpha=0.31, N=9))
    assert dict(metrics(page))["steps taken"] == "8"

    src_before, _ = figure(page)
    press(page, "step")  # the scrubber marks another iterate: new figure, same run
    assert query(page)["step"] == "1"
    assert figure(page)[0] != src_before
    assert_result_block(page, two_parameters(alpha=0.31, N=9))


def test_one_parameter_from_link_and_keyboard(server, page):
    link = f"{server.url}/one_parameter?alpha=0.5&theta1=0.2&N=30"
    open_page(page, link, ready='[data-testid="stMetric"]')
    assert slider_value(page, "alpha") == pytest.approx(0.5)
    assert slider_value(page, "theta1") == pytest.approx(0.2)
    assert slider_value(page, "N") == 30
    want = one_parameter(alpha=0.5, theta1=0.2, N=30)
    assert [label for label, _ in want] == ["final θ1", "final cost J", "steps taken"]
    assert_result_block(page, want)
    src_before, _ = figure(page)

    press(page, "alpha")
    assert query(page)["alpha"] == "0.55"
    assert slider_value(page, "alpha") == pytest.approx(0.55)
    assert figure(page)[0] != src_before
    assert_result_block(page, one_parameter(alpha=0.55, theta1=0.2, N=30))


def test_one_parameter_defaults(server, page):
    open_page(page, f"{server.url}/one_parameter", ready='[data-testid="stMetric"]')
    assert slider_value(page, "N") == 20
    assert slider_value(page, "alpha") == pytest.approx(1.15)
    assert_result_block(page, one_parameter())
    assert metrics(page)[-1] == ("steps taken", "19")


def test_symbolic_from_link_typing_and_keyboard(server, page):
    open_page(page, f"{server.url}/symbolic", ready='[data-testid="stMetric"]')
    assert page.locator(".st-key-f input").input_value() == "x**2"
    want = symbolic()
    assert want[0] == ("minimum found at x", "0.000398768")
    assert want[-1] == ("steps taken", "40")
    assert_result_block(page, want)

    open_page(
        page, f"{server.url}/symbolic?f=x**4&x0=1&alpha=0.05", ready='[data-testid="stMetric"]'
    )
    assert page.locator(".st-key-f input").input_value() == "x**4"
    assert float(page.locator(".st-key-x0 input").input_value()) == 1
    assert float(page.locator(".st-key-alpha input").input_value()) == pytest.approx(0.05)
    assert_result_block(page, symbolic(f="x**4", x0=1.0, alpha=0.05))

    src_before, _ = figure(page)
    press(page, "step")
    assert query(page)["step"] == "1"
    assert figure(page)[0] != src_before
    assert_result_block(page, symbolic(f="x**4", x0=1.0, alpha=0.05))

    box = page.locator(".st-key-f input")
    act(page, lambda: (box.fill("(x-1)**2"), box.press("Enter")))
    assert query(page)["f"] == "(x-1)**2"
    assert_result_block(page, symbolic(f="(x-1)**2", x0=1.0, alpha=0.05))


def test_bad_function_and_refused_link_value_are_explained(server, page):
    open_page(page, f"{server.url}/symbolic?f=y**2", ready='[data-testid="stAlert"]')
    errors = page.locator('[data-testid="stMain"] [data-testid="stAlertContentError"]')
    assert errors.count() == 1
    text = errors.locator('[data-testid="stMarkdownContainer"]').inner_text().strip()
    assert text.startswith("Can't use this f(x)"), text
    assert page.locator('[data-testid="stMain"] [data-testid="stImage"]').count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0

    open_page(page, f"{server.url}/two_parameters?N=1000000000", ready='[data-testid="stMetric"]')
    warnings = page.locator('[data-testid="stMain"] [data-testid="stAlertContentWarning"]')
    assert any("not allowed" in text for text in warnings.all_inner_texts()), (
        warnings.all_inner_texts()
    )
    assert page.locator('[data-testid="stException"]').count() == 0


def test_home_links_reach_every_demo(server, page):
    titles = {
        "/one_parameter": "Fitting one parameter",
        "/two_parameters": "Fitting two parameters",
        "/symbolic": "Minimising any f(x)",
    }
    for path, title in titles.items():
        open_page(page, f"{server.url}/", ready="h1")
        assert page.locator('[data-testid="stMain"] h1').first.inner_text() == (
            "Understanding gradient descent"
        )
        assert nav_labels(page) == APP_NAV
        links = page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a')
        assert links.count() == 5  # the four demos and the lessons
        targets = links.evaluate_all("links => links.map(a => new URL(a.href).pathname)")
        assert targets.count(path) == 1, f"no link to {path} among {targets}"
        link = links.nth(targets.index(path))
        act(page, link.click)
        settle(page, '[data-testid="stMetric"]')
        assert urlsplit(page.url).path == path
        assert page.locator('[data-testid="stMain"] h1').inner_text() == title
        assert metrics(page), f"{path} shows no result"


def test_lowering_n_below_the_highlighted_iterate(server, page):
    open_page(page, f"{server.url}/two_parameters?N=8&step=7", ready='[data-testid="stMetric"]')
    assert slider_value(page, "step") == 7
    for N in (7, 6, 5):
        press(page, "N", "ArrowLeft")
        exception = page.locator('[data-testid="stException"]')
        assert exception.count() == 0, f"N={N}: {exception.first.inner_text()[:200]}"
        step = slider(page, "step")
        shown, top = int(step.input_value()), int(step.get_attribute("max"))
        assert top == N - 1
        assert int(query(page).get("step", 0)) == shown, f"N={N}: link and slider disagree"
        assert_result_block(page, two_parameters(N=N))


# ============================================================================ 2. no crosstalk
def test_sessions_do_not_share_state(server, new_context):
    """Eight sessions at once, each with its own link; each then changes its own link."""
    visits = [
        ("two_parameters", {"alpha": "0.3", "N": "10"}),
        ("two_parameters", {"alpha": "0.5", "N": "12"}),
        ("two_parameters", {"alpha": "1.2", "N": "8", "theta0_start": "-1"}),
        ("two_parameters", {"alpha": "1.9", "N": "20"}),
        ("one_parameter", {"alpha": "0.5"}),
        ("one_parameter", {"alpha": "2.25", "theta1": "1"}),
        ("one_parameter", {"alpha": "4", "N": "25"}),
        ("one_parameter", {"alpha": "5.5", "N": "12"}),
    ]
    compute = {"two_parameters": two_parameters, "one_parameter": one_parameter}
    start = {"two_parameters": defaults(TWO_PARAMETERS), "one_parameter": defaults(ONE_PARAMETER)}
    as_number = {"N": int, "alpha": float, "theta1": float, "theta0_start": float}

    def want(path: str, params: dict[str, str]):
        return compute[path](**{k: as_number[k](v) for k, v in params.items()})

    pages = [new_context().new_page() for _ in visits]
    for page, (path, params) in zip(pages, visits, strict=True):  # all load at once
        page.goto(f"{server.url}/{path}?" + "&".join(f"{k}={v}" for k, v in params.items()))
    for page, (path, params) in zip(pages, visits, strict=True):
        settle(page, '[data-testid="stMetric"]')
        assert query(page) == params
        assert_result_block(page, want(path, params))

    # Then each changes its own parameters at once: half by keyboard, half by a new link.
    changed = []
    for i, (page, (path, params)) in enumerate(zip(pages, visits, strict=True)):
        if i % 2 == 0:
            slider(page, "alpha").focus()
            page.keyboard.press("ArrowLeft")
            alpha = float(params["alpha"])
            lower = next_alpha(alpha, -1) if path == "two_parameters" else alpha - 0.05
            new = {**params, "alpha": f"{lower:g}"}
        else:
            N = int(params.get("N", start[path]["N"]))
            new = {**params, "N": str(N + i)}
            page.goto(f"{server.url}/{path}?" + "&".join(f"{k}={v}" for k, v in new.items()))
        changed.append(new)
    for page, (path, _), new in zip(pages, visits, changed, strict=True):
        try:
            page.wait_for_function(
                "([w, d]) => { const q = new URLSearchParams(location.search);"
                " return Object.entries(w).every(([k, v]) =>"
                " Number(q.get(k) ?? d[k]) === Number(v)); }",  # a default leaves the link
                arg=[new, start[path]],
            )
        except Exception as error:
            raise AssertionError(f"{page.url} never showed {new}") from error
        page.wait_for_function(
            f"(w) => ({IDLE_JS})() && JSON.stringify([...document.querySelectorAll("
            "'[data-testid=\"stMetricValue\"]')].map(e => e.innerText.trim())) === w",
            arg=json_values(want(path, new)),
            timeout=30_000,
        )
        assert_result_block(page, want(path, new))
    print(f"\ncrosstalk: {len(pages)} sessions each showed their own numbers, before and after")


def json_values(pairs: list[tuple[str, str]]) -> str:
    return json.dumps([value for _, value in pairs], ensure_ascii=False, separators=(",", ":"))


# ========================================================================= 3. memory per rerun
SLIDERS_JS_KEYS = ("alpha", "N", "step", "theta0_start", "theta1_start")
SLIDERS_JS = """() => Object.fromEntries(['alpha', 'N', 'step', 'theta0_start', 'theta1_start']
  .map(k => [k, document.querySelector(
      `[data-testid="stApp"] .st-key-${k} input[type="range"]`)])
  .filter(([, e]) => e)
  .map(([k, e]) => [k, [Number(e.value), Number(e.min), Number(e.max)]]))"""


def _next_move(rng: random.Random, state: dict) -> tuple[str, str]:
    """A random walk over several sliders, kept in range and off the step/N crash."""
    alpha, N, step, theta0, theta1 = (state[k][0] for k in SLIDERS_JS_KEYS)
    alpha = ALPHA_VALUES[int(alpha)]  # the α select slider's input holds the option's index
    step_max = state["step"][2]
    moves = []
    if alpha < 1.85:
        moves.append(("alpha", "ArrowRight"))
    if alpha > 0.15:
        moves.append(("alpha", "ArrowLeft"))
    if N < 60:
        moves.append(("N", "ArrowRight"))
    if N > 3 and step < N - 2:
        moves.append(("N", "ArrowLeft"))
    if step < step_max:
        moves.append(("step", "ArrowRight"))
    if step > 0:
        moves.append(("step", "ArrowLeft"))
    for key, value in (("theta0_start", theta0), ("theta1_start", theta1)):
        if value < 1.95:
            moves.append((key, "ArrowRight"))
        if value > -1.95:
            moves.append((key, "ArrowLeft"))
    return rng.choice(moves)


def test_memory_does_not_grow_over_300_reruns(logs, browser, new_context):
    _need(psutil is not None, "the Python package psutil is not installed")
    reruns, first_sample = 300, 50
    with streamlit_server(logs, "memory") as fresh:
        process = psutil.Process(fresh.pid)
        page = new_context().new_page()
        open_page(page, f"{fresh.url}/two_parameters?N=20&step=3", ready='[data-testid="stMetric"]')
        rng = random.Random(5)
        counts: dict[str, int] = {}
        rss: dict[int, float] = {0: process.memory_info().rss / 2**20}
        started = time.monotonic()
        for rerun in range(1, reruns + 1):  # each press waits for its rerun (catches a hang)
            key, button = _next_move(rng, page.evaluate(SLIDERS_JS))
            counts[f"{key} {button}"] = counts.get(f"{key} {button}", 0) + 1
            press(page, key, button)
            if rerun == first_sample or rerun % 50 == 0:
                rss[rerun] = process.memory_info().rss / 2**20
        assert page.locator('[data-testid="stException"]').count() == 0
        final = {k: v[0] for k, v in page.evaluate(SLIDERS_JS).items()}
        duration = time.monotonic() - started
    growth = rss[reruns] - rss[first_sample]
    print(
        f"\nmemory: {reruns} reruns of /two_parameters in {duration:.0f} s "
        f"({1000 * duration / reruns:.0f} ms each); server RSS (MiB) after rerun "
        + ", ".join(f"{n}: {v:.1f}" for n, v in sorted(rss.items()))
        + f"; growth 50→300: {growth:+.1f} MiB"
        + f"\nmemory: key presses {dict(sorted(counts.items()))}; final sliders {final}"
    )
    assert len([k for k in counts if counts[k] >= 10]) >= 6, counts
    assert growth < 30, f"server RSS grew by {growth:.1f} MiB between rerun 50 and {reruns}"


# ========================================================================= 4. responsiveness
HEAVY = [  # the slowest inputs the pages allow; {i} makes each firing a new (uncached) run
    "/two_parameters?N=1000&m=100000&noise=2&alpha=2.5&seed={i}&step={i}",
    "/symbolic?max_iter=10000&precision=1e-12&alpha=0.0001&x0={x0}",
    "/one_parameter?N=1000&m=100000&noise=2&alpha=6&seed={i}",
]


def _quiet_idle(page: Page) -> bool:
    """Idle now? (False while the page is navigating and can't be asked.)"""
    try:
        return bool(page.evaluate(IDLE_JS))
    except Exception:
        return False


def test_other_sessions_stay_responsive_under_heavy_runs(logs, browser, new_context):
    """Sessions that keep firing the slowest runs don't stall another visitor's page.

    How long the light page took is printed, not asserted (speed lives in bench/); the
    wait below only catches a hang.
    """
    hang, rounds, max_fires = 300.0, 4, 2000
    with streamlit_server(logs, "load") as fresh:
        light = new_context().new_page()
        alone = []
        for alpha in (0.35, 0.4):  # the first run after a start imports and draws cold
            start = time.monotonic()
            open_page(
                light, f"{fresh.url}/one_parameter?alpha={alpha}", ready='[data-testid="stMetric"]'
            )
            alone.append(time.monotonic() - start)

        heavy_pages = [new_context().new_page() for _ in HEAVY]
        fired = 0

        def fire(page: Page, link: str) -> None:
            nonlocal fired
            fired += 1
            page.goto(fresh.url + link.format(i=fired, x0=3 + fired / 8), wait_until="commit")

        start = time.monotonic()
        for page, link in zip(heavy_pages, HEAVY, strict=True):
            fire(page, link)
        for page in heavy_pages:
            settle(page, '[data-testid="stMetric"]', timeout=120)
        heavy_alone = time.monotonic() - start

        timings, busy = [], []  # busy: heavy pages still running when the light one was done
        for round_ in range(1, rounds + 1):
            for page, link in zip(heavy_pages, HEAVY, strict=True):
                fire(page, link)
            time.sleep(0.5)  # the heavy runs are under way ...
            alpha = round(0.4 + 0.05 * round_, 2)
            want = one_parameter(alpha=alpha)
            done_js = f"(w) => ({IDLE_JS})() && JSON.stringify([...document.querySelectorAll("
            done_js += "'[data-testid=\"stMetricValue\"]')].map(e => e.innerText.trim())) === w"
            start = time.monotonic()
            light.goto(f"{fresh.url}/one_parameter?alpha={alpha:g}", wait_until="commit")
            while True:  # ... and are fired again whenever one ends, until the light page is done
                try:
                    if light.evaluate(done_js, json_values(want)):
                        break
                except Exception:
                    pass  # still navigating
                took = time.monotonic() - start
                assert took < hang, (
                    f"round {round_}: a light page hung ({took:.0f} s) during heavy runs"
                    f"\n{fresh.log_tail()}"
                )
                assert fired < max_fires
                for page, link in zip(heavy_pages, HEAVY, strict=True):
                    if _quiet_idle(page):
                        fire(page, link)
                time.sleep(0.1)
            timings.append(time.monotonic() - start)
            busy.append(sum(not _quiet_idle(page) for page in heavy_pages))
            assert_result_block(light, want)
        for page in heavy_pages:
            settle(page, '[data-testid="stMetric"]', timeout=120)
            assert page.locator('[data-testid="stException"]').count() == 0
    print(
        f"\nresponsiveness: light page alone {alone[0]:.2f} s cold, {alone[1]:.2f} s warm; "
        f"the {len(HEAVY)} heavy pages' first runs together {heavy_alone:.1f} s; "
        f"light page while heavy runs were fired again and again ({fired} heavy runs in all): "
        + ", ".join(f"{t:.2f}" for t in timings)
        + f" s; heavy pages still running at that moment: {busy}"
    )
    assert sum(busy) > 0, "the heavy runs were all over before the light page finished"


# ============================================================================= 5. screenshots
@pytest.mark.parametrize(
    "name, path",
    [
        ("home", "/"),
        ("one_parameter", "/one_parameter"),
        ("two_parameters", "/two_parameters"),
        ("symbolic", "/symbolic"),
    ],
)
def test_screenshot_at_defaults(server, page, name, path):
    ready = "h1" if path == "/" else '[data-testid="stMetric"]'
    open_page(page, server.url + path, ready=ready)
    if path != "/":
        figure(page)
    page.evaluate("document.fonts.ready.then(() => true)")
    # The app scrolls inside its own containers: grow the window to the content instead.
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
    assert target.stat().st_size > 10_000
    print(f"\nscreenshot: {target.relative_to(ROOT)} (1400×{min(max(height, 1000), 8000)})")
