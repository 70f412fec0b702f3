"""The basin map and the learning-rate sweep against independent loops: plain Python
gradient descent and momentum, and the line-search rules' transcription."""

import math

import numpy as np
import pytest
from test_second_order import functions, transcription

from gd_core import lab_maps
from gd_core.lab import PRESETS

HIMMELBLAU, MINIMA = PRESETS["Himmelblau"]
WINDOW = (-5.0, 5.0, -5.0, 5.0)


def plain_gd(grad, start, alpha, steps, tol, beta=0.0):
    """θ ← θ − α·v, v ← β·v + g (β = 0: plain gradient descent), stopping at |g| < tol."""
    theta, v = np.array(start, dtype=float), np.zeros(2)
    for _ in range(steps):
        g = grad(theta)
        if math.hypot(*g) < tol:
            break
        v = beta * v + g
        theta = theta - alpha * v
    return theta


def category_of(end, minima, radius):
    distance = np.linalg.norm(np.asarray(minima) - end, axis=1)
    return int(np.argmin(distance)) if distance.min() < radius else None


@pytest.fixture(scope="module")
def gd_map():
    return lab_maps.basin_job(
        HIMMELBLAU,
        method="gd",
        hyper=(("alpha", 0.01),),
        window=WINDOW,
        minima=MINIMA,
        N=300,
        tol=1e-6,
    )


def test_gradient_descent_on_himmelblau_shows_four_basins(gd_map):
    assert gd_map.category.shape == (100, 100)
    shares = [np.mean(gd_map.category == i) for i in range(4)]
    assert all(share > 0.15 for share in shares), shares
    assert sum(shares) > 0.99
    # each minimum lies inside its own basin: the grid cell holding it has its colour
    for i, (x, y) in enumerate(MINIMA):
        col = np.argmin(np.abs(gd_map.xs - x))
        row = np.argmin(np.abs(gd_map.ys - y))
        assert gd_map.category[row, col] == i


CELLS = [(0, 0), (99, 99), (50, 50), (20, 73), (61, 12), (45, 55), (33, 90)]


def test_gradient_descents_colours_are_where_a_plain_loop_ends(gd_map):
    _, grad, _ = functions(HIMMELBLAU)
    for row, col in CELLS:
        start = (gd_map.xs[col], gd_map.ys[row])
        end = plain_gd(grad, start, 0.01, 299, 1e-6)
        assert gd_map.category[row, col] == category_of(end, MINIMA, gd_map.radius), start


@pytest.mark.parametrize(
    "method, hyper",
    [
        ("gd_ls", (("alpha0", 1.0), ("c", 1e-4), ("rho", 0.5))),
        ("newton", (("damped", 1.0), ("c", 1e-4), ("rho", 0.5))),
        ("bfgs", (("c", 1e-4), ("rho", 0.5))),
    ],
)
def test_line_search_colours_are_where_the_transcribed_rules_end(method, hyper):
    bmap = lab_maps.basin_job(
        HIMMELBLAU, method=method, hyper=hyper, window=WINDOW, minima=MINIMA, N=60, tol=1e-8
    )
    h = {**dict(alpha0=1.0), **dict(hyper)}
    h.pop("damped", None)
    for row, col in CELLS:
        start = (bmap.xs[col], bmap.ys[row])
        end = transcription(method, HIMMELBLAU, start, 59, tol=1e-8, **h)[-1][0]
        want = category_of(end, MINIMA, bmap.radius)
        assert bmap.category[row, col] == (lab_maps.MOVING if want is None else want), start


def test_pure_newton_on_the_saddle_ends_on_the_saddle_from_every_start():
    bmap = lab_maps.basin_job(
        PRESETS["saddle"][0],
        method="newton",
        hyper=(("damped", 0.0), ("c", 1e-4), ("rho", 0.5)),
        window=(-2.0, 2.0, -2.0, 2.0),
        minima=(),
        N=5,
        tol=1e-9,
        grid=20,
    )
    assert np.all(bmap.category == lab_maps.ELSEWHERE)  # |∇f| < tol, and no known minimum


def test_the_sweep_ends_where_plain_loops_end_and_diverges_past_the_limit():
    text = PRESETS["bowl"][0]  # H = diag(2, 50): gd's limit 2/50, heavy ball's 2·1.9/50
    f, grad, _ = functions(text)
    methods = (("gd", (("alpha", 0.01),)), ("momentum", (("alpha", 0.01), ("beta", 0.9))))
    sweeps = lab_maps.sweep_job(text, methods=methods, x0=-1.5, y0=2.0, N=400, tol=0)
    for sweep, limit, beta in zip(sweeps, (0.04, 0.076), (0.0, 0.9), strict=True):
        np.testing.assert_allclose(sweep.alphas[[0, -1]], [1e-4, 1.0], rtol=1e-12)
        np.testing.assert_allclose(np.diff(np.log10(sweep.alphas)), 4 / 59, rtol=1e-9)
        clear = np.abs(sweep.alphas / limit - 1) > 0.02  # leave out α within 2 % of the limit
        np.testing.assert_array_equal(sweep.diverged[clear], sweep.alphas[clear] > limit)
        for j in (0, 20, 35):
            end = plain_gd(grad, (-1.5, 2.0), sweep.alphas[j], 399, 0.0, beta=beta)
            np.testing.assert_allclose(sweep.values[j], f(end), rtol=1e-9, atol=1e-300)


def test_rows_of_different_rules_in_one_batch_equal_each_alone():
    text = PRESETS["Himmelblau"][0]
    methods = (
        ("adam", (("alpha", 0.05), ("beta1", 0.9), ("beta2", 0.999))),
        ("nesterov", (("alpha", 0.001), ("beta", 0.9))),
        ("rmsprop", (("alpha", 0.01), ("rho", 0.9))),
    )
    together = lab_maps.sweep_job(text, methods=methods, x0=0.0, y0=0.0, N=200, tol=1e-6)
    for method, sweep in zip(methods, together, strict=True):
        (alone,) = lab_maps.sweep_job(text, methods=(method,), x0=0.0, y0=0.0, N=200, tol=1e-6)
        np.testing.assert_array_equal(sweep.values, alone.values)
        np.testing.assert_array_equal(sweep.diverged, alone.diverged)


def test_a_map_made_in_parts_equals_the_whole(gd_map):
    key = dict(method="gd", hyper=(("alpha", 0.01),), window=WINDOW, minima=MINIMA, N=300, tol=1e-6)
    parts = [lab_maps.basin_job(HIMMELBLAU, rows=rows, **key) for rows in ((0, 37), (37, 100))]
    np.testing.assert_array_equal(lab_maps.joined(parts).category, gd_map.category)
