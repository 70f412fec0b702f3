"""View model of the optimizer lab: one budgeted job per run, tables and sentences.

Each rerun is up to seven small budgeted jobs, not one big one: each method's run
(cached by its own settings, so moving one method's learning rate reruns only that
method), then the rest (theory, window, f on a grid). Small jobs stay far inside
the budget's time limit on a busy machine.

Caches, one per thing: each method's run (:func:`_method_run`, 48 entries of at
most 0.5 MB: 5,000 rows of 13 floats), the whole result (:func:`_result`, 8
entries, each ~0.2 MB beyond the runs it shares), the drawn figure and its
background (:func:`_scrubber`, 3 entries of ~15 MB), and each picture (``PICTURES``
entries, one PNG each).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from gd_app import runtime
from gd_app.columns.lab import LAB_HISTORY, LAB_SUMMARY, LAB_THEORY
from gd_app.controls.lab import (  # noqa: F401 - RULES too
    HYPER,
    LAB_METHODS,
    LINE_SEARCH,
    OPTIMIZERS,
    RULES,
)
from gd_app.demos import line_search
from gd_app.demos.common import PICTURES, Picture, Suggestion, cache_by_name
from gd_app.demos.optimizers_export import csv_text, script_text
from gd_app.plotting import optimizers as plotting
from gd_app.plotting.common import DPI as SCREEN_DPI
from gd_app.plotting.common import frame_pixels, render
from gd_app.plotting.frames import _side_by_side as side_by_side
from gd_app.plotting.lab_surface import surface_figure
from gd_core.errors import ExpressionError, OutsideDomain
from gd_core.lab import LabResult, MethodRun, finish_job, method_job


def spec(params: dict) -> tuple:
    """((method, ((rule keyword, value), …)), …) for the selected methods, in table order."""
    chosen = set(params.get("methods") or ())
    return tuple(
        (name, tuple((word, float(params[key])) for key, word in HYPER[name]))
        for name in LAB_METHODS
        if name in chosen
    )


def run_key(params: dict) -> dict:
    return dict(
        f=params["f"],
        x0=float(params["x0"]),
        y0=float(params["y0"]),
        N=int(params["N"]),
        tol=float(params["tol"]),
        spec=spec(params),
    )


@cache_by_name(maxsize=48)
def _method_run(*, f: str, method: str, hyper: tuple, x0: float, y0: float, N: int, tol: float):
    """One method's run, or the refusal (ExpressionError, OutsideDomain), so it isn't redone."""
    try:
        return runtime.budgeted(
            method_job, f, method=method, hyper=hyper, x0=x0, y0=y0, N=N, tol=tol
        )
    except (ExpressionError, OutsideDomain) as refusal:
        return refusal


@cache_by_name(maxsize=8)
def _result(*, f: str, x0: float, y0: float, N: int, tol: float, spec: tuple):
    """The whole result, or the first refusal."""
    runs = []
    for method, hyper in spec:
        run = _method_run(f=f, method=method, hyper=hyper, x0=x0, y0=y0, N=N, tol=tol)
        if isinstance(run, Exception):
            return run
        runs.append(run)
    return runtime.budgeted(
        finish_job, f, x0=x0, y0=y0, runs=tuple(runs), methods=spec, max_steps=N - 1
    )


def _lab(key: dict) -> LabResult:
    outcome = _result(**key)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def result(**params) -> LabResult:
    """Raises ExpressionError, OutsideDomain or OverBudget (not cached: it may pass later)."""
    return _lab(run_key(params))


# ---------------------------------------------------------------------- what the page shows
@dataclass(frozen=True)
class LabDemo:
    result: LabResult
    summary: pd.DataFrame
    histories: dict  # method -> DataFrame
    sentences: tuple[tuple[str, str], ...]  # (method, what its run did)
    whys: tuple[tuple[str, tuple[str, ...]], ...]  # (method, the numbers behind its sentence)
    theory: tuple[str, ...]  # markdown lines; () when f is not quadratic
    theory_table: pd.DataFrame | None
    notes: tuple[str, ...]
    longest: int  # rows of the longest history
    suggestions: tuple[Suggestion, ...] = ()  # "try" links under the theory


def optimizers(**params) -> LabDemo:
    lab = result(**params)
    return LabDemo(
        result=lab,
        summary=summary_table(lab),
        histories={run.method: history_table(run) for run in lab.runs},
        sentences=tuple((run.method, run.sentence) for run in lab.runs),
        whys=tuple((run.method, run.why) for run in lab.runs),
        theory=theory_lines(lab),
        theory_table=theory_table(lab, params),
        notes=_notes(lab),
        longest=max(len(run.values) for run in lab.runs),
        suggestions=fastest_pair(lab, params),
    )


def summary_table(lab: LabResult) -> pd.DataFrame:
    """Where each method ended (the columns of :data:`gd_app.columns.lab.LAB_SUMMARY`)."""
    rows = [
        dict(
            method=run.method,
            x=run.params[-1, 0],
            y=run.params[-1, 1],
            f=run.values[-1],
            grad_norm=math.hypot(*run.grads[-1]),
            steps_to_tol="not reached" if run.steps_to_tol is None else str(run.steps_to_tol),
            evals_to_tol=line_search.evaluations_to_tol(run),
            verdict=run.verdict,
        )
        for run in lab.runs
    ]
    return LAB_SUMMARY.frame({name: [row[name] for row in rows] for name in LAB_SUMMARY.names})


def history_table(run: MethodRun) -> pd.DataFrame:
    columns = {
        "iteration": np.arange(len(run.values)),
        "x": run.params[:, 0],
        "y": run.params[:, 1],
        "f": run.values,
        "df_dx": run.grads[:, 0],
        "df_dy": run.grads[:, 1],
        "grad_norm": np.hypot(run.grads[:, 0], run.grads[:, 1]),
    }
    for j, name in enumerate(run.state_names):
        columns[name] = run.states[:, j]
    if run.method in LINE_SEARCH:
        columns.update(line_search.columns(run))
    return LAB_HISTORY.frame(columns)


def _notes(lab: LabResult) -> tuple[str, ...]:
    notes = []
    if lab.clipped:
        notes.append(
            f"{', '.join(lab.clipped)} left the contour window; the path is clipped at its "
            "edge (the table holds every iterate)."
        )
    if not len(lab.minima):
        notes.append("No known minimum is marked: none is known for this f.")
    return tuple(notes)


def _fmt(value: float) -> str:
    return f"{value + 0.0:.4g}"  # + 0.0: no "-0"


def theory_lines(lab: LabResult) -> tuple[str, ...]:
    theory = lab.theory
    if theory is None:
        return (
            "f is not quadratic (its Hessian changes from point to point), so no learning-rate "
            "limit holds everywhere; each verdict checks the Hessian where its method ended.",
        )
    (a, b), (_, c) = theory.hessian
    low, high = theory.eigenvalues
    head = (
        f"f is quadratic: its Hessian is the same at every point (checked symbolically), "
        f"$H = \\begin{{pmatrix}} {_fmt(a)} & {_fmt(b)} \\\\ {_fmt(b)} & {_fmt(c)} "
        f"\\end{{pmatrix}}$, with eigenvalues $\\lambda_{{min}} = {_fmt(low)}$ and "
        f"$\\lambda_{{max}} = {_fmt(high)}$."
    )
    if theory.kind != "positive definite":
        return (head, theory.why_not)
    x_star, y_star = theory.minimizer
    return (
        head,
        f"Condition number $\\kappa = \\lambda_{{max}}/\\lambda_{{min}} = {_fmt(theory.kappa)}$; "
        f"the minimum is at $({_fmt(x_star)}, {_fmt(y_star)})$.",
        f"The best heavy-ball pair: $\\alpha^* = 4/(\\sqrt{{\\lambda_{{max}}}} + "
        f"\\sqrt{{\\lambda_{{min}}}})^2 = {_fmt(theory.alpha_star)}$ and "
        f"$\\beta^* = ((\\sqrt\\kappa - 1)/(\\sqrt\\kappa + 1))^2 = {_fmt(theory.beta_star)}$.",
        "Pure Newton (damped off) ends in one step from any start: f equals its own "
        "quadratic model $f + g^T d + \\tfrac12 d^T H d$, so the step $p = -H^{-1} g$ lands "
        "on the minimum.",
    )


def _spelled(value: float) -> str:
    """A learning rate as its control shows it (four significant digits), for a link."""
    return f"{value:.4g}"


def fastest_pair(lab: LabResult, params: dict) -> tuple[Suggestion, ...]:
    """For a positive definite quadratic f: a link that races gd at its fastest constant
    α = 2/(λmin + λmax) against momentum at the best heavy-ball pair (α*, β*), from the
    same start, f and N; offered only when each value is one its control takes."""
    theory = lab.theory
    if theory is None or theory.kind != "positive definite" or not math.isfinite(theory.alpha_star):
        return ()
    low, high = theory.eigenvalues
    chosen = {"lr_gd": 2 / (low + high), "lr_momentum": theory.alpha_star}
    chosen["beta_momentum"] = theory.beta_star
    controls = {c.key: c for c in OPTIMIZERS}
    spelled = {key: _spelled(value) for key, value in chosen.items()}
    if not all(controls[k].low <= float(v) <= controls[k].high for k, v in spelled.items()):
        return ()
    values = (
        ("f", params["f"]),
        ("x0", _spelled(params["x0"])),
        ("y0", _spelled(params["y0"])),
        ("N", str(params["N"])),
        ("tol", f"{params['tol']:.1e}"),
        ("methods", "gd"),
        ("methods", "momentum"),
        *spelled.items(),
    )
    return (
        Suggestion(
            f"gd at α = {spelled['lr_gd']}, momentum at α* = {spelled['lr_momentum']} and "
            f"β* = {spelled['beta_momentum']}",
            "plain gradient descent at its fastest constant α = 2/(λmin + λmax) against the "
            "best heavy-ball pair, from the same start: compare how fast f falls.",
            "pages/optimizers.py",
            values,
        ),
    )


def theory_table(lab: LabResult, params: dict) -> pd.DataFrame | None:
    """Per method with a limit: its α, the limit, and the rate predicted and reached."""
    theory = lab.theory
    if theory is None or theory.kind != "positive definite":
        return None
    chosen = {run.method for run in lab.runs}
    rates = {rate.method: rate for rate in theory.rates}
    rows = []
    limits = (
        ("gd", "2/λmax", theory.gd_limit),
        ("momentum", "2(1 + β)/λmax", theory.momentum_limit),
        ("nesterov", "2(1 + β)/((1 + 2β)·λmax)", theory.nesterov_limit),
    )
    for method, formula, limit in limits:
        if method not in chosen:
            continue
        alpha = float(params[f"lr_{method}"])
        rate = rates.get(method)
        rows.append(
            dict(
                method=method,
                alpha=alpha,
                limit_formula=formula,
                limit=limit,
                theory="converges" if alpha < limit else "diverges (α ≥ limit)",
                predicted=rate.predicted if rate else None,
                reached=rate.reached if rate else None,
            )
        )
    if not rows:
        return None
    return LAB_THEORY.frame({name: [row[name] for row in rows] for name in LAB_THEORY.names})


# ---------------------------------------------------------------------- pictures
def _alts(lab: LabResult, step: int, frame: plotting.Frame) -> tuple[str, str]:
    """The alt texts of the race and of f per iteration; of part of the race (``frame``
    partial), saying nothing of what comes after ``step``."""
    x_lo, x_hi, y_lo, y_hi = frame.window
    minima = (
        f"{len(lab.minima)} known minim{'um' if len(lab.minima) == 1 else 'a'} marked with stars"
        if len(lab.minima)
        else "no known minimum"
    )
    race = (
        f"The race: contour map of f on x in [{x_lo:.3g}, {x_hi:.3g}], y in [{y_lo:.3g}, "
        f"{y_hi:.3g}] with the start as a black square and {minima}."
    )
    if frame.partial:
        race += (
            f" Each method's path up to iterate {step}, where rings mark it; nothing after "
            f"iterate {step} is drawn."
        )
        values = f"How fast f falls: {frame.label} against iteration, up to iterate {step}."
    else:
        paths = "; ".join(
            f"{run.method} ({plotting.color(run.method)}) from ({run.params[0, 0]:.3g}, "
            f"{run.params[0, 1]:.3g}) to ({run.params[-1, 0]:.3g}, {run.params[-1, 1]:.3g}), "
            f"{run.verdict}"
            for run in lab.runs
        )
        race += f" Paths: {paths}. Rings mark iterate {step} of every method."
        values = f"How fast f falls: {frame.label} against iteration for every method."
    return race + line_search.overlay_alt(lab, step), values


@cache_by_name(maxsize=3)  # a drawn panel pair and their ~10 MB backgrounds each
def _scrubber(
    *,
    f: str,
    x0: float,
    y0: float,
    N: int,
    tol: float,
    spec: tuple,
    theme: str,
    paths: bool = True,
):
    lab = _lab(dict(f=f, x0=x0, y0=y0, N=N, tol=tol, spec=spec))
    return plotting.Scrubber(lab, theme, paths=paths)


@cache_by_name(maxsize=PICTURES)
def optimizers_picture(
    *, step: int = 0, theme: str = "light", reveal: bool = False, **params
) -> Picture:
    """The race, iterate ``step`` of every method marked; with ``reveal`` (play, prediction
    mode, GIF frames) the paths only up to ``step``, framed by what is known before the
    run. Two panels, each its own image: the race on f's contours, then f per iteration."""
    lab = result(**params)
    partial = reveal and plotting.is_partial(lab, step)
    with runtime.LOCK:  # matplotlib in the server: one drawing at a time
        scrubber = _scrubber(**run_key(params), theme=theme, paths=not partial)
        panels = scrubber.png(step, upto=step if partial else None)
    return Picture.of_panels(panels, _alts(lab, step, scrubber.frame))


