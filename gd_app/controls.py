"""Every control's public key, range and default, in one place.

Keys are public: they are the URL parameters of a shared link. Ranges bound
the work of one rerun; defaults are the seeds' values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Control:
    key: str
    label: str
    default: float | int | str
    low: float | int | None = None
    high: float | int | None = None
    step: float | int | None = None
    kind: str = "slider"  # slider | number | text | select (a select slider) | choice | toggle
    help: str = ""
    format: str | None = None
    options: tuple = ()  # the values of a select slider or a choice


def two_digit_values(low: float, high: float) -> tuple[float, ...]:
    """Every number with two significant digits from ``low`` to ``high``: 1.0, 1.1, … 9.9 per
    decade, so a select slider over them moves in steps of 1 % to 10 % across many decades."""
    values = {
        float(f"{digits / 10}e{exponent}")
        for exponent in range(-12, 4)
        for digits in range(10, 100)
    }
    return tuple(sorted(v for v in values if low <= v <= high))


def _data_controls() -> tuple[Control, ...]:
    return (
        Control(
            "m",
            "number of points m",
            20,
            20,
            100_000,
            10,
            kind="number",
            help="Data points, evenly spaced in x. Large data sets are drawn as a sample.",
        ),
        Control(
            "noise",
            "noise on y (std. dev.)",
            0.0,
            0.0,
            2.0,
            0.05,
            help="Gaussian noise added to y; the best fit θ* then differs from the true θ.",
        ),
        Control(
            "seed",
            "random seed",
            0,
            0,
            9_999,
            1,
            kind="number",
            help="Picks which noise is drawn, so a link always shows the same data.",
        ),
    )


SCHEDULE_NAMES = ("constant", "exponential", "inverse_time", "cosine")


def _descent_controls() -> tuple[Control, ...]:
    """Mini-batches and learning-rate schedules (both fit pages)."""
    return (
        Control(
            "batch",
            "mini-batch size (0 = full batch)",
            0,
            0,
            100_000,
            1,
            kind="number",
            help="Examples per step; each epoch reshuffles them. 0 uses all m points every step. "
            "At most m.",
        ),
        Control(
            "schedule",
            "learning-rate schedule",
            "constant",
            kind="choice",
            options=SCHEDULE_NAMES,
            help="Step k (k = 0 first) uses constant: α · exponential: α·exp(−decay·k) · "
            "inverse_time: α/(1 + decay·k) · cosine: α·(1 + cos(πk/(N − 1)))/2.",
        ),
        Control(
            "decay",
            "decay rate",
            0.1,
            0.0,
            1.0,
            0.01,
            help="How fast the exponential and inverse_time schedules shrink α.",
        ),
    )


ONE_PARAMETER = (
    Control(
        "N",
        "number of iterates N",
        20,
        1,
        1000,
        1,
        help="The start plus N − 1 gradient-descent steps.",
    ),
    Control(
        "alpha",
        "learning rate α",
        1.15,
        0.1,
        8.0,
        0.05,
        help="Step size: θ1 := θ1 − α·dJ/dθ1. Reaches past 1.3·α_crit for every m, so "
        "divergence can always be shown.",
    ),
    Control("theta1", "start θ1", 0.0, -0.2, 1.2, 0.05, help="The initial guess for θ1."),
    *_data_controls(),
    *_descent_controls(),
)

ALPHA_VALUES = two_digit_values(1e-5, 3.0)

TWO_PARAMETERS = (
    Control(
        "N",
        "number of iterates N",
        15,
        2,
        1000,
        1,
        help="The start plus N − 1 gradient-descent steps.",
    ),
    Control(
        "alpha",
        "learning rate α",
        0.7,
        ALPHA_VALUES[0],
        ALPHA_VALUES[-1],
        kind="select",
        options=ALPHA_VALUES,
        help="Step size: θj := θj − α·∂J/∂θj. Every value with two significant digits from "
        "0.00001 to 3, so it spans 0.01·α_crit to 1.3·α_crit for any data range.",
    ),
    Control("theta0_true", "true θ0 (intercept)", 2.0, -4.0, 4.0, 0.1),
    Control("theta1_true", "true θ1 (slope)", 2.0, -4.0, 4.0, 0.1),
    Control("theta0_start", "start θ0", 0.0, -4.0, 4.0, 0.1),
    Control("theta1_start", "start θ1", 0.0, -4.0, 4.0, 0.1),
    Control(
        "x_low",
        "data from x =",
        -1.0,
        -20.0,
        20.0,
        0.5,
        help="The points are evenly spaced from x_low to x_high (x_low < x_high).",
    ),
    Control("x_high", "data to x =", 1.0, -20.0, 20.0, 0.5),
    Control(
        "standardize",
        "standardize x",
        False,
        kind="toggle",
        help="Descend on z = (x − mean)/std (population std): then XᵀX/m is the identity, κ = 1.",
    ),
    *_data_controls(),
    *_descent_controls(),
)

MAX_FORMULA = 200  # characters of f(x); the parser enforces the same bound

SYMBOLIC = (
    Control(
        "f",
        "f(x)",
        "x**2",
        kind="text",
        help="Use x, numbers, + − * / ** (or ^), pi, E and sin, cos, tan, exp, log, sqrt, abs, …",
    ),
    Control("x0", "initial guess x0", 3.0, -1000.0, 1000.0, 0.5, kind="number", format="%.4g"),
    Control(
        "alpha",
        "learning rate α",
        0.1,
        0.0001,
        10.0,
        0.01,
        kind="number",
        format="%.4g",
        help="Step size: x := x − α·f′(x).",
    ),
    Control(
        "precision",
        "precision",
        0.0001,
        1e-12,
        1.0,
        0.00001,
        kind="number",
        format="%.1e",
        help="Stop once a step is smaller than this (the seed's rule).",
    ),
    Control(
        "max_iter",
        "maximum iterations",
        100,
        1,
        10_000,
        1,
        kind="number",
        help="Stop after this many steps even if the steps are still large.",
    ),
)

STEP = Control(
    "step",
    "highlight iterate",
    0,
    0,
    None,
    1,
    help="Pick one iteration: it is marked in every figure and in the table.",
)


def defaults(controls: tuple[Control, ...]) -> dict:
    return {c.key: c.default for c in controls}
