"""Memory of the server's process tree (PSS), after every page opened once and under a class.

    python bench/memory.py            # both measurements (about 2 minutes)
    python bench/memory.py --tiny     # a short class: shows it works

1. A real ``streamlit run`` and headless Chromium: open the home page and each demo
   page once (waiting for its figure), then print the PSS of the server's process
   tree (the server, the fork servers and every worker), process by process.
   PSS shares each page of memory among the processes mapping it, so the sum is
   what the tree costs the machine. (Goal: at most 400 MB.)
2. A fresh server and a class of websocket sessions (bench/load.py's protocol) on all
   four pages, each moving its page's main slider about every 3 s; the tree's PSS is
   sampled every 0.5 s and the peak printed. (Goal: at most 550 MB.)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PIDS,
    WireSession,
    open_and_settle,
    streamlit_server,
)

PAGES = ("one_parameter", "two_parameters", "symbolic", "optimizers")
# page -> (slider key, values a student moves it through)
MOVES = {
    "one_parameter": ("alpha", [round(0.1 + 0.05 * i, 2) for i in range(119)]),
    "two_parameters": ("alpha", [round(0.1 + 0.1 * i, 1) for i in range(25)]),
    "symbolic": ("alpha", [round(0.01 * i, 2) for i in range(1, 60)]),
    "optimizers": ("N", list(range(60, 400, 7))),
}
MB = 1 << 20


def tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def pss(pid: int) -> tuple[float, list[tuple[str, float]]]:
    """(MB of PSS over the tree, [(process, MB)])."""
    rows = []
    for process in tree(pid):
        try:
            info = process.memory_full_info()
            name = " ".join(process.cmdline()[1:4])[:60] or process.name()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rows.append((f"{process.pid} {process.name()} {name}", info.pss / MB))
    return sum(mb for _, mb in rows), rows


async def open_every_page(url: str) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await page.goto(url, wait_until="domcontentloaded")
        await page.wait_for_timeout(2000)
        for name in PAGES:
            await open_and_settle(page, f"{url}/{name}", timeout=180)
        await browser.close()


async def a_class(url: str, sessions: int, duration: float, every: float) -> tuple[float, int]:
    """(peak MB of PSS while ``sessions`` websocket students work on all four pages, moves)."""
    pid, rng, moves, peak = PIDS[url], random.Random(0), [0], [0.0]
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], (await asyncio.to_thread(pss, pid))[0])
            await asyncio.sleep(0.5)

    async def student(i: int) -> None:
        name = PAGES[i % len(PAGES)]
        key, values = MOVES[name]
        values = list(values)
        rng.shuffle(values)
        session = WireSession(url)
        await asyncio.sleep(rng.uniform(0, every))
        try:
            await session.open(name, "", timeout=180)
            end = time.monotonic() + duration
            while time.monotonic() < end and values:
                began = time.monotonic()
                try:
                    await session.move(key, values.pop(), timeout=120)
                    moves[0] += 1
                except Exception:  # noqa: BLE001 - load.py counts errors; here memory only
                    pass
                await asyncio.sleep(max(0.0, every - (time.monotonic() - began)))
        except Exception as error:  # noqa: BLE001
            print(f"session {i} could not open: {type(error).__name__}: {error}"[:200])
        finally:
            await session.close()

    sampler = asyncio.create_task(sample())
    await asyncio.gather(*(student(i) for i in range(sessions)))
    done.set()
    await sampler
    return peak[0], moves[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="a short class: shows it works")
    args = parser.parse_args()
    with streamlit_server() as url:
        asyncio.run(open_every_page(url))
        time.sleep(3)  # let background starts (spare workers) finish
        total, rows = pss(PIDS[url])
        for name, mb in rows:
            print(f"  {mb:7.1f} MB  {name}")
        print(
            f"memory after every page opened once: {total:.0f} MB PSS in {len(rows)} "
            f"processes (goal <= 400 MB)",
            flush=True,
        )
    sessions, duration = (4, 6.0) if args.tiny else (30, 60.0)
    with streamlit_server() as url:
        peak, moves = asyncio.run(a_class(url, sessions, duration, every=3.0))
        print(
            f"memory at the peak of a class ({sessions} websocket sessions on all four pages, "
            f"{moves} moves in {duration:g} s): {peak:.0f} MB PSS (goal <= 550 MB)",
            flush=True,
        )


if __name__ == "__main__":
    main()
