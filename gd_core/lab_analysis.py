"""Theory for a quadratic f(x, y), and the checks the lab's verdicts need from f itself.

The verdicts on each run come from :mod:`gd_core.verdict`.

For a quadratic f (constant Hessian A, eigenvalues λmin ≤ λmax > 0) the error
θ − θ* evolves linearly, so the limits and rates are closed forms:

* gradient descent converges iff α < 2/λmax, at rate max|1 − αλ|;
* heavy-ball momentum (v ← βv + g; θ ← θ − αv) iff α < 2(1 + β)/λmax, at the
  rate max over λ of the larger |root| of z² − (1 + β − αλ)z + β;
* Nesterov (v ← βv + g; θ ← θ − α(g + βv)) iff α < 2(1 + β)/((1 + 2β)λmax);
* the best heavy-ball pair is α* = 4/(√λmax + √λmin)², β* = ((√κ − 1)/(√κ + 1))².
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

_ZERO = 1e-8  # an eigenvalue within 1e-8·max(1, |λ|max) of 0 counts as zero
RAY = (1.0, 10.0, 100.0, 1_000.0, 10_000.0)  # multiples of the end point's scale, for ran-off


def stability_limit(method: str, hyper: dict, high: float) -> tuple[float, str] | None:
    """(the largest α that converges on a quadratic with largest eigenvalue ``high``, its
    formula) for the rules that have a closed form, else None."""
    beta = hyper.get("beta", math.nan)
    limits = {
        "gd": (2 / high, "2/λmax"),
        "momentum": (2 * (1 + beta) / high, "2(1 + β)/λmax"),
        "nesterov": (2 * (1 + beta) / ((1 + 2 * beta) * high), "2(1 + β)/((1 + 2β)λmax)"),
    }
    return limits.get(method)


def falls_along(f, end: np.ndarray, direction: np.ndarray) -> float | None:
    """The farthest distance checked if f keeps falling from ``end`` along ``direction``.

    f is checked at end + t·d for t = RAY × max(1, |end|); None unless every value is
    finite and each is below the one before (and the first below f(end)).
    """
    norm = math.hypot(*direction)
    if not norm > 0 or not math.isfinite(norm):
        return None
    unit = direction / norm
    scale = max(1.0, float(math.hypot(*end)))
    previous = f(end)
    for t in RAY:
        value = f(end + t * scale * unit)
        if value is None or not value < previous:
            return None
        previous = value
    return RAY[-1] * scale


# ------------------------------------------------------------------------- quadratic theory
@dataclass(frozen=True)
class Rate:
    """Predicted and reached contraction of ‖θ − θ*‖ per step for one method's run."""

    method: str
    predicted: float
    reached: float | None  # None when the run has too few steps to measure


@dataclass(frozen=True)
class Theory:
    """A quadratic f: its constant Hessian, eigenvalues, limits and rates.

    Only ``kind`` and ``why_not`` are meaningful unless ``kind`` is "positive definite".
    """

    hessian: tuple[tuple[float, float], tuple[float, float]]
    eigenvalues: tuple[float, float]
    kind: str  # positive definite | indefinite | singular | negative definite
    why_not: str = ""
    kappa: float = math.nan
    minimizer: tuple[float, float] | None = None
    gd_limit: float = math.nan
    momentum_limit: float = math.nan  # at the run's β
    nesterov_limit: float = math.nan  # at the run's β
    alpha_star: float = math.nan
    beta_star: float = math.nan
    rates: tuple[Rate, ...] = ()


def hessian_kind(low: float, high: float) -> str:
    zero = _ZERO * max(1.0, abs(low), abs(high))
    if low > zero:
        return "positive definite"
    if low < -zero and high > zero:
        return "indefinite"
    if high < -zero:
        return "negative definite"
    return "singular"


_WHY_NOT = {
    "indefinite": (
        "The Hessian is indefinite (one eigenvalue negative, one positive): f is a saddle, "
        "falling without bound along the negative eigenvector, so no learning rate makes a "
        "method converge to a minimum: there is none, and no stability limit to state."
    ),
    "negative definite": (
        "The Hessian is negative definite: f is an upside-down bowl with no minimum, so there "
        "is no learning-rate limit to state."
    ),
    "singular": (
        "The Hessian is singular (an eigenvalue is 0): f is flat along one direction, so the "
        "condition number is infinite and there is no single minimum to converge to."
    ),
}


def heavy_ball_rate(alpha: float, beta: float, eigenvalue: float) -> float:
    """Larger |root| of z² − (1 + β − αλ)z + β: the contraction of that eigen-direction."""
    b = 1 + beta - alpha * eigenvalue
    disc = complex(b * b - 4 * beta) ** 0.5
    return max(abs((b + disc) / 2), abs((b - disc) / 2))


def quadratic_theory(
    hessian: np.ndarray,
    gradient_at_origin: np.ndarray,
    *,
    settings: dict[str, dict[str, float]],
    paths: dict[str, np.ndarray],
) -> Theory:
    """Limits and rates for the methods in ``settings`` ({"gd": {"alpha": …}, …}).

    ``paths`` are the runs' iterates (n, 2); reached rates are measured on them.
    """
    hessian = (hessian + hessian.T) / 2
    low, high = (float(v) for v in np.linalg.eigvalsh(hessian))
    kind = hessian_kind(low, high)
    base = dict(
        hessian=tuple(tuple(float(v) for v in row) for row in hessian),
        eigenvalues=(low, high),
        kind=kind,
    )
    if kind != "positive definite":
        return Theory(**base, why_not=_WHY_NOT[kind])
    minimizer = np.linalg.solve(hessian, -np.asarray(gradient_at_origin, dtype=float))
    rates = []
    if "gd" in settings:
        alpha = settings["gd"]["alpha"]
        predicted = max(abs(1 - alpha * low), abs(1 - alpha * high))
        rates.append(Rate("gd", predicted, reached_rate(paths["gd"], minimizer)))
    if "momentum" in settings:
        alpha, beta = settings["momentum"]["alpha"], settings["momentum"]["beta"]
        predicted = max(heavy_ball_rate(alpha, beta, lam) for lam in (low, high))
        rates.append(Rate("momentum", predicted, reached_rate(paths["momentum"], minimizer)))
    beta_m = settings.get("momentum", {}).get("beta", math.nan)
    beta_n = settings.get("nesterov", {}).get("beta", math.nan)
    kappa = high / low
    return Theory(
        **base,
        kappa=kappa,
        minimizer=(float(minimizer[0]), float(minimizer[1])),
        gd_limit=2 / high,
        momentum_limit=2 * (1 + beta_m) / high,
        nesterov_limit=2 * (1 + beta_n) / ((1 + 2 * beta_n) * high),
        alpha_star=4 / (math.sqrt(high) + math.sqrt(low)) ** 2,
        beta_star=((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2,
        rates=tuple(rates),
    )


def reached_rate(params: np.ndarray, minimizer: np.ndarray) -> float | None:
    """Geometric-mean contraction of ‖θ − θ*‖ per step over the run's second half."""
    last = len(params) - 1
    half = last // 2
    if last - half < 1:
        return None
    errors = np.linalg.norm(params[[half, last]] - minimizer, axis=1)
    if errors[0] == 0:
        return None
    with np.errstate(over="ignore"):
        return float((errors[1] / errors[0]) ** (1 / (last - half)))
