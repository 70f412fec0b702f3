"""Every α a page suggests is one the α control can take, so a link keeps it: the "try"
links, the lessons' settings, and the fastest α the note under the slider names.

The learning-rate limits are computed here from numpy.linalg (α_crit = 2/λmax,
ρ = max|1 − αλ|), not from the app's own rates.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest

from gd_app import lessons, ui
from gd_app.controls import (
    ONE_PARAMETER,
    TWO_PARAMETERS,
    allowed_values,
    control,
    defaults,
)
from gd_app.data_ranges import data_controls, hidden_values
from gd_app.demos import TWO_PARAMETER_SUGGESTIONS, one_parameter, two_parameters
from gd_app.demos.fit_one import _one_run
from gd_app.demos.fit_two import _two_run
from gd_core import bundled

CONTROLS = {"one_parameter": ONE_PARAMETER, "two_parameters": TWO_PARAMETERS}


def on_grid(controls, alpha: float) -> bool:
    grid = np.array(allowed_values(control(controls, "alpha")))
    return bool(np.any(np.isclose(grid, alpha, rtol=1e-12, atol=0)))


def test_each_suggestion_link_sets_public_keys_to_values_the_controls_take():
    for suggestion in TWO_PARAMETER_SUGGESTIONS:
        url = ui.suggestion_url(suggestion)
        path, query = urlsplit(url).path, dict(parse_qsl(urlsplit(url).query))
        assert path == "two_parameters"
        keys = {c.key for c in TWO_PARAMETERS}
        assert set(query) <= keys, set(query) - keys
        assert on_grid(TWO_PARAMETERS, float(query["alpha"])), query["alpha"]
        for key in ("x_low", "x_high", "N"):
            c = control(TWO_PARAMETERS, key)
            assert c.low <= float(query[key]) <= c.high


def test_the_zig_zag_suggestion_is_below_alpha_crit_and_the_cure_makes_kappa_one():
    zig, cure = TWO_PARAMETER_SUGGESTIONS
    values = defaults(TWO_PARAMETERS) | {
        "x_low": 9.0,
        "x_high": 11.0,
        "alpha": 0.018,
        "N": 30,
    }
    assert dict(zig.values)["alpha"] == "0.018" and dict(zig.values)["x_low"] == "9"
    run = _two_run(**values)
    lam = np.linalg.eigvalsh(run.problem.hessian)
    assert 1 / lam[-1] < values["alpha"] < 2 / lam[-1]  # overshoots across, and converges
    cured = _two_run(**values | {"standardize": True, "alpha": 0.7, "N": 15})
    lam = np.linalg.eigvalsh(cured.problem.hessian)
    assert lam[-1] / lam[0] == pytest.approx(1.0)
    assert dict(cure.values)["standardize"] == "true"


def test_every_lesson_alpha_is_on_its_control_s_grid():
    found, problems = lessons.load()
    assert found and not problems, problems
    seen = 0
    for lesson in found:
        for step in lesson.steps:
            if step.page in CONTROLS and "alpha" in step.values:
                assert on_grid(CONTROLS[step.page], float(step.values["alpha"])), (
                    lesson.name,
                    step.title,
                    step.values["alpha"],
                )
                seen += 1
    assert seen >= 3


@pytest.mark.parametrize(
    "x_low, x_high", [(-1.0, 1.0), (9.0, 11.0), (2.0, 4.0), (-20.0, 20.0), (15.0, 20.0)]
)
def test_the_fastest_alpha_on_the_slider_is_the_grid_value_with_the_least_rho(x_low, x_high):
    values = defaults(TWO_PARAMETERS) | {"x_low": x_low, "x_high": x_high}
    note = two_parameters(**values).alpha_note
    lam = np.linalg.eigvalsh(_two_run(**values).problem.hessian)
    grid = np.array(allowed_values(control(TWO_PARAMETERS, "alpha")))
    rho = np.max(np.abs(1 - np.outer(grid, lam)), axis=1)
    best = float(grid[np.argmin(rho)])
    if "on this slider" in note:
        shown = float(note.split("on this slider: α = ")[1].split(")")[0])
        assert shown == best and shown < 2 / lam[-1]
    else:  # α_opt itself is on the grid
        assert np.isclose(2 / (lam[0] + lam[-1]), best)


def test_the_one_parameter_note_names_a_value_the_slider_takes():
    values = defaults(ONE_PARAMETER)
    note = one_parameter(**values).alpha_note
    shown = float(note.split("on this slider: α = ")[1].split(")")[0])
    lam = float(_one_run(**values).problem.hessian[0, 0])
    assert on_grid(ONE_PARAMETER, shown)
    assert abs(1 - shown * lam) == min(
        abs(1 - a * lam) for a in allowed_values(control(ONE_PARAMETER, "alpha"))
    )


@pytest.mark.parametrize("page", ["one_parameter", "two_parameters"])
@pytest.mark.parametrize("name", ["penguins", "anscombe I"])
def test_on_chosen_data_the_note_names_a_value_that_data_s_slider_takes(page, name):
    """The α control takes the data's own values (about 1e-7 to 7e-5 on the penguins):
    the note's fastest α is one of those, with the least ρ, not one of the generated line's."""
    data = bundled.penguins() if name == "penguins" else bundled.anscombe(name.split()[1])
    intercept = page == "two_parameters"
    controls = data_controls(CONTROLS[page], data, intercept=intercept)
    grid = np.array(allowed_values(control(controls, "alpha")))
    alpha = control(controls, "alpha").default
    assert ".." not in control(controls, "alpha").help  # one sentence ends, the next begins
    values = hidden_values(CONTROLS[page]) | defaults(controls)
    values |= {"alpha": alpha, "m": len(data), "source": data}
    demo = (two_parameters if intercept else one_parameter)(**values)
    x = np.column_stack([np.ones_like(data.x), data.x]) if intercept else data.x[:, None]
    lam = np.linalg.eigvalsh(x.T @ x / len(data))
    rho = np.max(np.abs(1 - np.outer(grid, lam)), axis=1)
    if "on this slider" in demo.alpha_note:
        shown = float(demo.alpha_note.split("on this slider: α = ")[1].split(")")[0])
        assert np.isclose(grid, shown, rtol=1e-12, atol=0).any(), (shown, grid[[0, -1]])
        assert rho[np.isclose(grid, shown, rtol=1e-12, atol=0)].min() == pytest.approx(rho.min())
    else:
        assert np.isclose(2 / (lam[0] + lam[-1]), grid[np.argmin(rho)])
