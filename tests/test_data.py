"""Reading a visitor's data and the bundled data sets (gd_core.data, gd_core.bundled), the
link encoding of pasted points, and the data-dependent control ranges."""

import csv
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gd_app.controls import ONE_PARAMETER, TWO_PARAMETERS
from gd_app.data_ranges import alpha_options, data_controls, facts
from gd_app.demos.fit import fit_run
from gd_core import bundled
from gd_core.data import (
    MAX_LINK_POINTS,
    DataError,
    dataset,
    decode,
    decode_points,
    encode_points,
    pick,
    read_pairs,
    read_table,
)
from tests.conftest import ROOT


def lstsq(x, y, intercept=True):
    X = np.column_stack([np.ones_like(x), x]) if intercept else np.asarray(x)[:, None]
    return np.linalg.lstsq(X, y, rcond=None)[0]


def page_solution(source, intercept):
    start = (0.0, 0.0) if intercept else (0.0,)
    run = fit_run(
        intercept=intercept, theta_true=(0.0, 0.5), start=start, N=2, alpha=1e-9, m=20,
        noise=0.0, seed=0, source=source,
    )  # fmt: skip
    return run.problem.solution


def penguins_by_hand():
    """The CSV read with the csv module alone, rows with NA in either column dropped."""
    with open(ROOT / "data" / "penguins.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    kept = [r for r in rows if "NA" not in (r["flipper_length_mm"], r["body_mass_g"])]
    return (
        np.array([float(r["flipper_length_mm"]) for r in kept]),
        np.array([float(r["body_mass_g"]) for r in kept]),
    )


@pytest.mark.parametrize("intercept", [True, False])
def test_penguins_solution_is_lstsq_and_kappa_is_large(intercept):
    x, y = penguins_by_hand()
    data = bundled.penguins()
    assert len(data) == len(x) == 342  # 344 penguins, 2 without measurements
    np.testing.assert_array_equal(data.x, x)
    np.testing.assert_allclose(page_solution(data, intercept), lstsq(x, y, intercept), rtol=1e-9)
    if intercept:
        X = np.column_stack([np.ones_like(x), x])
        assert np.linalg.cond(X.T @ X) == pytest.approx(8.35e6, rel=0.01)
    assert data.x_label == "flipper length (mm)" and data.y_label == "body mass (g)"


@pytest.mark.parametrize("which", bundled.ANSCOMBE_SETS)
def test_anscombe_sets_have_the_published_line(which):
    data = bundled.anscombe(which)
    assert len(data) == 11
    solution = page_solution(data, True)
    np.testing.assert_allclose(solution, lstsq(data.x, data.y), rtol=1e-9)
    # Anscombe (1973): every set has the regression line y = 3.00 + 0.500 x.
    np.testing.assert_allclose(solution, [3.0, 0.5], atol=3e-3)
    assert np.mean(data.x) == 9.0 and np.mean(data.y) == pytest.approx(7.50, abs=5e-3)
    np.testing.assert_allclose(page_solution(data, False), lstsq(data.x, data.y, False), rtol=1e-9)


@pytest.mark.parametrize(
    "text",
    [
        "1,2\n2,4.5\n3,5.9\n4,8.25\n",
        "x\ty\n1\t2\n2\t4.5\n3\t5.9\n4\t8.25",
        "  1  2\n\n2 4.5\n3    5.9\r\n4 8.25\n",
        "width (cm), height\n1, 2\n2, 4.5\n3, 5.9\n4, 8.25\n",
    ],
)
def test_pasted_text_in_every_form_gives_the_same_points_and_lstsq(text):
    data = read_pairs(text)
    np.testing.assert_array_equal(data.x, [1, 2, 3, 4])
    np.testing.assert_array_equal(data.y, [2, 4.5, 5.9, 8.25])
    np.testing.assert_allclose(page_solution(data, True), lstsq(data.x, data.y), rtol=1e-9)
    np.testing.assert_allclose(page_solution(data, False), lstsq(data.x, data.y, False), rtol=1e-9)


def test_header_names_label_the_axes():
    data = read_pairs("width (cm), height\n1, 2\n2, 3")
    assert (data.x_label, data.y_label) == ("width (cm)", "height")


def test_uploaded_csv_columns_by_name_utf8_bom_and_latin1():
    text = "ort,länge (mm),masse (g)\nA,181,3750\nB,186,3800\nC,195,3250\n"
    for raw in (
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("latin-1"),
    ):
        table = read_table(decode(raw))
        assert table.names == ("ort", "länge (mm)", "masse (g)")
        data = pick(table, "länge (mm)", "masse (g)", name="f.csv")
        np.testing.assert_array_equal(data.x, [181, 186, 195])
        np.testing.assert_allclose(page_solution(data, True), lstsq(data.x, data.y), rtol=1e-9)


def test_quoted_csv_cells():
    table = read_table(decode(b'"a, b",c\n"1",2\n3,"4"\n'))
    assert table.names == ("a, b", "c")
    np.testing.assert_array_equal(pick(table, "a, b", "c", name="q").y, [2, 4])


REFUSED = [
    ("1,2\n3,abc\n", ["line 2, column 2", "'abc' is not a number"]),
    ("x,y\n1,2\n3,4\n1e5,nan\n", ["line 4, column 2 (y)", "nan is not a finite number"]),
    ("1 2\n-inf 3\n", ["line 2, column 1", "not a finite number"]),
    ("1,2\n1,3\n1,4\n", ["at least 2 distinct x values", "all 3 points have x = 1"]),
    ("1,2\n3,2e12\n", ["line 2, column 2", "beyond ±1e+12"]),
    ("1,2\n3,4,5\n", ["line 2 has 3 values", "line 1 has 2"]),
    ("1,2\n3\n", ["line 2 has 1 value", "line 1 has 2"]),
    ("1\n2\n3\n", ["line 1 has only one column", "two are needed"]),
    ("1,2,3\n4,5,6\n", ["3 columns on line 1", "exactly two"]),
    ("", ["empty"]),
    ("  \n\n", ["empty"]),
    ("x,y\n", ["header but no rows"]),
]


@pytest.mark.parametrize("text, parts", REFUSED)
def test_bad_paste_is_refused_with_where_and_why(text, parts):
    with pytest.raises(DataError) as error:
        read_pairs(text)
    for part in parts:
        assert part in str(error.value)


def test_row_and_size_limits():
    rows = "\n".join(f"{i},{i}" for i in range(100_001))
    with pytest.raises(DataError, match="100,001 rows of data; at most 100,000"):
        read_pairs(rows)
    assert len(read_pairs("\n".join(f"{i},{i}" for i in range(100_000)))) == 100_000
    with pytest.raises(DataError, match="at most 5 MB"):
        decode(b"1,2\n" * (5 * 1024 * 1024 // 4 + 1))


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(range(256)),
        b"x,y\n1,2\n\x00\x01",
    ],
)
def test_binary_files_are_not_text(raw):
    with pytest.raises(DataError, match="not a text file in UTF-8 or Latin-1: line"):
        decode(raw)


def test_column_missing_by_name():
    table = read_table("a,b\n1,2\n")
    with pytest.raises(DataError, match="no column 'c'; its columns are a, b"):
        pick(table, "a", "c", name="t")


# ---------------------------------------------------------------- links
def test_link_round_trip_is_exact_for_200_points():
    rng = np.random.default_rng(7)
    x = rng.normal(190, 14, 200)
    y = rng.normal(4200, 800, 200) * 1.000000000001
    data = dataset(x, y, name="pasted data", x_label="flipper", y_label="mass")
    encoded = encode_points(data)
    assert set(encoded) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    back = decode_points(encoded)
    np.testing.assert_array_equal(back.x, x)
    np.testing.assert_array_equal(back.y, y)
    assert (back.x_label, back.y_label) == ("flipper", "mass")
    too_many = dataset(np.arange(201.0), np.arange(201.0), name="p")
    with pytest.raises(ValueError):
        encode_points(too_many)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-1e12, 1e12, allow_nan=False), st.floats(-1e12, 1e12, allow_nan=False)),
        min_size=2,
        max_size=MAX_LINK_POINTS,
    ).filter(lambda pts: len({p[0] for p in pts}) >= 2)
)
def test_link_round_trip_is_exact_for_any_points(points):
    data = dataset(*zip(*points, strict=True), name="pasted data")
    back = decode_points(encode_points(data))
    np.testing.assert_array_equal(back.x, data.x)
    np.testing.assert_array_equal(back.y, data.y)


