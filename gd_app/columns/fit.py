"""The fit pages' history columns: one spec for one parameter, one for two."""

from __future__ import annotations

from gd_app.columns import Column, Spec

ITERATION = Column("iteration", "k", "Iteration number; 0 is the start.", "%d", key=True)
J_HELP = "Full-batch cost: half the mean squared error."
ALPHA = Column("alpha", "α", "The learning rate of the step into this row (None on row 0).")
STATUS = Column(
    "status", "status", "How the step into this row went.", None, key=True, width="large"
)


def _ratio(text: str) -> Column:
    return Column("ratio", "ratio", f"{text} None on row 0: nothing came before.")


ONE_PARAMETER = Spec(
    (
        ITERATION,
        Column("theta1", "θ1", "The parameter: the slope of the fitted line.", key=True),
        Column("J", "J(θ1)", J_HELP, key=True),
        Column("grad_theta1", "dJ/dθ1", "Slope of the full-batch cost at θ1."),
        Column(
            "batch_grad_theta1",
            "batch dJ/dθ1",
            "The mini-batch gradient the step into this row used (None on row 0).",
        ),
        Column(
            "step_theta1",
            "Δθ1",
            "The step into this row: −α·(gradient) of the row before (None on row 0).",
        ),
        ALPHA,
        _ratio("|θ1(k) − θ1*| / |θ1(k−1) − θ1*|: below 1 means closer to the best fit θ1*."),
        STATUS,
    )
)

# The descent's own parameters: θ0, θ1, or θ0′, θ1′ when x is standardized (then θ0, θ1
# are the same line in the units of x).
_PARAMETERS = (("theta0_std", "θ0′"), ("theta1_std", "θ1′"), ("theta0", "θ0"), ("theta1", "θ1"))


def _per_parameter(prefix: str, label: str, help: str) -> tuple[Column, ...]:
    return tuple(
        Column(f"{prefix}{name}", label.format(p), help.format(p)) for name, p in _PARAMETERS
    )


TWO_PARAMETERS = Spec(
    (
        ITERATION,
        Column("theta0_std", "θ0′", "θ0′ of h = θ0′ + θ1′·z, z = standardized x.", key=True),
        Column("theta1_std", "θ1′", "θ1′ of h = θ0′ + θ1′·z, z = standardized x.", key=True),
        Column("theta0", "θ0", "Intercept of the fitted line h = θ0 + θ1·x: h at x = 0.", key=True),
        Column(
            "theta1",
            "θ1",
            "Slope of the fitted line h = θ0 + θ1·x: how much h grows per unit of x.",
            key=True,
        ),
        Column("J", "J(θ)", J_HELP, key=True),
        *_per_parameter("grad_", "∂J/∂{}", "Full-batch gradient component along {}."),
        *_per_parameter(
            "batch_grad_",
            "batch ∂J/∂{}",
            "The mini-batch gradient along {} that the step into this row used (None on row 0).",
        ),
        *_per_parameter("step_", "Δ{}", "The step into this row along {} (None on row 0)."),
        ALPHA,
        _ratio("|θ(k) − θ*| / |θ(k−1) − θ*|: below 1 means closer to the best fit θ*."),
        STATUS,
    )
)
