"""The symbolic page's controls: the formula, the start, α, the precision and the steps."""

from __future__ import annotations

from gd_app.controls.base import Control

MAX_FORMULA = 200  # characters of f(x); the parser enforces the same bound
PRECISIONS = tuple(float(f"1e-{n}") for n in range(12, -1, -1))  # 1e-12, 1e-11, …, 0.1, 1

SYMBOLIC = (
    Control(
        "f",
        "f(x)",
        "x**2",
        kind="text",
        help="Use x, numbers, + − * / ** (or ^), pi, E and sin, cos, tan, exp, log, sqrt, abs, …",
    ),
    Control("x0", "initial guess x0", 3.0, -1000.0, 1000.0, 0.5, kind="number", format="%.4g"),
    Control(
        "alpha",
        "learning rate α",
        0.1,
        0.0001,
        10.0,
        0.01,
        kind="number",
        format="%.4g",
        help="Step size: x := x − α·f′(x).",
    ),
    Control(
        "precision",
        "precision",
        1e-4,
        1e-12,
        1.0,
        kind="select",
        options=PRECISIONS,
        help="Stop after the first step |x_new − x_old| smaller than this. "
        "− and + move by factors of ten.",
    ),
    Control(
        "max_iter",
        "maximum iterations",
        100,
        1,
        10_000,
        1,
        kind="number",
        help="Stop after this many steps even if the steps are still large.",
    ),
)
