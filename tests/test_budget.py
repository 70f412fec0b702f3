"""gd_app.runtime.budgeted: jobs run in worker processes under a time and memory budget.

No timing is asserted: the budget itself is the guard against a hang, and speed lives in
bench/budget.py. What is asserted is behaviour: results, the error types, and that a
worker stuck in an endless loop is replaced while other jobs go on.
"""

import os
import threading

import numpy as np
import psutil
import pytest

from gd_app import runtime
from gd_app.workerpool import Pool
from gd_core.errors import ExpressionError, OverBudget
from tests import budget_jobs as jobs


@pytest.fixture(autouse=True)
def production_limit(monkeypatch):
    """The production limit (conftest raises it for the rest of the suite)."""
    monkeypatch.setattr(runtime, "TIME_LIMIT", 2.0)


def test_a_job_runs_in_another_process_and_returns_plain_data():
    assert runtime.budgeted(jobs.pid) != os.getpid()
    assert runtime.budgeted(jobs.add, 2, b=3) == 5
    result = runtime.budgeted(jobs.add, np.arange(3.0), np.ones(3))
    np.testing.assert_array_equal(result, [1.0, 2.0, 3.0])


def test_workers_are_never_forked_from_the_server():
    """A worker is a child of the budget's own fork server, which preloaded SymPy."""
    worker = psutil.Process(runtime.budgeted(jobs.pid))
    assert worker.ppid() == runtime.BUDGET.server._process.pid != os.getpid()
    assert runtime.budgeted(jobs.imported, "sympy")


def test_a_worker_that_dies_starting_is_an_answer_not_a_raw_error(monkeypatch):
    """The pipe of a worker that exits before it is ready closes: OverBudget, the slot freed."""
    pool = Pool(
        "gd-budget-test",
        runtime.BUDGET_PRELOAD,
        target=("tests.drawing_jobs:exit_at_once", ()),
        size=1,
        spares=0,
    )
    monkeypatch.setattr(runtime, "BUDGET", pool)
    try:
        for _ in range(2):  # the second would wait for a slot the first never gave back
            with pytest.raises(OverBudget, match="could not start"):
                runtime.budgeted(jobs.add, 1)
            assert pool._live == 0
    finally:
        pool.close()


def test_an_endless_job_is_stopped_and_the_pool_goes_on():
    with pytest.raises(OverBudget, match="limit"):
        runtime.budgeted(jobs.spin)
    assert runtime.budgeted(jobs.add, 1, b=1) == 2


@pytest.mark.skipif(runtime.resource is None, reason="no RLIMIT_AS on this platform")
def test_a_job_past_the_memory_cap_is_stopped():
    with pytest.raises(OverBudget, match="memory"):
        runtime.budgeted(jobs.allocate, 2 * (runtime.MEMORY_LIMIT >> 20))
    assert runtime.budgeted(jobs.allocate, 1) == 1 << 20


def test_a_crashed_worker_is_replaced():
    with pytest.raises(OverBudget):
        runtime.budgeted(jobs.exit_hard)
    assert runtime.budgeted(jobs.add, 4) == 4


def test_expected_failures_come_back_as_the_same_type():
    with pytest.raises(ExpressionError, match="^bad formula$"):
        runtime.budgeted(jobs.raise_expression_error, "bad formula")


def test_other_exceptions_surface_as_bugs_with_the_workers_traceback():
    with pytest.raises(runtime.WorkerError, match="a bug, not an expected failure") as caught:
        runtime.budgeted(jobs.raise_value_error)
    assert "raise_value_error" in str(caught.value)
    assert not isinstance(caught.value, ValueError)


def test_a_sympy_result_is_refused_not_rebuilt_in_the_server():
    with pytest.raises(runtime.WorkerError, match="sympy"):
        runtime.budgeted(jobs.return_sympy)


def test_many_threads_share_the_pool():
    results = [None] * 12

    def call(i):
        results[i] = runtime.budgeted(jobs.add, i, b=100)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [i + 100 for i in range(12)]


def test_a_quick_job_is_answered_while_slow_ones_hold_workers():
    outcomes = []
    slow = [threading.Thread(target=lambda: outcomes.append(_outcome(jobs.spin))) for _ in range(3)]
    for thread in slow:
        thread.start()
    answered = runtime.budgeted(jobs.add, 7, b=1)  # would raise OverBudget if it waited them out
    for thread in slow:
        thread.join(timeout=120)
    assert answered == 8
    assert outcomes == ["OverBudget"] * 3


def _outcome(job):
    try:
        job_result = runtime.budgeted(job)
    except OverBudget:
        return "OverBudget"
    return job_result


class _Started:
    """A stand-in for a worker (no process): it only records being killed."""

    killed = False

    def kill(self):
        self.killed = True


def test_a_spare_that_finishes_starting_after_a_busy_worker_came_back_is_not_kept():
    """Spares are topped up in the background; a worker that came back meanwhile is the
    spare, and the one just started ends (it would only hold memory, idle)."""
    pool = Pool("gd-spares-test", (), target=("tests.drawing_jobs:pid", ()), size=3, spares=1)
    came_back, late = _Started(), _Started()

    def start():
        pool._idle.put(came_back)  # a busy worker finished its job while this one started
        return late

    pool._start = start
    pool._fill()
    assert pool.idle() == 1 and pool._idle.get_nowait() is came_back
    assert late.killed and pool._live == 0


def test_the_worker_back_last_gets_the_next_job_and_the_one_idle_longest_is_the_one_to_end():
    """With one visitor the same worker draws every picture (its caches are warm; the others
    keep only what they share with their fork server); past ``spares`` idle, the pool ends
    the one idle longest."""
    pool = Pool("gd-lifo-test", (), target=("tests.drawing_jobs:pid", ()), size=3, spares=2)
    first, second = _Started(), _Started()
    first.alive = second.alive = lambda: True
    pool._idle.put(first)
    pool._idle.put(second)
    assert pool._take(wait=0) is second
    pool._idle.put(second)
    assert pool._idle.get_oldest_nowait() is first
    assert pool._take(wait=0) is second
