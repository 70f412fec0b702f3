"""Sentences checked against the run they describe, with the truth taken from outside the
verdict engine: the run's own table (distances to a preset's published minima, f's lows over
the last rows, an exact cycle of iterates), numpy.linalg and SymPy."""

import numpy as np
import pytest

from gd_core.lab import PRESETS, finish_job, method_job
from gd_core.verdict import Outcome

START = np.array([-1.5, 2.0])  # the lab's default start
LS = dict(alpha0=1.0, c=1e-4, rho=0.5)  # the lab's default line-search settings


def lab_run(preset, method, *, N=1000, **hyper):
    """One method's run judged as the lab's page judges it (the window, the preset's minima)."""
    text, (x0, y0) = PRESETS[preset][0], START
    hyper = tuple(hyper.items())
    run = method_job(text, method=method, hyper=hyper, x0=x0, y0=y0, N=N, tol=1e-6)
    (run,) = finish_job(text, x0=x0, y0=y0, runs=(run,), methods=((method, hyper),)).runs
    return run


def distance_to_minima(preset, points):
    minima = np.array(PRESETS[preset][1])
    return np.min(np.linalg.norm(points[:, None, :] - minima[None], axis=2), axis=1)


# --------------------------------------------------------------- the lab: settling, creeping, away
def test_line_search_on_rosenbrock_far_from_its_minimum_is_not_said_to_settle():
    run = lab_run("Rosenbrock", "gd_ls", **LS)
    end = distance_to_minima("Rosenbrock", run.params[-1:])[0]
    assert not run.converged and run.n_steps == 999
    assert end > 1.0  # still far from (1, 1) after 999 steps, by the table
    assert run.outcome is not Outcome.OVERSHOOT_SETTLE
    assert "settl" not in run.sentence
    assert run.outcome is Outcome.CREEP
    assert np.all(np.diff(run.values) < 0)  # the creep's "each step went downhill" holds
    assert run.sentence.startswith("Each step went downhill")


@pytest.mark.parametrize(
    "preset, method, hyper",
    [
        ("Rosenbrock", "rmsprop", dict(alpha=0.001, rho=0.9)),
        ("Rosenbrock", "adam", dict(alpha=0.15, beta1=0.9, beta2=0.999)),
        ("Rosenbrock", "gd_ls", LS),
    ],
)
def test_a_run_that_did_not_converge_is_never_said_to_settle(preset, method, hyper):
    run = lab_run(preset, method, **hyper)
    gap = distance_to_minima(preset, run.params[-1:])[0]
    assert not run.converged and gap > 1e-6
    assert run.outcome is not Outcome.OVERSHOOT_SETTLE and "settl" not in run.sentence


@pytest.mark.parametrize("method", ["gd", "adagrad", "newton"])
def test_a_run_that_went_away_from_beales_minimum_is_not_said_to_creep_towards_it(method):
    hyper = dict(damped=1.0, c=1e-4, rho=0.5) if method == "newton" else {}
    hyper |= dict(gd=dict(alpha=0.001), adagrad=dict(alpha=0.5)).get(method, {})
    run = lab_run("Beale", method, **hyper)
    start, end = distance_to_minima("Beale", run.params[[0, -1]])
    assert end > start  # by the table: it ended farther from (3, 0.5) than it began
    assert run.outcome is not Outcome.CREEP
    assert "towards" not in run.sentence and "away from every known minimum" in run.sentence


@pytest.mark.parametrize("alpha", [0.01, 0.03])
def test_a_zigzag_whose_lows_keep_falling_is_no_bounce_for_ever(alpha):
    run = lab_run("Rosenbrock", "rmsprop", alpha=alpha, rho=0.9)
    lows = [run.values[k : k + 20].min() for k in range(len(run.values) - 200, len(run.values), 20)]
    assert np.all(np.diff(lows) < 0)  # f's lows fell over every 20 of the last 200 rows
    assert run.outcome is not Outcome.BOUNCE
    assert "for ever" not in run.sentence and "without settling" not in run.sentence


