"""One-parameter fit (seed 000, first demo): h(x) = θ1·x fitted to y = 0.5·x."""

import streamlit as st

from gd_app import demos, ui
from gd_app.controls import ONE_PARAMETER

ui.run_through_navigation()
st.title("Fitting one parameter")
st.markdown(
    "The hypothesis is a line through the origin, $h_\\theta(x) = \\theta_1 x$, fitted to points on "
    "$y = 0.5x$. Each step moves $\\theta_1$ downhill on the cost $J(\\theta_1)$ by "
    "$\\alpha\\,\\partial J/\\partial\\theta_1$. Move the sliders in the sidebar: a large "
    "learning rate $\\alpha$ overshoots, and above $\\alpha_{crit}$ the steps run away."
)

controls = ui.sidebar(ONE_PARAMETER, page="one_parameter")
demo = demos.one_parameter(**controls.values)
ui.show_results(
    demo,
    demos.one_parameter_picture,
    controls,
    {
        "theta1": ui.number("θ1", "%.6f", "The parameter: the slope of the fitted line."),
        "J": ui.number("J(θ1)", "%.4e", "Cost: half the mean squared error."),
        "grad_theta1": ui.number("dJ/dθ1", "%.4e", "Slope of the cost at θ1."),
        "step_theta1": ui.number(
            "Δθ1", "%.4e", "The step into this row: −α·dJ/dθ1 of the row before (None on row 0)."
        ),
        **ui.verdict_columns(
            "|θ1(k) − θ1*| / |θ1(k−1) − θ1*|: below 1 means closer to the best fit θ1*."
        ),
    },
    page="one_parameter",
)
st.caption(
    f"The run {demo.stop}. Data: m = {controls.values['m']} points, noise {controls.values['noise']:g}."
)
