"""One verdict engine for every page: what a run did, judged from its own table.

Any update rule's history works: the engine reads the iterates θ(k), the values
f(θ(k)), the gradients ∇f(θ(k)) and why the run stopped, plus whatever else the
page knows for sure (θ* and the Hessian of a fit's cost, the step-size limit of a
rule, f and its derivatives as functions for testing the end point).

* :mod:`.steps`: per-step facts (f fell or rose, the step overshot, grew or
  shrank, the distance to θ* grew or shrank, movement within rounding of θ*).
* :mod:`.endpoint`: what the end point is, by a test that can be stated.
* :mod:`.rates`: learning-rate limits of a quadratic and numbers shown so that
  rounding never contradicts the sentence.
* :mod:`.judge`: the whole run: :class:`Outcome`, tone and sentences.
"""

from gd_core.verdict.judge import Ending, Facts, Outcome, Verdict, judge
from gd_core.verdict.steps import StepFacts, step_facts

__all__ = ["Ending", "Facts", "Outcome", "StepFacts", "Verdict", "judge", "step_facts"]