def test_an_exact_two_cycle_is_a_bounce():
    run = lab_run("Booth", "rmsprop", alpha=0.01, rho=0.9)
    tail = run.params[-12:]
    assert np.allclose(tail[2:], tail[:-2], atol=1e-9)  # the iterates repeat every 2 steps
    assert run.outcome is Outcome.BOUNCE


@pytest.mark.parametrize("method", ["gd", "gd_ls"])
def test_the_saddle_runs_off_in_one_clause(method):
    hyper = LS if method == "gd_ls" else dict(alpha=0.001)
    run = lab_run("saddle", method, **hyper)
    eigenvalues = np.linalg.eigvalsh(np.array([[2.0, 0.0], [0.0, -2.0]]))  # x² − y²
    assert eigenvalues[0] < 0 < eigenvalues[1] and run.values[-1] < run.values[0]
    assert run.outcome is Outcome.RUN_OFF
    assert run.sentence.count("fell from") == 1
    assert "negative eigenvalue" in run.sentence
    if run.fault:
        assert "numerical fault" in run.sentence


# --------------------------------------------------------------- the symbolic page
def symbolic(text, x0, alpha, steps=100):
    from gd_core.symbolic import analyse

    return analyse(text, x0=x0, alpha=alpha, precision=1e-6, max_iter=steps)


def text_of(run):
    return " ".join((run.verdict.headline, run.verdict.key_reason, *run.verdict.details))


@pytest.mark.parametrize("x0", [3.0, -2.5, 1.0])
def test_x_squared_at_alpha_one_flips_between_x0_and_minus_x0_exactly(x0):
    run = symbolic("x**2", x0, 1.0)
    xs = run.trajectory.params[:, 0]
    # x − 1·f′(x) = x − 2x = −x: the closed form, row by row in the table
    assert np.array_equal(xs, x0 * (-1.0) ** np.arange(len(xs)))
    assert run.verdict.outcome is Outcome.BOUNCE
    a, b = sorted((x0, -x0))
    assert f"flipping between x = {x0:g} and x = {-x0:g} exactly," in run.verdict.headline
    assert f"A minimum lies between x = {a:g} and {b:g}, where the last step went" in text_of(run)


@pytest.mark.parametrize(
    "text, x0, alpha, root",
    [("x**4 - 3*x**3 + 2", 3.0, 0.1, 9 / 4), ("sin(x)", 3.0, 2.5, 3 * np.pi / 2)],
)
def test_a_bounce_brackets_its_minimum_with_its_own_last_step(text, x0, alpha, root):
    import sympy

    x = sympy.Symbol("x", real=True)
    df = sympy.diff(sympy.sympify(text, locals={"x": x}), x)
    run = symbolic(text, x0, alpha)
    point, xs = run.endpoint, run.trajectory.params[:, 0]
    assert run.verdict.outcome is Outcome.BOUNCE
    assert (point.low, point.high) == tuple(sorted(xs[-2:]))  # the bracket is the last step
    low, high = (sympy.Rational(v) for v in (point.low, point.high))
    assert df.subs(x, low) < 0 < df.subs(x, high) and point.low < root < point.high
    assert sympy.diff(df, x).subs(x, sympy.nsimplify(root, [sympy.pi])) > 0  # a minimum there
    assert point.high - point.low < 2.5  # a step wide, not thousands


def test_sin_at_alpha_2_5_says_from_which_step_it_cycles():
    run = symbolic("sin(x)", 3.0, 2.5)
    xs = run.trajectory.params[:, 0]
    start = next(k for k in range(len(xs) - 2) if np.all(xs[k + 2 :] == xs[k:-2]))
    assert f"exactly from step {start} on" in run.verdict.headline
    assert f"x = {xs[start]:.6g} and x = {xs[start + 1]:.6g}" in run.verdict.headline


