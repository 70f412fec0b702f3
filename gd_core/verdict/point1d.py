"""What the point where a run on f(x) stopped is, by a test that can be stated.

A run stops at a float where f′ is small, never exactly at a critical point, so a small f′
proves nothing (x³ from 1 stops at x = 0.018 with f′ = 0.001, and has no minimum at all).
A minimum is claimed only when one of two tests holds:

* **sign test**: f′ goes from − to + within the bracket [x − h, x + h] around the end point
  x, a few of the last steps wide (:func:`half_width`). A continuous f′ that goes from − to
  + has a zero there where f turns from falling to rising. The bracket stated is the
  tightest that shows it: the last step when it went across, else the samples around it.
* **even-order test**: f′ is exactly 0 at a simple rational point r of the bracket (checked in
  exact arithmetic) and the first derivative of f that is not 0 at r has even order and is
  positive (x⁴ at 0: f′ = f″ = f‴ = 0, f⁗ = 24).

The numeric work uses f and f′; the exact test uses SymPy under a time box
(:mod:`gd_core.verdict.even_order`), and says less when that runs out. Runs where SymPy is (the budget's worker).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gd_core.verdict.even_order import first_nonzero_derivative

if TYPE_CHECKING:
    import sympy

BRACKET_STEPS = 4.0  # the bracket reaches this many steps to each side
RECENT = 3  # the last steps whose longest sets the bracket
TAIL_CAP = 100.0  # the remaining distance counts as at most this many last steps
MIN_HALF_WIDTH = 1e-9  # relative to max(1, |x|): a run that stopped on f′ = 0 still gets a bracket
SAMPLES = 129  # points at which f′ is sampled across the bracket
PROBE_REACH = 1e3  # the probe checks f′ this far, times max(1, |x|), in the downhill direction
PROBE_SAMPLES = 60

MINIMUM = "minimum"
MAXIMUM = "maximum"
INFLECTION = "flat inflection"  # f′ = 0 but f keeps falling (or rising) through the point
FALLING = "still falling"  # f′ keeps one sign across the bracket
UNKNOWN = "unknown"  # f′ undefined in the bracket, or the tests ran out of time


@dataclass(frozen=True)
class EndPoint:
    """The verdict on the end point x and the facts it rests on (all plain numbers and text).

    kind: MINIMUM | MAXIMUM | INFLECTION | FALLING | UNKNOWN.
    test: "sign" or "even order" for a classified critical point, "" otherwise.
    where: the critical point (a root of f′ found in the bracket, or the rational point r).
    slope_left, slope_right: f′ at the bracket's ends (nan where not real).
    order, derivative: for the even-order test, the order and value of the first non-zero
        derivative at r (0 and nan when not used).
    falls_towards: −1 or +1, the downhill direction when kind is FALLING, else 0.
    probe_to: how far the probe checked that f′ keeps its sign (nan if it found a sign change
        or was not run); probe_change: (p, q) with f′ changing sign from − to + (seen in the
        direction of travel) between them, if the probe found one.
    """

    x: float
    kind: str
    test: str
    low: float
    high: float
    where: float = math.nan
    slope_left: float = math.nan
    slope_right: float = math.nan
    order: int = 0
    derivative: float = math.nan
    falls_towards: int = 0
    probe_to: float = math.nan
    probe_change: tuple[float, float] | None = None
    across: bool = False  # sign test: the bracket is the last step, from the iterate before to x
    flat_ahead: dict | None = None  # FALLING: the even-order test's fields at a flat point ahead


def half_width(steps: np.ndarray, x: float) -> float:
    """h = BRACKET_STEPS × the longest of the last RECENT steps, or, while those steps all go
    the same way and shrink by a ratio r = s_n/s_(n−1) < 1, of the distance they would
    still cover, s·r/(1 − r), capped at TAIL_CAP last steps.

    A bracket a few of the last steps wide: a run bouncing between 2.15 and 2.34 gets a
    bracket about three steps wide on each side, never thousands. Not a proof, only where
    to look; the tests inside decide.
    """
    finite = steps[np.isfinite(steps)]
    sizes = np.abs(finite)
    last = float(sizes[-1]) if sizes.size else 0.0
    recent = float(sizes[-RECENT:].max()) if sizes.size else 0.0
    tail = 0.0
    one_way = sizes.size >= 2 and abs(np.sign(finite[-RECENT:]).sum()) == len(finite[-RECENT:])
    if one_way and 0 < sizes[-1] < sizes[-2]:
        r = sizes[-1] / sizes[-2]
        tail = min(last * r / (1 - r), TAIL_CAP * last)
    return max(BRACKET_STEPS * max(recent, tail), MIN_HALF_WIDTH * max(1.0, abs(x)))


def behind_width(steps: np.ndarray, x: float, h: float) -> float:
    """How far the bracket reaches back along the way the run came: h, except when the
    last steps all went one way, where the run itself walked that side (f′ kept its sign
    at its iterates): then a few of the last steps only. A critical point the run left
    far behind (x·exp(−x)'s maximum at 1, seen from 5) is not where it stopped."""
    finite = steps[np.isfinite(steps)]
    recent = finite[-RECENT:]
    if finite.size < 2 or abs(np.sign(recent).sum()) != len(recent):
        return h
    return min(h, max(BRACKET_STEPS * float(np.abs(finite[-1])), MIN_HALF_WIDTH * max(1.0, abs(x))))


def classify(
    f_expr: sympy.Expr,
    symbol: sympy.Symbol,
    f,
    df,
    x: float,
    h: float,
    *,
    behind: float | None = None,
    came_from: int = 0,
    previous: float | None = None,
) -> EndPoint:
    """Classify the end point x with the bracket [x − h, x + h]; f, df work on numpy arrays.

    ``behind``, ``came_from`` (−1: from the left, +1: from the right): the bracket reaches
    only ``behind`` back the way the run came (see :func:`behind_width`).

    A sign change of f′ counts only where f is continuous (a root of f′, or a kink): across
    a pole or a gap in f's domain, f′ changes sign without any minimum there.
    """
    low, high = x - h, x + h
    if behind is not None and came_from < 0:
        low = x - behind
    elif behind is not None and came_from > 0:
        high = x + behind
    grid = np.union1d(np.linspace(low, high, SAMPLES), [x])
    slopes = real_values(df, grid)
    ends = dict(low=low, high=high, slope_left=slopes[0], slope_right=slopes[-1])
    roots = [
        (where, rising, pair)
        for where, rising, scale, pair in _sign_changes(df, grid, slopes)
        if _crossing_kind(f, df, where, scale, h) != BREAK
    ]
    if roots:
        rising = [root for root in roots if root[1]]
        kind = MINIMUM if rising else MAXIMUM
        where, _, pair = min(rising or roots, key=lambda root: abs(root[0] - x))
        # the bracket shown is the tightest that proves it: the last step, when it crossed
        # the root with f′ of the right signs at its ends, else the samples around the root
        across = _across(df, previous, x, where, kind)
        (a, ya), (b, yb) = across or pair
        ends = dict(low=a, high=b, slope_left=ya, slope_right=yb)
        return EndPoint(x, kind, "sign", where=where, across=across is not None, **ends)
    exact = _even_order_test(f_expr, symbol, x, low, high)
    if exact is not None:
        return EndPoint(x, **exact, **ends)
    finite = slopes[np.isfinite(slopes)]
    if finite.size < len(slopes) or not finite.size:
        return EndPoint(x, UNKNOWN, "", **ends)
    if np.all(finite > 0) or np.all(finite < 0):
        towards = -1 if finite[0] > 0 else 1
        point = _probe(f, df, EndPoint(x, FALLING, "", falls_towards=towards, **ends))
        if point.probe_change is not None:
            return point
        # f′ may touch 0 ahead without changing sign (x⁵ at 0): a flat point the steps slow
        # down at, so the run can't be said to run off past it
        reach = point.probe_to if math.isfinite(point.probe_to) else x
        flat = _even_order_test(f_expr, symbol, x, *sorted((x, reach)))
        return dataclasses.replace(point, flat_ahead=flat) if flat else point
    return EndPoint(x, UNKNOWN, "", **ends)  # f′ is 0 at samples without changing sign


def real_values(function, xs: np.ndarray) -> np.ndarray:
    """``function`` at every x of xs (n,) in one vectorised call; nan where not a real number.

    One call over the array, not one per x: f″ of a big f at 10,000 iterates
    took seconds point by point.
    """
    xs = np.asarray(xs, dtype=float)
    with np.errstate(all="ignore"):
        try:
            values = np.broadcast_to(np.asarray(function(xs)), xs.shape)
        except (ArithmeticError, ValueError, TypeError):
            return np.full(xs.shape, np.nan)
    if np.iscomplexobj(values):
        values = np.where(values.imag == 0, values.real, np.nan)
    values = values.astype(float)
    return np.where(np.isfinite(values), values, np.nan)


def _sign_changes(df, grid: np.ndarray, slopes: np.ndarray) -> list[tuple]:
    """(root, rising, scale, ((a, f′(a)), (b, f′(b)))) for each strict sign change of f′
    between neighbouring samples a < b.

    rising: f′ goes from − to + (left to right), so f turns from falling to rising: a
    minimum. The root is located by bisection; scale is the larger |f′| at the two samples.
    """
    finite = np.isfinite(slopes) & (slopes != 0)
    xs, ys = grid[finite], slopes[finite]
    roots = []
    for i in np.nonzero(np.sign(ys[:-1]) * np.sign(ys[1:]) < 0)[0]:
        where = _bisect(df, xs[i], xs[i + 1], ys[i])
        pair = ((float(xs[i]), float(ys[i])), (float(xs[i + 1]), float(ys[i + 1])))
        roots.append((where, bool(ys[i] < 0), max(abs(ys[i]), abs(ys[i + 1])), pair))
    return roots


def _across(df, previous, x: float, where: float, kind: str):
    """((a, f′(a)), (b, f′(b))): the last step's ends a < b, if the root lies on it with f′
    of the kind's signs there (− then + for a minimum)."""
    if previous is None or not math.isfinite(previous):
        return None
    a, b = sorted((float(previous), float(x)))
    if not a <= where <= b:
        return None
    ya, yb = real_values(df, np.array([a, b]))
    signs = (-1, 1) if kind == MINIMUM else (1, -1)
    return ((a, ya), (b, yb)) if (np.sign(ya), np.sign(yb)) == signs else None


def _bisect(df, a: float, b: float, fa: float) -> float:
    for _ in range(60):
        m = 0.5 * (a + b)
        if m in (a, b):
            break
        fm = float(real_values(df, np.array([m]))[0])
        if not np.isfinite(fm) or fm == 0:
            return m
        if np.sign(fm) == np.sign(fa):
            a, fa = m, fm
        else:
            b = m
    return 0.5 * (a + b)


def _probe(f, df, point: EndPoint) -> EndPoint:
    """Check f′ further in the downhill direction, at geometrically spaced points.

    It stops at the first point where f′ is not a real number, and at the first sign
    change: a root or kink there means a minimum lies ahead (probe_change); a pole or
    gap in f's domain only ends what the probe can say (probe_to). So does a point where
    f is higher than at the one before though f′ kept its sign (tan x across a pole): f
    does not keep falling that way.
    """
    x, direction = point.x, point.falls_towards
    reach = PROBE_REACH * max(1.0, abs(x))
    start = max(point.high - x, 1e-12)
    distances = np.geomspace(start, reach, PROBE_SAMPLES)
    xs = x + direction * distances
    slopes, values = real_values(df, xs), real_values(f, np.append([x], xs))
    sign = np.sign(point.slope_left if direction < 0 else point.slope_right)
    for i, slope in enumerate(slopes):
        rose = values[i + 1] > values[i] + 4 * np.spacing(max(abs(values[i]), abs(values[i + 1])))
        if not np.isfinite(slope) or (np.sign(slope) == sign and not values[i + 1] <= values[i]):
            if np.isfinite(slope) and not rose and np.isfinite(values[i + 1]):
                continue  # equal to rounding (exp far out is 0.0 at both)
            checked = distances[i - 1] if i else 0.0
            return _replace(point, probe_to=x + direction * checked)
        if np.sign(slope) != sign and slope != 0:
            previous = x + direction * (distances[i - 1] if i else start)
            pair = (min(previous, xs[i]), max(previous, xs[i]))
            before = float(real_values(df, np.array([previous]))[0])
            root = _bisect(df, previous, float(xs[i]), before)
            width = abs(xs[i] - previous)
            if _crossing_kind(f, df, root, max(abs(before), abs(slope)), width) == BREAK:
                return _replace(point, probe_to=previous)
            return _replace(point, probe_change=pair)
    return _replace(point, probe_to=float(xs[-1]))


def _replace(point: EndPoint, **changes) -> EndPoint:
    return dataclasses.replace(point, **changes)


def _even_order_test(f: sympy.Expr, symbol: sympy.Symbol, x: float, low: float, high: float):
    """kind/test/where/order/derivative fields if f′ is exactly 0 at a simple rational r."""
    flat = first_nonzero_derivative(f, symbol, x, low, high)
    if flat is None:
        return None
    if flat.order % 2:
        kind = INFLECTION
    else:
        kind = MINIMUM if flat.sign > 0 else MAXIMUM
    return dict(
        kind=kind, test="even order", where=flat.where, order=flat.order, derivative=flat.value
    )


# ------------------------------------------------------------------ sign changes along the walk
ZERO = "zero"  # f′ passes through 0: the step overshot a point where f′ = 0
KINK = "kink"  # f is continuous but f′ jumps from one sign to the other (abs(x) at 0)
BREAK = "break"  # f itself is undefined or jumps there (1/x, log(abs(x)) at 0)


def crossings(f, df, xs: np.ndarray, slopes: np.ndarray) -> tuple[str, ...]:
    """Per row k, what the step from xs[k−1] to xs[k] crossed when f′ changed sign on it.

    "" where f′ kept its sign (or was 0 at an end). Otherwise the point c where f′
    changes sign is located by bisection and named: ZERO when |f′| there is tiny next
    to |f′| at the step's ends, KINK when f is continuous at c but f′ jumps, BREAK when
    f is not a real number at c or jumps there.
    """
    kinds = [""] * len(xs)
    for k in np.nonzero(np.sign(slopes[:-1]) * np.sign(slopes[1:]) < 0)[0] + 1:
        a, b = float(xs[k - 1]), float(xs[k])
        c = _bisect(df, a, b, float(slopes[k - 1]))
        kinds[k] = _crossing_kind(f, df, c, max(abs(slopes[k - 1]), abs(slopes[k])), abs(b - a))
    return tuple(kinds)


def _crossing_kind(f, df, c: float, scale: float, width: float) -> str:
    near = np.array([c, np.nextafter(c, -np.inf), np.nextafter(c, np.inf)])
    slope = real_values(df, near)
    value = real_values(f, near)
    if not np.all(np.isfinite(value)):
        return BREAK
    if np.nanmin(np.abs(slope)) <= 1e-6 * scale:
        return ZERO
    # f′ jumps at c: a kink if f is continuous there (f changes by no more than the slope allows)
    eps = max(1e-9 * width, 4 * np.spacing(abs(c)))
    around = real_values(f, np.array([c - eps, c + eps]))
    if np.all(np.isfinite(around)) and np.all(np.abs(around - value[0]) <= 10 * scale * eps):
        return KINK
    return BREAK
