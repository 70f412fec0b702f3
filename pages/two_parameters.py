"""Two-parameter fit: h(x) = θ0 + θ1·x."""

import streamlit as st

from gd_app import demos, ui
from gd_app.columns.fit import TWO_PARAMETERS as TWO_PARAMETER_COLUMNS
from gd_app.controls import TWO_PARAMETERS
from gd_app.fit_page import fit_page

ui.run_through_navigation()
st.title("Fitting two parameters", anchor=False)
st.markdown(
    "Now the line has an intercept too, $h_\\theta(x) = \\theta_0 + \\theta_1 x$, so the cost "
    "$J(\\theta_0, \\theta_1)$ is a bowl, drawn as a colour map with contour lines and the two "
    "eigenvectors of its Hessian $X^TX/m$. Each arrow is one step "
    "$\\theta_j := \\theta_j - \\alpha\\,\\partial J/\\partial\\theta_j$. Move the data far from "
    "$x = 0$ and the bowl becomes a narrow valley that the steps zig-zag across; "
    "*standardize x* turns it back into a round bowl: the links under the figure set both up."
)

fit_page(
    "two_parameters",
    TWO_PARAMETERS,
    TWO_PARAMETER_COLUMNS,
    demos.two_parameters,
    demos.two_parameters_picture,
    intercept=True,
    suggestions=demos.TWO_PARAMETER_SUGGESTIONS,
)
