"""The one verdict engine on the symbolic page: bounces, local minima, run-offs and end points.

Truth comes from SymPy on the same f (derivatives, limits, roots) at exact points.
"""

import numpy as np
import pytest
import sympy
from verdict_checks import said, x

from gd_app.demos.symbolic import demo_of
from gd_core.symbolic import analyse
from gd_core.verdict import Outcome


def test_wikipedia_quartic_with_the_page_defaults_bounces_and_says_so():
    """f = x⁴ − 3x³ + 2 from 3 at α = 0.1: f″(9/4) = 81/4, so 2/f″ = 8/81 ≈ 0.0988 < α."""
    f = x**4 - 3 * x**3 + 2
    assert sympy.diff(f, x).subs(x, sympy.Rational(9, 4)) == 0
    limit = 2 / sympy.diff(f, x, 2).subs(x, sympy.Rational(9, 4))
    assert limit == sympy.Rational(8, 81)
    run = analyse("x**4 - 3*x**3 + 2", x0=3.0, alpha=0.1, precision=1e-4, max_iter=100)
    demo = demo_of(run, x0=3.0, precision=1e-4)
    text = said(demo)
    assert run.verdict.outcome is Outcome.BOUNCE and demo.tone != "success"
    assert f"{float(limit):.3g}" in demo.verdict and "for ever" in demo.verdict
    tail = demo.table["x"].to_numpy()[-10:]
    assert 2.1 < tail.min() < 2.2 and 2.3 < tail.max() < 2.4  # between about 2.15 and 2.34
    point = run.endpoint
    assert point.low <= 9 / 4 <= point.high
    assert point.high - point.low < 10 * np.abs(np.diff(tail)).max()  # a few steps wide
    assert "x ≈ 0 " not in text and "x ≈ 2.25" in text


def test_sin_plus_parabola_names_the_minimum_local_and_shows_the_lower_one():
    """sin(x) + x²/10 from 3 stops near 3.84; f′ = cos x + x/5 has a root near −1.31 where f
    is about −0.79 (sympy.nsolve), lower than f near 3.84 (about 0.83)."""
    f = sympy.sin(x) + x**2 / 10
    low_root = float(sympy.nsolve(sympy.diff(f, x), x, -1.3))
    high_root = float(sympy.nsolve(sympy.diff(f, x), x, 3.8))
    assert float(f.subs(x, low_root)) < float(f.subs(x, high_root))
    run = analyse("sin(x) + x**2/10", x0=3.0, alpha=0.1, precision=1e-4, max_iter=100)
    demo = demo_of(run, x0=3.0, precision=1e-4)
    assert abs(run.trajectory.final[0] - high_root) < 1e-2
    assert "local minimum" in demo.verdict
    assert run.curve_x[0] < low_root < run.curve_x[-1]  # the figure widened to show it
    (where,), value = run.lower  # and marks it
    assert abs(where - low_root) < 0.05 and value == pytest.approx(float(f.subs(x, where)))
    assert f"{float(f.subs(x, low_root)):.4g}" in said(demo)


def test_a_minimum_with_nothing_lower_in_view_is_called_the_lowest_in_view():
    run = analyse("x**2", x0=3.0, alpha=0.1, precision=1e-4, max_iter=100)
    demo = demo_of(run, x0=3.0, precision=1e-4)
    assert "lowest point in view" in demo.verdict and "local" not in demo.verdict
    assert demo.tone == "success"


def test_a_run_that_falls_into_an_overflow_runs_off():
    # f = x·exp(−x): f′ = (1 − x)·exp(−x) > 0 left of 1 and f → −∞ as x → −∞ (SymPy), so
    # descent from 0.5 runs off to the left until x overflows: "runs off" is the truth.
    f = x * sympy.exp(-x)
    assert sympy.limit(f, x, -sympy.oo) == -sympy.oo
    assert all(sympy.diff(f, x).subs(x, sympy.Rational(-k, 2)) > 0 for k in range(0, 2000, 37))
    run = analyse("x*exp(-x)", x0=0.5, alpha=0.1, precision=1e-4, max_iter=100)
    assert "overflow" in run.trajectory.message
    assert np.all(np.diff(run.trajectory.values) < 0) and np.all(
        np.diff(run.trajectory.params[:, 0]) < 0
    )
    verdict = run.verdict
    assert verdict.outcome is Outcome.RUN_OFF
    assert "not a minimum" not in verdict.headline and "keeps falling" in verdict.headline


def test_a_fault_without_a_fall_all_the_way_is_not_called_running_off():
    # x⁴ at α = 1 from 3: x₁ = 3 − 108 = −105, then the overshoots grow (f rises): no run-off.
    run = analyse("x**4", x0=3.0, alpha=1.0, precision=1e-4, max_iter=100)
    assert run.trajectory.values[1] > run.trajectory.values[0]
    assert run.verdict.outcome is not Outcome.RUN_OFF


def test_a_critical_point_the_run_left_far_behind_is_not_its_end_point():
    # f = x·exp(−x): f′ = (1 − x)·exp(−x) has its one zero at x = 1 (SymPy), a maximum; from
    # 2 the run walks right, every iterate past 1, so where it stopped is no maximum.
    f = x * sympy.exp(-x)
    assert sympy.solve(sympy.diff(f, x), x) == [1]
    run = analyse("x*exp(-x)", x0=2.0, alpha=0.5, precision=1e-4, max_iter=100)
    assert np.all(run.trajectory.params[:, 0] > 1)
    assert run.endpoint.kind != "maximum"
    assert "maximum" not in run.verdict.text
    assert run.verdict.outcome is not Outcome.STUCK


def test_x_cubed_stops_next_to_its_flat_inflection_not_at_it():
    """f = x³ from 1: f′ = 3x² is 0 only at x = 0, where f‴ = 6 ≠ 0 (odd order): an inflection.
    The run stops short of 0, so the sentence names both points and calls only 0 the inflection."""
    f = x**3
    assert sympy.solve(sympy.diff(f, x), x) == [0]
    assert sympy.diff(f, x, 3) == 6
    run = analyse("x**3", x0=1.0, alpha=0.1, precision=1e-4, max_iter=100)
    demo = demo_of(run, x0=1.0, precision=1e-4)
    end = run.trajectory.final[0]
    assert end != 0
    assert "next to x = 0, which is a flat inflection point" in demo.verdict, demo.verdict
