"""Imported once by the budget's fork server, so every worker it forks starts warm.

One thread per worker: numeric libraries must not start thread pools (the
workers are many, the cores few), and this must be set before numpy loads.
"""

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy  # noqa: E402, F401
import sympy  # noqa: E402, F401
