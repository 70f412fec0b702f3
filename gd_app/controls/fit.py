"""The fit pages' controls: the data, the start, the learning rate and its schedule."""

from __future__ import annotations

from gd_app.controls.base import Control, two_digit_values
from gd_core.schedules import SCHEDULES


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
            options=SCHEDULES,
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
        help="How far each step goes: θ1 := θ1 − α·dJ/dθ1.",
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
        help="How far each step goes: θj := θj − α·∂J/∂θj.",
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

DATA = Control(
    "data",
    "data set",
    "line",
    kind="choice",
    options=("line", "penguins", "anscombe", "paste", "upload"),
    help="line: points made up from a true line · penguins: Palmer penguins, body mass "
    "against flipper length · anscombe: Anscombe's quartet · paste: your own two columns · "
    "upload: your own CSV file.",
)
SET = Control(
    "set",
    "Anscombe set",
    "I",
    kind="choice",
    options=("I", "II", "III", "IV"),
    help="Four sets of 11 points with the same least-squares line and very different shapes.",
)
