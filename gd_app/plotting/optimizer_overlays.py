"""What the lab draws over its race at the highlighted step for the line-search rules: the
trial points of the search that led there, and Newton's local quadratic model."""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects

MODEL = "#882255"  # Newton's local model, in newton's colour


def trial_points(race, run, k: int, c: str) -> list:
    """The line search that led to iterate k: its trial points, faint, on the search ray."""
    points = run.trials[run.trials[:, 0] == k][:, 1:]
    if not len(points) or k == 0:
        return []
    ray = np.vstack([run.params[k - 1], points[0]])
    return [
        *race.plot(ray[:, 0], ray[:, 1], ls=":", c=c, lw=1, alpha=0.6, zorder=5),
        *race.plot(points[:, 0], points[:, 1], ".", c=c, ms=7, alpha=0.7, zorder=5),
    ]


def model_point(hessian: np.ndarray, grad: np.ndarray) -> tuple[np.ndarray | None, str]:
    """(d*, kind): the model's stationary point H·d = −g and whether it is a minimum, a saddle
    or a maximum of the model (from H's eigenvalues); (None, why) when H is singular."""
    if not np.all(np.isfinite(hessian)):
        return None, "the model can't be drawn (H is not finite)"
    low, high = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    scale = max(abs(low), abs(high), 1e-300)
    if min(abs(low), abs(high)) <= 1e-12 * scale:
        return None, "the model has no single stationary point (H is singular)"
    step = np.linalg.solve(hessian, -grad)
    if low > 0:
        return step, "minimum of the model"
    if high < 0:
        return step, "maximum of the model"
    return step, "saddle of the model"


def model_levels(value, model, hessian, grad, step) -> np.ndarray:
    """A few contours of the model around its stationary point, the outer one through θ
    (for a minimum or maximum); both signs about it for a saddle."""
    if step is None:
        finite = model[np.isfinite(model)]
        return np.unique(np.quantile(finite, np.linspace(0.1, 0.9, 5))) if finite.size else []
    centre = value + 0.5 * float(grad @ step)  # the model's value at its stationary point
    gap = abs(value - centre)
    if not gap > 0:
        return np.array([])
    low, high = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    if low > 0 or high < 0:
        sign = 1.0 if low > 0 else -1.0
        return np.sort(centre + sign * gap * np.array([0.04, 0.2, 0.5, 1.0]))
    return centre + gap * np.array([-1.0, -0.4, 0.4, 1.0])


def local_model(race, run, k: int, window: tuple) -> list:
    """Contours of f + gᵀd + ½dᵀHd around iterate k, and the step to its stationary point."""
    hessian, grad, theta = run.hessians[k], run.grads[k], run.params[k]
    if not np.all(np.isfinite(hessian)):
        return []
    step, kind = model_point(hessian, grad)
    x_lo, x_hi, y_lo, y_hi = window
    span = max(x_hi - x_lo, y_hi - y_lo)
    reach = 0.15 * span if step is None else min(max(1.3 * np.abs(step).max(), 0.1 * span), span)
    xs = np.linspace(theta[0] - reach, theta[0] + reach, 61)
    ys = np.linspace(theta[1] - reach, theta[1] + reach, 61)
    dx, dy = np.meshgrid(xs - theta[0], ys - theta[1])
    model = run.values[k] + grad[0] * dx + grad[1] * dy
    model = model + 0.5 * (hessian[0, 0] * dx * dx + 2 * hessian[0, 1] * dx * dy)
    model = model + 0.5 * hessian[1, 1] * dy * dy
    artists = []
    levels = model_levels(run.values[k], model, hessian, grad, step)
    if len(levels) > 1:
        artists.append(
            race.contour(
                xs,
                ys,
                model,
                levels=levels,
                colors=MODEL,
                linewidths=1.0,
                linestyles="dashed",
                alpha=0.85,
                zorder=4,
            )
        )
    if step is None:
        artists.append(
            race.text(
                0.02,
                0.98,
                kind,
                transform=race.transAxes,
                va="top",
                fontsize=9,
                color=MODEL,
                zorder=7,
            )
        )
        return artists
    end = theta + step
    arrow = race.annotate(
        "",
        xy=end,
        xytext=theta,
        arrowprops=dict(
            arrowstyle="-|>",
            color=MODEL,
            lw=2.2,
            shrinkA=0,
            shrinkB=0,
            path_effects=[patheffects.withStroke(linewidth=4, foreground="white")],
        ),
        zorder=7,
        annotation_clip=False,
    )
    arrow.arrow_patch.set_clip_box(race.bbox)  # a long step ends at the axes' edge
    artists.append(arrow)
    artists += race.plot(*end, "D", mfc="white", mec=MODEL, ms=7, mew=1.6, zorder=7)
    artists.append(
        race.annotate(
            kind,
            xy=end,
            xytext=(-6, 6) if end[0] > (x_lo + x_hi) / 2 else (6, 6),
            textcoords="offset points",
            ha="right" if end[0] > (x_lo + x_hi) / 2 else "left",
            clip_on=True,
            fontsize=9,
            color=MODEL,
            zorder=7,
            bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.8),
            annotation_clip=True,
        )
    )
    return artists
