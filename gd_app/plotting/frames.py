"""An animation's frames, drawn in a drawing worker at the animation's own size.

A frame is the page's picture of one iterate, drawn only up to that iterate (play
reveals), at the dots per inch that make it ``width`` pixels wide: no full-size PNG is
encoded, sent, decoded and scaled down. The fit pages' static layer is drawn once per
size and reused for every frame (blitting, as reruns do). Frames come back as raw RGB
arrays, their panels side by side, tops aligned.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image

from gd_app.plotting.common import DPI, Rendered, frame_pixels


def frames(
    job: Callable,
    args: tuple,
    highlights: list[int],
    *,
    theme: str,
    width: int,
    full_width: int,
) -> list[np.ndarray]:
    """``job(*args, highlight=k, upto=k, theme=theme)`` for each ``k`` of ``highlights``,
    drawn ``width`` pixels wide (``full_width`` is the screen picture's width), as RGB
    arrays of that width (a drawing worker's job)."""
    with frame_pixels(DPI * width / full_width):
        return [
            _side_by_side(job(*args, highlight=k, upto=k, theme=theme), width) for k in highlights
        ]


def _side_by_side(rendered, width: int) -> np.ndarray:
    """One RGB frame from one rendered panel or several (left to right, tops aligned, the
    first panel's corner colour behind), exactly ``width`` pixels wide."""
    panels = [r.png for r in ((rendered,) if isinstance(rendered, Rendered) else rendered)]
    height = max(p.shape[0] for p in panels)
    frame = np.empty((height, sum(p.shape[1] for p in panels), 3), np.uint8)
    frame[...] = _opaque(panels[0][:1, :1])[0, 0]
    left = 0
    for panel in panels:
        frame[: panel.shape[0], left : left + panel.shape[1]] = _opaque(panel)
        left += panel.shape[1]
    if frame.shape[1] != width:  # a pixel or two of rounding in the panels' widths
        size = (width, round(height * width / frame.shape[1]))
        frame = np.asarray(Image.fromarray(frame).resize(size, Image.Resampling.BILINEAR))
    return frame


def _opaque(rgba: np.ndarray) -> np.ndarray:
    """RGBA over white, as RGB (the figures' backgrounds are opaque: then just RGB)."""
    if (rgba[..., 3] == 255).all():
        return rgba[..., :3]
    alpha = rgba[..., 3:4].astype(np.uint16)
    return ((rgba[..., :3] * alpha + 255 * (255 - alpha)) // 255).astype(np.uint8)
