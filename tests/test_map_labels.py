"""The two-parameter map's eigenvalue labels, measured with the renderer's own boxes: both
are drawn, inside the axes, apart from each other and off the θ* and true-θ markers."""

import inspect

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Annotation

from gd_app.controls import TWO_PARAMETERS
from gd_app.controls.base import defaults
from gd_app.data_ranges import data_controls, hidden_values
from gd_app.demos.fit_two import _two_run
from gd_app.plotting.fit_two import two_parameter_figure
from gd_core import bundled

RANGES = [(-1.0, 1.0), (9.0, 11.0), (-3.0, 3.0), (5.0, 10.0), (-20.0, -10.0)]
STARTS = [(0.0, 0.0), (3.0, -3.0)]


def drawn(**settings):
    params = defaults(TWO_PARAMETERS) | settings
    names = inspect.signature(_two_run).parameters
    fig = two_parameter_figure(
        _two_run(**{k: v for k, v in params.items() if k in names}), highlight=0
    )
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig


def labels_and_markers(fig):
    renderer = fig.canvas.get_renderer()
    (ax,) = [a for a in fig.axes if any(t.get_text().startswith("λ") for t in a.texts)]
    labels = [t for t in ax.texts if isinstance(t, Annotation) and t.get_text().startswith("λ")]
    boxes = [t.get_window_extent(renderer) for t in labels]
    markers = []
    # θ* (a plus) and true θ (a ring), one point each, on the map's layer of the run (the
    # same place on the page, its own axes)
    for other in fig.axes:
        if other.bbox.bounds != ax.bbox.bounds:
            continue
        for line in other.lines:
            ring = line.get_marker() == "o" and line.get_markerfacecolor() == "none"
            if len(line.get_xdata()) != 1 or not (ring or line.get_marker() == "P"):
                continue
            centre = other.transData.transform((line.get_xdata()[0], line.get_ydata()[0]))
            radius = (line.get_markersize() / 2 + line.get_markeredgewidth()) * fig.dpi / 72
            markers.append((centre, radius))
    return ax.get_window_extent(renderer), [t.get_text() for t in labels], boxes, markers


@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("x_low, x_high", RANGES)
@pytest.mark.parametrize("start", STARTS)
def test_eigenvalue_labels_stay_in_the_map_apart_and_off_the_markers(
    standardize, x_low, x_high, start
):
    alpha = 0.018 if (x_low, x_high) == (9.0, 11.0) and not standardize else 0.5
    fig = drawn(
        standardize=standardize,
        x_low=x_low,
        x_high=x_high,
        theta0_start=start[0],
        theta1_start=start[1],
        alpha=alpha,
    )
    frame, texts, boxes, markers = labels_and_markers(fig)
    assert sorted(t.split(" =")[0] for t in texts) == ["λmax", "λmin"]
    assert len(markers) >= 1
    for box in boxes:
        assert (
            frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
        )
        for centre, radius in markers:
            clear_x = centre[0] < box.x0 - radius or centre[0] > box.x1 + radius
            clear_y = centre[1] < box.y0 - radius or centre[1] > box.y1 + radius
            assert clear_x or clear_y, (texts, box, centre)
    assert not boxes[0].overlaps(boxes[1]), texts


def test_the_labels_name_the_hessians_eigenvalues():
    fig = drawn(standardize=True, x_low=-3.0, x_high=3.0)
    _, texts, _, _ = labels_and_markers(fig)
    # z standardized: XᵀX/m = I, both eigenvalues 1 (numpy.linalg on the design matrix)
    x = np.linspace(-3.0, 3.0, defaults(TWO_PARAMETERS)["m"])
    z = (x - x.mean()) / x.std()
    X = np.column_stack([np.ones_like(z), z])
    assert np.allclose(np.linalg.eigvalsh(X.T @ X / len(z)), 1.0)
    assert sorted(texts) == ["λmax = 1", "λmin = 1"]


@pytest.mark.parametrize("x_low, x_high", RANGES)
def test_no_contour_label_under_an_eigenvalue_label(x_low, x_high):
    """Both are white on the map: where they met (as on the penguins' map), neither could be
    read. Measured with the renderer's boxes of the texts left on the figure."""
    fig = drawn(x_low=x_low, x_high=x_high, alpha=0.018 if x_low == 9.0 else 0.5)
    assert_no_contour_label_under_an_eigenvalue_label(fig)


def assert_no_contour_label_under_an_eigenvalue_label(fig) -> None:
    renderer = fig.canvas.get_renderer()
    (ax,) = [a for a in fig.axes if any(t.get_text().startswith("λ") for t in a.texts)]
    named = [t for t in ax.texts if t.get_text().startswith("λ")]
    contour_labels = [t for t in ax.texts if t not in named]
    assert len(named) == 2 and contour_labels  # the map still names some contour levels
    for label in named:
        box = label.get_window_extent(renderer)
        for level in contour_labels:
            assert not level.get_window_extent(renderer).overlaps(box), (
                label.get_text(),
                level.get_text(),
            )


def test_penguins_map_names_no_contour_level_under_an_eigenvalue_label():
    """The page's own defaults for the penguins, where "λmin = 0.00486" was written on "8e+05"."""
    data = bundled.penguins()
    controls = data_controls(TWO_PARAMETERS, data, intercept=True, standardized=False)
    params = hidden_values(TWO_PARAMETERS) | defaults(controls) | {"m": len(data)}
    names = inspect.signature(_two_run).parameters
    run = _two_run(source=data, **{k: v for k, v in params.items() if k in names})
    fig = two_parameter_figure(run, highlight=0)
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    assert_no_contour_label_under_an_eigenvalue_label(fig)
