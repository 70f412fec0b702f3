"""The symbolic page's history columns."""

from __future__ import annotations

from gd_app.columns import Column, Spec

SYMBOLIC = Spec(
    (
        Column("iteration", "k", "Iteration number; 0 is the start.", "%d", key=True),
        Column("x", "x", "The guess at this iteration.", key=True),
        Column("f", "f(x)", "The value being minimised.", key=True),
        Column("df", "f′(x)", "The slope: the 'error' the step corrects."),
        Column(
            "step",
            "Δx",
            "The step into this row as realised, x_k − x_(k−1): the number the stop rule "
            "compares with the precision (None on row 0).",
        ),
        Column("d2f", "f″(x)", "Curvature at x."),
        Column(
            "alpha_crit",
            "local α_crit",
            "2/f″(x) where f″ > 0: above 1/f″ a step overshoots here, above 2/f″ it diverges.",
            "%.4g",
        ),
        Column(
            "ratio",
            "ratio",
            "|Δx_k| / |Δx_(k−1)|: below 1 the steps are getting shorter. "
            "None on rows 0 and 1: no step, or no step before it, to compare.",
        ),
        Column(
            "status",
            "status",
            "What the step into this row did: whether f fell or rose, whether f′ "
            "changed sign (the step overshot a point where f′ = 0), whether it was longer or "
            "shorter than the step before.",
            None,
            key=True,
            width="large",
        ),
    )
)
