"""The run as an animated GIF, built on request in a background thread.

One frame per iterate up to MAX_FRAMES, evenly thinned beyond. Each frame is
the page's own picture drawn up to its iterate, at GIF_WIDTH (by a drawing worker,
the static layer reused for every frame: :mod:`gd_app.plotting.frames`), with a band
under it naming the iterate. That band also keeps consecutive frames distinct, so the
GIF holds exactly the promised frames (Pillow merges identical neighbours).

A GIF has its own path: its frames are drawn by the page's frames function past the
shared picture cache (see :func:`gd_app.export._make_gif`), CHUNK per job, two jobs at
a time. Builds run
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
FRAME_THREADS = 2  # chunks of frames drawn at once (as many as the drawing workers)
CHUNK = 10  # frames per drawing job: few round trips, and progress shown as it goes


def frame_steps(rows: int) -> np.ndarray:
    """Which iterates become frames: all of them up to MAX_FRAMES, else MAX_FRAMES evenly
    spread from the first to the last (distinct, since then the spacing is at least 1)."""
    if rows <= MAX_FRAMES:
        return np.arange(rows)
    return np.linspace(0, rows - 1, MAX_FRAMES).round().astype(int)


def gif_frame(picture: np.ndarray, step: int, last: int, theme: str) -> Image.Image:
    """One frame: the picture (RGB pixels, GIF_WIDTH wide), with a band saying which
    iterate it shows."""
    image = Image.fromarray(np.ascontiguousarray(picture[..., :3]), "RGB")
    if image.width != GIF_WIDTH:
        height = round(image.height * GIF_WIDTH / image.width)
        image = image.resize((GIF_WIDTH, height), Image.Resampling.BILINEAR, reducing_gap=1.0)
    background, text = (DARK_BACKGROUND, DARK_TEXT) if theme == "dark" else ("white", "black")
    frame = Image.new("RGB", (GIF_WIDTH, image.height + BAND), background)
    frame.paste(image, (0, 0))
    font = ImageFont.load_default(size=18)
    ImageDraw.Draw(frame).text(
        (16, image.height + 4), f"iterate {step} of {last}", fill=text, font=font
    )
    return frame


def build_gif(
    pictures: Callable[[list[int]], list[np.ndarray]],
    rows: int,
    *,
    theme: str,
    speed: int,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> bytes:
    """The GIF of a run of ``rows`` iterates; ``pictures(steps)`` gives the pictures of
    those iterates (RGB arrays GIF_WIDTH pixels wide, drawn at that size)."""
    steps = [int(step) for step in frame_steps(rows)]
    chunks = [steps[i : i + CHUNK] for i in range(0, len(steps), CHUNK)]
    frames, palette = [], None

    def make(chunk: list[int]) -> list[Image.Image]:
        return [
            gif_frame(p, s, rows - 1, theme) for s, p in zip(chunk, pictures(chunk), strict=True)
        ]

    # FRAME_THREADS chunks at once: the drawing workers draw them side by side. The
    # frames come back in order.
    with ThreadPoolExecutor(FRAME_THREADS, thread_name_prefix="gif-frame") as threads:
        for chunk in threads.map(make, chunks):
            for frame in chunk:
                if palette is None:  # one palette from the first frame: colours don't flicker
                    palette = frame.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
                frames.append(frame.quantize(palette=palette, dither=Image.Dither.NONE))
            progress(len(frames), len(steps))
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
