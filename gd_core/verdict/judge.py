"""The whole run: its :class:`Outcome`, the tone it is shown in, and the sentences that say why.

Every sentence is built from facts of the run (:mod:`.steps`) and of what the page knows
for sure (θ*, a step-size limit, the end point's stated test). "Each step" is said only
when each step does it; otherwise the counts are given, and what the run did in the end.

The tone follows how the run ended: success only when it reached its goal (the page's stop
rule, or most of the way down to a known least value), ended lower than it started, at a
verified minimum, and not above a step-size limit the page states.
"""

from __future__ import annotations

import math

import numpy as np

import gd_core.verdict.point1d as p1
import gd_core.verdict.point2d as p2
from gd_core.verdict.model import (
    BLOWN,
    CLOSE,
    CYCLE_WINDOW,
    DRIFT,
    KINDS,
    STEADY,
    TAIL,
    Ending,
    Facts,
    Limit,
    Outcome,
    Verdict,
    Words,
    ending_of,
    farther,
    tail,
    trend,
)
from gd_core.verdict.rates import distinct, factor, g, versus
from gd_core.verdict.steps import EPS, StepFacts, step_facts
from gd_core.verdict.wording import counts, headline, point_lines, stop_line


def judge(facts: Facts) -> Verdict:
    steps = step_facts(
        facts.params,
        facts.values,
        facts.grads,
        minimizer=facts.minimizer,
        eigenvectors=facts.eigenvectors,
        floor=facts.floor,
    )
    reached = _reached(facts, steps)
    outcome, key = _outcome(facts, steps, reached)
    if facts.minimizer is not None and steps.n_steps and not len(steps.active):
        key = "It started within rounding of the minimum, where the gradient is 0 to rounding."
    sentence = headline(facts, steps, outcome, key, reached)
    details = tuple(
        filter(None, (counts(facts, steps), *point_lines(facts, outcome), stop_line(facts)))
    )
    tone = _tone(facts, steps, outcome, reached)
    return Verdict(outcome, key, sentence, details, tone, steps, reached)


# ---------------------------------------------------------------- deciding
def _reached(facts: Facts, steps: StepFacts) -> bool:
    """The run got where it was going: its stop rule was met, or (no stop rule of its own)
    f − f* fell to goal_fraction of where it started, or it ended within rounding of θ*."""
    if facts.ending is Ending.RULE_MET:
        return True
    if facts.ending is Ending.FAULT or facts.min_value is None or not len(facts.values):
        return False
    if facts.minimizer is not None and steps.distance[-1] <= facts.floor:
        return True
    start, end = (float(facts.values[i]) - facts.min_value for i in (0, -1))
    if facts.minimizer is not None and not steps.distance[-1] <= CLOSE * steps.distance[0]:
        return False
    return end <= facts.goal_fraction * start


def _growing(facts: Facts, steps: StepFacts) -> bool:
    """The history shows divergence: over the tail each step overshot and was longer than
    the one before, and the run ended farther from θ* (or higher in f) than it started."""
    rows = tail(steps)
    if len(rows) < 2:
        return False
    longer = np.all(steps.step_ratio[rows[1:]] > 1)
    if facts.minimizer is not None:
        ended = steps.distance[-1] > steps.distance[0]
    else:
        ended = facts.values[-1] > facts.values[0]
    return bool(longer and np.all(steps.overshot[rows]) and ended)


def _blew_up(facts: Facts, steps: StepFacts) -> bool:
    """With θ* known: the run ended more than BLOWN times as far from it as it started, and
    higher in f. Not each step grew (mini-batch steps go up and down), but the run did."""
    if facts.minimizer is None or not len(facts.values):
        return False
    far = steps.distance[-1] > BLOWN * max(steps.distance[0], facts.floor)
    return bool(far and facts.values[-1] > facts.values[0])


