"""The fit pages' data source through AppTest: bundled data, paste, upload, links, refusals.

Each bad input is refused with a message that says where and why; the page keeps
running (on the generated line before any good data, else on the last good data),
and takes good data again afterwards.
"""

import numpy as np
import pandas as pd
import pytest
from test_pages import assert_healthy, plain, run, table

from gd_core import bundled

TWO = "pages/two_parameters.py"
ONE = "pages/one_parameter.py"
GOOD = "x,y\n1,2\n2,4.5\n3,5.9\n4,8.25\n"
GOOD_X, GOOD_Y = np.array([1.0, 2, 3, 4]), np.array([2, 4.5, 5.9, 8.25])


def lstsq(x, y):
    return np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)[0]


def best_fit(at) -> np.ndarray:
    """θ* as the page's metrics state it ("least-squares best fit: …"), 6 digits."""
    return np.array(
        [
            float(m.help.split(": ")[1])
            for m in at.metric
            if m.label in ("final θ0", "final θ1") and m.help
        ]
    )


def errors(at) -> list[str]:
    return [plain(e.value) for e in at.error]


def paste(at, text):
    at.text_area(key="paste_text").set_value(text).run()
    return at


def upload(at, name, raw):
    at.file_uploader(key="upload_file").set_value((name, raw, "text/csv")).run()
    return at


def default_table(page=TWO):
    return table(run(page))


def assert_works_afterwards(at):
    """Good data now runs: no error, θ* is numpy's least squares of it."""
    if at.selectbox(key="data").value == "upload":
        upload(at, "good.csv", GOOD.encode())
    else:
        paste(at, GOOD)
    assert_healthy(at)
    assert not errors(at)
    best = best_fit(at)
    if len(best) == 1:  # the one-parameter page: the best line through the origin
        expected = np.linalg.lstsq(GOOD_X[:, None], GOOD_Y, rcond=None)[0]
    else:
        expected = lstsq(GOOD_X, GOOD_Y)
    np.testing.assert_allclose(best, expected, rtol=1e-5)


# ---------------------------------------------------------------- bundled data sets
def test_penguins_link_runs_on_342_penguins_with_their_kappa():
    at = run(TWO, data="penguins")
    assert_healthy(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["κ of XᵀX/m"] == "8.35e+06"
    x, y = bundled.penguins().x, bundled.penguins().y
    np.testing.assert_allclose(best_fit(at), lstsq(x, y), rtol=1e-5)
    assert "Palmer penguins, m = 342 points" in plain(at.caption[-1].value)
    assert all(n.key != "m" for n in at.number_input)
    alpha = at.select_slider(key="alpha")
    X = np.column_stack([np.ones_like(x), x])
    crit = 2 / np.linalg.eigvalsh(X.T @ X / len(x))[-1]
    assert float(alpha.options[0]) < 0.01 * crit and float(alpha.options[-1]) >= 1.3 * crit


def test_penguins_standardized_has_kappa_one_and_the_same_line():
    at = run(TWO, data="penguins", standardize="true", alpha="1", N="5")
    assert_healthy(at)
    assert {m.label: m.value for m in at.metric}["κ of XᵀX/m"] == "1"
    x, y = bundled.penguins().x, bundled.penguins().y
    np.testing.assert_allclose(table(at)[["theta0", "theta1"]].iloc[-1], lstsq(x, y), rtol=1e-9)


@pytest.mark.parametrize("which", ["I", "II", "III", "IV"])
def test_anscombe_sets_by_link_all_give_the_same_line(which):
    at = run(TWO, data="anscombe", set=which)
    assert_healthy(at)
    assert at.selectbox(key="set").value == which
    np.testing.assert_allclose(best_fit(at), [3.0, 0.5], atol=3e-3)


def test_one_parameter_page_fits_through_the_origin_and_says_so():
    at = run(ONE, data="penguins")
    assert_healthy(at)
    x, y = bundled.penguins().x, bundled.penguins().y
    through_origin = float(x @ y / (x @ x))
    assert float(at.metric[0].help.split(": ")[1]) == pytest.approx(through_origin, rel=1e-5)
    assert any("line through the origin, h = θ1·x" in plain(c.value) for c in at.markdown)
    slider = at.select_slider(key="alpha")
    crit = 2 / np.mean(x**2)
    assert float(slider.options[0]) < 0.01 * crit and float(slider.options[-1]) >= 1.3 * crit


# ---------------------------------------------------------------- paste and links
def test_paste_runs_on_the_points_and_puts_them_in_the_link():
    at = paste(run(TWO, data="paste"), GOOD)
    assert_healthy(at)
    assert not errors(at)
    np.testing.assert_allclose(best_fit(at), lstsq(GOOD_X, GOOD_Y), rtol=1e-5)
    assert at.query_params.get("points")


def test_a_link_with_pasted_points_reproduces_the_table_exactly():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 10, 150), rng.normal(0, 1, 150)
    text = "\n".join(f"{a!r}\t{b!r}" for a, b in zip(x.tolist(), y.tolist(), strict=True))
    at = paste(run(TWO, data="paste", alpha="0.02", N="40"), text)
    assert_healthy(at)
    # AppTest's query_params hold what the script wrote (points), not the widgets' values.
    link = {
        "data": "paste",
        "points": at.query_params["points"],
        "alpha": at.select_slider(key="alpha").value,
        "N": str(at.slider(key="N").value),
    }
    assert at.select_slider(key="alpha").value != "0.02"  # new data: its own default α
    again = run(TWO, **link)
    assert_healthy(again)
    refusals = [w for w in again.warning if w.icon != ":material/warning:"]  # not the verdict
    assert not errors(again) and not refusals, [plain(w.value) for w in refusals]
    pd.testing.assert_frame_equal(table(again), table(at), check_exact=True)
    np.testing.assert_allclose(best_fit(again), lstsq(x, y), rtol=1e-5)


