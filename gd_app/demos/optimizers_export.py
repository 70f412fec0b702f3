"""The optimizer lab's export hooks: its history as CSV, and a script that recomputes it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gd_app.columns.lab import LAB
from gd_core.lab import LabResult

COLUMNS = LAB.names  # the CSV header, and the exported script's
SEARCH = ("gd_ls", "newton", "bfgs")


def frame(lab: LabResult) -> pd.DataFrame:
    """Long form: one row per method and iterate; state columns a method lacks are empty."""
    parts = []
    for run in lab.runs:
        columns = {
            "method": run.method,
            "iteration": np.arange(len(run.values)),
            "x": run.params[:, 0],
            "y": run.params[:, 1],
            "f": run.values,
            "df_dx": run.grads[:, 0],
            "df_dy": run.grads[:, 1],
            "grad_norm": np.hypot(run.grads[:, 0], run.grads[:, 1]),
        }
        for j, name in enumerate(run.state_names):
            columns[name] = run.states[:, j]
        if run.method in SEARCH:
            columns.update(f_evals=run.evals[:, 0], g_evals=run.evals[:, 1])
            if run.method == "newton":
                columns["h_evals"] = run.evals[:, 2]
            columns.update(trial_points=trial_points_text(run), note=list(run.notes))
        parts.append(pd.DataFrame(columns))
    return pd.concat(parts, ignore_index=True).reindex(columns=list(COLUMNS))


def trial_points_text(run) -> list[str]:
    """Per row, the trial points of the line search that led to it: "(x, y) (x, y) …"."""
    rows = [[] for _ in range(len(run.values))]
    for k, x, y in run.trials.tolist():
        rows[int(k)].append("(%.6g, %.6g)" % (x, y))  # noqa: UP031 (the script's own format)
    return [" ".join(points) for points in rows]


def csv_text(lab: LabResult) -> str:
    return LAB.csv(frame(lab))


_TEMPLATE = '''"""Optimizer lab, exported from the gradient-descent explorer.

