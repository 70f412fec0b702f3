"""The fit pages' controls for a chosen data set: ranges and defaults taken from the data.

On generated data the controls are those of :mod:`gd_app.controls`. On a real or
visitor's data set the settings of the generated line (m, noise, seed, its true
θ and x range) don't apply and are not shown; α spans from below 0.01·α_crit to
1.3·α_crit or more, for the data as it is and (on the two-parameter page)
standardized; the start θ spans about twice the best fit θ* either way of 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from gd_app.controls import Control
from gd_core.data import DataSet
from gd_core.linear import LeastSquares, Standardization, design_matrix

GENERATED_ONLY = ("m", "noise", "seed", "x_low", "x_high", "theta0_true", "theta1_true")
# Default α as a fraction of α_crit: α = 1.15 with α_crit = 5.43 on one parameter; on two,
# close below α_crit, as in the narrow-valley example (x from 9 to 11, α = 0.018 with
# α_crit = 0.0197), so a narrow valley's zig-zag shows.
DEFAULT_FRACTION = {False: 0.21, True: 0.9}
# Standardized (κ = 1, α_crit = 2): α = 0.7, as the "standardized" suggestion uses, so the
# steps head straight for the minimum.
STANDARDIZED_FRACTION = 0.35


@dataclass(frozen=True)
class DataFacts:
    """What the ranges are made from: θ* and α_crit = 2/λmax, as is and standardized."""

    solution: np.ndarray
    critical: float
    critical_standardized: float | None
    solution_standardized: np.ndarray | None = None  # θ′* of h = θ0′ + θ1′·z


@lru_cache(maxsize=16)
def facts(data: DataSet, *, intercept: bool) -> DataFacts:
    fit = LeastSquares.from_data(design_matrix(data.x, intercept=intercept), data.y)
    critical = 2.0 / float(np.linalg.eigvalsh(fit.hessian)[-1])
    standardized = solution = None
    if intercept:
        z = Standardization.of(data.x).apply(data.x)
        scaled = LeastSquares.from_data(design_matrix(z, intercept=True), data.y)
        standardized = 2.0 / float(np.linalg.eigvalsh(scaled.hessian)[-1])
        solution = scaled.solution
    return DataFacts(fit.solution, critical, standardized, solution)


def two_digit_grid(low: float, high: float) -> tuple[float, ...]:
    """Every number with two significant digits (1.0, 1.1, … 9.9 per decade) in [low, high]."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    values = {
        float(f"{digits / 10}e{exponent}")
        for exponent in range(first, last + 1)
        for digits in range(10, 100)
    }
    return tuple(sorted(v for v in values if low <= v <= high))


def _two_digits_up(value: float) -> float:
    """The smallest number with two significant digits that is ≥ value."""
    exponent = math.floor(math.log10(value)) - 1
    return math.ceil(value / 10.0**exponent * (1 - 1e-12)) * 10.0**exponent


def alpha_options(critical: tuple[float, ...]) -> tuple[float, ...]:
    """From the power of ten below 0.01·min α_crit to the first two-digit value ≥ 1.3·max α_crit."""
    low = 10.0 ** math.floor(math.log10(0.01 * min(critical) * (1 - 1e-9)))
    high = _two_digits_up(1.3 * max(critical))
    return two_digit_grid(low, high * (1 + 1e-12))


def _nice_up(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^k that is ≥ value."""
    exponent = math.floor(math.log10(value))
    for mantissa in (1, 2, 5, 10):
        if mantissa * 10.0**exponent >= value * (1 - 1e-12):
            return float(f"{mantissa}e{exponent}")
    raise AssertionError("unreachable")


def _start(key: str, label: str, best: float, scale: float, *, guess: bool = False) -> Control:
    """A start slider over ±(about 2.4·|best|); at 0, or (``guess``) at best rounded to one
    significant digit, a rough first guess."""
    reach = _nice_up(max(2.4 * abs(best), scale, 1e-12))
    step = reach / 100
    default = 0.0
    if guess and best:
        rough = float(f"{best:.0e}")
        default = float(f"{round(rough / step) * step:.12g}")
    return Control(
        key,
        label,
        default,
        -reach,
        reach,
        step,
        help=f"The initial guess; the range reaches about twice the best fit ({best:.4g}) "
        "either way of 0.",
    )


def data_alpha_options(data: DataSet, *, intercept: bool) -> tuple[float, ...]:
    """The values the α control takes for ``data`` (as it is and, with an intercept,
    standardized)."""
    known = facts(data, intercept=intercept)
    crits = (known.critical,) + (
        (known.critical_standardized,) if known.critical_standardized else ()
    )
    return alpha_options(crits)


def data_controls(
    controls: tuple[Control, ...], data: DataSet, *, intercept: bool, standardized: bool = False
):
    """``controls`` for ``data``: generated-line settings dropped, ranges from the data.

    ``standardized`` (with an intercept): the run descends on z = (x − mean)/std, so α's
    default and the starts follow the standardized data's α_crit and θ′*."""
    known = facts(data, intercept=intercept)
    options = data_alpha_options(data, intercept=intercept)
    solution, sx = known.solution, float(np.std(data.x))
    target = DEFAULT_FRACTION[intercept] * known.critical
    if standardized and intercept and known.critical_standardized:
        target = STANDARDIZED_FRACTION * known.critical_standardized
        solution, sx = known.solution_standardized, 1.0
    default = min(options, key=lambda v: abs(math.log10(v) - math.log10(target)))
    sy = float(np.std(data.y))
    scale0 = max(sy, float(np.max(np.abs(data.y))))
    scale1 = sy / sx if sx > 0 else 1.0
    changed = []
    for control in controls:
        if control.key in GENERATED_ONLY:
            continue
        if control.key == "alpha":
            control = replace(
                control,
                default=default,
                low=options[0],
                high=options[-1],
                step=None,
                kind="select",
                options=options,
                help=control.help.split(". ")[0].rstrip(".")
                + f". Every value with two significant digits from {options[0]:.2g} to "
                f"{options[-1]:.2g}: from below 0.01·α_crit to past 1.3·α_crit for this data"
                + (", as it is and standardized." if intercept else "."),
            )
        elif control.key == "theta1" and not intercept:
            control = _start("theta1", control.label, float(solution[0]), scale1)
        elif control.key == "theta0_start":
            # θ0 starts at a rough guess of the intercept, θ1 at 0: with x far from 0 the
            # steps then zig-zag across the valley in view, and stall on its floor.
            control = _start("theta0_start", control.label, float(solution[0]), scale0, guess=True)
        elif control.key == "theta1_start":
            control = _start("theta1_start", control.label, float(solution[1]), scale1)
        elif control.key == "batch":
            control = replace(control, high=len(data))
        changed.append(control)
    return tuple(changed)


def hidden_values(controls: tuple[Control, ...]) -> dict:
    """The defaults of the generated-line settings a data set's page does not show."""
    return {c.key: c.default for c in controls if c.key in GENERATED_ONLY}
