"""View model of the two-parameter fit, with the data range,
standardization and the conditioning that decides how fast descent goes."""

from __future__ import annotations

import numpy as np

from gd_app import runtime
from gd_app.controls import ALPHA_VALUES
from gd_app.data_ranges import data_alpha_options
from gd_app.demos.common import (
    PICTURES,
    Demo,
    Metric,
    Picture,
    Suggestion,
    animation_frames,
    cache_by_name,
    highlighted_row,
)
from gd_app.demos.fit import (
    FitRun,
    fit_demo,
    fit_png,
    fit_run,
)
from gd_app.demos.fit_words import lines_text, plural, points_text
from gd_app.plotting import fit_two as plotting_two
from gd_core.conditioning import (
    contraction,
    curvature,
    distances,
    steps_bound,
    steps_observed,
)
from gd_core.data import DataSet
from gd_core.verdict.rates import factor


@cache_by_name(maxsize=16)
def _two_run(
    *,
    N: int,
    alpha: float,
    theta0_true: float,
    theta1_true: float,
    theta0_start: float,
    theta1_start: float,
    x_low: float = -1.0,
    x_high: float = 1.0,
    standardize: bool = False,
    m: int = 20,
    noise: float = 0.0,
    seed: int = 0,
    batch: int = 0,
    schedule: str = "constant",
    decay: float = 0.1,
    source: DataSet | None = None,
) -> FitRun:
    return fit_run(
        intercept=True,
        theta_true=(theta0_true, theta1_true),
        start=(theta0_start, theta1_start),
        N=N,
        alpha=alpha,
        m=m,
        noise=noise,
        seed=seed,
        x_low=x_low,
        x_high=x_high,
        standardize=standardize,
        batch=batch,
        schedule=schedule,
        decay=decay,
        source=source,
    )


# The page's "try" suggestions: each link sets every value its scenario needs.
# α = 0.018 is below α_crit ≈ 0.0197 of data on [9, 11] for any m (λmax ≈ 101.4),
# and above 1/λmax ≈ 0.0099, so each step overshoots across the valley and comes back.
ZIG_ZAG = (
    ("x_low", "9"),
    ("x_high", "11"),
    ("standardize", "false"),
    ("alpha", "0.018"),
    ("N", "30"),
    ("batch", "0"),
    ("schedule", "constant"),
)
SUGGESTIONS = (
    Suggestion(
        "A generated line with x from 9 to 11, α = 0.018",
        "far from x = 0 the bowl becomes a narrow valley, and the steps jump from side to "
        "side across it.",
        "pages/two_parameters.py",
        ZIG_ZAG,
    ),
    Suggestion(
        "The same generated line, standardized, α = 0.7",
        "standardizing x makes the bowl round again, and the steps head straight for the minimum.",
        "pages/two_parameters.py",
        tuple((k, v) for k, v in ZIG_ZAG if k not in ("standardize", "alpha", "N"))
        + (("standardize", "true"), ("alpha", "0.7"), ("N", "15")),
    ),
)


def conditioning(run: FitRun, alpha: float) -> tuple[tuple[Metric, ...], str]:
    """κ, and the steps to come within 1e-6 of θ*: bound from ρ beside the run's own count."""
    shape = curvature(run.problem.hessian)
    lo, hi = shape.eigenvalues
    rho = contraction(shape.eigenvalues, alpha)
    start_distance = float(distances(run.errors[:1])[0])
    bound = steps_bound(shape.eigenvalues, alpha, start_distance)
    seen = steps_observed(run.errors)
    where = " of the standardized x" if run.scaling else ""
    kappa = Metric(
        "κ of XᵀX/m",
        f"{shape.condition:.3g}",
        f"λmax/λmin = {hi:.4g}/{lo:.4g} of the Hessian XᵀX/m{where}.",
    )
    observed = str(seen) if seen is not None else f"not in {run.rows - 1}"
    bound_text = str(bound) if bound is not None else "none (ρ ≥ 1)"
    count = Metric(
        "steps to within 1e-6",
        observed,
        f"First iteration with |θ − θ*| ≤ 1e-6; the bound from ρ = max|1 − αλ| = {factor(rho)} is "
        f"{bound_text} (full batch, constant α).",
    )
    if bound is None:
        promise = (
            f"ρ = max|1 − αλ| = {factor(rho)} ≥ 1: at this α no number of full-batch steps is "
            "guaranteed to come within 1e-6 of θ*."
        )
    else:
        promise = (
            f"ρ = max|1 − αλ| = {factor(rho)}, so full-batch steps at a constant α come within "
            f"1e-6 of θ* after at most {plural(bound, 'step')}."
        )
    tail = (
        f" This run: {seen} steps."
        if seen is not None
        else f" This run did not get that close in its {run.rows - 1} steps."
    )
    if not run.plain:
        tail += " (It uses mini-batches or a schedule, which the bound does not cover.)"
    line = (
        f"κ = λmax/λmin = {shape.condition:.4g} (λ = {lo:.4g} and {hi:.4g}"
        f"{' in the standardized parameters' if run.scaling else ''}). {promise}{tail}"
    )
    return (kappa, count), line


