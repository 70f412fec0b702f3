"""View models, one module per demo: each turns a page's controls into a Demo and a Picture."""

from gd_app.demos.common import Demo, Metric, Picture
from gd_app.demos.fit import refusals
from gd_app.demos.fit_one import one_parameter, one_parameter_picture
from gd_app.demos.fit_two import two_parameters, two_parameters_picture
from gd_app.demos.symbolic import symbolic, symbolic_picture

__all__ = [
    "Demo",
    "Metric",
    "Picture",
    "one_parameter",
    "one_parameter_picture",
    "refusals",
    "symbolic",
    "symbolic_picture",
    "two_parameters",
    "two_parameters_picture",
]
