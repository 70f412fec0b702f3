"""Prediction questions and their answer keys, made from runs (never from a lesson file).

:func:`judge_run` is the one adapter from a page's run to an :class:`Outcome` and
one sentence why; questions (:func:`question`) are generated from the same run:

* ``outcome``: "What will this run do?", answered by the run's Outcome;
* ``steps``: "About how many steps to get within 1e-6 of the minimum?", in ranges;
* ``lowest``: "Which method gets lowest in N iterates?" (the optimizer lab).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np

from gd_core.analysis import learning_rates
from gd_core.conditioning import TOLERANCE, distances, steps_observed
from gd_core.descent import StopReason


class Outcome(enum.Enum):
    """What a whole run did, in the words the verdicts use (the verdict engine's categories)."""

    CREEP = "creeps towards the minimum"
    DIRECT = "gets there without overshooting"
    OVERSHOOT_SETTLE = "overshoots but settles"
    BOUNCE = "bounces for ever"
    DIVERGE = "diverges"
    RUN_OFF = "runs off"
    STUCK = "stops somewhere that is not a minimum"


FIT_OUTCOMES = (  # a fit's cost is a bowl: it always has a minimum, and nothing else is flat
    Outcome.CREEP,
    Outcome.DIRECT,
    Outcome.OVERSHOOT_SETTLE,
    Outcome.BOUNCE,
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
    """The one adapter from a page's settings (through its run) to an Outcome and why;
    on the optimizer lab, of one ``method``'s run."""
    if page == "optimizers":
        from gd_app.demos.optimizers import result

        lab = result(**values)
        run = next(r for r in lab.runs if r.method == (method or r.method))
        return _judge_method(lab, run)
    if page in ("one_parameter", "two_parameters"):
        return _judge_fit(_fit_run(page, values), values["alpha"])
    if page == "symbolic":
        from gd_app.demos.symbolic import _symbolic_run

        return _judge_symbolic(_symbolic_run(**values), values["alpha"])
    raise ValueError(f"no outcome question on {page}")


def _fit_run(page: str, values: dict):
    if page == "one_parameter":
        from gd_app.demos.fit_one import _one_run

        return _one_run(**values)
    from gd_app.demos.fit_two import _two_run

    return _two_run(**values)


def _judge_fit(run, alpha: float) -> Judgement:
    rates = learning_rates(run.problem.hessian)
    far = distances(run.errors)
    crit, calm = rates.critical, rates.monotone_limit
    kappa = rates.eigenvalues[-1] / rates.eigenvalues[0]
    against = f"α = {alpha:.3g} against α_crit = 2/λmax = {crit:.3g}"
    # Overshoot is along the Hessian's eigenvectors (the bowl's axes), not θ's coordinates.
    _, axes = np.linalg.eigh(np.atleast_2d(run.problem.hessian))
    with np.errstate(all="ignore"):
        signs = np.sign(run.errors @ axes)
    overshot = bool(np.any(signs[1:] * signs[:-1] < 0))
    fault = run.trajectory.reason is StopReason.FAULT
    reached = steps_observed(run.errors) is not None
    if fault or (len(far) > 2 and far[-1] > far[0] and far[-1] > far[-2]):
        if not run.plain:
            return Judgement(
                Outcome.DIVERGE,
                f"The run ended {far[-1]:.3g} from the minimum, further than it started "
                f"({far[0]:.3g}): these steps are too long for the mini-batches' or the "
                "schedule's learning rates.",
            )
        return Judgement(
            Outcome.DIVERGE,
            f"{against}: above it every step overshoots the minimum by more than the last.",
        )
    if not run.plain:
        return _judge_noisy(run, far, overshot)
    if len(far) > 2 and math.isclose(far[-1], far[0], rel_tol=1e-9) and overshot:
        return Judgement(
            Outcome.BOUNCE,
            f"{against}: at α_crit each step jumps to the mirror point and back, no closer.",
        )
    if reached:
        if overshot:
            return Judgement(
                Outcome.OVERSHOOT_SETTLE,
                f"{against}: between 1/λmax = {calm:.3g} and α_crit each step overshoots, "
                "by less each time.",
            )
        return Judgement(
            Outcome.DIRECT,
            f"{against}: at most 1/λmax = {calm:.3g}, no step is long enough to overshoot.",
        )
    if overshot:
        return Judgement(
            Outcome.OVERSHOOT_SETTLE,
            f"{against}: below α_crit the overshoots shrink, though these "
            f"{run.rows - 1} steps did not get within {TOLERANCE:g} of the minimum.",
        )
    why = (
        f"the valley is narrow (κ = λmax/λmin = {kappa:.3g}), so a step safe across it crawls "
        "along it"
        if kappa > 10
        else f"no step overshoots, but each removes only part of the distance left, "
        f"a factor (1 − αλ) ≥ {1 - alpha * rates.eigenvalues[-1]:.3g} remains"
    )
    return Judgement(
        Outcome.CREEP,
        f"{against}: {why}; after {run.rows - 1} steps the run is still "
        f"{far[-1]:.3g} from the minimum.",
    )


def _judge_noisy(run, far: np.ndarray, overshot: bool) -> Judgement:
    if steps_observed(run.errors) is not None:
        return Judgement(
            Outcome.OVERSHOOT_SETTLE if overshot else Outcome.DIRECT,
            "Every point lies on the best line, so every mini-batch's gradient vanishes at the "
            "minimum and the noisy steps can still reach it.",
        )
    if overshot:
        quarter = far[-max(1, len(far) // 4) :]
        return Judgement(
            Outcome.OVERSHOOT_SETTLE,
            "The mini-batches' gradients disagree near the minimum, so the steps jitter "
            f"back and forth around it: over the last {len(quarter)} iterates the distance "
            f"to it stayed between {quarter.min():.3g} and {quarter.max():.3g}.",
        )
    return Judgement(
        Outcome.CREEP,
        f"After {run.rows - 1} noisy steps the run is still {far[-1]:.3g} from the minimum.",
    )


def _judge_symbolic(run, alpha: float) -> Judgement:
    from gd_core import endpoint as ep

    trajectory, point = run.trajectory, run.endpoint
    xs = trajectory.params[:, 0]
    if point is None:
        values = trajectory.values
        if not any(run.crossings) and np.isfinite(values[-1]) and values[-1] < values[0]:
            return Judgement(
                Outcome.RUN_OFF,
                "f kept falling in the same direction until a number overflowed: there is no "
                "minimum that way.",
            )
        return Judgement(
            Outcome.DIVERGE if abs(xs[-1]) > abs(xs[0]) else Outcome.STUCK,
            "The steps grew until a number overflowed: α is too large for the curvature f″ here.",
        )
    if point.kind == ep.FALLING:
        return Judgement(
            Outcome.RUN_OFF,
            "f keeps falling that way (f′ never changes sign ahead), so there is no minimum to "
            "reach.",
        )
    if point.kind != ep.MINIMUM:
        return Judgement(
            Outcome.STUCK,
            f"f′ = 0 at the end point, but it is a {point.kind}, not a minimum: the slope "
            "vanishes there too.",
        )
    curvature = run.curvature[-1]
    local = f"α = {alpha:.3g} against the local limit 2/f″ = {2 / curvature:.3g}"
    steps = np.abs(np.diff(xs))
    overshot = any(kind == ep.ZERO for kind in run.crossings)
    if trajectory.reason is StopReason.PRECISION:
        if overshot:
            return Judgement(
                Outcome.OVERSHOOT_SETTLE, f"{local}: each step overshoots, by less each time."
            )
        return Judgement(Outcome.DIRECT, f"{local}: the steps are too short to overshoot.")
    if len(steps) > 2 and steps[-1] >= steps[-2] * (1 - 1e-9) and overshot:
        grows = steps[-1] > steps[-2] * (1 + 1e-9)
        return Judgement(
            Outcome.DIVERGE if grows else Outcome.BOUNCE,
            f"{local}: each step overshoots by {'more than' if grows else 'as much as'} the last.",
        )
    if overshot:
        return Judgement(
            Outcome.OVERSHOOT_SETTLE, f"{local}: the overshoots shrink, slowly in this run."
        )
    return Judgement(
        Outcome.CREEP, f"{local}: the steps are short, and it ran out of iterations first."
    )


def _judge_method(lab, run) -> Judgement:
    """One lab method's run, against the known minimum nearest its end."""
    if run.fault:
        return Judgement(Outcome.DIVERGE, f"The steps grew until {run.fault}.")
    if not len(lab.minima):
        return Judgement(
            Outcome.RUN_OFF if run.values[-1] < run.values[0] else Outcome.STUCK,
            "f has no known minimum here to measure the run against.",
        )
    target = lab.minima[np.argmin(np.linalg.norm(lab.minima - run.params[-1], axis=1))]
    errors = run.params - target
    far = distances(errors)
    signs = np.sign(errors)
    flips = int(np.sum(np.any(signs[1:] * signs[:-1] < 0, axis=1)))
    if len(far) > 2 and far[-1] > far[0] and far[-1] > far[-2]:
        return Judgement(Outcome.DIVERGE, "Each swing went further out than the last.")
    if run.converged:
        if flips:
            return Judgement(
                Outcome.OVERSHOOT_SETTLE,
                f"The path swung past the minimum {flips} times before |∇f| fell below tol.",
            )
        return Judgement(
            Outcome.DIRECT, "The path never passed the minimum before |∇f| fell below tol."
        )
    if flips:
        return Judgement(
            Outcome.OVERSHOOT_SETTLE,
            f"The path swung past the minimum {flips} times and was still settling, "
            f"{far[-1]:.3g} from it, after {len(far) - 1} steps.",
        )
    return Judgement(
        Outcome.CREEP,
        f"No step passed the minimum, and after {len(far) - 1} steps the path was still "
        f"{far[-1]:.3g} from it.",
    )


# ---------------------------------------------------------------- questions
def blank(page: str, values: dict, kind: str = "outcome", method: str | None = None):
    """A question's prompt and options, without running anything (for worksheets)."""
    if kind == "lowest" or (page == "optimizers" and method is None):
        return f"Which method gets lowest in {values['N']} iterates?", tuple(values["methods"])
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
        f"Which method gets lowest in {values['N']} iterates?",
        tuple(finals),
        best,
        f"Final f: {best} {finals[best]:.3g}; {others}.",
        f"{best} ended lowest, at f = {finals[best]:.3g}.",
    )
