"""View model of the lab's maps: the learning-rate sweep and the basin map, each one budgeted
job over a batch of runs (cached by its own settings), drawn to a picture with alt text."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from gd_app import runtime
from gd_app.controls import FIRST_ORDER
from gd_app.demos import optimizers as lab
from gd_app.demos.common import PICTURES, Picture, cache_by_name
from gd_app.plotting import optimizer_maps as plotting
from gd_app.plotting.common import render
from gd_core import lab_maps


@dataclass(frozen=True)
class MapView:
    picture: Picture | None
    caption: str  # what the picture shows, or why there is none


def _hyper(method: str, params: dict) -> tuple:
    return tuple((word, float(params[key])) for key, word in lab.HYPER[method])


@cache_by_name(maxsize=16)
def _sweeps(*, f: str, methods: tuple, x0: float, y0: float, N: int, tol: float):
    return runtime.budgeted(lab_maps.sweep_job, f, methods=methods, x0=x0, y0=y0, N=N, tol=tol)


PARTS = 10  # the basin map is made in this many budgeted jobs of grid/PARTS rows each (small:
# each stays far inside the time budget on a busy machine)


@cache_by_name(maxsize=8 * PARTS)
def _basin_part(
    *, f: str, method: str, hyper: tuple, window: tuple, minima: tuple, N: int, tol: float, rows
):
    return runtime.budgeted(
        lab_maps.basin_job,
        f,
        method=method,
        hyper=hyper,
        window=window,
        minima=minima,
        N=N,
        tol=tol,
        rows=rows,
    )


def basin_map(**key):
    """The whole map, made in PARTS budgeted jobs (two at a time: the machine's cores)."""
    grid = lab_maps.BASIN_GRID
    bounds = np.linspace(0, grid, PARTS + 1).astype(int)
    parts = [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        maps = list(pool.map(lambda rows: _basin_part(**key, rows=rows), parts))
    return lab_maps.joined(maps)


def sweep_limits(result) -> tuple:
    """On a positive-definite quadratic: 2/λmax and the heavy-ball limit at momentum's β."""
    theory = result.theory
    if theory is None or theory.kind != "positive definite":
        return ()
    limits = [("2/λmax (gd's limit)", theory.gd_limit)]
    if math.isfinite(theory.momentum_limit):
        limits.append(("2(1 + β)/λmax (heavy ball's limit)", theory.momentum_limit))
    return tuple(limits)


@cache_by_name(maxsize=PICTURES)
def sweep(*, theme: str = "light", **params) -> MapView:
    """Raises ExpressionError, OutsideDomain or OverBudget as the race does."""
    result = lab.result(**params)
    methods = [m for m in FIRST_ORDER if m in set(params.get("methods") or ())]
    if not methods:
        return MapView(
            None,
            "The sweep covers the first-order methods: select one of "
            f"{', '.join(FIRST_ORDER)} to see it.",
        )
    key = dict(
        f=params["f"],
        x0=float(params["x0"]),
        y0=float(params["y0"]),
        N=int(params["N"]),
        tol=float(params["tol"]),
    )
    sweeps = _sweeps(methods=tuple((m, _hyper(m, params)) for m in methods), **key)
    runs = {run.method: run for run in result.runs}
    current = {
        m: (
            float(params[f"lr_{m}"]),
            float(runs[m].values[-1]),
            bool(runs[m].fault) or runs[m].values[-1] > runs[m].values[0],
        )
        for m in methods
    }
    limits = sweep_limits(result)
    with runtime.LOCK:
        png, width = render(
            plotting.sweep_figure(result, sweeps, current, limits, key["N"] - 1, theme)
        )
    counts = ", ".join(f"{s.method} {int(s.diverged.sum())} of {len(s.alphas)}" for s in sweeps)
    marks = f" Dashed lines: {' and '.join(text for text, _ in limits)}." if limits else ""
    alt = (
        "Final f against the learning rate α on a log scale, one curve per method, "
        f"{lab_maps.SWEEP_POINTS} values of α over four decades around each method's own α; "
        f"triangles at the top mark runs that diverged ({counts}); rings mark the current α."
        + marks
    )
    caption = (
        f"Each method rerun from the same start at {lab_maps.SWEEP_POINTS} learning rates, "
        f"evenly spaced in log from α/100 to 100·α, for the same N and tol. Diverged: {counts}."
        + marks
    )
    return MapView(Picture(png=png, alt=alt, width=width), caption)


@cache_by_name(maxsize=PICTURES)
def basins(*, theme: str = "light", **params) -> MapView:
    """Raises ExpressionError, OutsideDomain or OverBudget as the race does."""
    result = lab.result(**params)
    method = params["basin_method"]
    bmap = basin_map(
        f=params["f"],
        method=method,
        hyper=_hyper(method, params),
        window=tuple(float(v) for v in result.window),
        minima=tuple(tuple(float(v) for v in m) for m in result.minima),
        N=int(params["N"]),
        tol=float(params["tol"]),
    )
    start = (float(params["x0"]), float(params["y0"]))
    with runtime.LOCK:
        png, width = render(plotting.basin_figure(bmap, result, start, theme))
    n = len(bmap.xs)
    shares = "; ".join(f"{text}: {count:,} of {n * n:,}" for text, count in plotting.counts(bmap))
    alt = (
        f"Basin map of {method}: each of {n} × {n} starts over the contour window coloured by "
        f"where it ends after {bmap.steps} steps. {shares}. The current start is a black square."
    )
    caption = (
        f"{method} with the settings above, from every point of a {n} × {n} grid, "
        f"for N − 1 = {bmap.steps} steps (or until |∇f| < tol). Starts by where they end: {shares}."
    )
    return MapView(Picture(png=png, alt=alt, width=width), caption)
