"""End to end: the real app in a real headless Chromium, as a visitor uses it.

Pages opened from links and driven by the keyboard, sessions that must not share state,
and screenshots at the defaults. The server, browser and waits are tests/e2e_support.py's;
the long runs under load (memory over many reruns, heavy visitors) are in test_e2e_load.py.
"""

# ruff: noqa: F811 (pytest fixtures imported from e2e_support are parameters here)

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from e2e_support import (  # noqa: F401 (fixtures)
    APP_NAV,
    IDLE_JS,
    ROOT,
    SCREENSHOTS,
    VIEWPORT,
    act,
    assert_result_block,
    browser,
    figure,
    json_values,
    logs,
    metrics,
    nav_labels,
    new_context,
    next_alpha,
    one_parameter,
    open_page,
    page,
    press,
    query,
    server,
    settle,
    slider,
    slider_value,
    streamlit_server,
    symbolic,
    two_parameters,
    wait_idle,
)

from gd_app.controls import ONE_PARAMETER, TWO_PARAMETERS, defaults

pytestmark = pytest.mark.browser


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
    for tab, (path, params) in zip(pages, visits, strict=True):  # all load at once
        tab.goto(f"{server.url}/{path}?" + "&".join(f"{k}={v}" for k, v in params.items()))
    for tab, (path, params) in zip(pages, visits, strict=True):
        settle(tab, '[data-testid="stMetric"]')
        assert query(tab) == params
        assert_result_block(tab, want(path, params))

    # Then each changes its own parameters at once: half by keyboard, half by a new link.
    changed = []
    for i, (tab, (path, params)) in enumerate(zip(pages, visits, strict=True)):
        if i % 2 == 0:
            slider(tab, "alpha").focus()
            tab.keyboard.press("ArrowLeft")
            alpha = float(params["alpha"])
            lower = next_alpha(alpha, -1) if path == "two_parameters" else alpha - 0.05
            new = {**params, "alpha": f"{lower:g}"}
        else:
            N = int(params.get("N", start[path]["N"]))
            new = {**params, "N": str(N + i)}
            tab.goto(f"{server.url}/{path}?" + "&".join(f"{k}={v}" for k, v in new.items()))
        changed.append(new)
    for tab, (path, _), new in zip(pages, visits, changed, strict=True):
        try:
            tab.wait_for_function(
                "([w, d]) => { const q = new URLSearchParams(location.search);"
                " return Object.entries(w).every(([k, v]) =>"
                " Number(q.get(k) ?? d[k]) === Number(v)); }",  # a default leaves the link
                arg=[new, start[path]],
            )
        except Exception as error:
            raise AssertionError(f"{tab.url} never showed {new}") from error
        tab.wait_for_function(
            f"(w) => ({IDLE_JS})() && JSON.stringify([...document.querySelectorAll("
            "'[data-testid=\"stMetricValue\"]')].map(e => e.innerText.trim())) === w",
            arg=json_values(want(path, new)),
            timeout=30_000,
        )
        assert_result_block(tab, want(path, new))
    print(f"\ncrosstalk: {len(pages)} sessions each showed their own numbers, before and after")


# ============================================================================= 3. screenshots
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
