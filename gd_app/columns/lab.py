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

# The page's table of where each method ended, a row per method: what a phone shows first
# (the method, how low it got, the verdict), then where it ended and the work it took.
LAB_SUMMARY = Spec(
    (
        Column("method", "method", "The update rule of this row.", None),
        Column("f", "final f", "f at the last iterate."),
        Column(
            "verdict",
            "verdict",
            "What this method's own history shows; the sentences below say why.",
            None,
        ),
        Column(
            "steps_to_tol",
            "steps to |∇f| < tol",
            "Steps until |∇f| < tol (the method then stops).",
            None,
        ),
        Column("x", "final x", "x at the last iterate."),
        Column("y", "final y", "y at the last iterate."),
        Column("grad_norm", "|∇f|", "Gradient norm at the last iterate."),
        Column(
            "evals_to_tol",
            "evaluations to reach tol",
            "The work until |∇f| < tol, the start included: f values (one per trial point "
            "of a line search), gradients ∇f and Hessians H. The first-order rules use no f.",
            None,
        ),
    )
)

# The theory for a quadratic f, a row per method with a learning-rate limit.
LAB_THEORY = Spec(
    (
        Column("method", "method", "The update rule of this row.", None),
        Column("alpha", "your α", "The method's learning rate in the sidebar.", "%.4g"),
        Column("limit_formula", "limit", "Converges iff α < limit.", None),
        Column("limit", "α limit", "The stability limit at your β.", "%.4g"),
        Column("theory", "theory says", "What the limit says of your α.", None),
        Column(
            "predicted",
            "predicted rate",
            "Contraction of ‖θ − θ*‖ per step, from λmin and λmax (GD and heavy ball only).",
        ),
        Column(
            "reached",
            "rate reached",
            "Geometric mean of ‖θ − θ*‖ contraction per step over the run's second half.",
        ),
    )
)
