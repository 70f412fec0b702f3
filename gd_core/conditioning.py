"""Why a narrow valley is slow: the condition number and the contraction of GD on a quadratic.

With Hessian A (eigenvalues λmin ≤ λmax, orthonormal eigenvectors), a
constant-α step multiplies the error e = θ − θ* by (I − αA), whose norm is

    ρ = max |1 − αλ| = max(|1 − αλmin|, |1 − αλmax|),

so |e(k)| ≤ ρᵏ·|e(0)|. Fewer than ⌈log(tol/|e(0)|)/log ρ⌉ steps are never
needed to come within ``tol`` of θ*. κ = λmax/λmin says how far apart the
two factors must be: at best (α = 2/(λmin + λmax)) ρ = (κ − 1)/(κ + 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Curvature:
    """Eigen-decomposition of a symmetric Hessian: eigenvalues ascending, eigenvectors as columns."""

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray

    @property
    def condition(self) -> float:
        """κ = λmax/λmin (inf when λmin ≤ 0)."""
        lo, hi = float(self.eigenvalues[0]), float(self.eigenvalues[-1])
        return hi / lo if lo > 0 else math.inf


def curvature(hessian: np.ndarray) -> Curvature:
    values, vectors = np.linalg.eigh(np.atleast_2d(hessian))
    for array in (values, vectors):
        array.setflags(write=False)
    return Curvature(values, vectors)


def contraction(eigenvalues, alpha: float) -> float:
    """ρ = max |1 − αλ| over the eigenvalues."""
    return max(abs(1.0 - alpha * float(lam)) for lam in eigenvalues)


def steps_bound(eigenvalues, alpha: float, distance: float, tol: float = TOLERANCE) -> int | None:
    """Steps after which ρᵏ·distance ≤ tol; None when ρ ≥ 1 (no guarantee at all)."""
    if distance <= tol:
        return 0
    rho = contraction(eigenvalues, alpha)
    if rho >= 1:
        return None
    if rho == 0:
        return 1
    # The slack keeps the bound a bound when the quotient lands a rounding error
    # below a whole number.
    return max(1, math.ceil(math.log(tol / distance) / math.log(rho) + 1e-9))


def steps_observed(errors: np.ndarray, tol: float = TOLERANCE) -> int | None:
    """The first k with |e(k)| ≤ tol for error rows e (n, p); None if no row is that close."""
    close = np.flatnonzero(distances(errors) <= tol)
    return int(close[0]) if close.size else None


def distances(errors: np.ndarray) -> np.ndarray:
    """|e| of each row of e (n, p), scaled first so that 1e200 does not overflow when squared."""
    rows = np.atleast_2d(np.asarray(errors, dtype=float).T).T
    scale = np.max(np.abs(rows), axis=1) if rows.size else np.zeros(len(rows))
    safe = np.where(scale > 0, scale, 1.0)
    return scale * np.sqrt(np.sum((rows / safe[:, None]) ** 2, axis=1))
