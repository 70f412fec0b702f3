"""The run as an animated GIF, built on request in a background thread (issue 12).

One frame per iterate up to MAX_FRAMES, evenly thinned beyond. Each frame is
the page's own picture (the fast route, pixel for pixel the one-figure route:
tests/test_export.py checks it), scaled to GIF_WIDTH, with a band under it
naming the iterate. That band also keeps consecutive frames distinct, so the
GIF holds exactly the promised frames (Pillow merges identical neighbours).

A GIF has its own path: its frames are drawn by the page's picture function past the
shared picture cache (see :func:`gd_app.export._make_gif`), two at a time. Builds run
one at a time in the whole server (two cores serve every visitor),
each in its own thread so the visitor can go on exploring; a session starts at
most one at a time (see :mod:`gd_app.export`). Finished GIFs are kept in a
small LRU cache keyed by the run, the theme and the speed.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from gd_app.plotting.common import DARK_BACKGROUND, DARK_TEXT

MAX_FRAMES = 200
GIF_WIDTH = 800  # pixels; Pillow holds every frame until it writes (≈ 0.4 MB each)
BAND = 30  # pixels under the figure for "iterate k of n"
HOLD_LAST_MS = 1500  # the last frame stays a little longer before the loop restarts
GIF_CACHE = 6  # finished GIFs kept (a few MB each at most)
FRAME_THREADS = 2  # frames drawn at once (as many as the drawing workers)


def frame_steps(rows: int) -> np.ndarray:
    """Which iterates become frames: all of them up to MAX_FRAMES, else MAX_FRAMES evenly
    spread from the first to the last (distinct, since then the spacing is at least 1)."""
    if rows <= MAX_FRAMES:
        return np.arange(rows)
    return np.linspace(0, rows - 1, MAX_FRAMES).round().astype(int)


def gif_frame(png: bytes, step: int, last: int, theme: str) -> Image.Image:
    """One frame: the picture scaled to GIF_WIDTH, with a band saying which iterate it shows."""
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    height = round(picture.height * GIF_WIDTH / picture.width)
    # A box filter first (by the whole factor), then bilinear the rest of the way: as
    # smooth as Lanczos at this scale, in half the time.
    picture = picture.resize((GIF_WIDTH, height), Image.Resampling.BILINEAR, reducing_gap=1.0)
    background, text = (DARK_BACKGROUND, DARK_TEXT) if theme == "dark" else ("white", "black")
    frame = Image.new("RGB", (GIF_WIDTH, height + BAND), background)
    frame.paste(picture, (0, 0))
    font = ImageFont.load_default(size=18)
    ImageDraw.Draw(frame).text((16, height + 4), f"iterate {step} of {last}", fill=text, font=font)
    return frame


def build_gif(
    picture: Callable[[int], bytes],
    rows: int,
    *,
    theme: str,
    speed: int,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> bytes:
    """The GIF of a run of ``rows`` iterates; ``picture(step)`` gives the PNG of one iterate."""
    steps = frame_steps(rows)
    frames, palette = [], None

    def make(step: int) -> Image.Image:
        return gif_frame(picture(step), step, rows - 1, theme)

    # FRAME_THREADS frames at once: the drawing workers draw them side by side, and Pillow
    # decodes and scales them without the GIL. The frames come back in order.
    with ThreadPoolExecutor(FRAME_THREADS, thread_name_prefix="gif-frame") as threads:
        for done, frame in enumerate(threads.map(make, map(int, steps)), start=1):
            if palette is None:  # one palette from the first frame: colours don't flicker
                palette = frame.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
            frames.append(frame.quantize(palette=palette, dither=Image.Dither.NONE))
            progress(done, len(steps))
    durations = [10 * round(100 / speed)] * len(frames)  # GIF counts time in 10 ms steps
    durations[-1] += HOLD_LAST_MS
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0
    )
    return buffer.getvalue()


# ---------------------------------------------------------------- background builds
@dataclass
class Build:
    """A GIF being built: how far it has got, and how it ended."""

    key: Hashable
    total: int
    done: int = 0
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        return not self.finished.is_set()


_lock = threading.Lock()
_gifs: OrderedDict[Hashable, bytes] = OrderedDict()
_builds: dict[Hashable, Build] = {}
_one_at_a_time = threading.Semaphore(1)


def cached_gif(key: Hashable) -> bytes | None:
    with _lock:
        if key in _gifs:
            _gifs.move_to_end(key)
            return _gifs[key]
    return None


def start(key: Hashable, make: Callable[[Callable[[int, int], None]], bytes], total: int) -> Build:
    """Build ``make(progress)`` in a thread, unless the same GIF is being built already."""
    with _lock:
        if key in _builds:
            return _builds[key]
        build = _builds[key] = Build(key, total)
    threading.Thread(target=_run, args=(build, make), name="gif-build", daemon=True).start()
    return build


def _run(build: Build, make) -> None:
    def progress(done: int, total: int) -> None:
        build.done, build.total = done, total

    try:
        with _one_at_a_time:
            gif = make(progress)
        with _lock:
            _gifs[build.key] = gif
            while len(_gifs) > GIF_CACHE:
                _gifs.popitem(last=False)
    except Exception as error:  # the visitor sees it; the server goes on
        build.error = f"{type(error).__name__}: {error}"
    finally:
        with _lock:
            _builds.pop(build.key, None)
        build.finished.set()
