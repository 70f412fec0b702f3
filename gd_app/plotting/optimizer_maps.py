"""The lab's maps of many runs: where every learning rate ends (the sweep) and where every
start ends (the basin map)."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from gd_app.plotting.common import apply_theme, new_figure
from gd_app.plotting.lab_style import (
    DPI,
    LOG_FLOOR,
    STYLE,
    contours,
    legend_under,
    minimum_handle,
    ring_handle,
    star_minima,
)
from gd_core.lab import LabResult
from gd_core.lab_maps import DIVERGED, ELSEWHERE, MOVING, BasinMap, Sweep

# One colour per known minimum (Okabe–Ito), then the three other ends
MINIMUM_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
OTHER = {
    DIVERGED: ("#3B3B3B", "diverged or ran off (or a fault)"),
    ELSEWHERE: ("#F0E442", "|∇f| < tol away from every known minimum"),
    MOVING: ("#D9D9D9", "still moving after the last step"),
}


# ---------------------------------------------------------------------- the sweep
def sweep_reference(lab: LabResult, sweeps: tuple[Sweep, ...]) -> tuple[float | None, str]:
    """(f_ref, what it is) for the sweep's vertical axis; None: plot f itself (symlog)."""
    if lab.f_ref is None:
        return None, "final f (symlog scale: " + (lab.no_minimum or "no minimum found") + ")"
    if lab.f_ref_known:
        return lab.f_ref, f"final f − f_ref (f_ref = {lab.f_ref:.4g}, the known minimum)"
    finite = [s.values[~s.diverged] for s in sweeps]
    lowest = min([float(v.min()) for v in finite if v.size] + [lab.f_ref])
    if lowest >= lab.f_ref:
        return lab.f_ref, f"final f − f_ref (f_ref = {lab.f_ref:.6g}, below the lowest f reached)"
    start = max(s.start_value for s in sweeps)
    ref = lowest - max(1e-3 * (start - lowest), 1e-12 * max(1.0, abs(lowest)))
    return ref, f"final f − f_ref (f_ref = {ref:.6g}, below the lowest f reached)"


def sweep_figure(
    lab: LabResult, sweeps: tuple[Sweep, ...], current: dict, limits: tuple, steps: int, theme: str
) -> Figure:
    """Final f − f_ref against α per method; diverged runs as ▲ at the top; the current α
    of each method ringed; ``limits``: ((label, α), …) drawn as vertical lines."""
    fig = new_figure((9.0, 4.9))
    fig.set_dpi(DPI)
    ax = fig.add_axes((0.1, 0.24, 0.86, 0.67))
    ref, label = sweep_reference(lab, sweeps)

    def height(values: np.ndarray) -> np.ndarray:
        gap = np.asarray(values, dtype=float) - (ref if ref is not None else 0.0)
        return gap if ref is None else np.maximum(gap, LOG_FLOOR)

    curves = [np.where(sweep.diverged, np.nan, height(sweep.values)) for sweep in sweeps]
    every = np.concatenate([c[np.isfinite(c)] for c in curves] + [np.ones(0)])
    ax.set_xscale("log")
    if ref is None:
        low, high = (float(every.min()), float(every.max())) if every.size else (-1.0, 1.0)
        threshold = max(float(np.min(np.abs(every))) if every.size else 1.0, 1e-3)
        ax.set_yscale("symlog", linthresh=threshold)
        pad = 0.1 * max(abs(low), abs(high), 1.0)
        bottom, top, ceiling = low - pad, high + 3 * pad, high + 2 * pad
    else:
        ax.set_yscale("log")
        low, high = (float(every.min()), float(every.max())) if every.size else (0.1, 10.0)
        bottom, top, ceiling = low / 3, high * 30, high * 10
    handles = []
    for sweep, curve in zip(sweeps, curves, strict=True):
        c, ls, mark = STYLE[sweep.method]
        ax.plot(sweep.alphas, curve, ls=ls, c=c, lw=1.6, marker=mark, ms=3.5)
        if sweep.diverged.any():
            ups = np.full(int(sweep.diverged.sum()), ceiling)
            ax.plot(sweep.alphas[sweep.diverged], ups, "^", mfc="none", mec=c, ms=6, mew=1.4)
        alpha, value, diverged = current[sweep.method]
        y_now = ceiling if diverged else float(height(value))
        ax.plot(alpha, y_now, "o", mfc="none", mec=c, ms=13, mew=2.4, zorder=6)
        handles.append(Line2D([], [], ls=ls, c=c, marker=mark, ms=5, label=sweep.method))
    for text, alpha in limits:
        ax.axvline(alpha, c="0.25", ls="--", lw=1)
        ax.text(
            alpha,
            0.03,
            f" {text}",
            transform=ax.get_xaxis_transform(),
            rotation=90,
            va="bottom",
            ha="right",
            fontsize="small",
            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75),
        )
    ax.set_ylim(bottom, top)
    handles.append(
        Line2D(
            [],
            [],
            ls="",
            marker="^",
            mfc="none",
            mec="0.3",
            ms=7,
            label="diverged (a fault, or f ended above its start)",
        )
    )
    handles.append(ring_handle("the current α (the race above)", edge="0.3"))
    ax.set_xlabel("learning rate α (log scale)")
    ax.set_ylabel(label, fontsize="small")
    ax.set_title(
        f"Where each method ends after at most {steps} steps, against its learning rate",
        fontsize="medium",
    )
    ax.grid(True, which="major", alpha=0.3)
    legend_under(fig, handles, ncol=3, fontsize="small")
    return apply_theme(fig, theme)


