"""Symbolic f(x) (seed 004): SymPy differentiates f, gradient descent walks down it."""

import streamlit as st

from gd_app import demos, ui
from gd_app.controls import SYMBOLIC
from gd_core.expr import ExpressionError

ui.run_through_navigation()
st.title("Minimising any f(x)")
st.markdown(
    "Type a function of $x$. SymPy differentiates it, then the loop repeats three steps: "
    "**predict** (the current guess $x$), **calculate the error** (the slope $f'(x)$), and "
    "**learn** ($x := x - \\alpha f'(x)$), until a step is smaller than the precision."
)

controls = ui.sidebar(SYMBOLIC, page="symbolic")
try:
    demo = demos.symbolic(**controls.values)
except (ExpressionError, ValueError) as error:
    st.error(ui.escape_markdown(f"Can't use this f(x): {error}"), icon=":material/block:")
    st.stop()

f, df, d2f = demo.latex
st.latex(f"f(x) = {f} \\qquad f'(x) = {df} \\qquad f''(x) = {d2f}")
ui.show_results(
    demo,
    demos.symbolic_picture,
    controls,
    {
        "x": ui.number("x", "%.6g", "The guess at this iteration."),
        "f": ui.number("f(x)", "%.6g", "The value being minimised."),
        "df": ui.number("f′(x)", "%.4e", "The slope: the 'error' the step corrects."),
        "step": ui.number(
            "Δx", "%.4e", "The step into this row: −α·f′ of the row before (None on row 0)."
        ),
        "d2f": ui.number("f″(x)", "%.4g", "Curvature at x."),
        "alpha_crit": ui.number(
            "local α_crit",
            "%.4g",
            "2/f″(x) where f″ > 0: above 1/f″ a step overshoots here, above 2/f″ it diverges.",
        ),
        **ui.verdict_columns("|f′(x_k)| / |f′(x_(k−1))|: below 1 means the slope is flattening."),
    },
    page="symbolic",
)
st.caption(f"The run {demo.stop}.")
