"""Imported once by the drawing workers' fork server (``gd_app.runtime.DRAW_PRELOAD``).

matplotlib, the fit pages' figures and the worker's main loop, then one picture of each
fit page drawn on a small run: fonts, mathtext and the figures' code paths are then
loaded once, shared by every worker forked after. No SymPy, Streamlit or pandas here.
"""

import numpy as np

import gd_app.runtime  # noqa: F401 - the workers' main loop
from gd_app.fit_run import FitRun
from gd_app.plotting import common, fit, fit_two, frames, panels  # noqa: F401 - frames: GIFs
from gd_core.linear import LeastSquares, design_matrix, fit_line, line_data


def _warm_up() -> None:
    for intercept, draw in ((False, fit.one_parameter_png), (True, fit_two.two_parameter_png)):
        data = line_data(m=20, theta_true=(2.0, 2.0), noise=0.3, seed=1)
        problem = LeastSquares.from_data(design_matrix(data.x, intercept=intercept), data.y)
        start = np.zeros(2 if intercept else 1)
        trajectory = fit_line(problem, start, alpha=0.5, n_iterates=6)
        run = FitRun(
            data,
            None,
            problem,
            trajectory,
            np.full(5, 0.5),
            "constant",
            None,
            intercept,
            ("warm-up", intercept),
        )
        for theme in ("light", "dark"):
            draw(run, highlight=2, theme=theme)


_warm_up()
# The warm-up's pictures are of a data set no page shows: their static layers and spare
# figures (36 MB of pixels) would only sit here, copied into every worker and evicted there.
panels.static_pixels.cache_clear()
common.forget_spares()
common.stop_threads()  # forked workers must not inherit threads that don't exist there
