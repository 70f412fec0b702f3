"""Learning-rate schedules: the α of each step.

Step k (k = 0 for the first step; a run of N iterates takes N − 1 steps) uses

    constant      α_k = α
    exponential   α_k = α·exp(−decay·k)
    inverse_time  α_k = α/(1 + decay·k)
    cosine        α_k = α·(1 + cos(π·k/(N − 1)))/2

As in optax, a schedule is a learning-rate transform chained after any update
rule: ``descend(…, rule=…, lr=scale_by_schedule(step_sizes(…)))``
(:func:`gd_core.optimizers.scale_by_schedule`).
"""

from __future__ import annotations

import math

import numpy as np

SCHEDULES = ("constant", "exponential", "inverse_time", "cosine")


def step_sizes(schedule: str, *, alpha: float, decay: float, n_steps: int) -> np.ndarray:
    """(n_steps,) α_0 … α_(n_steps−1) of ``schedule``; read-only."""
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}, got {schedule!r}")
    if not (math.isfinite(alpha) and alpha > 0):
        raise ValueError(f"the learning rate α must be a positive number, got {alpha}")
    if not 0 <= decay <= 1:
        raise ValueError(f"decay must be in [0, 1], got {decay}")
    k = np.arange(n_steps, dtype=float)
    if schedule == "constant":
        alphas = np.full(n_steps, float(alpha))
    elif schedule == "exponential":
        alphas = alpha * np.exp(-decay * k)
    elif schedule == "inverse_time":
        alphas = alpha / (1.0 + decay * k)
    else:  # cosine: N − 1 = n_steps, so the last step k = N − 2 still moves
        alphas = alpha * (1.0 + np.cos(np.pi * k / max(n_steps, 1))) / 2.0
    alphas.setflags(write=False)
    return alphas