def _bouncing(facts: Facts, steps: StepFacts, reached: bool) -> bool:
    rows = tail(steps)
    if reached or len(rows) < min(TAIL, 3) or not np.all(steps.overshot[rows]):
        return False
    ratio = trend(steps, rows)
    if not np.isfinite(ratio) or ratio > 1 + STEADY:
        return False
    limit = facts.limit
    if limit is not None and math.isfinite(limit.value):
        return limit.alpha >= limit.value
    # without a limit to compare with: a cycle comes back to the same f, so a tail in which
    # f fell at every step (as a line search makes it) is no bounce, however steady its steps,
    # and neither is one whose lows keep falling (a zig-zag that creeps along a valley)
    if not ratio >= 1 - STEADY or np.all(steps.f_change[rows] < 0):
        return False
    return _no_drift(np.asarray(facts.values, dtype=float)[-CYCLE_WINDOW:])


def _no_drift(values: np.ndarray) -> bool:
    """The lows of the second half of ``values`` are no lower than those of the first half,
    beyond a small part of the swing between its highs and lows: f comes back to itself."""
    half = len(values) // 2
    if half < 2 or not np.all(np.isfinite(values)):
        return False
    swing = float(values.max() - values.min())
    return bool(values[half:].min() >= values[:half].min() - DRIFT * swing)


def _jumping(facts: Facts, steps: StepFacts) -> bool:
    """α is above the local limit of the minimum next to the end point, and steps of the
    tail overshot: the run jumps about and can't settle there, even where its steps don't
    repeat (x³ − 3x at α = 0.5 wanders around its minimum at 1)."""
    point = facts.endpoint
    verified = point is not None and point.kind == p1.MINIMUM
    return bool(verified and steps.overshot[tail(steps)].any())


def _settling_shown(facts: Facts, steps: StepFacts) -> bool:
    """A run that did not reach its goal may be called settling only where something beyond
    its shrinking steps shows it: the exact theory of a quadratic at a constant α below its
    limit, where what is left of the error lies mostly along a direction in which each step
    overshoots (1 − αλ < 0; else the run creeps along a flat one), or, without the
    eigenvalues, has closed most of its distance to θ*; or a last step that overshot a
    minimum the end point's test verified."""
    limit, point = facts.limit, facts.endpoint
    if limit is not None and limit.exact and limit.alpha < limit.value:
        if facts.minimizer is None:
            return True
        if limit.eigenvalues and facts.eigenvectors is not None:
            error = np.asarray(facts.params[-1], dtype=float) - facts.minimizer
            parts = np.abs(error @ np.asarray(facts.eigenvectors, dtype=float))
            main = int(np.argmax(parts))
            return bool(1 - limit.alpha * limit.eigenvalues[main] < 0)
        return bool(steps.distance[-1] <= CLOSE * steps.distance[0])
    verified = point is not None and point.kind in (p1.MINIMUM, p2.MINIMUM)
    return bool(verified and steps.line_overshot[-1])


