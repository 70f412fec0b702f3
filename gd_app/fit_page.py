"""The body both line-fit pages share, under their title and explanation.

In page order: a place for α and N (the first controls after the page links, above the
figure), a place for the figure and what happened, the data section, the other controls,
the refused combinations, then the run's results and a last line naming its data.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from gd_app import datasource, demos, ui
from gd_app.columns import Spec
from gd_app.controls import Control
from gd_app.demos.common import Demo, Suggestion


def fit_page(
    page: str,
    controls: tuple[Control, ...],
    columns: Spec,
    run: Callable[..., Demo],
    picture: Callable,
    *,
    intercept: bool,
    suggestions: tuple[Suggestion, ...] = (),
) -> Demo:
    """Show a fit page's widgets, run ``run`` on their values and show its results.

    ``page`` is the page's name in links, ``controls`` its control specs, ``columns`` its
    history table's column spec, ``run`` and ``picture`` the demo's view model and figure.
    """
    moved = st.container()  # α and N: the first controls after the page links, above the figure
    results = st.container()  # the figure, what happened and why; the data and settings after
    source = datasource.choose(page, intercept=intercept)
    shown = ui.sidebar(
        source.controls(controls, intercept=intercept),
        page=page,
        main=ui.MOVED_MOST,
        place=moved,
        check=lambda values: demos.refusals(source.values(controls, values)),
    )
    values, refused = demos.refusals(source.values(controls, shown.values))
    for message in refused:  # none left once the widgets took the replaced values
        st.warning(ui.escape_markdown(message), icon=":material/block:")
    used = shown.with_values(values)  # what the run uses, data included
    demo = run(**values)
    ui.show_results(
        demo,
        picture,
        used,
        columns.config(),
        page=page,
        suggestions=suggestions,
        place=results,
    )
    st.caption(f"The run {demo.stop}. {datasource.caption(source, values)}")
    return demo
