"""The optimizer lab's controls: f(x, y), the start, the methods and their settings."""

from __future__ import annotations

from gd_app.controls.base import Control

# ---------------------------------------------------------------- optimizer lab
ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"
FIRST_ORDER = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
LINE_SEARCH = ("gd_ls", "newton", "bfgs")  # rules that evaluate f (a line search) or H
LAB_METHODS = FIRST_ORDER + LINE_SEARCH
LAB_PRESETS = ("Rosenbrock", "Himmelblau", "Beale", "Booth", "saddle", "bowl", "fit cost", "custom")

# page key -> the rule's keyword, per method
HYPER = {
    "gd": (("lr_gd", "alpha"),),
    "momentum": (("lr_momentum", "alpha"), ("beta_momentum", "beta")),
    "nesterov": (("lr_nesterov", "alpha"), ("beta_nesterov", "beta")),
    "adagrad": (("lr_adagrad", "alpha"),),
    "rmsprop": (("lr_rmsprop", "alpha"), ("rho_rmsprop", "rho")),
    "adam": (("lr_adam", "alpha"), ("beta1_adam", "beta1"), ("beta2_adam", "beta2")),
    "gd_ls": (("alpha0_ls", "alpha0"), ("c_ls", "c"), ("rho_ls", "rho")),
    "newton": (("damped", "damped"), ("c_ls", "c"), ("rho_ls", "rho")),
    "bfgs": (("c_ls", "c"), ("rho_ls", "rho")),
}
RULES = {
    "gd": "θ ← θ − α·g",
    "momentum": "v ← β·v + g; θ ← θ − α·v",
    "nesterov": "v ← β·v + g; θ ← θ − α·(g + β·v)",
    "adagrad": "s ← s + g²; θ ← θ − α·g/(√s + 1e-10)",
    "rmsprop": "s ← ρ·s + (1 − ρ)·g²; θ ← θ − α·g/(√s + 1e-8)",
    "adam": "m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; θ ← θ − α·m̂/(√v̂ + 1e-8)",
    "gd_ls": "p = −g; θ ← θ + α·p, α from α0 halved until f falls enough",
    "newton": "H·p = −g; θ ← θ + α·p (α = 1 undamped)",
    "bfgs": "p = −B·g; θ ← θ + α·p; B from the steps and gradient changes",
}
_LR = dict(low=1e-5, high=10.0, kind="number", format="%.4g")
_BETA = dict(low=0.0, high=0.999, step=0.01, kind="number", format="%.4g")


def _lr(method: str, default: float, rule: str) -> Control:
    return Control(f"lr_{method}", "learning rate α", default, step=default / 10, help=rule, **_LR)


