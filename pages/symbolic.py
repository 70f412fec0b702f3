"""Symbolic f(x): SymPy differentiates f, gradient descent walks down it."""

import streamlit as st

from gd_app import demos, ui
from gd_app.controls import SYMBOLIC
from gd_core.errors import ExpressionError, OutsideDomain, OverBudget

ui.run_through_navigation()
st.title("Minimising any f(x)", anchor=False)
st.markdown(
    "Type a function of $x$. SymPy differentiates it, then the loop repeats three steps: "
    "**predict** (the current guess $x$), **calculate the error** (the slope $f'(x)$), and "
    "**learn** ($x := x - \\alpha f'(x)$), until a step is smaller than the precision."
)

controls = ui.sidebar(SYMBOLIC, page="symbolic", main=("f", "alpha"))
try:
    demo = demos.symbolic(**controls.values)
except ExpressionError as error:
    ui.show_refusal(f"Can't use this f(x): {error}")
except OutsideDomain as error:
    ui.show_refusal(f"Can't start there: {error}")
except OverBudget as error:
    ui.show_refusal(str(error), icon=":material/hourglass_disabled:")

ui.show_formulas(demo)
ui.show_results(
    demo,
    demos.symbolic_picture,
    controls,
    {
        "x": ui.number("x", "%.6g", "The guess at this iteration."),
        "f": ui.number("f(x)", "%.6g", "The value being minimised."),
        "df": ui.number("f′(x)", "%.6g", "The slope: the 'error' the step corrects."),
        "step": ui.number(
            "Δx",
            "%.6g",
            "The step into this row as realised, x_k − x_(k−1): the number the stop rule "
            "compares with the precision (None on row 0).",
        ),
        "d2f": ui.number("f″(x)", "%.6g", "Curvature at x."),
        "alpha_crit": ui.number(
            "local α_crit",
            "%.4g",
            "2/f″(x) where f″ > 0: above 1/f″ a step overshoots here, above 2/f″ it diverges.",
        ),
        **ui.verdict_columns(
            "|Δx_k| / |Δx_(k−1)|: below 1 the steps are getting shorter.",
            ratio_none="None on rows 0 and 1: no step, or no step before it, to compare.",
            status_help="What the step into this row did: whether f fell or rose, whether f′ "
            "changed sign (the step overshot a point where f′ = 0), whether it was longer or "
            "shorter than the step before.",
        ),
    },
    page="symbolic",
)