@pytest.mark.parametrize("x0", [1.0, 0.5])
def test_x_to_the_fifth_creeps_to_its_flat_inflection_and_does_not_run_off(x0):
    import sympy

    x = sympy.Symbol("x", real=True)
    f = x**5
    assert sympy.diff(f, x).subs(x, 0) == 0 and sympy.diff(f, x, 5).subs(x, 0) == 120
    run = symbolic("x**5", x0, 0.1)
    xs = run.trajectory.params[:, 0]
    assert np.all(xs > 0) and np.all(np.diff(xs) < 0)  # it walks down to 0, never past it
    assert np.all(np.diff(xs)[-10:] > np.diff(xs)[-11:-1])  # ever slower
    assert run.verdict.outcome is Outcome.STUCK
    words = text_of(run)
    assert "no minimum that way" not in words and "runs off" not in words
    assert "f′ = 0 exactly at x = 0" in words and "flat inflection" in words


def test_x_to_the_fourth_has_no_step_size_limit_at_its_flat_minimum():
    import sympy

    x = sympy.Symbol("x", real=True)
    assert sympy.diff(x**4, x, 2).subs(x, 0) == 0  # f″(0) = 0: 2/f″ is no number
    run = symbolic("x**4", 1.0, 0.1)
    assert "2/f″" not in text_of(run)
    assert run.endpoint.low <= 0 <= run.endpoint.high


# --------------------------------------------------------------- fit pages: penguins, standardized
TWO = "pages/two_parameters.py"


def penguins_standardized():
    from gd_core import bundled

    data = bundled.penguins()
    z = (data.x - data.x.mean()) / data.x.std()
    X = np.column_stack([np.ones_like(z), z])
    return X, data.y


def test_a_penguins_link_with_standardize_and_no_alpha_takes_the_standardized_alpha():
    from test_pages import assert_healthy, run, table

    X, y = penguins_standardized()
    critical = 2 / np.linalg.eigvalsh(X.T @ X / len(y))[-1]  # 2: XᵀX/m is I for z
    at = run(TWO, data="penguins", standardize="true")
    assert_healthy(at)
    alpha = at.select_slider(key="alpha").value
    assert 0.3 * critical <= alpha <= 0.4 * critical  # the "standardized" cure's 0.7, not 4e-5
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    end = table(at)[["theta0_std", "theta1_std"]].iloc[-1].to_numpy()
    start = table(at)[["theta0_std", "theta1_std"]].iloc[0].to_numpy()
    assert np.linalg.norm(end - best) < 1e-3 * np.linalg.norm(start - best)


def test_turning_standardize_on_for_penguins_moves_alpha_to_the_standardized_default():
    from test_pages import run

    at = run(TWO, data="penguins")
    raw = at.select_slider(key="alpha").value
    at.toggle(key="standardize").set_value(True).run()
    assert not at.exception
    assert raw < 1e-3 and at.select_slider(key="alpha").value == pytest.approx(0.7)


def test_raw_penguins_creep_along_the_flat_direction_and_are_not_said_to_settle():
    from gd_app import demos
    from gd_app.controls import TWO_PARAMETERS
    from gd_app.data_ranges import data_controls
    from gd_core import bundled

    data = bundled.penguins()
    values = {c.key: c.default for c in data_controls(TWO_PARAMETERS, data, intercept=True)}
    values |= {"m": len(data), "source": data, "x_low": -1.0, "x_high": 1.0}
    values |= {"theta0_true": 2.0, "theta1_true": 2.0, "noise": 0.0, "seed": 0}
    demo = demos.two_parameters(**values)
    X = np.column_stack([np.ones_like(data.x), data.x])
    lam, vectors = np.linalg.eigh(X.T @ X / len(data))
    best = np.linalg.lstsq(X, data.y, rcond=None)[0]
    rows = demo.table[["theta0", "theta1"]].to_numpy()
    parts = np.abs((rows[-1] - best) @ vectors)
    assert parts[0] > parts[1]  # what is left lies along the flat eigenvector…
    assert 1 - values["alpha"] * lam[0] > 0  # …along which no step overshoots
    assert np.linalg.norm(rows[-1] - best) > 0.5 * np.linalg.norm(rows[0] - best)
    assert "settl" not in demo.verdict