OPTIMIZERS = (
    Control(
        "preset",
        "preset",
        "Rosenbrock",
        kind="choice",
        help="Fills the f(x, y) box with a classic test function; 'custom' is what you type.",
    ),
    Control(
        "f",
        "f(x, y)",
        ROSENBROCK,
        kind="text",
        help="Use x, y, numbers, + − * / ** (or ^), pi, E and sin, cos, exp, log, sqrt, abs, …",
    ),
    Control("x0", "start x0", -1.5, -10.0, 10.0, 0.1, kind="number", format="%.4g"),
    Control("y0", "start y0", 2.0, -10.0, 10.0, 0.1, kind="number", format="%.4g"),
    Control(
        "N",
        "number of iterates N",
        1000,
        1,
        5000,
        100,
        kind="number",
        help="The start plus at most N − 1 steps of every method.",
    ),
    Control(
        "tol",
        "tolerance tol on |∇f|",
        1e-6,
        1e-12,
        1.0,
        1e-6,
        kind="number",
        format="%.1e",
        help="A method counts as converged, and stops, once |∇f| < tol.",
    ),
    Control(
        "methods",
        "methods",
        FIRST_ORDER,
        kind="multiselect",
        help="Which update rules race; all start from (x0, y0). gd_ls, newton and bfgs search "
        "along their direction for a point low enough (a line search).",
        options=LAB_METHODS,
    ),
    _lr("gd", 0.001, "Gradient descent: θ ← θ − α·g, g = ∇f(θ)."),
    _lr("momentum", 0.001, "Heavy ball: v ← β·v + g; θ ← θ − α·v (torch.optim.SGD, momentum=β)."),
    Control(
        "beta_momentum",
        "momentum β",
        0.9,
        help="v ← β·v + g: how much of the last velocity is kept.",
        **_BETA,
    ),
    _lr(
        "nesterov",
        0.001,
        "Nesterov: v ← β·v + g; θ ← θ − α·(g + β·v) (torch.optim.SGD, nesterov=True).",
    ),
    Control(
        "beta_nesterov",
        "momentum β",
        0.9,
        help="v ← β·v + g; θ ← θ − α·(g + β·v).",
        **_BETA,
    ),
    _lr("adagrad", 0.5, "AdaGrad: s ← s + g²; θ ← θ − α·g/(√s + 1e-10), per coordinate."),
    _lr("rmsprop", 0.01, "RMSProp: s ← ρ·s + (1 − ρ)·g²; θ ← θ − α·g/(√s + 1e-8), per coordinate."),
    Control(
        "rho_rmsprop",
        "decay ρ",
        0.9,
        help="s ← ρ·s + (1 − ρ)·g²: the running average of squared gradients.",
        **_BETA,
    ),
    _lr(
        "adam",
        0.05,
        "Adam: m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; θ ← θ − α·m̂/(√v̂ + 1e-8), "
        "m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ).",
    ),
    Control(
        "beta1_adam",
        "β1",
        0.9,
        help="m ← β1·m + (1 − β1)·g: the running average of gradients.",
        **_BETA,
    ),
    Control(
        "beta2_adam",
        "β2",
        0.999,
        0.0,
        0.99999,
        0.0001,
        kind="number",
        format="%.5g",
        help="v ← β2·v + (1 − β2)·g²: the running average of squared gradients.",
    ),
    Control(
        "alpha0_ls",
        "first trial step α0 (gd_ls)",
        1.0,
        0.001,
        10.0,
        0.1,
        kind="number",
        format="%.4g",
        help="gd_ls starts every line search at α = α0, then halves it (ρ) until f falls enough.",
    ),
    Control(
        "c_ls",
        "sufficient decrease c",
        1e-4,
        1e-6,
        0.5,
        1e-4,
        kind="number",
        format="%.1e",
        help="Armijo's test: a trial α passes when f(θ + α·p) ≤ f(θ) + c·α·gᵀp.",
    ),
    Control(
        "rho_ls",
        "shrink factor ρ",
        0.5,
        0.1,
        0.9,
        0.05,
        kind="number",
        format="%.2f",
        help="A trial α that fails the test is replaced by ρ·α (at most 60 times per step).",
    ),
    Control(
        "damped",
        "damped Newton",
        True,
        kind="toggle",
        help="On: H + τI where H is not positive definite, and a line search from α = 1. "
        "Off: the pure step θ ← θ + p, H·p = −g.",
    ),
    Control("view3d", "show f as a 3D surface", False, kind="toggle"),
    Control(
        "sweep",
        "learning-rate sweep",
        False,
        kind="toggle",
        help="Rerun each selected first-order method at 60 learning rates over four decades "
        "around its α and plot where each ends.",
    ),
    Control(
        "basins",
        "basin map",
        False,
        kind="toggle",
        help="Start one method from every point of a 100 × 100 grid over the contour window and "
        "colour each start by where it ends after N iterates.",
    ),
    Control(
        "basin_method",
        "method of the basin map",
        "gd",
        kind="choice",
        options=LAB_METHODS,
        help="The method run from every start of the basin map, with its settings above.",
    ),
)