Every method below runs from (X0, Y0) on f(x, y) until |grad f| < TOL or N - 1 steps,
with torch.optim's update rules (gd_ls, newton and bfgs: the line-search rules in
search_run), and the history is printed as CSV (the app's columns).

    python {name} > history.csv        # needs numpy and sympy

To change the run, edit F, X0, Y0, N, TOL or METHODS (delete a method to leave it out).
"""

import math
import sys

import numpy as np
import sympy

F = {f!r}  # f(x, y) as the app's parser read it
X0, Y0 = {x0!r}, {y0!r}
N = {N!r}  # iterates: the start plus at most N - 1 steps
TOL = {tol!r}  # a method stops once |grad f| < TOL
METHODS = {methods}

x, y = sympy.symbols("x y", real=True)
f = sympy.sympify(F, locals={{"x": x, "y": y}})  # safe: runs in the downloaded script, on the parser's canonical text
value_and_gradient = sympy.lambdify(
    (x, y), (f, sympy.diff(f, x), sympy.diff(f, y)), modules="math", cse=True
)
hessian_at = sympy.lambdify((x, y), sympy.hessian(f, (x, y)).tolist(), modules="math", cse=True)
COLUMNS = {columns!r}
STATES = {{
    "gd": (),
    "momentum": ("v_x", "v_y"),
    "nesterov": ("v_x", "v_y"),
    "adagrad": ("s_x", "s_y"),
    "rmsprop": ("s_x", "s_y"),
    "adam": ("m_x", "m_y", "v_x", "v_y", "mhat_x", "mhat_y", "vhat_x", "vhat_y"),
}}


def evaluate(theta):
    value, gx, gy = value_and_gradient(*theta.tolist())
    value, gx, gy = float(value), float(gx), float(gy)
    if not all(math.isfinite(v) for v in (value, gx, gy)):
        raise ArithmeticError("not finite")
    return value, np.array([gx, gy])


def step(method, h, grad, state):
    """The update and the new state; the comments are the rules."""
    if method == "gd":  # theta <- theta - alpha*g
        return -h["alpha"] * grad, state
    if method == "momentum":  # v <- beta*v + g; theta <- theta - alpha*v
        v = h["beta"] * state[0] + grad
        return -h["alpha"] * v, (v,)
    if method == "nesterov":  # v <- beta*v + g; theta <- theta - alpha*(g + beta*v)
        v = h["beta"] * state[0] + grad
        return -h["alpha"] * (grad + h["beta"] * v), (v,)
    if method == "adagrad":  # s <- s + g^2; theta <- theta - alpha*g/(sqrt(s) + 1e-10)
        s = state[0] + grad * grad
        return -h["alpha"] * grad / (np.sqrt(s) + 1e-10), (s,)
    if method == "rmsprop":  # s <- rho*s + (1 - rho)*g^2; theta <- theta - alpha*g/(sqrt(s) + 1e-8)
        s = h["rho"] * state[0] + (1 - h["rho"]) * (grad * grad)
        return -h["alpha"] * grad / (np.sqrt(s) + 1e-8), (s,)
    # adam: m <- b1*m + (1 - b1)*g; v <- b2*v + (1 - b2)*g^2; m_hat = m/(1 - b1^t),
    # v_hat = v/(1 - b2^t); theta <- theta - alpha*m_hat/(sqrt(v_hat) + 1e-8)
    m, v, t = state
    t = t + 1
    m = h["beta1"] * m + (1 - h["beta1"]) * grad
    v = h["beta2"] * v + (1 - h["beta2"]) * (grad * grad)
    m_hat = m / (1 - h["beta1"] ** t)
    v_hat = v / (1 - h["beta2"] ** t)
    return -h["alpha"] * m_hat / (np.sqrt(v_hat) + 1e-8), (m, v, t)


def state_row(method, h, state):
    if method == "gd":
        return []
    if method != "adam":
        return list(state[0])
    m, v, t = state
    if t == 0:
        return [*m, *v, math.nan, math.nan, math.nan, math.nan]
    return [*m, *v, *(m / (1 - h["beta1"] ** t)), *(v / (1 - h["beta2"] ** t))]


def run(method, h):
    theta = np.array([X0, Y0], dtype=float)
    zero = np.zeros(2)
    state = (zero, zero, 0) if method == "adam" else (zero,)
    rows = []
    try:
        value, grad = evaluate(theta)
        for k in range(N):
            row = dict(method=method, iteration=k, x=theta[0], y=theta[1], f=value)
            row.update(df_dx=grad[0], df_dy=grad[1], grad_norm=np.hypot(grad[0], grad[1]))
            row.update(zip(STATES[method], state_row(method, h, state)))
            rows.append(row)
            if math.hypot(grad[0], grad[1]) < TOL or k == N - 1:
                break
            update, state = step(method, h, grad, state)
            theta = theta + update
            if not all(math.isfinite(v) for v in theta.tolist()):
                raise ArithmeticError("not finite")
            value, grad = evaluate(theta)
    except (ArithmeticError, ValueError, TypeError) as error:
        print(f"{{method}} stopped after {{len(rows) - 1}} steps: {{error}}", file=sys.stderr)
    return rows


def value_at(theta):
    """f at a trial point; a value that is not a finite real number stops the run."""
    value = float(value_and_gradient(*theta.tolist())[0])
    if not math.isfinite(value):
        raise ArithmeticError("not finite")
    return value


def search_run(method, h):
    """The line-search rules, g = grad f, H = its Hessian:
    gd_ls: p = -g, trial alpha from alpha0;
    newton: H p = -g; undamped theta <- theta + p; damped: H + tau*I when H has no Cholesky
        factorisation (tau = 1e-3 - lambda_min(H)), then trial alpha from 1;
    bfgs: p = -B g (B = I at first), trial alpha from 1; s = theta_new - theta,
        y = g_new - g; if y.s > 1e-10: B <- (I - r s y^T) B (I - r y s^T) + r s s^T, r = 1/y.s.
    Armijo: while f(theta + alpha p) > f(theta) + c alpha g.p: alpha <- rho alpha (60 times at most).
    Counts: f(theta0) and grad f(theta0) one each, one f per trial point, one grad f per step,
    one Hessian per Newton step.
    """
    theta = np.array([X0, Y0], dtype=float)
    B = np.eye(2)
    damped = method != "newton" or bool(h["damped"])
    n_f, n_g, n_h = 1, 1, 0
    alpha = trials = tau = yts = math.nan
    p = np.full(2, math.nan)
    note, tried = "", []
    rows = []
    try:
        value, grad = evaluate(theta)
        for k in range(N):
            row = dict(method=method, iteration=k, x=theta[0], y=theta[1], f=value)
            row.update(df_dx=grad[0], df_dy=grad[1], grad_norm=np.hypot(grad[0], grad[1]))
            row.update(p_x=p[0], p_y=p[1], alpha=alpha, trials=trials)
            row.update(f_evals=n_f, g_evals=n_g, note=note)
            row.update(trial_points=" ".join("(%.6g, %.6g)" % tuple(t) for t in tried))
            if method == "newton":
                row.update(tau=tau, h_evals=n_h)
            if method == "bfgs":
                row.update(yTs=yts)
            rows.append(row)
            if math.hypot(grad[0], grad[1]) < TOL or k == N - 1:
                break
            tau = yts = math.nan
            note, tried = "", []
            if method == "gd_ls":
                p, alpha = -grad, h["alpha0"]
            elif method == "newton":
                H = np.array(hessian_at(*theta.tolist()), dtype=float)
                n_h += 1
                if damped:
                    try:
                        np.linalg.cholesky(H)
                    except np.linalg.LinAlgError:
                        tau = 1e-3 - np.linalg.eigvalsh(H)[0]
                        H = H + tau * np.eye(2)
                        note = "H not positive definite so H + τI used with τ = %.4g = 1e-3 − λmin(H)" % tau
                p, alpha = np.linalg.solve(H, -grad), 1.0
            else:
                p, alpha = -(B @ grad), 1.0
            if damped:
                slope = grad @ p
                for trials in range(1, 62):
                    new = theta + alpha * p
                    tried.append(new)
                    value_new = value_at(new)
                    n_f += 1
                    if not value_new > value + h["c"] * alpha * slope:
                        break
                    if trials == 61:
                        raise ArithmeticError("no point low enough after 60 reductions of alpha")
                    alpha = h["rho"] * alpha
            else:
                trials, new = 0, theta + p
            if not all(math.isfinite(v) for v in new.tolist()):
                raise ArithmeticError("not finite")
            value, grad_new = evaluate(new)
            n_g += 1
            if method == "bfgs":
                s, yv = new - theta, grad_new - grad
                yts = yv @ s
                if yts > 1e-10:
                    r = 1.0 / yts
                    eye = np.eye(2)
                    B = (eye - r * np.outer(s, yv)) @ B @ (eye - r * np.outer(yv, s)) + r * np.outer(s, s)
                else:
                    note = "yᵀs = %.3g ≤ 1e-10 so B not updated" % yts
            theta, grad = new, grad_new
    except (ArithmeticError, ValueError, TypeError) as error:
        print(f"{{method}} stopped after {{len(rows) - 1}} steps: {{error}}", file=sys.stderr)
    return rows


def cell(value):
    if isinstance(value, str):  # quoted as pandas quotes it, when it holds a comma or a quote
        return '"' + value.replace('"', '""') + '"' if ("," in value or '"' in value) else value
    if isinstance(value, (int, np.integer)):
        return str(value)
    return "" if math.isnan(value) else "%.17g" % value


print(",".join(COLUMNS))
with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
    for method, h in METHODS.items():
        for row in (search_run if method in ("gd_ls", "newton", "bfgs") else run)(method, h):
            print(",".join(cell(row.get(c, math.nan)) for c in COLUMNS))
'''


def script_text(lab: LabResult, key: dict) -> str:
    methods = (
        "{\n" + "".join(f"    {name!r}: {dict(values)!r},\n" for name, values in key["spec"]) + "}"
    )
    return _TEMPLATE.format(
        name="optimizer_lab.py",
        f=lab.canonical,
        x0=key["x0"],
        y0=key["y0"],
        N=key["N"],
        tol=key["tol"],
        methods=methods,
        columns=COLUMNS,
    )
