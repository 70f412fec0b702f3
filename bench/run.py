"""Speed of the app against the seed's own code, as ratios measured in one run.

    python bench/run.py          # the full benchmark (a few minutes)
    python bench/run.py --tiny   # every code path at toy sizes (what CI runs)

1. A page rerun after a slider moves to a new value, against the seed's update
   function for the same parameters drawn the way st.pyplot renders it
   (goal: ratio <= 0.5).
2. A rerun that returns to a value seen before (goal: ratio <= 0.1).
   Then the same new-value rerun with m = 100,000 points and N = 1,000
   iterates, against the default size (goal: nearly as fast).
3. gd_core's time for N steps on m points against the seed's O(N*m) loop
   (goal: flat in m), and the largest difference between their iterates.
4. The optimizer lab: a page rerun with all six methods at N = 1,000 after a
   learning rate moves to a new value, against the seed's own 2D update at its
   defaults (N = 15) (goal: ratio <= 1).

Times are medians of repeated runs; the machine is shared, so only the
ratios, measured side by side in this one process, mean anything.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from seed_reference import seed_1d, seed_2d  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from gd_core.linear import LeastSquares, design_matrix, fit_line, line_data  # noqa: E402


def median_ms(samples: list[float]) -> float:
    return 1e3 * statistics.median(samples)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def png_size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


# ------------------------------------------------------------------ goals 1 and 2
PAGES = {
    "one_parameter": (
        "pages/one_parameter.py",
        seed_1d,
        "alpha",
        [0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.3, 1.45, 1.6, 1.75],
    ),
    "two_parameters": (
        "pages/two_parameters.py",
        seed_2d,
        "alpha",
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.9, 1.0, 1.1],
    ),
}


def _app(path: str, query: dict | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / path), default_timeout=120)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()  # imports and first render: not what a slider move costs
    return app


def _slider(app: AppTest, key: str):
    """The slider or select slider (the two-parameter page's α) with this key."""
    return next(w for w in (*app.slider, *app.select_slider) if w.key == key)


def page_reruns(name: str, values: list[float]) -> float:
    """Prints goals 1 and 2 for one page; returns the median new-value rerun in seconds."""
    path, seed, key, _ = PAGES[name]
    app = _app(path)
    widget = lambda: _slider(app, key)  # noqa: E731

    new = [timed(lambda v=v: widget().set_value(v).run()) for v in values]
    seen = [timed(lambda v=v: widget().set_value(v).run()) for v in values]
    assert not app.exception, [e.message for e in app.exception]
    seed_times = []
    for v in values:
        seed_times.append(timed(lambda v=v: seed(**{key: v})))
    seed_png = seed(**{key: values[-1]})[1]
    ours_size = _our_png_size(name, values[-1])

    reference = median_ms(seed_times)
    print(
        f"{name}: seed update {reference:.0f} ms ({png_size(seed_png)[0]}x{png_size(seed_png)[1]} px), "
        f"our figure {ours_size[0]}x{ours_size[1]} px"
    )
    print(
        f"  new value : {median_ms(new):6.0f} ms  ratio {median_ms(new) / reference:.2f}  (goal <= 0.5)"
    )
    print(
        f"  revisit   : {median_ms(seen):6.0f} ms  ratio {median_ms(seen) / reference:.2f}  (goal <= 0.1)"
    )
    return statistics.median(new)


LARGE = {"m": "100000", "N": "1000", "noise": "1"}


def large_reruns(name: str, values: list[float], default_new: float) -> None:
    """A new-value rerun with m = 100,000 points and N = 1,000 iterates, against the defaults."""
    path, _, key, _ = PAGES[name]
    app = _app(path, LARGE)
    new = [timed(lambda v=v: _slider(app, key).set_value(v).run()) for v in values]
    assert not app.exception, [e.message for e in app.exception]
    print(
        f"  at m = 100,000, N = 1,000: new value {median_ms(new):4.0f} ms, "
        f"{statistics.median(new) / default_new:.1f}x the default-size rerun"
    )


def _our_png_size(name: str, alpha: float) -> tuple[int, int]:
    from gd_app import demos

    if name == "one_parameter":
        picture = demos.one_parameter_picture(N=20, alpha=alpha, theta1=0.0)
    else:
        picture = demos.two_parameters_picture(
            N=15, alpha=alpha, theta0_true=2.0, theta1_true=2.0, theta0_start=0.0, theta1_start=0.0
        )
    return png_size(picture.whole_png())  # the panels side by side, as one figure


# ------------------------------------------------------------------ goal 3
def seed_loop(x: np.ndarray, y: np.ndarray, theta: np.ndarray, alpha: float, n: int) -> np.ndarray:
    """The seed's two-parameter loop: every step sums over all m points, O(N*m)."""
    m = len(x)
    thetas = [theta]
    for _ in range(n - 1):
        last = thetas[-1]
        residual = last[0] + last[1] * x - y
        thetas.append(
            np.array(
                [last[0] - alpha / m * np.sum(residual), last[1] - alpha / m * np.sum(residual * x)]
            )
        )
    return np.array(thetas)


def ours(x_m: int, n: int, noise: float = 0.5):
    data = line_data(m=x_m, theta_true=(2.0, 2.0), noise=noise, seed=1)
    problem = LeastSquares.from_data(design_matrix(data.x, intercept=True), data.y)
    trajectory = fit_line(problem, [0.0, 0.0], alpha=0.7, n_iterates=n)
    grid = np.stack(np.meshgrid(np.linspace(-4, 4, 101), np.linspace(-5, 5, 101)), axis=-1)
    problem.cost(grid)  # the G x G cost surface, O(G^2)
    return data, trajectory


def scaling(sizes: list[int], seed_budget: float) -> None:
    print("\ngd_core (data, statistics, N steps, 101x101 cost grid) vs the seed's O(N*m) loop:")
    print(
        f"  {'N':>9} {'m':>9} {'ours ms':>10} {'seed ms':>10} {'seed/ours':>10} {'max |dtheta|':>13}"
    )
    for n in sizes:
        for m in sizes:
            ours_time = min(timed(lambda m=m, n=n: ours(m, n)) for _ in range(2))
            data, trajectory = ours(m, n)
            if n * m <= seed_budget:
                start = time.perf_counter()
                reference = seed_loop(data.x, data.y, np.zeros(2), 0.7, n)
                seed_time = time.perf_counter() - start
                diff = float(np.max(np.abs(reference - trajectory.params)))
                print(
                    f"  {n:>9,} {m:>9,} {1e3 * ours_time:>10.1f} {1e3 * seed_time:>10.1f} "
                    f"{seed_time / ours_time:>10.1f} {diff:>13.1e}"
                )
            else:
                print(
                    f"  {n:>9,} {m:>9,} {1e3 * ours_time:>10.1f} {'skipped':>10} "
                    f"{'':>10} {'':>13}  (N*m = {n * m:.0e}: the seed's loop would take too long)"
                )


# ------------------------------------------------------------------ goal 4
def lab_reruns(count: int) -> None:
    """New-value reruns of /optimizers (six methods, N = 1,000) against seed_2d() at its defaults."""
    app = _app("pages/optimizers.py", {"N": "1000"})
    assert not app.exception, [e.message for e in app.exception]
    assert len(app.dataframe[0].value) == 6 and app.number_input(key="N").value == 1000
    values = [0.0011 + 0.0001 * i for i in range(count)]
    new = [timed(lambda v=v: app.number_input(key="lr_gd").set_value(v).run()) for v in values]
    assert not app.exception, [e.message for e in app.exception]
    seed = [timed(seed_2d) for _ in range(count)]
    print(
        f"\noptimizers: rerun with six methods at N = 1,000 (new lr_gd) {median_ms(new):.0f} ms, "
        f"seed 2D update at its defaults (N = 15) {median_ms(seed):.0f} ms, "
        f"ratio {median_ms(new) / median_ms(seed):.2f}  (goal <= 1)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tiny", action="store_true", help="toy sizes: shows it works, measures nothing"
    )
    args = parser.parse_args()
    sizes, budget, count = ([10, 100], 1e4, 2) if args.tiny else ([10**2, 10**4, 10**6], 1e8, 10)
    for name, (_, _, _, values) in PAGES.items():
        default_new = page_reruns(name, values[:count])
        large_reruns(name, values[:count], default_new)
    scaling(sizes, seed_budget=budget)
    lab_reruns(count)


if __name__ == "__main__":
    main()
