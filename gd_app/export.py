"""The "Download" section of every demo page: CSV, PNG, SVG, GIF and a Python script.

Each page's demo module supplies these hooks:
``history_csv(**params)``, ``script(**params)``, ``figure(*, step, theme, **params)``
(the one-figure route, drawn at 300 dpi for PNG and as vectors for SVG), and its
picture function (the fast route, for GIF frames). Nothing is computed until a
visitor asks: the CSV, PNG, SVG and script are made when their button is clicked,
the GIF when "Build animation" is.
"""

from __future__ import annotations

import functools
import importlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from gd_app import animation, runtime
from gd_app.controls import SPEED
from gd_app.demos.common import hashable
from gd_app.plotting.common import apply_theme

PNG_DPI = 300


@dataclass(frozen=True)
class Hooks:
    figure: Callable  # figure(*, step, theme, **params) -> matplotlib Figure
    picture: Callable  # picture(*, step, theme, **params) -> Picture (the screen's PNG)
    history_csv: Callable  # history_csv(**params) -> str
    script: Callable  # script(**params) -> str
    keys: tuple[str, ...]  # the settings a file name carries


# Each page's hooks as "module:function": figure, picture, history_csv, script; then the
# settings its file names carry. A page not listed here gets no Download section.
PAGES = {
    "one_parameter": (
        "gd_app.demos.fit_export:one_parameter_figure",
        "gd_app.demos:one_parameter_picture",
        "gd_app.demos.fit_export:one_parameter_csv",
        "gd_app.demos.fit_export:one_parameter_script",
        ("alpha", "N", "theta1"),
    ),
    "two_parameters": (
        "gd_app.demos.fit_export:two_parameters_figure",
        "gd_app.demos:two_parameters_picture",
        "gd_app.demos.fit_export:two_parameters_csv",
        "gd_app.demos.fit_export:two_parameters_script",
        ("alpha", "N", "theta0_start", "theta1_start"),
    ),
    "symbolic": (
        "gd_app.demos.symbolic:figure",
        "gd_app.demos:symbolic_picture",
        "gd_app.demos.symbolic:history_csv",
        "gd_app.demos.symbolic:script",
        ("f", "x0", "alpha"),
    ),
    "optimizers": (
        "gd_app.demos.optimizers:figure",
        "gd_app.demos.optimizers:optimizers_picture",
        "gd_app.demos.optimizers:history_csv",
        "gd_app.demos.optimizers:script",
        ("f", "x0", "y0", "N"),
    ),
}


@functools.cache
def hooks(page: str) -> Hooks | None:
    """The export hooks of ``page``, or None for a page without downloads."""
    if page not in PAGES:
        return None
    *names, keys = PAGES[page]
    return Hooks(*(_resolve(name) for name in names), keys)


def _resolve(name: str) -> Callable:
    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)


# ---------------------------------------------------------------- files
def file_stem(page: str, params: dict, keys: tuple[str, ...], theme: str = "light") -> str:
    """``page_key=value_…``: the page and its key settings, safe on every file system."""
    parts = [page, *(f"{key}={_short(params[key])}" for key in keys if key in params)]
    if theme != "light":
        parts.append(theme)
    return "_".join(parts)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value).replace(" ", "").replace("**", "^")
    return re.sub(r"[^A-Za-z0-9.+\-^()]", "_", text)[:40]


def figure_file(hook: Hooks, fmt: str, *, step: int, theme: str, params: dict) -> bytes:
    """The one-figure route as PNG (PNG_DPI) or SVG, with the figure's own colours."""
    hook.picture(step=step, theme=theme, **params)  # the run, computed (and cached) unlocked
    with runtime.LOCK:  # matplotlib in the server: one drawing at a time
        # The hook draws in ``theme``; recolouring again is a no-op, and covers a hook
        # that does not (yet) draw themes itself.
        fig = apply_theme(hook.figure(step=step, theme=theme, **params), theme)
        buffer = io.BytesIO()
        options = {"dpi": PNG_DPI} if fmt == "png" else {"metadata": {"Date": None}}
        fig.savefig(buffer, format=fmt, facecolor=fig.get_facecolor(), **options)
    return buffer.getvalue()


