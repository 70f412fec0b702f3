"""Figures of the optimizer lab: the contour race, f − f_ref per iteration, the 3D surface.

The race is two panels, each its own image (the paths on f's contours; f per
iteration), so that a page can put them in columns that stack on a phone: each is
PANEL_WIDTH inches wide with nothing written under MIN_FONT points (legible in a
phone's 358 px column, as on the fit pages). Each panel's static layer is drawn once
per run (contours, paths, curves, legend); the scrubber's markers are then blitted over
its pixels (:class:`Scrubber`).

A picture of part of the race (play, prediction mode, GIF frames) is framed by what
is known before the run (:func:`frame_of`): the start and the known minima, f there,
and the steps allowed. Only the whole race is framed by where the paths went.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

from gd_app.plotting import optimizer_overlays as overlays
from gd_app.plotting.common import DPI as SCREEN_DPI
from gd_app.plotting.common import (
    Rendered,
    _finished,
    apply_theme,
    current_dpi,
    foreground,
    new_figure,
    revealed,
)
from gd_app.plotting.lab_style import (  # noqa: F401 - STYLE, color, DPI: also used from here
    DPI,
    LOG_CAP,
    LOG_FLOOR,
    STYLE,
    color,
    contours,
    method_handle,
    minimum_handle,
    ring_handle,
    star_minima,
)
from gd_core.lab import LabResult, grid_axes

PANEL_WIDTH, PANEL_HEIGHT = 4.5, 6.0  # inches: the race (its legend has up to 7 rows)
VALUES_HEIGHT = 4.8  # inches: f per iteration (up to 3 rows of legend)
MIN_FONT = 9  # points: nothing on a panel is written smaller
RECT = (0.18, 0.44, 0.77, 0.5)  # the race's axes; the legend goes under them
UNDER_AXES = (0.5, -0.16)  # the legend's top centre, in axes fractions: under the x label


def panel_rect(height: float) -> tuple[float, float, float, float]:
    """The axes of a panel ``height`` inches high: as large as the race's and as far from
    the top, so that side by side the two line up."""
    x, y, w, h = RECT
    top, tall = (1 - y - h) * PANEL_HEIGHT, h * PANEL_HEIGHT  # inches
    return (x, (height - top - tall) / height, w, tall / height)


def _legend(ax, handles: list, ncol: int) -> None:
    """The panel's legend under its axes, where no path or curve can cover it."""
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=UNDER_AXES,
        ncol=ncol,
        frameon=False,
        fontsize=MIN_FONT,
    )


# ---------------------------------------------------------------------- what the axes show
@dataclass(frozen=True, eq=False)
class Frame:
    """The limits and scales of both panels, and f on the race's window."""

    window: tuple[float, float, float, float]
    grid: tuple[np.ndarray, np.ndarray, np.ndarray]  # x, y, f on the window
    last: int  # the right panel's last iteration
    reference: float | None  # f_ref, or None: f itself on a symlog scale
    label: str  # what the right panel plots
    limits: tuple[float, float]  # of the right panel
    partial: bool


def is_partial(result: LabResult, upto: int | None) -> bool:
    """A picture of part of the race: iterates up to ``upto``, before the longest run's end."""
    longest = max((len(run.values) for run in result.runs), default=1)
    return upto is not None and revealed(longest, upto) < longest


