"""Optimizer lab: GD, momentum, Nesterov, AdaGrad, RMSProp and Adam race on f(x, y)."""

import streamlit as st

from gd_app import ui
from gd_app.columns.lab import LAB_HISTORY, LAB_SUMMARY, LAB_THEORY
from gd_app.controls import OPTIMIZERS
from gd_app.demos import optimizer_maps as maps
from gd_app.demos import optimizers as lab
from gd_core.errors import ExpressionError, OutsideDomain, OverBudget

PAGE = "optimizers"
ui.run_through_navigation()
st.title("Optimizers")
st.markdown(
    "Six update rules start from the same point on $f(x, y)$ and race downhill. Each uses the "
    "gradient $g = \\nabla f$ differently: plain steps, momentum that remembers past steps, or "
    "step sizes scaled per coordinate by past squared gradients. The rules are exactly "
    "`torch.optim`'s, so the numbers match the library. Three more look at f itself: gradient "
    "descent with a line search (`gd_ls`), Newton's method with the Hessian $H$ (`newton`) and "
    "BFGS, which learns $H^{-1}$ from its steps (`bfgs`). Hover over a control for its rule."
)

values = ui.lab_sidebar(PAGE)
ui.class_controls(PAGE, OPTIMIZERS, values)

if not values["methods"]:
    st.warning(
        "No method is selected: pick at least one in the sidebar's 'methods' box.",
        icon=":material/checklist:",
    )
    st.stop()

try:
    demo = lab.optimizers(**values)
except (ExpressionError, OutsideDomain, OverBudget) as error:
    st.error(ui.escape_markdown(f"Can't use this f(x, y): {error}"), icon=":material/block:")
    st.stop()

f_tex, grad_tex, hessian_tex = demo.result.latex
st.latex(f"f(x, y) = {f_tex}")
st.latex(f"\\nabla f = {grad_tex}")  # one formula a line: each fits a phone's width
st.latex(f"H = {hessian_tex}")

if ui.predicting(PAGE, values, "lowest"):  # prediction mode: the race only up to the iterate shown
    ui.show_player(
        demo.longest, lab.optimizers_picture, values, PAGE, hide_outcome=True, span=values["N"]
    )
    st.stop()
ui.show_player(demo.longest, lab.optimizers_picture, values, PAGE)
for note in demo.notes:
    st.caption(ui.escape_markdown(note))
if values["view3d"]:
    step = min(st.session_state.get("step", 0), demo.longest - 1)
    ui.show_picture(lab.surface_picture(**values, step=step, theme=ui.current_theme()))

st.header("Where each method ended")
st.dataframe(demo.summary, column_config=LAB_SUMMARY.config(), hide_index=True, width="stretch")
st.markdown(
    "\n".join(
        f"- **{method}**: {ui.escape_markdown(sentence)}" for method, sentence in demo.sentences
    )
)
with st.expander("Why? The numbers behind each verdict"):
    st.markdown(
        "\n".join(
            f"- **{method}**: " + " ".join(ui.escape_markdown(line) for line in why)
            for method, why in demo.whys
        )
    )

st.header("Theory for a quadratic f")
for line in demo.theory:
    st.markdown(line)
ui.show_suggestions(demo.suggestions)
if demo.theory_table is not None:
    st.dataframe(
        demo.theory_table, column_config=LAB_THEORY.config(), hide_index=True, width="stretch"
    )

for key, title in (("sweep", "Learning-rate sweep"), ("basins", "Basin map")):
    if values[key]:
        st.header(title)
        try:
            view = (maps.sweep if key == "sweep" else maps.basins)(
                **values, theme=ui.current_theme()
            )
        except OverBudget as error:
            st.warning(ui.escape_markdown(f"The {title.lower()} {error}"), icon=":material/timer:")
        else:
            if view.picture is not None:
                ui.show_picture(view.picture)
            st.caption(ui.escape_markdown(view.caption))

st.header("Every iterate")
for tab, table in zip(st.tabs(list(demo.histories)), demo.histories.values(), strict=True):
    with tab:
        ui.show_table(table, LAB_HISTORY.config())

ui.show_downloads(PAGE, values, rows=demo.longest)
