"""View model of the symbolic f(x) demo (descent on a typed formula).

The run itself happens in a budget worker (:func:`gd_core.symbolic.run_symbolic`);
here it is turned into the table, the sentences, the figure and the export hooks.
"""

from __future__ import annotations

import io
import math
import re

from gd_app import runtime
from gd_app.columns.symbolic import SYMBOLIC as SYMBOLIC_COLUMNS
from gd_app.demos.common import (
    PICTURES,
    Demo,
    Metric,
    Picture,
    animation_frames,
    cache_by_name,
    fmt,
    highlighted_row,
    verdict_fields,
)
from gd_app.plotting import symbolic as plotting
from gd_app.tables import symbolic_history
from gd_core.errors import ExpressionError, OutsideDomain, OverBudget
from gd_core.expr import MAX_LENGTH, parse_expression
from gd_core.symbolic import Formula, SymbolicRun, analyse
from gd_core.verdict.sentences import statuses

TOO_SLOW = "f(x) took too long to analyse, try a simpler form"
LONG_LATEX = 70  # characters a formula shows that fit on one line of the page
# f, f′ and f″ share a line only when they fit a phone's 390 px (about 10 px a character
# plus the gaps); a wider line would hide f″ past the right edge.
ONE_LINE_LATEX = 24
_EXPECTED = (ExpressionError, OutsideDomain, OverBudget)


def _local_alpha_note(curvature: float, x0: float) -> str:
    curvature = float(curvature)
    if not curvature > 0:
        return f"At x0 = {x0:g}, f″ ≤ 0 or is undefined: no local α_crit there."
    if curvature < 2e-300:
        return f"At x0 = {x0:g}, f″ is nearly 0 ({curvature:.3g}): local α_crit is huge."
    return f"At x0 = {x0:g}: local α_crit = 2/f″(x0) = {2 / curvature:.3g}"


def run_symbolic(*, f: str, x0: float, alpha: float, precision: float, max_iter: int):
    """:func:`gd_core.symbolic.analyse` in a budget worker; raises ExpressionError,
    OutsideDomain or OverBudget."""
    if not isinstance(f, str) or len(f) > MAX_LENGTH:  # cheap, and keeps big text off the pipe
        parse_expression(f)
    return runtime.budgeted(
        analyse,
        f,
        x0=float(x0),
        alpha=float(alpha),
        precision=float(precision),
        max_iter=int(max_iter),
    )


# One cache for the run, and for a refused formula or start (they are facts of the text):
# at most 32 entries of up to 10,001 rows × 5 arrays, about 16 MB in all. Work over the
# budget is not cached: it may have been a moment when the machine was busy.
@cache_by_name(maxsize=32)
def _outcome(*, f: str, x0: float, alpha: float, precision: float, max_iter: int):
    try:
        return run_symbolic(f=f, x0=x0, alpha=alpha, precision=precision, max_iter=max_iter)
    except (ExpressionError, OutsideDomain) as error:
        return error


def _symbolic_run(**params) -> SymbolicRun:
    try:
        outcome = _outcome(**params)
    except OverBudget as error:
        raise OverBudget(f"{TOO_SLOW} (the analysis {error}).") from None
    if isinstance(outcome, _EXPECTED):
        raise type(outcome)(*outcome.args)
    return outcome


def visible_length(latex: str) -> int:
    """Roughly how many characters a LaTeX formula shows (commands and braces show nothing)."""
    return len(re.sub(r"\\[A-Za-z]+|[{}\\ ]", "", latex))


def is_long(formula: Formula) -> bool:
    return not formula.latex or visible_length(formula.latex) > LONG_LATEX


def shown_formula(formula: Formula) -> str:
    """``name(x) = LaTeX`` for one line; a long formula is shortened (the page offers it whole)."""
    name = {"f": "f(x)", "f′": "f'(x)", "f″": "f''(x)"}[formula.name]
    if not is_long(formula):
        return f"{name} = {formula.latex}"
    return (
        f"{name} = \\text{{({formula.nodes:,} terms and operations: too long for one line, "
        "see the full form below)}"
    )


def shown_formulas(formulas: tuple[Formula, ...]) -> tuple[str, ...]:
    """One line for f, f′, f″ when it fits a phone's width, else one line each."""
    lines = tuple(shown_formula(formula) for formula in formulas)
    if (
        not any(map(is_long, formulas))
        and sum(visible_length(line) for line in lines) <= ONE_LINE_LATEX
    ):
        return (" \\qquad ".join(lines),)
    return lines


