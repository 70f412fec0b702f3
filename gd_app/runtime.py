"""The app's worker processes: the SymPy budget and the drawing workers, in one place.

Two pools of long-lived worker processes run picklable jobs (module-level functions and
plain data: numbers, str, numpy arrays, frozen dataclasses of those). Nothing here knows a
demo; the pages hand it jobs.

* :func:`budgeted` runs a job on a visitor's text (parsing, SymPy) under a budget: a
  wall-clock limit (:data:`TIME_LIMIT`: past it the worker is killed and replaced and
  :class:`OverBudget` raised), an address-space cap (:data:`MEMORY_LIMIT`), and a lower CPU
  priority once the job has used :data:`NICE_AFTER` of CPU, so that quick jobs of other
  visitors keep their speed. Up to :data:`MAX_WORKERS` run at once, and :data:`SPARES` idle
  workers wait, warm. SymPy has more slow paths than any list of patterns can name, so
  every job on untrusted text goes through here.
* :func:`draw` runs a drawing job in one of :data:`DRAW_WORKERS` processes, so that
  concurrent sessions draw on every core (Streamlit runs every session in a thread of one
  process, and matplotlib holds the GIL). Drawing workers are never killed for time; a job
  whose worker dies, or that finds no worker, is drawn here, under :data:`LOCK`
  (matplotlib is not thread-safe: drawing in this process is one figure at a time).

Each pool forks its workers from a fork server of its own (:mod:`gd_app.forkserver`,
never by forking the threaded server): the budget's preloads SymPy, the drawing one
matplotlib and the figures, without SymPy. Killing an over-budget job kills its worker
only, so it never touches a drawing.

Nothing starts at import. The entry point calls :func:`start` (the fork servers and spare
workers start in the background, so the first page does not wait); a page run without it
(as AppTest runs one) starts each pool on its first job.

Results are read with an unpickler that builds only plain data, numpy arrays and gd_core
classes, so a SymPy object can never be rebuilt (and walk into the same slow path) here.
Exceptions defined in gd_core (``ExpressionError``, ``OutsideDomain``, …) come back as the
same type; anything else comes back as :class:`WorkerError` (a bug), with the traceback.
"""

from __future__ import annotations

import gc
import io
import os
import pickle
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from gd_app import heap
from gd_app.workerpool import KEEP, RETIRE, JobTimeout, Pool, PoolBusy, WorkerLost, in_worker
from gd_core.errors import OverBudget

try:
    import resource
except ImportError:  # not on Windows: no memory cap there, the time limit still holds
    resource = None

# Seconds of wall-clock time per job, from the moment the worker has it. GD_BUDGET_SECONDS
# overrides it (the test suite raises it so that a busy machine can't fail a normal run).
TIME_LIMIT = float(os.environ.get("GD_BUDGET_SECONDS", "2.0"))
MEMORY_LIMIT = 1 << 30  # bytes of address space per budget worker (a warm one maps ~0.2 GiB)
NICE_AFTER = 0.25  # seconds of CPU: a job that has used this much gets a lower CPU priority
MAX_WORKERS = 6  # budgeted jobs running at once; a job that finds every worker busy waits
SPARES = 1  # idle warm budget workers kept ready (a new one forks in milliseconds)
BUDGET_PRELOAD = ("gd_core.worker_preload", "gd_core.lab_preload")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this container may use
    except AttributeError:
        return os.cpu_count() or 1


# GD_DRAW_WORKERS=0 draws in the server process (under LOCK).
DRAW_WORKERS = int(os.environ.get("GD_DRAW_WORKERS", min(2, _cores())))
DRAW_PRELOAD = ("gd_app.plotting.preload",)

TOO_BIG = f"needed more than the {MEMORY_LIMIT >> 20} MB memory limit and was stopped"
CRASHED = f"stopped: its worker ran out of memory (limit {MEMORY_LIMIT >> 20} MB) or crashed"
BUSY = "could not start: the server is busy with other work; try again in a moment"
NO_WORKER = "could not start: no worker process could be started"

LOCK = threading.RLock()  # one matplotlib drawing at a time in this process


class WorkerError(RuntimeError):
    """A job failed in an unexpected way (a bug); str(err) holds the worker's traceback."""


class DrawingError(WorkerError):
    """A drawing job raised in its worker (a bug); str(err) holds the worker's traceback."""


# ------------------------------------------------------------------ in the worker process
def serve(conn, memory_limit: int) -> None:
    """A worker's main loop: receive (job, args, kwargs), send back (status, payload)."""
    in_worker.set()  # a worker runs jobs itself: it never starts workers of its own
    if resource is not None and memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    conn.send_bytes(b"ready")
    while True:
        try:
            request = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            job, args, kwargs = pickle.loads(request)  # from our own server
            reply = ("ok", job(*args, **kwargs))
        except MemoryError:
            reply = _OUT_OF_MEMORY
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the caller
            reply = _portable(error)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            reply, data = _OUT_OF_MEMORY, pickle.dumps(_OUT_OF_MEMORY)
        except Exception:  # noqa: BLE001 - a result that can't be sent is a bug of the job
            data = pickle.dumps(("bug", traceback.format_exc()))
        # After a MemoryError its heap may be fragmented near the cap: the pool replaces it.
        conn.send_bytes((RETIRE if reply is _OUT_OF_MEMORY else KEEP) + data)
        request = job = args = kwargs = reply = data = None
        tidy()


def tidy() -> None:
    """After a job, once its answer is sent: collect its garbage and give the freed memory
    back. A figure is a web of reference cycles holding its pixel buffers (MBs each), which
    otherwise wait for the collector's rare full pass."""
    gc.collect()
    heap.trim()


