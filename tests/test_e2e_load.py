"""End to end under load: a real server through 300 random reruns (its memory growth is
printed; bench/memory.py measures memory), and a light visitor's page answering while
other sessions keep firing the slowest runs.

Each test starts a fresh server of its own (tests/e2e_server.py), so what it sees is its own
load. No time or memory is asserted: bench/load.py --scenario heavy prints how much heavy visitors slow
a light one, as a ratio measured in one run.
"""

# ruff: noqa: F811 (pytest fixtures imported from e2e_support are parameters here)

from __future__ import annotations

import random
import time

import pytest
from e2e_support import (  # noqa: F401 (fixtures)
    IDLE_JS,
    Page,
    _need,
    assert_result_block,
    browser,
    json_values,
    logs,
    new_context,
    one_parameter,
    open_page,
    press,
    settle,
    streamlit_server,
)

from gd_app.controls import ALPHA_VALUES

try:
    import psutil
except ImportError:  # pragma: no cover - depends on the machine
    psutil = None

pytestmark = pytest.mark.browser


# ========================================================================= 1. memory per rerun
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


def test_300_random_reruns_keep_the_page_working(logs, browser, new_context):
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
    # The growth is printed, not asserted: memory goals live in bench/ (bench/memory.py).


# ========================================================================= 2. responsiveness
HEAVY = [  # the slowest inputs the pages allow; {i} makes each firing a new (uncached) run
    "/two_parameters?N=1000&m=100000&noise=2&alpha=2.5&seed={i}&step={i}",
    "/symbolic?max_iter=10000&precision=1e-12&alpha=0.0001&x0={x0}",
    "/one_parameter?N=1000&m=100000&noise=2&alpha=6&seed={i}",
]


def _ask(page: Page, js: str, *arg) -> bool:
    """``js`` evaluated in the page, as a bool (False while it navigates and can't be asked)."""
    try:
        return bool(page.evaluate(js, *arg))
    except Exception:
        return False


def test_other_sessions_stay_responsive_under_heavy_runs(logs, browser, new_context):
    """Sessions that keep firing the slowest runs don't stall another visitor's page.

    What is checked is an order, not a time: each round, the light page shows its own run's
    numbers while heavy runs are still under way. How much the heavy runs slow it is printed
    by bench/load.py --scenario heavy; the bounded waits here only catch a hang.
    """
    rounds, max_fires, polls = 4, 2000, 3000
    with streamlit_server(logs, "load") as fresh:
        light = new_context().new_page()  # the first run after a start imports and draws cold
        open_page(light, f"{fresh.url}/one_parameter?alpha=0.35", ready='[data-testid="stMetric"]')
        assert_result_block(light, one_parameter(alpha=0.35))

        heavy_pages = [new_context().new_page() for _ in HEAVY]
        fired = 0

        def fire(page: Page, link: str) -> None:
            nonlocal fired
            fired += 1
            page.goto(fresh.url + link.format(i=fired, x0=3 + fired / 8), wait_until="commit")

        for page, link in zip(heavy_pages, HEAVY, strict=True):
            fire(page, link)
        for page in heavy_pages:
            settle(page, '[data-testid="stMetric"]', timeout=120)

        busy = []  # heavy pages still running when the light one was done
        done_js = f"(w) => ({IDLE_JS})() && JSON.stringify([...document.querySelectorAll("
        done_js += "'[data-testid=\"stMetricValue\"]')].map(e => e.innerText.trim())) === w"
        for round_ in range(1, rounds + 1):
            for page, link in zip(heavy_pages, HEAVY, strict=True):
                fire(page, link)
            light.wait_for_timeout(500)  # the heavy runs are under way ...
            alpha = round(0.4 + 0.05 * round_, 2)
            want = one_parameter(alpha=alpha)
            light.goto(f"{fresh.url}/one_parameter?alpha={alpha:g}", wait_until="commit")
            for _ in range(polls):  # ... and are fired again whenever one ends
                if _ask(light, done_js, json_values(want)):
                    break
                assert fired < max_fires
                for page, link in zip(heavy_pages, HEAVY, strict=True):
                    if _ask(page, IDLE_JS):
                        fire(page, link)
                light.wait_for_timeout(100)
            else:
                raise AssertionError(
                    f"round {round_}: the light page never showed its run during heavy runs"
                    f"\n{fresh.log_tail()}"
                )
            busy.append(sum(not _ask(page, IDLE_JS) for page in heavy_pages))
            assert_result_block(light, want)
            assert light.locator('[data-testid="stException"]').count() == 0
        for page in heavy_pages:
            settle(page, '[data-testid="stMetric"]', timeout=120)
            assert page.locator('[data-testid="stException"]').count() == 0
    print(
        f"\nresponsiveness: the light page showed its run in each of {rounds} rounds while "
        f"{len(HEAVY)} sessions fired {fired} heavy runs; heavy pages still running then: {busy}"
    )
    assert sum(busy) > 0, "the heavy runs were all over before the light page finished"