def frame_of(result: LabResult, partial: bool = False) -> Frame:
    """The whole race's frame; or (``partial``) one that is the same whatever the runs
    do after the start: the window of the start and the known minima, f on it, every
    step allowed, and f_ref only where it is f's known minimum."""
    if not partial or result.start_grid_f is None:
        longest = max((len(run.values) for run in result.runs), default=1)
        return Frame(
            result.window,
            (result.grid_x, result.grid_y, result.grid_f),
            longest - 1,
            result.f_ref,
            value_label(result),
            _value_limits(result, result.f_ref),
            False,
        )
    reference = result.f_ref if result.f_ref_known else None
    grid_f = result.start_grid_f
    shown = curve(np.concatenate([grid_f.ravel(), _starts(result)]), reference)
    shown = shown[np.isfinite(shown)]
    if not shown.size:
        limits = (0.1, 10.0)
    elif reference is None:
        pad = 0.1 * max(abs(float(shown.min())), abs(float(shown.max())), 1.0)
        limits = (float(shown.min()) - pad, float(shown.max()) + pad)
    else:  # down to 18 decades under the highest f − f_ref in the window
        limits = (max(float(shown.max()) * 1e-18, LOG_FLOOR), float(shown.max()) * 3)
    return Frame(
        result.start_window,
        (*grid_axes(result.start_window), grid_f),
        max(result.max_steps, 1),
        reference,
        value_label(result, partial=True),
        limits,
        True,
    )


def curve(values: np.ndarray, reference: float | None) -> np.ndarray:
    """What the right panel plots: f − f_ref (nan where ≤ 0), or f itself (symlog)."""
    if reference is None:
        return np.where(np.abs(values) < LOG_CAP, values, np.nan)
    gap = values - reference
    return np.where((gap > 0) & (gap < LOG_CAP), gap, np.nan)


def _starts(result: LabResult) -> np.ndarray:
    return np.array([run.values[0] for run in result.runs if len(run.values)])


def symlog_threshold(result: LabResult) -> float:
    return max(float(np.min(np.abs(_starts(result)), initial=1.0)), 1e-3) / 10


def value_label(result: LabResult, partial: bool = False) -> str:
    if result.f_ref is not None and result.f_ref_known:
        return f"f − f_ref, log scale (f_ref = {result.f_ref:.4g}, the known minimum)"
    if partial:  # how low the runs get is not known before they end
        return "f(x, y), symlog scale"
    if result.f_ref is None:
        why = result.no_minimum or "no minimum was found"
        return f"f(x, y), symlog scale ({why})"
    return f"f − f_ref, log scale (f_ref = {result.f_ref:.6g}, just below the lowest f reached)"


def _value_limits(result: LabResult, reference: float | None) -> tuple[float, float]:
    shown = np.concatenate([curve(run.values, reference) for run in result.runs] or [np.ones(1)])
    shown = shown[np.isfinite(shown)]
    if not shown.size:
        return (0.1, 10.0)
    low, high = float(shown.min()), float(shown.max())
    if reference is None:
        pad = 0.1 * max(abs(low), abs(high), 1.0)
        return (low - pad, high + pad)
    low = max(low, LOG_FLOOR)
    return (low / 3, high * 3)


def _symlog_ticks(threshold: float) -> list[float]:
    """0 and ± every decade outside the linear part (ticks inside it would overlap)."""
    decades = [10.0**k for k in range(int(np.ceil(np.log10(threshold))), 309)]
    return [-d for d in reversed(decades)] + [0.0] + decades


# ---------------------------------------------------------------------- the two panels
def race_panel(fig, result: LabResult, frame: Frame, *, paths: bool = True, rect=RECT):
    """Contours of f, the paths (unless not ``paths``: see :func:`path_artists`), the start
    and the known minima, the legend under them; its Axes."""
    race = fig.add_axes(rect)
    x_lo, x_hi, y_lo, y_hi = frame.window
    race.set_xlim(x_lo, x_hi)
    race.set_ylim(y_lo, y_hi)
    log_spaced = contours(
        race,
        *frame.grid,
        filled=True,
        colors="0.45",
        linewidths=0.6,
        negative_linestyles="solid",  # dashed lines are Newton's local model
    )
    handles = []
    for run in result.runs:
        c, ls, mark = STYLE[run.method]
        if len(run.params) and paths:
            race.plot(run.params[:, 0], run.params[:, 1], ls=ls, c=c, lw=1.6, zorder=3)
            race.plot(*run.params[-1], marker=mark, c=c, ms=6, mec="k", mew=0.5, zorder=4)
        handles.append(method_handle(run.method))
    start = result.runs[0].params[0] if result.runs and len(result.runs[0].params) else None
    if start is not None:
        race.plot(*start, "ks", ms=8, zorder=5)
        handles.append(Line2D([], [], ls="", marker="s", c="k", ms=8, label="start"))
    star_minima(race, result.minima, zorder=5)
    if len(result.minima):
        handles.append(minimum_handle())
    handles.append(ring_handle("highlighted iterate"))
    if any(len(run.trials) for run in result.runs):
        handles.append(
            Line2D([], [], ls=":", c="0.35", marker=".", ms=7, alpha=0.7, label="trial points")
        )
    if any(run.hessians is not None for run in result.runs):
        handles.append(
            Line2D([], [], c=overlays.MODEL, lw=1, ls="--", label="Newton's local model")
        )
    race.set_xlabel("x")
    race.set_ylabel("y")
    scale = "log-spaced" if log_spaced else "evenly spaced"
    race.set_title(f"The race on f(x, y)\n(contours {scale})", fontsize="medium")
    _legend(race, handles, ncol=2)
    return race


