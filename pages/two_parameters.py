"""Two-parameter fit (seed 000, second demo): h(x) = θ0 + θ1·x."""

import streamlit as st

from gd_app import demos, ui
from gd_app.controls import TWO_PARAMETERS

ui.run_through_navigation()
st.title("Fitting two parameters")
st.markdown(
    "Now the line has an intercept too, $h_\\theta(x) = \\theta_0 + \\theta_1 x$, so the cost "
    "$J(\\theta_0, \\theta_1)$ is a bowl, drawn as a colour map with contour lines. Each arrow is "
    "one step $\\theta_j := \\theta_j - \\alpha\\,\\partial J/\\partial\\theta_j$; the steps cut "
    "across the contours, steepest first."
)

controls = ui.sidebar(TWO_PARAMETERS, page="two_parameters")
demo = demos.two_parameters(**controls.values)
ui.show_results(
    demo,
    demos.two_parameters_picture,
    controls,
    {
        "theta0": ui.number("θ0", "%.6f", "Intercept of the fitted line."),
        "theta1": ui.number("θ1", "%.6f", "Slope of the fitted line."),
        "J": ui.number("J(θ)", "%.4e", "Cost: half the mean squared error."),
        "grad_theta0": ui.number("∂J/∂θ0", "%.4e", "Gradient component along θ0."),
        "grad_theta1": ui.number("∂J/∂θ1", "%.4e", "Gradient component along θ1."),
        "step_theta0": ui.number("Δθ0", "%.4e", "The step into this row along θ0 (None on row 0)."),
        "step_theta1": ui.number("Δθ1", "%.4e", "The step into this row along θ1 (None on row 0)."),
        **ui.verdict_columns(
            "|θ(k) − θ*| / |θ(k−1) − θ*|: below 1 means closer to the best fit θ*."
        ),
    },
    page="two_parameters",
)
st.caption(
    f"The run {demo.stop}. Data: m = {controls.values['m']} points, noise {controls.values['noise']:g}."
)
