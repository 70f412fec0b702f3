"""The verdict's sentences: one plain headline, then the counts and the end point's test.

"Each step" is said only when each step does it; otherwise the counts are given.
"""

from __future__ import annotations

import math

import numpy as np

import gd_core.verdict.point1d as p1
from gd_core.verdict.model import KINDS, Ending, Facts, Outcome, farther, tail
from gd_core.verdict.rates import distinct, g
from gd_core.verdict.sentences import endpoint_sentence, lower_sentence, place
from gd_core.verdict.steps import StepFacts


def _every(mask: np.ndarray) -> bool:
    return bool(len(mask) > 1 and np.all(mask[1:]))


def headline(facts: Facts, steps: StepFacts, outcome: Outcome, key: str, reached: bool) -> str:
    words, n = facts.words, steps.n_steps
    f = words.f
    if facts.ending is Ending.FAULT and outcome is Outcome.STUCK:
        return f"The run stopped at a numerical fault {facts.message}."
    if n == 0:
        return "No step was taken: the table holds the start only."
    downhill = _every(steps.f_change < 0)
    where = _where(facts, steps)
    if not len(steps.active) and facts.minimizer is not None:
        return f"It started at {words.target} and stayed there: every step moved only by rounding."
    if outcome is Outcome.DIRECT:
        if not steps.line_overshot.any() and downhill:
            return f"Each step went downhill without overshooting, and {where}."
        if not steps.line_overshot.any():
            return f"No step overshot, and {where}."
        return f"No step overshot before the run reached {words.target}, and {where}."
    if outcome is Outcome.OVERSHOOT_SETTLE:
        shot = _count(steps.overshot, _overshot_verb(steps))
        if reached:
            return f"{shot}, but the steps got shorter and {where}."
        return f"{shot}, but the steps are getting shorter: the run is settling, and {where}."
    if outcome is Outcome.HOVER:
        return (
            f"The steps came near {words.target} but did not stay there: {key[0].lower()}{key[1:]}"
        )
    if outcome is Outcome.CREEP:
        count = f"{n} step{'' if n == 1 else 's'}"
        lead = "Each step went downhill" if downhill else _overall(facts)
        # "overshot" alone is the line test; a step that only flipped the error's sign along
        # the steepest eigenvector crossed the valley's floor that way, and is said so.
        line = bool(np.all(steps.line_overshot[1:]))
        if _every(steps.overshot) and downhill:
            lead = "Each step went downhill and " + (
                "overshot" if line else "crossed the valley's floor along its steepest direction"
            )
        elif steps.overshot.any():
            lead += f" ({_count(steps.overshot, _overshot_verb(steps)).lower()})"
        if facts.minimizer is None and facts.min_value is None and facts.endpoint is None:
            return f"{lead}, and the run was still going when its {count} ran out: {where}."
        if facts.ending is Ending.RULE_MET:  # the stop rule, not the step count, ended it
            return f"{lead}, but it {facts.message}, short of {words.target}: {where}."
        if not downhill:  # steps that went up too: "too slowly" would be a guess at why
            return f"{lead}, but it did not get there in {count}: {where}."
        return f"{lead}, but too slowly to get there in {count}: {where}."
    if outcome is Outcome.BOUNCE:
        span = ""
        if np.asarray(facts.params).shape[1] == 1:
            last = np.asarray(facts.params)[tail(steps), 0]
            span = f", between about x = {g(last.min(), 3)} and {g(last.max(), 3)},"
            span = _two_cycle(np.asarray(facts.params)[:, 0]) or span
        limit = facts.limit
        if not np.all(steps.overshot[tail(steps)]):  # irregular: no steady back and forth
            where = span.replace("between about", "over the last steps between about")
            return f"The steps jump about{where} without settling. {key}"
        if limit is not None and limit.alpha >= limit.value:  # theory says it can't settle
            return f"The steps bounce back and forth across {words.target}{span} for ever. {key}"
        return f"The steps bounce back and forth{span} without settling. {key}"
    if outcome is Outcome.DIVERGE and facts.ending is Ending.FAULT:
        return (
            "The overshoots grow from step to step, so the run diverges until it stops at a "
            f"numerical fault {facts.message}."
        )
    if outcome is Outcome.DIVERGE and facts.no_minimum:
        return f"{f} rose: {key}"
    if outcome is Outcome.DIVERGE and not _grew_each(steps):
        return f"The run diverges: {key[0].lower()}{key[1:]}"
    if outcome is Outcome.DIVERGE:
        return f"The overshoots grow from step to step, so the run diverges. {key}"
    if outcome is Outcome.RUN_OFF and facts.no_minimum and facts.ending is Ending.FAULT:
        return (
            f"{f} fell from {g(facts.values[0])} to {g(facts.values[-1])}, and {key} The run "
            f"stopped at a numerical fault {facts.message}."
        )
    if outcome is Outcome.RUN_OFF and facts.no_minimum:
        return f"{f} fell from {g(facts.values[0])} to {g(facts.values[-1])}, and {key}"
    if outcome is Outcome.RUN_OFF and facts.ending is Ending.FAULT:
        return (
            f"{f} keeps falling the way the run went, so there is no minimum that way: it "
            f"stopped at a numerical fault {facts.message}."
        )
    if outcome is Outcome.RUN_OFF:
        return f"{f} keeps falling the way the run went, so there is no minimum that way: {key}"
    if facts.ending is Ending.FAULT:
        return f"The run stopped at a numerical fault {facts.message}."
    if outcome is Outcome.STUCK and farther(facts) is not None:
        lead = "Each step went downhill" if downhill else _overall(facts)
        return (
            f"{lead}, but the run went away from every known minimum: {key[0].lower()}{key[1:]} "
            f"It stopped at {place(facts.params[-1])}, with {f} = {g(facts.values[-1], 4)}, "
            "where no test confirms a minimum."
        )
    what = KINDS.get(facts.endpoint.kind if facts.endpoint is not None else "", "")
    if what:
        return f"It stopped at {_at_or_next_to(facts)}, which is {what}, not a minimum."
    return f"It stopped at {place(facts.params[-1])}, where no test confirms a minimum."