def values_panel(fig, result: LabResult, frame: Frame, *, paths: bool = True, rect=None):
    """f per iteration of every method (unless not ``paths``), its methods' legend; its Axes."""
    values = fig.add_axes(rect or panel_rect(VALUES_HEIGHT))
    values.set_xlim(-0.02 * max(frame.last, 1), frame.last * 1.02 or 1)
    values.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    if frame.reference is None:
        threshold = symlog_threshold(result)
        values.set_yscale("symlog", linthresh=threshold)
        values.yaxis.set_major_locator(FixedLocator(_symlog_ticks(threshold)))
    else:
        values.set_yscale("log")
    values.set_ylim(*frame.limits)
    values.yaxis.set_minor_locator(NullLocator())  # minor log ticks cost more than they show
    for run in result.runs:
        c, ls, _ = STYLE[run.method]
        if len(run.values) and paths:
            iterations = np.arange(len(run.values))
            values.plot(iterations, curve(run.values, frame.reference), ls=ls, c=c, lw=1.6)
    values.set_xlabel("iteration k")
    values.set_ylabel(_wrapped(frame.label), fontsize=MIN_FONT)
    values.set_title("How fast f falls", fontsize="medium")
    values.grid(True, which="major", alpha=0.3)
    handles = [method_handle(run.method) for run in result.runs]
    _legend(values, handles, ncol=3)
    return values


def _wrapped(label: str) -> str:
    """A long axis label on two lines at its first " (", so it fits the panel's height."""
    head, sep, tail = label.partition(" (")
    return f"{head}\n({tail}" if sep else label


PANELS = (race_panel, values_panel)  # left to right; on a phone, one under the other
HEIGHTS = (PANEL_HEIGHT, VALUES_HEIGHT)


class Scrubber:
    """Each panel's static layer drawn once; each step's markers blitted over a copy of its
    pixels.

    Like blitting in an animation: the background is restored, only the new markers
    are drawn (``draw_artist``) and then removed again. One lock per scrubber, so two
    sessions scrubbing the same run take turns. Drawn at the lab's DPI, scaled as
    :func:`gd_app.plotting.common.frame_pixels` says (an animation's frames).
    """

    def __init__(self, result: LabResult, theme: str = "light", *, paths: bool = True) -> None:
        self.result = result
        self.theme = theme
        self.frame = frame_of(result, partial=not paths)
        self.figs, self.axes, self.backgrounds = [], [], []
        for panel, height in zip(PANELS, HEIGHTS, strict=True):
            fig = new_figure((PANEL_WIDTH, height))
            fig.set_dpi(DPI * current_dpi() / SCREEN_DPI)
            ax = panel(fig, result, self.frame, paths=paths)
            apply_theme(fig, theme)
            fig.canvas.draw()
            self.figs.append(fig)
            self.axes.append(ax)
            self.backgrounds.append(fig.canvas.copy_from_bbox(fig.bbox))
        self.lock = threading.Lock()

    def png(self, step: int, upto: int | None = None) -> tuple[Rendered, Rendered]:
        """Iterate ``step`` marked; given ``upto`` (a Scrubber made without ``paths``), the
        paths drawn only up to that iterate. One image per panel."""
        race, values = self.axes
        with self.lock:
            for fig, background in zip(self.figs, self.backgrounds, strict=True):
                fig.canvas.restore_region(background)
            artists = (
                [] if upto is None else path_artists(race, values, self.result, upto, self.frame)
            )
            artists += add_markers(
                race, values, self.result, step, fg=foreground(self.theme), frame=self.frame
            )
            for artist in artists:
                artist.axes.draw_artist(artist)
            rendered = tuple(_finished(np.asarray(fig.canvas.buffer_rgba())) for fig in self.figs)
            for artist in artists:
                artist.remove()
        return rendered


