"""One-parameter fit: h(x) = θ1·x fitted to y = 0.5·x."""

import streamlit as st

from gd_app import demos, ui
from gd_app.columns.fit import ONE_PARAMETER as ONE_PARAMETER_COLUMNS
from gd_app.controls import ONE_PARAMETER
from gd_app.fit_page import fit_page

ui.run_through_navigation()
st.title("Fitting one parameter", anchor=False)
st.markdown(
    "The hypothesis is a line through the origin, $h_\\theta(x) = \\theta_1 x$, fitted to points on "
    "$y = 0.5x$, or to the data chosen below. Each step moves $\\theta_1$ downhill on the cost "
    "$J(\\theta_1)$ by $\\alpha\\,\\partial J/\\partial\\theta_1$. Move the learning rate "
    "$\\alpha$: a large one overshoots, and above $\\alpha_{crit}$ the steps run away. The start, "
    "mini-batches and learning-rate schedules are under *More settings*."
)

fit_page(
    "one_parameter",
    ONE_PARAMETER,
    ONE_PARAMETER_COLUMNS,
    demos.one_parameter,
    demos.one_parameter_picture,
    intercept=False,
)
