"""Iteration histories as pandas tables, one row per iterate (the start included)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gd_core.analysis import contraction_ratios, step_statuses
from gd_core.descent import StopReason, Trajectory


@dataclass(frozen=True)
class StepVerdicts:
    """Per-row contraction ratio and status, computed once for table and verdict."""

    ratios: np.ndarray
    statuses: tuple[str, ...]


def step_verdicts(errors: np.ndarray, *, floor: float = 0.0) -> StepVerdicts:
    """Ratios and statuses of the error rows; errors up to ``floor`` count as converged."""
    ratios = contraction_ratios(errors)
    return StepVerdicts(ratios, tuple(step_statuses(errors, ratios=ratios, floor=floor)))


def _verdict_columns(verdicts: StepVerdicts, trajectory: Trajectory) -> dict:
    statuses = list(verdicts.statuses)
    if trajectory.reason is not StopReason.MAX_STEPS and len(statuses) > 1:
        statuses[-1] = f"stopped: {trajectory.reason.value} ({statuses[-1]})"
    return {"ratio": verdicts.ratios, "status": statuses}


def fit_history(
    trajectory: Trajectory, verdicts: StepVerdicts, names: tuple[str, ...]
) -> pd.DataFrame:
    """Columns: iteration, each θ, J, each ∂J/∂θ, each step Δθ, ratio, status.

    ratio is |θ(k) − θ*| / |θ(k−1) − θ*|, θ* the least-squares solution.
    """
    columns = {"iteration": np.arange(len(trajectory.values))}
    for j, name in enumerate(names):
        columns[name] = trajectory.params[:, j]
    columns["J"] = trajectory.values
    for j, name in enumerate(names):
        columns[f"grad_{name}"] = trajectory.grads[:, j]
    for j, name in enumerate(names):
        columns[f"step_{name}"] = trajectory.steps[:, j]
    columns.update(_verdict_columns(verdicts, trajectory))
    return pd.DataFrame(columns)


def symbolic_history(
    trajectory: Trajectory, verdicts: StepVerdicts, curvature: np.ndarray
) -> pd.DataFrame:
    """Columns: iteration, x, f, df, step, d2f, alpha_crit (2/f″ where f″ > 0), ratio, status.

    ratio is |f′(x_k)| / |f′(x_(k−1))|.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        local_critical = np.where(curvature > 0, 2.0 / curvature, np.nan)
    return pd.DataFrame(
        {
            "iteration": np.arange(len(trajectory.values)),
            "x": trajectory.params[:, 0],
            "f": trajectory.values,
            "df": trajectory.grads[:, 0],
            "step": trajectory.steps[:, 0],
            "d2f": curvature,
            "alpha_crit": local_critical,
            **_verdict_columns(verdicts, trajectory),
        }
    )


def to_csv(table: pd.DataFrame) -> str:
    """Every column at full precision (``%.17g`` round-trips a float); blank where nan."""
    return table.to_csv(index=False, float_format="%.17g", lineterminator="\n")