def test_more_than_200_pasted_points_stay_out_of_the_link_and_say_so():
    text = "\n".join(f"{i},{2 * i + 1}" for i in range(201))
    at = paste(run(TWO, data="paste"), text)
    assert_healthy(at)
    assert "points" not in at.query_params
    assert any("can't travel in the page's link" in plain(c.value) for c in at.markdown)
    assert any(b.proto.label == "Data (CSV)" for b in at.get("download_button"))


@pytest.mark.parametrize("value", ["abc", "eNoLSS0u0U1KzMnPS1coyS9RyEgtSk0BAF0BCHs", "x" * 9000])
def test_a_malformed_points_link_is_refused_naming_the_key(value):
    at = run(TWO, data="paste", points=value)
    assert_healthy(at)
    assert any("The link's points value is not allowed" in plain(w.value) for w in at.warning)
    assert_works_afterwards(at)


# ---------------------------------------------------------------- refusals
BAD_PASTES = [
    ("1,2\n3,abc\n", "line 2, column 2 (y): 'abc' is not a number"),
    ("x,y\n1,2\n3,NaN\n", "line 3, column 2 (y): NaN is not a finite number"),
    ("1 2\ninf 3\n", "line 2, column 1 (x): inf is not a finite number"),
    ("1,2\n1,3\n", "at least 2 distinct x values"),
    ("1,2\n3,5e12\n", "5e12 is beyond ±1e+12"),
    ("1,2\n3,4,5\n", "line 2 has 3 values, but line 1 has 2"),
    ("1\n2\n", "line 1 has only one column"),
    ("\n".join(f"{i},{i}" for i in range(100_001)), "100,001 rows of data; at most 100,000"),
]


@pytest.mark.parametrize("text, message", BAD_PASTES, ids=lambda v: v[:12])
def test_a_bad_paste_says_where_and_runs_on_the_generated_line(text, message):
    at = paste(run(TWO, data="paste"), text)
    assert_healthy(at)
    shown = errors(at)
    assert len(shown) == 1 and message in shown[0], shown
    assert "Until good data is given, the page runs on the generated line." in shown[0]
    pd.testing.assert_frame_equal(table(at), default_table())
    assert "points" not in at.query_params
    assert_works_afterwards(at)


def test_a_bad_paste_after_good_data_keeps_the_last_good_data():
    at = paste(run(ONE, data="paste"), GOOD)
    good = table(at)
    paste(at, "1,2\n3,abc")
    assert_healthy(at)
    assert "The page still shows the last good data (pasted data, 4 points)." in errors(at)[0]
    pd.testing.assert_frame_equal(table(at), good)


def test_an_empty_paste_says_the_generated_line_runs():
    at = paste(run(TWO, data="paste"), "   \n")
    assert_healthy(at)
    assert any("Until then the page runs on the generated line" in plain(i.value) for i in at.info)
    pd.testing.assert_frame_equal(table(at), default_table())
    assert_works_afterwards(at)


def test_an_upload_runs_on_the_columns_chosen_by_name():
    raw = "species,flipper (mm),mass (g)\nA,181,3750\nB,186,3800\nC,195,3250\nD,193,3450\n"
    at = upload(run(TWO, data="upload"), "p.csv", raw.encode("latin-1"))
    assert_healthy(at)
    assert at.selectbox(key="x_column").value == "flipper (mm)"
    at.selectbox(key="x_column").set_value("mass (g)").run()
    at.selectbox(key="y_column").set_value("flipper (mm)").run()
    assert_healthy(at)
    mass, flipper = np.array([3750.0, 3800, 3250, 3450]), np.array([181.0, 186, 195, 193])
    np.testing.assert_allclose(best_fit(at), lstsq(mass, flipper), rtol=1e-5)
    assert "points" not in at.query_params
    assert any("can't travel in the page's link" in plain(c.value) for c in at.markdown)
    at.selectbox(key="y_column").set_value("species").run()
    assert_healthy(at)
    assert "line 2, column 1 (species): 'A' is not a number" in errors(at)[0]


