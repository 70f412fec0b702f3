"""A 200-frame GIF's build time, against one rerun's figure measured in the same run.

    python bench/gif.py          # every demo page with a GIF
    python bench/gif.py --tiny   # 20 frames: shows it works

For each page: the median time of a rerun's figure (the page's picture for a value not
seen before, drawn as a rerun draws it: the run computed, the figure from the drawing
workers), then the time "Build animation" takes for a run of 200 iterates (one frame
each, through the GIF's own path, gd_app.export._make_gif), and the ratio of the two.
Goal: a GIF costs at most 40 reruns.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gd_app import export, runtime  # noqa: E402
from gd_app.controls import ONE_PARAMETER, SYMBOLIC, TWO_PARAMETERS, defaults  # noqa: E402

# page -> (its defaults for a run of `rows` iterates, the value a rerun changes, new values)
CASES = {
    "one_parameter": (lambda rows: {**defaults(ONE_PARAMETER), "N": rows, "alpha": 0.3}, "alpha"),
    "two_parameters": (
        lambda rows: {**defaults(TWO_PARAMETERS), "N": rows, "alpha": 0.3},
        "alpha",
    ),
    # x0 = 3 on x² with α = 0.01: about 300 iterates to the precision, thinned to 200 frames
    "symbolic": (
        lambda rows: {
            **defaults(SYMBOLIC),
            "alpha": 0.01,
            "max_iter": rows - 1,
            "precision": 1e-12,
        },
        "x0",
    ),
}


_FRESH = iter(range(1, 10**6))


def rerun_seconds(hook, params: dict, key: str, count: int) -> float:
    """Median time of a picture for a value of ``key`` not seen before."""
    times = []
    for _ in range(count):
        fresh = {**params, key: params[key] + 0.0137 * next(_FRESH)}
        began = time.perf_counter()
        hook.picture(step=3, theme="light", **fresh)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="20 frames: shows it works")
    parser.add_argument("--page", choices=list(CASES), action="append", help="only these pages")
    args = parser.parse_args()
    rows, count = (20, 3) if args.tiny else (200, 7)
    runtime.start()
    runtime.wait_ready(runtime.DRAWING, runtime.DRAW_WORKERS)
    for page, (settings, key) in CASES.items():
        if args.page and page not in args.page:
            continue
        hook = export.hooks(page)
        params = settings(rows)
        hook.picture(step=0, theme="light", **params)  # the run computed (as when a page shows)
        rerun_seconds(hook, params, key, 2)  # warm
        rerun = rerun_seconds(hook, params, key, count)
        began = time.perf_counter()
        gif = export._make_gif(page, params, "light", 5, rows, lambda done, total: None)
        took = time.perf_counter() - began
        frames = Image.open(io.BytesIO(gif)).n_frames
        print(
            f"{page}: GIF of {frames} frames {took:.2f} s ({len(gif) / 1024:.0f} KB); one rerun's "
            f"figure {rerun * 1000:.0f} ms (median of {count}); ratio {took / rerun:.1f} reruns "
            "(goal <= 40)",
            flush=True,
        )


if __name__ == "__main__":
    main()
