"""Streamlit pieces the pages share, in four modules: :mod:`.links` (a shared link's
values checked and reported), :mod:`.widgets` (the bound controls and the scrubber),
:mod:`.results` (what a page shows of its run) and :mod:`.lab` (the lab's controls).
Pages use them as ``ui.name``."""

from gd_app.text import decade, escape_markdown, spelling
from gd_app.ui.lab import lab_sidebar
from gd_app.ui.links import (
    check_link,
    nearest_option,
    refused_link_value,
    report_refused,
    run_through_navigation,
)
from gd_app.ui.results import (
    METRICS_PER_ROW,
    class_controls,
    current_theme,
    number,
    predicting,
    show_downloads,
    show_formulas,
    show_metrics,
    show_picture,
    show_player,
    show_refusal,
    show_results,
    show_suggestions,
    show_table,
    show_verdicts,
    suggestion_url,
)
from gd_app.ui.widgets import (
    APP_STYLE,
    MORE_SETTINGS,
    MOVED_MOST,
    Sidebar,
    app_style,
    sidebar,
    step_slider,
    widget,
)

__all__ = [
    "APP_STYLE",
    "METRICS_PER_ROW",
    "MORE_SETTINGS",
    "MOVED_MOST",
    "Sidebar",
    "app_style",
    "check_link",
    "class_controls",
    "current_theme",
    "decade",
    "escape_markdown",
    "lab_sidebar",
    "nearest_option",
    "number",
    "predicting",
    "refused_link_value",
    "report_refused",
    "run_through_navigation",
    "show_downloads",
    "show_formulas",
    "show_metrics",
    "show_picture",
    "show_player",
    "show_refusal",
    "show_results",
    "show_suggestions",
    "show_table",
    "show_verdicts",
    "sidebar",
    "spelling",
    "step_slider",
    "suggestion_url",
    "widget",
]
