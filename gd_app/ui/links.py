"""A shared link's values: checked, refused with a message naming the key and its range,
snapped to a select slider's grid, and written back into the link when replaced."""

from __future__ import annotations

import math

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from gd_app import teacher
from gd_app.controls import MAX_FORMULA, Control
from gd_app.text import decade, escape_markdown, spelling


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
        if control.kind in ("number", "slider") and value is not None:
            if teacher.is_hidden(control.key):  # no widget: its link value is refused as it is
                continue
            nearest = _nearest_in_range(control, value)  # alpha=20 starts at the top, 10
            if nearest is not None:
                st.session_state[control.key] = nearest
                snapped.append(control.key)
            continue
        if control.kind != "select" or value is None:
            continue
        if value in {spelling(control)(v) for v in control.options}:
            continue
        nearest = nearest_option(control, value)
        if nearest is not None:
            st.session_state[control.key] = nearest
            snapped.append(control.key)
    return snapped


def _nearest_in_range(control: Control, raw: str):
    """A number outside the control's range: its nearer end (1e400 is past the top); nan:
    the default (Streamlit's own reading of the link would raise on either); None for a
    number in range or text that is no number."""
    try:
        number = float(raw)
    except ValueError:
        return None
    if math.isnan(number):
        return control.default
    if control.low <= number <= control.high:
        return None
    return type(control.default)(min(max(number, control.low), control.high))


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


def refused_link_value(control: Control, raw: str | list[str] | None, used) -> str | None:
    """Streamlit drops or trims link values a widget can't take; say so instead of silently."""
    if control.kind == "multiselect":  # raw: every value of the repeated key
        return _refused_choices(control, raw, used)
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


def _refused_choices(control: Control, raw: str | list[str] | None, used) -> str | None:
    if not raw:  # not in the link
        return None
    picked = [v for v in ([raw] if isinstance(raw, str) else raw) if v]  # "key=" clears
    if set(picked) == set(used):
        return None
    shown = ", ".join(picked)
    shown = shown if len(shown) <= 40 else f"{shown[:37]}… ({len(shown):,} characters)"
    return (
        f"The link sets {control.key}={shown}, which is not allowed (each value one of "
        f"{', '.join(map(str, control.options))}, the key repeated for several: "
        f"{control.key}={control.options[0]}&{control.key}={control.options[1]}); using "
        f"{control.key} = {', '.join(map(str, used)) or 'none'} instead."
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


def check_link(page: str, controls: tuple[Control, ...], raw: dict, values: dict) -> None:
    """Warn once per session about the link values of ``controls`` refused (numbers, text,
    toggles, and choices that list their options)."""
    checked = [
        c
        for c in controls
        if c.kind in ("number", "slider", "text", "toggle")
        or (c.kind in ("choice", "multiselect") and c.options)
    ]
    _report_refused_link_values(page, "controls", [(c, raw[c.key], values[c.key]) for c in checked])
