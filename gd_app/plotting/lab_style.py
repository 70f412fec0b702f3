"""What the lab's figures share (the race, the sweep and the basin map): one colour, line
style and marker per method, the contours of f, the known-minimum star and the legend
under a figure."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

# Okabe–Ito, one per method, with a line style each so paths differ in grey print too.
STYLE = {
    "gd": ("#0072B2", "-", "o"),
    "momentum": ("#E69F00", "--", "s"),
    "nesterov": ("#CC79A7", "-.", "D"),
    "adagrad": ("#009E73", ":", "^"),
    "rmsprop": ("#D55E00", (0, (5, 1.5, 1, 1.5, 1, 1.5)), "v"),
    "adam": ("#56B4E9", (0, (8, 2)), "P"),
    # beyond Okabe–Ito's eight (black and yellow mark the start and minima): Paul Tol's
    # colour-blind-safe indigo, wine and olive, each with a line style and marker of its own
    "gd_ls": ("#332288", (0, (3, 1, 1, 1)), "X"),
    "newton": ("#882255", "-", "h"),
    "bfgs": ("#999933", (0, (1, 1)), "p"),
}
DPI = 150  # sharper than the page column, half the pixels to encode of 200 dpi
LOG_FLOOR, LOG_CAP = 1e-300, 1e200
LEVELS = 18
MINIMUM = "#F0E442"  # the known minima's stars


def color(method: str) -> str:
    return STYLE[method][0]


def method_handle(method: str, ms: float = 6) -> Line2D:
    """A method's legend entry: its colour, line style and marker."""
    c, ls, mark = STYLE[method]
    return Line2D([], [], ls=ls, c=c, lw=2, marker=mark, ms=ms, label=method)


def minimum_handle(ms: float = 13) -> Line2D:
    return Line2D([], [], ls="", marker="*", c=MINIMUM, mec="k", ms=ms, label="known minimum")


def ring_handle(label: str, edge: str = "k") -> Line2D:
    """A hollow ring's legend entry (the highlighted iterate, the current α)."""
    return Line2D([], [], ls="", marker="o", mfc="none", mec=edge, ms=11, mew=2, label=label)


def contour_levels(z: np.ndarray) -> tuple[np.ndarray, bool]:
    """(levels, log-spaced?): log-spaced above the grid's minimum when f spans decades."""
    finite = z[np.isfinite(z)]
    if finite.size < 4:
        return np.array([]), False
    low = float(finite.min())
    shifted = finite - low
    top = float(np.quantile(shifted, 0.98))
    positive = shifted[shifted > 0]
    if top <= 0 or not positive.size:
        return np.array([]), False
    bottom = max(float(np.quantile(positive, 0.005)), top * 1e-6)
    if top / bottom >= 100:
        return low + np.geomspace(bottom, top, LEVELS), True
    return low + np.linspace(top / LEVELS, top, LEVELS), False


def contours(ax, xs, ys, z, *, filled: bool, **style) -> bool:
    """f's contour lines over the grid (xs, ys), under a grey fill when ``filled``; whether
    the levels are log-spaced."""
    levels, log_spaced = contour_levels(z)
    if len(levels) > 1:
        if filled:
            ax.contourf(xs, ys, z, levels=levels, cmap="Greys", alpha=0.4, extend="both")
        ax.contour(xs, ys, z, levels=levels, **style)
    return log_spaced


def star_minima(ax, minima: np.ndarray, **style) -> None:
    """The known minima as yellow stars."""
    if len(minima):
        ax.plot(minima[:, 0], minima[:, 1], "*", c=MINIMUM, mec="k", ms=15, mew=0.8, **style)


def legend_under(fig, handles: list, ncol: int, fontsize="medium", **where) -> None:
    """The figure's legend along its bottom edge (or as ``where`` says: ``loc`` and
    ``bbox_to_anchor``), where no path or curve can cover it."""
    where = dict(loc="lower center", bbox_to_anchor=(0.5, 0.0)) | where
    fig.legend(
        handles=handles,
        ncol=ncol,
        frameon=False,
        fontsize=fontsize,
        **where,
    )