def path_artists(race, values, result: LabResult, upto: int, frame: Frame) -> list:
    """Every method's path and f curve up to iterate ``upto``, its end marker once reached."""
    artists = []
    for run in result.runs:
        if not len(run.params):
            continue
        c, ls, mark = STYLE[run.method]
        n = revealed(len(run.params), upto)
        artists += race.plot(run.params[:n, 0], run.params[:n, 1], ls=ls, c=c, lw=1.6, zorder=3)
        if n == len(run.params):
            artists += race.plot(
                *run.params[-1], marker=mark, c=c, ms=6, mec="k", mew=0.5, zorder=4
            )
        artists += values.plot(
            np.arange(n), curve(run.values[:n], frame.reference), ls=ls, c=c, lw=1.6
        )
    return artists


def add_markers(
    race, values, result: LabResult, step: int, fg: str = "k", frame: Frame | None = None
) -> list:
    """Ring every method's iterate ``step`` (a cross too when its run ended before it)."""
    frame = frame or frame_of(result)
    artists = [values.axvline(step, c=fg, lw=0.8, alpha=0.6)]
    for run in result.runs:
        if not len(run.values):
            continue
        k = min(step, len(run.values) - 1)
        c = color(run.method)
        artists += race.plot(*run.params[k], "o", mfc="none", mec=c, ms=13, mew=2.4, zorder=6)
        if k < step:  # it stopped before this step: its last iterate stays marked, with a cross
            artists += race.plot(*run.params[k], "x", c=c, ms=9, mew=2, zorder=6)
        y = curve(run.values[k : k + 1], frame.reference)[0]
        if np.isfinite(y):
            artists += values.plot(k, y, "o", mfc="none", mec=c, ms=11, mew=2.2)
        if len(run.trials) and k == step:
            artists += overlays.trial_points(race, run, k, c)
        if run.hessians is not None and k == step:
            artists += overlays.local_model(race, run, k, frame.window)
    return artists


def whole_figure(
    result: LabResult, step: int, theme: str = "light", upto: int | None = None
) -> Figure:
    """Both panels side by side in one Figure, both layers (the export route); given
    ``upto``, paths up to there only, framed as the screen frames them."""
    partial = is_partial(result, upto)
    frame = frame_of(result, partial)
    fig = new_figure((2 * PANEL_WIDTH, PANEL_HEIGHT))
    fig.set_dpi(DPI)
    axes = []
    for i, (panel, height) in enumerate(zip(PANELS, HEIGHTS, strict=True)):
        # each in its half, its top at the figure's top: where its own image has it
        x, y, w, h = panel_rect(height)
        below, scale = (PANEL_HEIGHT - height) / PANEL_HEIGHT, height / PANEL_HEIGHT
        rect = ((i + x) / 2, below + y * scale, w / 2, h * scale)
        axes.append(panel(fig, result, frame, paths=not partial, rect=rect))
    race, values = axes
    apply_theme(fig, theme)
    if partial:
        path_artists(race, values, result, upto, frame)
    add_markers(race, values, result, step, fg=foreground(theme), frame=frame)
    return fig
