"""Fitting a straight line by least squares, from its sufficient statistics.

With design matrix X (m, p) and targets y (m,), the cost is

    J(θ) = 1/(2m) · Σ (Xθ − y)²  =  ½ θᵀAθ − bᵀθ + ½ c,
    A = XᵀX/m,  b = Xᵀy/m,  c = yᵀy/m,   ∇J(θ) = Aθ − b.

One O(m) pass gives A, b and the least-squares solution θ*; after that every
cost or gradient is O(1), so N steps cost O(m + N) and a G×G grid O(m + G²).
J is evaluated as J(θ*) + ½ (θ − θ*)ᵀA(θ − θ*), which never comes out
negative or noisy near the minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_core.descent import Trajectory, descend
from gd_core.minibatch import MiniBatches
from gd_core.optimizers import gradient_descent, identity, scale_by_schedule


@dataclass(frozen=True, eq=False)
class LineData:
    """Points (x, y), each shape (m,): on y = θ0 + θ1·x plus Gaussian noise, or (with
    ``theta_true`` None) measured data, whose axes ``x_label`` and ``y_label`` name.

    Compared and hashed by identity (its arrays are read-only), so a data set
    can key a cache of what is drawn from it.
    """

    x: np.ndarray
    y: np.ndarray
    theta_true: tuple[float, float] | None
    x_label: str = "x"
    y_label: str = "y"
    name: str = ""


def line_data(
    *,
    m: int,
    theta_true: tuple[float, float],
    noise: float = 0.0,
    seed: int = 0,
    x_low: float = -1.0,
    x_high: float = 1.0,
) -> LineData:
    """m points evenly on [x_low, x_high] ([−1, 1] by default), with N(0, noise²) added to y."""
    if m < 2:
        raise ValueError("a line needs at least 2 points")
    if not x_low < x_high:
        raise ValueError(f"x_low must be below x_high, got [{x_low:g}, {x_high:g}]")
    x = np.linspace(float(x_low), float(x_high), m)
    y = theta_true[0] + theta_true[1] * x
    if noise > 0:
        y = y + noise * np.random.default_rng(seed).standard_normal(m)
    for array in (x, y):
        array.setflags(write=False)
    return LineData(x=x, y=y, theta_true=(float(theta_true[0]), float(theta_true[1])))


def design_matrix(x: np.ndarray, *, intercept: bool) -> np.ndarray:
    """(m, p): columns [1, x] for h = θ0 + θ1·x, or [x] for h = θ1·x."""
    return np.column_stack([np.ones_like(x), x]) if intercept else x[:, None]


@dataclass(frozen=True)
class Standardization:
    """z = (x − mean)/std with the population std (ddof = 0), so that mean(z²) = 1.

    A line θ0' + θ1'·z is the line θ0 + θ1·x with θ1 = θ1'/std and
    θ0 = θ0' − θ1'·mean/std.
    """

    mean: float
    std: float

    @classmethod
    def of(cls, x: np.ndarray) -> Standardization:
        return cls(mean=float(np.mean(x)), std=float(np.std(x)))

    def apply(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.std

    def to_original(self, params: np.ndarray) -> np.ndarray:
        """(..., 2) standardized (θ0', θ1') to (θ0, θ1) in the units of x."""
        params = np.asarray(params, dtype=float)
        slope = params[..., 1] / self.std
        return np.stack([params[..., 0] - slope * self.mean, slope], axis=-1)

    def from_original(self, theta: np.ndarray) -> np.ndarray:
        """(..., 2) (θ0, θ1) to standardized (θ0', θ1') = (θ0 + θ1·mean, θ1·std)."""
        theta = np.asarray(theta, dtype=float)
        return np.stack(
            [theta[..., 0] + theta[..., 1] * self.mean, theta[..., 1] * self.std], axis=-1
        )


@dataclass(frozen=True, eq=False)
class LeastSquares:
    """J(θ) = ½·mean((Xθ − y)²) held as A (p, p), b (p,), θ* (p,) and J(θ*).

    Hashed by identity, like :class:`LineData`.
    """

    hessian: np.ndarray
    rhs: np.ndarray
    solution: np.ndarray
    min_cost: float

    @classmethod
    def from_data(cls, X: np.ndarray, y: np.ndarray) -> LeastSquares:
        """The one O(m) pass over X (m, p) and y (m,)."""
        m = len(y)
        hessian = X.T @ X / m
        rhs = X.T @ y / m
        solution = np.linalg.lstsq(X, y, rcond=None)[0]
        min_cost = 0.5 * float(np.mean((X @ solution - y) ** 2))
        for array in (hessian, rhs, solution):
            array.setflags(write=False)
        return cls(hessian=hessian, rhs=rhs, solution=solution, min_cost=min_cost)

    def cost(self, theta: np.ndarray) -> np.ndarray:
        """J at θ of shape (..., p); returns shape (...)."""
        d = np.asarray(theta, dtype=float) - self.solution
        return self.min_cost + 0.5 * np.einsum("...i,ij,...j->...", d, self.hessian, d)

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """∇J = A(θ − θ*) = Aθ − b at θ of shape (p,)."""
        return self.hessian @ (np.asarray(theta, dtype=float) - self.solution)

    @property
    def resolution(self) -> float:
        """How close to θ* an iterate can get before updates round to nothing."""
        return 8 * float(np.finfo(float).eps) * max(1.0, float(np.max(np.abs(self.solution))))

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """(J, ∇J) at θ of shape (p,), sharing the one product A(θ − θ*)."""
        d = theta - self.solution
        grad = self.hessian @ d
        return self.min_cost + 0.5 * float(d @ grad), grad


def fit_line(
    problem: LeastSquares,
    start,
    *,
    alpha: float,
    n_iterates: int,
    alphas: np.ndarray | None = None,
    batches: MiniBatches | None = None,
) -> Trajectory:
    """The fit pages' loop: ``n_iterates`` values of θ (the start and N − 1 steps).

    ``alphas`` (N − 1,) is a schedule's α_k (default: α every step);
    ``batches`` feeds each step its mini-batch gradient (default: the full
    batch). Values and gradients recorded are always the full batch's.
    """
    return descend(
        problem,
        np.asarray(start, dtype=float),
        rule=gradient_descent(alpha=alpha) if alphas is None else identity(),
        lr=None if alphas is None else scale_by_schedule(alphas),
        oracle=None if batches is None else batches.oracle,
        max_steps=n_iterates - 1,
    )
