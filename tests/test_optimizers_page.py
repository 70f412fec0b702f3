"""The Optimizers page through AppTest, its export hooks, and the hostile corpus through its f."""

import html
import io
import re
import subprocess
import sys
from urllib.parse import parse_qs

import numpy as np
import pandas as pd
import pytest
from hostile import HOSTILE
from streamlit.testing.v1 import AppTest
from test_optimizers import SETTINGS, gradient_of, transcription

from gd_app.controls import OPTIMIZERS, defaults
from gd_app.demos import optimizers as lab
from gd_core.errors import ExpressionError, OverBudget
from gd_core.expr import parse_expression
from gd_core.lab import PRESETS
from tests.conftest import ROOT

PAGE = "pages/optimizers.py"
DEFAULTS = defaults(OPTIMIZERS)


def run(timeout=120, **query):
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def plain(text: str) -> str:
    return text.replace("\\", "")


def summary(at) -> pd.DataFrame:
    return at.dataframe[0].value


def test_defaults_race_all_six_on_rosenbrock_with_the_transcribed_numbers():
    at = run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.text_input(key="f").value == PRESETS["Rosenbrock"][0]
    assert at.multiselect(key="methods").value == list(DEFAULTS["methods"])
    table = summary(at)
    assert list(table["method"]) == ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
    grad = gradient_of(PRESETS["Rosenbrock"][0])
    for method, h in SETTINGS.items():
        want = transcription(method, h, grad, (-1.5, 2.0), DEFAULTS["N"] - 1)[-1]
        row = table[table["method"] == method].iloc[0]
        np.testing.assert_allclose([row["x"], row["y"]], want, rtol=1e-9)
    # each method ends in Rosenbrock's valley y ≈ x² (|y − x²| small against the start's 0.25)
    assert np.all(np.abs(table["y"] - table["x"] ** 2) < 0.02), table
    race, values = (image.proto.imgs[0].alt for image in at.get("image"))  # one per panel
    assert race.startswith("The race: contour map of f")
    assert values.startswith("How fast f falls: f − f_ref, log scale")
    assert len(at.tabs) == 6
    assert any("not quadratic" in m.value for m in at.markdown)


def test_preset_picker_fills_the_box_and_marks_the_minima():
    at = run()
    at.selectbox(key="preset").set_value("Himmelblau").run()
    assert not at.exception
    assert at.text_input(key="f").value == PRESETS["Himmelblau"][0]
    assert "4 known minima" in at.get("image")[0].proto.imgs[0].alt


def test_a_link_naming_only_a_preset_fills_the_box():
    at = run(preset="Booth")
    assert at.text_input(key="f").value == PRESETS["Booth"][0]
    assert at.selectbox(key="preset").value == "Booth"


def test_typing_a_formula_sets_the_picker_to_custom():
    at = run()
    at.text_input(key="f").set_value("x**4 + y**2").run()
    assert at.selectbox(key="preset").value == "custom"
    assert not at.exception


def test_a_link_with_no_methods_gets_a_message_not_an_empty_page():
    at = run(methods="")
    assert any("No method is selected" in w.value for w in at.warning)
    assert not at.get("image") and not at.exception


def test_bad_formula_and_start_outside_the_domain_are_explained():
    at = run(f="y**")
    assert at.error and plain(at.error[0].value).startswith("Can't use this f(x, y)")
    at = run(f="log(x) + y**2", x0="-1")
    assert at.error and "domain" in plain(at.error[0].value)
    assert not at.exception


def test_refused_link_value_names_the_key_and_range():
    at = run(lr_gd="100")
    warnings = [plain(w.value) for w in at.warning]
    assert any("lr_gd" in w and "not allowed" in w for w in warnings), warnings


def test_unselected_methods_keep_their_link_values():
    at = run(methods="gd", lr_adam="0.2", beta2_adam="0.99")
    assert list(summary(at)["method"]) == ["gd"]
    assert at.number_input(key="lr_adam").value == pytest.approx(0.2)
    assert at.number_input(key="beta2_adam").value == pytest.approx(0.99)


