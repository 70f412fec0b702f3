"""The optimizer lab: six update rules racing on a typed f(x, y).

:func:`method_job` (one method's run, judged) and :func:`finish_job` (theory, the
window, f on its grid) are the budget worker's jobs: SymPy stays in the worker and
they return plain data only. Each run is :func:`gd_core.descent.descend`'s, and its
state columns are what the rule records.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gd_core import lab_analysis as analysis
from gd_core import lab_records, optimizers
from gd_core.descent import StopReason, Trajectory, descend, gradient_below
from gd_core.errors import OutsideDomain
from gd_core.lab_facts import View, hessian_at, judged, value_of
from gd_core.surface import Surface, compile_surface
from gd_core.verdict import Outcome

# name -> (text, known minima)
PRESETS: dict[str, tuple[str, tuple[tuple[float, float], ...]]] = {
    "Rosenbrock": ("(1 - x)**2 + 100*(y - x**2)**2", ((1.0, 1.0),)),
    "Himmelblau": (
        "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
        (
            (3.0, 2.0),
            (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.283185991286170),
            (3.584428340330492, -1.848126526964404),
        ),
    ),
    "Beale": (
        "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
        ((3.0, 0.5),),
    ),
    "Booth": ("(x + 2*y - 7)**2 + (2*x + y - 5)**2", ((1.0, 3.0),)),
    "saddle": ("x**2 - y**2", ()),
    "bowl": ("x**2 + 25*y**2", ((0.0, 0.0),)),
    # The two-parameter page's cost J(θ0, θ1) for its default data (y = 2 + 2x at 20 points
    # on [−1, 1], no noise) with x = θ0, y = θ1: mean(x²) over those points is 7/19.
    "fit cost": ("((x - 2)**2 + 7/19*(y - 2)**2)/2", ((2.0, 2.0),)),
}

# method -> (rule, its hyperparameters); the state columns are what the rule records
METHODS = {
    "gd": (optimizers.gradient_descent, ("alpha",)),
    "momentum": (optimizers.momentum, ("alpha", "beta")),
    "nesterov": (optimizers.nesterov, ("alpha", "beta")),
    "adagrad": (optimizers.adagrad, ("alpha",)),
    "rmsprop": (optimizers.rmsprop, ("alpha", "rho")),
    "adam": (optimizers.adam, ("alpha", "beta1", "beta2")),
    # rules that evaluate f themselves: built on an oracle of f (gd_core.lab_records.rule)
    **{name: (None, lab_records.HYPER_NAMES[name]) for name in lab_records.LINE_SEARCH},
}
GRID = 150  # points per axis of the sampled f


def known_minima(text: str) -> tuple[tuple[float, float], ...]:
    """The preset's minima when ``text`` is a preset (spaces ignored), else ()."""
    squeezed = text.replace(" ", "")
    for preset, minima in PRESETS.values():
        if preset.replace(" ", "") == squeezed:
            return minima
    return ()


@dataclass(frozen=True)
class MethodRun:
    """One method's history; every array has one row per iterate, the start included."""

    method: str
    params: np.ndarray  # (n, 2)
    values: np.ndarray  # (n,)
    grads: np.ndarray  # (n, 2)
    state_names: tuple[str, ...]
    states: np.ndarray  # (n, len(state_names)): the state after the step into each row
    converged: bool  # stopped because |∇f| < tol
    fault: str  # "" or what went wrong, and where
    steps_to_tol: int | None
    verdict: str  # a few words: the outcome, or the kind of point it stopped at
    sentence: str  # one plain sentence about the run
    outcome: Outcome | None = None
    why: tuple[str, ...] = ()  # the key reason and the numbers behind the sentence
    key_reason: str = ""  # the verdict engine's one plain sentence why
    tone: str = "warning"
    hyper: tuple = ()  # ((rule keyword, value), …) the run used
    evals: np.ndarray = None  # (n, 3) cumulative evaluations of f, ∇f and H the rule used
    notes: tuple[str, ...] = ()  # per row: what the step into it did differently ("" mostly)
    trials: np.ndarray = None  # (T, 3): row the search led to, x, y of each trial point
    hessians: np.ndarray = None  # newton: (n, 2, 2) H at each iterate (its local model)

    @property
    def n_steps(self) -> int:
        return len(self.values) - 1