def symbolic(*, f: str, x0: float, alpha: float, precision: float, max_iter: int) -> Demo:
    """Gradient descent on the typed f from x0, until a step is below precision or max_iter.

    Raises ExpressionError for a formula the parser refuses, OutsideDomain when f
    or f′ is not a real number at x0, OverBudget when the analysis ran past its budget.
    """
    run = _symbolic_run(f=f, x0=x0, alpha=alpha, precision=precision, max_iter=max_iter)
    return demo_of(run, x0=x0, precision=precision, max_iter=max_iter)


def demo_of(run: SymbolicRun, *, x0: float, precision: float, max_iter: int = 0) -> Demo:
    """The table, metrics and sentences of one run (plain data: no SymPy, no worker)."""
    trajectory, verdict = run.trajectory, run.verdict
    found = verdict.tone == "success"
    rows = statuses(verdict.steps, crossed=run.crossings)
    return Demo(
        table=symbolic_history(trajectory, verdict.steps.step_ratio, rows, run.curvature),
        metrics=(
            Metric(
                "minimum found at x" if found else "where it stopped, x",
                fmt(trajectory.final[0]),
                "Where the run stopped. It is called the minimum only when the end point "
                "is checked to be next to one (see the verdict).",
            ),
            Metric("f(x) there", fmt(trajectory.values[-1])),
            Metric(
                "slope f′(x) there",
                fmt(trajectory.grads[-1, 0]),
                "The slope f′(x) where the run stopped: close to 0 at a minimum.",
            ),
            Metric("steps taken", str(trajectory.n_steps)),
        ),
        **verdict_fields(verdict, trajectory),
        alpha_note=_local_alpha_note(run.curvature[0], x0),
        latex=shown_formulas(run.formulas),
        details=tuple(
            (f"The full {formula.name}(x)", formula.text)
            for formula in run.formulas
            if is_long(formula)
        ),
        rows_allowed=int(max_iter) + 1,  # the start and at most max_iter steps
    )


@cache_by_name(maxsize=PICTURES)
def symbolic_picture(
    *, step: int = 0, theme: str = "light", reveal: bool = False, **params
) -> Picture:
    """The figure for :func:`symbolic`'s ``params``, iterate ``step`` highlighted; with
    ``reveal`` (play, prediction mode, GIF frames) nothing after ``step`` is drawn, and
    the axes frame only what is drawn.

    Two panels, each its own image: f(x) with the iterates, then the slope per iteration."""
    run = _symbolic_run(**params)
    trajectory = run.trajectory
    highlight = highlighted_row(step, trajectory)
    x0 = params["x0"]
    if reveal:
        lo, hi = plotting.curve_view(run, highlight)[0][[0, -1]]
        curve_alt = (
            f"f(x) and the iterates: the graph of f(x) = {run.text} for x from {lo:.4g} to "
            f"{hi:.4g}, with the iterates from x = {x0:g} up to iterate {highlight}, "
            f"x = {trajectory.params[highlight, 0]:.4g}; nothing after it is drawn."
        )
        slope_alt = (
            "How steep f is at each iterate: the slope |f′(x)| at iterations 0 to "
            f"{highlight} on a log scale; nothing after it is drawn."
        )
        upto = {"upto": highlight}
    else:
        kind = run.endpoint.kind if run.endpoint is not None else "numerical fault"
        curve_alt = (
            f"f(x) and the iterates: the graph of f(x) = {run.text} with "
            f"{len(trajectory.values)} iterates walking from x = {x0:g} to "
            f"x = {trajectory.final[0]:.4g}, marked as: {kind}; iterate {highlight} ringed."
        )
        slope_alt = (
            "How steep f is at each iterate: the slope |f′(x)| at each iteration on a log "
            f"scale; iterate {highlight} ringed."
        )
        upto = {}
    panels = runtime.draw(plotting.symbolic_png, run, highlight=highlight, theme=theme, **upto)
    return Picture.of_panels(panels, (curve_alt, slope_alt))


def symbolic_frames(steps, *, theme, width, full_width, encoding=None, **params):
    """An animation's frames of :func:`symbolic_picture` (see
    :func:`gd_app.demos.common.animation_frames`)."""
    run = _symbolic_run(**params)
    return animation_frames(
        run.trajectory,
        (plotting.symbolic_frames, run),
        steps,
        theme=theme,
        width=width,
        full_width=full_width,
        encoding=encoding,
    )


def figure(*, step: int = 0, theme: str = "light", reveal: bool = False, **params):
    """The one figure for these ``params`` (export hook: PNG, SVG)."""
    run = _symbolic_run(**params)
    highlight = highlighted_row(step, run.trajectory)
    return plotting.symbolic_figure(
        run, highlight=highlight, theme=theme, upto=highlight if reveal else None
    )


