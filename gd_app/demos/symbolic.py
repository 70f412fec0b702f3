"""View model of the symbolic f(x) demo (seed 004)."""

from __future__ import annotations

from functools import lru_cache

from gd_app.demos.common import (
    PICTURES,
    Demo,
    Metric,
    Picture,
    cache_by_name,
    fmt,
    highlighted_row,
    run_summary,
)
from gd_app.plotting import symbolic as plotting
from gd_app.plotting.common import render
from gd_app.tables import step_verdicts, symbolic_history
from gd_core.symbolic import SymbolicFunction, compile_function, minimize


def _local_alpha_note(curvature: float, x0: float) -> str:
    if not curvature > 0:
        return f"At x0 = {x0:g}, f″ ≤ 0 or is undefined: no local α_crit there."
    return f"At x0 = {x0:g}: local α_crit = 2/f″(x0) = {2 / curvature:.3g}"


# ---------------------------------------------------------------- symbolic f(x)
@lru_cache(maxsize=32)  # the problem: f, f′, f″ compiled, and their LaTeX (up to 100 ms)
def _compiled(text: str) -> tuple[SymbolicFunction, tuple[str, str, str]]:
    function = compile_function(text)
    return function, function.latex()


@cache_by_name(maxsize=32)
def _symbolic_run(*, f: str, x0: float, alpha: float, precision: float, max_iter: int):
    return minimize(_compiled(f)[0], x0=x0, alpha=alpha, precision=precision, max_iter=max_iter)


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
        latex=_compiled(f)[1],
    )


@cache_by_name(maxsize=PICTURES)
def symbolic_picture(*, step: int = 0, **params) -> Picture:
    """The figure for :func:`symbolic`'s ``params``, iterate ``step`` highlighted."""
    run = _symbolic_run(**params)
    trajectory = run.trajectory
    f, x0 = params["f"], params["x0"]
    fig = plotting.symbolic_figure(
        run.function.f, trajectory, highlight=highlighted_row(step, trajectory)
    )
    alt = (
        f"Left: the graph of f(x) = {f} with {len(trajectory.values)} iterates walking from "
        f"x = {x0:g} to x = {trajectory.final[0]:.4g}. Right: the slope |f′(x)| at each "
        f"iteration on a log scale."
    )
    png, width = render(fig)
    return Picture(png=png, alt=alt, width=width)
