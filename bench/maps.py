"""The lab's maps of many runs against one ordinary rerun of the lab, measured in one run.

    python bench/maps.py          # a few minutes
    python bench/maps.py --tiny   # every code path at toy sizes (measures nothing)

On Himmelblau from (0, 0) with the six first-order methods at N = 1,000, each
rerun moves ``tol`` to a value not seen before, so every method's run (and the
map, where it is on) is computed afresh:

1. an ordinary rerun of /optimizers (the race, the tables, the figure);
2. the same rerun with the basin map on (100 × 100 starts of gd, N = 1,000),
   as a ratio to 1 (goal <= 10);
3. the same rerun with the learning-rate sweep on (60 learning rates for each
   of the six methods), as a ratio to 1 (goal <= 5).

The three kinds of rerun take turns, so a change in the shared machine's load
touches them alike; times are medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from streamlit.testing.v1 import AppTest  # noqa: E402

from gd_core.lab import PRESETS  # noqa: E402


def app(N: int, **toggles: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "optimizers.py"), default_timeout=600)
    query = dict(f=PRESETS["Himmelblau"][0], x0="0", y0="0", N=str(N), **toggles)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def rerun(at: AppTest, tol: float, images: int) -> float | None:
    """The rerun's time, or None when a map was over the time budget (a busy machine)."""
    start = time.perf_counter()
    at.number_input(key="tol").set_value(tol).run()
    elapsed = time.perf_counter() - start
    assert not at.exception, [e.message for e in at.exception]
    if len(at.get("image")) == images:
        return elapsed
    warnings = [w.value for w in at.warning]
    assert any("limit" in w for w in warnings), warnings
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="toy sizes: measures nothing")
    args = parser.parse_args()
    N, count = (20, 1) if args.tiny else (1000, 5)
    plain = app(N)
    figures = len(plain.get("image"))  # the race's pictures; a map adds one more
    apps = {
        "plain": (plain, figures),
        "basins": (app(N, basins="true"), figures + 1),
        "sweep": (app(N, sweep="true"), figures + 1),
    }
    times = {name: [] for name in apps}
    over = 0
    for i in range(count):
        for j, (name, (at, images)) in enumerate(apps.items()):
            for attempt in range(3):  # a new tol for every rerun, and for every retry
                tol = float(f"{1 + i + 0.1 * (j + 1) + 0.01 * attempt}e-6")
                elapsed = rerun(at, tol, images)
                if elapsed is not None:
                    times[name].append(elapsed)
                    break
                over += 1
    ms = {name: 1e3 * statistics.median(samples) for name, samples in times.items()}
    print(
        f"optimizers on Himmelblau, six methods, N = {N:,}, medians of {count} reruns "
        f"(each with a new tol):"
    )
    print(f"  ordinary rerun                         {ms['plain']:8.0f} ms")
    print(
        f"  rerun with the 100 x 100 basin map     {ms['basins']:8.0f} ms, "
        f"ratio {ms['basins'] / ms['plain']:.2f}  (goal <= 10)"
    )
    print(
        f"  rerun with the learning-rate sweep     {ms['sweep']:8.0f} ms, "
        f"ratio {ms['sweep'] / ms['plain']:.2f}  (goal <= 5)"
    )
    if over:
        print(f"  ({over} rerun(s) had a map over the time budget and were made again)")


if __name__ == "__main__":
    main()
