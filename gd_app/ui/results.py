"""What a demo page shows of its run: figure and player, verdicts, suggestions, metrics,
the history table, downloads, refusals and formulas."""

from __future__ import annotations

import html
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from gd_app import export, outcomes, play, predict, teacher
from gd_app.controls import SPEED, Control
from gd_app.demos.common import Demo, Picture, Suggestion
from gd_app.plotting.common import THEMES
from gd_app.tables import key_first
from gd_app.text import escape_markdown
from gd_app.ui.links import _report_refused_link_values
from gd_app.ui.widgets import Sidebar, step_slider


def show_results(
    demo: Demo,
    draw,
    controls: Sidebar,
    column_config: dict,
    page: str,
    suggestions: tuple[Suggestion, ...] = (),
    place=None,
) -> None:
    """The part every demo page shares: verdicts, scrubber and play with the figure,
    metrics, history table, downloads.

    ``draw`` is the demo's picture function; it is called with the controls'
    values, the scrubber's ``step`` and the theme (cached, except while playing).

    ``place`` (a container higher up the page) takes the figure, the verdicts and the
    suggestions, so that they come right after the controls that move them.

    In prediction mode, until the question is answered, only the player (drawing
    nothing past the iterate shown) and the table's row 0 are shown; the rest of
    the page script is not run (see :mod:`gd_app.predict`).
    """
    head = place if place is not None else st.container()
    tail = st.container()
    if controls.controls:  # the predict toggle and the class panel, after everything else
        teacher.class_controls(page, controls.controls, controls.values, where=st.container())
    with head:
        if predicting(page, controls.values):
            show_player(
                len(demo.table),
                draw,
                controls.values,
                page,
                demo.table,
                column_config,
                True,
                span=demo.rows_allowed,
            )
            # Row 0 without the learning-rate limit at the start: α_crit is hidden until the
            # answer (a limit below the α chosen would tell the run bounces or diverges).
            first = demo.table.iloc[:1]
            show_table(first.drop(columns=[c for c in LIMITS if c in first]), column_config)
            st.stop()
        if demo.alpha_note and controls.alpha_note is not None:
            # Small text in the body colour: st.caption's grey on the sidebar's grey
            # fails WCAG AA contrast (3.8:1, axe-core's color-contrast rule).
            note = " · ".join(filter(None, (controls.alpha_help, demo.alpha_note)))
            controls.alpha_note.markdown(f":small[{escape_markdown(note)}]")
        # The figure right under the controls that move it (on a phone too), then why.
        show_player(len(demo.table), draw, controls.values, page, demo.table, column_config)
        show_verdicts(demo)
        show_suggestions(suggestions)
    with tail:
        show_metrics(demo)
        show_table(demo.table, column_config)
        show_downloads(page, controls.values, rows=len(demo.table))


LIMITS = ("alpha_crit",)  # table columns that are learning-rate limits


def show_player(
    rows: int,
    draw,
    params: dict,
    page: str,
    table: pd.DataFrame | None = None,
    column_config: dict | None = None,
    hide_outcome: bool = False,
    span: int | None = None,
) -> None:
    """Scrubber, ▶/⏸ and step buttons, the figure, and (given ``table``) the marked row.

    ``hide_outcome``: prediction mode before the answer; nothing past the iterate shown.
    ``span``: the iterates the settings allow, when a run may stop before them; the
    scrubber then spans them all (in prediction mode its length must not tell the end).

    For any page with a ``step`` scrubber: see :mod:`gd_app.play`.
    """
    raw_speed = st.query_params.get(SPEED.key)
    play.player(
        rows=rows,
        table=table,
        draw=getattr(draw, "__wrapped__", draw),  # frames while playing skip the cache
        cached_draw=draw,
        params=params,
        column_config=column_config or {},
        page=page,
        theme=current_theme(),
        step_slider=step_slider,
        show_picture=show_picture,
        predicting=hide_outcome,
        span=span if hide_outcome else None,
    )
    speed = st.session_state.get(SPEED.key, SPEED.default)
    _report_refused_link_values(page, "speed", [(SPEED, raw_speed, speed)])