BAD_FILES = [
    (b"", "is empty"),
    (b"x,y\n" + b"1,2\n" * (5 * 1024 * 1024 // 4), "at most 5 MB are allowed"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "is not a text file in UTF-8 or Latin-1"),
    (b"a,b\n1,2\n3\n", "line 3 has 1 value, but line 1 has 2"),
    (b"a\n1\n2\n", "line 1 has only one column"),
    (b"a,b\n1,2\n3,nan\n", "line 3, column 2 (b): nan is not a finite number"),
]


@pytest.mark.parametrize("raw, message", BAD_FILES, ids=lambda v: str(v)[:12])
def test_a_bad_upload_says_why_and_the_page_keeps_working(raw, message):
    at = upload(run(ONE, data="upload"), "bad.csv", raw)
    assert_healthy(at)
    shown = errors(at)
    assert len(shown) == 1 and message in shown[0], shown
    pd.testing.assert_frame_equal(table(at), default_table(ONE))
    assert_works_afterwards(at)


def test_hostile_names_are_shown_as_text_not_maths_or_markdown():
    header = "$\\frac{1}{$ (**g**),$x^$ [link](http://a.b) " + "w" * 200
    at = paste(run(TWO, data="paste"), f"{header}\n1,2\n2,3\n3,5\n")
    assert_healthy(at)
    assert not errors(at)
    image = at.get("image")[0]
    assert image.proto.imgs[0].alt
    at.selectbox(key="data").set_value("upload").run()
    upload(at, "**$x$**.csv", b"a,b\n1,2\n2,3\n")
    assert_healthy(at)
    assert "\\*\\*\\$x\\$\\*\\*" in at.caption[-1].value


def test_pasted_text_is_kept_while_other_data_is_shown():
    at = paste(run(TWO, data="paste"), GOOD)
    pasted = table(at)
    at.selectbox(key="data").set_value("penguins").run()
    assert_healthy(at)
    at.selectbox(key="data").set_value("paste").run()
    assert_healthy(at)
    assert at.text_area(key="paste_text").value == GOOD
    assert at.query_params.get("points")
    assert len(table(at)) == len(pasted)
    np.testing.assert_allclose(best_fit(at), lstsq(GOOD_X, GOOD_Y), rtol=1e-5)


def test_mini_batches_and_schedules_run_on_real_data():
    at = run(TWO, data="penguins", batch="50", schedule="cosine", N="60", standardize="true")
    assert_healthy(at)
    assert not [w for w in at.warning if w.icon != ":material/warning:"]  # only the verdict
    frame = table(at)
    assert {"batch_grad_theta0_std", "alpha"} <= set(frame.columns) and len(frame) == 60
    at = run(TWO, data="penguins", batch="343")
    assert_healthy(at)
    assert any("batch" in plain(w.value) for w in at.warning)


@pytest.mark.parametrize(
    "query, wanted",
    [
        ({"data": "penguins"}, "data=penguins"),
        ({"data": "anscombe", "set": "III"}, "data=anscombe&set=III"),
    ],
)
def test_the_class_link_carries_the_data(query, wanted):
    at = run(TWO, **query)
    assert_healthy(at)
    shared = [c.value for c in at.code]
    assert shared and wanted in shared[0], shared


def test_the_class_link_carries_pasted_points():
    at = paste(run(ONE, data="paste"), GOOD)
    shared = at.code[0].value
    assert f"points={at.query_params['points']}" in shared and "data=paste" in shared


def test_prediction_mode_asks_and_reveals_on_real_data():
    at = run(TWO, data="penguins", predict="true", alpha="0.0001")
    assert not at.exception
    at.radio(key="prediction").set_value("diverges").run()
    at.button(key="commit_prediction").click().run()
    assert_healthy(at)
    assert any("That's right" in plain(s.value) for s in at.success), [
        plain(w.value) for w in at.warning
    ]


@pytest.mark.parametrize(
    "page, key, value",
    [
        (ONE, "alpha", "0.5"),
        (TWO, "alpha", "9"),
        (TWO, "theta0_start", "90000"),
        (ONE, "theta1", "-500"),
    ],
)
def test_link_values_outside_the_datas_ranges_are_refused_naming_the_key(page, key, value):
    at = run(page, data="penguins", **{key: value})
    assert_healthy(at)
    shown = [plain(w.value) for w in at.warning]
    assert any(f"The link sets {key}={value}, which is not allowed" in w for w in shown), shown


@pytest.mark.parametrize(
    "query, named",
    [
        ({"data": "nope"}, ("data=nope", "line, penguins, anscombe, paste, upload", "data = line")),
        ({"data": "anscombe", "set": "V"}, ("set=V", "I, II, III, IV", "set = I")),
    ],
)
def test_a_refused_data_or_set_in_a_link_is_named_with_its_choices(query, named):
    at = run(ONE, **query)
    warnings = [plain(w.value) for w in at.warning]
    assert any(all(part in w for part in named) for w in warnings), warnings
    assert not at.exception
    at = run(ONE, data="anscombe", set="II")  # allowed values: no message
    assert not [w for w in at.warning if "not allowed" in w.value]