# ---------------------------------------------------------------- the section
def download_section(
    page: str, params: dict, theme: str, *, rows: int, shown_step: Callable[[], int]
) -> None:
    """Buttons for the history, the figure at the iterate on screen, the script and the GIF.

    ``shown_step()`` is read when a figure button is clicked, so the file shows
    the iterate on screen then, even if play or the scrubber moved it since.
    """
    hook = hooks(page)
    if hook is None:
        return
    st.header("Download", anchor=False)  # h2: an h3 straight after the h1 skips a level
    st.markdown(  # body colour: st.caption's grey fails WCAG AA contrast here (3.9:1)
        ":small[The history with every column at full precision; the figure as on screen, at "
        "the highlighted iterate; the run as a Python script that prints the same history; "
        "or the whole run as an animation.]"
    )
    stem = file_stem(page, params, hook.keys)
    themed = file_stem(page, params, hook.keys, theme)
    csv, png, svg, script, gif = st.columns(5)
    csv.download_button(
        "History (CSV)",
        data=lambda: hook.history_csv(**params),
        file_name=f"{stem}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table:",
        width="stretch",
    )
    for column, fmt, label, mime in (
        (png, "png", f"Figure (PNG, {PNG_DPI} dpi)", "image/png"),
        (svg, "svg", "Figure (SVG)", "image/svg+xml"),
    ):
        column.download_button(
            label,
            data=lambda fmt=fmt: figure_file(
                hook, fmt, step=shown_step(), theme=theme, params=params
            ),
            file_name=f"{themed}.{fmt}",
            mime=mime,
            on_click="ignore",
            icon=":material/image:",
            width="stretch",
        )
    script.download_button(
        "Python script",
        data=lambda: hook.script(**params),
        file_name=f"{stem}.py",
        mime="text/x-python",
        on_click="ignore",
        icon=":material/code:",
        help="Run it with `python` (numpy; sympy too for f(x)): it prints the history as CSV.",
        width="stretch",
    )
    with gif:
        animation_panel(page, hook, params, theme, rows, f"{themed}.gif")


def animation_panel(
    page: str, hook: Hooks, params: dict, theme: str, rows: int, file_name: str
) -> None:
    """ "Build animation", then its progress, then "Animation (GIF)" to download it.

    One build per session at a time. While it runs, this panel (a fragment)
    checks on it twice a second; otherwise it does not tick at all.
    """
    speed = int(st.session_state.get(SPEED.key, SPEED.default))
    key = (page, tuple(sorted(hashable(params).items())), theme, speed)
    mine: animation.Build | None = st.session_state.get("_gif_build")
    ticking = mine is not None and mine.running

    @st.fragment(run_every=0.5 if ticking else None)
    def panel() -> None:
        build: animation.Build | None = st.session_state.get("_gif_build")
        if ticking and not build.running:
            st.rerun(scope="app")  # done: stop checking, offer the file
        gif = animation.cached_gif(key)
        if build is not None and build.running:
            text = f"Building frame {build.done} of {build.total}…"
            if build.key != key:
                text = f"Still building your other animation: frame {build.done} of {build.total}…"
            st.progress(build.done / max(build.total, 1), text=text)
            return
        if build is not None and build.key == key and build.error:
            st.error(f"The animation could not be built ({build.error}).")
        if gif is not None:
            st.download_button(
                "Animation (GIF)",
                data=lambda: gif,
                file_name=file_name,
                mime="image/gif",
                on_click="ignore",
                icon=":material/animated_images:",
                width="stretch",
            )
            return
        frames = len(animation.frame_steps(rows))
        if st.button(
            "Build animation",
            icon=":material/movie:",
            help=f"A GIF of {frames} frames, one per iterate"
            + (" (evenly thinned)" if frames < rows else "")
            + f", at {speed} frames per second.",
            width="stretch",
        ):
            st.session_state["_gif_build"] = animation.start(
                key, lambda progress: _make_gif(page, params, theme, speed, rows, progress), frames
            )
            st.rerun(scope="app")  # start checking on it

    panel()


# Each page's GIF frames (see gd_app.plotting.frames): the picture drawn up to each iterate.
FRAMES = {
    "one_parameter": "gd_app.demos.fit_one:one_parameter_frames",
    "two_parameters": "gd_app.demos.fit_two:two_parameters_frames",
    "symbolic": "gd_app.demos.symbolic:symbolic_frames",
    "optimizers": "gd_app.demos.optimizers:optimizers_frames",
}


def _make_gif(page: str, params: dict, theme: str, speed: int, rows: int, progress) -> bytes:
    # The GIF's own path: its frames are drawn past the shared picture cache (a GIF's
    # frames would evict every visitor's pictures), at the GIF's size, in the drawing
    # workers, which also encode them; the run comes from its cache. Each frame draws the
    # run only up to its own iterate: the GIF reveals, like play. A picture of several
    # panels becomes one frame, its panels side by side.
    frames = _resolve(FRAMES[page])
    screen = hooks(page).picture(step=rows - 1, theme=theme, **params)  # the page's own (cached)
    full_width = sum(panel.width for panel in screen.panels)
    return animation.build_gif(
        lambda steps, encoding: frames(
            steps,
            theme=theme,
            width=animation.GIF_WIDTH,
            full_width=full_width,
            encoding=encoding,
            **params,
        ),
        rows,
        palette=animation.palette(screen.whole_image(), rows, theme),
        speed=speed,
        progress=progress,
    )