@dataclass(frozen=True)
class LabResult:
    """Everything the page shows, as plain data."""

    latex: tuple[str, str, str]  # f, ∇f, Hessian
    canonical: str  # the parsed f as SymPy prints it (for the exported script)
    runs: tuple[MethodRun, ...]
    theory: analysis.Theory | None  # None unless f is quadratic
    minima: np.ndarray  # (k, 2) known minima
    f_ref: float | None  # None: f has no minimum found (symlog of f itself)
    f_ref_known: bool
    no_minimum: str  # why f has no minimum, when symlog
    window: tuple[float, float, float, float]  # x_lo, x_hi, y_lo, y_hi
    grid_x: np.ndarray
    grid_y: np.ndarray
    grid_f: np.ndarray  # (GRID, GRID); nan where f is not real
    clipped: tuple[str, ...]  # methods with iterates outside the window
    # What a picture of part of the race frames, so its axes do not tell how the runs end:
    # the window of the start and the known minima alone, f on its grid, and the steps
    # every run was allowed.
    start_window: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 1.0)
    start_grid_f: np.ndarray | None = None  # (GRID, GRID) over start_window
    max_steps: int = 0


@lru_cache(maxsize=16)  # per worker process; the SymPy work is the budget's costly part
def _surface(text: str) -> Surface:
    return compile_surface(text)


def method_job(
    text: str, *, method: str, hyper: tuple, x0: float, y0: float, N: int, tol: float
) -> MethodRun:
    """One method's run on the typed f (a job for the worker). ``hyper``: ((key, value), …).

    Raises ExpressionError for a refused f, OutsideDomain when f can't be used at the start.
    """
    run = race(_surface(text), method, np.array([x0, y0]), max_steps=N - 1, tol=tol, **dict(hyper))
    if not len(run.values):
        raise OutsideDomain(
            f"f(x, y) or its gradient can't be used at the start ({x0:g}, {y0:g}): "
            f"{run.fault.rsplit(': ', 1)[-1]}. Pick a start inside f's domain."
        )
    return run


def finish_job(
    text: str,
    *,
    x0: float,
    y0: float,
    runs: tuple[MethodRun, ...],
    methods: tuple,
    max_steps: int = 0,
) -> LabResult:
    """Theory, known minima, f_ref, the window and f on its grid, around finished runs
    (each allowed ``max_steps`` steps)."""
    surface = _surface(text)
    start = np.array([x0, y0], dtype=float)
    settings = {name: dict(values) for name, values in methods}
    theory = None
    hessian = surface.constant_hessian
    if hessian is not None:
        _, gx, gy = surface.value_and_gradient(0.0, 0.0)
        theory = analysis.quadratic_theory(
            hessian,
            np.array([gx, gy], dtype=float),
            settings=settings,
            paths={run.method: run.params for run in runs},
        )
    minima = np.array(known_minima(text), dtype=float).reshape(-1, 2)
    if theory is not None and theory.minimizer is not None and not len(minima):
        minima = np.array([theory.minimizer])
    window, clipped = frame(start, minima, runs)
    xs = np.linspace(window[0], window[1], GRID)
    ys = np.linspace(window[2], window[3], GRID)
    grid_f = surface.on_grid(xs, ys)
    start_window = start_frame(start, minima)
    start_grid_f = surface.on_grid(*grid_axes(start_window))
    view = View(xs, ys, grid_f)
    runs = tuple(judged(surface, run, view=view, known=tuple(map(tuple, minima))) for run in runs)
    f_ref, known, no_minimum = _reference(surface, minima, runs, theory)
    return LabResult(
        latex=surface.latex(),
        canonical=surface.canonical(),
        runs=tuple(runs),
        theory=theory,
        minima=minima,
        f_ref=f_ref,
        f_ref_known=known,
        no_minimum=no_minimum,
        window=window,
        grid_x=xs,
        grid_y=ys,
        grid_f=grid_f,
        clipped=clipped,
        start_window=start_window,
        start_grid_f=start_grid_f,
        max_steps=int(max_steps),
    )


