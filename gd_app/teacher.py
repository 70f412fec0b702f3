"""Teacher links: ``hide`` and ``lock`` a page's controls, and the "Share with a class" panel.

A link such as ``/one_parameter?alpha=6&hide=N,theta1&lock=alpha&predict=true``

* ``hide``: those controls are not drawn at all; their values come from the link
  (or the default), bounded and checked exactly as a widget would check them;
* ``lock``: those controls are drawn disabled at the link's value;
* a key that is not one of the page's controls is refused with a message naming it.

A student can't change a hidden or locked value from the page (only by editing the
link, which any visitor can always do).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from gd_app.controls import DATA, MAX_FORMULA, PREDICT, SET, Control

HIDE, LOCK = "hide", "lock"


@dataclass(frozen=True)
class Restrictions:
    hidden: frozenset[str]
    locked: frozenset[str]
    unknown: tuple[tuple[str, str], ...]  # (hide | lock, the key named) not a control here


def split_keys(raw: list[str]) -> list[str]:
    """``hide=a,b`` and ``hide=a&hide=b`` both name a and b; blanks are dropped."""
    return [key.strip() for value in raw for key in value.split(",") if key.strip()]


def restrictions(query: dict[str, list[str]], controls: tuple[Control, ...]) -> Restrictions:
    """What ``query`` (each key's list of values) hides and locks among ``controls``."""
    known = {c.key for c in controls}
    picked, unknown = {}, []
    for part in (HIDE, LOCK):
        keys = split_keys(query.get(part, []))
        unknown += [(part, key) for key in keys if key not in known]
        picked[part] = frozenset(key for key in keys if key in known)
    return Restrictions(picked[HIDE], picked[LOCK] - picked[HIDE], tuple(unknown))


def unknown_message(part: str, key: str, controls: tuple[Control, ...]) -> str:
    shown = key if len(key) <= 40 else f"{key[:37]}…"
    names = ", ".join(c.key for c in controls)
    return (
        f"The link's {part} names {shown}, which is not allowed (one of this page's controls: "
        f"{names}); ignoring it."
    )


def link_value(control: Control, raw: str | list[str] | None, options: tuple = ()):
    """The value a hidden control takes from the link: the widget's own rule, without a widget.

    Out of range, unreadable or not an option: the default (and
    :func:`gd_app.ui.refused_link_value` reports it, as for a widget).
    """
    options = options or control.options
    if raw is None:
        return control.default
    if control.kind == "multiselect":
        picked = [v for v in ([raw] if isinstance(raw, str) else raw) if v in options]
        return picked or list(control.default)
    if isinstance(raw, list):
        raw = raw[-1]
    if control.kind == "text":
        return raw[:MAX_FORMULA]
    if control.kind == "toggle":
        return {"true": True, "false": False}.get(raw.lower(), control.default)
    if control.kind == "choice":
        return raw if raw in options else control.default
    try:
        number = float(raw)
    except ValueError:
        return control.default
    if not math.isfinite(number):
        return control.default
    if control.kind == "select":
        if number <= 0:
            return control.default
        return min(options, key=lambda v: abs(math.log10(v) - math.log10(number)))
    if not control.low <= number <= control.high:
        return control.default
    return int(number) if isinstance(control.default, int) and number.is_integer() else number


def spell(value, control: Control | None = None) -> str | list[str]:
    """A value as a link spells it (the way the bound widgets write it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, float):
        if control is not None and control.kind == "select":
            from gd_app.text import spelling  # the select slider's own spelling

            return spelling(control)(value)
        text = f"{value:.10g}"
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def share_query(
    controls: tuple[Control, ...],
    values: dict,
    *,
    hide: list[str],
    lock: list[str],
    predict: bool,
    extra: tuple[tuple[str, str], ...] = (),
) -> str:
    """The query string of a class link: every value that differs from its default, every
    hidden or locked value, and the hide/lock/predict keys. Prediction mode, when on, is
    locked on too: a student can't switch it off to see the answer first."""
    pinned = set(hide) | set(lock)
    pairs = []
    for control in controls:
        if control.key == PREDICT.key or control.key not in values:
            continue
        value = values[control.key]
        if control.key in pinned or _differs(value, control.default):
            pairs.append((control.key, spell(value, control)))
    pairs += [pair for pair in extra if pair[0] not in values]  # the data's own keys
    locked = [k for k in lock if k not in hide] + ([PREDICT.key] if predict else [])
    if hide:
        pairs.append((HIDE, ",".join(hide)))
    if locked:
        pairs.append((LOCK, ",".join(locked)))
    if predict:
        pairs.append((PREDICT.key, "true"))
    return urlencode(pairs, doseq=True, safe=",")


def _differs(value, default) -> bool:
    if isinstance(value, list | tuple) or isinstance(default, list | tuple):
        return tuple(value) != tuple(default)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return not math.isclose(float(value), float(default), rel_tol=1e-12, abs_tol=0.0)
    return value != default


# ---------------------------------------------------------------- on a page
PREDICT_ON = "_predict_on"  # this run's prediction mode (the toggle's or a hidden link value)


def current(controls: tuple[Control, ...]) -> Restrictions:
    """This page's restrictions, from the link (``predict`` may be hidden or locked too)."""
    query = {part: st.query_params.get_all(part) for part in (HIDE, LOCK)}
    return restrictions(query, (*controls, PREDICT))


def is_hidden(key: str) -> bool:
    return key in split_keys(st.query_params.get_all(HIDE))


def is_locked(key: str) -> bool:
    return key in split_keys(st.query_params.get_all(LOCK)) and not is_hidden(key)


def hidden_value(control: Control, options: tuple = ()):
    """A hidden control's value from the link (see :func:`link_value`)."""
    raw = st.query_params.get_all(control.key)
    if control.kind != "multiselect":
        raw = raw[-1] if raw else None
    return link_value(control, raw or None, options)


FIT_PAGES = ("one_parameter", "two_parameters")  # their data section: keys data and set


def choice(control: Control):
    """A bound select box outside the sidebar's controls (the fit pages' ``data`` and ``set``),
    hidden or locked by a teacher's link like the others."""
    if is_hidden(control.key):
        return hidden_value(control)
    return st.selectbox(
        control.label,
        control.options,
        control.options.index(control.default),
        key=control.key,
        help=control.help,
        bind="query-params",
        disabled=is_locked(control.key),
    )


def class_controls(page: str, controls: tuple[Control, ...], values: dict, where=None) -> bool:
    """The ``predict`` toggle and the "Share with a class" panel, at the bottom of the
    sidebar (or in ``where``, a container of the page); refused ``hide``/``lock`` keys
    reported once. Returns whether prediction is on."""
    if page in FIT_PAGES:
        controls = (DATA, SET, *controls)
    rules = current(controls)
    flag = f"_link_checked_{page}_class"
    raw_predict = None  # a link's predict value, checked once a session like every other key
    if flag not in st.session_state:
        st.session_state[flag] = True
        raw_predict = st.query_params.get(PREDICT.key)
        from gd_app.text import escape_markdown

        for part, key in rules.unknown:
            st.warning(
                escape_markdown(unknown_message(part, key, (*controls, PREDICT))),
                icon=":material/link:",
            )
    with where or st.sidebar:
        if PREDICT.key in rules.hidden:
            predict = bool(hidden_value(PREDICT))
        else:
            predict = st.toggle(
                PREDICT.label,
                PREDICT.default,
                key=PREDICT.key,
                help=PREDICT.help,
                bind="query-params",
                disabled=PREDICT.key in rules.locked,
            )
        if not (rules.hidden or rules.locked):  # a student's link: no panel to undo it with
            share_panel(page, controls, values, predict)
    if raw_predict is not None and raw_predict.lower() not in ("true", "false"):
        from gd_app.text import escape_markdown

        shown = raw_predict if len(raw_predict) <= 40 else f"{raw_predict[:37]}…"
        st.warning(  # Streamlit drops a bound toggle's unreadable value without a word
            escape_markdown(
                f"The link sets {PREDICT.key}={shown}, which is not allowed (one of true, "
                f"false); using {PREDICT.key} = {predict} instead."
            ),
            icon=":material/link:",
        )
    st.session_state[PREDICT_ON] = predict
    return predict


def share_panel(page: str, controls: tuple[Control, ...], values: dict, predict: bool) -> None:
    """Tick what to hide or lock and whether students predict first; copy the link."""
    labels = {c.key: f"{c.label} ({c.key})" for c in controls}
    with st.expander("Share with a class", icon=":material/school:"):
        st.markdown(
            ":small[A link with this page's current settings. Hidden controls vanish from "
            "the page, locked ones are shown but can't be moved; their values are fixed.]"
        )
        hide = st.multiselect(
            "hide these controls", list(labels), format_func=labels.get, key=f"_share_hide_{page}"
        )
        lock = st.multiselect(
            "lock these controls",
            [k for k in labels if k not in hide],
            format_func=labels.get,
            key=f"_share_lock_{page}",
        )
        ask = st.checkbox("students predict first", value=predict, key=f"_share_predict_{page}")
        data_pairs = tuple(st.session_state.get(f"_data_link_{page}", ()))
        query = share_query(controls, values, hide=hide, lock=lock, predict=ask, extra=data_pairs)
        data = urlencode(st.session_state.get(f"_data_link_{page}", ()))  # gd_app.datasource
        query = "&".join(part for part in (data, query) if part)
        base = st.context.url or f"/{page}"
        st.code(f"{base}?{query}" if query else base, language=None, wrap_lines=True)
        st.markdown(":small[Copy it with the button at the code box's right.]")