def test_bowl_shows_theory_with_limits_and_rates():
    at = run(preset="bowl", N="300")
    assert not at.exception
    theory = at.dataframe[1].value
    assert list(theory["method"]) == ["gd", "momentum", "nesterov"]
    assert theory["limit"].tolist() == pytest.approx([2 / 50, 2 * 1.9 / 50, 2 * 1.9 / (2.8 * 50)])
    assert any("\\kappa" in m.value and "25" in m.value for m in at.markdown)


def test_the_heavy_ball_suggestion_is_a_link_that_keeps_every_value():
    at = run(preset="bowl", N="300")
    (link,) = [m.value for m in at.markdown if "href=" in m.value]
    path, query = html.unescape(re.search(r'href="([^"]+)"', link)[1]).split("?")
    assert path == "optimizers"
    values = parse_qs(query)
    # x² + 25y²: λ = 2 and 50. gd's fastest constant α = 2/(λmin + λmax); the heavy ball's
    # best pair α* = 4/(√λmax + √λmin)², β* = ((√κ − 1)/(√κ + 1))² with κ = 25.
    assert float(values["lr_gd"][0]) == pytest.approx(2 / 52, rel=1e-3)
    assert float(values["lr_momentum"][0]) == pytest.approx(4 / (50**0.5 + 2**0.5) ** 2, rel=1e-3)
    assert float(values["beta_momentum"][0]) == pytest.approx((4 / 6) ** 2, rel=1e-3)
    assert values["methods"] == ["gd", "momentum"] and values["f"] == [PRESETS["bowl"][0]]
    assert {"x0", "y0", "N", "tol"} <= set(values)
    # Opened, the link's every value is kept (none refused), and momentum gets there first.
    at = run(**{key: v if len(v) > 1 else v[0] for key, v in values.items()})
    assert not at.exception and not [w for w in at.warning if "not allowed" in w.value]
    for key in ("lr_gd", "lr_momentum", "beta_momentum", "x0", "y0", "tol"):
        assert at.number_input(key=key).value == float(values[key][0]), key
    steps = summary(at).set_index("method")["steps_to_tol"].astype(int)
    assert steps["momentum"] < steps["gd"]


def test_saddle_says_why_there_is_no_limit_and_uses_symlog():
    at = run(preset="saddle", x0="1", y0="0.001")
    assert any("indefinite" in m.value for m in at.markdown)
    assert "symlog" in at.get("image")[1].proto.imgs[0].alt  # f per iteration, the 2nd panel
    verdicts = set(summary(at)["verdict"])
    assert "runs off" in verdicts
    # x² − y² has no minimum: no verdict may promise one
    assert verdicts <= {"runs off", "stopped at a saddle", "diverges"}, verdicts


def test_scrubber_past_a_methods_end_keeps_its_last_iterate_marked():
    at = run(preset="bowl", N="2000", step="1500")
    histories = [d.value for d in at.dataframe[2:]]  # after the summary and the theory table
    assert len(histories) == 6
    lengths = [len(h) for h in histories]
    assert min(lengths) < 1500 < max(lengths), lengths
    assert at.slider(key="step").value == 1500
    assert "iterate 1500 of every method" in at.get("image")[0].proto.imgs[0].alt


def test_3d_view_adds_a_second_figure():
    at = run(view3d="true", N="50")
    assert len(at.get("image")) == 3  # the race's two panels, then the surface
    assert at.get("image")[2].proto.imgs[0].alt.startswith("A 3D surface of f")
    assert not at.exception