def _overall(facts: Facts) -> str:
    """ "J fell overall", only where it ended lower than it started."""
    f = facts.words.f
    return (
        f"{f} fell overall" if facts.values[-1] < facts.values[0] else f"{f} did not fall overall"
    )


def _grew_each(steps: StepFacts) -> bool:
    """Each step of the tail overshot and was longer than the one before."""
    rows = tail(steps)
    if len(rows) < 2:
        return False
    return bool(np.all(steps.overshot[rows]) and np.all(steps.step_ratio[rows[1:]] > 1))


def _two_cycle(xs: np.ndarray) -> str:
    """ ", flipping between x = 3 and x = −3 exactly," when the iterates repeat every two
    steps exactly (to the last bit) from some row on, through the last 4 rows at least."""
    same = xs[2:] == xs[:-2]  # row k + 2 equals row k
    if len(xs) < 4 or not same[-2:].all() or xs[-1] == xs[-2]:
        return ""
    start = len(same) - int(np.argmin(same[::-1])) if not same.all() else 0
    since = "" if start == 0 else f" from step {start} on"
    a, b = xs[start], xs[start + 1]
    return f", flipping between x = {g(a, 6)} and x = {g(b, 6)} exactly{since},"


def _at_or_next_to(facts: Facts) -> str:
    """The end point, or "x = 0.03, next to x = 0" when the tested point is not where it stopped."""
    end = np.atleast_1d(facts.params[-1])
    where = getattr(facts.endpoint, "where", math.nan)
    if end.size != 1 or not np.isscalar(where) or not math.isfinite(where):
        return place(end)
    if math.isclose(float(end[0]), where, rel_tol=1e-9, abs_tol=1e-12):
        return place(end)
    return f"{place(end)}, next to {place(where)}"


def _overshot_verb(steps: StepFacts) -> str:
    """ "overshot" when every step counted passed the line test; else say what they did."""
    if np.array_equal(steps.overshot, steps.line_overshot):
        return "overshot"
    return "crossed the valley's floor, along its own line or its steepest direction"


def _count(mask: np.ndarray, verb: str) -> str:
    n = len(mask) - 1
    k = int(np.count_nonzero(mask[1:]))
    if k == n:
        return f"Each step {verb}"
    return f"{k} of {n} steps {verb}"


