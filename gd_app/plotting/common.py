"""What every figure shares: the Okabe–Ito colours, rendering to PNG, legends, markers, themes.

Streamlit runs each session in its own thread, and pyplot's global figure
registry would be shared between them, so every figure is a plain
``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import same_color
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

BLUE, ORANGE, GREEN, VERMILLION, SKY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9"
DPI = 200  # as st.pyplot renders the seeds' figures


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
    return fig


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
def new_figure(size: tuple[float, float], *, transparent: bool = False) -> Figure:
    fig = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(fig)
    if transparent:
        fig.patch.set_alpha(0)
    return fig


def pixels(fig: Figure) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())


def encode(rgba: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def png_width(png: bytes) -> int:
    """Pixel width from the PNG header (bytes 16–20 of the IHDR chunk)."""
    return int.from_bytes(png[16:20], "big")


def to_png(fig: Figure) -> bytes:
    """Render a whole Figure at DPI; its layout is fixed, so one draw suffices."""
    return encode(pixels(fig))


def draw_over(static: np.ndarray, dynamic_fig: Figure) -> bytes:
    """Draw the dynamic layer straight onto a copy of the static pixels.

    Like blitting: the renderer's buffer starts as the cached background, and
    ``Figure.draw`` (unlike ``canvas.draw``) does not clear it first.
    """
    renderer = dynamic_fig.canvas.get_renderer()
    pixels = np.asarray(renderer.buffer_rgba())
    pixels[...] = static
    dynamic_fig.draw(renderer)
    buffer = io.BytesIO()
    # The static layer is opaque, so the alpha channel carries nothing.
    Image.fromarray(pixels).convert("RGB").save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array)
    array.setflags(write=False)
    return array


def padded(lo: float, hi: float, pad: float = 0.05) -> tuple[float, float]:
    span = hi - lo or 1.0
    return float(lo - pad * span), float(hi + pad * span)


# ---------------------------------------------------------------- shared panels
def axes(fig: Figure, rects, *, bare: bool):
    """Axes at fixed positions; ``bare`` axes (dynamic layer) have no frame or ticks."""
    axes = [fig.add_axes(rect) for rect in rects]
    for ax in axes:
        if bare:
            ax.set_axis_off()
    return axes


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


def ring(ax, x, y, **kwargs):
    ax.plot(x, y, "o", mfc="none", mec=VERMILLION, ms=14, mew=2, **kwargs)
