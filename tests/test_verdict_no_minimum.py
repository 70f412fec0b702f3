"""A run on f(x, y) that stops where |∇f| < tol is next to a minimum only if one is near.

exp(x) + y² has no minimum: f > 0 everywhere, and f(x − 1, y) < f(x, y) for every x
(exp is increasing). Newton and BFGS stop far down its slope, where the gradient and the
curvature along x are both e^x ≈ 1e−6; the Hessian there is positive definite, but the
quadratic model's minimum lies a whole unit further on, and f is lower there."""

import math

import numpy as np
import pytest

from gd_app.controls import OPTIMIZERS, defaults
from gd_app.demos import optimizers as lab
from gd_core.verdict import Outcome

SETTINGS = {
    **defaults(OPTIMIZERS),
    "preset": "custom",
    "x0": 1.0,
    "y0": 1.0,
    "N": 1000,
    "tol": 1e-6,
    "methods": ["newton", "bfgs"],
}


def runs(f: str) -> dict:
    return {run.method: run for run in lab.optimizers(**{**SETTINGS, "f": f}).result.runs}


@pytest.mark.parametrize("method", ["newton", "bfgs"])
def test_a_stop_on_an_asymptote_is_not_called_a_minimum(method):
    run = runs("exp(x) + y**2")[method]
    x, y = run.params[-1]
    assert run.converged  # |∇f| < tol: the stop rule met, far out on the slope
    assert math.exp(x - 1) + y**2 < math.exp(x) + y**2  # f is lower a unit further on
    assert run.outcome not in (Outcome.DIRECT, Outcome.OVERSHOOT_SETTLE)
    assert "minimum that is the lowest point" not in run.sentence
    assert "next to a minimum" not in run.sentence and "local minimum" not in run.sentence


@pytest.mark.parametrize(
    ("f", "minimum"), [("x**4 + y**4", (0.0, 0.0)), ("(x - 1)**2 + 3*(y + 0.5)**2", (1.0, -0.5))]
)
def test_a_stop_next_to_a_real_minimum_still_says_so(f, minimum):
    for run in runs(f).values():
        assert np.hypot(*(run.params[-1] - np.array(minimum))) < 0.01
        assert run.outcome in (Outcome.DIRECT, Outcome.OVERSHOOT_SETTLE), run.sentence
        assert "minimum" in run.sentence and "not a minimum" not in run.sentence