_OUT_OF_MEMORY = ("memory", None)


def _portable(error: BaseException) -> tuple:
    """("raise", module, name, args) for gd_core's own exceptions with plain text;
    ("bug", traceback) for anything else."""
    kind = type(error)
    if kind.__module__.startswith("gd_core.") and all(isinstance(a, str) for a in error.args):
        return ("raise", kind.__module__, kind.__qualname__, error.args)
    return ("bug", "".join(traceback.format_exception(error)))


# ------------------------------------------------------------------ reading results safely
_NUMPY_GLOBALS = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
}


class _ResultUnpickler(pickle.Unpickler):
    """Builds only plain data, numpy arrays and our own classes (gd_core's, and for drawings
    gd_app's, such as a rendered picture): never a SymPy object."""

    def __init__(self, file, ours: tuple[str, ...] = ("gd_core.",)):
        super().__init__(file)
        self.ours = ours

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _NUMPY_GLOBALS:
            return super().find_class(module, name)
        if module.startswith(self.ours) and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and not any(
                base.__module__.startswith("sympy") for base in found.__mro__
            ):
                return found
        raise pickle.UnpicklingError(f"a job's result may not contain {module}.{name}")


def _loads(data: bytes, ours: tuple[str, ...] = ("gd_core.",)) -> Any:
    return _ResultUnpickler(io.BytesIO(data), ours).load()


def _raise(reply: tuple, bug: type[WorkerError]) -> Any:
    status, *payload = reply
    if status == "ok":
        return payload[0]
    if status == "raise":
        module, name, args = payload
        kind = _ResultUnpickler(io.BytesIO()).find_class(module, name)
        if isinstance(kind, type) and issubclass(kind, Exception):
            raise kind(*args)
    if status == "memory":
        raise OverBudget(TOO_BIG)
    raise bug(f"the job failed in the worker:\n{payload[0]}")


# ------------------------------------------------------------------ the two pools
BUDGET = Pool(
    "gd-budget",
    BUDGET_PRELOAD,
    target=(f"{__name__}:serve", (MEMORY_LIMIT,)),
    size=MAX_WORKERS,
    spares=SPARES,
)
DRAWING = Pool(
    "gd-draw",
    DRAW_PRELOAD,
    target=(f"{__name__}:serve", (0,)),
    size=DRAW_WORKERS,
    spares=DRAW_WORKERS,
)


def start() -> None:
    """Start both pools' fork servers and spare workers now, in the background; and keep
    this process's big blocks out of its malloc arenas (:func:`gd_app.heap.big_blocks_apart`)."""
    if in_worker.is_set():
        return
    heap.big_blocks_apart()
    for pool in (BUDGET, DRAWING):
        if pool.size:
            pool.top_up()


def budgeted(job: Callable, /, *args: Any, **kwargs: Any) -> Any:
    """``job(*args, **kwargs)`` in a budget worker, under the time and memory budget.

    Raises :class:`OverBudget` when the job runs past :data:`TIME_LIMIT` (the worker is
    killed and replaced) or past :data:`MEMORY_LIMIT`, when no worker frees up within
    :data:`TIME_LIMIT`, or when none can be started. Safe to call from many threads.
    """
    if in_worker.is_set():
        raise RuntimeError("a worker process runs its jobs itself: it starts no budget worker")
    request = pickle.dumps((job, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    limit = TIME_LIMIT
    try:
        data = BUDGET.call(request, wait=limit, time_limit=limit, nice_after=NICE_AFTER)
    except PoolBusy as busy:
        raise OverBudget(BUSY if busy.all_busy else NO_WORKER) from None
    except JobTimeout:
        raise OverBudget(f"took longer than the {limit:g} s limit and was stopped") from None
    except WorkerLost:  # the worker died: the memory cap, or a crash
        raise OverBudget(CRASHED) from None
    try:
        reply = _loads(data)
    except pickle.UnpicklingError as error:  # the job returned more than plain data: a bug
        raise WorkerError(str(error)) from None
    return _raise(reply, WorkerError)


def drawing_pool(size: int) -> Pool:
    """A pool like :data:`DRAWING` with ``size`` workers (for tests and benchmarks)."""
    return Pool("gd-draw", DRAW_PRELOAD, target=DRAWING.target, size=size, spares=0)


def draw(job: Callable, /, *args: Any, **kwargs: Any) -> Any:
    """``job(*args, **kwargs)`` in a drawing worker, or in this process under :data:`LOCK`.

    ``job`` is a module-level function (pickled by name) whose arguments and result
    pickle: numpy arrays and our dataclasses, never a Figure.
    """
    return draw_on(DRAWING, job, args, kwargs)


def draw_on(pool: Pool, job: Callable, args: tuple, kwargs: dict) -> Any:
    """:func:`draw` with the workers of ``pool``."""
    if not pool.size or in_worker.is_set():
        return in_server(job, args, kwargs)
    request = pickle.dumps((job, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        data = pool.call(request, wait=None)
        reply = _loads(data, ("gd_core.", "gd_app."))
    except (PoolBusy, WorkerLost, pickle.UnpicklingError):  # no worker, or it died mid-job
        return in_server(job, args, kwargs)
    return _raise(reply, DrawingError)


def in_server(job: Callable, args: tuple, kwargs: dict) -> Any:
    """``job`` here, one drawing at a time."""
    with LOCK:
        return job(*args, **kwargs)


def wait_ready(pool: Pool, count: int, timeout: float = 120.0) -> bool:
    """Wait until ``pool`` has ``count`` idle workers (for benchmarks); True if it has."""
    pool.top_up()
    deadline = time.monotonic() + timeout
    while pool.idle() < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return pool.idle() >= count
