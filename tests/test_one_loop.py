"""A batch of runs is, row for row, the runs made one at a time: the same iterates, values,
gradients and states to the last bit, the same stop, and a stopped row frozen after it."""

import numpy as np
import pytest

from gd_core.descent import StopReason, descend, gradient_below, step_below
from gd_core.optimizers import gradient_descent, momentum

CURVATURE = np.array([1.0, 10.0])  # f = ½(x² + 10y²): α_crit = 2/10 for gradient descent


def bowl(theta):
    """(f, ∇f) at θ (2,) or at each row of θ (B, 2), by the same float operations."""
    return 0.5 * (theta[..., 0] ** 2 + 10.0 * theta[..., 1] ** 2), theta * CURVATURE


# at the minimum, two that settle, past α_crit (momentum's is 0.3), slow, near α_crit
STARTS = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, -1.0], [1.0, 1.0], [3.0, 2.0], [-2.0, 0.5]])
ALPHAS = np.array([0.05, 0.05, 0.15, 0.4, 0.001, 0.19])
STOPS = [gradient_below(1e-10), step_below(1e-6)]
RULES = {
    "gd": lambda alpha: gradient_descent(alpha=alpha),
    "momentum": lambda alpha: momentum(alpha=alpha, beta=0.5),
}


@pytest.mark.parametrize("method", RULES)
def test_each_row_of_a_batch_is_the_run_from_its_start_alone_exactly(method):
    make = RULES[method]
    batch = descend(bowl, STARTS, rule=make(ALPHAS[:, None]), stop=STOPS, max_steps=3000)
    for i, start in enumerate(STARTS):
        alone = descend(bowl, start, rule=make(float(ALPHAS[i])), stop=STOPS, max_steps=3000)
        run = batch.run(i)
        assert batch.lengths[i] == len(alone.values)
        for name in ("params", "values", "grads"):
            np.testing.assert_array_equal(getattr(run, name), getattr(alone, name))
        assert run.states.keys() == alone.states.keys()
        for name in run.states:
            np.testing.assert_array_equal(run.states[name], alone.states[name])
        assert run.reason is alone.reason
        if alone.reason is StopReason.FAULT:  # worded apart, about the same step
            assert run.message.split(":")[0] == alone.message.split(":")[0], (run, alone)
        else:
            assert run.message == alone.message
        # after it stopped, the run's row repeats its last
        n = batch.lengths[i]
        assert np.all(batch.params[n:, i] == run.final) and np.all(
            batch.values[n:, i] == run.values[-1]
        )
        for name, column in batch.states.items():
            assert np.all(column[n:, i] == run.states[name][-1])
    # every way of stopping is met by some row
    assert set(batch.reasons) == set(StopReason)


def test_a_batch_that_keeps_only_the_ends_keeps_the_full_batch_s_first_and_last_rows():
    rule = lambda: momentum(alpha=ALPHAS[:, None], beta=0.5)  # noqa: E731
    full = descend(bowl, STARTS, rule=rule(), stop=STOPS, max_steps=3000)
    ends = descend(bowl, STARTS, rule=rule(), stop=STOPS, max_steps=3000, keep="ends")
    assert ends.ends_only and ends.states == {}
    for name in ("params", "values", "grads"):
        np.testing.assert_array_equal(getattr(ends, name), getattr(full, name)[[0, -1]])
    np.testing.assert_array_equal(ends.lengths, full.lengths)
    assert ends.reasons == full.reasons and ends.messages == full.messages
    with pytest.raises(ValueError, match="start and last row"):
        ends.run(0)
