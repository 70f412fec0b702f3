"""View model of the symbolic f(x) demo (seed 004)."""

from __future__ import annotations

from functools import lru_cache

from matplotlib.figure import Figure

from gd_app.demos.common import (
    Demo,
    Metric,
    Picture,
    cache_by_name,
    fmt,
    highlighted_row,
    run_summary,
)
from gd_app.plotting import symbolic as plotting
from gd_app.plotting.common import png_width, to_png
from gd_app.tables import step_verdicts, symbolic_history, to_csv
from gd_core.symbolic import SymbolicFunction, compile_function, minimize


def _local_alpha_note(curvature: float, x0: float) -> str:
    if not curvature > 0:
        return f"At x0 = {x0:g}, f″ ≤ 0 or is undefined: no local α_crit there."
    return f"At x0 = {x0:g}: local α_crit = 2/f″(x0) = {2 / curvature:.3g}"


# ---------------------------------------------------------------- symbolic f(x)
@lru_cache(maxsize=32)
def _compiled(text: str) -> SymbolicFunction:
    return compile_function(text)


@cache_by_name(maxsize=32)
def _symbolic_run(*, f: str, x0: float, alpha: float, precision: float, max_iter: int):
    return minimize(_compiled(f), x0=x0, alpha=alpha, precision=precision, max_iter=max_iter)


def symbolic(*, f: str, x0: float, alpha: float, precision: float, max_iter: int) -> Demo:
    """Seed 004: minimise f from x0.

    Raises gd_core.expr.ExpressionError for a bad f, ValueError if f can't be
    evaluated at x0 itself.
    """
    run = _symbolic_run(f=f, x0=x0, alpha=alpha, precision=precision, max_iter=max_iter)
    trajectory = run.trajectory
    if not len(trajectory.values):
        raise ValueError(
            f"f can't be evaluated at the initial guess x0 = {x0:g}: {trajectory.message}"
        )
    verdicts = step_verdicts(trajectory.grads)
    return Demo(
        table=symbolic_history(trajectory, verdicts, run.curvature),
        metrics=(
            Metric(
                "minimum found at x",
                fmt(trajectory.final[0]),
                "The seed prints: 'Minimum occurs at x-value'",
            ),
            Metric("f(x) there", fmt(trajectory.values[-1])),
            Metric(
                "slope f′(x) there",
                fmt(trajectory.grads[-1, 0]),
                "The seed prints: 'Slope at the minimum is'",
            ),
            Metric("steps taken", str(trajectory.n_steps)),
        ),
        **run_summary(verdicts, trajectory, measure="slope", curvature=run.curvature[-1]),
        alpha_note=_local_alpha_note(run.curvature[0], x0),
        latex=run.function.latex(),
    )


def symbolic_picture(*, step: int = 0, theme: str = "light", **params) -> Picture:
    """The figure for :func:`symbolic`'s ``params``, iterate ``step`` highlighted."""
    run = _symbolic_run(**params)
    trajectory = run.trajectory
    f, x0 = params["f"], params["x0"]
    fig = figure(step=step, theme=theme, **params)
    alt = (
        f"Left: the graph of f(x) = {f} with {len(trajectory.values)} iterates walking from "
        f"x = {x0:g} to x = {trajectory.final[0]:.4g}. Right: the slope |f′(x)| at each "
        f"iteration on a log scale."
    )
    png = to_png(fig)
    return Picture(png=png, alt=alt, width=png_width(png))


# ---------------------------------------------------------------- export: one-figure route
def figure(*, step: int = 0, theme: str = "light", **params) -> Figure:
    """The page's figure as one Figure: what :func:`symbolic_picture` shows, for PNG and SVG."""
    run = _symbolic_run(**params)
    highlight = highlighted_row(step, run.trajectory)
    return plotting.symbolic_figure(
        run.function.f, run.trajectory, highlight=highlight, theme=theme
    )


# ---------------------------------------------------------------- export: CSV and script
# Minimal versions, kept apart so that the symbolic page's own can replace them.
def history_csv(**params) -> str:
    return to_csv(symbolic(**params).table)


def script(*, f: str, x0: float, alpha: float, precision: float, max_iter: int) -> str:
    # The parser's canonical text of f, never the text as typed or linked.
    text = str(_compiled(f).expr)
    return f'''"""Gradient descent on f(x), as on the explorer's page "Symbolic f(x)".

Run it with `python this_file.py` (it needs numpy and sympy): it prints the history as CSV.
To try another run, change the settings below.
"""

import numpy as np
import sympy

# ---- settings
f_text = {text!r}
x0 = {x0!r}
alpha = {alpha!r}
precision = {precision!r}  # stop once a step is smaller than this
max_iter = {max_iter!r}  # or after this many steps

x = sympy.Symbol("x", real=True)
f = sympy.sympify(f_text, locals={{"x": x}})
# f' without DiracDelta terms (from differentiating abs or sign: zero except at a kink)
df = sympy.diff(f, x).replace(sympy.DiracDelta, lambda *args: sympy.Integer(0))
f_num, df_num = (sympy.lambdify(x, e, modules="numpy") for e in (f, df))



def evaluate(xk):
    value, slope = float(f_num(np.float64(xk))), float(df_num(np.float64(xk)))
    if not (np.isfinite(value) and np.isfinite(slope)):
        raise FloatingPointError(f"f or f' is not a finite number at x = {{xk}}")
    return value, slope


# ---- the loop: x := x - alpha * f'(x), stopping at the first non-finite number
rows = []
with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
    try:
        xk, previous = float(x0), float("nan")
        value, slope = evaluate(xk)
        for k in range(max_iter + 1):
            rows.append((k, xk, value, slope, xk - previous))
            if k == max_iter:
                break
            update = -alpha * slope
            x_next = xk + update
            if not np.isfinite(x_next):
                break
            value, slope = evaluate(x_next)
            previous, xk = xk, x_next
            if abs(update) < precision:
                rows.append((k + 1, xk, value, slope, xk - previous))
                break
    except (ArithmeticError, ValueError, TypeError):
        pass

print("iteration,x,f,df,step")
for row in rows:
    print(",".join(["%d" % row[0]] + ["" if np.isnan(v) else "%.17g" % v for v in row[1:]]))
'''