def optimizers_frames(
    steps, *, theme: str, width: int, full_width: int, encoding=None, **params
) -> list:
    """An animation's frames of :func:`optimizers_picture` with ``reveal``, one per step,
    ``width`` pixels wide, as RGB arrays; given ``encoding``, as one chunk of a GIF. Drawn
    here at that size, past the picture cache (the lab draws in the server)."""
    lab = result(**params)
    scrubbers = {}
    pictures = []
    with runtime.LOCK, frame_pixels(SCREEN_DPI * width / full_width):
        for step in steps:
            partial = plotting.is_partial(lab, step)
            if partial not in scrubbers:
                scrubbers[partial] = plotting.Scrubber(lab, theme, paths=not partial)
            pictures.append(scrubbers[partial].png(step, upto=step if partial else None))
    frames = [side_by_side(panels, width) for panels in pictures]
    return frames if encoding is None else encoding.encode(frames, theme)


@cache_by_name(maxsize=PICTURES)
def surface_picture(*, step: int = 0, theme: str = "light", **params) -> Picture:
    lab = result(**params)
    with runtime.LOCK:
        png, width = render(surface_figure(lab, step, theme))
    alt = (
        "A 3D surface of f over the contour window with every method's path drawn on it in "
        f"its colour; dots mark iterate {step}."
    )
    return Picture(png=png, alt=alt, width=width)


def figure(*, step: int, theme: str = "light", reveal: bool = False, **params) -> Figure:
    """The one-figure route (PNG, SVG): the same drawing as the screen."""
    return plotting.whole_figure(result(**params), step, theme, step if reveal else None)


# ---------------------------------------------------------------------- export hooks
def history_csv(**params) -> str:
    """Every method's history in long form (a ``method`` column), full precision."""
    return csv_text(result(**params))


def script(**params) -> str:
    """A standalone numpy + sympy program printing the CSV's numeric columns."""
    return script_text(result(**params), run_key(params))
