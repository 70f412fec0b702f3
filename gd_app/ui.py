"""Streamlit pieces the three pages share: bound controls, link checks, the result block."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from gd_app import export, outcomes, play, predict, teacher
from gd_app.controls import MAX_FORMULA, SPEED, STEP, Control
from gd_app.demos.common import Demo, Picture, Suggestion
from gd_app.plotting.common import THEMES
from gd_app.tables import key_first
from gd_app.text import decade, escape_markdown, spelling  # noqa: F401 - pages use ui.escape_markdown


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


def nearest_option(control: Control, raw: str | None):
    """The allowed value nearest (in decades) to a link's number, or None if it is no number."""
    try:
        number = float(raw)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(number) and number > 0):
        return None
    return min(control.options, key=lambda v: abs(math.log10(v) - math.log10(number)))


def widget(control: Control, options: tuple = (), on_change=None, *, help: bool = True):
    """The one bound widget builder, for a control of any kind (text, select, choice,
    multiselect, toggle, number, slider). ``options`` replace the control's own for a
    choice or multiselect made at run time. A control a teacher's link hides is not shown:
    its value comes from the link. Without ``help`` its help text is not put behind an
    icon (the page writes it out instead). Call it inside ``with st.sidebar`` (or an
    expander there), or in the page.
    """
    if teacher.is_hidden(control.key):  # a teacher's link: not shown, its value applies
        return teacher.hidden_value(control, options)
    options = tuple(options) or tuple(control.options)
    common = dict(
        key=control.key,
        help=(help and control.help) or None,
        bind="query-params",
        on_change=on_change,
        disabled=teacher.is_locked(control.key),  # a teacher's link: shown, can't be moved
    )
    if control.kind == "text":
        return st.text_input(control.label, control.default, max_chars=MAX_FORMULA, **common)
    if control.kind == "select":  # the link carries the value as the slider spells it
        return st.select_slider(
            control.label, options, control.default, format_func=spelling(control), **common
        )
    if control.kind == "choice":
        return st.selectbox(control.label, options, options.index(control.default), **common)
    if control.kind == "multiselect":
        return st.multiselect(control.label, options, default=list(control.default), **common)
    if control.kind == "toggle":
        return st.toggle(control.label, bool(control.default), **common)
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
    """The controls' values by key, and the empty slot under the learning-rate slider
    (with the slider's help, when that is written there instead of behind an icon)."""

    values: dict
    alpha_note: Any
    alpha_help: str = ""
    controls: tuple[Control, ...] = ()  # set when the class controls go at the page's end

    def with_values(self, values: dict) -> Sidebar:
        return replace(self, values=values)


MORE_SETTINGS = "More settings"
MOVED_MOST = ("alpha", "N")  # the fit pages' controls in the page, above the figure


# A phone's highlighted row wraps instead of scrolling sideways (a scrolling box no
# key can reach). And two fixes for keyboard users, on every page. A collapsed sidebar (a phone's
# closed drawer) is moved off screen but stays in the Tab order, so focus would
# vanish into it: hidden, it is skipped. And every focused control gets a solid
# blue ring (3:1 or more on the light and the dark theme), whatever Streamlit's own
# styles do; a slider's thumb carries the focus for its hidden input (data-focus-visible).
APP_STYLE = """<style>
section[data-testid="stSidebar"][data-collapsed="true"] { visibility: hidden; }
@media (max-width: 640px) {  /* the highlighted row under the figure wraps, never scrolls */
  [data-testid="stTable"] th, [data-testid="stTable"] td {
    white-space: normal; overflow-wrap: anywhere; padding: 0.2rem 0.15rem; font-size: 0.8rem;
  }
}
:focus-visible, [data-rac][data-focus-visible="true"] {
  outline: 3px solid #0072B2 !important; outline-offset: 2px;
}
</style>"""


def app_style() -> None:
    """The app's few style rules (:data:`APP_STYLE`); the entry point calls it once per run."""
    st.html(APP_STYLE)


