"""The run as an animated GIF, built on request in a background thread.

One frame per iterate up to MAX_FRAMES, evenly thinned beyond. Each frame is
the page's own picture drawn up to its iterate, at GIF_WIDTH (by a drawing worker,
the static layer reused for every frame: :mod:`gd_app.plotting.frames`), with a band
under it naming the iterate. That band also keeps consecutive frames distinct.

A GIF has its own path: its frames are drawn by the page's frames function past the
shared picture cache (see :func:`gd_app.export._make_gif`), CHUNK per job, two jobs at
a time. The worker that draws a chunk also labels, quantizes (to one palette for the
whole animation, chosen from the page's picture of the whole run) and encodes it
(:mod:`gd_app.gif`): only the encoded frames come back. Builds run one at a time in the
whole server (two cores serve every visitor), each in its own thread so the visitor can
go on exploring; a session starts at most one at a time (see :mod:`gd_app.export`).
Finished GIFs are kept in a small LRU cache keyed by the run, the theme and the speed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from gd_app import gif
from gd_app.plotting.frames import GifFrames

MAX_FRAMES = 200
GIF_WIDTH = 800  # pixels
HOLD_LAST_MS = 1500  # the last frame stays a little longer before the loop restarts
GIF_CACHE = 6  # finished GIFs kept (a few MB each at most)
FRAME_THREADS = 2  # chunks of frames drawn at once (as many as the drawing workers)
CHUNK = 20  # frames per drawing job: few round trips, and progress shown as it goes


def frame_steps(rows: int) -> np.ndarray:
    """Which iterates become frames: all of them up to MAX_FRAMES, else MAX_FRAMES evenly
    spread from the first to the last (distinct, since then the spacing is at least 1)."""
    if rows <= MAX_FRAMES:
        return np.arange(rows)
    return np.linspace(0, rows - 1, MAX_FRAMES).round().astype(int)


def label(step: int, last: int) -> str:
    return f"iterate {step} of {last}"


def palette(whole: Image.Image, rows: int, theme: str) -> bytes:
    """The animation's palette, from ``whole``: the page's picture of the whole run (it
    holds every colour the frames draw), at GIF_WIDTH, with a frame's band under it."""
    if whole.width != GIF_WIDTH:
        size = (GIF_WIDTH, round(whole.height * GIF_WIDTH / whole.width))
        whole = whole.resize(size, Image.Resampling.BILINEAR)
    return gif.palette_of(gif.banded(whole.convert("RGB"), label(rows - 1, rows - 1), theme))


def build_gif(
    chunk_of: Callable[[list[int], GifFrames], gif.Chunk],
    rows: int,
    *,
    palette: bytes,
    speed: int,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> bytes:
    """The GIF of a run of ``rows`` iterates; ``chunk_of(steps, encoding)`` gives those
    iterates' frames, GIF_WIDTH pixels wide, encoded by ``encoding`` (a drawing job)."""
    steps = [int(step) for step in frame_steps(rows)]
    chunks = [steps[i : i + CHUNK] for i in range(0, len(steps), CHUNK)]
    done: list[gif.Chunk | None] = [None] * len(chunks)
    lock = threading.Lock()
    todo = list(range(len(chunks)))  # the chunks not yet taken, in order

    def lane(from_front: bool) -> None:
        """Chunks from one end of ``todo`` until none is left: one lane works forwards from
        the first chunk, the other backwards from the last, so each keeps to a run of
        consecutive iterates (and its drawing worker to their static layers), and the two
        meet wherever the work splits evenly (later frames draw more, so cost more)."""
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop(0 if from_front else -1)
            labels = tuple(label(step, rows - 1) for step in chunks[i])
            done[i] = chunk_of(chunks[i], GifFrames(labels, palette))
            with lock:
                progress(sum(len(c) for c in done if c is not None), len(steps))

    with ThreadPoolExecutor(FRAME_THREADS, thread_name_prefix="gif-frame") as threads:
        lanes = [threads.submit(lane, i % 2 == 0) for i in range(FRAME_THREADS)]
        for lane_done in lanes:
            lane_done.result()
    durations = [10 * round(100 / speed)] * len(steps)  # GIF counts time in 10 ms steps
    durations[-1] += HOLD_LAST_MS
    return gif.assemble(done, palette, durations)


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
