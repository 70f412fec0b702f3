"""One-parameter fit (seed 000, first demo): h(x) = θ1·x fitted to y = 0.5·x."""

import streamlit as st

from gd_app import datasource, demos, ui
from gd_app.controls import ONE_PARAMETER

ui.run_through_navigation()
st.title("Fitting one parameter")
st.markdown(
    "The hypothesis is a line through the origin, $h_\\theta(x) = \\theta_1 x$, fitted to points on "
    "$y = 0.5x$, or to the data chosen below. Each step moves $\\theta_1$ downhill on the cost "
    "$J(\\theta_1)$ by "
    "$\\alpha\\,\\partial J/\\partial\\theta_1$. Move the sliders in the sidebar: a large "
    "learning rate $\\alpha$ overshoots, and above $\\alpha_{crit}$ the steps run away. "
    "Mini-batches and learning-rate schedules are at the bottom of the sidebar."
)

source = datasource.choose("one_parameter", intercept=False)
controls = ui.sidebar(source.controls(ONE_PARAMETER, intercept=False), page="one_parameter")
values, refused = demos.refusals(source.values(ONE_PARAMETER, controls.values))
for message in refused:
    st.warning(ui.escape_markdown(message), icon=":material/block:")
controls = ui.Sidebar(values, controls.alpha_note)
demo = demos.one_parameter(**values)
ui.show_results(
    demo,
    demos.one_parameter_picture,
    controls,
    {
        "theta1": ui.number("θ1", "%.6g", "The parameter: the slope of the fitted line."),
        "J": ui.number("J(θ1)", "%.6g", "Full-batch cost: half the mean squared error."),
        "grad_theta1": ui.number("dJ/dθ1", "%.6g", "Slope of the full-batch cost at θ1."),
        "batch_grad_theta1": ui.number(
            "batch dJ/dθ1",
            "%.6g",
            "The mini-batch gradient the step into this row used (None on row 0).",
        ),
        "step_theta1": ui.number(
            "Δθ1",
            "%.6g",
            "The step into this row: −α·(gradient) of the row before (None on row 0).",
        ),
        "alpha": ui.number(
            "α", "%.6g", "The learning rate of the step into this row (None on row 0)."
        ),
        **ui.verdict_columns(
            "|θ1(k) − θ1*| / |θ1(k−1) − θ1*|: below 1 means closer to the best fit θ1*."
        ),
    },
    page="one_parameter",
)
st.caption(f"The run {demo.stop}. {datasource.caption(source, values)}")
