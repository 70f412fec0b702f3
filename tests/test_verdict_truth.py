"""Sentences checked against the run they describe, with the truth taken from outside the
verdict engine: the run's own table (distances to a preset's published minima, f's lows over
the last rows, an exact cycle of iterates), numpy.linalg and SymPy."""

import numpy as np
import pytest

from gd_core.lab import PRESETS, finish_job, method_job
from gd_core.verdict import Outcome

START = np.array([-1.5, 2.0])  # the lab's default start
LS = dict(alpha0=1.0, c=1e-4, rho=0.5)  # the lab's default line-search settings


def lab_run(preset, method, *, N=1000, **hyper):
    """One method's run judged as the lab's page judges it (the window, the preset's minima)."""
    text, (x0, y0) = PRESETS[preset][0], START
    hyper = tuple(hyper.items())
    run = method_job(text, method=method, hyper=hyper, x0=x0, y0=y0, N=N, tol=1e-6)
    (run,) = finish_job(text, x0=x0, y0=y0, runs=(run,), methods=((method, hyper),)).runs
    return run


def distance_to_minima(preset, points):
    minima = np.array(PRESETS[preset][1])
    return np.min(np.linalg.norm(points[:, None, :] - minima[None], axis=2), axis=1)


# --------------------------------------------------------------- the lab: settling, creeping, away
def test_line_search_on_rosenbrock_far_from_its_minimum_is_not_said_to_settle():
    run = lab_run("Rosenbrock", "gd_ls", **LS)
    end = distance_to_minima("Rosenbrock", run.params[-1:])[0]
    assert not run.converged and run.n_steps == 999
    assert end > 1.0  # still far from (1, 1) after 999 steps, by the table
    assert run.outcome is not Outcome.OVERSHOOT_SETTLE
    assert "settl" not in run.sentence
    assert run.outcome is Outcome.CREEP
    assert np.all(np.diff(run.values) < 0)  # the creep's "each step went downhill" holds
    assert run.sentence.startswith("Each step went downhill")


@pytest.mark.parametrize(
    "preset, method, hyper",
    [
        ("Rosenbrock", "rmsprop", dict(alpha=0.001, rho=0.9)),
        ("Rosenbrock", "adam", dict(alpha=0.15, beta1=0.9, beta2=0.999)),
        ("Rosenbrock", "gd_ls", LS),
    ],
)
def test_a_run_that_did_not_converge_is_never_said_to_settle(preset, method, hyper):
    run = lab_run(preset, method, **hyper)
    gap = distance_to_minima(preset, run.params[-1:])[0]
    assert not run.converged and gap > 1e-6
    assert run.outcome is not Outcome.OVERSHOOT_SETTLE and "settl" not in run.sentence


@pytest.mark.parametrize("method", ["gd", "adagrad", "newton"])
def test_a_run_that_went_away_from_beales_minimum_is_not_said_to_creep_towards_it(method):
    hyper = dict(damped=1.0, c=1e-4, rho=0.5) if method == "newton" else {}
    hyper |= dict(gd=dict(alpha=0.001), adagrad=dict(alpha=0.5)).get(method, {})
    run = lab_run("Beale", method, **hyper)
    start, end = distance_to_minima("Beale", run.params[[0, -1]])
    assert end > start  # by the table: it ended farther from (3, 0.5) than it began
    assert run.outcome is not Outcome.CREEP
    assert "towards" not in run.sentence and "away from every known minimum" in run.sentence


def test_a_zigzag_whose_lows_keep_falling_is_no_bounce_for_ever():
    run = lab_run("Rosenbrock", "rmsprop", alpha=0.01, rho=0.9)
    lows = [run.values[k : k + 20].min() for k in range(len(run.values) - 200, len(run.values), 20)]
    assert np.all(np.diff(lows) < 0)  # f's lows fell over every 20 of the last 200 rows
    assert run.outcome is not Outcome.BOUNCE
    assert "for ever" not in run.sentence and "without settling" not in run.sentence


def test_an_exact_two_cycle_is_a_bounce():
    run = lab_run("Booth", "rmsprop", alpha=0.01, rho=0.9)
    tail = run.params[-12:]
    assert np.allclose(tail[2:], tail[:-2], atol=1e-9)  # the iterates repeat every 2 steps
    assert run.outcome is Outcome.BOUNCE


@pytest.mark.parametrize("method", ["gd", "gd_ls"])
def test_the_saddle_runs_off_in_one_clause(method):
    hyper = LS if method == "gd_ls" else dict(alpha=0.001)
    run = lab_run("saddle", method, **hyper)
    eigenvalues = np.linalg.eigvalsh(np.array([[2.0, 0.0], [0.0, -2.0]]))  # x² − y²
    assert eigenvalues[0] < 0 < eigenvalues[1] and run.values[-1] < run.values[0]
    assert run.outcome is Outcome.RUN_OFF
    assert run.sentence.count("fell from") == 1
    assert "negative eigenvalue" in run.sentence
    if run.fault:
        assert "numerical fault" in run.sentence
