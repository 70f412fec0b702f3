"""The fit pages' exports: a downloaded script, run in a fresh process, reproduces the CSV."""

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from gd_app.controls import ONE_PARAMETER, TWO_PARAMETERS, defaults
from gd_app.demos import fit_export

CASES = [
    ("one", {}),
    ("one", {"batch": 3, "noise": 0.5, "seed": 4, "N": 60, "schedule": "cosine"}),
    ("one", {"alpha": 7.9, "m": 1000, "N": 1000}),  # diverges: ends in an overflow
    ("two", {}),
    ("two", {"x_low": 9.0, "x_high": 11.0, "alpha": 0.018, "N": 40}),
    ("two", {"x_low": 9.0, "x_high": 11.0, "alpha": 1.8, "standardize": True, "noise": 0.3}),
    (
        "two",
        {"batch": 7, "noise": 1.0, "m": 50, "N": 200, "schedule": "exponential", "decay": 0.02},
    ),
    ("two", {"batch": 20, "N": 30, "schedule": "inverse_time", "decay": 1.0}),
    ("two", {"alpha": 2.5, "N": 1000}),
]


@pytest.mark.parametrize("page, changes", CASES)
def test_script_in_a_fresh_process_reproduces_the_csv(page, changes, tmp_path):
    params = {**defaults(ONE_PARAMETER if page == "one" else TWO_PARAMETERS), **changes}
    csv = getattr(fit_export, f"{'one_parameter' if page == 'one' else 'two_parameters'}_csv")
    script = getattr(fit_export, f"{'one_parameter' if page == 'one' else 'two_parameters'}_script")
    table = pd.read_csv(io.StringIO(csv(**params)))
    path = tmp_path / "script.py"
    path.write_text(script(**params))
    done = subprocess.run(
        [sys.executable, "-I", str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    printed = pd.read_csv(io.StringIO(done.stdout))
    numeric = [c for c in table.columns if c != "status"]
    assert list(printed.columns) == numeric
    assert len(printed) == len(table) > 1
    np.testing.assert_allclose(
        printed.to_numpy(float), table[numeric].to_numpy(float), rtol=1e-12, atol=0
    )


def test_csv_has_every_column_at_full_precision():
    params = {**defaults(TWO_PARAMETERS), "batch": 5}
    text = fit_export.two_parameters_csv(**params)
    header = text.splitlines()[0].split(",")
    assert (
        header[-2:] == ["ratio", "status"] and "alpha" in header and "batch_grad_theta0" in header
    )
    assert len(text.splitlines()[3].split(",")[1]) >= 15  # 17 significant digits, not 6


@pytest.mark.parametrize(
    "page, changes",
    [
        ("one", {"batch": 2, "noise": 0.3, "schedule": "exponential"}),
        ("two", {"x_low": 9.0, "x_high": 11.0, "alpha": 0.018}),
        ("two", {"batch": 8, "noise": 1.0, "m": 40, "N": 40, "schedule": "cosine"}),
    ],
)
def test_the_one_figure_route_draws_the_screen_s_pixels(page, changes):
    from PIL import Image

    from gd_app import demos
    from gd_app.plotting.common import pixels

    name = "one_parameter" if page == "one" else "two_parameters"
    params = {**defaults(ONE_PARAMETER if page == "one" else TWO_PARAMETERS), **changes}
    screen = getattr(demos, f"{name}_picture")(step=7, **params)
    fig = getattr(fit_export, f"{name}_figure")(step=7, **params)
    drawn = np.asarray(pixels(fig))[..., :3].astype(int)
    shown = np.asarray(Image.open(io.BytesIO(screen.whole_png())).convert("RGB")).astype(int)
    assert drawn.shape == shown.shape
    assert np.mean(np.abs(drawn - shown) > 8) < 0.002  # antialiasing at edges only
