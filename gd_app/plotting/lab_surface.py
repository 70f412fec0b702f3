"""The lab's 3D view: f as a surface (mplot3d) with every method's path on it."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from gd_app.plotting.common import apply_theme, new_figure
from gd_app.plotting.lab_style import STYLE
from gd_core.lab import LabResult


def _inside(params: np.ndarray, window: tuple) -> np.ndarray:
    x_lo, x_hi, y_lo, y_hi = window
    x, y = params[:, 0], params[:, 1]
    return (x >= x_lo) & (x <= x_hi) & (y >= y_lo) & (y <= y_hi)


def surface_figure(result: LabResult, step: int, theme: str = "light") -> Figure:
    """f as a surface (mplot3d) with the paths on it.

    Heights above the larger of the window's 95th percentile and the highest iterate
    in it are cut off (a wall like Rosenbrock's would flatten the rest); the title
    says what share of the window that hides.
    """
    fig = new_figure((8.0, 6.0))
    ax = fig.add_subplot(projection="3d")
    every = max(len(result.grid_x) // 60, 1)
    X, Y = np.meshgrid(result.grid_x[::every], result.grid_y[::every])
    Z = result.grid_f[::every, ::every]
    finite = Z[np.isfinite(Z)]
    x_lo, x_hi, y_lo, y_hi = result.window
    highest = [
        run.values[_inside(run.params, result.window)].max(initial=-np.inf)
        for run in result.runs
        if len(run.values)
    ]
    cap = max([float(np.quantile(finite, 0.95)) if finite.size else 1.0, *highest])
    floor = float(finite.min()) if finite.size else 0.0
    hidden = float(np.mean(finite > cap)) if finite.size else 0.0
    shown = np.where(Z <= cap, Z, np.nan)
    ax.plot_surface(X, Y, shown, cmap="Greys_r", alpha=0.55, linewidth=0, rstride=1, cstride=1)
    for run in result.runs:
        if not len(run.values):
            continue
        c, ls, mark = STYLE[run.method]
        p, v = run.params, run.values
        inside = _inside(p, result.window) & (v <= cap)
        z = np.where(inside, v, np.nan)
        ax.plot(p[:, 0], p[:, 1], z, ls=ls, c=c, lw=1.8, label=run.method, zorder=5)
        k = min(step, len(v) - 1)
        if inside[k]:
            ax.plot([p[k, 0]], [p[k, 1]], [v[k]], "o", c=c, mec="k", ms=8, zorder=6)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_zlim(floor, cap)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(5))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("f(x, y)")
    cut = f" (values above {cap:.3g}, {hidden:.0%} of the window, cut off)" if hidden else ""
    ax.set_title(f"f(x, y) as a surface{cut}", fontsize="medium")
    fig.legend(loc="upper left", fontsize="small", frameon=False, bbox_to_anchor=(0.01, 0.93))
    return apply_theme(fig, theme)