def grid_axes(window: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The x and y of the GRID × GRID points f is sampled at over ``window``."""
    x_lo, x_hi, y_lo, y_hi = window
    return np.linspace(x_lo, x_hi, GRID), np.linspace(y_lo, y_hi, GRID)


def rule_for(method: str, surface: Surface | None = None, **hyper) -> optimizers.UpdateRule:
    factory, names = METHODS[method]
    if method in lab_records.LINE_SEARCH:
        oracle = lab_records.scalar_oracle(surface)
        return lab_records.rule(method, oracle, **{name: hyper[name] for name in names})
    return factory(**{name: hyper[name] for name in names})


def race(
    surface: Surface, method: str, start: np.ndarray, *, max_steps: int, tol: float, **hyper
) -> MethodRun:
    """Run one method from ``start`` until |∇f| < tol, ``max_steps`` updates, or a fault."""
    rule = rule_for(method, surface, **hyper)
    start = np.array(start, dtype=float)
    run = descend(
        _objective(surface),
        start,
        rule=rule,
        max_steps=max_steps,
        stop=gradient_below(tol),
        name="(x, y)",
    )
    params = run.params.reshape(-1, 2)
    if method in lab_records.LINE_SEARCH:
        names, states, extra = lab_records.columns(method, run, hyper)
        if method == "newton":
            extra["hessians"] = np.array([hessian_at(surface, p) for p in params]).reshape(-1, 2, 2)
    else:
        names, states = state_columns(run, rule, start)
        extra = dict(evals=lab_records.first_order_evals(len(run.values)), trials=np.empty((0, 3)))
    return _judged(
        surface,
        method,
        params,
        run.values,
        run.grads.reshape(-1, 2),
        names,
        states,
        converged=run.reason is StopReason.GRADIENT,
        fault=run.message if run.reason is StopReason.FAULT else "",
        hyper=hyper,
        **extra,
    )


def state_columns(
    run: Trajectory, rule: optimizers.UpdateRule, start: np.ndarray
) -> tuple[tuple[str, ...], np.ndarray]:
    """(names, (n, len(names))): each recorded state per axis, ``v`` as ``v_x``, ``v_y``."""
    if rule.record is None:
        return (), np.empty((len(run.values), 0))
    keys = rule.record(rule.init(start))
    names = tuple(f"{key}_{axis}" for key in keys for axis in "xy")
    if not len(run.values):
        return names, np.empty((0, len(names)))
    return names, np.column_stack([run.states[key][:, j] for key in keys for j in range(2)])


def _objective(surface: Surface):
    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, gx, gy = surface.value_and_gradient(*theta.tolist())
        return float(value), np.array([float(gx), float(gy)])

    return objective


def _point(theta: np.ndarray) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in theta.tolist()) + ")"


def _judged(
    surface, method, params, values, grads, names, states, *, converged, fault, hyper, **extra
):
    n = len(values)
    run = MethodRun(
        method=method,
        params=params,
        values=values,
        grads=grads,
        state_names=names,
        states=states,
        converged=converged,
        fault=fault,
        steps_to_tol=n - 1 if converged else None,
        verdict="",
        sentence="",
        hyper=tuple(sorted(hyper.items())),
        **extra,
    )
    return judged(surface, run, known=known_minima(surface.canonical()))


def _reference(surface, minima, runs, theory) -> tuple[float | None, bool, str]:
    """(f_ref, whether it is a known minimum, why f has no minimum if f_ref is None)."""
    reached = [run.values.min() for run in runs if len(run.values)]
    lowest = min(reached) if reached else math.nan
    if theory is not None and theory.kind in ("indefinite", "negative definite"):
        return None, False, "f has no minimum"
    if any(run.outcome is Outcome.RUN_OFF for run in runs):
        return None, False, "f keeps falling where a method ran off"
    values = [value_of(surface)(m) for m in minima]
    values = [v for v in values if v is not None]
    if values and not (reached and lowest < min(values)):
        return min(values), True, ""
    if not reached:
        return None, False, ""
    starts = max(run.values[0] for run in runs if len(run.values))
    delta = max(1e-3 * (starts - lowest), 1e-12 * max(1.0, abs(lowest)))
    return lowest - delta, False, ""


def start_frame(start: np.ndarray, minima: np.ndarray) -> tuple[float, float, float, float]:
    """A window from the start and the known minima alone, as wide as it is high: what a
    picture of part of the race frames (it must not tell where the paths go)."""
    core = np.vstack([start[None, :], minima])
    low, high = core.min(axis=0), core.max(axis=0)
    mid, half = (low + high) / 2, 0.58 * max(float((high - low).max()), 0.5)
    return (float(mid[0] - half), float(mid[0] + half), float(mid[1] - half), float(mid[1] + half))


def frame(start: np.ndarray, minima: np.ndarray, runs) -> tuple[tuple, tuple[str, ...]]:
    """The contour window: start, known minima and the paths near them, with a margin.

    Iterates farther than 4 times the size of the start-and-minima box from its
    centre are left out of the frame (and their methods named as clipped).
    """
    core = np.vstack([start[None, :], minima])
    low, high = core.min(axis=0), core.max(axis=0)
    centre, half = (low + high) / 2, max(float((high - low).max()) / 2, 1.0)
    points = np.vstack([run.params for run in runs if len(run.params)] or [core])
    near = np.all(np.abs(points - centre) <= 4 * half, axis=1)
    shown = np.vstack([core, points[near]])
    low, high = shown.min(axis=0), shown.max(axis=0)
    span = np.maximum(high - low, 0.5)
    mid = (low + high) / 2
    low, high = mid - 0.58 * span, mid + 0.58 * span
    window = (float(low[0]), float(high[0]), float(low[1]), float(high[1]))
    clipped = tuple(
        run.method
        for run in runs
        if len(run.params) and not np.all((run.params >= low) & (run.params <= high))
    )
    return window, clipped
