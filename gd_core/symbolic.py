"""Gradient descent on a typed f(x), differentiated by SymPy.

The text goes through :func:`gd_core.expr.parse_expression`, which builds the
SymPy expression from a whitelisted syntax tree; only that trusted expression
and its derivatives are handed to ``lambdify``.

All SymPy work on a visitor's text happens in :func:`analyse`, which the server
runs in a budget worker (``gd_app.demos.symbolic.run_symbolic``): parse,
derivatives, lambdify, the descent loop and the end-point analysis, under a hard
time and memory budget. It returns a :class:`SymbolicRun` of plain numbers,
arrays and strings; no SymPy object or compiled function leaves the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gd_core.descent import StopReason, Trajectory, descend
from gd_core.errors import ExpressionError, OutsideDomain
from gd_core.expr import parse_expression, symbol_x
from gd_core.lazy import sympy
from gd_core.optimizers import gradient_descent
from gd_core.symbolic_run import Formula, SymbolicRun  # noqa: F401 - also imported from here
from gd_core.verdict import Facts, judge
from gd_core.verdict import point1d as endpoint
from gd_core.verdict.judge import Limit, ending_of
from gd_core.verdict.point1d import real_values
from gd_core.verdict.point2d import lower_elsewhere
from gd_core.verdict.rates import g
from gd_core.verdict.sentences import near


@dataclass(frozen=True)
class SymbolicFunction:
    """f, f′ and f″ as SymPy expressions in x and as numpy functions (worker side only)."""

    expr: sympy.Expr
    first: sympy.Expr
    second: sympy.Expr
    f_array: Callable[[np.ndarray], np.ndarray]
    df_array: Callable[[np.ndarray], np.ndarray]
    d2f_array: Callable[[np.ndarray], np.ndarray]

    def f(self, x: float) -> float:
        return self.f_array(np.float64(x))

    def df(self, x: float) -> float:
        return self.df_array(np.float64(x))

    def d2f(self, x: float) -> float:
        return self.d2f_array(np.float64(x))

    def latex(self) -> tuple[str, str, str]:
        return sympy.latex(self.expr), sympy.latex(self.first), sympy.latex(self.second)

    def formulas(self) -> tuple[Formula, Formula, Formula]:
        return tuple(
            _formula(name, e)
            for name, e in (("f", self.expr), ("f′", self.first), ("f″", self.second))
        )


ORDERED_NODES = 150  # up to this size a formula is printed in SymPy's usual term order
LATEX_NODES = 600  # beyond this size no LaTeX is made: it would be shortened anyway


def _formula(name: str, expr: sympy.Expr) -> Formula:
    """Sorting the terms of a big sum is most of the cost of printing it, so big formulas
    are printed in their stored order (and only as text when LaTeX would not be shown)."""
    nodes = _size(expr)
    order = None if nodes <= ORDERED_NODES else "none"
    latex = sympy.latex(expr, order=order) if nodes <= LATEX_NODES else ""
    return Formula(name, latex, sympy.sstr(expr, order=order), nodes)


def compile_function(text: str) -> SymbolicFunction:
    """Parse, differentiate twice and lambdify; raises ExpressionError for bad input."""
    expr = parse_expression(text)
    first = _bounded(_without_spikes(sympy.diff(expr, symbol_x())), "f′(x)", MAX_FIRST_NODES)
    second = _bounded(_without_spikes(sympy.diff(first, symbol_x())), "f″(x)", MAX_SECOND_NODES)
    numeric = {}
    for name, e in (("f(x)", expr), ("f′(x)", first), ("f″(x)", second)):
        if e.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.Derivative, sympy.Subs):
            raise ExpressionError(f"{name} = {e} cannot be evaluated as a real number")
        numeric[name] = _numeric(name, e)
    return SymbolicFunction(
        expr=expr,
        first=first,
        second=second,
        f_array=numeric["f(x)"],
        df_array=numeric["f′(x)"],
        d2f_array=numeric["f″(x)"],
    )


def _size(expr: sympy.Expr) -> int:
    return sum(1 for _ in sympy.preorder_traversal(expr))


# Derivatives can grow much faster than f (x**x**…**x: 39 nodes, f′ 908, f″ 13,692,
# about a second to differentiate and lambdify). These bounds keep compile under ~0.1 s.
MAX_FIRST_NODES = 400
MAX_SECOND_NODES = 4_000


def _bounded(expr: sympy.Expr, name: str, limit: int) -> sympy.Expr:
    """Reject a derivative larger than ``limit`` tree nodes (counting stops at the limit)."""
    for count, _ in enumerate(sympy.preorder_traversal(expr), start=1):
        if count > limit:
            raise ExpressionError(
                f"f(x) is too complex: {name} grows beyond {limit} terms. "
                "Try a simpler function (for example fewer powers of x raised to x)."
            )
    return expr


def _without_spikes(expr: sympy.Expr) -> sympy.Expr:
    """Drop DiracDelta terms (from differentiating abs or sign): zero except at a kink."""
    return expr.replace(sympy.DiracDelta, lambda *args: sympy.Integer(0))


def _numeric(name: str, expr: sympy.Expr) -> Callable[[float], float]:
    function = sympy.lambdify(symbol_x(), expr, modules="numpy")
    try:  # a function numpy lacks fails here, not in the middle of a run
        with np.errstate(all="ignore"):
            function(np.float64(0.5))
    except NameError as error:
        raise ExpressionError(
            f"{name} uses something that can't be computed numerically ({error})"
        ) from None
    return function


CURVE_POINTS = 400
SCAN_POINTS = 4001  # f is scanned at this many points for a lower point elsewhere
WINDOW = 10.0  # the scan reaches at least this far on each side of the end point


def analyse(text: str, *, x0: float, alpha: float, precision: float, max_iter: int) -> SymbolicRun:
    """The whole symbolic job (run it through :func:`run_symbolic`, never on the server).

    Raises ExpressionError for a formula the parser refuses and OutsideDomain when f or
    f′ is not a real number at x0.
    """
    function = compile_function(text)
    trajectory, curvature = minimize(
        function, x0=x0, alpha=alpha, precision=precision, max_iter=max_iter
    )
    if not len(trajectory.values):
        raise OutsideDomain(
            f"f(x) can't be used at the initial guess x0 = {x0:g}: {trajectory.message}"
        )
    xs = trajectory.params[:, 0]
    point = None
    if trajectory.reason is not StopReason.FAULT:
        steps = trajectory.steps[:, 0]
        h = endpoint.half_width(steps, float(xs[-1]))
        moved = steps[np.isfinite(steps) & (steps != 0)]
        point = endpoint.classify(
            function.expr,
            symbol_x(),
            function.f_array,
            function.df_array,
            float(xs[-1]),
            h,
            behind=endpoint.behind_width(steps, float(xs[-1]), h),
            came_from=-int(np.sign(moved[-1])) if moved.size else 0,
            previous=float(xs[-2]) if len(xs) > 1 else None,
        )
    lo, hi = view_range(xs)
    lower = None
    if point is not None and point.kind == endpoint.MINIMUM:
        lower, (lo, hi) = _lower_point(
            function, float(xs[-1]), float(trajectory.values[-1]), lo, hi
        )
    curve_x = np.linspace(lo, hi, CURVE_POINTS)
    crossings = endpoint.crossings(function.f_array, function.df_array, xs, trajectory.grads[:, 0])
    facts = Facts(
        trajectory.params,
        trajectory.values,
        trajectory.grads,
        ending_of(trajectory.reason),
        trajectory.message,
        endpoint=point,
        lower=lower,
        view=f"the figure's range, x from {g(lo, 4)} to {g(hi, 4)}",
        limit=_local_limit(function, point, alpha),
        runs_off=_runs_off(point, trajectory.reason) or _runs_off_to_overflow(function, trajectory),
        breaks=tuple(k for k, kind in enumerate(crossings) if kind == endpoint.BREAK),
    )
    return SymbolicRun(
        text=str(function.expr),
        formulas=function.formulas(),
        trajectory=trajectory,
        curvature=curvature,
        curve_x=_frozen(curve_x),
        curve_y=_frozen(real_values(function.f_array, curve_x)),
        endpoint=point,
        crossings=crossings,
        verdict=judge(facts),
        lower=lower,
        near_start=tuple(
            (_frozen(x), _frozen(real_values(function.f_array, x)))
            for x in (np.linspace(lo, hi, CURVE_POINTS) for lo, hi in start_windows(x0))
        ),
    )


def _lower_point(function: SymbolicFunction, x: float, value: float, lo: float, hi: float):
    """A lower point of another valley within a sensible window around x, and the figure's
    range widened to show it: ((x, f), (lo, hi)); (None, (lo, hi)) when there is none."""
    reach = max(WINDOW, 3 * (hi - lo))
    grid = np.union1d(
        np.linspace(x - reach, x + reach, SCAN_POINTS), np.linspace(lo, hi, SCAN_POINTS)
    )
    found = lower_elsewhere(
        grid[:, None], real_values(function.f_array, grid), np.array([x]), value
    )
    if found is None:
        return None, (lo, hi)
    (where,), _ = found
    pad = 0.05 * (max(hi, where) - min(lo, where))
    return found, (min(lo, where - pad), max(hi, where + pad))


def _local_limit(function: SymbolicFunction, point, alpha: float) -> Limit | None:
    """2/f″ at the minimum next to the end point: above it, the steps can't settle there."""
    if point is None or point.kind != endpoint.MINIMUM or not np.isfinite(point.where):
        return None
    curvature, *ends = real_values(
        function.d2f_array, np.array([point.where, point.low, point.high])
    )
    if not curvature > 1e-6 * np.nanmax(np.abs([curvature, *ends])):
        return None  # f″ is 0 there, to rounding (x⁴ at 0): a flat minimum has no 2/f″
    return Limit(alpha, 2.0 / curvature, f"2/f″({near(point.where, point.high - point.low)})")


