"""Many visitors at once against a real ``streamlit run``: median, p95 and errors (#13).

    python bench/load.py                      # every scenario (about 5 minutes)
    python bench/load.py --scenario class     # one of them: browsers | bare | class | heavy
    python bench/load.py --tiny               # a few moves each: shows it works

1. browsers: 6 sessions in headless Chromium, alternating the one- and the
   two-parameter page, each pressing → on the α slider 0.7 s after its last
   answer, 48 moves in all. A move's time runs from the key press to the new
   figure loaded and decoded in the page. (The issue's first measurement:
   median 498 ms, p95 978 ms; goal p95 <= 500 ms.)
   bare: the same 6 visitors against bench/bare_app.py (a slider and one
   cached PNG), in a server of its own: Streamlit's and Chromium's floor.
2. class: 30 sessions speaking Streamlit's websocket protocol (no browser:
   at 30 browsers we would measure Chromium), alternating the pages, each
   moving α to a value no session has asked for about every 3 s for a minute.
   A move's time runs from sending the rerun to the run finished and its
   figure fetched over HTTP. (Goal: p95 <= 1 s, no errors.)
3. heavy: a light visitor (a new session on /one_parameter at a fresh α, until
   its run has finished and its figure is fetched) alone, then while 3 sessions
   keep firing the slowest runs the pages allow (m = 100,000, N = 1,000; the
   symbolic page at 10,000 iterations), each fired again as soon as it ends.
   The ratio of the medians says how much a heavy visitor slows a light one.

Each session starts with its own N, so no two sessions ask for the same run.
Errors are runs that raised, timed out or lost their connection. The machine
may be shared: compare numbers measured in one run only.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    WireSession,
    open_and_settle,
    press_until_new_figure,
    streamlit_server,
)

PAGES = ("one_parameter", "two_parameters")
DEFAULT_N = {"one_parameter": 20, "two_parameters": 15}
ALPHAS = {  # α values a student reaches (the two-parameter select slider has them all)
    "one_parameter": [round(0.1 + 0.05 * i, 2) for i in range(119)],
    "two_parameters": [round(0.1 + 0.1 * i, 1) for i in range(25)],
}


def summary(name: str, seconds: list[float], errors: list[str], extra: str = "") -> str:
    if seconds:
        ms = sorted(1000 * s for s in seconds)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        times = f"median {statistics.median(ms):5.0f} ms, p95 {p95:5.0f} ms, max {ms[-1]:5.0f} ms"
    else:
        times = "no move finished"
    line = f"{name}: {len(seconds)} moves, {times}, errors {len(errors)}{extra}"
    return line + "".join(f"\n    error: {e}" for e in errors[:5])


# ------------------------------------------------------------------ 1. browsers
async def browsers(url: str, sessions: int, moves: int, pause: float, bare: bool = False) -> str:
    """``bare``: the same visitors against bench/bare_app.py, Streamlit's own floor."""
    from playwright.async_api import async_playwright

    seconds, errors = [], []
    per_session = [moves // sessions + (i < moves % sessions) for i in range(sessions)]

    async def visitor(browser, i: int) -> None:
        page_name = PAGES[i % 2]
        link = (
            f"/?alpha={0.5 + 0.5 * i:.2f}" if bare else f"/{page_name}?N={DEFAULT_N[page_name] + i}"
        )
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = await context.new_page()
            try:
                await open_and_settle(page, url + link)
            except Exception as error:
                errors.append(f"session {i} could not open: {type(error).__name__}: {error}"[:200])
                return
            for _ in range(per_session[i]):
                await asyncio.sleep(pause)
                try:
                    seconds.append(await press_until_new_figure(page, "alpha", "ArrowRight"))
                except Exception as error:  # a timeout: the answer never came
                    errors.append(f"session {i}: {type(error).__name__}: {error}"[:200])
                if await page.locator('[data-testid="stException"]').count():
                    errors.append(f"session {i}: the page shows an exception")
        finally:
            await context.close()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            await asyncio.gather(*(visitor(browser, i) for i in range(sessions)))
        finally:
            await browser.close()
    return summary(
        f"{'bare app, ' if bare else ''}browsers ({sessions} Chromium sessions, → on α {pause} s "
        "after each answer)",
        seconds,
        errors,
    )


# ------------------------------------------------------------------ 2. a class
async def a_class(url: str, sessions: int, duration: float, every: float, seed: int = 0) -> str:
    rng = random.Random(seed)
    seconds, errors, sizes = [], [], []
    opened = []

    async def student(i: int) -> None:
        page_name = PAGES[i % 2]
        start_n = DEFAULT_N[page_name] + i
        fresh = [a for a in ALPHAS[page_name]]
        rng.shuffle(fresh)
        session = WireSession(url)
        await asyncio.sleep(rng.uniform(0, every))  # students don't start in step
        try:
            await session.open(page_name, f"N={start_n}")
            opened.append(i)
            end = time.monotonic() + duration
            while time.monotonic() < end and fresh:
                began = time.monotonic()
                try:
                    await session.move("alpha", fresh.pop())
                    sizes.append(await session.fetch_image())
                    seconds.append(time.monotonic() - began)
                    errors.extend(f"session {i}: {e[:150]}" for e in session.errors)
                except Exception as error:
                    errors.append(f"session {i}: {type(error).__name__}: {error}"[:200])
                    if not isinstance(error, asyncio.TimeoutError):
                        return  # the connection is gone
                await asyncio.sleep(
                    max(0.0, every * rng.uniform(0.8, 1.2) - (time.monotonic() - began))
                )
        except Exception as error:
            errors.append(f"session {i} could not open: {type(error).__name__}: {error}"[:200])
        finally:
            await session.close()

    await asyncio.gather(*(student(i) for i in range(sessions)))
    kb = statistics.median(sizes) / 1024 if sizes else 0
    return summary(
        f"class ({len(opened)} of {sessions} websocket sessions, a fresh α about every "
        f"{every:g} s for {duration:g} s)",
        seconds,
        errors,
        extra=f", figure {kb:.0f} KB (median)",
    )


# ------------------------------------------------------------------ 3. heavy runs
HEAVY = [  # the slowest inputs the pages allow; {i} makes each firing a new (uncached) run
    ("two_parameters", "N=1000&m=100000&noise=2&alpha=2.5&seed={i}&step={i}"),
    ("symbolic", "max_iter=10000&precision=1e-12&alpha=0.0001&x0={x0}"),
    ("one_parameter", "N=1000&m=100000&noise=2&alpha=6&seed={i}"),
]


async def heavy_runs(url: str, visits: int) -> str:
    """A light visitor's time alone, then while heavy visitors keep the server busy."""
    alphas = iter(round(0.35 + 0.05 * i, 2) for i in range(2 * visits + 1))
    errors: list[str] = []
    fired = 0

    async def light() -> float:
        session = WireSession(url)
        began = time.monotonic()
        try:
            await session.open("one_parameter", f"alpha={next(alphas):g}", timeout=300)
            await session.fetch_image()
            errors.extend(session.errors)
            return time.monotonic() - began
        finally:
            await session.close()

    async def heavy(page: str, query: str, stop: asyncio.Event) -> None:
        nonlocal fired
        while not stop.is_set():
            fired += 1
            session = WireSession(url)
            try:
                await session.open(page, query.format(i=fired, x0=3 + fired / 8), timeout=300)
                errors.extend(session.errors)
            except Exception as error:
                errors.append(f"{page}: {type(error).__name__}: {error}"[:200])
            finally:
                await session.close()

    await light()  # the first run after a start imports and draws cold: not counted
    alone = [await light() for _ in range(visits)]
    stop = asyncio.Event()
    heavies = [asyncio.create_task(heavy(page, query, stop)) for page, query in HEAVY]
    await asyncio.sleep(0.5)  # the heavy runs are under way
    loaded = [await light() for _ in range(visits)]
    stop.set()
    await asyncio.gather(*heavies)
    ratio = statistics.median(loaded) / statistics.median(alone)
    line = (
        f"heavy: light page alone median {1000 * statistics.median(alone):.0f} ms, "
        f"while {len(HEAVY)} sessions fire the slowest runs ({fired} in all) median "
        f"{1000 * statistics.median(loaded):.0f} ms, ratio {ratio:.2f}, errors {len(errors)}"
    )
    return line + "".join(f"\n    error: {e}" for e in errors[:5])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenario", choices=["browsers", "bare", "class", "heavy", "all"], default="all"
    )
    parser.add_argument("--tiny", action="store_true", help="a few moves: shows it works")
    parser.add_argument(
        "--log", type=Path, help="the server's log file (the class's server: NAME-class.log)"
    )
    args = parser.parse_args()
    sessions, moves = (2, 4) if args.tiny else (6, 48)
    if args.scenario in ("browsers", "all"):
        with streamlit_server(log=args.log) as url:
            print(asyncio.run(browsers(url, sessions, moves, pause=0.7)), flush=True)
    if args.scenario in ("bare", "all"):
        with streamlit_server("bench/bare_app.py") as url:
            print(asyncio.run(browsers(url, sessions, moves, pause=0.7, bare=True)), flush=True)
    if args.scenario in ("class", "all"):
        sessions, duration = (3, 4.0) if args.tiny else (30, 60.0)
        log = args.log and args.log.with_name(f"{args.log.stem}-class{args.log.suffix}")
        with streamlit_server(log=log) as url:
            print(asyncio.run(a_class(url, sessions, duration, every=3.0)), flush=True)
    if args.scenario in ("heavy", "all"):
        with streamlit_server() as url:
            print(asyncio.run(heavy_runs(url, 2 if args.tiny else 6)), flush=True)


if __name__ == "__main__":
    main()
