"""An animation's frames, drawn in a drawing worker at the animation's own size.

A frame is the page's picture of one iterate, drawn only up to that iterate (play
reveals), at the dots per inch that make it ``width`` pixels wide: no full-size PNG is
encoded, sent, decoded and scaled down. The fit pages' static layer is drawn once per
size and reused for every frame (blitting, as reruns do). :func:`frames` gives raw RGB
arrays, their panels side by side, tops aligned; :func:`gif_chunk` gives them as a GIF's
frames, labelled and encoded in the worker (see :mod:`gd_app.gif`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image

from gd_app import gif
from gd_app.plotting.common import DPI, Rendered, frame_pixels


@dataclass(frozen=True)
class GifFrames:
    """How a drawing job turns its frames into a GIF's: the label under each frame, and
    the animation's palette (see :mod:`gd_app.gif`)."""

    labels: tuple[str, ...]
    palette: bytes

    def encode(self, pictures: list[np.ndarray], theme: str) -> gif.Chunk:
        """The pictures (RGB arrays), each with its label under it, as one chunk of a GIF."""
        return gif.chunk(
            [
                gif.indices(gif.banded(picture, label, theme), self.palette)
                for picture, label in zip(pictures, self.labels, strict=True)
            ]
        )


def frames(
    job: Callable,
    args: tuple,
    highlights: list[int],
    *,
    theme: str,
    width: int,
    full_width: int,
) -> list[np.ndarray]:
    """``job(*args, highlights=highlights, theme=theme)``: the picture revealed up to each
    ``k`` of ``highlights`` (as the page's picture with ``highlight=k, upto=k`` draws it),
    drawn ``width`` pixels wide (``full_width`` is the screen picture's
    width), as RGB arrays of that width (a drawing worker's job)."""
    with frame_pixels(DPI * width / full_width):
        return [_side_by_side(r, width) for r in job(*args, highlights=highlights, theme=theme)]


def gif_chunk(job: Callable, args: tuple, highlights: list[int], *, encoding: GifFrames, **size):
    """:func:`frames` (``size``: its theme, width and full width), each with its label
    under it, as one chunk of a GIF (a drawing worker's job: the pixels never leave the
    worker, only the encoded frames)."""
    return encoding.encode(frames(job, args, highlights, **size), size["theme"])


def _side_by_side(rendered, width: int) -> np.ndarray:
    """One RGB frame from one rendered panel or several (left to right, tops aligned, the
    first panel's corner colour behind), exactly ``width`` pixels wide."""
    panels = [_opaque(r.png) for r in ((rendered,) if isinstance(rendered, Rendered) else rendered)]
    height = max(p.height for p in panels)
    frame = Image.new("RGB", (sum(p.width for p in panels), height), panels[0].getpixel((0, 0)))
    left = 0
    for panel in panels:
        frame.paste(panel, (left, 0))
        left += panel.width
    if frame.width != width:  # a pixel or two of rounding in the panels' widths
        size = (width, round(height * width / frame.width))
        frame = frame.resize(size, Image.Resampling.BILINEAR)
    return np.asarray(frame)


def _opaque(rgba: np.ndarray) -> Image.Image:
    """RGBA over white, as RGB (the figures' backgrounds are opaque: then just RGB)."""
    if (rgba[..., 3] == 255).all():
        return Image.fromarray(rgba).convert("RGB")
    alpha = rgba[..., 3:4].astype(np.uint16)
    return Image.fromarray(((rgba[..., :3] * alpha + 255 * (255 - alpha)) // 255).astype(np.uint8))