def test_single_point_batches_that_blow_up_are_not_said_to_fall_or_creep():
    from test_pages import plain, run, table

    at = run(TWO, alpha="1.9", N="60", batch="1")
    rows = table(at)
    X = np.column_stack([np.ones(20), np.linspace(-1.0, 1.0, 20)])
    best = np.linalg.lstsq(X, 2 + 2 * X[:, 1], rcond=None)[0]
    theta = rows[["theta0", "theta1"]].to_numpy()
    start, end = np.linalg.norm(theta[[0, -1]] - best, axis=1)
    assert rows["J"].iloc[-1] > 1e6 * rows["J"].iloc[0] and end > 1e3 * start  # by the table
    verdict = plain(at.error[0].value)
    assert "diverges" in verdict and "fell overall" not in verdict and "slowly" not in verdict
    assert not at.success


def test_tan_is_not_said_to_keep_falling_past_its_poles():
    import sympy

    run = symbolic("tan(x)", 1.0, 0.1)
    end = float(run.trajectory.params[-1, 0])
    x = sympy.Symbol("x", real=True)
    # a pole of tan lies within π to the left of where it stopped: f jumps from −∞ to +∞ there
    pole = sympy.floor((end + sympy.pi / 2) / sympy.pi) * sympy.pi - sympy.pi / 2
    assert end - float(sympy.pi) < float(pole) < end
    assert sympy.limit(sympy.tan(x), x, pole, "+") == -sympy.oo
    assert run.verdict.outcome is not Outcome.RUN_OFF
    assert "keeps falling" not in text_of(run) and "no minimum that way" not in text_of(run)


@pytest.mark.parametrize("text, x0", [("x**3 - 3*x", 0.3), ("sin(3*x) + cos(x)", -2.5)])
def test_a_run_above_the_local_limit_jumps_about_and_is_not_said_to_creep(text, x0):
    import sympy

    x = sympy.Symbol("x", real=True)
    f = sympy.sympify(text, locals={"x": x})
    run = symbolic(text, x0, 0.5)
    where = run.endpoint.where
    curvature = float(sympy.diff(f, x, 2).subs(x, sympy.Float(where, 30)))
    assert 0.5 > 2 / curvature  # above 2/f″ at the minimum next to the end, by SymPy
    assert run.trajectory.values[-1] > run.trajectory.values[0]  # it did not even fall overall
    assert run.verdict.outcome is Outcome.BOUNCE
    assert "slowly" not in run.verdict.headline and "without settling" in run.verdict.headline


def test_a_lab_run_on_an_f_with_no_known_minimum_is_not_labelled_creeping_towards_one():
    import sympy

    from gd_core.lab import known_minima

    text = "sin(x)*cos(y) + 0.01*x**2"
    x, y = sympy.symbols("x y", real=True)
    f = sympy.sympify(text, locals={"x": x, "y": y})
    assert not known_minima(text) and sympy.hessian(f, (x, y)).free_symbols  # not quadratic
    hyper = (("alpha", 0.001),)
    run = method_job(text, method="gd", hyper=hyper, x0=-1.5, y0=2.0, N=200, tol=1e-6)
    (run,) = finish_job(text, x0=-1.5, y0=2.0, runs=(run,), methods=(("gd", hyper),)).runs
    assert not run.converged and np.linalg.norm(run.grads[-1]) > 1e-6
    assert run.verdict == "still going when its steps ran out"
    assert "minimum" not in run.sentence


