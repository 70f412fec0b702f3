"""The optimizer lab's controls: the preset picker that fills the f(x, y) box (and names
what the box holds), the start and the methods, each first-order method's settings in an
expander, the line search's, and the maps' toggles; a link's refused values reported."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from gd_app.controls import FIRST_ORDER, LAB_METHODS, LAB_PRESETS, LINE_SEARCH, OPTIMIZERS
from gd_app.controls.lab import HYPER, RULES
from gd_app.ui.links import (
    _rewrite_link,
    _snap_select_values_from_link,
    check_link,
    report_refused,
)
from gd_app.ui.widgets import widget
from gd_core.lab import PRESETS

CONTROLS = {c.key: c for c in OPTIMIZERS}


def preset_of(text: str) -> str:
    """The preset whose f is ``text`` (spaces ignored), else "custom"."""
    squeezed = text.replace(" ", "")
    return next((n for n, (t, _) in PRESETS.items() if t.replace(" ", "") == squeezed), "custom")


def _fill_from_preset() -> None:
    preset = st.session_state["preset"]
    if preset in PRESETS:
        st.session_state["f"] = PRESETS[preset][0]


def lab_sidebar(page: str) -> dict:
    """The lab's controls in the sidebar; their values by key."""
    raw = {  # a multiselect's link repeats its key: methods=gd&methods=adam
        key: st.query_params.get_all(key) if c.kind == "multiselect" else st.query_params.get(key)
        for key, c in CONTROLS.items()
    }
    if "f" not in st.session_state and raw["f"] is None and raw["preset"] in PRESETS:
        st.session_state["f"] = PRESETS[raw["preset"]][0]  # a link naming only a preset
    text = st.session_state.get("f", raw["f"] if raw["f"] is not None else CONTROLS["f"].default)
    st.session_state["preset"] = preset_of(text)  # the picker always names what the box holds

    snapped = _snap_select_values_from_link(page, OPTIMIZERS, raw)  # lr_gd=100: at the top
    values = {}
    with st.sidebar:
        values["preset"] = widget(CONTROLS["preset"], LAB_PRESETS, on_change=_fill_from_preset)
        for key in ("f", "x0", "y0", "N", "tol"):
            values[key] = widget(CONTROLS[key])
        values["methods"] = widget(CONTROLS["methods"], LAB_METHODS)
        for method in FIRST_ORDER:
            with st.expander(f"{method}: {RULES[method]}", expanded=False):
                for key, _ in HYPER[method]:
                    values[key] = widget(CONTROLS[key])
        with st.expander(f"line search: {', '.join(LINE_SEARCH)}", expanded=False):
            for key in ("alpha0_ls", "c_ls", "rho_ls", "damped"):
                values[key] = widget(CONTROLS[key])
        for key in ("view3d", "sweep", "basins"):
            values[key] = widget(CONTROLS[key])
        values["basin_method"] = widget(CONTROLS["basin_method"], LAB_METHODS)
    _rewrite_link(snapped, OPTIMIZERS)  # the link keeps what the widget shows
    check_link(page, OPTIMIZERS, raw, values)
    if raw["preset"] is not None and raw["preset"] not in LAB_PRESETS:  # options at run time
        preset = replace(CONTROLS["preset"], options=LAB_PRESETS)
        report_refused(page, "preset", [(preset, raw["preset"], values["preset"])])
    return values
