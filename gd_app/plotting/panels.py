"""The fit pages' figures, drawn in two layers on one fixed layout, one image per panel.

* the *static* layer (axes, ticks, labels, data, the cost curve or colour map
  with labelled contours and colour bar) depends only on the data set and the
  view, so it is rendered once and cached as pixels;
* the *dynamic* layer (fit lines, iterates, arrows) is drawn on top of a
  copy of those pixels. It has no text at all: the legends sit under the
  axes, in the static layer, where no line can cover them.

:func:`panel_figure` draws both layers on one Figure; :func:`panel_png` draws a fresh
dynamic layer over the cached static pixels. Both give the same picture. A dynamic layer
is made once per figure and view, and then shows the run up to any iterate: an
animation's frames (:func:`layered_frames`) reuse it, changing only what changes. The panels
themselves are in :mod:`gd_app.plotting.fit_data` (data and fit lines),
:mod:`gd_app.plotting.fit` (one parameter) and :mod:`gd_app.plotting.fit_two`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.artist import allow_rasterization
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.quiver import Quiver

from gd_app.plotting.common import (
    Rendered,
    apply_theme,
    background,
    current_dpi,
    draw_over,
    dynamic_figure,
    new_figure,
    revealed,
    ring,
)
from gd_core.linear import LeastSquares, LineData

STATIC_CACHE = 8  # static layers kept, each 3.2 MB of RGBA pixels (900 x 900 x 4 bytes)

# Each panel is its own image, so the page can put them in columns that stack on a
# phone. PANEL_WIDTH inches at DPI 200 is 900 px: in a phone's 358 px column that is
# 1.1 px per point, so text of 9 pt and more reads at 10 px or more.
PANEL_WIDTH, PANEL_HEIGHT = 4.5, 4.5  # whole pixels at 200 and 300 dpi, exact in binary
PANEL_SIZE = (PANEL_WIDTH, PANEL_HEIGHT)
MIN_FONT = 9  # points: nothing on a panel is written smaller


# ---------------------------------------------------------------- views
@dataclass(frozen=True)
class View:
    """Axis limits, fixed per data set (and zoom level), so the static layer can be cached."""

    data_y: tuple[float, float]
    theta0: tuple[float, float]
    theta1: tuple[float, float]
    cost_top: float = 0.0
    mode: tuple[str, ...] = ()  # "schedule" (α_k inset), "batch" (the fan's legend entry),
    # "partial" (a picture of part of the run: nothing in it may tell how the run ends)


def zoom_to_fit(values: np.ndarray, lo: float, hi: float, *, max_zoom: int = 64):
    """[lo, hi] grown by powers of 2 about its centre until it holds ``values``.

    Powers of 2 keep the number of distinct views (and cached static layers)
    small; past ``max_zoom``× the iterates are diverging and run off the plot.
    """
    centre, half = (lo + hi) / 2, (hi - lo) / 2
    finite = values[np.isfinite(values)]
    reach = float(np.max(np.abs(finite - centre))) if finite.size else 0.0
    zoom = 1
    while half * zoom < reach and zoom < max_zoom:
        zoom *= 2
    return centre - half * zoom, centre + half * zoom


def modes(run) -> tuple[str, ...]:
    return tuple(
        name
        for name, on in (
            ("schedule", run.schedule != "constant"),
            ("batch", run.batches is not None),
        )
        if on
    )


def partial_mode(run, upto: int | None) -> tuple[str, ...]:
    """("partial",) for a picture that draws only part of the run, else ()."""
    return ("partial",) if revealed(run.rows, upto) < run.rows else ()


# ---------------------------------------------------------------- panels
@dataclass(frozen=True)
class Panel:
    """One image of a page's figure: its size, and how to draw its two layers."""

    name: str
    size: tuple[float, float]
    static: Callable  # static(fig, data, problem, view): axes, labels, legend, data
    layer: Callable  # layer(fig, run, view) -> a dynamic layer: what the run draws on it,
    # shown up to an iterate by layer.show(highlight, upto)

    def dynamic(self, fig, run, view: View, highlight: int, upto: int | None = None) -> None:
        self.layer(fig, run, view).show(highlight, upto)


