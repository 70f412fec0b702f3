"""Export hooks of the fit pages: the history as CSV and the run as a standalone numpy script.

``one_parameter_csv`` / ``two_parameters_csv`` return the page's history table,
every column at full precision. ``one_parameter_script`` / ``two_parameters_script``
return a program (numpy only) with the page's settings written in; run as
``python script.py`` it prints the CSV's numeric columns, computed the same way,
so they agree to rounding (1e-12 relative or better).
"""

from __future__ import annotations

from gd_app.columns.fit import ONE_PARAMETER, TWO_PARAMETERS
from gd_app.demos.fit_one import one_parameter
from gd_app.demos.fit_two import two_parameters


def one_parameter_csv(**params) -> str:
    return ONE_PARAMETER.csv(one_parameter(**params).table)


def two_parameters_csv(**params) -> str:
    return TWO_PARAMETERS.csv(two_parameters(**params).table)


def one_parameter_script(**params) -> str:
    settings = dict(
        intercept=False,
        theta_true=(0.0, 0.5),
        start=(float(params["theta1"]),),
        N=int(params["N"]),
        alpha=float(params["alpha"]),
        m=int(params.get("m", 20)),
        noise=float(params.get("noise", 0.0)),
        seed=int(params.get("seed", 0)),
        x_low=-1.0,
        x_high=1.0,
        standardize=False,
        batch=int(params.get("batch", 0)),
        schedule=str(params.get("schedule", "constant")),
        decay=float(params.get("decay", 0.1)),
        **_data(params),
    )
    return _script("One-parameter fit h(x) = θ1·x", settings, ONE_PARAMETER.numeric)


def two_parameters_script(**params) -> str:
    settings = dict(
        intercept=True,
        theta_true=(float(params["theta0_true"]), float(params["theta1_true"])),
        start=(float(params["theta0_start"]), float(params["theta1_start"])),
        N=int(params["N"]),
        alpha=float(params["alpha"]),
        m=int(params.get("m", 20)),
        noise=float(params.get("noise", 0.0)),
        seed=int(params.get("seed", 0)),
        x_low=float(params.get("x_low", -1.0)),
        x_high=float(params.get("x_high", 1.0)),
        standardize=bool(params.get("standardize", False)),
        batch=int(params.get("batch", 0)),
        schedule=str(params.get("schedule", "constant")),
        decay=float(params.get("decay", 0.1)),
        **_data(params),
    )
    return _script("Two-parameter fit h(x) = θ0 + θ1·x", settings, TWO_PARAMETERS.numeric)


def _data(params: dict) -> dict:
    """The chosen data set's points, written into the script (None: the generated line)."""
    source = params.get("source")
    if source is None:
        return dict(data_x=None, data_y=None)
    return dict(data_x=source.x.tolist(), data_y=source.y.tolist())


def _script(title: str, settings: dict, names: tuple[str, ...]) -> str:
    if settings["schedule"] not in ("constant", "exponential", "inverse_time", "cosine"):
        raise ValueError("unknown schedule")
    lines = "\n".join(f"{key} = {value!r}" for key, value in settings.items())
    return f'''"""{title}: gradient descent as the app ran it.

Run:  python this_file.py > history.csv
It prints the app's history CSV (numeric columns): one row per iterate.
Change the settings below to run something else: N iterates (the start and
N - 1 steps), learning rate alpha, batch (0 = full batch, else 1..m),
schedule (constant, exponential, inverse_time, cosine) with decay in [0, 1],
the data (m points evenly on [x_low, x_high], noise, seed; or, when data_x
and data_y are lists, those points, and then m, noise, seed, theta_true and
the x range are not used) and the start
(in the units of x). Needs only numpy.
"""

import math
import sys

import numpy as np

{lines}
COLUMNS = {list(names)!r}  # the app's numeric columns, in its order
{_BODY}'''


