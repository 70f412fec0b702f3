"""The seeds' own figure code (seed 000), as a user pasting it into Streamlit runs it.

Kept as close to the seed as possible — pyplot included — because it is the
yardstick the benchmark measures against; only ``plt.show()`` became a save
the way ``st.pyplot`` renders (dpi 200, ``bbox_inches="tight"``). Not app code.
"""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _render_like_st_pyplot(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=200, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def seed_1d(N=20, alpha=1.15, theta1=0.0, m=20):
    """Seed 000, first demo: update_plot(N, alpha, theta1)."""
    theta1_true = 0.5
    x = np.linspace(-1, 1, m)
    y = theta1_true * x

    def cost_func(theta1):
        theta1 = np.atleast_2d(np.asarray(theta1))
        return np.average((y - hypothesis(x, theta1)) ** 2, axis=1) / 2

    def hypothesis(x, theta1):
        return theta1 * x

    fig = plt.figure()
    theta1_grid = np.linspace(-0.2, 1.2, 50)
    J_grid = cost_func(theta1_grid[:, np.newaxis])
    plt.subplot(121)
    plt.scatter(x, y, marker="x", s=40, color="#009E73", label=r"true $\theta$")
    plt.xlabel(r"$x$")
    plt.ylabel(r"$y$")
    plt.title("Data and fit")
    theta1_values = [theta1]
    J_values = [np.array(cost_func(theta1_values[0])[0])]
    for j in range(N - 1):
        last_theta1 = theta1_values[-1]
        this_theta1 = last_theta1 - alpha / m * np.sum((hypothesis(x, last_theta1) - y) * x)
        theta1_values.append(this_theta1)
        J_values.append(np.array(cost_func(this_theta1)[0]))
    for j in range(N):
        plt.plot(x, hypothesis(x, theta1_values[j]), lw=1.5, c="#0072B2", alpha=0.75)
    plt.plot(x, hypothesis(x, theta1_values[j]), lw=2, c="orange")
    plt.legend(loc="upper left", fontsize="small")
    plt.subplot(122)
    plt.plot(theta1_grid, J_grid, "k")
    plt.scatter(theta1_values, J_values, s=40, lw=0, c="#0072B2")
    plt.plot(theta1_values[-1:], J_values[-1:], "o", c="orange", label=r"final $\theta_1$")
    plt.plot(theta1_true, 0, ".", c="#009E73", label=r"true $\theta$")
    plt.legend(loc="upper right", fontsize="small")
    plt.xlabel(r"$\theta_1$")
    plt.ylabel(r"$J(\theta_1)$")
    plt.title("Cost function")
    plt.tight_layout()
    return theta1_values, _render_like_st_pyplot(fig)


def seed_2d(
    N=15, alpha=0.7, theta0_true=2.0, theta1_true=2.0, theta0_start=0.0, theta1_start=0.0, m=20
):
    """Seed 000, second demo: update_plots(N, alpha, theta0_true, …)."""
    x = np.linspace(-1, 1, m)

    def cost_func(x, y, theta0, theta1):
        return np.average((y - hypothesis(x, theta0, theta1.reshape(-1, 1))) ** 2, axis=1) / 2

    def hypothesis(x, theta0, theta1):
        return theta0.reshape(-1, 1) + theta1 * x

    y = theta0_true + theta1_true * x
    fig, ax = plt.subplots(nrows=1, ncols=2, figsize=(10, 4.15))
    ax[0].scatter(x, y, marker="x", s=40, color="#009E73", label=r"true $\theta$")
    theta = [np.array((theta0_start, theta1_start))]
    J = [cost_func(x, y, *theta[0])]
    for j in range(N - 1):
        last_theta = theta[-1]
        this_theta = np.empty((2,))
        this_theta[0] = last_theta[0] - alpha / m * np.sum(hypothesis(x, *last_theta) - y)
        this_theta[1] = last_theta[1] - alpha / m * np.sum((hypothesis(x, *last_theta) - y) * x)
        theta.append(this_theta)
        J.append(cost_func(x, y, *this_theta))
    theta0_grid = np.linspace(-4, 4, 101)
    theta1_grid = np.linspace(-5, 5, 101)
    X, Y = np.meshgrid(theta0_grid, theta1_grid)
    J_grid = cost_func(x, y, X.flatten(), Y.flatten()).reshape(X.shape)
    pcolor_plot = ax[1].pcolormesh(X, Y, J_grid, cmap="viridis")
    fig.colorbar(pcolor_plot, ax=ax[1])
    contours = ax[1].contour(X, Y, J_grid, 30, colors="gray")
    ax[1].clabel(contours, inline=True, fontsize=8, colors="w")
    ax[1].scatter([theta0_true] * 2, [theta1_true] * 2, s=[50, 10], color=["k", "w"])
    for j in range(1, N):
        ax[1].annotate(
            "",
            xy=theta[j],
            xytext=theta[j - 1],
            arrowprops={"arrowstyle": "->", "color": "r", "lw": 1},
            va="center",
            ha="center",
        )
        ax[0].plot(x, hypothesis(x, *theta[j]).flatten(), lw=2, c="#0072B2", alpha=0.75)
    ax[0].plot(x, hypothesis(x, *theta[j]).flatten(), lw=2, c="#E69F00")
    ax[1].scatter(*zip(*theta), s=40, lw=0)
    last_theta = theta[j]
    ax[1].plot(last_theta[0], last_theta[1], "o", c="orange")
    ax[1].set_xlabel(r"$\theta_0$")
    ax[1].set_ylabel(r"$\theta_1$")
    ax[1].set_title("Cost function")
    ax[0].set_xlabel(r"$x$")
    ax[0].set_ylabel(r"$y$")
    ax[0].set_title("Data and fit")
    ax[0].legend(loc="upper left", fontsize="small")
    plt.tight_layout()
    return theta, _render_like_st_pyplot(fig)


def seed_symbolic_loop(df, initial_guess, learning_rate, precision=0.0001, max_iter=100):
    """Seed 004's loop with its precision rule; returns every x it visited."""
    new_x = initial_guess
    xs = [new_x]
    for _ in range(max_iter):
        previous_x = new_x
        gradient = df(previous_x)
        new_x = previous_x - learning_rate * gradient
        xs.append(new_x)
        if abs(new_x - previous_x) < precision:
            break
    return xs