def _outcome(facts: Facts, steps: StepFacts, reached: bool) -> tuple[Outcome, str]:
    point, limit = facts.endpoint, facts.limit
    above = limit is not None and limit.alpha > limit.value
    if facts.ending is Ending.FAULT:
        if _growing(facts, steps) or (above and _steep_grew(facts, steps)):
            return Outcome.DIVERGE, _limit_reason(limit) or _grew_reason(steps)
        if facts.runs_off:
            return Outcome.RUN_OFF, facts.no_minimum or facts.runs_off
        if facts.no_minimum and facts.values[-1] < facts.values[0]:
            return Outcome.RUN_OFF, facts.no_minimum
        return Outcome.STUCK, f"The run ended in a numerical fault {facts.message}."
    if facts.runs_off:
        return Outcome.RUN_OFF, facts.no_minimum or facts.runs_off
    if facts.no_minimum and facts.ending is not Ending.RULE_MET:
        if facts.values[-1] < facts.values[0]:
            return Outcome.RUN_OFF, facts.no_minimum
        return Outcome.DIVERGE, facts.no_minimum
    if limit is not None and limit.exact and above and _steep_grew(facts, steps):
        return Outcome.DIVERGE, _limit_reason(limit)
    if limit is not None and limit.exact and limit.alpha == limit.value and not reached:
        return Outcome.BOUNCE, _limit_reason(limit)
    if _growing(facts, steps):
        return Outcome.DIVERGE, _limit_reason(limit) if above else _grew_reason(steps)
    if not reached and _blew_up(facts, steps):
        d1, d0 = distinct(steps.distance[-1], steps.distance[0])
        return Outcome.DIVERGE, (
            f"Over the run the distance to {facts.words.target} grew from {d0} to {d1}, and "
            f"{facts.words.f} rose from {g(facts.values[0], 4)} to {g(facts.values[-1], 4)}."
        )
    if _bouncing(facts, steps, reached):
        at_or_above = limit is not None and limit.alpha >= limit.value
        return Outcome.BOUNCE, _limit_reason(limit) if at_or_above else _bounce_reason(steps)
    if above and not reached and _jumping(facts, steps):
        return Outcome.BOUNCE, _limit_reason(limit)
    if point is not None and point.kind not in (p1.MINIMUM, p1.FALLING):
        return Outcome.STUCK, _kind_reason(point)
    if point is not None and point.kind == p1.FALLING:
        flat = getattr(point, "flat_ahead", None) or {}
        if flat.get("kind") == p1.INFLECTION:
            return Outcome.STUCK, (
                f"f still falls where the run stopped, towards x = {g(flat['where'], 6)}, a flat "
                "inflection point where the steps slow down: not a minimum."
            )
        if getattr(point, "probe_change", None) is None and flat.get("kind") != p1.MINIMUM:
            return Outcome.STUCK, _kind_reason(point)
        return Outcome.CREEP, "f still falls where the run stopped; a minimum lies further on."
    overshot = bool(steps.overshot.any())
    if reached:
        outcome = Outcome.OVERSHOOT_SETTLE if overshot else Outcome.DIRECT
        return outcome, _settle_reason(facts, steps, overshot)
    away = farther(facts)
    if away is not None:
        end, start = distinct(*away)
        return Outcome.STUCK, (
            f"It ended {end} from the nearest known minimum, farther than at the start ({start})."
        )
    shrinking = trend(steps, tail(steps)) < 1 - STEADY
    if overshot and shrinking and _settling_shown(facts, steps):
        return Outcome.OVERSHOOT_SETTLE, _settle_reason(facts, steps, overshot)
    hover = _hover_reason(facts, steps)
    if hover:
        return Outcome.HOVER, hover
    return Outcome.CREEP, _creep_reason(facts, steps)


