"""Play reveals, it doesn't spoil: a revealed picture at iterate k draws no iterate after k."""

import io

import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.lines import Line2D
from matplotlib.quiver import Quiver
from matplotlib.text import Text
from PIL import Image

from gd_app import demos, export
from gd_app.controls import OPTIMIZERS, SYMBOLIC, TWO_PARAMETERS, defaults
from gd_app.demos import optimizers as lab
from gd_app.demos.fit_one import _one_run
from gd_app.demos.fit_two import _two_run
from gd_app.demos.symbolic import _symbolic_run
from gd_app.plotting import fit, fit_two, optimizers, symbolic
from gd_app.plotting.panels import panel_figure

TARGETS = ("*", "P")  # the true θ and the best fit θ*: fixed marks, not iterates


def drawn_points(ax) -> np.ndarray:
    """Every (x, y) any line or scatter of ``ax`` draws, as rows (not the target marks)."""
    points = []
    for artist in ax.get_children():
        if isinstance(artist, Line2D) and artist.get_marker() not in TARGETS:
            x, y = artist.get_data()
            points.append(np.column_stack([np.atleast_1d(x), np.atleast_1d(y)]).astype(float))
        elif isinstance(artist, PathCollection):
            points.append(np.asarray(artist.get_offsets(), dtype=float))
    return np.vstack([p for p in points if len(p)]) if points else np.empty((0, 2))


def drawn_arrows(ax) -> np.ndarray:
    """Where each arrow ``ax`` draws starts, in order: the figure drawn, what its quivers
    drew (a layer's arrows may hold later steps it does not draw)."""
    ax.get_figure(root=True).canvas.draw()
    tails = [np.asarray(c.get_offsets(), float) for c in ax.get_children() if isinstance(c, Quiver)]
    return np.vstack(tails) if tails else np.empty((0, 2))