def panel_png(
    panel: Panel, run, view: View, highlight: int, theme: str, upto: int | None = None
) -> Rendered:
    """One panel: a fresh dynamic layer drawn over its cached static pixels (the iterates
    up to ``upto`` only, when given)."""
    with dynamic_figure(panel.size, panel.name) as fig:
        panel.dynamic(fig, run, view, highlight, upto)
        static = static_pixels(
            panel.static, panel.size, run.data, run.problem, view, theme, current_dpi()
        )
        return draw_over(static, apply_theme(fig, theme))


def panel_figure(
    panel: Panel, run, view: View, highlight: int, theme: str, upto: int | None = None
) -> Figure:
    """One panel drawn whole on one Figure: the same picture as :func:`panel_png`."""
    fig = new_figure(panel.size)
    panel.static(fig, run.data, run.problem, view)
    panel.dynamic(fig, run, view, highlight, upto)
    return apply_theme(fig, theme)


def layered_png(
    panels, view, run, *, highlight: int, theme: str = "light", upto: int | None = None
) -> tuple[Rendered, ...]:
    """Each of ``panels`` as its own image, in the window ``view(run, upto)``, static layers
    cached (the iterates up to ``upto`` only, when given)."""
    shown = view(run, upto)
    return tuple(panel_png(p, run, shown, highlight, theme, upto) for p in panels)


def layered_figure(
    panels, view, run, *, highlight: int, theme: str = "light", upto: int | None = None
) -> Figure:
    """:func:`layered_png`'s panels side by side on one Figure (the downloads)."""
    return whole_figure(panels, run, view(run, upto), highlight, theme, upto)


def whole_figure(
    panels, run, view: View, highlight: int, theme: str, upto: int | None = None
) -> Figure:
    """Every panel side by side on one Figure (the downloads): each panel is a subfigure
    the size of its own image, drawn by the same functions."""
    fig = new_figure((sum(p.size[0] for p in panels), max(p.size[1] for p in panels)))
    subfigures = fig.subfigures(1, len(panels), width_ratios=[p.size[0] for p in panels])
    for panel, sub in zip(panels, np.atleast_1d(subfigures), strict=True):
        panel.static(sub, run.data, run.problem, view)
        panel.dynamic(sub, run, view, highlight, upto)
    return apply_theme(fig, theme)


def layered_frames(
    panels, view, run, *, highlights: list[int], theme: str
) -> list[tuple[Rendered, ...]]:
    """:func:`layered_png` revealed up to each of ``highlights`` (an animation's frames):
    each panel's dynamic layer is made once per view and shown at each iterate in turn."""
    with contextlib.ExitStack() as stack:
        figures = [stack.enter_context(dynamic_figure(p.size, p.name)) for p in panels]
        layers: list = [None] * len(panels)
        out = []
        for k in highlights:
            shown = view(run, k)
            pictures = []
            for i, (panel, fig) in enumerate(zip(panels, figures, strict=True)):
                if layers[i] is None or layers[i][0] != shown:
                    layers[i] = (shown, panel.layer(fig, run, shown))
                layers[i][1].show(k, k)
                static = static_pixels(
                    panel.static, panel.size, run.data, run.problem, shown, theme, current_dpi()
                )
                pictures.append(draw_over(static, apply_theme(fig, theme)))
            out.append(tuple(pictures))
        return out


