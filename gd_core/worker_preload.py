"""Imported once by the budget's fork server, so every worker it forks starts warm.

One thread per worker: numeric libraries must not start thread pools (the
workers are many, the cores few), and this must be set before numpy loads.
"""

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy  # noqa: E402, F401
import sympy  # noqa: E402, F401

from gd_core.symbolic import analyse  # noqa: E402

# One small job here, in the fork server, loads what SymPy imports lazily on first use
# (printers, lambdify's namespaces, the polys machinery of the exact tests), so a
# forked worker's first job costs what its later ones do.
analyse("sin(x)*exp(-x) + x**4/4 - abs(x)", x0=1.5, alpha=0.1, precision=1e-4, max_iter=50)
analyse("x**3", x0=0.0, alpha=0.1, precision=1e-4, max_iter=5)
