"""The budget on a visitor's f(x): worst answer time over hostile text, and other sessions' speed.

    python bench/budget.py          # the full measurement (about a minute)
    python bench/budget.py --tiny   # every code path at toy sizes (what tests/test_bench.py runs)

1. Every hostile f(x) (bench/hostile.py) through the worker, as the server runs it:
   the worst time to an answer (refused by the parser, refused as over budget, or done),
   against the budget's limit.
2. Another session's speed while over-budget work runs: a light request's latency alone,
   then while 1 to 3 other threads keep submitting a job that burns CPU until the budget
   kills it (the worst an over-budget f(x) can do; since non-simple constants became
   floats, no formula in the corpus is reliably over budget), as ratios measured in this
   one run (goal: stays near 1).

Times are medians; the machine may be shared, so only ratios measured side by side mean
anything.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from hostile import HOSTILE, SLOW_SYMPY, burn  # noqa: E402

from gd_app import runtime as budget  # noqa: E402
from gd_app.demos.symbolic import run_symbolic  # noqa: E402
from gd_core.errors import ExpressionError, OutsideDomain, OverBudget  # noqa: E402

RUN = dict(x0=1.0, alpha=0.1, precision=1e-4, max_iter=100)


def answer(text: str, **params) -> tuple[str, float]:
    start = time.perf_counter()
    try:
        run_symbolic(f=text, **{**RUN, **params})
        outcome = "done"
    except ExpressionError:
        outcome = "refused by the parser"
    except OutsideDomain:
        outcome = "refused: outside the domain"
    except OverBudget:
        outcome = "over budget"
    return outcome, time.perf_counter() - start


def hostile_corpus(tiny: bool) -> None:
    corpus = (HOSTILE[::10] + SLOW_SYMPY[:1]) if tiny else HOSTILE + SLOW_SYMPY
    results = [(text, *answer(text)) for text in corpus]
    counts: dict[str, int] = {}
    for _, outcome, _ in results:
        counts[outcome] = counts.get(outcome, 0) + 1
    text, outcome, worst = max(results, key=lambda r: r[2])
    shown = text if len(text) <= 60 else text[:57] + "..."
    print(
        f"hostile corpus: {len(results)} formulas through the worker; outcomes {counts}\n"
        f"hostile corpus: worst time to an answer {worst * 1e3:.0f} ms ({outcome}: {shown!r}); "
        f"budget {budget.TIME_LIMIT:g} s; ratio {worst / budget.TIME_LIMIT:.2f}"
    )


def light_latency(samples: int, tag: list[int]) -> list[float]:
    """A light request each time (a new x0, so no cache anywhere), one after another."""
    times = []
    for _ in range(samples):
        tag[0] += 1
        _, seconds = answer("x**2 + sin(x)", x0=1.0 + tag[0] / 1024)
        times.append(seconds)
    return times


def other_sessions(tiny: bool) -> None:
    samples = 3 if tiny else 15
    tag = [0]
    light_latency(2, tag)  # warm
    alone = statistics.median(light_latency(samples, tag))
    print(f"other sessions: light request alone {alone * 1e3:.1f} ms (median of {samples})")
    for slow_count in (1,) if tiny else (1, 2, 3):
        stop = threading.Event()
        refused = [0]

        def keep_slow(stop=stop, refused=refused) -> None:
            while not stop.is_set():
                try:
                    budget.budgeted(burn)
                except OverBudget:
                    refused[0] += 1

        threads = [threading.Thread(target=keep_slow, daemon=True) for _ in range(slow_count)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)  # the slow ones are under way
        during = statistics.median(light_latency(samples, tag))
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        print(
            f"other sessions: with {slow_count} over-budget job running: light request "
            f"{during * 1e3:.1f} ms; ratio {during / alone:.2f} "
            f"({refused[0]} over-budget jobs stopped meanwhile)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tiny", action="store_true", help="toy sizes: shows it works, measures little"
    )
    args = parser.parse_args()
    print(
        f"budget: {budget.TIME_LIMIT:g} s wall clock, {budget.MEMORY_LIMIT >> 20} MB address "
        f"space, up to {budget.MAX_WORKERS} workers, {budget.SPARES} warm spares"
    )
    budget.wait_ready(budget.BUDGET, budget.SPARES)  # the first start imports SymPy once
    hostile_corpus(args.tiny)
    other_sessions(args.tiny)


if __name__ == "__main__":
    main()