# ----------------------------------------------------------------- the hostile corpus
@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_hostile_formula_gets_the_symbolic_pages_refusal(text):
    """Refused, as on the symbolic page; the message is the parser's (naming x and y)."""
    with pytest.raises(ExpressionError):
        parse_expression(text)
    with pytest.raises(ExpressionError) as direct:
        parse_expression(text, variables=("x", "y"))
    try:
        lab.optimizers(**{**DEFAULTS, "f": text, "N": 10})
    except ExpressionError as error:
        assert str(error) == str(direct.value)
    except OverBudget:
        pass  # refused by the time budget: also a message, never a hang
    else:
        pytest.fail("the lab accepted a formula the symbolic page refuses")


# ----------------------------------------------------------------- export hooks
EXPORTS = [
    {},
    {"f": PRESETS["saddle"][0], "x0": 1.0, "y0": 0.001, "N": 300},
    {"f": "0.3*x**2 + 1.7*y**2 + 0.01*x*y + sin(x)/7", "N": 400, "methods": ("adam", "gd")},
    {"x0": -1.2, "y0": 1.0, "methods": ("gd", "gd_ls", "newton", "bfgs")},
    {"f": "x**2 + 3*x*y + y**2 - x", "x0": 0.3, "y0": -0.2, "N": 12, "methods": ("newton",)},
    {"f": PRESETS["saddle"][0], "x0": 0.0, "y0": 0.5, "N": 4, "methods": ("bfgs", "newton")},
    {"f": PRESETS["Himmelblau"][0], "x0": 0.0, "y0": 0.0, "damped": False, "methods": ("newton",)},
]


@pytest.mark.parametrize("change", EXPORTS)
def test_history_csv_and_script_agree_to_1e_12(change, tmp_path):
    params = {**DEFAULTS, "N": 200, **change}
    frame = pd.read_csv(io.StringIO(lab.history_csv(**params)))
    runs = lab.optimizers(**params).histories
    assert list(frame["method"].unique()) == list(runs)
    texts = {name: frame.pop(name).astype(object).fillna("") for name in ("note", "trial_points")}
    for method, table in runs.items():
        part = frame[frame["method"] == method].reset_index(drop=True)
        for name, column in texts.items():
            if name in table:
                assert list(column[frame["method"] == method]) == list(table.pop(name))
        np.testing.assert_array_equal(part[table.columns].to_numpy(), table.to_numpy())
    path = tmp_path / "optimizer_lab.py"
    path.write_text(lab.script(**params))
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    printed = pd.read_csv(io.StringIO(done.stdout))
    for name, column in texts.items():
        assert list(printed.pop(name).astype(object).fillna("")) == list(column)
    assert list(printed.columns) == list(frame.columns)
    assert list(printed["method"]) == list(frame["method"])
    numeric = frame.columns.drop("method")
    np.testing.assert_allclose(
        printed[numeric].to_numpy(float), frame[numeric].to_numpy(float), rtol=1e-12, atol=0
    )


def test_export_figure_gives_the_screens_pixels():
    from PIL import Image

    from gd_app.plotting.common import to_png

    params = {**DEFAULTS, "N": 300}
    screen = lab.optimizers_picture(step=120, **params).whole_png()  # the panels side by side
    export = to_png(lab.figure(step=120, **params))
    a, b = (
        np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
        for png in (screen, export)
    )
    assert a.shape == b.shape
    assert (np.abs(a - b).max(axis=2) > 0).mean() < 1e-3  # drawing order of antialiased edges


# ---------------------------------------------------------------- line search, sweep, basins
def test_line_search_methods_race_with_their_counts_and_notes():
    at = run(methods=["gd", "gd_ls", "newton", "bfgs"], x0="-1.2", y0="1")
    assert not at.exception, [e.message for e in at.exception]
    table = summary(at)
    assert list(table["method"]) == ["gd", "gd_ls", "newton", "bfgs"]
    newton = table[table["method"] == "newton"].iloc[0]
    runs = {
        run.method: run
        for run in lab.result(
            **{**DEFAULTS, "x0": -1.2, "y0": 1.0, "methods": ("gd", "gd_ls", "newton", "bfgs")}
        ).runs
    }
    f, g, h = runs["newton"].evals[runs["newton"].steps_to_tol]
    assert newton["evals_to_tol"] == f"{f} f, {g} ∇f, {h} H"
    assert table[table["method"] == "gd"].iloc[0]["evals_to_tol"] == "not reached"
    histories = {
        name: d.value
        for name, d in zip(["gd", "gd_ls", "newton", "bfgs"], at.dataframe[1:], strict=True)
    }
    assert {"alpha", "trials", "f_evals", "g_evals", "note"} <= set(histories["bfgs"].columns)
    assert "h_evals" in histories["newton"] and "tau" in histories["newton"]
    assert histories["newton"]["alpha"].iloc[1] == 1.0