def test_a_noisy_mini_batch_run_that_went_up_at_times_is_not_said_to_be_too_slow():
    from test_pages import plain, run, table

    at = run("pages/one_parameter.py", data="anscombe", set="I", batch="3")
    J = table(at)["J"].to_numpy()
    assert np.any(np.diff(J) > 0)  # J rose on some steps: not a slow, steady creep
    verdict = " ".join(plain(b.value) for b in (*at.success, *at.warning, *at.error))
    assert "too slowly" not in verdict and "each step went downhill" not in verdict.lower()


# --------------------------------------------------------------- noisy mini-batches: hovering
def test_noisy_mini_batches_hover_near_the_minimum_and_are_not_said_to_creep():
    """The mini-batch lesson's noisy step: by its own table (θ* from numpy's lstsq on the
    run's data) the run comes close to θ*, then moves away again with J rising on many
    steps; "creeps towards the minimum" (small downhill steps) would be false."""
    from gd_app.demos import one_parameter
    from gd_app.demos.fit_one import _one_run
    from gd_app.lessons import load
    from gd_app.outcomes import question

    lessons, problems = load()
    assert not problems
    step = next(
        s for lesson in lessons for s in lesson.steps if s.title == "Mini-batches of 2, noisy data"
    )
    values = step.values
    run = _one_run(
        **{k: values[k] for k in ("N", "alpha", "theta1", "m", "noise", "seed", "batch")}
    )
    x, y = run.data.x, run.data.y
    theta_star = np.linalg.lstsq(x[:, None], y, rcond=None)[0][0]
    demo = one_parameter(**values)
    table = demo.table
    distance = np.abs(table["theta1"].to_numpy() - theta_star)
    cost = table["J"].to_numpy()
    half = np.diff(cost)[len(cost) // 2 - 1 :]
    assert distance.min() <= 0.1 * distance[0]  # it came near θ*
    assert distance[-1] > 2 * distance.min()  # and moved away again
    assert np.count_nonzero(half > 0) >= len(half) / 4  # J rose on many late steps
    assert demo.outcome is Outcome.HOVER
    assert "creep" not in demo.verdict.lower()
    assert question("one_parameter", values).answer == Outcome.HOVER.value


def test_a_full_batch_run_that_converges_never_hovers():
    """Full-batch steps on the bowl below α_crit shrink the distance to θ* on every step
    (|1 − αλ| < 1), so the run never moves away again."""
    from gd_app.controls import ONE_PARAMETER, defaults
    from gd_app.demos import one_parameter

    for alpha in (0.2, 1.0, 3.0, 5.0):
        demo = one_parameter(**{**defaults(ONE_PARAMETER), "alpha": alpha, "N": 60})
        assert demo.outcome is not Outcome.HOVER, alpha


def test_a_run_stopped_by_its_precision_is_not_said_to_have_run_out_of_steps():
    """f = −exp(−x²) from x0 = 5: f′(5) = 10·e⁻²⁵ ≈ 1.4e-10, so the first step (α·f′) is far
    below the precision and the stop rule ends the run; the bracket around x = 5 is a
    step's width, written with enough digits that its ends differ."""
    import re

    from gd_app.controls import SYMBOLIC, defaults
    from gd_app.demos.symbolic import _symbolic_run

    values = {**defaults(SYMBOLIC), "f": "-exp(-x**2)", "x0": 5.0}
    slope = 10 * np.exp(-25.0)
    assert values["alpha"] * slope < values["precision"]
    verdict = _symbolic_run(**values).verdict
    assert "too slowly" not in verdict.headline and "in 1 step" not in verdict.headline
    assert "below the precision" in verdict.headline
    brackets = re.findall(r"\[([-\d.e+]+), ([-\d.e+]+)\]", verdict.text)
    assert brackets and all(low != high for low, high in brackets), verdict.text
