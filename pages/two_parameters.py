"""Two-parameter fit: h(x) = θ0 + θ1·x."""

import streamlit as st

from gd_app import datasource, demos, ui
from gd_app.columns.fit import TWO_PARAMETERS as TWO_PARAMETER_COLUMNS
from gd_app.controls import TWO_PARAMETERS

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

moved = st.container()  # α and N: the first controls after the page links, above the figure
results = st.container()  # the figure, what happened and why; the data and settings after
source = datasource.choose("two_parameters", intercept=True)
controls = ui.sidebar(
    source.controls(TWO_PARAMETERS, intercept=True),
    page="two_parameters",
    main=ui.MOVED_MOST,
    place=moved,
    check=lambda shown: demos.refusals(source.values(TWO_PARAMETERS, shown)),
)
values, refused = demos.refusals(source.values(TWO_PARAMETERS, controls.values))
for message in refused:  # none left once the widgets took the replaced values
    st.warning(ui.escape_markdown(message), icon=":material/block:")
controls = controls.with_values(values)  # what the run uses, data included
demo = demos.two_parameters(**values)

ui.show_results(
    demo,
    demos.two_parameters_picture,
    controls,
    TWO_PARAMETER_COLUMNS.config(),
    page="two_parameters",
    suggestions=demos.TWO_PARAMETER_SUGGESTIONS,
    place=results,
)
st.caption(f"The run {demo.stop}. {datasource.caption(source, values)}")