def predicting(page: str, values: dict, kind: str = "outcome") -> bool:
    """In prediction mode, ask about this run (or reveal the answer): True until answered."""
    if not st.session_state.get(teacher.PREDICT_ON):
        return False
    return predict.ask(page, values, outcomes.question(page, values, kind)) is None


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
    """The verdict's one plain sentence in its tone, the numbers behind it under "Why?"."""
    show, icon = {
        "success": (st.success, ":material/check_circle:"),
        "warning": (st.warning, ":material/warning:"),
        "error": (st.error, ":material/error:"),
    }[demo.tone]
    show(escape_markdown(demo.verdict), icon=icon)
    if demo.why:
        with st.expander("Why? The numbers behind it"):
            st.markdown("\n".join(f"- {escape_markdown(line)}" for line in demo.why))
    for note in demo.notes:
        st.caption(escape_markdown(note))


def show_suggestions(suggestions) -> None:
    """Each "try …" as a link that sets every value it needs, and what it will show."""
    if not suggestions:
        return
    st.markdown("**Try**")
    for suggestion in suggestions:
        # A plain link, opened as a new visit: every value comes from it (an in-app
        # page link to the page on screen would keep this session's other settings).
        st.markdown(
            f'<a href="{html.escape(suggestion_url(suggestion))}" target="_self">'
            f"{html.escape(suggestion.label)}</a>: {escape_markdown(suggestion.why)}",
            unsafe_allow_html=True,
        )


def suggestion_url(suggestion: Suggestion) -> str:
    """The suggestion as a link relative to this page: ``page_name?key=value&…``."""
    path = suggestion.page.removeprefix("pages/").removesuffix(".py")
    return f"{path}?{urlencode(suggestion.values)}"


METRICS_PER_ROW = 4  # more side by side would cut numbers such as 0.000173944 short


def show_metrics(demo: Demo) -> None:
    width = min(len(demo.metrics), METRICS_PER_ROW)
    for start in range(0, len(demo.metrics), width):
        row = demo.metrics[start : start + width]
        for column, metric in zip(st.columns(width), row, strict=False):
            column.metric(metric.label, metric.value, help=metric.help or None)


def show_picture(picture: Picture) -> None:
    """The figure's panels, each its own image in a column: side by side on a wide
    screen, one under the other below Streamlit's column breakpoint (a phone)."""
    panels = picture.panels
    places = st.columns(len(panels), gap="small") if len(panels) > 1 else [st.container()]
    for place, panel in zip(places, panels, strict=True):
        # PNG at its own width: Streamlit then sends our bytes as they are, instead
        # of decoding, shrinking and re-encoding them as JPEG on every rerun; the
        # browser fits the image to the column.
        place.image(panel.png, alt=panel.alt, width=panel.width, output_format="PNG")


def show_table(table: pd.DataFrame, column_config: dict) -> None:
    """The whole history; formats come from ``column_config``, the key columns first
    (:func:`gd_app.tables.key_first`), so a phone shows them without scrolling.

    It does not change with the scrubber, so play never sends it again: the
    highlighted iterate's row is shown under the figure instead.
    """
    st.dataframe(
        table,
        column_config=column_config,
        column_order=key_first(table.columns),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(table), 420),
    )


def number(label: str, fmt: str, help: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format=fmt, help=help)


def class_controls(page: str, controls: tuple[Control, ...], values: dict) -> bool:
    """The ``predict`` toggle and the "Share with a class" panel (see :mod:`gd_app.teacher`)."""
    return teacher.class_controls(page, controls, values)


def show_refusal(message: str, icon: str = ":material/block:") -> None:
    """An expected failure (refused formula, start outside the domain, over budget): say it, stop."""
    st.error(escape_markdown(message), icon=icon)
    st.stop()


def show_formulas(demo: Demo) -> None:
    """Each formula on its own line; a shortened one is shown whole, wrapped, on request."""
    for line in demo.latex:
        st.latex(line)
    for title, text in demo.details:
        with st.expander(title):
            st.code(text, language=None, wrap_lines=True)