# ---------------------------------------------------------------------- the basin map
def categories(bmap: BasinMap) -> list[tuple[int, str, str]]:
    """(category, colour, legend text) for every category of the map, minima first."""
    rows = []
    for i, (x, y) in enumerate(bmap.minima):
        rows.append(
            (
                i,
                MINIMUM_COLOURS[i % len(MINIMUM_COLOURS)],
                f"ends within {bmap.radius:.2g} of the minimum ({x:.3g}, {y:.3g})",
            )
        )
    for code, (colour, text) in OTHER.items():
        rows.append((code, colour, text))
    return rows


def basin_figure(bmap: BasinMap, lab: LabResult, start: tuple, theme: str) -> Figure:
    fig = new_figure((7.6, 6.8))
    fig.set_dpi(DPI)
    ax = fig.add_axes((0.11, 0.25, 0.84, 0.69))
    rows = categories(bmap)
    index = {code: k for k, (code, _, _) in enumerate(rows)}
    picture = np.vectorize(index.get)(bmap.category)
    cmap = ListedColormap([colour for _, colour, _ in rows])
    x_lo, x_hi, y_lo, y_hi = lab.window
    ax.imshow(
        picture,
        origin="lower",
        extent=(x_lo, x_hi, y_lo, y_hi),
        cmap=cmap,
        vmin=-0.5,
        vmax=len(rows) - 0.5,
        interpolation="nearest",
        aspect="auto",
    )
    contours(
        ax,
        lab.grid_x,
        lab.grid_y,
        lab.grid_f,
        filled=False,
        colors="white",
        linewidths=0.5,
        alpha=0.6,
    )
    star_minima(ax, bmap.minima)
    ax.plot(*start, "s", c="k", mec="white", ms=9, mew=1.2)
    present = set(np.unique(bmap.category).tolist())
    handles = [
        Patch(facecolor=colour, edgecolor="0.4", label=text)
        for code, colour, text in rows
        if code in present or code >= 0
    ]
    handles.append(
        Line2D([], [], ls="", marker="s", c="k", mec="white", ms=8, label="the current start")
    )
    if len(bmap.minima):
        handles.append(minimum_handle(ms=12))
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel("start x")
    ax.set_ylabel("start y")
    n = len(bmap.xs)
    ax.set_title(
        f"Where {bmap.method} ends from each of {n} × {n} starts after {bmap.steps} steps",
        fontsize="medium",
    )
    legend_under(fig, handles, ncol=2, fontsize="small")
    return apply_theme(fig, theme)


def counts(bmap: BasinMap) -> list[tuple[str, int]]:
    """(legend text, number of starts) for every category present."""
    return [
        (text, int(np.count_nonzero(bmap.category == code)))
        for code, _, text in categories(bmap)
        if np.any(bmap.category == code)
    ]