def sidebar(
    controls: tuple[Control, ...],
    page: str,
    *,
    main: tuple[str, ...] = (),
    check=None,
    place=None,
) -> Sidebar:
    """One bound widget per control; a link's values the widgets refused are reported once.

    The controls named in ``main`` (the ones a student moves most) go in the page,
    above the figure, in that order: on a phone the sidebar is a drawer that would
    cover the figure, and with the keyboard they come right after the page links.
    The others follow them, folded under :data:`MORE_SETTINGS` (one Tab stop until
    opened). Without ``main`` every control is in the sidebar. Under the learning-rate
    slider it leaves a slot that
    :func:`show_results` fills with the run's learning-rate limits, once they are known.

    ``place`` (a container higher up the page) takes the ``main`` controls, so a page
    can show something between them and the rest (the fit pages' data section).
    ``check(values)`` returns the values with combinations no widget can refuse
    replaced (x_low ≥ x_high), and why. Replaced values are put in their widgets,
    and so in the link, by one more run, and the reasons shown then.
    """
    replaced, reasons = st.session_state.pop(f"_replaced_{page}", ({}, ()))
    for key, value in replaced.items():
        # Set again before its widget, on a run after the one that refused the value:
        # Streamlit then writes it into the link too.
        st.session_state[key] = value
    for icon, reason in reasons:
        st.warning(escape_markdown(reason), icon=icon)
    raw = {c.key: st.query_params.get(c.key) for c in controls}
    snapped = _snap_select_values_from_link(page, controls, raw)
    values, alpha_note, alpha_help = {}, None, ""
    shown = [c for c in controls if not teacher.is_hidden(c.key)]
    for control in controls:
        if teacher.is_hidden(control.key):  # a teacher's link: not shown, its value applies
            values[control.key] = teacher.hidden_value(control)
    first = sorted((c for c in shown if c.key in main), key=lambda c: main.index(c.key))
    rest = [c for c in shown if c.key not in main]
    if main:
        with place or st.container():
            if first:
                for column, control in zip(st.columns(len(first)), first, strict=True):
                    with column:
                        # α's help is written under it, not behind a help icon: one Tab
                        # stop less before it, and read on a phone without a tooltip.
                        quiet = control.key == "alpha"
                        values[control.key] = widget(control, help=not quiet)
                        if quiet:
                            alpha_note, alpha_help = st.empty(), control.help
                            alpha_note.markdown(f":small[{escape_markdown(alpha_help)}]")
        if rest:
            with st.expander(MORE_SETTINGS):
                for control in rest:
                    values[control.key] = widget(control)
    else:
        with st.sidebar:
            for control in rest:
                values[control.key] = widget(control)
                if control.key == "alpha":
                    alpha_note = st.empty()
    values = {c.key: values[c.key] for c in controls}  # the controls' own order
    _replace(page, controls, raw, values, snapped, check)
    _rewrite_link(replaced, controls)
    if not main:
        teacher.class_controls(page, controls, values)
    # else show_results puts them at the end of the page: the sidebar then holds only
    # the page links, and nothing comes between α and the figure in the Tab order.
    _report_refused_link_values(
        page,
        "controls",
        [(c, raw[c.key], values[c.key]) for c in controls if c.key not in replaced],
    )
    return Sidebar(values, alpha_note, alpha_help, tuple(controls) if main else ())


def _replace(page: str, controls, raw: dict, values: dict, snapped: list[str], check) -> None:
    """Rerun once with refused values replaced, so that widgets and link show what is used.

    Two kinds: a link's number off a select slider's grid (``snapped``: it starts at
    the nearest allowed value, but Streamlit drops it from the link), and a
    combination ``check`` refuses. The messages naming both values come with the rerun.
    """
    replacing, reasons = {}, []
    for control in controls:
        if control.key in snapped:
            replacing[control.key] = values[control.key]
            message = refused_link_value(control, raw[control.key], values[control.key])
            reasons.append((":material/link:", message))
    if check is not None:
        checked, messages = check(values)
        replacing |= {k: v for k, v in checked.items() if k in values and v != values[k]}
        reasons += [(":material/block:", message) for message in messages]
    if replacing:
        st.session_state[f"_replaced_{page}"] = (replacing, tuple(r for r in reasons if r[1]))
        st.rerun()


def _rewrite_link(keys, controls) -> None:
    """Write the values now in the widgets ``keys`` into the page's link.

    Streamlit writes a bound widget's value into the link when the visitor moves
    it, but not when the app sets it on a run it started itself (st.rerun), and
    it refuses ``st.query_params[key] = …`` for a bound key. So this uses the
    binding's own writer, ``QueryParams.set_corrected_value`` (Streamlit-internal,
    checked against the pinned 1.67.0; tests/test_e2e_a11y.py guards it): the link
    then reopens what the page shows. A default value leaves the link, as
    Streamlit does itself.
    """
    if not keys:
        return
    from streamlit.runtime.state.session_state_proxy import get_session_state

    state = get_session_state()._state
    defaults = {c.key: c.default for c in controls}
    for key in keys:
        widget_id = state._key_id_mapper.get_id_from_key(key)
        metadata = state._new_widget_state.widget_metadata.get(widget_id)
        if metadata is None:
            continue
        value = state[widget_id]
        if value == defaults.get(key):
            # Streamlit may have dropped it already on this side, without telling the browser.
            state.query_params.discard_param_no_forward_msg(key)
        else:
            serialized = metadata.serializer(value)
            state.query_params.set_corrected_value(key, serialized, metadata.value_type)
    state.query_params._send_query_param_msg()  # the browser's address bar: the whole link