class Iterates:
    """A run's iterates on a dynamic layer, shown up to any iterate: an arrow from each to
    the next, a dot on each, the last one marked once the whole run is shown, and a ring
    on the highlighted one. Every artist is made once and :meth:`show` changes its data
    (the arrows: how many of them are drawn)."""

    def __init__(  # noqa: PLR0913
        self, ax, points: np.ndarray, *, steps: dict, dots: dict, final: dict, ring_z, most=None
    ):
        self.points = points
        drawn = points[: None if most is None else most + 1]  # the iterates with arrows
        finite = np.all(np.isfinite(drawn), axis=1)
        keep = finite[:-1] & finite[1:]  # an arrow from each finite iterate to the next
        self.arrows = Arrows(ax, drawn[:-1][keep], np.diff(drawn, axis=0)[keep], **steps)
        self.kept = np.concatenate([[0], np.cumsum(keep)])  # arrows among the first j steps
        self.dots = ax.scatter([], [], **dots)
        self.final = ax.plot([], [], "o", **final)[0]
        self.ring = ring(ax, [], [], zorder=ring_z)

    def show(self, highlight: int, n: int) -> None:
        """Iterates 0 … n−1, iterate ``highlight`` ringed."""
        points = self.points[:n]
        finite = np.all(np.isfinite(points), axis=1)
        self.arrows.count = int(self.kept[min(max(n - 1, 0), len(self.kept) - 1)])
        self.dots.set_offsets(points[finite])
        self.final.set_data(*(points[-1:].T if n == len(self.points) else ([], [])))
        self.ring.set_data(*points[highlight : highlight + 1].T)


class Arrows(Quiver):
    """An arrow for each of ``tails`` along ``deltas`` ((n, 2) in data coordinates, as
    :func:`arrows` draws them), of which only the first :attr:`count` are drawn.

    An arrow's shape depends on its own step and the Axes' scale alone, so the shapes are
    made once per scale, and the frames of an animation (each a step or so further) draw
    them without making them again (about a tenth of a frame's time). The pixels are those of a
    quiver of the first :attr:`count` arrows only (tests/test_reveal.py).

    It reads Quiver's internals (``_init``, ``_make_verts``, ``_paths``, ``_offsets``): no
    public API draws the first arrows of a quiver without making every arrow again.
    matplotlib is pinned in requirements.txt; tests/test_reveal.py compares the pixels with
    a plain quiver of those arrows.
    """

    def __init__(self, ax, tails: np.ndarray, deltas: np.ndarray, **kwargs):
        tails, deltas = tails.reshape(-1, 2), deltas.reshape(-1, 2)
        super().__init__(ax, *tails.T, *deltas.T, angles="xy", scale_units="xy", scale=1, **kwargs)
        ax.add_collection(self, autolim=False)  # the layers fix their Axes' limits
        self.count = len(tails)
        self._made: tuple = (None, [])  # (the scale they were made at, every arrow's path)

    @allow_rasterization
    def draw(self, renderer) -> None:
        self._init()
        scale = (self.axes.bbox.bounds, self.axes.viewLim.bounds)
        if self._made[0] != scale:
            self.set_verts(self._make_verts(self.XY, self.U, self.V, self.angles), closed=False)
            self._made = (scale, self._paths)
        # What PolyCollection.draw reads: the first `count` arrows and where they start.
        self._paths, self._offsets = self._made[1][: self.count], self.XY[: self.count]
        PolyCollection.draw(self, renderer)
        self.stale = False


# ---------------------------------------------------------------- layered PNGs
@lru_cache(maxsize=STATIC_CACHE)
def static_pixels(
    draw, size, data: LineData, problem: LeastSquares, view: View, theme: str, dpi: float
):
    """The static layer drawn by ``draw(fig, data, problem, view)`` in ``theme`` at ``dpi``
    (the screen's, or an animation frame's: see :func:`current_dpi`), as a cached pixel
    region."""
    fig = new_figure(size)
    draw(fig, data, problem, view)
    return background(apply_theme(fig, theme))


def arrows(ax, tails: np.ndarray, deltas: np.ndarray, **kwargs):
    """An arrow from each of ``tails`` along ``deltas`` ((n, 2) in data coordinates)."""
    return ax.quiver(
        tails[:, 0],
        tails[:, 1],
        deltas[:, 0],
        deltas[:, 1],
        angles="xy",
        scale_units="xy",
        scale=1,
        **kwargs,
    )
