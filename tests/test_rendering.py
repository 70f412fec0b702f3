"""The fast screen route draws the same pixels as the one-figure route; the PNGs are valid.

The fast route blits (matplotlib's documented ``copy_from_bbox`` / ``restore_region``)
the cached static layer and draws only the dynamic Axes over it; the one-figure
route draws both layers on one Figure. PNGs are decoded with PIL, independently of
the zlib writer in ``gd_app.plotting.common``.
"""

import io

import numpy as np
import pytest
from PIL import Image

from gd_app import demos
from gd_app.demos import fit_one, fit_two
from gd_app.plotting import common
from gd_app.plotting import fit as plotting
from gd_app.plotting import fit_two as plotting_two
from gd_app.plotting import panels as layers


def decoded(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    image.load()
    return np.asarray(image.convert("RGBA"))


ONE = dict(N=20, alpha=1.15, theta1=0.0)
TWO = dict(N=15, alpha=0.5, theta0_true=2.0, theta1_true=2.0, theta0_start=0.0, theta1_start=0.0)


@pytest.mark.parametrize(
    "run, panels, view, params, other",
    [
        (
            fit_one._one_run,
            plotting.ONE_PANELS,
            plotting.one_parameter_view,
            ONE,
            dict(ONE, alpha=1.9, N=30),  # zoomed out: another static layer
        ),
        (
            fit_two._two_run,
            plotting_two.TWO_PANELS,
            plotting_two.two_parameter_view,
            TWO,
            dict(TWO, alpha=1.9, N=40, noise=1.0, m=50),
        ),
        (  # insets (α_k, the gradient fan) on reused dynamic figures must not linger
            fit_two._two_run,
            plotting_two.TWO_PANELS,
            plotting_two.two_parameter_view,
            TWO,
            dict(TWO, schedule="cosine", batch=5, noise=0.5),
        ),
    ],
    ids=["one_parameter", "two_parameters", "two_parameters_insets"],
)
def test_fast_route_equals_the_one_figure_route(run, panels, view, params, other):
    """Each panel's blitted PNG has the pixels of that panel drawn whole on one Figure."""
    for each in (params, other, params):  # cached layers must not carry one run into the next
        fit_run = run(**each)
        for highlight in (0, 3, len(fit_run.trajectory.values) - 1):
            for panel in panels:
                quick = layers.panel_png(panel, fit_run, view(fit_run), highlight, "light")
                reference = common.pixels(
                    layers.panel_figure(panel, fit_run, view(fit_run), highlight, "light")
                )
                got = decoded(quick.png)
                assert got.shape == reference.shape
                assert quick.width == reference.shape[1]
                assert np.array_equal(got, reference), (
                    f"{panel.name}: {np.count_nonzero(np.any(got != reference, axis=-1))} "
                    "pixels differ"
                )


@pytest.mark.parametrize(
    "run, fast, whole, params",
    [
        (fit_one._one_run, plotting.one_parameter_png, plotting.one_parameter_figure, ONE),
        (fit_two._two_run, plotting_two.two_parameter_png, plotting_two.two_parameter_figure, TWO),
        (
            fit_two._two_run,
            plotting_two.two_parameter_png,
            plotting_two.two_parameter_figure,
            dict(TWO, x_low=9.0, x_high=11.0, alpha=0.018, N=30),
        ),
    ],
)
def test_the_download_figure_is_the_panels_side_by_side(run, fast, whole, params):
    """The downloads' one Figure holds each screen panel as a subfigure of its size."""
    fit_run = run(**params)
    panels = fast(fit_run, highlight=3)
    assert len(panels) == 2
    side_by_side = np.concatenate([decoded(p.png) for p in panels], axis=1)
    reference = common.pixels(whole(fit_run, highlight=3))
    assert side_by_side.shape == reference.shape
    differ = np.any(np.abs(side_by_side.astype(int) - reference.astype(int)) > 8, axis=-1)
    assert differ.mean() < 1e-4, f"{differ.sum()} pixels differ"  # an antialiased edge at most


def test_panels_are_legible_at_a_phone_s_width():
    """Every panel is drawn PANEL_WIDTH inches wide, and nothing on it is written smaller
    than MIN_FONT points: in a 358 px column that is at least 9.9 px on screen."""
    scale = 358 / (layers.PANEL_WIDTH * common.DPI)  # screen px per drawn px
    assert layers.MIN_FONT * common.DPI / 72 * scale >= 9.8
    run = fit_two._two_run(**dict(TWO, schedule="cosine", batch=5, noise=0.5))
    view = plotting_two.two_parameter_view(run)
    for panel in plotting_two.TWO_PANELS + (plotting.ONE_PANELS[0],):
        some = run if panel in plotting_two.TWO_PANELS else fit_one._one_run(**ONE)
        shown = view if some is run else plotting.one_parameter_view(some)
        fig = layers.panel_figure(panel, some, shown, 3, "light")
        assert fig.get_size_inches()[0] == layers.PANEL_WIDTH
        sizes = [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize"))]
        texts = [
            t
            for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_fontsize"))
            if t.get_text()
        ]
        assert sizes and min(t.get_fontsize() for t in texts) >= layers.MIN_FONT, panel.name


def test_the_highlight_changes_the_fast_picture():
    """A blit that forgot the dynamic layer would pass the test above only if both were blank."""
    run = fit_two._two_run(**TWO)
    first = decoded(plotting_two.two_parameter_png(run, highlight=0)[0].png)
    last = decoded(plotting_two.two_parameter_png(run, highlight=9)[0].png)
    fig = common.new_figure(plotting_two.MAP_SIZE)
    plotting_two._map_static(fig, run.data, run.problem, plotting_two.two_parameter_view(run))
    static = common.pixels(fig)
    assert np.any(first != last)
    assert np.count_nonzero(np.any(first != static, axis=-1)) > 2_000  # the map panel alone


@pytest.mark.parametrize("alpha", [255, 128])
def test_encode_round_trips_through_pil(alpha):
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    rgba[5, 7, 3] = alpha
    png = common.encode(rgba)
    image = Image.open(io.BytesIO(png))
    assert image.mode == ("RGB" if alpha == 255 else "RGBA")
    assert image.size == (53, 37)
    assert np.array_equal(decoded(png), rgba)


def test_deflate_in_halves_is_a_zlib_stream_of_the_data():
    data = np.random.default_rng(1).integers(0, 4, size=300_001, dtype=np.uint8).tobytes()
    import zlib

    assert zlib.decompress(common._deflate(memoryview(data))) == data


def test_pictures_carry_their_drawn_width():
    for picture in (
        demos.one_parameter_picture(**ONE, step=2),
        demos.two_parameters_picture(**TWO, step=2),
        demos.symbolic_picture(f="x**2", x0=3.0, alpha=0.1, precision=1e-4, max_iter=100),
    ):
        for panel in picture.panels:
            assert panel.width == Image.open(io.BytesIO(panel.png)).size[0]


def test_a_dynamic_figure_the_spares_let_go_is_freed():
    """The spares keep a few dynamic figures with their pixel buffers; one they drop (more
    in use at once than they keep, or :func:`common.forget_spares`) must not be kept alive
    by its reused bare Axes."""
    import gc
    import weakref

    with common.dynamic_figure((1.0, 1.0), "test-freed") as fig:
        common.axes(fig, [(0.1, 0.1, 0.8, 0.8)], bare=True)
        again = common.axes(fig, [(0.1, 0.1, 0.8, 0.8)], bare=True)
        assert again == fig.axes, "a dynamic figure gets its own bare Axes back"
    gone = weakref.ref(fig)
    del fig, again
    common.forget_spares()
    gc.collect()
    assert gone() is None
