"""A fit page's run, and the drawing workers' job on it (no Streamlit, pandas or SymPy here:
a drawing worker unpickles these without importing the demos)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from gd_core.descent import Trajectory
from gd_core.linear import LeastSquares, LineData, Standardization, design_matrix
from gd_core.minibatch import MiniBatches

PROBLEMS = 8  # data sets kept (cached in the server, first copies in a worker)


@dataclass(frozen=True, eq=False)
class FitRun:
    """One run and everything it was run on; the table and the picture both read it."""

    data: LineData
    scaling: Standardization | None  # set when the descent runs on standardized x
    problem: LeastSquares
    trajectory: Trajectory
    alphas: np.ndarray  # (N − 1,) the schedule's α_k
    schedule: str
    batches: MiniBatches | None
    intercept: bool
    problem_key: tuple  # the arguments of _problem: which data set this run is on

    def design(self) -> np.ndarray:
        x = self.scaling.apply(self.data.x) if self.scaling else self.data.x
        return design_matrix(x, intercept=self.intercept)

    @property
    def rows(self) -> int:
        return len(self.trajectory.values)

    @cached_property
    def errors(self) -> np.ndarray:
        return self.trajectory.params - self.problem.solution

    @cached_property
    def row_alphas(self) -> np.ndarray:
        """(n,) the α of the step into each row; row 0 nan."""
        return np.concatenate([[np.nan], self.alphas[: self.rows - 1]])

    @cached_property
    def batch_grads(self) -> np.ndarray | None:
        """(n, p) the mini-batch gradient of the step into each row; row 0 nan."""
        if self.batches is None:
            return None
        n, params = self.rows, self.trajectory.params
        grads = np.full_like(params, np.nan)
        with np.errstate(all="ignore"):  # finite where the run recorded the row
            grads[1:] = (
                np.einsum("kij,kj->ki", self.batches.hessians[: n - 1], params[:-1])
                - self.batches.rhs[: n - 1]
            )
        return grads

    @property
    def plain(self) -> bool:
        """Full batch at a constant α: the textbook case the learning-rate theory describes."""
        return self.batches is None and self.schedule == "constant"


_FIRST_COPIES: OrderedDict[tuple, tuple] = OrderedDict()  # as many data sets as _problem


def on_first_copy(run: FitRun) -> FitRun:
    """``run`` on this process's first copy of its data set.

    The static layers' caches key on the data set by identity (it is 1.6 MB of
    points); a run pickled to a drawing worker arrives with a new copy each time.
    """
    first = _FIRST_COPIES.setdefault(run.problem_key, (run.data, run.scaling, run.problem))
    _FIRST_COPIES.move_to_end(run.problem_key)
    while len(_FIRST_COPIES) > PROBLEMS:
        _FIRST_COPIES.popitem(last=False)
    data, scaling, problem = first
    if data is run.data:
        return run
    return replace(run, data=data, scaling=scaling, problem=problem)


def fit_png(draw, run: FitRun, **kwargs):
    """``draw(run, **kwargs)`` on the first copy of run's data set: a drawing worker's job."""
    return draw(on_first_copy(run), **kwargs)
