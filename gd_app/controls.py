"""Every control's public key, range and default, in one place.

Keys are public: they are the URL parameters of a shared link. Ranges bound
the work of one rerun; defaults are the seeds' values.
"""

from __future__ import annotations

from dataclasses import dataclass

from gd_core.schedules import SCHEDULES


@dataclass(frozen=True)
class Control:
    key: str
    label: str
    default: float | int | str
    low: float | int | None = None
    high: float | int | None = None
    step: float | int | None = None
    kind: str = "slider"  # slider | number | text | select (a select slider) | choice | toggle
    help: str = ""
    format: str | None = None
    options: tuple = ()  # the values of a select slider or a choice


def two_digit_values(low: float, high: float) -> tuple[float, ...]:
    """Every number with two significant digits from ``low`` to ``high``: 1.0, 1.1, … 9.9 per
    decade, so a select slider over them moves in steps of 1 % to 10 % across many decades."""
    values = {
        float(f"{digits / 10}e{exponent}")
        for exponent in range(-12, 4)
        for digits in range(10, 100)
    }
    return tuple(sorted(v for v in values if low <= v <= high))


def _data_controls() -> tuple[Control, ...]:
    return (
        Control(
            "m",
            "number of points m",
            20,
            20,
            100_000,
            10,
            kind="number",
            help="Data points, evenly spaced in x. Large data sets are drawn as a sample.",
        ),
        Control(
            "noise",
            "noise on y (std. dev.)",
            0.0,
            0.0,
            2.0,
            0.05,
            help="Gaussian noise added to y; the best fit θ* then differs from the true θ.",
        ),
        Control(
            "seed",
            "random seed",
            0,
            0,
            9_999,
            1,
            kind="number",
            help="Picks which noise is drawn, so a link always shows the same data.",
        ),
    )


def _descent_controls() -> tuple[Control, ...]:
    """Mini-batches and learning-rate schedules (both fit pages)."""
    return (
        Control(
            "batch",
            "mini-batch size (0 = full batch)",
            0,
            0,
            100_000,
            1,
            kind="number",
            help="Examples per step; each epoch reshuffles them. 0 uses all m points every step. "
            "At most m.",
        ),
        Control(
            "schedule",
            "learning-rate schedule",
            "constant",
            kind="choice",
            options=SCHEDULES,
            help="Step k (k = 0 first) uses constant: α · exponential: α·exp(−decay·k) · "
            "inverse_time: α/(1 + decay·k) · cosine: α·(1 + cos(πk/(N − 1)))/2.",
        ),
        Control(
            "decay",
            "decay rate",
            0.1,
            0.0,
            1.0,
            0.01,
            help="How fast the exponential and inverse_time schedules shrink α.",
        ),
    )


ONE_PARAMETER = (
    Control(
        "N",
        "number of iterates N",
        20,
        1,
        1000,
        1,
        help="The start plus N − 1 gradient-descent steps.",
    ),
    Control(
        "alpha",
        "learning rate α",
        1.15,
        0.1,
        8.0,
        0.05,
        help="Step size: θ1 := θ1 − α·dJ/dθ1. Reaches past 1.3·α_crit for every m, so "
        "divergence can always be shown.",
    ),
    Control("theta1", "start θ1", 0.0, -0.2, 1.2, 0.05, help="The initial guess for θ1."),
    *_data_controls(),
    *_descent_controls(),
)

ALPHA_VALUES = two_digit_values(1e-5, 3.0)

TWO_PARAMETERS = (
    Control(
        "N",
        "number of iterates N",
        15,
        2,
        1000,
        1,
        help="The start plus N − 1 gradient-descent steps.",
    ),
    Control(
        "alpha",
        "learning rate α",
        0.7,
        ALPHA_VALUES[0],
        ALPHA_VALUES[-1],
        kind="select",
        options=ALPHA_VALUES,
        help="Step size: θj := θj − α·∂J/∂θj. Every value with two significant digits from "
        "0.00001 to 3, so it spans 0.01·α_crit to 1.3·α_crit for any data range.",
    ),
    Control("theta0_true", "true θ0 (intercept)", 2.0, -4.0, 4.0, 0.1),
    Control("theta1_true", "true θ1 (slope)", 2.0, -4.0, 4.0, 0.1),
    Control("theta0_start", "start θ0", 0.0, -4.0, 4.0, 0.1),
    Control("theta1_start", "start θ1", 0.0, -4.0, 4.0, 0.1),
    Control(
        "x_low",
        "data from x =",
        -1.0,
        -20.0,
        20.0,
        0.5,
        help="The points are evenly spaced from x_low to x_high (x_low < x_high).",
    ),
    Control("x_high", "data to x =", 1.0, -20.0, 20.0, 0.5),
    Control(
        "standardize",
        "standardize x",
        False,
        kind="toggle",
        help="Descend on z = (x − mean)/std (population std): then XᵀX/m is the identity, κ = 1.",
    ),
    *_data_controls(),
    *_descent_controls(),
)

DATA = Control(
    "data",
    "data set",
    "line",
    kind="choice",
    options=("line", "penguins", "anscombe", "paste", "upload"),
    help="line: points made up from a true line · penguins: Palmer penguins, body mass "
    "against flipper length · anscombe: Anscombe's quartet · paste: your own two columns · "
    "upload: your own CSV file.",
)
SET = Control(
    "set",
    "Anscombe set",
    "I",
    kind="choice",
    options=("I", "II", "III", "IV"),
    help="Four sets of 11 points with the same least-squares line and very different shapes.",
)

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
        help="Stop after the first step |x_new − x_old| smaller than this (the seed's rule). "
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

STEP = Control(
    "step",
    "highlight iterate",
    0,
    0,
    None,
    1,
    help="Pick one iteration: it is marked in every figure and in the table.",
)

SPEED = Control(
    "speed",
    "play speed (frames per second)",
    4,
    1,
    10,
    1,
    help="How many iterates ▶ Play shows per second; slower frames are dropped, not queued.",
)


def defaults(controls: tuple[Control, ...]) -> dict:
    return {c.key: c.default for c in controls}


# ---------------------------------------------------------------- optimizer lab (issue 10)
ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"
FIRST_ORDER = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
LINE_SEARCH = ("gd_ls", "newton", "bfgs")  # rules that evaluate f (a line search) or H
LAB_METHODS = FIRST_ORDER + LINE_SEARCH
LAB_PRESETS = ("Rosenbrock", "Himmelblau", "Beale", "Booth", "saddle", "bowl", "fit cost", "custom")
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


# ---------------------------------------------------------------- classes (issue 19)
PREDICT = Control(
    "predict",
    "predict first",
    False,
    kind="toggle",
    help="Hide how the run ends (the path past the start, the verdict, α_crit, the final "
    "numbers and the table past row 0) until you have answered a question about it.",
)
