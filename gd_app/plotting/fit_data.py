"""The data panel both line fits share: the points, every iterate's fit line, the final and
the highlighted one, and (with a schedule) an inset of the learning rate α_k."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gd_app.plotting.common import (
    BLUE,
    GREEN,
    ORANGE,
    VERMILLION,
    axes,
    legend_below,
    marker,
    padded,
    revealed,
)
from gd_app.plotting.panels import MIN_FONT, PANEL_SIZE, Panel, View
from gd_core.linear import LeastSquares, LineData

MAX_SCATTER = 400  # data points drawn; a larger data set is drawn as an even sample
DATA_RECT = (0.15, 0.35, 0.8, 0.58)


def data_ylim(data: LineData, *, inset: bool = False) -> tuple[float, float]:
    """The points' y range padded; with the α_k inset, headroom above them for it."""
    lo, hi = padded(float(data.y.min()), float(data.y.max()), 0.1)
    return (lo, hi + 0.6 * (hi - lo)) if inset else (lo, hi)


INSET = (0.16, 0.64, 0.5, 0.27)  # the α_k inset, in data-panel axes fractions (ticks inside)


def alpha_inset(ax, run, highlight: int, critical: float | None):
    """A small plot of α_k over k in the data panel's headroom, α_crit dashed (if given)."""
    alphas = run.alphas
    inset = ax.inset_axes(INSET)
    inset.set_facecolor("white")
    k = np.arange(len(alphas))
    inset.plot(k, alphas, "-", c=BLUE, lw=1.5)
    if 0 < highlight <= len(alphas):
        inset.plot(highlight - 1, alphas[highlight - 1], "o", mfc="none", mec=VERMILLION, mew=1.5)
    top = max(float(alphas.max()) if len(alphas) else 1.0, 1e-300)
    if critical is None:
        critical = math.inf
    if critical <= 1.6 * top:
        inset.axhline(critical, ls="--", c="k", lw=1)
        inset.text(len(alphas) - 1, critical, " α_crit", va="bottom", ha="right", fontsize=MIN_FONT)
    inset.set_ylim(0, 1.15 * max(top, critical if critical <= 1.6 * top else 0))
    inset.set_xlim(-0.5, max(len(alphas) - 0.5, 0.5))
    inset.tick_params(labelsize=MIN_FONT, length=2, pad=1)
    inset.set_title(f"α_k ({run.schedule}) over step k", fontsize=MIN_FONT, pad=2)
    return inset


def _sample(data: LineData) -> tuple[np.ndarray, np.ndarray]:
    every = max(1, int(np.ceil(len(data.x) / MAX_SCATTER)))
    return data.x[::every], data.y[::every]


def _x_ends(data: LineData) -> np.ndarray:
    return np.array([float(data.x.min()), float(data.x.max())])


def unit(label: str) -> str:
    """The unit a data set's axis label ends with in brackets ("body mass (g)" → "g"), or ""."""
    label = label.strip()
    if label.endswith(")") and "(" in label:
        return label[label.rindex("(") + 1 : -1].strip()
    return ""


def parameter_units(data: LineData) -> tuple[str, str]:
    """The units of θ0 (y's) and θ1 (y's per x's), as " (g)" and " (g/mm)", or ""."""
    y, x = (unit(label).replace("$", r"\$") for label in (data.y_label, data.x_label))
    slope = f"{y}/{x}" if y and x else (f"{y} per unit of x" if y else (f"1/{x}" if x else ""))
    return (f" ({y})" if y else "", f" ({slope})" if slope else "")


def axis_label(label: str) -> str:
    """``x`` and ``y`` in maths italics; a data set's own names (with units) as written,
    never read as maths ($ escaped)."""
    return rf"${label}$" if label in ("x", "y") else label.replace("$", r"\$")


def _data_panel_static(ax, data: LineData, view: View):
    xs, ys = _sample(data)
    ax.scatter(xs, ys, marker="x", s=40, color=GREEN, zorder=3)
    ax.set_xlim(*padded(*_x_ends(data)))
    ax.set_ylim(*view.data_y)
    ax.set_xlabel(axis_label(data.x_label))
    ax.set_ylabel(axis_label(data.y_label))
    ax.set_title("Data and fit")
    final = [] if "partial" in view.mode else [Line2D([], [], c=ORANGE, lw=2.5, label="final fit")]
    legend_below(
        ax,
        [
            marker("data from true θ" if data.theta_true else "data", "x", GREEN, ms=7),
            Line2D([], [], c=BLUE, lw=1.5, alpha=0.6, label="fit at each iterate"),
            *final,
            Line2D([], [], c=VERMILLION, lw=2, ls="--", label="highlighted iterate"),
        ],
        ncol=2,
    )


class _DataLayer:
    """The data panel's dynamic layer: every iterate's fit line (in the units of x) in one
    LineCollection, the last in orange once the whole run is shown, the highlighted one
    dashed; with a schedule, the α_k inset."""

    def __init__(self, fig, run, view: View):
        (self.ax,) = axes(fig, (DATA_RECT,), bare=True)
        ends = _x_ends(run.data)
        self.ax.set_xlim(*padded(*ends))
        self.ax.set_ylim(*view.data_y)
        params = run.trajectory.params
        params = run.scaling.to_original(params) if run.scaling else params
        theta0 = params[:, 0] if run.intercept else np.zeros(len(params))
        self.lines = np.empty((len(params), 2, 2))  # (iterate, end, xy)
        self.lines[:, :, 0] = ends
        self.lines[:, :, 1] = theta0[:, None] + params[:, -1][:, None] * ends
        self.fits = LineCollection([], colors=BLUE, linewidths=1.5, alpha=0.6)
        self.ax.add_collection(self.fits, autolim=False)  # measuring 1,000 paths: ~100 ms
        self.final = self.ax.plot([], [], lw=2.5, c=ORANGE)[0]
        self.highlighted = self.ax.plot([], [], lw=2, ls="--", c=VERMILLION)[0]
        self.run, self.view, self.inset = run, view, None

    def show(self, highlight: int, upto: int | None = None) -> None:
        run, lines = self.run, self.lines
        n = revealed(run.rows, upto)
        if "schedule" in self.view.mode:  # α_crit only once the whole run is drawn
            if self.inset is not None:
                self.inset.remove()
            critical = None if "partial" in self.view.mode else critical_alpha(run.problem)
            self.inset = alpha_inset(self.ax, run, highlight, critical)
        self.fits.set_segments(lines[fit_line_indices(n)])
        self.final.set_data(*(lines[-1].T if n == run.rows else ([], [])))
        self.highlighted.set_data(*lines[highlight].T)


MAX_FIT_LINES = 100


def fit_line_indices(n: int) -> np.ndarray:
    """Which iterates get a fit line: all of them up to MAX_FIT_LINES, else a
    geometric sample that keeps every early step (where the lines differ) and
    the last one. A thousand lines would draw as one blur and cost ~150 ms.
    """
    if n <= MAX_FIT_LINES:
        return np.arange(n)
    sample = np.geomspace(1, n - 1, MAX_FIT_LINES - 1).round().astype(int)
    return np.unique(np.concatenate([[0], sample]))


def _data_static(fig: Figure, data: LineData, problem: LeastSquares, view: View):
    (ax,) = axes(fig, (DATA_RECT,), bare=False)
    _data_panel_static(ax, data, view)


def critical_alpha(problem: LeastSquares) -> float:
    return 2.0 / float(np.linalg.eigvalsh(problem.hessian)[-1])


DATA = Panel("data", PANEL_SIZE, _data_static, _DataLayer)