def is_one_of(points: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    return np.array([np.any(np.all(np.isclose(p, allowed), axis=1)) for p in points])


def panel_axes(panels, run, view, k, upto=None) -> list:
    """The dynamic layer's Axes of each panel, each panel drawn whole on its own Figure."""
    return [panel_figure(p, run, view(run), k, "light", upto).axes[-1] for p in panels]


ONE = dict(N=12, alpha=3.0, theta1=0.0)  # overshoots: iterates on both sides of the minimum


@pytest.mark.parametrize("k", [0, 3, 7])
def test_one_parameter_cost_panel_shows_no_iterate_after_k(k):
    run = _one_run(**ONE)
    cost_panel, data_panel = panel_axes(fit.ONE_PANELS, run, fit.one_parameter_view, k, upto=k)
    iterates = np.column_stack([run.trajectory.params[:, 0], run.trajectory.values])
    points = drawn_points(cost_panel)
    assert is_one_of(points, iterates[: k + 1]).all(), "a point that is not iterate 0 … k"
    assert is_one_of(iterates[: k + 1], points).all(), "every iterate up to k is drawn"
    # the steps' arrows, in order: 0 → 1 … k−1 → k
    np.testing.assert_allclose(drawn_arrows(cost_panel), iterates[:k].reshape(-1, 2))
    lines = [c for c in data_panel.collections if isinstance(c, LineCollection)]
    assert len(lines[0].get_segments()) == k + 1  # fit lines of iterates 0 … k


def test_one_parameter_whole_run_when_scrubbing_by_hand():
    run = _one_run(**ONE)
    cost_panel, _ = panel_axes(fit.ONE_PANELS, run, fit.one_parameter_view, 3)
    iterates = np.column_stack([run.trajectory.params[:, 0], run.trajectory.values])
    assert is_one_of(iterates, drawn_points(cost_panel)).all()


def test_revealed_at_the_last_iterate_is_the_whole_picture():
    run = _one_run(**ONE)
    last = run.rows - 1
    whole = fit.one_parameter_png(run, highlight=last)
    assert fit.one_parameter_png(run, highlight=last, upto=last) == whole


@pytest.mark.parametrize("k", [0, 4])
def test_two_parameter_arrows_and_points_stop_at_k(k):
    values = defaults(TWO_PARAMETERS) | {"alpha": 1.8, "N": 10}
    values = {key: values[key] for key in values if key not in ("batch", "schedule", "decay")}
    run = _two_run(**values)
    cost_map, _ = panel_axes(fit_two.TWO_PANELS, run, fit_two.two_parameter_view, k, upto=k)
    params = run.trajectory.params
    np.testing.assert_allclose(drawn_arrows(cost_map), params[:k])  # from iterates 0 … k−1
    scatter = [c for c in cost_map.collections if isinstance(c, PathCollection)]
    points = np.vstack([np.asarray(c.get_offsets()) for c in scatter])
    assert is_one_of(points, params[: k + 1]).all() and len(points) == k + 1


def test_symbolic_draws_iterates_up_to_k_only():
    values = defaults(SYMBOLIC) | {"f": "x**2", "alpha": 0.9, "x0": 3.0}
    run = _symbolic_run(**values)
    k = 2
    fig = symbolic.symbolic_figure(run, highlight=k, upto=k)
    left, drawn = fig.axes[:2]  # the curve panel's static and dynamic layers
    iterates = np.column_stack([run.trajectory.params[:, 0], run.trajectory.values])
    points = np.vstack([drawn_points(left), drawn_points(drawn)])
    assert not is_one_of(points, iterates[k + 1 :]).any()
    assert is_one_of(iterates[: k + 1], points).all()
    legend = [t.get_text() for t in left.get_legend().get_texts()]
    assert symbolic.end_label(run)[0] not in legend  # the end point's kind is not told
    whole = symbolic.symbolic_figure(run, highlight=k)
    assert symbolic.end_label(run)[0] in [
        t.get_text() for t in whole.axes[0].get_legend().get_texts()
    ]


def test_lab_paths_stop_at_k():
    values = defaults(OPTIMIZERS) | {"N": 40, "methods": ["gd", "adam"]}
    result = lab.result(**values)
    k = 5
    fig = optimizers.whole_figure(result, k, upto=k)
    race = fig.axes[0]
    for run in result.runs:
        assert not is_one_of(drawn_points(race), run.params[k + 1 :]).any(), run.method
        assert is_one_of(run.params[: k + 1], drawn_points(race)).all(), run.method


@pytest.mark.parametrize(
    "page, params",
    [
        ("one_parameter", ONE),
        ("two_parameters", defaults(TWO_PARAMETERS) | {"N": 12}),
        ("symbolic", defaults(SYMBOLIC)),
        ("optimizers", defaults(OPTIMIZERS) | {"N": 12, "methods": ["gd", "adam"]}),
    ],
)
def test_gif_frames_are_the_revealed_picture(page, params):
    """GIF frames drawn at the screen's size are, pixel for pixel, the page's pictures of
    those iterates with nothing after them drawn (play reveals), and not the whole run's;
    frames drawn one after another on the same layers too."""
    hook, frames = export.hooks(page), export._resolve(export.FRAMES[page])
    steps = (2, 3, 6)
    width = sum(panel.width for panel in hook.picture(step=0, theme="light", **params).panels)
    drawn = frames(list(steps), theme="light", width=width, full_width=width, **params)
    for step, frame in zip(steps, drawn, strict=True):
        revealed = hook.picture(step=step, theme="light", reveal=True, **params)
        whole = hook.picture(step=step, theme="light", **params)
        expected = np.asarray(Image.open(io.BytesIO(revealed.whole_png())).convert("RGB"))
        spoiled = np.asarray(Image.open(io.BytesIO(whole.whole_png())).convert("RGB"))
        np.testing.assert_array_equal(frame, expected)
        assert not np.array_equal(frame, spoiled)


def texts(fig) -> list[str]:
    """Every text a figure writes: titles, labels, annotations, legends, insets."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def two_run(**changes):
    values = defaults(TWO_PARAMETERS) | {"N": 10} | changes
    return _two_run(**{k: values[k] for k in values if k not in ("batch", "schedule", "decay")})


@pytest.mark.parametrize(
    ("panels", "view", "make"),
    [
        (fit.ONE_PANELS, fit.one_parameter_view, lambda: _one_run(**ONE)),
        (fit_two.TWO_PANELS, fit_two.two_parameter_view, lambda: two_run(alpha=1.8)),
    ],
)
def test_a_partial_picture_names_no_final_point_and_no_eigenvalue(panels, view, make):
    run = make()
    last = run.rows - 1
    for k in (0, 4):
        words = " ".join(
            " ".join(texts(panel_figure(p, run, view(run, k), k, "light", k))) for p in panels
        )
        assert "final" not in words and "λ" not in words and "α_crit" not in words
    whole = " ".join(
        " ".join(texts(panel_figure(p, run, view(run, last), last, "light", last))) for p in panels
    )
    assert "final" in whole  # the legend names the final fit once the whole run is drawn
    if panels is fit_two.TWO_PANELS:
        assert "λmax" in whole


def test_partial_pictures_of_runs_below_and_above_alpha_crit_are_the_same_pixels():
    # α_crit = 2/λmax of XᵀX/m for the default data, by numpy.linalg: one run converges,
    # the other diverges; at iterate 0 nothing on the picture may tell them apart.
    data = two_run().data
    X = np.column_stack([np.ones_like(data.x), data.x])
    critical = 2 / np.linalg.eigvalsh(X.T @ X / len(data.x))[-1]
    calm, wild = two_run(alpha=round(0.5 * critical, 2)), two_run(alpha=round(1.2 * critical, 2))
    assert np.abs(wild.trajectory.params[-1]).max() > 10 * np.abs(calm.trajectory.params).max()
    same = fit_two.two_parameter_png(calm, highlight=0, upto=0)
    assert fit_two.two_parameter_png(wild, highlight=0, upto=0) == same
    # The whole run's window holds the far iterates: it shows only once they are drawn.
    wide, first = fit_two.two_parameter_view(wild), fit_two.two_parameter_view(wild, 0)
    assert wide.theta1[1] - wide.theta1[0] > first.theta1[1] - first.theta1[0]
    one_calm, one_wild = _one_run(**ONE | {"alpha": 1.0}), _one_run(**ONE | {"alpha": 6.0})
    assert fit.one_parameter_png(one_wild, highlight=0, upto=0) == fit.one_parameter_png(
        one_calm, highlight=0, upto=0
    )


def test_symbolic_partial_pictures_do_not_tell_how_the_run_ends():
    # x² from 3: x_k = 3·(1 − 2α)^k, so α = 0.1 converges and α = 1.1 diverges (|1 − 2α| > 1).
    base = defaults(SYMBOLIC) | {"f": "x**2", "x0": 3.0}
    calm, wild = ({**base, "alpha": alpha} for alpha in (0.1, 1.1))
    assert abs(_symbolic_run(**wild).trajectory.params[-1, 0]) > 1e3
    assert abs(_symbolic_run(**calm).trajectory.params[-1, 0]) < 1e-2
    first = [demos.symbolic_picture(step=0, reveal=True, **p).panels for p in (calm, wild)]
    assert [p.png for p in first[0]] == [p.png for p in first[1]]  # the same pixels at iterate 0
    assert [p.alt for p in first[0]] == [p.alt for p in first[1]]
    # Once the whole run is shown (the answer given), each is framed by where it went.
    whole = [demos.symbolic_picture(step=0, **p).panels[0].png for p in (calm, wild)]
    assert whole[0] != whole[1]
    # While revealing, the window grows to hold every iterate drawn, from x0 alone.
    run = _symbolic_run(**wild)
    for k in range(5):
        x, _ = symbolic.curve_view(run, k)
        shown = run.trajectory.params[: k + 1, 0]
        assert x[0] <= shown.min() and shown.max() <= x[-1]
        assert np.isclose((x[0] + x[-1]) / 2, 3.0)  # centred on x0: no hint of the direction


def test_lab_partial_pictures_do_not_tell_how_the_race_ends():
    # Rosenbrock from (-1.5, 2): gd at α = 0.0005 creeps along the valley, at α = 0.01 it
    # diverges (its iterates grow past 1e3).
    base = defaults(OPTIMIZERS) | {"N": 40, "methods": ["gd", "adam"]}
    calm, wild = ({**base, "lr_gd": alpha} for alpha in (0.0005, 0.01))
    assert np.abs(lab.result(**wild).runs[0].params[-1]).max() > 1e3
    assert np.abs(lab.result(**calm).runs[0].params).max() < 3
    first = [lab.optimizers_picture(step=0, reveal=True, **p).panels for p in (calm, wild)]
    assert [p.png for p in first[0]] == [p.png for p in first[1]]
    assert [p.alt for p in first[0]] == [p.alt for p in first[1]]
    whole = [lab.optimizers_picture(step=0, **p).panels for p in (calm, wild)]
    assert [p.png for p in whole[0]] != [p.png for p in whole[1]]
    # The partial frame is the start's and the known minimum's, whatever the runs do.
    result = lab.result(**wild)
    frame = optimizers.frame_of(result, partial=True)
    assert frame.window == result.start_window != result.window
    assert frame.last == base["N"] - 1


def test_arrows_drawn_up_to_a_count_are_the_pixels_of_a_plain_quiver_of_those_arrows():
    """panels.Arrows reads Quiver's internals; its pixels must stay matplotlib's own."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from gd_app.plotting.panels import Arrows

    rng = np.random.default_rng(3)
    points = np.cumsum(rng.normal(size=(9, 2)), axis=0)
    tails, deltas = points[:-1], np.diff(points, axis=0)

    def pixels(draw) -> bytes:
        fig = Figure(figsize=(3, 3), dpi=80)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(points[:, 0].min() - 1, points[:, 0].max() + 1)
        ax.set_ylim(points[:, 1].min() - 1, points[:, 1].max() + 1)
        draw(ax)
        fig.canvas.draw()
        return bytes(fig.canvas.buffer_rgba())

    style = dict(color="purple", width=0.01)
    for count in (1, 4, 8):

        def reused(ax, count=count):
            arrows = Arrows(ax, tails, deltas, **style)
            arrows.count = len(tails)
            ax.get_figure().canvas.draw()  # the shapes made once, for every arrow
            arrows.count = count

        def plain(ax, count=count):
            ax.quiver(
                *tails[:count].T, *deltas[:count].T, angles="xy", scale_units="xy", scale=1, **style
            )

        assert pixels(reused) == pixels(plain), count
