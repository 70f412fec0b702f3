"""The verdict engine's vocabulary: what it reads (:class:`Facts`) and what it returns
(:class:`Verdict`, with the whole run's :class:`Outcome`)."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

import numpy as np

import gd_core.verdict.point1d as p1
import gd_core.verdict.point2d as p2
from gd_core.descent import StopReason
from gd_core.verdict.steps import StepFacts, norms


class Outcome(enum.Enum):
    CREEP = "creeps towards the minimum"
    DIRECT = "gets there without overshooting"
    OVERSHOOT_SETTLE = "overshoots but settles"
    BOUNCE = "bounces for ever"
    HOVER = "hovers near the minimum without settling"
    DIVERGE = "diverges"
    RUN_OFF = "runs off"
    STUCK = "stops somewhere that is not a minimum"


class Ending(enum.Enum):
    RULE_MET = "the page's stop rule was met"
    OUT_OF_STEPS = "took every step allowed"
    FAULT = "numerical fault"


def ending_of(reason: StopReason) -> Ending:
    """How a run of :func:`gd_core.descent.descend` ended."""
    return {
        StopReason.PRECISION: Ending.RULE_MET,
        StopReason.GRADIENT: Ending.RULE_MET,
        StopReason.MAX_STEPS: Ending.OUT_OF_STEPS,
        StopReason.FAULT: Ending.FAULT,
    }[reason]


@dataclass(frozen=True)
class Limit:
    """A step-size limit the page can state: α above ``value`` can't settle (``name`` is how
    it reads, e.g. "α_crit" or "2/f″(2.25)"); ``exact`` when the theory is exact for this run
    (a quadratic at a constant α with full-batch steps), not only near a minimum."""

    alpha: float
    value: float
    name: str
    exact: bool = False
    eigenvalues: tuple[float, ...] = ()  # of a quadratic's Hessian, when ``exact``


@dataclass(frozen=True)
class Words:
    f: str = "f"  # the value's name: "J" on the fit pages
    target: str = "the minimum"  # what a converging run approaches


@dataclass(frozen=True)
class Facts:
    """What the engine reads: a run's own table and what the page knows for sure.

    goal_fraction: with ``min_value`` known and no stop rule of its own, the run reached its
    goal when f − f* fell to this fraction of its value at the start.
    """

    params: np.ndarray
    values: np.ndarray
    grads: np.ndarray
    ending: Ending
    message: str
    words: Words = Words()
    minimizer: np.ndarray | None = None
    minima: np.ndarray | None = None  # (k, p) known minima of a non-quadratic f (the lab's presets)
    min_value: float | None = None
    eigenvectors: np.ndarray | None = None
    floor: float = 0.0
    limit: Limit | None = None
    endpoint: p1.EndPoint | p2.EndPoint2 | None = None
    lower: tuple | None = None  # ((x, …), f) of a lower point elsewhere in view
    view: str = ""  # the figure's range in words, for "the lowest point in view"
    runs_off: str = ""  # a stated check that f keeps falling the way the run went
    goal_fraction: float = 1e-3
    no_minimum: str = ""  # a stated fact that f has no minimum at all (an indefinite quadratic)
    breaks: tuple[int, ...] = ()  # rows whose step jumped over a point where f is undefined


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    key_reason: str  # one plain sentence why
    headline: str  # one plain sentence for a first-year student
    details: tuple[str, ...]  # the numbers behind it
    tone: str  # success | warning | error
    steps: StepFacts = field(repr=False)
    reached: bool = False

    @property
    def text(self) -> str:
        return " ".join((self.headline, *self.details))


CLOSE = 0.1  # with θ* known, the goal also needs |θ − θ*| down to this fraction of the start's
TAIL = 6  # the last steps looked at for bouncing or growing
STEADY = 0.01  # a tail whose steps change by less than 1 % a step neither settles nor grows
BLOWN = 10.0  # ended this many times as far from θ* as it started, higher in f: it blew up
CYCLE_WINDOW = 40  # the last rows whose halves' lows are compared for a cycle
DRIFT = 0.05  # a cycle's lows fall by less than this part of its swing in f


def tail(steps: StepFacts) -> np.ndarray:
    return steps.active[-TAIL:]


def trend(steps: StepFacts, rows: np.ndarray) -> float:
    """Geometric-mean ratio of step lengths over ``rows`` (nan with fewer than 2)."""
    if len(rows) < 2:
        return math.nan
    first, last = steps.step[rows[0]], steps.step[rows[-1]]
    if not first > 0 or not np.isfinite(last):
        return math.nan
    with np.errstate(all="ignore"):
        return float((last / first) ** (1 / (len(rows) - 1)))


KINDS = {
    p1.MAXIMUM: "a maximum",
    p1.INFLECTION: "a flat inflection point",
    p1.FALLING: "on a slope where f still falls",
    p2.SADDLE: "a saddle",
}


def farther(facts: Facts) -> tuple[float, float] | None:
    """(distance at the end, at the start) to the nearest of f's known minima, when the run
    ended farther from them than it started; None otherwise (or with none known)."""
    if facts.minima is None or not len(facts.minima) or not len(facts.values):
        return None
    params = np.asarray(facts.params, dtype=float).reshape(len(facts.values), -1)
    minima = np.asarray(facts.minima, dtype=float).reshape(-1, params.shape[1])
    end, start = (float(np.min(norms(minima - params[i]))) for i in (-1, 0))
    return (end, start) if end > start else None