def _hover_reason(facts: Facts, steps: StepFacts) -> str:
    """With θ* known: why the run hovers ("" if it doesn't). It came within CLOSE of its
    start's distance to θ*, then moved away again (it ended more than twice as far as its
    closest), with f rising on at least a quarter of the last half's steps (noisy
    mini-batch steps do this at a constant α)."""
    if facts.minimizer is None or steps.n_steps < 2 * TAIL:
        return ""
    distance = steps.distance
    closest = int(np.nanargmin(distance))
    rose = int(np.count_nonzero(steps.f_change[len(steps.f_change) // 2 :] > 0))
    late = len(steps.f_change) - len(steps.f_change) // 2
    came_near = distance[closest] <= CLOSE * distance[0]
    left_again = distance[-1] > 2 * max(distance[closest], facts.floor)
    if not (came_near and left_again and rose >= late / 4):
        return ""
    near, end = distinct(distance[closest], distance[-1])
    return (
        f"It came within {near} of {facts.words.target} at step {closest}, then moved away "
        f"again: {facts.words.f} rose on {rose} of the last {late} steps, and it ended {end} away."
    )


def _steep_grew(facts: Facts, steps: StepFacts) -> bool:
    """Along the steepest eigenvector the error grew over the run (beyond rounding)."""
    if facts.minimizer is None or facts.eigenvectors is None or len(facts.params) < 2:
        return False
    errors = np.asarray(facts.params, dtype=float) - facts.minimizer
    steep = np.abs(errors @ np.asarray(facts.eigenvectors, dtype=float)[:, -1])
    return bool(steep[-1] > max(steep[0], facts.floor))


# ---------------------------------------------------------------- one sentence why
def _limit_reason(limit: Limit | None) -> str:
    if limit is None or not math.isfinite(limit.value):
        return ""
    a, v = distinct(limit.alpha, limit.value)
    if limit.alpha > limit.value:
        return f"α = {a} is above {limit.name} = {v}, the largest α at which the steps can settle."
    if limit.alpha == limit.value:
        return f"α = {a} equals {limit.name}: at it the overshoots neither shrink nor grow."
    return (
        f"α = {a} {versus(limit.alpha, limit.value)} {limit.name} = {v}, so the steps can settle."
    )


def _grew_reason(steps: StepFacts) -> str:
    return f"Each of the last {len(tail(steps))} steps overshot and was longer than the one before."


def _bounce_reason(steps: StepFacts) -> str:
    rows = tail(steps)
    return (
        f"Each of the last {len(rows)} steps overshot, and their lengths changed by less than "
        f"{STEADY:.0%} a step (ratio {g(trend(steps, rows), 4)})."
    )


def _kind_reason(point) -> str:
    what = KINDS.get(point.kind, "a point that no test shows to be a minimum")
    if point.kind == p2.FLAT:
        what = "a flat point that second derivatives can't classify"
    return f"The end point is {what}, by the test stated below."


def _settle_reason(facts: Facts, steps: StepFacts, overshot: bool) -> str:
    limit = facts.limit
    if limit is not None and limit.eigenvalues and limit.alpha < limit.value:
        calm = 1 / limit.eigenvalues[-1]
        name = "1/λ" if len(limit.eigenvalues) == 1 else "1/λmax"
        a, c, v = distinct(limit.alpha, calm, limit.value)
        # λmax from eigh carries rounding: α = 1 on a Hessian that is I must read "at most".
        if limit.alpha <= calm * (1 + 8 * EPS):
            return f"α = {a} is at most {name} = {c}, so no step overshoots, from any start."
        return (
            f"α = {a} is between {name} = {c} and {limit.name} = {v}: steps overshoot along "
            "the steepest direction, but each overshoot is smaller than the last."
        )
    if limit is not None and math.isfinite(limit.value):
        return _limit_reason(limit)
    if overshot:
        return "Some steps overshot, but the steps got shorter and the run settled."
    return "No step overshot."


def _creep_reason(facts: Facts, steps: StepFacts) -> str:
    limit = facts.limit
    if limit is not None and limit.eigenvalues and limit.alpha < limit.value:
        low, high = limit.eigenvalues[0], limit.eigenvalues[-1]
        slow = abs(1 - limit.alpha * low)
        kappa = f"κ = λmax/λmin = {g(high / low, 3)}" if len(limit.eigenvalues) > 1 else ""
        head = f"{kappa}: " if kappa else ""
        return (
            f"{head}along the flattest direction each step keeps a fraction "
            f"|1 − αλmin| = {factor(slow)} of the error, so the steps shrink it slowly."
        )
    if limit is not None and math.isfinite(limit.value) and limit.alpha < limit.value:
        a, v = distinct(limit.alpha, limit.value)
        return (
            f"α = {a} is below {limit.name} = {v}, so the steps can settle, but so close to it "
            "that each step removes only a little of the distance left."
            if limit.alpha > 0.9 * limit.value
            else f"α = {a} is below {limit.name} = {v}; its steps ran out before it got there."
        )
    return "Its steps ran out before it got there."


# ---------------------------------------------------------------- sentences
def _tone(facts: Facts, steps: StepFacts, outcome: Outcome, reached: bool) -> str:
    if facts.ending is Ending.FAULT or outcome is Outcome.DIVERGE:
        return "error"
    if outcome not in (Outcome.DIRECT, Outcome.OVERSHOOT_SETTLE) or not reached:
        return "warning"
    if facts.limit is not None and facts.limit.alpha > facts.limit.value:
        return "warning"
    if len(facts.values) and facts.values[-1] > facts.values[0]:
        return "warning"
    if facts.minimizer is not None and steps.distance[-1] > max(steps.distance[0], facts.floor):
        return "warning"
    point = facts.endpoint
    if point is not None and point.kind != p1.MINIMUM:
        return "warning"
    return "success"


__all__ = ["Ending", "Facts", "Limit", "Outcome", "Verdict", "Words", "ending_of", "judge"]
