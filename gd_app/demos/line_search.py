"""What the lab's tables and alt text show of the line-search rules (gd_ls, newton, bfgs):
their extra history columns (declared in :mod:`gd_app.columns.lab`), the evaluations
to reach tol, and the overlays in words."""

from __future__ import annotations

import numpy as np

from gd_app.demos.optimizers_export import trial_points_text
from gd_app.plotting import optimizer_overlays as overlays
from gd_core.lab import LabResult, MethodRun


def columns(run: MethodRun) -> dict:
    """The history's columns after the rule's own: evaluations, trial points, notes."""
    out = {}
    for j, name in enumerate(("f_evals", "g_evals", "h_evals")):
        if name != "h_evals" or run.method == "newton":
            out[name] = run.evals[:, j]
    out["trial_points"] = trial_points_text(run)
    out["note"] = list(run.notes)
    return out


def evaluations_to_tol(run: MethodRun) -> str:
    """What the rule evaluated until |∇f| < tol, the start included: "12 f, 9 ∇f, 8 H"."""
    if run.steps_to_tol is None:
        return "not reached"
    f, g, h = (int(v) for v in run.evals[run.steps_to_tol])
    parts = [f"{f} f"] if f else []
    parts.append(f"{g} ∇f")
    if h:
        parts.append(f"{h} H")
    return ", ".join(parts)


def overlay_alt(lab: LabResult, step: int) -> str:
    """What the line-search rules add at the highlighted step, in words."""
    parts = []
    for run in lab.runs:
        k = min(step, len(run.values) - 1)
        if k != step:
            continue
        tried = int(np.count_nonzero(run.trials[:, 0] == k)) if len(run.trials) else 0
        if tried:
            parts.append(
                f" Faint dots: the {tried} trial point{'s' if tried > 1 else ''} of {run.method}'s "
                f"line search that led to iterate {k}."
            )
        if run.hessians is not None and np.all(np.isfinite(run.hessians[k])):
            point, kind = overlays.model_point(run.hessians[k], run.grads[k])
            where = "" if point is None else f", with an arrow to its stationary point, a {kind}"
            parts.append(
                f" Dashed: contours of Newton's local quadratic model at iterate {k}{where}."
            )
    return "".join(parts)
