"""An animated GIF written frame by frame, so that the drawing workers can encode the frames
they draw (GIF89a: https://www.w3.org/Graphics/GIF/spec-gif89a.txt).

Every frame uses one adaptive palette, chosen once for the whole animation
(:func:`palette_of`), so colours never flicker and no frame needs a palette of its own.
A frame is stored as the smallest rectangle that changed since the frame before, its
unchanged pixels transparent (:func:`frame_data`); Pillow's LZW encoder writes the pixels.
Each drawing job encodes its frames after the first of its chunk, and :func:`assemble`
encodes the first ones against the chunk before and writes the file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import GifImagePlugin, Image, ImageDraw, ImageFont

from gd_app.plotting.common import DARK_BACKGROUND, DARK_TEXT

BAND = 30  # pixels under the figure for "iterate k of n"
COLOURS = 255  # the palette's colours; index 255 is the transparent "unchanged" pixel
TRANSPARENT = 255


@cache
def _font() -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=18)


def banded(picture: np.ndarray | Image.Image, label: str, theme: str) -> Image.Image:
    """The picture (RGB) with a band under it saying which iterate it shows; the band also
    keeps consecutive frames distinct."""
    image = picture if isinstance(picture, Image.Image) else Image.fromarray(picture)
    background, text = (DARK_BACKGROUND, DARK_TEXT) if theme == "dark" else ("white", "black")
    frame = Image.new("RGB", (image.width, image.height + BAND), background)
    frame.paste(image, (0, 0))
    ImageDraw.Draw(frame).text((16, image.height + 4), label, fill=text, font=_font())
    return frame


def palette_of(image: Image.Image) -> bytes:
    """An adaptive palette of at most COLOURS colours for ``image`` (a picture of the whole
    run, band included), as 256 RGB triples (unused entries repeat the first colour)."""
    colours = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT).getpalette()
    colours = colours[: 3 * COLOURS]
    return bytes(colours + colours[:3] * (256 - len(colours) // 3))


@cache
def _palette_image(palette: bytes) -> Image.Image:
    image = Image.new("P", (1, 1))
    image.putpalette(palette)
    return image


def indices(image: Image.Image, palette: bytes) -> np.ndarray:
    """``image`` as indices into ``palette`` (nearest colour, no dithering: flat colours stay
    flat, and a pixel that did not change keeps its index)."""
    quantized = image.quantize(palette=_palette_image(palette), dither=Image.Dither.NONE)
    index = np.asarray(quantized)
    return np.where(index >= COLOURS, 0, index).astype(np.uint8)  # the repeats of colour 0


def frame_data(previous: np.ndarray | None, current: np.ndarray) -> tuple[bool, bytes]:
    """One frame's image descriptor and LZW data: the rectangle that changed since
    ``previous`` (all of it, for the first frame), the pixels in it that did not change
    transparent. Returns (whether it has transparent pixels, the bytes)."""
    if previous is None:
        return False, _encoded(current, (0, 0))
    changed = previous != current
    rows, columns = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    if not rows.size:  # the same picture again: one transparent pixel
        return True, _encoded(np.full((1, 1), TRANSPARENT, np.uint8), (0, 0))
    top, bottom, left, right = rows[0], rows[-1] + 1, columns[0], columns[-1] + 1
    part = np.where(
        changed[top:bottom, left:right], current[top:bottom, left:right], TRANSPARENT
    ).astype(np.uint8)
    return True, _encoded(part, (int(left), int(top)))


def _encoded(index: np.ndarray, offset: tuple[int, int]) -> bytes:
    height, width = index.shape
    image = Image.frombytes("P", (width, height), np.ascontiguousarray(index).tobytes())
    return b"".join(GifImagePlugin.getdata(image, offset))


@dataclass(frozen=True)
class Chunk:
    """Consecutive frames from one drawing job: the first and last as indices (the chunks
    are joined with them), the others encoded, each against the frame before it."""

    first: np.ndarray
    last: np.ndarray
    rest: tuple[tuple[bool, bytes], ...]

    def __len__(self) -> int:
        return 1 + len(self.rest)


def chunk(frames: list[np.ndarray]) -> Chunk:
    """Encode frames (indices, all the same size) as a :class:`Chunk`."""
    rest = tuple(frame_data(a, b) for a, b in zip(frames, frames[1:], strict=False))
    return Chunk(frames[0], frames[-1], rest)


def assemble(chunks: list[Chunk], palette: bytes, durations: list[int]) -> bytes:
    """The GIF file: the chunks' frames in order, frame i shown ``durations[i]`` ms, looping."""
    height, width = chunks[0].first.shape
    parts = [
        b"GIF89a",
        struct.pack("<HHBBB", width, height, 0xF7, 0, 0),  # a global table of 256 colours
        palette,
        b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00",  # loop for ever
    ]
    frame, previous = 0, None
    for part in chunks:
        for transparent, data in (frame_data(previous, part.first), *part.rest):
            parts += [_control(durations[frame], transparent), data]
            frame += 1
        previous = part.last
    parts.append(b";")
    return b"".join(parts)


def _control(duration_ms: int, transparent: bool) -> bytes:
    """A graphic control extension: leave the frame in place; shown for ``duration_ms``."""
    packed = (1 << 2) | int(transparent)
    return struct.pack("<3sBHBB", b"!\xf9\x04", packed, round(duration_ms / 10), TRANSPARENT, 0)
