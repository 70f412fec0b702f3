"""What every figure shares: the Okabe–Ito colours, rendering to PNG, legends, markers, themes.

Streamlit runs each session in its own thread, and pyplot's global figure
registry would be shared between them, so every figure is a plain
``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import contextlib
import contextvars
import struct
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import same_color
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

BLUE, ORANGE, GREEN, VERMILLION, SKY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9"
DPI = 200  # st.pyplot's resolution, so every figure matches the pages' first ones

# An animation's frames are drawn at their own size and kept as pixels (see
# gd_app.plotting.frames): the dots per inch of new figures, and whether a picture is
# returned as raw RGBA pixels instead of a PNG. Per thread, so a rerun drawing beside a
# GIF build keeps the screen's size.
_DPI: contextvars.ContextVar[float] = contextvars.ContextVar("dpi", default=DPI)
_RAW: contextvars.ContextVar[bool] = contextvars.ContextVar("raw", default=False)


@contextlib.contextmanager
def frame_pixels(dpi: float):
    """Within: figures drawn at ``dpi`` and rendered to raw RGBA arrays (``Rendered.png``
    then holds the array), for an animation's frames."""
    dpi_token, raw_token = _DPI.set(dpi), _RAW.set(True)
    try:
        yield
    finally:
        _DPI.reset(dpi_token)
        _RAW.reset(raw_token)


def current_dpi() -> float:
    return _DPI.get()


# ---------------------------------------------------------------- themes
THEMES = ("light", "dark")
# Streamlit 1.67's own dark theme: background, text, and its grey for frames.
DARK_BACKGROUND, DARK_TEXT, DARK_MUTED = "#171614", "#EDEBE8", "#A9A5A0"


def apply_theme(fig: Figure, theme: str) -> Figure:
    """Recolour a finished figure for Streamlit's ``theme`` ("light" or "dark"), in place.

    Light is matplotlib's own look, so only dark changes anything: the figure
    and axes backgrounds, spines, ticks, labels, titles, legends, and black
    curves ("k") turn to the dark theme's colours. The Okabe–Ito data colours,
    the colour map and markers drawn on it stay as they are. Per figure, never
    through rcParams: those are shared by every session's thread.
    """
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {THEMES}, got {theme!r}")
    if theme == "light":
        return fig
    if fig.patch.get_alpha() != 0:  # a transparent layer stays transparent
        fig.patch.set_facecolor(DARK_BACKGROUND)
    for ax in fig.axes:
        ax.set_facecolor(DARK_BACKGROUND)
        for spine in ax.spines.values():
            spine.set_edgecolor(DARK_TEXT)
        ax.tick_params(which="both", colors=DARK_TEXT)
        for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
            text.set_color(DARK_TEXT)
        for axis in (ax.xaxis, ax.yaxis):
            axis.get_offset_text().set_color(DARK_TEXT)
        for line in ax.get_lines():
            if line.get_linestyle() not in ("None", "", " ") and _black(line.get_color()):
                line.set_color(DARK_TEXT)  # a curve such as J(θ) or f(x); markers keep theirs
        legend = ax.get_legend()
        if legend is not None:
            _dark_legend(legend)
    for legend in fig.legends:
        _dark_legend(legend)
    return fig


def foreground(theme: str) -> str:
    """The colour of black lines in ``theme``, for artists drawn after :func:`apply_theme`."""
    return DARK_TEXT if theme == "dark" else "k"


def _black(color) -> bool:
    return isinstance(color, str | tuple) and same_color(color, "k")


def _dark_legend(legend) -> None:
    legend.get_frame().set_facecolor(DARK_BACKGROUND)
    legend.get_frame().set_edgecolor(DARK_MUTED)
    for text in legend.get_texts():
        text.set_color(DARK_TEXT)
    for handle in legend.legend_handles:
        if not hasattr(handle, "get_markeredgecolor"):
            continue
        if _black(handle.get_color()):
            handle.set_color(DARK_TEXT)
        if _black(handle.get_markeredgecolor()):
            handle.set_markeredgecolor(DARK_TEXT)
        if _black(handle.get_markerfacecolor()):
            handle.set_markerfacecolor(DARK_TEXT)


# ---------------------------------------------------------------- rendering
class Rendered(NamedTuple):
    """A PNG and its width in pixels, carried from the canvas that drew it."""

    png: bytes  # (within frame_pixels: the RGBA pixels, an array)
    width: int