def _snap_select_values_from_link(page: str, controls, raw: dict) -> list[str]:
    """On a page's first run, hand a select slider the option a link's number means.

    A select slider takes a link value only as spelled by its options ("1", not
    "1.0"; "1e-4", not "0.0001"): a number equal to an option starts it there
    silently; any other number (an old link's precision=3e-05) starts it at the
    nearest allowed value, which :func:`refused_link_value` then reports.
    """
    if f"_link_checked_{page}_controls" in st.session_state:
        return []
    snapped = []
    for control in controls:
        value = raw.get(control.key)
        if control.kind != "select" or value is None:
            continue
        if value in {spelling(control)(v) for v in control.options}:
            continue
        nearest = nearest_option(control, value)
        if nearest is not None:
            st.session_state[control.key] = nearest
            snapped.append(control.key)
    return snapped


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


def report_refused(page: str, part: str, checks: list) -> None:
    """Warn once per session about link values refused: ``checks`` of (control, raw, used)."""
    _report_refused_link_values(page, part, checks)


def refused_link_value(control: Control, raw: str | None, used) -> str | None:
    """Streamlit drops or trims link values a widget can't take; say so instead of silently."""
    if raw is None:
        return None
    shown = raw if len(raw) <= 40 else f"{raw[:37]}… ({len(raw):,} characters)"
    if control.kind in ("choice", "toggle"):
        allowed = control.options or ("true", "false")
        if raw == str(used) or raw.lower() == str(used).lower():
            return None
        return (
            f"The link sets {control.key}={shown}, which is not allowed (one of "
            f"{', '.join(map(str, allowed))}); using {control.key} = {used} instead."
        )
    if control.kind == "text":
        if raw == used:
            return None
        return (
            f"The link's {control.key} is {len(raw):,} characters long; at most "
            f"{MAX_FORMULA} are allowed, so only the first {MAX_FORMULA} were kept."
        )
    if control.kind == "select":
        return _refused_option(control, raw, used, shown)
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


def _refused_option(control: Control, raw: str, used, shown: str) -> str | None:
    try:
        if math.isclose(float(raw), float(used), rel_tol=1e-9, abs_tol=0.0):
            return None
    except ValueError:
        pass
    spell = spelling(control)
    if spell is decade:
        allowed = f"powers of ten: {decade(control.options[0])}, {decade(control.options[1])}, "
        allowed += f"…, {decade(control.options[-1])}"
    else:
        allowed = (
            f"a number with two significant digits from {spell(control.options[0])} "
            f"to {spell(control.options[-1])}"
        )
    nearest = nearest_option(control, raw)
    near = "" if nearest is None else f"the nearest allowed value is {spell(nearest)}; "
    return (
        f"The link sets {control.key}={shown}, which is not allowed ({allowed}); "
        f"{near}using {control.key} = {spell(used)} instead."
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
    # In the page, above the figure (not in the sidebar's drawer). No explicit value:
    # it starts at min_value (0, the default) and so stays free to be set through
    # session state above without a warning.
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
                len(demo.table), draw, controls.values, page, demo.table, column_config, True
            )
            show_table(demo.table.iloc[:1], column_config)
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


def show_player(
    rows: int,
    draw,
    params: dict,
    page: str,
    table: pd.DataFrame | None = None,
    column_config: dict | None = None,
    hide_outcome: bool = False,
) -> None:
    """Scrubber, ▶/⏸ and step buttons, the figure, and (given ``table``) the marked row.

    ``hide_outcome``: prediction mode before the answer; nothing past the iterate shown.

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


# ---------------------------------------------------------------- helpers of the optimizer lab
def check_link(page: str, controls: tuple[Control, ...], raw: dict, values: dict) -> None:
    """Warn once per session about the link values of ``controls`` refused (numbers, text,
    toggles, and choices that list their options)."""
    checked = [
        c
        for c in controls
        if c.kind in ("number", "slider", "text", "toggle") or (c.kind == "choice" and c.options)
    ]
    _report_refused_link_values(page, "controls", [(c, raw[c.key], values[c.key]) for c in checked])


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