def _runs_off(point, reason: StopReason) -> str:
    """The probe's stated check, when the run was still going and f keeps falling that way."""
    if reason is StopReason.PRECISION or point is None or point.kind != endpoint.FALLING:
        return ""
    if point.flat_ahead is not None:
        return ""  # f′ is 0 at a flat point ahead: the steps slow down there
    reach = endpoint.PROBE_REACH * max(1.0, abs(point.x))
    if point.probe_change is not None or not abs(point.probe_to - point.x) >= reach / 2:
        return ""  # a sign change ahead, or the check stopped early (a pole, f's domain)
    side = "left" if point.falls_towards < 0 else "right"
    return (
        f"f′ keeps its sign at every point checked to the {side}, as far as "
        f"x = {g(point.probe_to, 6)}."
    )


def _runs_off_to_overflow(function: SymbolicFunction, trajectory: Trajectory) -> str:
    """A run that ended in an overflow after f fell on every step, each step the same way and
    longer than the one before, with f′ keeping its sign as far as it can be checked that
    way: f keeps falling that way (the overflow is f and x growing too large), or ""."""
    if trajectory.reason is not StopReason.FAULT or "overflow" not in trajectory.message:
        return ""
    xs, values = trajectory.params[:, 0], trajectory.values
    if len(values) < 3 or not np.all(np.diff(values) < 0):
        return ""
    moves = np.diff(xs)
    direction = int(np.sign(moves[-1]))
    if not direction or not np.all(np.sign(moves) == direction):
        return ""
    if not np.all(np.abs(moves[1:]) > np.abs(moves[:-1])):
        return ""
    x = float(xs[-1])
    slope = float(real_values(function.df_array, np.array([x]))[0])
    if not np.isfinite(slope) or np.sign(slope) != -direction:
        return ""
    start = endpoint.EndPoint(
        x, endpoint.FALLING, "", x, x, slope_left=slope, slope_right=slope, falls_towards=direction
    )
    probe = endpoint._probe(function.f_array, function.df_array, start)
    if probe.probe_change is not None or not np.isfinite(probe.probe_to) or probe.probe_to == x:
        return ""
    side = "left" if direction < 0 else "right"
    return (
        f"f fell on each of the {len(moves)} steps, every step to the {side} and longer than "
        f"the one before, and f′ keeps its sign at every point checked to the {side}, as far "
        f"as x = {g(probe.probe_to, 6)}."
    )