@pytest.mark.parametrize(
    "value",
    ["", "abc", "!!!", "eNoLSS0u0U1KzMnPS1coyS9RyEgtSk0BAF0BCHs", "A" * 9000],
)
def test_malformed_points_are_refused_naming_the_key(value):
    with pytest.raises(DataError, match="The link's points value is not allowed"):
        decode_points(value)


def test_points_value_with_bad_content_is_refused():
    import base64
    import zlib

    raw = base64.urlsafe_b64encode(zlib.compress(b"x\ty\n1\tfoo\n2\t3")).decode().rstrip("=")
    with pytest.raises(DataError, match="points value is not allowed.*line 2, column 2"):
        decode_points(raw)
    bomb = base64.urlsafe_b64encode(zlib.compress(b"1\t1\n" * 100_000)).decode().rstrip("=")
    with pytest.raises(DataError, match="points value is not allowed"):
        decode_points(bomb)


# ---------------------------------------------------------------- ranges
def critical_by_hand(x, intercept):
    X = np.column_stack([np.ones_like(x), x]) if intercept else x[:, None]
    return 2 / np.linalg.eigvalsh(X.T @ X / len(x))[-1]


SETS = [
    bundled.penguins(),
    bundled.anscombe("IV"),
    dataset([1e-6, 2e-6, 3e-6], [1.0, 2.0, 2.5], name="tiny x"),
    dataset([1e6, 1e6 + 1, 1e6 + 3], [1.0, 2.0, 2.5], name="x far from 0"),
]


