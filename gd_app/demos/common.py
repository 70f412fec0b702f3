"""What every demo's view model shares: the Demo a page shows, number formats, run caches.

A page calls exactly one view-model function (wrapped in ``st.cache_data``) and
shows what it returns: no maths and no drawing happen in the pages.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from gd_app.tables import StepVerdicts
from gd_core.analysis import run_verdict
from gd_core.descent import StopReason, Trajectory


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    help: str = ""


@dataclass(frozen=True)
class Picture:
    """A rendered figure (PNG bytes, ``width`` pixels wide) and its alt text."""

    png: bytes
    alt: str
    width: int


@dataclass(frozen=True)
class Demo:
    """What a page shows beside the figure: table, metrics and the sentences that explain them."""

    table: pd.DataFrame
    metrics: tuple[Metric, ...]
    verdict: str  # what happened, for a student
    tone: str  # success | warning | error: how the verdict is shown
    stop: str  # why the run stopped
    fault: bool  # the run ended in a numerical fault
    rates: str = ""  # the learning-rate verdict (fits only)
    alpha_note: str = ""  # learning-rate limits, shown under the α slider
    notes: tuple[str, ...] = ()
    latex: tuple[str, ...] = ()  # f, f′, f″ (symbolic only), one LaTeX line each
    details: tuple[tuple[str, str], ...] = ()  # (title, full text) shown on request


def fmt(value: float) -> str:
    """Six significant digits, four when an exponent is needed (so a metric fits its column)."""
    value = float(value) + 0.0  # no "-0"
    return f"{value:.4g}" if value and not 1e-4 <= abs(value) < 1e6 else f"{value:.6g}"


def cache_by_name(*, maxsize: int):
    """``lru_cache`` for keyword-only functions, keyed in signature order, defaults filled in.

    Plain ``lru_cache`` keys keyword arguments in call order, so a page's table
    (called by name) and its picture (called with ``**params`` in the controls'
    order) would miss each other and run the same descent twice.
    """

    def decorate(function):
        signature = inspect.signature(function)
        names = list(signature.parameters)
        by_position = lru_cache(maxsize=maxsize)(
            lambda *values: function(**dict(zip(names, values, strict=True)))
        )

        @functools.wraps(function)
        def call(**kwargs):
            bound = signature.bind(**kwargs)
            bound.apply_defaults()
            return by_position(*bound.arguments.values())

        call.cache_info = by_position.cache_info
        return call

    return decorate


def run_summary(
    verdicts: StepVerdicts,
    trajectory: Trajectory,
    measure: str = "distance",
    curvature: float = float("nan"),
) -> dict:
    fault = trajectory.reason is StopReason.FAULT
    verdict, tone = run_verdict(
        list(verdicts.statuses), trajectory.message, fault=fault, measure=measure
    )
    if measure == "slope" and trajectory.reason is StopReason.MAX_STEPS:
        slope = abs(trajectory.grads[-1, 0])
        verdict += (
            f" The slope there is still |f′| = {slope:.3g}: more steps may be needed, or f may "
            "have no minimum this way at all (like exp(x), which only flattens out)."
        )
        tone = "warning"
    elif measure == "slope" and not fault and not curvature > 0:
        # f′ = 0 alone does not make a minimum: cos(x) from 0 sits on a maximum.
        verdict += (
            f" But f″ there is {curvature:.3g}, not positive: this flat point is a maximum or "
            "an inflection, not a minimum. Start a little to one side to roll away from it."
            if np.isfinite(curvature)
            else " f″ can't be evaluated there, so this may not be a minimum."
        )
        tone = "warning"
    return dict(verdict=verdict, tone=tone, stop=trajectory.message, fault=fault)


def highlighted_row(step: int, trajectory: Trajectory) -> int:
    return min(max(int(step), 0), len(trajectory.values) - 1)
