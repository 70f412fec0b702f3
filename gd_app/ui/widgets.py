"""The bound widgets: one builder for every kind of control, the fit and symbolic pages'
controls (in the page or the sidebar), the scrubber, and the app's few style rules."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from gd_app import teacher
from gd_app.controls import MAX_FORMULA, STEP, Control
from gd_app.text import escape_markdown, spelling
from gd_app.ui.links import (
    _replace,
    _report_refused_link_values,
    _rewrite_link,
    _snap_select_values_from_link,
)


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
    if control.kind in ("number", "slider") and isinstance(control.default, int):
        _finite_link_value(control)
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


def _finite_link_value(control: Control) -> None:
    """A whole-number control's link value of ±inf (``N=1e400``) is read as ±1e308, which
    Streamlit then clamps to the range's end and writes back into the link, as it does for
    any number past the range. Streamlit 1.67's own reading raises on it (``int(inf)`` is an
    OverflowError, which its seeding does not catch), so this edits the initial link values
    it seeds from (internal; pinned in requirements.txt, guarded by tests/test_pages.py)."""
    from streamlit.runtime.state.session_state_proxy import get_session_state

    params = get_session_state()._state.query_params
    initial = params._initial_query_params.get(control.key)
    if not initial:
        return
    try:
        number = float(initial[-1])
    except (TypeError, ValueError):
        return
    if math.isinf(number):
        params._initial_query_params[control.key] = ["1e308" if number > 0 else "-1e308"]


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
# A locked control's label and value keep the body colour.
APP_STYLE = """<style>
section[data-testid="stSidebar"][data-collapsed="true"] { visibility: hidden; }
@media (max-width: 640px) {  /* the highlighted row under the figure wraps, never scrolls */
  [data-testid="stTable"] th, [data-testid="stTable"] td {
    white-space: normal; overflow-wrap: anywhere; padding: 0.2rem 0.15rem; font-size: 0.8rem;
  }
}
/* A control a teacher's link locks is disabled, and Streamlit greys its label and value
   to about 2.4:1: the very value the lesson is about could hardly be read. */
[data-testid="stWidgetLabel"][disabled], [data-testid="stWidgetLabel"][disabled] p,
[data-disabled="true"] [data-testid="stSliderThumbValue"],
[data-disabled="true"] [data-testid="stSliderThumbValue"] p { color: inherit; }
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
