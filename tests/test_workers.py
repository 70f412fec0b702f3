"""gd_app.runtime.draw: pictures drawn in worker processes, as the server would draw them.

Asserted: the same bytes as drawing in this process, the static layer drawn once per
worker for every run on a data set, a dead worker neither loses a picture nor stays
dead, the SymPy budget killing its own worker leaves the drawing workers alone, and
matplotlib never draws on two threads of one process at once. No timing is asserted.
"""

import os
import threading

import psutil
import pytest

from gd_app import demos, runtime
from gd_app.controls import ONE_PARAMETER, TWO_PARAMETERS, defaults
from gd_app.demos import fit_one, fit_two
from gd_app.demos.fit import fit_png
from gd_app.demos.symbolic import run_symbolic
from gd_app.plotting import fit
from gd_app.plotting import fit_two as plotting_two
from gd_app.plotting import symbolic as symbolic_plotting
from gd_core.errors import OverBudget
from tests import budget_jobs, drawing_jobs


class OnePool:
    """A drawing pool of one worker, so that every job meets the same worker's caches."""

    def __init__(self):
        self.pool = runtime.drawing_pool(1)

    def draw(self, job, args, kwargs):
        return runtime.draw_on(self.pool, job, args, kwargs)


@pytest.fixture
def pool():
    pool = OnePool()
    yield pool
    pool.pool.close()


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
    panels = len(fit.ONE_PANELS)
    assert after_layers - layers == panels, "one static layer per panel for the one data set"
    assert after_hits - hits == 2 * panels, "the second and third run found them cached"


def test_a_dead_worker_loses_no_picture_and_is_replaced(pool):
    first = pool.draw(drawing_jobs.pid, (), {})
    os.kill(first, 9)
    run = one_run(0.5)
    picture = pool.draw(fit_png, (fit.one_parameter_png, run), dict(highlight=1, theme="light"))
    assert picture == fit.one_parameter_png(run, highlight=1, theme="light")
    assert pool.draw(drawing_jobs.pid, (), {}) not in (first, os.getpid())


def test_a_jobs_exception_reaches_the_caller_and_the_worker_goes_on(pool):
    before = pool.draw(drawing_jobs.pid, (), {})
    with pytest.raises(runtime.DrawingError, match="ValueError: a bug in a drawing job"):
        pool.draw(drawing_jobs.fail, (), {})
    assert pool.draw(drawing_jobs.pid, (), {}) == before


def test_the_budget_killing_an_over_budget_job_leaves_the_drawing_workers_alone(pool, monkeypatch):
    monkeypatch.setattr(runtime, "TIME_LIMIT", 2.0)
    drawer = pool.draw(drawing_jobs.pid, (), {})
    with pytest.raises(OverBudget):
        runtime.budgeted(budget_jobs.spin)
    assert pool.draw(drawing_jobs.pid, (), {}) == drawer


def test_the_pages_pictures_come_from_the_workers_equal_to_the_server(monkeypatch):
    assert runtime.DRAWING.size, "the suite runs with drawing workers"
    jobs = []
    real = runtime.draw_on
    monkeypatch.setattr(
        runtime,
        "draw_on",
        lambda pool, job, args, kwargs: jobs.append(job) or real(pool, job, args, kwargs),
    )
    here = []
    monkeypatch.setattr(runtime, "in_server", lambda *call: here.append(call))
    params = {**defaults(ONE_PARAMETER), "alpha": 0.77}
    run = fit_one._one_run(**params)
    picture = demos.one_parameter_picture(**params, step=2)
    assert jobs == [fit_png] and here == [], "drawn by a worker, not again here"
    drawn = fit.one_parameter_png(run, highlight=2, theme="light")
    assert [p.png for p in picture.panels] == [p.png for p in drawn]


def test_a_worker_that_dies_starting_frees_its_slot_and_the_picture_is_drawn_here(
    pool, monkeypatch
):
    monkeypatch.setattr(pool.pool, "target", ("tests.drawing_jobs:exit_at_once", ()))
    run = one_run(0.45)
    for _ in range(2):  # the second would wait forever on a slot the first never gave back
        picture = pool.draw(fit_png, (fit.one_parameter_png, run), dict(highlight=1, theme="light"))
        assert picture == fit.one_parameter_png(run, highlight=1, theme="light")
        assert pool.pool._live == 0


def test_drawing_workers_start_without_sympy_from_their_own_fork_server(pool):
    """The drawing preload holds matplotlib and the figures, not SymPy (nor Streamlit)."""
    assert not pool.draw(budget_jobs.imported, ("sympy",), {})
    assert not pool.draw(budget_jobs.imported, ("streamlit",), {})
    assert pool.draw(budget_jobs.imported, ("matplotlib",), {})
    # A symbolic run (plain data) is drawn without bringing SymPy into the worker either.
    run = run_symbolic(f="x**2", x0=3.0, alpha=0.1, precision=1e-4, max_iter=50)
    png = pool.draw(symbolic_plotting.symbolic_png, (run,), dict(highlight=2, theme="light"))
    assert png == symbolic_plotting.symbolic_png(run, highlight=2, theme="light")
    assert not pool.draw(budget_jobs.imported, ("sympy",), {})
    worker = psutil.Process(pool.draw(drawing_jobs.pid, (), {}))
    assert worker.ppid() == pool.pool.server._process.pid != os.getpid()


def test_a_new_drawing_worker_inherits_no_pictures_and_a_frozen_preload(pool):
    """The fork server drops its warm-up's pixels (a data set no page shows) before it forks,
    and freezes the preload's objects so that a worker's collections leave their pages shared."""
    layers, spares, frozen = pool.draw(drawing_jobs.held_at_start, (), {})
    assert (layers, spares) == (0, 0)
    assert frozen > 10_000  # matplotlib's and the figures' modules


def test_a_worker_collects_a_jobs_garbage_before_the_next_job(pool):
    """A finished figure is garbage in reference cycles holding MBs of pixels: the worker
    collects it after the job, not at the collector's next full pass."""
    pool.draw(drawing_jobs.leave_a_cycle, (), {})
    assert pool.draw(drawing_jobs.cycle_collected, (), {})


def test_a_job_waiting_for_a_busy_worker_gets_a_new_one_when_that_worker_dies(pool):
    busy = pool.draw(drawing_jobs.pid, (), {})
    answers = {}

    def ask(name, *args):
        job = drawing_jobs.sleep_then_pid if args else drawing_jobs.pid
        answers[name] = pool.draw(job, args, {})

    first = threading.Thread(target=ask, args=("first", 3.0))
    first.start()
    while pool.pool.idle():  # until the first job holds the only worker
        threading.Event().wait(0.01)
    second = threading.Thread(target=ask, args=("second",))
    second.start()  # waits: the pool's one worker is busy
    os.kill(busy, 9)
    for thread in (first, second):
        thread.join(timeout=120)  # catches a hang; no speed is asserted
        assert not thread.is_alive()
    assert answers["first"] == os.getpid(), "the killed worker's job was drawn in the server"
    assert answers["second"] not in (busy, os.getpid()), "the waiting job got a new worker"


def test_drawing_in_the_server_is_one_thread_at_a_time():
    """matplotlib's mathtext parser is shared: two threads parsing at once made it raise."""
    errors = []

    def draw(i):
        try:
            runtime.in_server(drawing_jobs.mathtext_png, (i,), {})
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=draw, args=(1000 + i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
