"""Imported once by the budget's fork server (``gd_app.runtime.BUDGET_PRELOAD``): the lab's modules, and
SymPy's lazily imported printers (lambdify, cse, LaTeX) warmed on a trusted f(x, y), so a
fresh worker doesn't spend a third of a second of the visitor's budget importing them."""

import numpy as np
import sympy

from gd_core import lab
from gd_core.surface import surface_of

_x, _y = sympy.symbols("x y", real=True)
lab.race(
    surface_of(_x**2 + _x * _y),
    "adam",
    np.array([1.0, 1.0]),
    max_steps=2,
    tol=0.0,
    alpha=0.1,
    beta1=0.9,
    beta2=0.999,
)
surface_of(sympy.sin(_x) * _y).latex()
