"""Prediction questions and their answer keys, made from runs (never from a lesson file).

:func:`judge_run` is the one adapter from a page's run to an :class:`Outcome` and
one sentence why; questions (:func:`question`) are generated from the same run:

* ``outcome``: "What will this run do?", answered by the run's Outcome;
* ``steps``: "About how many steps to get within 1e-6 of the minimum?", in ranges;
* ``lowest``: "Which method gets lowest in N iterates?" (the optimizer lab).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gd_core.conditioning import TOLERANCE, steps_observed
from gd_core.descent import StopReason
from gd_core.verdict import Outcome

FIT_OUTCOMES = (  # a fit's cost is a bowl: it always has a minimum, and nothing else is flat
    Outcome.CREEP,
    Outcome.DIRECT,
    Outcome.OVERSHOOT_SETTLE,
    Outcome.BOUNCE,
    Outcome.HOVER,
    Outcome.DIVERGE,
)


@dataclass(frozen=True)
class Judgement:
    outcome: Outcome
    reason: str  # one plain sentence why


@dataclass(frozen=True)
class Question:
    kind: str  # outcome | steps | lowest
    prompt: str
    options: tuple[str, ...]
    answer: str  # one of options: what the run did
    reason: str  # one sentence why
    happened: str  # what happened, as a sentence


STEP_RANGES = ("1 to 5", "6 to 20", "21 to 100", "more than 100, or not in this run")


def step_range(steps: int | None) -> str:
    if steps is None or steps > 100:
        return STEP_RANGES[3]
    return STEP_RANGES[0 if steps <= 5 else 1 if steps <= 20 else 2]


# ---------------------------------------------------------------- the adapter
def judge_run(page: str, values: dict, method: str | None = None) -> Judgement:
    """The one adapter from a page's settings (through its run) to the verdict engine's
    Outcome and key reason (:mod:`gd_core.verdict`); on the optimizer lab, of one
    ``method``'s run."""
    if page == "optimizers":
        from gd_app.demos.optimizers import result

        lab = result(**values)
        run = next(r for r in lab.runs if r.method == (method or r.method))
        return Judgement(run.outcome, run.key_reason or run.sentence)
    if page in ("one_parameter", "two_parameters"):
        from gd_app.demos.fit import verdict_of

        verdict = verdict_of(_fit_run(page, values), values["alpha"])
        return Judgement(verdict.outcome, verdict.key_reason or verdict.headline)
    if page == "symbolic":
        from gd_app.demos.symbolic import _symbolic_run

        verdict = _symbolic_run(**values).verdict
        return Judgement(verdict.outcome, verdict.key_reason or verdict.headline)
    raise ValueError(f"no outcome question on {page}")


def _fit_run(page: str, values: dict):
    if page == "one_parameter":
        from gd_app.demos.fit_one import _one_run

        return _one_run(**values)
    from gd_app.demos.fit_two import _two_run

    return _two_run(**values)


# ---------------------------------------------------------------- questions
def blank(page: str, values: dict, kind: str = "outcome", method: str | None = None):
    """A question's prompt and options, without running anything (for worksheets)."""
    if kind == "lowest" or (page == "optimizers" and method is None):
        return f"Which method gets lowest in {values['N']:,} iterates?", tuple(values["methods"])
    if kind == "steps":
        return STEPS_PROMPT, STEP_RANGES
    options = FIT_OUTCOMES if page in ("one_parameter", "two_parameters") else tuple(Outcome)
    prompt = f"What will {method}'s run do? It…" if method else "What will this run do? It…"
    return prompt, tuple(o.value for o in options)


STEPS_PROMPT = f"About how many steps will it take to get within {TOLERANCE:g} of the minimum?"


def question(page: str, values: dict, kind: str = "outcome", method: str | None = None) -> Question:
    """The question ``kind`` about the run of ``page`` at ``values``, with its answer key
    (on the optimizer lab: which method ends lowest, or what ``method``'s run does)."""
    if kind == "lowest" or (page == "optimizers" and method is None):
        return _lowest(values)
    prompt, options = blank(page, values, kind, method)
    judgement = judge_run(page, values, method)
    subject = f"{method}'s run" if method else "This run"
    happened = f"{subject} {judgement.outcome.value}."
    if kind == "steps":
        steps = _steps_to_tolerance(page, values)
        seen = (
            f"It came within {TOLERANCE:g} of the minimum after {steps} steps."
            if steps is not None
            else f"It did not come within {TOLERANCE:g} of the minimum in this run."
        )
        return Question(
            "steps",
            prompt,
            options,
            step_range(steps),
            judgement.reason,
            f"{happened} {seen}",
        )
    return Question(
        "outcome",
        prompt,
        options,
        judgement.outcome.value,
        judgement.reason,
        happened,
    )


def _steps_to_tolerance(page: str, values: dict) -> int | None:
    if page == "symbolic":
        from gd_app.demos.symbolic import _symbolic_run

        run = _symbolic_run(**values)
        done = run.trajectory.reason is StopReason.PRECISION
        return len(run.trajectory.values) - 1 if done else None
    return steps_observed(_fit_run(page, values).errors)


def _lowest(values: dict) -> Question:
    from gd_app.demos.optimizers import result

    lab = result(**values)
    finals = {run.method: float(run.values[-1]) for run in lab.runs if len(run.values)}
    finite = {m: v for m, v in finals.items() if math.isfinite(v)}
    best = min(finite, key=finite.get) if finite else next(iter(finals))
    others = ", ".join(f"{m} {v:.3g}" for m, v in finals.items() if m != best)
    return Question(
        "lowest",
        f"Which method gets lowest in {values['N']:,} iterates?",
        tuple(finals),
        best,
        f"Final f: {best} {finals[best]:.3g}; {others}.",
        f"{best} ended lowest, at f = {finals[best]:.3g}.",
    )