def test_line_search_link_values_are_bounded_and_refusals_name_the_key():
    at = run(alpha0_ls="1000", rho_ls="0.99", basin_method="sgd", damped="maybe")
    warnings = [plain(w.value) for w in at.warning]
    for key in ("alpha0_ls", "rho_ls", "basin_method", "damped"):
        assert any(f"{key}=" in w and "not allowed" in w for w in warnings), (key, warnings)
    # a number past its range starts at the nearer end (0.001 to 10), as on every page
    assert at.number_input(key="alpha0_ls").value == 10.0
    assert at.number_input(key="rho_ls").value == 0.9
    assert at.selectbox(key="basin_method").value == "gd"


def test_bowl_theory_says_pure_newton_ends_in_one_step():
    at = run(preset="bowl", methods=["gd", "newton"], damped="false")
    assert any("Pure Newton" in m.value and "one step" in m.value for m in at.markdown)
    assert summary(at).set_index("method").loc["newton", "steps_to_tol"] == "1"


def test_sweep_and_basin_toggles_add_their_figures():
    at = run(preset="Himmelblau", x0="0", y0="0", N="200", sweep="true", basins="true")
    assert not at.exception, [e.message for e in at.exception]
    alts = [image.proto.imgs[0].alt for image in at.get("image")]
    assert len(alts) == 4  # the race's two panels, the sweep, the basin map
    assert alts[2].startswith("Final f against the learning rate")
    assert alts[3].startswith("Basin map of gd")
    assert sum("of the minimum" in part for part in alts[3].split(";")) == 4


def test_refused_methods_in_a_link_are_named_with_the_allowed_ones():
    assert not [w for w in run().warning if "not allowed" in w.value]  # no methods in the link
    at = run(methods=["gd", "nope"])  # a multiselect's link repeats its key
    warnings = [plain(w.value) for w in at.warning]
    assert any(
        "methods=gd, nope" in w and "not allowed" in w and "bfgs" in w and "using methods = gd" in w
        for w in warnings
    ), warnings
    assert list(summary(at)["method"]) == ["gd"]
    at = run(methods="gd,newton")  # one value, not a list: no such method
    warnings = [plain(w.value) for w in at.warning]
    assert any("methods=gd,newton" in w and "not allowed" in w for w in warnings), warnings
    at = run(methods=["gd", "newton"])
    assert not [w for w in at.warning if "not allowed" in w.value]
    assert list(summary(at)["method"]) == ["gd", "newton"]


def test_an_unknown_preset_in_a_link_is_named_with_the_presets():
    at = run(preset="himmelblau")
    warnings = [plain(w.value) for w in at.warning]
    assert any(
        "preset=himmelblau" in w and "not allowed" in w and "Himmelblau" in w for w in warnings
    ), warnings
    at = run(preset="Himmelblau")
    assert not [w for w in at.warning if "not allowed" in w.value]
    assert at.text_input(key="f").value == PRESETS["Himmelblau"][0]


def test_every_iterate_table_reads_k_x_y_f_first():
    from gd_app.tables import key_first

    for table in lab.optimizers(**{**DEFAULTS, "N": 10}).histories.values():
        assert key_first(table.columns)[:4] == ["iteration", "x", "y", "f"]