_BODY = """
# ---- the data and the cost J(θ) = 1/(2m)·Σ(Xθ − y)², held as A = XᵀX/m and θ*
if data_x is None:
    x = np.linspace(float(x_low), float(x_high), m)
    y = theta_true[0] + theta_true[1] * x
    if noise > 0:
        y = y + noise * np.random.default_rng(seed).standard_normal(m)
else:
    x, y = np.array(data_x, dtype=float), np.array(data_y, dtype=float)
    m = len(x)
mean, std = float(np.mean(x)), float(np.std(x))  # population std (ddof = 0)
z = (x - mean) / std if standardize else x
X = np.column_stack([np.ones_like(z), z]) if intercept else z[:, None]
p = X.shape[1]
A = X.T @ X / m
theta_star = np.linalg.lstsq(X, y, rcond=None)[0]
J_star = 0.5 * float(np.mean((X @ theta_star - y) ** 2))


def cost_and_gradient(theta):
    d = theta - theta_star
    g = A @ d
    return J_star + 0.5 * float(d @ g), g


# ---- the α of each step k = 0 … N − 2
n_steps = N - 1
k = np.arange(n_steps, dtype=float)
if schedule == "constant":
    alphas = np.full(n_steps, float(alpha))
elif schedule == "exponential":
    alphas = alpha * np.exp(-decay * k)
elif schedule == "inverse_time":
    alphas = alpha / (1.0 + decay * k)
else:
    alphas = alpha * (1.0 + np.cos(np.pi * k / max(n_steps, 1))) / 2.0


# ---- mini-batches: each epoch a fresh permutation from default_rng([seed, 1]);
# step k uses A_k θ − b_k, the sums of its batch's x_i x_iᵀ and x_i y_i over its size
columns = [np.ascontiguousarray(X[:, j]) for j in range(p)]


def batch_sums(columns, ys, starts):
    terms = [columns[i] * columns[j] for i in range(p) for j in range(p)]
    terms += [column * ys for column in columns]
    return np.stack([np.add.reduceat(term, starts) for term in terms], axis=1)


if batch:
    per_epoch = math.ceil(m / batch)
    starts = np.arange(0, m, batch)
    sizes = np.diff(np.append(starts, m)).astype(float)
    rng, sums = np.random.default_rng([seed, 1]), []
    for _ in range(math.ceil(n_steps / per_epoch)):
        if per_epoch == 1:  # one batch of every example: no permutation is drawn
            sums.append(sums[0] if sums else batch_sums(columns, y, np.array([0])))
            continue
        order = rng.permutation(m)
        sums.append(batch_sums([c[order] for c in columns], y[order], starts))
    S = np.concatenate(sums)[:n_steps] if sums else np.empty((0, p * p + p))
    sizes = np.resize(sizes, n_steps)
    A_k = (S[:, : p * p] / sizes[:, None]).reshape(-1, p, p)
    b_k = S[:, p * p :] / sizes[:, None]

# ---- the descent; it stops at the first number that is not finite
theta = np.array(start, dtype=float)
if standardize:
    theta = np.array([theta[0] + theta[1] * mean, theta[1] * std])
J, g = cost_and_gradient(theta)
params, values, grads = [theta], [J], [g]
with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
    for step in range(n_steps):
        try:
            used = A_k[step] @ theta - b_k[step] if batch else g
            theta_next = theta + (-float(alphas[step]) * used)
            J, g = cost_and_gradient(theta_next)
        except FloatingPointError:
            break
        if not (np.all(np.isfinite(theta_next)) and math.isfinite(J) and np.all(np.isfinite(g))):
            break
        theta = theta_next
        params.append(theta)
        values.append(J)
        grads.append(g)
params, values, grads = np.array(params), np.array(values), np.array(grads)
n = len(values)

# ---- the table's numeric columns
names = ["theta0_std", "theta1_std"] if standardize else (["theta0", "theta1"] if intercept else ["theta1"])
columns = {"iteration": np.arange(n)}
for j, name in enumerate(names):
    columns[name] = params[:, j]
if standardize:
    slope = params[:, 1] / std
    columns["theta0"], columns["theta1"] = params[:, 0] - slope * mean, slope
columns["J"] = values
for j, name in enumerate(names):
    columns["grad_" + name] = grads[:, j]
if batch:
    batch_grads = np.full_like(params, np.nan)
    with np.errstate(all="ignore"):
        batch_grads[1:] = np.einsum("kij,kj->ki", A_k[: n - 1], params[:-1]) - b_k[: n - 1]
    for j, name in enumerate(names):
        columns["batch_grad_" + name] = batch_grads[:, j]
steps = np.full_like(params, np.nan)
steps[1:] = np.diff(params, axis=0)
for j, name in enumerate(names):
    columns["step_" + name] = steps[:, j]
if batch or schedule != "constant":
    columns["alpha"] = np.concatenate([[np.nan], alphas[: n - 1]])
errors = params - theta_star
scale = np.max(np.abs(errors), axis=1)
safe = np.where(scale > 0, scale, 1.0)
norms = scale * np.sqrt(np.sum((errors / safe[:, None]) ** 2, axis=1))
ratio = np.full(n, np.nan)
with np.errstate(divide="ignore", invalid="ignore"):
    ratio[1:] = norms[1:] / norms[:-1]
columns["ratio"] = ratio

columns = {name: columns[name] for name in COLUMNS if name in columns}
out = sys.stdout
out.write(",".join(columns) + "\\n")
for row in range(n):
    cells = (columns[c][row] for c in columns)
    out.write(",".join("" if v != v else ("%d" % v if c == "iteration" else "%.17g" % v)
                       for c, v in zip(columns, cells)) + "\\n")
"""


def one_parameter_figure(*, step: int = 0, theme: str = "light", reveal: bool = False, **params):
    """The one-figure route (PNG at any dpi, SVG, GIF frames) of the one-parameter page.

    ``theme`` is Streamlit's, "light" or "dark".
    """
    from gd_app.demos.common import highlighted_row
    from gd_app.demos.fit_one import _one_run
    from gd_app.plotting.fit import one_parameter_figure as draw

    run = _one_run(**params)
    highlight = highlighted_row(step, run.trajectory)
    return draw(run, highlight=highlight, theme=theme, upto=highlight if reveal else None)


def two_parameters_figure(*, step: int = 0, theme: str = "light", reveal: bool = False, **params):
    """The one-figure route of the two-parameter page (see :func:`one_parameter_figure`)."""
    from gd_app.demos.common import highlighted_row
    from gd_app.demos.fit_two import _two_run
    from gd_app.plotting.fit_two import two_parameter_figure as draw

    run = _two_run(**params)
    highlight = highlighted_row(step, run.trajectory)
    return draw(run, highlight=highlight, theme=theme, upto=highlight if reveal else None)
