"""The exact part of the even-order test on f(x) (:mod:`gd_core.verdict.point1d`): is f′
exactly 0 at a simple rational point r near the end point, and which derivative of f is the
first that is not 0 there (x⁴ at 0: f′ = f″ = f‴ = 0, f⁗ = 24)?

Checked in exact arithmetic with SymPy, under a time box of EXACT_SECONDS; past it, or when a
sign can't be proved, the answer is None ("can't tell"). Runs where SymPy is (the budget's
worker).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import sympy

MAX_ORDER = 8  # highest derivative the even-order test looks at
MAX_DENOMINATOR = 1000  # rational points tried: fractions with at most this denominator
EXACT_SECONDS = 0.4  # time box for the exact (SymPy) part; past it, the test says "can't tell"


class Flat(NamedTuple):
    """f′(r) = 0 exactly; the first derivative of f not 0 at r is of ``order``, with ``sign``
    (proved: −1 or +1) and ``value`` (to 20 digits, as a float)."""

    where: float
    order: int
    sign: int
    value: float


class _OutOfTime(Exception):
    pass


@contextlib.contextmanager
def _time_box(seconds: float):
    """Raise _OutOfTime in the block after ``seconds`` (main thread with SIGALRM only)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _candidates(x: float, low: float, high: float) -> list[sympy.Rational]:
    """Simple rationals in [low, high]: 0 and the best approximations of x."""
    import sympy  # only here: the rest of the verdict never needs SymPy

    found = []
    for value in (0.0, x, round(x)):
        for limit in (1, 10, 100, MAX_DENOMINATOR):
            r = sympy.Rational(value).limit_denominator(limit)
            if low <= float(r) <= high and r not in found:
                found.append(r)
    return found


def first_nonzero_derivative(
    f: sympy.Expr, symbol: sympy.Symbol, x: float, low: float, high: float
) -> Flat | None:
    """The first simple rational r of [low, high] where f′ is exactly 0, with the first
    derivative of f not 0 there (up to MAX_ORDER); None when there is none, or when the
    exact work can't tell (a sign it can't prove, or out of time)."""
    import sympy  # only here: the rest of the verdict never needs SymPy

    try:
        with _time_box(EXACT_SECONDS):
            for r in _candidates(x, low, high):
                derivative = sympy.diff(f, symbol)
                if _exact_sign(derivative.subs(symbol, r)) != 0:
                    continue
                for order in range(2, MAX_ORDER + 1):
                    derivative = sympy.diff(derivative, symbol)
                    sign = _exact_sign(derivative.subs(symbol, r))
                    if sign is None:
                        return None
                    if sign == 0:
                        continue
                    value = float(derivative.subs(symbol, r).evalf(20))
                    return Flat(float(r), order, sign, value)
                return None
    except (_OutOfTime, ArithmeticError, TypeError, ValueError, RecursionError):
        return None
    return None


def _exact_sign(value: sympy.Expr) -> int | None:
    """−1, 0 or +1 when certain, else None: exact for numbers, 30-digit evaluation otherwise."""
    import sympy  # only here: the rest of the verdict never needs SymPy

    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    if value.is_Number:
        return int(sympy.sign(value))
    if value.free_symbols:
        return None
    approx = value.evalf(30)
    if not approx.is_Number or approx.has(sympy.I):
        return None
    if abs(approx) > sympy.Float("1e-25"):
        return 1 if approx > 0 else -1
    return None  # too close to 0 to tell without an exact proof