# ------------------------------------------------------------------ export hooks
CSV_COLUMNS = SYMBOLIC_COLUMNS.numeric  # then status, the one text column


def history_csv(**params) -> str:
    """The history as CSV: every column, full precision (%.17g); empty cells for nan."""
    table = symbolic(**params).table
    out = io.StringIO()
    out.write(",".join(SYMBOLIC_COLUMNS.names) + "\n")
    for row in table.itertuples(index=False):
        cells = [str(row.iteration)]
        cells += [_cell(getattr(row, name)) for name in CSV_COLUMNS[1:]]
        cells.append('"' + row.status.replace('"', '""') + '"')
        out.write(",".join(cells) + "\n")
    return out.getvalue()


def _cell(value: float) -> str:
    return "" if not math.isfinite(value) else f"{value:.17g}"


def script(**params) -> str:
    """A standalone program (numpy and sympy) that prints the CSV's numeric columns."""
    run = _symbolic_run(**params)  # validates f; the script gets the parser's canonical text
    x0, alpha = float(params["x0"]), float(params["alpha"])
    precision, max_iter = float(params["precision"]), int(params["max_iter"])
    return _SCRIPT.format(
        columns=repr(list(CSV_COLUMNS)),
        listed=", ".join(CSV_COLUMNS),
        text=repr(run.text),
        x0=repr(x0),
        alpha=repr(alpha),
        precision=repr(precision),
        max_iter=max_iter,
    )


_SCRIPT = '''"""Gradient descent on f(x) with the settings of the explorer's symbolic page.

Change the five settings below and run: python this_file.py (needs numpy and sympy).
Prints the history as CSV: {listed}.
"""

import math

import numpy as np
import sympy

F = {text}  # f(x), as the explorer's parser read it
X0 = {x0}  # initial guess
ALPHA = {alpha}  # learning rate
PRECISION = {precision}  # stop after the first step with |x_new - x_old| below this
MAX_ITER = {max_iter}  # at most this many steps
COLUMNS = {columns}  # the explorer's numeric columns, in its order

x = sympy.Symbol("x", real=True)
f_expr = sympy.sympify(F, locals={{"x": x}})  # safe: runs in the downloaded script, on the parser's canonical text


def no_spikes(expr):  # as the explorer does: DiracDelta (from abs) is 0 except at a kink
    return expr.replace(sympy.DiracDelta, lambda *args: sympy.Integer(0))


df_expr = no_spikes(sympy.diff(f_expr, x))
d2f_expr = no_spikes(sympy.diff(df_expr, x))
f = sympy.lambdify(x, f_expr, "numpy")
df = sympy.lambdify(x, df_expr, "numpy")
d2f = sympy.lambdify(x, d2f_expr, "numpy")


def finite(*values):
    return all(math.isfinite(float(v)) for v in values)


xs, fs, dfs = [], [], []
with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
    try:
        new_x = np.float64(X0)
        value, slope = float(f(new_x)), float(df(new_x))
        if finite(value, slope):
            xs, fs, dfs = [float(new_x)], [value], [slope]
            for n in range(MAX_ITER):
                previous_x = new_x
                new_x = previous_x - ALPHA * np.float64(slope)
                value, slope = float(f(new_x)), float(df(new_x))
                if not finite(new_x, value, slope):
                    break  # a numerical fault: the faulty iterate is not printed
                xs.append(float(new_x)), fs.append(value), dfs.append(slope)
                if abs(new_x - previous_x) < PRECISION:
                    break
    except (ArithmeticError, ValueError, TypeError):
        pass  # a numerical fault (overflow, outside the domain): stop at the last finite row

xs = np.array(xs)
with np.errstate(all="ignore"):
    curvature = np.broadcast_to(np.asarray(d2f(xs), dtype=float), xs.shape)
    curvature = np.where(np.isfinite(curvature), curvature, np.nan)
    steps = np.concatenate([[np.nan], np.diff(xs)])
    sizes = np.abs(steps)
    ratio = np.full(len(xs), np.nan)
    ratio[2:] = np.where(sizes[1:-1] > 0, sizes[2:] / sizes[1:-1], np.nan)
    alpha_crit = np.where(curvature > 0, 2.0 / curvature, np.nan)

table = dict(x=xs, f=fs, df=dfs, step=steps, d2f=curvature, alpha_crit=alpha_crit, ratio=ratio)
print(",".join(COLUMNS))
for k in range(len(xs)):
    row = [table[name][k] for name in COLUMNS[1:]]  # COLUMNS[0] is the iteration, k
    print(",".join([str(k)] + ["" if not math.isfinite(v) else "%.17g" % v for v in row]))
'''
