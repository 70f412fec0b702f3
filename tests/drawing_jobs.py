"""Module-level jobs for tests/test_workers.py (a job is pickled by name, so it lives in a module)."""

import os
import time

from gd_app.plotting import panels
from gd_app.plotting.common import new_figure, render


def pid():
    return os.getpid()


def static_layers():
    """This process's static-layer cache: (hits, layers kept)."""
    info = panels.static_pixels.cache_info()
    return info.hits, info.currsize


def mathtext_png(i: int) -> bytes:
    """A figure whose labels are mathtext no other call has parsed (so no parser cache)."""
    fig = new_figure((2.0, 1.0))
    ax = fig.add_axes((0.2, 0.3, 0.7, 0.6))
    ax.set_xlabel(rf"$\theta_{{{i}}} + \frac{{{i}}}{{\alpha_{i}}}$")
    ax.plot([0, 1], [0, i], marker=f"${i}$")
    return render(fig).png


def fail():
    raise ValueError("a bug in a drawing job")


def sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def exit_at_once(conn) -> None:
    """A worker that dies before it is ready (an import failed, the memory ran out)."""
    os._exit(3)


def held_at_start() -> tuple[int, int, int]:
    """(static layers, spare figures, objects frozen out of the collector) in this worker."""
    import gc

    from gd_app.plotting import common

    return panels.static_pixels.cache_info().currsize, len(common._SPARES), gc.get_freeze_count()


class _Node:
    """An object that can be weakly referenced, for a reference cycle."""


_CYCLE = []


def leave_a_cycle() -> None:
    """Leave garbage that only the cycle collector frees (as a finished Figure is)."""
    import weakref

    node = _Node()
    node.me = node
    _CYCLE[:] = [weakref.ref(node)]


def cycle_collected() -> bool:
    return _CYCLE[0]() is None
