"""Iteration histories as pandas tables, one row per iterate (the start included)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gd_app.columns.fit import ONE_PARAMETER, TWO_PARAMETERS
from gd_app.columns.lab import LAB
from gd_app.columns.symbolic import SYMBOLIC
from gd_core.descent import StopReason, Trajectory


@dataclass(frozen=True)
class StepVerdicts:
    """Per-row contraction ratio and status, computed once for table and verdict."""

    ratios: np.ndarray
    statuses: tuple[str, ...]


# What a narrow screen shows first: the iteration, the parameters, the cost and how the
# step went; the other columns follow (scrolled to, on a phone). The specs mark them.
KEY_COLUMNS = tuple(
    dict.fromkeys(
        name
        for spec in (ONE_PARAMETER, TWO_PARAMETERS, SYMBOLIC, LAB)
        for name in spec.keys
        if name != "status"
    )
)


def key_columns(columns) -> list[str]:
    """The key ones of ``columns`` and ``status``, in display order."""
    columns = list(columns)
    return [c for c in columns if c in KEY_COLUMNS] + [c for c in columns if c == "status"]


def key_first(columns) -> list[str]:
    """``columns`` in display order: the key ones (and ``status``) first, then the rest."""
    first = key_columns(columns)
    return first + [c for c in columns if c not in first]


def final_statuses(statuses, trajectory: Trajectory) -> list[str]:
    """Statuses with the stop marked on the row that caused it, and only there.

    A step below the precision is that row's own fact, so its row says so. A numerical
    fault belongs to the step that was never taken (the faulty iterate is not in the
    table): it goes in the verdict, and the last row's status describes only that row.
    """
    statuses = list(statuses)
    if trajectory.reason is StopReason.PRECISION and len(statuses) > 1:
        statuses[-1] = f"stopped: {trajectory.reason.value} ({statuses[-1]})"
    return statuses


def _verdict_columns(verdicts: StepVerdicts, trajectory: Trajectory) -> dict:
    return {"ratio": verdicts.ratios, "status": final_statuses(verdicts.statuses, trajectory)}


def fit_history(
    trajectory: Trajectory,
    verdicts: StepVerdicts,
    names: tuple[str, ...],
    *,
    original: np.ndarray | None = None,
    batch_grads: np.ndarray | None = None,
    alphas: np.ndarray | None = None,
) -> pd.DataFrame:
    """The columns of :data:`gd_app.columns.fit.ONE_PARAMETER` or ``TWO_PARAMETERS``:
    iteration, each θ, [θ in the units of x], J, each ∂J/∂θ, [each mini-batch
    gradient], each step Δθ, [alpha], ratio, status.

    ``original`` (n, 2): θ0, θ1 of the same line in the units of x, when the descent
    runs on standardized parameters (then named ``names``). ``batch_grads`` (n, p):
    the mini-batch gradient the step into each row used (row 0 nan). ``alphas``
    (n,): the α of the step into each row (row 0 nan). J and ∂J/∂θ are the full
    batch's. ratio is |θ(k) − θ*| / |θ(k−1) − θ*|, θ* the least-squares solution.
    """
    columns = {"iteration": np.arange(len(trajectory.values))}
    for j, name in enumerate(names):
        columns[name] = trajectory.params[:, j]
    if original is not None:
        columns["theta0"], columns["theta1"] = original[:, 0], original[:, 1]
    columns["J"] = trajectory.values
    for j, name in enumerate(names):
        columns[f"grad_{name}"] = trajectory.grads[:, j]
    if batch_grads is not None:
        for j, name in enumerate(names):
            columns[f"batch_grad_{name}"] = batch_grads[:, j]
    for j, name in enumerate(names):
        columns[f"step_{name}"] = trajectory.steps[:, j]
    if alphas is not None:
        columns["alpha"] = alphas
    columns.update(_verdict_columns(verdicts, trajectory))
    spec = ONE_PARAMETER if names == ("theta1",) and original is None else TWO_PARAMETERS
    return spec.frame(columns)


def symbolic_history(
    trajectory: Trajectory, step_ratio: np.ndarray, statuses: tuple[str, ...], curvature: np.ndarray
) -> pd.DataFrame:
    """The columns of :data:`gd_app.columns.symbolic.SYMBOLIC`: iteration, x, f, df, step, d2f, alpha_crit (2/f″ where f″ > 0), ratio, status.

    step is the realised x_k − x_(k−1) (the number the stop rule tests); ratio is the step
    length ratio |Δx_k| / |Δx_(k−1)|; status says what the step into the row did.
    """
    with np.errstate(all="ignore"):
        local_critical = np.where(curvature > 0, 2.0 / curvature, np.nan)
    return SYMBOLIC.frame(
        {
            "iteration": np.arange(len(trajectory.values)),
            "x": trajectory.params[:, 0],
            "f": trajectory.values,
            "df": trajectory.grads[:, 0],
            "step": trajectory.steps[:, 0],
            "d2f": curvature,
            "alpha_crit": local_critical,
            "ratio": step_ratio,
            "status": final_statuses(statuses, trajectory),
        }
    )
