"""Export and theme (issue 12): routes agree pixel for pixel, scripts reproduce the CSV,
the GIF has the promised frames, dark figures are dark, and play's clock drops late ticks."""

from __future__ import annotations

import importlib
import io
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from gd_app import animation, export
from gd_app import gif as gif_file
from gd_app.controls import ONE_PARAMETER, OPTIMIZERS, SYMBOLIC, TWO_PARAMETERS, defaults
from gd_app.play import DROP, Playback, due_step
from gd_app.plotting.common import DARK_BACKGROUND, pixels

PAGES = {
    "one_parameter": defaults(ONE_PARAMETER),
    "two_parameters": defaults(TWO_PARAMETERS),
    "symbolic": defaults(SYMBOLIC),
}
# Runs that exercise noise, a fault (overflow), slow convergence and kinks.
RUNS = [
    ("one_parameter", {}),
    ("one_parameter", {"alpha": 6.0, "N": 1000, "noise": 0.5, "m": 1000, "seed": 3}),
    ("one_parameter", {"alpha": 0.35, "theta1": 1.2, "N": 300, "noise": 2.0, "seed": 9}),
    ("two_parameters", {}),
    ("two_parameters", {"alpha": 2.5, "N": 1000}),
    ("two_parameters", {"alpha": 1.9, "theta0_start": -3.0, "noise": 1.0, "m": 500}),
    ("symbolic", {}),
    ("symbolic", {"f": "exp(x)", "alpha": 2.0, "max_iter": 2000}),
    ("symbolic", {"f": "log(x)+0.1*x**2", "x0": 1.0, "alpha": 5.0}),
    ("symbolic", {"f": "abs(x) + 0.25*sin(3*x)", "x0": 1.0, "alpha": 0.3}),
    ("symbolic", {"f": "x**4 - 3*x**2 + 0.5*x", "x0": -0.1, "alpha": 0.02, "precision": 1e-10}),
]


def params(page: str, changes: dict) -> dict:
    return {**PAGES[page], **changes}


