"""Every control's public key, range and default, in one place.

Keys are public: they are the URL parameters of a shared link. Ranges bound
the work of one rerun; defaults are the classic examples' values.

The controls are split by page: :mod:`.fit`, :mod:`.symbolic`, :mod:`.lab`, and
:mod:`.player` for those on every page; :mod:`.base` says what a control is.
Everything is importable from here, as ``from gd_app.controls import SYMBOLIC``.
"""

from gd_app.controls.base import Control, allowed_values, control, defaults, two_digit_values
from gd_app.controls.fit import ALPHA_VALUES, DATA, ONE_PARAMETER, SET, TWO_PARAMETERS
from gd_app.controls.lab import (
    FIRST_ORDER,
    LAB_METHODS,
    LAB_PRESETS,
    LINE_SEARCH,
    OPTIMIZERS,
    ROSENBROCK,
)
from gd_app.controls.player import PREDICT, SPEED, STEP
from gd_app.controls.symbolic import MAX_FORMULA, PRECISIONS, SYMBOLIC

__all__ = [
    "ALPHA_VALUES",
    "DATA",
    "FIRST_ORDER",
    "LAB_METHODS",
    "LAB_PRESETS",
    "LINE_SEARCH",
    "MAX_FORMULA",
    "ONE_PARAMETER",
    "OPTIMIZERS",
    "PRECISIONS",
    "PREDICT",
    "ROSENBROCK",
    "SET",
    "SPEED",
    "STEP",
    "SYMBOLIC",
    "TWO_PARAMETERS",
    "Control",
    "allowed_values",
    "control",
    "defaults",
    "two_digit_values",
]
