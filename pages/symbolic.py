"""Symbolic f(x): SymPy differentiates f, gradient descent walks down it."""

import streamlit as st

from gd_app import demos, ui
from gd_app.columns.symbolic import SYMBOLIC as SYMBOLIC_COLUMNS
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
    SYMBOLIC_COLUMNS.config(),
    page="symbolic",
)