def rgb(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


# ---------------------------------------------------------------- the two routes
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("page", list(PAGES))
def test_fast_route_has_the_one_figure_routes_pixels(page, theme):
    hook = export.hooks(page)
    run = params(page, {"noise": 0.5} if page != "symbolic" else {})
    for step in (0, 3):
        fast = rgb(hook.picture(step=step, theme=theme, **run).whole_png()).astype(int)
        whole = pixels(hook.figure(step=step, theme=theme, **run))[..., :3].astype(int)
        assert fast.shape == whole.shape
        # The same drawing. A panel placed in the download figure (at its half-way mark, its
        # top at the figure's) may snap an antialiased edge a level or two apart, as on the
        # fit pages (tests/test_rendering.py): at most a few pixels in 10,000 differ by more.
        differ = np.abs(fast - whole).max(axis=2)
        assert (differ > 8).mean() < 1e-4 and (differ > 0).mean() < 1e-3


@pytest.mark.parametrize("page", list(PAGES))
def test_dark_figures_are_dark_light_ones_light_and_rcparams_untouched(page):
    before = dict(mpl.rcParams)
    hook = export.hooks(page)
    light = rgb(hook.picture(step=1, theme="light", **PAGES[page]).whole_png()).mean(axis=2)
    dark = rgb(hook.picture(step=1, theme="dark", **PAGES[page]).whole_png()).mean(axis=2)
    assert light.mean() > 170 and np.median(light) == 255
    assert dark.mean() < 80
    background = tuple(int(DARK_BACKGROUND[i : i + 2], 16) for i in (1, 3, 5))
    assert (
        tuple(rgb(hook.picture(step=1, theme="dark", **PAGES[page]).whole_png())[2, 2])
        == background
    )
    # Text is legible: the dark figure has light pixels (labels, ticks) as well.
    assert (dark > 200).mean() > 0.002
    assert dict(mpl.rcParams) == before, "figures must not change global rcParams"


def test_unknown_theme_is_refused():
    with pytest.raises(ValueError, match="theme"):
        export.hooks("symbolic").figure(step=0, theme="sepia", **PAGES["symbolic"])


# ---------------------------------------------------------------- CSV and script
@pytest.mark.parametrize("page, changes", RUNS)
def test_script_in_a_fresh_process_reproduces_the_csv(page, changes, tmp_path):
    hook, run = export.hooks(page), params(page, changes)
    csv = pd.read_csv(io.StringIO(hook.history_csv(**run)))
    script = tmp_path / "script.py"
    script.write_text(hook.script(**run))
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    printed = pd.read_csv(io.StringIO(out))
    assert len(printed) == len(csv) > 0
    assert set(printed.columns) <= set(csv.columns)
    assert {"iteration", "step" if page == "symbolic" else "J"} <= set(printed.columns)
    for column in printed.columns:
        np.testing.assert_allclose(printed[column], csv[column], rtol=1e-12, atol=0)


def test_csv_has_every_column_at_full_precision():
    run = params("two_parameters", {"noise": 0.3})
    table = importlib.import_module("gd_app.demos").two_parameters(**run).table
    csv = pd.read_csv(io.StringIO(export.hooks("two_parameters").history_csv(**run)))
    assert list(csv.columns) == list(table.columns)
    for column in table.columns:
        if table[column].dtype.kind == "f":
            np.testing.assert_array_equal(csv[column].to_numpy(), table[column].to_numpy())


def test_script_writes_the_parsers_canonical_formula_not_the_typed_text():
    text = export.hooks("symbolic").script(**params("symbolic", {"f": "x^2 + ln(x)"}))
    assert "F = 'x**2 + log(x)'" in text
    assert "x^2" not in text


# ---------------------------------------------------------------- PNG, SVG, file names
def test_png_is_300_dpi_and_svg_is_a_vector_figure():
    hook, run = export.hooks("one_parameter"), PAGES["one_parameter"]
    png = Image.open(io.BytesIO(export.figure_file(hook, "png", step=2, theme="light", params=run)))
    width, height = hook.figure(step=2, **run).get_size_inches()
    assert png.size == (round(width * 300), round(height * 300))
    assert png.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    svg = export.figure_file(hook, "svg", step=2, theme="dark", params=run)
    root = ET.fromstring(svg)
    assert (
        root.tag.endswith("svg") and len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 50
    )
    assert DARK_BACKGROUND.lower().encode() in svg.lower()


def test_file_names_carry_page_and_settings_and_are_safe():
    stem = export.file_stem(
        "symbolic", {"f": "x**2/3 + sin(x)", "x0": 3.0, "alpha": 0.1}, ("f", "x0", "alpha"), "dark"
    )
    assert stem == "symbolic_f=x^2_3+sin(x)_x0=3_alpha=0.1_dark"
    assert re.fullmatch(r"[A-Za-z0-9_=.+\-^()]+", stem)
    assert export.file_stem("one_parameter", PAGES["one_parameter"], ("alpha", "N")) == (
        "one_parameter_alpha=1.15_N=20"
    )


# ---------------------------------------------------------------- the GIF
def test_frames_are_every_iterate_up_to_200_then_evenly_thinned():
    np.testing.assert_array_equal(animation.frame_steps(12), np.arange(12))
    np.testing.assert_array_equal(animation.frame_steps(200), np.arange(200))
    steps = animation.frame_steps(1000)
    assert len(steps) == len(set(steps)) == 200
    assert steps[0] == 0 and steps[-1] == 999
    gaps = np.diff(steps)
    assert gaps.min() >= 5 and gaps.max() <= 6  # 999 / 199 = 5.02


def _tiny_picture(step: int) -> np.ndarray:
    image = np.full((80, animation.GIF_WIDTH, 3), 255, np.uint8)
    image[40, step % animation.GIF_WIDTH] = (0, 114, 178)
    image[60:70, : 3 * step] = (230, 159, 0)
    return image


TINY_PALETTE = animation.palette(Image.fromarray(_tiny_picture(99)), 100, "light")


def _tiny_chunks(seen: list[int]):
    def chunk_of(steps: list[int], encoding) -> gif_file.Chunk:
        seen.extend(steps)
        return encoding.encode([_tiny_picture(step) for step in steps], "light")

    return chunk_of


@pytest.mark.parametrize("rows, frames", [(1, 1), (7, 7), (201, 200), (1000, 200)])
def test_gif_has_the_promised_frames(rows, frames):
    seen = []
    gif = animation.build_gif(_tiny_chunks(seen), rows, palette=TINY_PALETTE, speed=5)
    image = Image.open(io.BytesIO(gif))
    assert image.n_frames == frames
    assert sorted(seen) == animation.frame_steps(rows).tolist()  # drawn in two lanes at once
    image.seek(0)
    hold = animation.HOLD_LAST_MS if frames == 1 else 0  # the last frame stays longer
    assert image.info["duration"] == 200 + hold  # 5 frames per second


def test_each_gif_frame_decodes_to_its_picture_labelled_in_the_shared_palette():
    """Pillow's decoder, outside our writer, reads back every frame exactly as quantized:
    the picture with its band in the shared palette (frames after the first are stored as
    changed rectangles with transparent unchanged pixels), every colour close to the
    picture's."""
    rows = 2 * animation.CHUNK + 3  # three chunks: frames encoded in a job and at the seams
    data = animation.build_gif(_tiny_chunks([]), rows, palette=TINY_PALETTE, speed=5)
    image = Image.open(io.BytesIO(data))
    assert image.n_frames == rows
    colours = np.frombuffer(TINY_PALETTE, np.uint8).reshape(256, 3).astype(int)
    for step in range(rows):
        image.seek(step)
        shown = np.asarray(image.convert("RGB")).astype(int)
        banded = gif_file.banded(_tiny_picture(step), animation.label(step, rows - 1), "light")
        expected = colours[gif_file.indices(banded, TINY_PALETTE)]
        np.testing.assert_array_equal(shown, expected)
        assert np.abs(expected - np.asarray(banded)).max() <= 8, step  # a close colour


def test_gif_of_a_real_run_shows_each_iterate():
    run = dict(PAGES["one_parameter"], N=6)
    gif = export._make_gif("one_parameter", run, "dark", 2, 6, lambda done, total: None)
    image = Image.open(io.BytesIO(gif))
    assert image.n_frames == 6 and image.size[0] == animation.GIF_WIDTH
    first = np.asarray(image.convert("RGB"))
    image.seek(5)
    assert np.asarray(image.convert("RGB")).mean() < 80  # dark theme, dark frames
    assert not np.array_equal(first, np.asarray(image.convert("RGB")))


def test_the_lab_s_gif_reveals_the_race_frame_by_frame():
    params = dict(defaults(OPTIMIZERS), N=6, methods=["gd", "adam"])
    gif = export._make_gif("optimizers", params, "light", 2, 6, lambda done, total: None)
    image = Image.open(io.BytesIO(gif))
    assert image.n_frames == 6 and image.size[0] == animation.GIF_WIDTH
    first = np.asarray(image.convert("RGB"))
    image.seek(5)
    assert not np.array_equal(first, np.asarray(image.convert("RGB")))


def test_background_build_runs_once_per_key_and_is_cached():
    release = threading.Event()
    calls = []

    def make(progress):
        calls.append(1)
        release.wait(10)
        progress(3, 3)
        return b"GIF89a-test"

    key = ("test", object())
    build = animation.start(key, make, 3)
    assert build.running and animation.start(key, make, 3) is build
    release.set()
    assert build.finished.wait(10) and not build.error
    assert animation.cached_gif(key) == b"GIF89a-test" and len(calls) == 1
    assert (build.done, build.total) == (3, 3)


def test_a_failed_build_says_why():
    build = animation.start(("fails", object()), lambda progress: 1 / 0, 1)
    assert build.finished.wait(10)
    assert "ZeroDivisionError" in build.error


# ---------------------------------------------------------------- play's clock
def test_each_tick_shows_the_next_iterate_and_late_ticks_are_dropped():
    state = Playback(playing=True, shown=4, frame_end=None)
    assert due_step(state, now=10.0, speed=5, last=9) == 5  # the first frame after ▶
    state.frame_end = 10.0
    assert due_step(state, now=10.2, speed=5, last=9) == 5  # one interval later: next
    # A tick that waited while the frame was drawn arrives just as it is done: dropped.
    assert due_step(state, now=10.0 + 0.5 * DROP / 5, speed=5, last=9) == 4
    state.shown = 9
    assert due_step(state, now=11.0, speed=5, last=9) == 9  # never past the last iterate


def test_every_page_with_downloads_has_all_its_hooks():
    for page in export.PAGES:
        hook = export.hooks(page)
        assert all(callable(f) for f in (hook.figure, hook.picture, hook.history_csv, hook.script))
        assert set(hook.keys) <= set(PAGES.get(page, hook.keys)), page