@pytest.mark.parametrize("data", SETS, ids=lambda d: d.name)
@pytest.mark.parametrize("intercept", [False, True])
def test_alpha_reaches_below_a_hundredth_and_past_1_3_of_alpha_crit(data, intercept):
    controls = data_controls(
        TWO_PARAMETERS if intercept else ONE_PARAMETER, data, intercept=intercept
    )
    alpha = next(c for c in controls if c.key == "alpha")
    crits = [critical_by_hand(data.x, intercept)]
    if intercept:
        z = (data.x - data.x.mean()) / data.x.std()
        crits.append(critical_by_hand(z, True))
    assert facts(data, intercept=intercept).critical == pytest.approx(crits[0], rel=1e-9)
    for crit in crits:
        assert alpha.options[0] < 0.01 * crit and alpha.options[-1] >= 1.3 * crit
    assert alpha.options[0] <= alpha.default <= alpha.options[-1]
    assert all(f"{v:.1e}" == f"{v:.1e}" and float(f"{v:.1e}") == v for v in alpha.options)
    keys = {c.key for c in controls}
    assert not keys & {"m", "noise", "seed", "x_low", "x_high", "theta0_true", "theta1_true"}
    starts = [c for c in controls if c.key in ("theta1", "theta0_start", "theta1_start")]
    solution = lstsq(data.x, data.y, intercept)
    for control, best in zip(starts, solution, strict=True):
        assert control.low <= 0 <= control.high and control.low <= best <= control.high
        assert control.low < 2 * best < control.high or best == 0


def test_alpha_options_are_the_two_digit_grid():
    options = alpha_options((2.0,))
    assert options[0] == 0.01 and options[-1] == 2.6
    assert len(options) == 2 * 90 + 17
    assert all(
        math.isclose(b / a, 1, rel_tol=0.11) for a, b in zip(options, options[1:], strict=False)
    )


# ---------------------------------------------------------------- downloads carry the data
@pytest.mark.parametrize(
    "page, data, changes",
    [
        ("one", bundled.penguins(), {"alpha": 1e-5}),
        ("two", bundled.penguins(), {"alpha": 4.4e-5, "N": 30}),
        ("two", bundled.penguins(), {"alpha": 1.0, "standardize": True}),
        ("two", read_pairs("a b\n1 2.5\n2 4.1\n3 6.2\n"), {"alpha": 0.1, "batch": 2, "N": 9}),
    ],
)
def test_script_carries_the_data_and_reproduces_the_csv(page, data, changes, tmp_path):
    import io
    import subprocess
    import sys

    import pandas as pd

    from gd_app.controls import defaults
    from gd_app.data_ranges import hidden_values
    from gd_app.demos import fit_export

    base = ONE_PARAMETER if page == "one" else TWO_PARAMETERS
    controls = data_controls(base, data, intercept=page == "two")
    params = {**hidden_values(base), **defaults(controls), "m": len(data), **changes}
    name = "one_parameter" if page == "one" else "two_parameters"
    table = pd.read_csv(io.StringIO(getattr(fit_export, f"{name}_csv")(**params, source=data)))
    path = tmp_path / "script.py"
    path.write_text(getattr(fit_export, f"{name}_script")(**params, source=data))
    done = subprocess.run(
        [sys.executable, "-I", str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    printed = pd.read_csv(io.StringIO(done.stdout))
    numeric = [c for c in table.columns if c != "status"]
    assert list(printed.columns) == numeric and len(printed) == len(table) > 1
    np.testing.assert_allclose(
        printed.to_numpy(float), table[numeric].to_numpy(float), rtol=1e-12, atol=0
    )


def test_upload_limit_is_in_the_config_and_the_code():
    import tomllib

    from gd_core.data import MAX_BYTES

    settings_ = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings_["server"]["maxUploadSize"] == 5 == MAX_BYTES // 1024 // 1024


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_with_a_data_error(text):
    try:
        data = read_pairs(text)
    except DataError as error:
        assert str(error)
    else:
        assert len(data) >= 2 and np.all(np.isfinite(data.x)) and np.all(np.isfinite(data.y))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_with_a_data_error(raw):
    try:
        read_table(decode(raw))
    except DataError as error:
        assert str(error)
