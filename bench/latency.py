"""Slider to new picture in headless Chromium, against Streamlit's own floor, in one run (#13).

    python bench/latency.py            # 3 rounds x 6 moves per case (about 3 minutes)
    python bench/latency.py --tiny     # 1 round x 1 move: shows it works

From a key press (→ or ←) on the α slider to the moment the new figure has
loaded and decoded in the page (see ``WATCH_JS`` in bench/server.py), for the
one- and the two-parameter page and for a bare Streamlit app with a slider and
one cached 1680x960 PNG per value (bench/bare_app.py): what Streamlit itself
costs. "new" presses → to values no run has had; "revisit" then presses ← back
over them, so the server has the picture cached and the browser has its bytes.

Then the same moves again without a browser, over Streamlit's websocket
(bench/server.py's WireSession): a rerun until the server says it has
finished. The difference between the two is the browser's share: receiving
the page's elements, rendering them, fetching and decoding the figure.

Cases take turns within each round, so drifting load on a shared machine hits
them alike. Only the medians measured together in one run compare.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PHASES_JS,
    WireSession,
    open_and_settle,
    press_until_new_figure,
    streamlit_server,
)

GOALS = {"new": "<= 130 ms", "revisit": "<= 95 ms"}


def link(case: str, round_: int, moves: int) -> str:
    """A start no earlier round has passed through, so → always reaches a new run."""
    if case == "bare":
        return f"/?alpha={0.5 + 0.05 * round_ * (moves + 1):.2f}"
    n = {"one_parameter": 20, "two_parameters": 15}[case] + round_
    return f"/{case}?N={n}"


async def measure(urls: dict[str, str], rounds: int, moves: int) -> dict:
    from playwright.async_api import async_playwright

    times = {case: {"new": [], "revisit": []} for case in urls}
    phases = {case: {"new": [], "revisit": []} for case in urls}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for case, url in urls.items():  # warm up: imports, static layers, first draws
                context = await browser.new_context(viewport={"width": 1400, "height": 1000})
                page = await context.new_page()
                await open_and_settle(page, url + link(case, rounds, moves))
                await press_until_new_figure(page, "alpha", "ArrowRight")
                await context.close()
            for round_ in range(rounds):
                for case, url in urls.items():
                    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = await context.new_page()
                    await open_and_settle(page, url + link(case, round_, moves))
                    for kind, button in (("new", "ArrowRight"), ("revisit", "ArrowLeft")):
                        for _ in range(moves):
                            await page.wait_for_timeout(300)
                            took = await press_until_new_figure(page, "alpha", button)
                            times[case][kind].append(took)
                            phases[case][kind].append(await page.evaluate(PHASES_JS))
                    await context.close()
        finally:
            await browser.close()
    return times, phases


async def server_alone(urls: dict[str, str], rounds: int, moves: int) -> dict:
    """The same moves without a browser: a rerun over Streamlit's websocket, until the
    server says the run has finished (the figure not fetched). What the server costs."""
    times = {case: {"new": [], "revisit": []} for case in urls}
    for round_ in range(rounds):
        for case, url in urls.items():
            path, _, query = link(case, rounds + 1 + round_, moves).partition("?")
            session = WireSession(url)
            await session.open(path.strip("/"), query)
            alphas = [round(0.2 + 0.1 * i, 2) for i in range(moves + 1)]  # on both sliders' grids
            try:
                await session.move("alpha", alphas[0])  # the first stop, not timed
                for kind, values in (("new", alphas[1:]), ("revisit", alphas[-2::-1])):
                    for alpha in values:
                        began = time.perf_counter()
                        await session.move("alpha", alpha)
                        times[case][kind].append(time.perf_counter() - began)
            finally:
                await session.close()
    return times


def breakdown(phases: dict) -> str:
    """Median of each phase, in ms from the key press (see PHASES_JS); '-' if never seen."""
    names = ("to_running", "running", "fetch_start", "fetch", "total")
    lines = [
        "where the time goes (medians, ms): press -> app shows its script running; "
        "running; press -> figure fetch starts; fetch; press -> figure decoded",
        f"  {'case':<24}" + "".join(f"{name:>12}" for name in names),
    ]
    for case, kinds in phases.items():
        for kind, rows in kinds.items():
            cells = []
            for name in names:
                values = [row[name] for row in rows if row[name] == row[name]]  # not NaN
                cells.append(f"{statistics.median(values):12.0f}" if values else f"{'-':>12}")
            lines.append(f"  {case + ' ' + kind:<24}" + "".join(cells))
    return "\n".join(lines)


def report(times: dict, title: str, goals: bool = True) -> str:
    lines = [
        f"{title}, median (and count) of each case:",
        f"  {'case':<16} {'new value':>14} {'revisited value':>18}",
    ]
    for case, kinds in times.items():
        cells = [
            f"{1000 * statistics.median(kinds[kind]):7.0f} ms ({len(kinds[kind])})"
            for kind in ("new", "revisit")
        ]
        lines.append(f"  {case:<16} {cells[0]:>14} {cells[1]:>18}")
    bare = times["bare"]
    for case in ("one_parameter", "two_parameters"):
        ratios = [
            statistics.median(times[case][kind]) / statistics.median(bare[kind])
            for kind in ("new", "revisit")
        ]
        lines.append(f"  {case} / bare: new {ratios[0]:.2f}, revisit {ratios[1]:.2f}")
    if goals:
        lines.append(
            f"  goals on the 2-core machine: new {GOALS['new']}, revisit {GOALS['revisit']}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="one round of one move")
    args = parser.parse_args()
    rounds, moves = (1, 1) if args.tiny else (3, 6)
    with streamlit_server() as app, streamlit_server("bench/bare_app.py") as bare:
        urls = {"one_parameter": app, "two_parameters": app, "bare": bare}
        times, phases = asyncio.run(measure(urls, rounds, moves))
        print(report(times, "slider to new figure in headless Chromium"))
        print(breakdown(phases))
        alone = asyncio.run(server_alone(urls, rounds, moves))
        print(report(alone, "the server alone: a rerun over the websocket", goals=False))


if __name__ == "__main__":
    main()
