"""Entry point: navigation and the home page that teaches from the seeds."""

import streamlit as st


def home() -> None:
    st.title("Understanding gradient descent")
    st.markdown(
        "Gradient descent finds the parameters $\\theta$ of a model by walking downhill on a "
        "**cost function**. These demos let you watch every step."
    )
    st.subheader("The model and its cost")
    st.markdown(
        "We fit a **hypothesis function** $h_\\theta(x)$ to data $(x^{(i)}, y^{(i)})$, "
        "$i = 1, \\dots, m$: a straight line through the origin, or with an intercept:"
    )
    st.latex(r"h_\theta(x) = \theta_1 x \qquad\text{or}\qquad h_\theta(x) = \theta_0 + \theta_1 x")
    st.markdown("The cost is the mean squared error, divided by 2:")
    st.latex(r"J(\theta) = \frac{1}{2m} \sum_{i=1}^{m} \left(h_\theta(x^{(i)}) - y^{(i)}\right)^2")
    st.subheader("The update rule")
    st.latex(r"\theta_j := \theta_j - \alpha \frac{\partial J(\theta)}{\partial \theta_j}")
    st.markdown(
        "The **learning rate** $\\alpha$ sets the step size. Small steps are safe but slow; "
        "larger ones get there faster, until they overshoot the minimum, and past a critical "
        "value $\\alpha_{crit}$ every step overshoots further and the run diverges."
    )
    st.subheader("How a machine learns")
    st.markdown(
        "1. **Predict**: make a guess for the parameters.\n"
        "2. **Calculate the error**: how steep is the cost there? (the gradient)\n"
        "3. **Learn**: step against the slope, and repeat until the steps get tiny."
    )
    st.subheader("Try it")
    st.page_link(ONE, label="Fitting one parameter: h = θ1·x", icon=":material/show_chart:")
    st.page_link(TWO, label="Fitting two parameters: h = θ0 + θ1·x", icon=":material/grid_on:")
    st.page_link(
        SYMBOLIC, label="Minimising any f(x), differentiated by SymPy", icon=":material/function:"
    )
    st.caption(
        "Every control lives in the sidebar and in the page's link: copy the link to share "
        "exactly what you see."
    )


HOME = st.Page(home, title="Home", icon=":material/home:", default=True)
ONE = st.Page(
    "pages/one_parameter.py",
    title="One parameter",
    icon=":material/show_chart:",
    url_path="one_parameter",
)
TWO = st.Page(
    "pages/two_parameters.py",
    title="Two parameters",
    icon=":material/grid_on:",
    url_path="two_parameters",
)
SYMBOLIC = st.Page(
    "pages/symbolic.py", title="Symbolic f(x)", icon=":material/function:", url_path="symbolic"
)

st.set_page_config(
    page_title="Gradient descent explorer", page_icon=":material/landscape:", layout="wide"
)
st.navigation([HOME, ONE, TWO, SYMBOLIC]).run()