def two_parameters(**params) -> Demo:
    """Fit h = θ0 + θ1·x to y = θ0_true + θ1_true·x (+ noise)."""
    run = _two_run(**params)
    metrics, line = conditioning(run, params["alpha"])
    view = plotting_two.two_parameter_view(run)
    standardized = run.scaling is not None
    original = run.scaling.to_original(run.trajectory.params) if standardized else None
    notes = ()
    if standardized:
        s = run.scaling
        mean = s.mean if abs(s.mean) > 1e-12 * s.std else 0.0  # a mean of 0 up to rounding is 0
        shifted = f"(x − {mean:.4g})" if mean > 0 else f"(x + {-mean:.4g})" if mean < 0 else "x"
        notes += (
            f"Standardized: z = {shifted}/{s.std:.4g}. The map, the arrows and the "
            "table's first columns are in the parameters of h = θ0′ + θ1′·z; θ0 and θ1 are the "
            "same line in the units of x.",
        )
    return fit_demo(
        run,
        alpha=params["alpha"],
        labels=("θ0′", "θ1′") if standardized else ("θ0", "θ1"),
        names=("theta0_std", "theta1_std") if standardized else ("theta0", "theta1"),
        box=[view.theta0, view.theta1],
        metrics=metrics,
        notes=notes,
        original=original,
        rates_extra=line,
        alpha_grid=ALPHA_VALUES  # the α control's own values: on chosen data, the data's
        if params.get("source") is None
        else data_alpha_options(params["source"], intercept=True),
    )


@cache_by_name(maxsize=PICTURES)
def two_parameters_picture(
    *, step: int = 0, theme: str = "light", reveal: bool = False, **params
) -> Picture:
    """The figure for :func:`two_parameters`'s ``params``, iterate ``step`` highlighted; with
    ``reveal`` (play, prediction mode, GIF frames) nothing after ``step`` is drawn.

    Two panels, each its own image: the cost map, then the data with the fit lines."""
    run = _two_run(**params)
    data, trajectory = run.data, run.trajectory
    truth = (
        f"y = {data.theta_true[0]:g} + {data.theta_true[1]:g}x" if data.theta_true else "no line"
    )
    highlight = highlighted_row(step, trajectory)
    if reveal:
        at = trajectory.params[highlight]
        map_alt = (
            "Cost function: a colour map of the full-batch cost with the Hessian's two "
            f"eigenvectors at θ*; arrows step from the start up to iterate {highlight} at "
            f"({at[0]:.3g}, {at[1]:.3g}); nothing after it is drawn."
        )
        data_alt = (
            f"Data and fit: {points_text(data, truth)} with the fit lines of iterates 0 to "
            f"{highlight}."
        )
        upto = {"upto": highlight}
    else:
        line = (
            np.asarray(run.scaling.to_original(trajectory.final))
            if run.scaling
            else trajectory.final
        )
        start = trajectory.params[0]
        t0, t1 = trajectory.final
        coords = (
            "standardized parameters (θ0′, θ1′), equal scales"
            if run.scaling
            else "(θ0, θ1), equal scales"
        )
        map_alt = (
            f"Cost function: a colour map of the full-batch cost over {coords}, with elliptical "
            f"contours and the Hessian's two eigenvectors at θ*; arrows step from "
            f"({start[0]:.3g}, {start[1]:.3g}) to ({t0:.3g}, {t1:.3g})."
        )
        data_alt = (
            f"Data and fit: {points_text(data, truth)} with {lines_text(trajectory)}, the last "
            f"y = {line[0]:.3g} + {line[1]:.3g}x."
        )
        upto = {}
    if run.batches is not None and highlight > 0:
        map_alt += (
            f" Thin arrows fan out from iterate {highlight - 1}: the per-example steps whose "
            f"mean is step {highlight}; an inset shows them magnified."
        )
    if run.schedule != "constant":
        data_alt += " An inset plots the learning rate α_k of each step."
    panels = runtime.draw(
        fit_png, plotting_two.two_parameter_png, run, highlight=highlight, theme=theme, **upto
    )
    return Picture.of_panels(panels, (map_alt, data_alt))


def two_parameters_frames(steps, *, theme, width, full_width, encoding=None, **params):
    """An animation's frames of :func:`two_parameters_picture` (see
    :func:`gd_app.demos.common.animation_frames`)."""
    run = _two_run(**params)
    return animation_frames(
        run.trajectory,
        (fit_png, plotting_two.two_parameter_frames, run),
        steps,
        theme=theme,
        width=width,
        full_width=full_width,
        encoding=encoding,
    )