def new_figure(size: tuple[float, float], *, transparent: bool = False) -> Figure:
    fig = Figure(figsize=size, dpi=_DPI.get())
    FigureCanvasAgg(fig)
    if transparent:
        fig.patch.set_alpha(0)
    return fig


def pixels(fig: Figure) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode(rgba: np.ndarray) -> bytes:
    """A PNG of 8-bit RGBA pixels, RGB when every pixel is opaque (the PNG spec, section 11.2).

    Written with zlib, not PIL: PIL picks a filter for every row (adaptive
    filtering) and, encoding to memory, never releases the GIL, so another
    session's rerun waits for it; a 2000x960 picture took about 3x as long.
    zlib at level 1 on unfiltered rows gives a file of the same size and
    releases the GIL, so the two halves compress on both cores.
    """
    height, width, _ = rgba.shape
    opaque = bool((rgba.view("<u4") >= 0xFF000000).all())  # alpha: the high byte
    channels = 3 if opaque else 4
    rows = np.empty((height, 1 + width * channels), np.uint8)
    rows[:, 0] = 0  # filter type 0: the row as it is
    pixels = rows[:, 1:].reshape(height, width, channels)
    for channel in range(channels):  # one channel at a time: 4x faster than all at once
        pixels[..., channel] = rgba[..., channel]
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if channels == 4 else 2, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", _deflate(memoryview(rows).cast("B"))),
            _chunk(b"IEND", b""),
        )
    )


_HALVES = ThreadPoolExecutor(max_workers=2, thread_name_prefix="png")


def stop_threads() -> None:
    """End the encoder's threads (a fork server must have none when it forks); the next
    picture starts new ones."""
    global _HALVES
    _HALVES.shutdown(wait=True)
    _HALVES = ThreadPoolExecutor(max_workers=2, thread_name_prefix="png")


def _deflate_part(data: memoryview, *, last: bool) -> tuple[bytes, int]:
    part = zlib.compressobj(1, zlib.DEFLATED, -15)  # raw deflate, as pigz does
    end = zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH
    return part.compress(data) + part.flush(end), zlib.adler32(data)


def _deflate(data: memoryview) -> bytes:
    """``zlib.compress(data, 1)`` in two halves at once (RFC 1950/1951).

    A full flush ends the first half on a byte boundary with no reference
    back, so the two raw deflate streams concatenate into one.
    """
    half = len(data) // 2
    first = _HALVES.submit(_deflate_part, data[:half], last=False)
    second = _HALVES.submit(_deflate_part, data[half:], last=True)
    (head, adler1), (tail, adler2) = first.result(), second.result()
    checksum = _adler32_combine(adler1, adler2, len(data) - half)
    return b"\x78\x01" + head + tail + checksum.to_bytes(4, "big")


def _adler32_combine(adler1: int, adler2: int, length2: int) -> int:
    """The Adler-32 of A + B from those of A and B (zlib's ``adler32_combine``)."""
    base = 65521
    a = ((adler1 & 0xFFFF) + (adler2 & 0xFFFF) - 1) % base
    b = ((adler1 >> 16) + (adler2 >> 16) + length2 * (adler1 & 0xFFFF) - length2) % base
    return (b << 16) | a


def render(fig: Figure) -> Rendered:
    """Render a whole Figure at its dpi; its layout is fixed, so one draw suffices."""
    return _finished(pixels(fig))


def _finished(rgba: np.ndarray) -> Rendered:
    """The canvas's pixels as a PNG, or (within :func:`frame_pixels`) as a copy."""
    return Rendered(rgba.copy() if _RAW.get() else encode(rgba), rgba.shape[1])


def to_png(fig: Figure) -> bytes:
    return render(fig).png


def background(fig: Figure):
    """The static layer's pixels as a region for :func:`draw_over` (matplotlib's blitting API)."""
    fig.canvas.draw()
    return fig.canvas.copy_from_bbox(fig.bbox)


def draw_over(static, dynamic_fig: Figure) -> Rendered:
    """Blit: restore the static layer's pixels, then draw only the dynamic Axes over them.

    ``dynamic_fig`` has the static figure's size and dpi; its Axes are bare
    (no frame, ticks or labels) and sit where the static Axes are, so the
    result equals drawing both layers on one Figure (tests/test_rendering.py).
    """
    canvas = dynamic_fig.canvas
    canvas.restore_region(static)
    for ax in dynamic_fig.axes:
        ax.redraw_in_frame()
    return _finished(np.asarray(canvas.buffer_rgba()))


def frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array)
    array.setflags(write=False)
    return array


def padded(lo: float, hi: float, pad: float = 0.05) -> tuple[float, float]:
    span = hi - lo or 1.0
    return float(lo - pad * span), float(hi + pad * span)


# ---------------------------------------------------------------- shared panels
def axes(fig: Figure, rects, *, bare: bool):
    """Axes at fixed positions; ``bare`` axes (dynamic layer) have no frame or ticks.

    A figure from :func:`dynamic_figure` gets back its bare Axes, emptied.
    """
    kept = getattr(fig, _BARE_AXES, None)
    if bare and kept and kept[0] == tuple(rects):
        for ax in kept[1]:
            _empty(ax)
        return list(kept[1])
    axes = [fig.add_axes(rect) for rect in rects]
    for ax in axes:
        if bare:
            ax.set_axis_off()
    if bare:
        setattr(fig, _BARE_AXES, (tuple(rects), tuple(axes)))
    return axes


# Making a figure's Axes is about two thirds of drawing the dynamic layer
# (ticks, spines and axis objects that bare Axes never show), so the fast
# route keeps a few dynamic figures and empties their Axes for the next picture.
SPARE_FIGURES = 2  # per figure size and kind, each with its RGBA buffer (3 to 8 MB)
_SPARES: dict[tuple, list[Figure]] = {}
_SPARES_LOCK = threading.Lock()
# A dynamic figure's bare Axes are kept on the figure itself, so they go with it. (Kept in
# a WeakKeyDictionary, they held their figure alive: a value that refers to its key.)
_BARE_AXES = "_gd_bare_axes"


@contextlib.contextmanager
def dynamic_figure(size: tuple[float, float], kind: str = ""):
    """A transparent figure for a dynamic layer, taken from the spares and given back.

    Spares are kept per size and ``kind`` (a panel's name): panels of one size but other
    Axes never share a figure.
    """
    with _SPARES_LOCK:
        spares = _SPARES.setdefault((tuple(size), kind, _DPI.get()), [])
        fig = spares.pop() if spares else new_figure(size, transparent=True)
    try:
        yield fig
    finally:
        with _SPARES_LOCK:
            if len(spares) < SPARE_FIGURES:
                spares.append(fig)


def forget_spares() -> None:
    """Drop the spare figures (the next picture of each size makes a new one)."""
    with _SPARES_LOCK:
        _SPARES.clear()


def _empty(ax) -> None:
    """Back to a bare Axes as ``add_axes`` made it: no artists, fresh colour cycle and limits."""
    for artist in (*ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.images, *ax.artists):
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    for child in list(ax.child_axes):  # insets (the α_k plot, the gradient fan)
        child.remove()
    ax.containers.clear()
    ax.set_prop_cycle(None)
    ax.ignore_existing_data_limits = True
    ax.set_autoscale_on(True)


def legend_below(ax, handles: list, ncol: int = 3) -> None:
    """A legend under the axes: drawn once with the static layer, never covered by a line."""
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=ncol,
        fontsize="medium",
        frameon=False,
        handlelength=1.6,
        columnspacing=1.2,
    )


def marker(label: str, marker: str, color: str, **kwargs) -> Line2D:
    return Line2D([], [], ls="", marker=marker, c=color, label=label, **kwargs)


def highlight_handle() -> Line2D:
    """The legend entry of the highlighted-iterate ring (a new artist per legend)."""
    return Line2D(
        [],
        [],
        ls="",
        marker="o",
        ms=11,
        mfc="none",
        mec=VERMILLION,
        mew=2,
        label="highlighted iterate",
    )


def ring(ax, x, y, **kwargs) -> Line2D:
    return ax.plot(x, y, "o", mfc="none", mec=VERMILLION, ms=14, mew=2, **kwargs)[0]


def revealed(rows: int, upto: int | None) -> int:
    """How many iterates a picture draws: all ``rows``, or those up to iterate ``upto``
    (while playing, and in prediction mode: nothing after the iterate on screen)."""
    return rows if upto is None else min(max(int(upto), 0), rows - 1) + 1
