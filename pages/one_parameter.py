"""One-parameter fit: h(x) = θ1·x fitted to y = 0.5·x."""

import streamlit as st

from gd_app import datasource, demos, ui
from gd_app.columns.fit import ONE_PARAMETER as ONE_PARAMETER_COLUMNS
from gd_app.controls import ONE_PARAMETER

ui.run_through_navigation()
st.title("Fitting one parameter", anchor=False)
st.markdown(
    "The hypothesis is a line through the origin, $h_\\theta(x) = \\theta_1 x$, fitted to points on "
    "$y = 0.5x$, or to the data chosen below. Each step moves $\\theta_1$ downhill on the cost "
    "$J(\\theta_1)$ by $\\alpha\\,\\partial J/\\partial\\theta_1$. Move the learning rate "
    "$\\alpha$: a large one overshoots, and above $\\alpha_{crit}$ the steps run away. The start, "
    "mini-batches and learning-rate schedules are under *More settings*."
)

moved = st.container()  # α and N: the first controls after the page links, above the figure
results = st.container()  # the figure, what happened and why; the data and settings after
source = datasource.choose("one_parameter", intercept=False)
controls = ui.sidebar(
    source.controls(ONE_PARAMETER, intercept=False),
    page="one_parameter",
    main=ui.MOVED_MOST,
    place=moved,
    check=lambda shown: demos.refusals(source.values(ONE_PARAMETER, shown)),
)
values, refused = demos.refusals(source.values(ONE_PARAMETER, controls.values))
for message in refused:  # none left once the widgets took the replaced values
    st.warning(ui.escape_markdown(message), icon=":material/block:")
controls = controls.with_values(values)  # what the run uses, data included
demo = demos.one_parameter(**values)
ui.show_results(
    demo,
    demos.one_parameter_picture,
    controls,
    ONE_PARAMETER_COLUMNS.config(),
    page="one_parameter",
    place=results,
)
st.caption(f"The run {demo.stop}. {datasource.caption(source, values)}")
