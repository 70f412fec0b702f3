"""gd_app.plotting.workers: pictures drawn in worker processes, as the server would draw them.

Asserted: the same bytes as drawing in this process, the static layer drawn once per
worker for every run on a data set, a dead worker neither loses a picture nor stays
dead, the SymPy budget killing its own worker leaves the drawing workers alone, and
matplotlib never draws on two threads of one process at once. No timing is asserted.
"""

import os
import threading

import pytest

from gd_app import demos
from gd_app.controls import ONE_PARAMETER, TWO_PARAMETERS, defaults
from gd_app.demos import fit_one, fit_two
from gd_app.demos.fit import fit_png
from gd_app.plotting import fit, workers
from gd_app.plotting import fit_two as plotting_two
from gd_core import budget
from gd_core.errors import OverBudget
from tests import budget_jobs, drawing_jobs


@pytest.fixture
def pool():
    """A pool of one worker, so that every job meets the same worker's caches."""
    pool = workers._Pool(1)
    yield pool
    while True:
        try:
            pool._idle.get_nowait().kill()
        except Exception:  # noqa: BLE001 - empty
            break


def one_run(alpha):
    return fit_one._one_run(**{**defaults(ONE_PARAMETER), "alpha": alpha})


def two_run(alpha):
    return fit_two._two_run(**{**defaults(TWO_PARAMETERS), "alpha": alpha})


def test_a_job_runs_in_a_worker_process(pool):
    assert pool.draw(drawing_jobs.pid, (), {}) != os.getpid()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_worker_draws_the_same_bytes_as_the_server(pool, theme):
    for run, draw in (
        (one_run(0.7), fit.one_parameter_png),
        (two_run(0.9), plotting_two.two_parameter_png),
    ):
        here = draw(run, highlight=3, theme=theme)
        there = pool.draw(fit_png, (draw, run), dict(highlight=3, theme=theme))
        assert there == here


def test_every_run_on_a_data_set_reuses_the_workers_static_layer(pool):
    hits, layers = pool.draw(drawing_jobs.static_layers, (), {})
    for alpha in (
        0.11,
        0.12,
        0.13,
    ):  # three runs, one data set: arrives pickled, a new copy each time
        pool.draw(
            fit_png, (fit.one_parameter_png, one_run(alpha)), dict(highlight=0, theme="light")
        )
    after_hits, after_layers = pool.draw(drawing_jobs.static_layers, (), {})
    assert after_layers - layers <= 1, "one static layer for the one data set"
    assert after_hits - hits >= 2, "the second and third run found it cached"


def test_a_dead_worker_loses_no_picture_and_is_replaced(pool):
    first = pool.draw(drawing_jobs.pid, (), {})
    os.kill(first, 9)
    run = one_run(0.5)
    picture = pool.draw(fit_png, (fit.one_parameter_png, run), dict(highlight=1, theme="light"))
    assert picture == fit.one_parameter_png(run, highlight=1, theme="light")
    assert pool.draw(drawing_jobs.pid, (), {}) not in (first, os.getpid())


def test_a_jobs_exception_reaches_the_caller_and_the_worker_goes_on(pool):
    before = pool.draw(drawing_jobs.pid, (), {})
    with pytest.raises(ValueError, match="a bug in a drawing job"):
        pool.draw(drawing_jobs.fail, (), {})
    assert pool.draw(drawing_jobs.pid, (), {}) == before


def test_the_budget_killing_an_over_budget_job_leaves_the_drawing_workers_alone(pool, monkeypatch):
    monkeypatch.setattr(budget, "TIME_LIMIT", 2.0)
    drawer = pool.draw(drawing_jobs.pid, (), {})
    with pytest.raises(OverBudget):
        budget.run(budget_jobs.spin)
    assert pool.draw(drawing_jobs.pid, (), {}) == drawer


def test_the_pages_pictures_come_from_the_workers_equal_to_the_server():
    params = {**defaults(ONE_PARAMETER), "alpha": 0.77}
    run = fit_one._one_run(**params)
    picture = demos.one_parameter_picture(**params, step=2)
    assert picture.png == fit.one_parameter_png(run, highlight=2, theme="light").png


def test_drawing_in_the_server_is_one_thread_at_a_time():
    """matplotlib's mathtext parser is shared: two threads parsing at once made it raise."""
    errors = []

    def draw(i):
        try:
            workers._in_server(drawing_jobs.mathtext_png, (i,), {})
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=draw, args=(1000 + i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
