"""A run on a typed f(x) as plain data (no SymPy here): what the symbolic page's table,
verdict and figure read, and what a drawing worker unpickles without importing SymPy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_core.descent import Trajectory
from gd_core.verdict import Verdict
from gd_core.verdict.point1d import EndPoint


@dataclass(frozen=True)
class Formula:
    """One of f, f′, f″ for display: LaTeX ("" when too big to show), SymPy's plain text,
    and its size in tree nodes."""

    name: str
    latex: str
    text: str
    nodes: int


@dataclass(frozen=True)
class SymbolicRun:
    """A run on f, as plain data: what the page's table, verdict and figure read.

    text: the parser's canonical form of f (SymPy's str), for scripts and captions.
    formulas: f, f′, f″.
    trajectory: the descent (p = 1); curvature: f″ at each iterate (nan where undefined).
    curve_x, curve_y: f on the figure's x-range (nan where not real).
    near_start: f on windows about x0 that grow by powers of 2, ((x, y), …), smallest
      first: what a picture of part of the run frames (it must not tell where the run goes).
    endpoint: what the point where the run stopped is, and the facts that say so.
    crossings: per row, :func:`gd_core.verdict.point1d.crossings` (ZERO, KINK, BREAK or "").
    verdict: the verdict engine's judgement of the whole run.
    """

    text: str
    formulas: tuple[Formula, Formula, Formula]
    trajectory: Trajectory
    curvature: np.ndarray
    curve_x: np.ndarray
    curve_y: np.ndarray
    endpoint: EndPoint | None  # None when the run ended in a numerical fault
    crossings: tuple[str, ...]  # per row: what the step crossed where f′ changed sign, or ""
    verdict: Verdict
    lower: tuple | None = None  # ((x,), f) of a lower point in another valley, in the figure
    near_start: tuple[tuple[np.ndarray, np.ndarray], ...] = ()