def _where(facts: Facts, steps: StepFacts) -> str:
    """Where the run ended, in a clause: distance to θ*, or the end point's kind."""
    words, f = facts.words, facts.words.f
    if facts.minimizer is not None:
        d = steps.distance[-1]
        if d <= facts.floor:
            return f"it ended at {words.target}, to rounding"
        ended, began = distinct(d, steps.distance[0])
        return (
            f"it ended {ended} from {words.target} (it started {began} away), with "
            f"{f} = {g(facts.values[-1], 4)}"
        )
    point = facts.endpoint
    end = place(facts.params[-1])
    if point is not None and point.kind == p1.MINIMUM:
        local = "local " if facts.lower is not None or not facts.view else ""
        if facts.view and facts.lower is None:
            return f"it ended at {end}, next to a minimum that is the lowest point in view"
        return f"it ended at {end}, next to a {local}minimum"
    return f"it ended at {end} with {f} = {g(facts.values[-1], 4)}"


def counts(facts: Facts, steps: StepFacts) -> str:
    """What the steps did, counted over the steps not lost in rounding at θ*."""
    active = steps.active
    if not len(active):
        return ""
    f, n = facts.words.f, len(active)
    fell = int(np.count_nonzero(steps.f_change[active] < 0))
    rose = int(np.count_nonzero(steps.f_change[active] > 0))
    jumps = np.intersect1d(active, np.asarray(facts.breaks, dtype=int))
    shots = np.setdiff1d(active[steps.overshot[active]], jumps)
    shot = len(shots)
    which = ""
    if 0 < len(shots) <= 5 and len(shots) < n:
        which = f" ({_plural_rows(shots)})"
    parts = [
        _tally(fell, n, f"{f} fell on"),
        _tally(rose, n, f"{f} rose on"),
        _tally(shot, n, "overshot") + which,
    ]
    if len(jumps):
        parts.append(
            f"{len(jumps)} jumped over a point where f is undefined ({_plural_rows(jumps)})"
        )
    if facts.minimizer is not None:
        closer = int(np.count_nonzero(steps.distance[active] < steps.distance[active - 1]))
        parts.append(_tally(closer, n, f"moved closer to {facts.words.target}"))
    rounding = np.flatnonzero(steps.at_minimum)
    to_the_end = rounding.size and rounding[0] + rounding.size - 1 == steps.n_steps
    whole = "Of the" if n > 1 else "On the"
    text = f"{whole} {_plural(n, 'step')}" + (
        " before it reached " + facts.words.target if to_the_end else ""
    )
    text += ", " + "; ".join(p for p in parts if p) + "."
    if to_the_end:
        text += f" From step {rounding[0]} on it moved only by rounding."
    elif rounding.size:
        text += (
            f" {_plural(rounding.size, 'other step')} moved only by rounding at "
            f"{facts.words.target}."
        )
    return text


def _plural_rows(rows: np.ndarray) -> str:
    return ("step " if len(rows) == 1 else "steps ") + ", ".join(str(int(k)) for k in rows)


def _tally(k: int, n: int, verb: str) -> str:
    """ "J fell on all 14", "3 overshot", "none overshot" ("" for a zero count of the others)."""
    if k == 0:
        return f"none {verb}" if verb == "overshot" else ""
    count = f"all {k}" if k == n and n > 1 else str(k)
    return f"{verb} {count}" if verb.endswith(" on") else f"{count} {verb}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def point_lines(facts: Facts, outcome: Outcome) -> tuple[str, ...]:
    if outcome is Outcome.DIVERGE or (outcome is Outcome.RUN_OFF and facts.endpoint is None):
        return ()  # the last point of a run that keeps going is no place to test
    lines = []
    if facts.endpoint is not None:
        lines.append(endpoint_sentence(facts.endpoint, facts.words))
    if facts.lower is not None:
        lines.append(lower_sentence(facts.lower, facts.words))
    elif (
        facts.view
        and facts.endpoint is not None
        and facts.endpoint.kind == p1.MINIMUM
        and (outcome in (Outcome.DIRECT, Outcome.OVERSHOOT_SETTLE))
    ):
        lines.append(f"A scan of {facts.words.f} over {facts.view} finds no lower point.")
    return tuple(lines)


def stop_line(facts: Facts) -> str:
    return f"The run {facts.message}." if facts.ending is not Ending.FAULT else ""
