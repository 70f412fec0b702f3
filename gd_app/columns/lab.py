"""The optimizer lab's history columns: one long table, a row per method and iterate.

Each method's own tab shows the columns its rule fills (the CSV has them all, with
empty cells where a method has no such state).
"""

from __future__ import annotations

from gd_app.columns import Column, Spec

# A rule's state, per coordinate: name_x, name_y.
_STATE = {
    "v": "velocity v after the step into this row",
    "s": "accumulated squared gradient s after the step into this row",
    "m": "Adam's first moment m (running mean of g)",
    "mhat": "bias-corrected m̂ = m/(1 − β1ᵗ) used by the step into this row",
    "vhat": "bias-corrected v̂ = v/(1 − β2ᵗ) used by the step into this row",
    "p": "search direction p of the step into this row (θ ← θ + α·p)",
}


def _state(name: str) -> tuple[Column, Column]:
    return tuple(
        Column(f"{name}_{axis}", f"{name}_{axis}", f"{_STATE[name]} ({axis} component).")
        for axis in "xy"
    )


LAB = Spec(
    (
        Column("method", "method", "The update rule of this row.", None),
        Column("iteration", "k", "Iteration; 0 is the start.", "%d", key=True),
        Column("x", "x", "The iterate's x.", key=True),
        Column("y", "y", "The iterate's y.", key=True),
        Column("f", "f", "f at the iterate.", key=True),
        Column("df_dx", "∂f/∂x", "Gradient component along x."),
        Column("df_dy", "∂f/∂y", "Gradient component along y."),
        Column("grad_norm", "|∇f|", "Gradient norm."),
        *_state("v"),
        *_state("s"),
        *_state("m"),
        *_state("mhat"),
        *_state("vhat"),
        *_state("p"),
        Column(
            "alpha",
            "accepted α",
            "The α the line search accepted for the step into this row (1: the full step).",
        ),
        Column(
            "trials",
            "trial points",
            "Trial points the line search evaluated f at in the step into this row.",
        ),
        Column(
            "tau",
            "τ",
            "τ when H was not positive definite and H + τI was used (τ = 1e-3 − λmin(H)).",
        ),
        Column(
            "yTs", "yᵀs", "yᵀs of the step into this row: B is updated only when it is above 1e-10."
        ),
        Column(
            "f_evals",
            "f evaluations",
            "Evaluations of f so far (the start's included): one per trial point.",
        ),
        Column(
            "g_evals",
            "∇f evaluations",
            "Evaluations of ∇f so far (the start's included): one per step.",
        ),
        Column(
            "h_evals", "H evaluations", "Evaluations of the Hessian H so far: one per Newton step."
        ),
        Column(
            "trial_points",
            "trial points (x, y)",
            "The points the line search tried in the step into this row, in order; "
            "the last is this row's iterate.",
            None,
        ),
        Column("note", "note", "What the step into this row did differently.", None),
    )
)

# Each method's own table: the long table's columns but the method's name.
LAB_HISTORY = Spec(tuple(c for c in LAB.columns if c.name != "method"))
