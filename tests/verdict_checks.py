"""Shared by the verdict tests: what a page said, and the truth it is checked against.

Truth comes from outside the code under test: numpy.linalg (eigenvalues, eigenvectors,
lstsq) of the data the page describes (m points evenly on [x_low, x_high]), the table's
own columns (∇f(θ_k)·(θ_k − θ_(k−1)) from the gradient and step columns), closed forms and
SymPy at rational points.
"""

import re

import numpy as np
import sympy

from gd_app.controls import ONE_PARAMETER, TWO_PARAMETERS, defaults

ONE = defaults(ONE_PARAMETER)
TWO = defaults(TWO_PARAMETERS)
x = sympy.Symbol("x", real=True)


def said(demo) -> str:
    return " ".join((demo.verdict, *demo.why))


def hessian_of(params: dict, intercept: bool) -> np.ndarray:
    """XᵀX/m of m points evenly on [x_low, x_high] (the page's data), by numpy."""
    xs = np.linspace(params.get("x_low", -1.0), params.get("x_high", 1.0), params["m"])
    X = np.column_stack([np.ones_like(xs), xs]) if intercept else xs[:, None]
    return X.T @ X / params["m"]


def overshoots(table, names) -> np.ndarray:
    """Per row k ≥ 1: ∇f(θ_k)·(θ_k − θ_(k−1)) > 0, from the table's gradient and step columns."""
    grads = table[[f"grad_{n}" for n in names]].to_numpy()
    steps = table[[f"step_{n}" for n in names]].to_numpy()
    with np.errstate(all="ignore"):
        scale_g = np.max(np.abs(grads), axis=1, keepdims=True)
        scale_s = np.max(np.abs(steps), axis=1, keepdims=True)
        dots = np.einsum(
            "ij,ij->i",
            grads / np.where(scale_g > 0, scale_g, 1),
            steps / np.where(scale_s > 0, scale_s, 1),
        )
    return dots[1:] > 0


def check_claims(text: str, fell: np.ndarray, shot: np.ndarray) -> None:
    """Every "each step"/"all n" claim holds of the steps it speaks of.

    ``fell``, ``shot``: per step (rows 1…), f fell / the step overshot (the caller's own
    computation from the table).
    """
    n = len(fell)
    if re.search(r"[Ee]ach step went downhill", text):
        assert n and fell.all(), text
    if re.search(r"[Ee]ach step overshot|[Ee]ach step went downhill and overshot", text):
        assert n and shot.all(), text
    for k in re.findall(r"fell on all (\d+)", text):
        assert fell[: int(k)].all(), text
    for k in re.findall(r"rose on all (\d+)", text):
        assert (~fell[: int(k)]).all(), text
    for k in re.findall(r"[Ee]ach of the last (\d+) steps overshot", text):
        assert shot[-int(k) :].all() or "before it reached" in text, text


def eigen_flips(params: np.ndarray, minimizer: np.ndarray, hessian: np.ndarray) -> np.ndarray:
    """Per step: the error θ − θ* changed sign along an eigenvector of the Hessian (numpy)."""
    _, vectors = np.linalg.eigh(hessian)
    parts = (np.asarray(params, dtype=float) - minimizer) @ vectors
    return np.any(np.sign(parts[1:]) * np.sign(parts[:-1]) < 0, axis=1)


def check_common(demo, *, fell, shot, start, end, flips=None) -> None:
    """``shot``: the line test per step; ``flips``: eigen-direction sign flips, which also
    count as overshooting where θ* and the Hessian are known."""
    text = said(demo)
    check_claims(text, fell, shot if flips is None else shot | flips)
    if shot.any():
        assert "without overshooting" not in text, text
    if end > start:
        assert demo.tone != "success", text
