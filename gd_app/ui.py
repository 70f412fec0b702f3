"""Streamlit pieces the three pages share: bound controls, link checks, the result block."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from gd_app import export, play
from gd_app.controls import MAX_FORMULA, SPEED, STEP, Control
from gd_app.demos.common import Demo, Picture
from gd_app.plotting.common import THEMES

CACHE_ENTRIES = 32  # per cached function; each entry is a table or one PNG (~0.2–0.5 MB)


def escape_markdown(text: str) -> str:
    """Text shown in st.error/st.warning/…, read literally: no markdown, LaTeX, icon codes
    (``:material/…:``) or line structure from whatever a visitor put in it."""
    one_line = " ".join(text.split())
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|$<>~:=])", r"\\\1", one_line)


def run_through_navigation() -> None:
    """Make a deep link opened first after the server starts go through streamlit_app.py.

    A folder named ``pages/`` beside the entry point puts Streamlit in its old
    multipage mode until some session runs ``st.navigation``: the first visitor
    of a shared link like ``/two_parameters?alpha=0.3`` would get this page
    alone, without the app's navigation or page config. Leaving that mode and
    rerunning sends the session through the entry point to this same page (both
    modes key a page by its URL path). Streamlit issue #9624 is about this.

    ``PagesManager.uses_pages_directory`` is Streamlit-internal (checked against
    the pinned 1.67.0); tests/test_e2e.py opens a deep link as the first visit
    to guard it. Renaming pages/ would avoid it, but the project's layout fixes
    that name.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def cached(function):
    """``st.cache_data`` with a bound size, shared by every session."""
    return st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)(function)


def _widget(control: Control):
    common = dict(key=control.key, help=control.help or None, bind="query-params")
    if control.kind == "text":
        return st.text_input(control.label, control.default, max_chars=MAX_FORMULA, **common)
    if control.kind == "number":
        return st.number_input(
            control.label,
            control.low,
            control.high,
            control.default,
            control.step,
            format=control.format,
            **common,
        )
    return st.slider(
        control.label, control.low, control.high, control.default, control.step, **common
    )


@dataclass(frozen=True)
class Sidebar:
    """The controls' values by key, and the empty slot under the learning-rate slider."""

    values: dict
    alpha_note: Any


def sidebar(controls: tuple[Control, ...], page: str) -> Sidebar:
    """One bound widget per control; a link's values the widgets refused are reported once.

    Under the learning-rate slider it leaves a slot that :func:`show_results`
    fills with the run's learning-rate limits, once they are known.
    """
    raw = {c.key: st.query_params.get(c.key) for c in controls}
    values, alpha_note = {}, None
    with st.sidebar:
        for control in controls:
            values[control.key] = _widget(control)
            if control.key == "alpha":
                alpha_note = st.empty()
    _report_refused_link_values(
        page, "controls", [(c, raw[c.key], values[c.key]) for c in controls]
    )
    return Sidebar(values, alpha_note)


def _report_refused_link_values(page: str, part: str, checks: list) -> None:
    """On a session's first run of ``page``, warn about each (control, raw, used) it refused."""
    flag = f"_link_checked_{page}_{part}"
    if flag in st.session_state:
        return
    st.session_state[flag] = True
    for control, raw, used in checks:
        message = refused_link_value(control, raw, used)
        if message:
            st.warning(escape_markdown(message), icon=":material/link:")


def refused_link_value(control: Control, raw: str | None, used) -> str | None:
    """Streamlit drops or trims link values a widget can't take; say so instead of silently."""
    if raw is None:
        return None
    shown = raw if len(raw) <= 40 else f"{raw[:37]}… ({len(raw):,} characters)"
    if control.kind == "text":
        if raw == used:
            return None
        return (
            f"The link's {control.key} is {len(raw):,} characters long; at most "
            f"{MAX_FORMULA} are allowed, so only the first {MAX_FORMULA} were kept."
        )
    try:
        number = float(raw)
        accepted = math.isclose(number, float(used), rel_tol=1e-9, abs_tol=1e-12)
    except ValueError:
        accepted = False
    if accepted:
        return None
    return (
        f"The link sets {control.key}={shown}, which is not allowed "
        f"({control.low:g} to {control.high:g}); using {control.key} = {used:g} instead."
    )


