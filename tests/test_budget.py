"""gd_core.budget: jobs run in worker processes under a time and memory budget.

No timing is asserted: the budget itself is the guard against a hang, and speed lives in
bench/budget.py. What is asserted is behaviour: results, the error types, and that a
worker stuck in an endless loop is replaced while other jobs go on.
"""

import os
import threading

import numpy as np
import pytest

from gd_core import budget
from gd_core.errors import ExpressionError, OverBudget
from tests import budget_jobs as jobs


@pytest.fixture(autouse=True)
def production_limit(monkeypatch):
    """The production limit (conftest raises it for the rest of the suite)."""
    monkeypatch.setattr(budget, "TIME_LIMIT", 2.0)


def test_a_job_runs_in_another_process_and_returns_plain_data():
    assert budget.run(jobs.pid) != os.getpid()
    assert budget.run(jobs.add, 2, b=3) == 5
    result = budget.run(jobs.add, np.arange(3.0), np.ones(3))
    np.testing.assert_array_equal(result, [1.0, 2.0, 3.0])


def test_workers_are_never_forked_from_the_server():
    budget.run(jobs.add, 1)
    assert budget._POOL._context.get_start_method() in ("forkserver", "spawn")


def test_an_endless_job_is_stopped_and_the_pool_goes_on():
    with pytest.raises(OverBudget, match="limit"):
        budget.run(jobs.spin)
    assert budget.run(jobs.add, 1, b=1) == 2


@pytest.mark.skipif(budget.resource is None, reason="no RLIMIT_AS on this platform")
def test_a_job_past_the_memory_cap_is_stopped():
    with pytest.raises(OverBudget, match="memory"):
        budget.run(jobs.allocate, 2 * (budget.MEMORY_LIMIT >> 20))
    assert budget.run(jobs.allocate, 1) == 1 << 20


def test_a_crashed_worker_is_replaced():
    with pytest.raises(OverBudget):
        budget.run(jobs.exit_hard)
    assert budget.run(jobs.add, 4) == 4


def test_expected_failures_come_back_as_the_same_type():
    with pytest.raises(ExpressionError, match="^bad formula$"):
        budget.run(jobs.raise_expression_error, "bad formula")


def test_other_exceptions_surface_as_bugs_with_the_workers_traceback():
    with pytest.raises(budget.WorkerError, match="a bug, not an expected failure") as caught:
        budget.run(jobs.raise_value_error)
    assert "raise_value_error" in str(caught.value)
    assert not isinstance(caught.value, ValueError)


def test_a_sympy_result_is_refused_not_rebuilt_in_the_server():
    with pytest.raises(budget.WorkerError, match="sympy"):
        budget.run(jobs.return_sympy)


def test_many_threads_share_the_pool():
    results = [None] * 12

    def call(i):
        results[i] = budget.run(jobs.add, i, b=100)

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
    answered = budget.run(jobs.add, 7, b=1)  # would raise OverBudget if it waited them out
    for thread in slow:
        thread.join(timeout=120)
    assert answered == 8
    assert outcomes == ["OverBudget"] * 3


def _outcome(job):
    try:
        job_result = budget.run(job)
    except OverBudget:
        return "OverBudget"
    return job_result