def minimize(
    function: SymbolicFunction,
    *,
    x0: float,
    alpha: float,
    precision: float,
    max_iter: int,
) -> tuple[Trajectory, np.ndarray]:
    """x := x − α·f′(x) from x0 until a realised step |Δx| < precision, or max_iter steps.

    Returns the trajectory and f″ at each iterate.
    """

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        x = theta[0]
        return function.f(x), np.array([function.df(x)], dtype=float)

    trajectory = descend(
        objective,
        np.array([x0], dtype=float),
        rule=gradient_descent(alpha=alpha),
        max_steps=max_iter,
        precision=precision,
        name="x",
    )
    curvature = real_values(function.d2f_array, trajectory.params[:, 0])
    return trajectory, _frozen(curvature)


def view_range(xs: np.ndarray, *, reach: float = 1e6) -> tuple[float, float]:
    """x-range for the figure: the iterates within ``reach`` of the start, plus a margin.

    Iterates that run away to 1e154 would make the view (and f on it)
    meaningless, so they are left off the picture; the table still lists them.
    """
    near = xs[np.abs(xs - xs[0]) <= reach]
    lo, hi = float(near.min()) - 1.0, float(near.max()) + 1.0
    pad = 0.02 * (hi - lo)
    return lo - pad, hi + pad


START_ZOOMS = 7  # windows about x0, each twice as wide as the one before (up to 64 times)


def start_windows(x0: float) -> tuple[tuple[float, float], ...]:
    """x-ranges about x0 that depend on x0 alone, half-width max(1, |x0|/2) times 1, 2, 4, …:
    a picture of part of a run frames the iterates it shows in the smallest that holds
    them, so its axes do not tell where the run will go."""
    half = max(1.0, abs(float(x0)) / 2)
    return tuple((x0 - half * 2**z, x0 + half * 2**z) for z in range(START_ZOOMS))


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=float)
    array.setflags(write=False)
    return array