def step_slider(rows: int, page: str, *, disabled: bool = False) -> int:
    """The scrubber ``step``: one iterate, 0 … rows − 1, marked in figure and table."""
    last = rows - 1
    if last < 1:
        return 0
    raw = st.query_params.get(STEP.key)
    if st.session_state.get(STEP.key, 0) > last:
        # N went below the highlighted iterate (a slider handed a value above its
        # maximum raises). Back to the default, iterate 0: the link drops step
        # then, so link and page agree; Streamlit would not write a clamped
        # value back into the link.
        st.session_state[STEP.key] = STEP.default
    with st.sidebar:
        # No explicit value: it starts at min_value (0, the default) and so stays
        # free to be set through session state above without a warning.
        step = st.slider(
            STEP.label,
            0,
            last,
            key=STEP.key,
            help=STEP.help,
            bind="query-params",
            disabled=disabled,  # while playing: see gd_app/play.py
        )
    _report_refused_link_values(page, "step", [(replace(STEP, high=last), raw, step)])
    return step


def show_results(demo: Demo, draw, controls: Sidebar, column_config: dict, page: str) -> None:
    """The part every demo page shares: verdicts, scrubber and play with the figure,
    metrics, history table, downloads.

    ``draw`` is the demo's picture function; it is called with the controls'
    values, the scrubber's ``step`` and the theme (cached, except while playing).
    """
    if demo.alpha_note and controls.alpha_note is not None:
        controls.alpha_note.caption(escape_markdown(demo.alpha_note))
    show_verdicts(demo)
    show_player(len(demo.table), draw, controls.values, page, demo.table, column_config)
    show_metrics(demo)
    show_table(demo.table, column_config)
    show_downloads(page, controls.values, rows=len(demo.table))


def show_player(
    rows: int,
    draw,
    params: dict,
    page: str,
    table: pd.DataFrame | None = None,
    column_config: dict | None = None,
) -> None:
    """Scrubber, ▶/⏸ and step buttons, the figure, and (given ``table``) the marked row.

    For any page with a ``step`` scrubber: see :mod:`gd_app.play`.
    """
    raw_speed = st.query_params.get(SPEED.key)
    play.player(
        rows=rows,
        table=table,
        draw=draw,
        cached_draw=cached(draw),
        params=params,
        column_config=column_config or {},
        page=page,
        theme=current_theme(),
        step_slider=step_slider,
        show_picture=show_picture,
    )
    speed = st.session_state.get(SPEED.key, SPEED.default)
    _report_refused_link_values(page, "speed", [(SPEED, raw_speed, speed)])


def show_downloads(page: str, params: dict, *, rows: int) -> None:
    """The "Download" section (see :mod:`gd_app.export`), the figure at the iterate on screen."""
    playback = play.playback(page)
    export.download_section(
        page, params, current_theme(), rows=rows, shown_step=lambda: playback.shown or 0
    )


def current_theme() -> str:
    """The browser's Streamlit theme, "light" or "dark" (light until the browser has said)."""
    kind = st.context.theme.type
    return kind if kind in THEMES else "light"


def show_verdicts(demo: Demo) -> None:
    if demo.rates:
        st.info(escape_markdown(demo.rates), icon=":material/straighten:")
    show, icon = {
        "success": (st.success, ":material/check_circle:"),
        "warning": (st.warning, ":material/warning:"),
        "error": (st.error, ":material/error:"),
    }[demo.tone]
    show(escape_markdown(demo.verdict), icon=icon)
    for note in demo.notes:
        st.caption(escape_markdown(note))


def show_metrics(demo: Demo) -> None:
    for column, metric in zip(st.columns(len(demo.metrics)), demo.metrics, strict=True):
        column.metric(metric.label, metric.value, help=metric.help or None)


def show_picture(picture: Picture) -> None:
    # PNG at its own width: Streamlit then sends our bytes as they are, instead
    # of decoding, shrinking and re-encoding them as JPEG on every rerun; the
    # browser fits the image to the column.
    st.image(picture.png, alt=picture.alt, width=picture.width, output_format="PNG")


def show_table(table: pd.DataFrame, column_config: dict) -> None:
    """The whole history; formats come from ``column_config``.

    It does not change with the scrubber, so play never sends it again: the
    highlighted iterate's row is shown under the figure instead.
    """
    st.dataframe(
        table,
        column_config=column_config,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(table), 420),
    )


def number(label: str, fmt: str, help: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format=fmt, help=help)


def verdict_columns(ratio_help: str) -> dict:
    return {
        "iteration": number("k", "%d", "Iteration number; 0 is the start."),
        "ratio": number("ratio", "%.4f", f"{ratio_help} None on row 0: nothing came before."),
        "status": st.column_config.TextColumn("status", help="How the step into this row went."),
    }
