"""Entry point: navigation and the home page that teaches from the seeds."""

from pathlib import Path

import streamlit as st

from gd_app import lesson_view, runtime, ui


def home() -> None:
    st.title("Understanding gradient descent")
    st.markdown(
        "Gradient descent finds the parameters $\\theta$ of a model by walking downhill on a "
        "**cost function**. These demos let you watch every step."
    )
    st.header("The model and its cost")
    st.markdown(
        "We fit a **hypothesis function** $h_\\theta(x)$ to data $(x^{(i)}, y^{(i)})$, "
        "$i = 1, \\dots, m$: a straight line through the origin, or with an intercept:"
    )
    st.latex(r"h_\theta(x) = \theta_1 x \qquad\text{or}\qquad h_\theta(x) = \theta_0 + \theta_1 x")
    st.markdown("The cost is the mean squared error, divided by 2:")
    st.latex(r"J(\theta) = \frac{1}{2m} \sum_{i=1}^{m} \left(h_\theta(x^{(i)}) - y^{(i)}\right)^2")
    st.header("The update rule")
    st.latex(r"\theta_j := \theta_j - \alpha \frac{\partial J(\theta)}{\partial \theta_j}")
    st.markdown(
        "The **learning rate** $\\alpha$ sets the step size. Small steps are safe but slow; "
        "larger ones get there faster, until they overshoot the minimum, and past a critical "
        "value $\\alpha_{crit}$ every step overshoots further and the run diverges."
    )
    st.header("How a machine learns")
    st.markdown(
        "1. **Predict**: make a guess for the parameters.\n"
        "2. **Calculate the error**: how steep is the cost there? (the gradient)\n"
        "3. **Learn**: step against the slope, and repeat until the steps get tiny."
    )
    st.header("Try it")
    for page, what in (
        (LESSONS, "Guided lessons for a class: predict each run, then see what it did and why."),
        (
            ONE,
            "Fit h = θ₁·x to points on y = 0.5x, or to real data; see why too large an α diverges.",
        ),
        (TWO, "Fit h = θ₀ + θ₁·x; follow the arrows across the contours of J(θ₀, θ₁)."),
        (SYMBOLIC, "Type any f(x): SymPy differentiates it and the loop walks downhill."),
        (
            LAB,
            "Race GD, momentum, Nesterov, AdaGrad, RMSProp and Adam on any f(x, y), "
            "Rosenbrock's valley first; then a line search, Newton's method and BFGS.",
        ),
    ):
        with st.container(border=True):
            st.page_link(page, label=f"**{page.title}**", icon=page.icon)
            st.caption(what)
    st.caption("Every control is in the page's link: copy the link to share exactly what you see.")


HOME = st.Page(home, title="Gradient descent explorer", icon=":material/home:", default=True)
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
LESSONS = st.Page("pages/lessons.py", title="Lessons", icon=":material/school:", url_path="lessons")
LAB = st.Page(
    "pages/optimizers.py", title="Optimizers", icon=":material/speed:", url_path="optimizers"
)

# A local favicon: a material icon here would make every browser fetch it from Google.
# No page_title: each page's own title names its browser tab.
st.set_page_config(page_icon=str(Path(__file__).parent / "gd_app" / "favicon.png"), layout="wide")
runtime.start()  # the worker pools, in the background (a no-op once they run)
lesson_view.catalogue()  # every lesson file checked once, when the app starts
ui.app_style()
st.navigation([HOME, ONE, TWO, SYMBOLIC, LAB, LESSONS]).run()
