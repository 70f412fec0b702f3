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
    kind: str = "slider"  # slider | number | text
    help: str = ""
    format: str | None = None


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
            help="Data points evenly spaced on [−1, 1]. Large data sets are drawn as a sample.",
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
        "alpha", "learning rate α", 1.15, 0.1, 6.0, 0.05, help="Step size: θ1 := θ1 − α·dJ/dθ1."
    ),
    Control("theta1", "start θ1", 0.0, -0.2, 1.2, 0.05, help="The initial guess for θ1."),
    *_data_controls(),
)

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
    Control("alpha", "learning rate α", 0.7, 0.1, 2.5, 0.1, help="Step size: θj := θj − α·∂J/∂θj."),
    Control("theta0_true", "true θ0 (intercept)", 2.0, -4.0, 4.0, 0.1),
    Control("theta1_true", "true θ1 (slope)", 2.0, -4.0, 4.0, 0.1),
    Control("theta0_start", "start θ0", 0.0, -4.0, 4.0, 0.1),
    Control("theta1_start", "start θ1", 0.0, -4.0, 4.0, 0.1),
    *_data_controls(),
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

SPEED = Control(
    "speed",
    "play speed (frames per second)",
    4,
    1,
    10,
    1,
    help="How many iterates ▶ Play shows per second; slower frames are dropped, not queued.",
)


def defaults(controls: tuple[Control, ...]) -> dict:
    return {c.key: c.default for c in controls}
