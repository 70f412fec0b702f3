"""What every demo's view model shares: the Demo a page shows, number formats, run caches.

A page calls its view model's functions and shows what they return: no maths and
no drawing happen in the pages. The caches live here and in the demo modules,
one per thing, each bounded (no ``st.cache_data`` layer on top):

* the data set / problem: ``fit._problem`` (8 data sets), ``symbolic._compiled`` (32 f's);
* the run: ``cache_by_name`` on ``fit._one_run``, ``fit._two_run`` and
  ``symbolic._symbolic_run``; a page's Demo (table, sentences) and its picture
  both read this one run object, and the Demo, cheap to build from it, is not cached;
* the picture: ``cache_by_name`` on each ``*_picture`` (one PNG per entry);
* the static figure layer: ``plotting.panels.static_pixels`` (8 layers of 3.3 MB).
"""

from __future__ import annotations

import functools
import inspect
import io
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd
from PIL import Image

from gd_app import runtime
from gd_app.plotting.frames import GifFrames, frames, gif_chunk
from gd_core.descent import StopReason, Trajectory
from gd_core.verdict import Outcome, Verdict

PICTURES = 32  # pictures kept per demo, one PNG each (at most about 0.5 MB at 2000 x 960)


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    help: str = ""


@dataclass(frozen=True)
class Picture:
    """A rendered figure (PNG bytes, ``width`` pixels wide) and its alt text.

    ``beside`` holds further panels of the same figure, each its own image: a page
    shows them in columns after this one, which stack on a narrow screen.
    """

    png: bytes
    alt: str
    width: int
    beside: tuple[Picture, ...] = ()

    @classmethod
    def of_panels(cls, panels, alts) -> Picture:
        """One picture from (png, width) panels and their alt texts, left to right."""
        first, *rest = (cls(png=p[0], alt=a, width=p[1]) for p, a in zip(panels, alts, strict=True))
        return replace(first, beside=tuple(rest))

    @property
    def panels(self) -> tuple[Picture, ...]:
        return (replace(self, beside=()), *self.beside)

    def whole_png(self) -> bytes:
        """Every panel side by side in one PNG (an animation's frame), tops aligned."""
        if not self.beside:
            return self.png
        buffer = io.BytesIO()
        self.whole_image().save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    def whole_image(self) -> Image.Image:
        """Every panel side by side, tops aligned, as an RGB image."""
        images = [Image.open(io.BytesIO(p.png)).convert("RGB") for p in self.panels]
        height = max(image.height for image in images)
        canvas = Image.new(
            "RGB", (sum(i.width for i in images), height), images[0].getpixel((0, 0))
        )
        left = 0
        for image in images:
            canvas.paste(image, (left, 0))
            left += image.width
        return canvas


@dataclass(frozen=True)
class Suggestion:
    """Something to try, as a link that sets every value it needs on ``page``."""

    label: str  # the link's text: what it sets
    why: str  # what the student will see
    page: str  # the page's script, e.g. "pages/two_parameters.py"
    values: tuple[tuple[str, str], ...]  # (key, value as a link spells it)


@dataclass(frozen=True)
class Demo:
    """What a page shows beside the figure: table, metrics and the sentences that explain them."""

    table: pd.DataFrame
    metrics: tuple[Metric, ...]
    verdict: str  # what happened, for a student
    tone: str  # success | warning | error: how the verdict is shown
    stop: str  # why the run stopped
    fault: bool  # the run ended in a numerical fault
    why: tuple[str, ...] = ()  # the key reason and the numbers behind the verdict
    outcome: Outcome | None = None  # the verdict engine's outcome of the whole run
    key_reason: str = ""  # one plain sentence why
    alpha_note: str = ""  # learning-rate limits, shown under the α slider
    notes: tuple[str, ...] = ()
    latex: tuple[str, ...] = ()  # f, f′, f″ (symbolic only), one LaTeX line each
    details: tuple[tuple[str, str], ...] = ()  # (title, full text) shown on request
    rows_allowed: int = 0  # iterates the settings allow, when a run may stop before them


def fmt(value: float) -> str:
    """Six significant digits, four when an exponent is needed (so a metric fits its column)."""
    value = float(value) + 0.0  # no "-0"
    return f"{value:.4g}" if value and not 1e-4 <= abs(value) < 1e6 else f"{value:.6g}"


def cache_by_name(*, maxsize: int):
    """``lru_cache`` for keyword-only functions, keyed in signature order, defaults filled in.

    Plain ``lru_cache`` keys keyword arguments in call order, so a page's table
    (called by name) and its picture (called with ``**params`` in the controls'
    order) would miss each other and run the same descent twice. A function that
    takes ``**params`` is keyed by those sorted by name. Process-wide and shared by
    every session; the caller states the bound in entries and what one entry holds.
    """

    def decorate(function):
        signature = inspect.signature(function)
        names = list(signature.parameters)
        extra = next(
            (p.name for p in signature.parameters.values() if p.kind is p.VAR_KEYWORD), None
        )

        def unkey(*values):
            kwargs = dict(zip(names, values, strict=True))
            if extra is not None:
                kwargs.update(kwargs.pop(extra))  # the sorted (name, value) pairs
            return function(**kwargs)

        by_position = lru_cache(maxsize=maxsize)(unkey)

        @functools.wraps(function)
        def call(**kwargs):
            bound = signature.bind(**kwargs)
            bound.apply_defaults()
            values = {name: hashable(value) for name, value in bound.arguments.items()}
            if extra is not None:
                values[extra] = tuple(sorted(values.get(extra, {}).items()))
            return by_position(*values.values())

        call.cache_info = by_position.cache_info
        call.cache_clear = by_position.cache_clear
        return call

    return decorate


def verdict_fields(verdict: Verdict, trajectory: Trajectory, *theory: str) -> dict:
    """A Demo's verdict fields: the one plain sentence, its tone, and why (the key reason,
    the numbers behind it, and any ``theory`` lines)."""
    return dict(
        verdict=verdict.headline,
        tone=verdict.tone,
        why=tuple(
            line
            for line in (verdict.key_reason, *theory, *verdict.details)
            if line and line not in verdict.headline
        ),
        outcome=verdict.outcome,
        key_reason=verdict.key_reason,
        stop=trajectory.message,
        fault=trajectory.reason is StopReason.FAULT,
    )


def highlighted_row(step: int, trajectory: Trajectory) -> int:
    return min(max(int(step), 0), len(trajectory.values) - 1)


def animation_frames(
    trajectory: Trajectory,
    job: tuple,
    steps,
    *,
    theme: str,
    width: int,
    full_width: int,
    encoding: GifFrames | None = None,
):
    """A page's animation frames: its picture revealed up to each of ``steps``, drawn by
    ``job`` = (frames function, *its arguments; see :func:`gd_app.plotting.frames.frames`)
    ``width`` pixels wide, past the shared picture cache, in a drawing worker. As RGB
    arrays; given ``encoding``, as one chunk of a GIF."""
    highlights = [highlighted_row(step, trajectory) for step in steps]
    size = dict(theme=theme, width=width, full_width=full_width)
    if encoding is None:
        return runtime.draw(frames, job[0], job[1:], highlights, **size)
    return runtime.draw(gif_chunk, job[0], job[1:], highlights, encoding=encoding, **size)


def hashable(value):
    """A multiselect's list as a tuple, so it can key a cache; ``**params`` likewise."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return {name: hashable(item) for name, item in value.items()}
    return value
