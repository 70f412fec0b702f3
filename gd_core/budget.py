"""Run work on a visitor's text where it can be stopped: a worker process under a hard budget.

SymPy has more slow paths than any list of patterns can name (deciding the sign of a
constant that is exactly zero without looking like it can take minutes). So every job
on untrusted text runs in a worker process with

* a wall-clock limit (:data:`TIME_LIMIT`): past it the worker is killed and replaced,
  and :func:`run` raises :class:`OverBudget`;
* an address-space cap (:data:`MEMORY_LIMIT`, ``RLIMIT_AS`` where the platform has one);
* lower CPU priority once a job has used :data:`NICE_AFTER` of CPU time (not wall time:
  on a machine busy with other work a quick job is slow too, and must not be demoted),
  so quick jobs of other visitors keep their speed while a slow one burns its budget.

Workers are forked by a ``forkserver`` (never by forking the threaded server itself),
which imports SymPy once (:data:`PRELOAD`): a replacement starts warm in milliseconds,
and :data:`SPARES` idle workers wait so a visitor never pays for a start. Each worker
runs one job at a time, and up to :data:`MAX_WORKERS` run at once, so one visitor's
slow job never queues another's.

Jobs are module-level functions (pickled by name) that return plain data: numbers,
str, numpy arrays, tuples, frozen dataclasses of those. The server reads results with
an unpickler that only builds numpy arrays and gd_core classes, so a SymPy object can
never be rebuilt (and walk into the same slow path) in the server. Exceptions defined
in gd_core (``ExpressionError``, ``OutsideDomain``, ...) come back as the same type;
anything else comes back as :class:`WorkerError`, a bug, with the worker's traceback.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import pickle
import queue
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing import spawn
from typing import Any

from gd_core.errors import OverBudget

try:
    import resource
except ImportError:  # not on Windows: no memory cap there, the time limit still holds
    resource = None

__all__ = ["MAX_WORKERS", "MEMORY_LIMIT", "OverBudget", "SPARES", "TIME_LIMIT", "WorkerError"]

# Seconds of wall-clock time per job, from the moment the worker has it. GD_BUDGET_SECONDS
# overrides it (the test suite raises it so that a busy machine can't fail a normal run).
TIME_LIMIT = float(os.environ.get("GD_BUDGET_SECONDS", "2.0"))
MEMORY_LIMIT = 1 << 30  # bytes of address space per worker (a warm worker maps ~0.2 GiB)
NICE_AFTER = 0.25  # seconds of CPU: a job that has used this much gets a lower CPU priority
POLL = 0.05  # seconds between looks at a running job's CPU time
NICENESS = 10  # how much lower (a retired worker is replaced: priority can't be raised back)
MAX_WORKERS = 6  # jobs running at once; a job that finds every worker busy waits (see below)
SPARES = 2  # idle warm workers kept ready
START_TIMEOUT = 120.0  # seconds for a new worker to report ready (the first start imports SymPy)
PRELOAD = (
    "gd_core.worker_preload",
    "gd_core.lab_preload",
)  # imported once, in the fork server (warm-ups)

TOO_BIG = f"needed more than the {MEMORY_LIMIT >> 20} MB memory limit and was stopped"
CRASHED = f"stopped: its worker ran out of memory (limit {MEMORY_LIMIT >> 20} MB) or crashed"
BUSY = "could not start: the server is busy with other work; try again in a moment"


WORKER_NAME = "gd-budget-worker"


def _preparation_data(name: str, _original=spawn.get_preparation_data) -> dict:
    """multiprocessing's data for a new process, without re-running ``__main__`` for ours.

    Each child of the fork server would otherwise re-import the server's main script
    (``streamlit run``'s entry point, so all of Streamlit) before its first job, or fail
    when there is none (``python -``). Our jobs live in importable modules and need no
    ``__main__``. Our processes are named ``gd-…``; others keep the standard behaviour.
    """
    data = _original(name)
    if name.startswith("gd-"):  # ours: WORKER_NAME, gd_app's drawing workers
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


spawn.get_preparation_data = _preparation_data


class WorkerError(RuntimeError):
    """A job failed in an unexpected way (a bug); str(err) holds the worker's traceback."""


# ------------------------------------------------------------------ the worker process
def _serve(conn, memory_limit: int) -> None:
    """Worker main loop: receive (job, args, kwargs), send back ("ok" | "error" | "memory", …)."""
    if resource is not None and memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    conn.send_bytes(b"ready")
    while True:
        try:
            job, args, kwargs = pickle.loads(conn.recv_bytes())  # from our own server
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", job(*args, **kwargs))
        except MemoryError:
            reply = ("memory", None)
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the caller
            reply = ("error", _portable(error))
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory", None))
        except Exception:  # noqa: BLE001 - a result that can't be sent is a bug of the job
            data = pickle.dumps(("error", WorkerError(traceback.format_exc())))
        conn.send_bytes(data)


def _portable(error: BaseException) -> BaseException:
    """gd_core's own exceptions with plain text go back as they are; others become WorkerError."""
    own = type(error).__module__.startswith("gd_core.")
    if own and all(isinstance(arg, str) for arg in error.args):
        return error
    text = "".join(traceback.format_exception(error))
    return WorkerError(f"the job failed in the worker:\n{text}")


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
    """Builds only plain data, numpy arrays and gd_core classes: never a SymPy object."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _NUMPY_GLOBALS:
            return super().find_class(module, name)
        if module.startswith("gd_core.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and not any(
                base.__module__.startswith("sympy") for base in found.__mro__
            ):
                return found
        raise pickle.UnpicklingError(f"a job's result may not contain {module}.{name}")


def _loads(data: bytes) -> Any:
    return _ResultUnpickler(io.BytesIO(data)).load()


# ------------------------------------------------------------------ the pool
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class _Worker:
    """One worker process and our end of its pipe."""

    def __init__(self, context) -> None:
        ours, theirs = context.Pipe()
        self.conn = ours
        self.process = context.Process(
            target=_serve, args=(theirs, MEMORY_LIMIT), daemon=True, name=WORKER_NAME
        )
        self.process.start()
        theirs.close()
        self.retired = False  # its priority was lowered: replace it after this job
        if not ours.poll(START_TIMEOUT) or ours.recv_bytes() != b"ready":
            self.kill()
            raise OverBudget("could not start a worker process")

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()

    def cpu_seconds(self) -> float:
        """CPU time the worker has used (Linux /proc); elsewhere 0, so it is never demoted."""
        try:
            with open(f"/proc/{self.process.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return 0.0

    def lower_priority(self) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, NICENESS)
        except (AttributeError, OSError):  # no setpriority (Windows) or the worker just ended
            pass
        self.retired = True


class _Pool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._live = 0  # workers started and not yet killed (idle, busy or starting)
        self._refill = threading.Event()
        self._refiller: threading.Thread | None = None
        self._context = None

    # -- starting workers
    def _get_context(self):
        with self._lock:
            if self._context is None:
                method = (
                    "forkserver"
                    if "forkserver" in multiprocessing.get_all_start_methods()
                    else "spawn"
                )
                context = multiprocessing.get_context(method)
                if method == "forkserver":
                    context.set_forkserver_preload(list(PRELOAD))
                self._context = context
            return self._context

    def idle(self) -> int:
        return self._idle.qsize()

    def _reserve(self) -> bool:
        with self._lock:
            if self._live >= MAX_WORKERS:
                return False
            self._live += 1
            return True

    def _release(self) -> None:
        with self._lock:
            self._live -= 1

    def _start(self) -> _Worker:
        """Start a worker for a slot already reserved; on failure the slot is freed."""
        try:
            return _Worker(self._get_context())
        except BaseException:
            self._release()
            raise

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        self._release()
        self.top_up()

    def top_up(self) -> None:
        """Bring the idle workers back to SPARES in the background."""
        with self._lock:
            if self._refiller is None or not self._refiller.is_alive():
                self._refiller = threading.Thread(
                    target=self._keep_spares, name="gd-budget-refill", daemon=True
                )
                self._refiller.start()
        self._refill.set()

    def _keep_spares(self) -> None:
        while True:
            self._refill.wait()
            self._refill.clear()
            while self._idle.qsize() < SPARES and self._reserve():
                try:
                    self._idle.put(self._start())
                except Exception:  # noqa: BLE001 - retried on the next job's top-up
                    break

    # -- running jobs
    def _take(self) -> _Worker:
        """An idle worker, a new one if fewer than MAX_WORKERS run, or wait for one to free up."""
        deadline = time.monotonic() + TIME_LIMIT  # the longest a job waits for a free worker
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                if self._reserve():
                    return self._start()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise OverBudget(BUSY) from None
                try:
                    worker = self._idle.get(timeout=min(remaining, 0.05))
                except queue.Empty:
                    continue
            if worker.alive():
                return worker
            self._discard(worker)

    def run(self, job: Callable, args: tuple, kwargs: dict) -> Any:
        request = pickle.dumps((job, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        worker = self._take()
        try:
            limit, used = TIME_LIMIT, worker.cpu_seconds()
            worker.conn.send_bytes(request)
            deadline = time.monotonic() + limit
            while not worker.conn.poll(min(POLL, max(deadline - time.monotonic(), 0.0))):
                if time.monotonic() >= deadline:
                    raise OverBudget(f"took longer than the {limit:g} s limit and was stopped")
                if not worker.retired and worker.cpu_seconds() - used >= NICE_AFTER:
                    worker.lower_priority()
            status, payload = _loads(worker.conn.recv_bytes())
        except (EOFError, OSError):  # the worker died: the memory cap, or a crash
            self._discard(worker)
            raise OverBudget(CRASHED) from None
        except pickle.UnpicklingError as error:  # the job returned more than plain data: a bug
            self._discard(worker)
            raise WorkerError(str(error)) from None
        except BaseException:
            self._discard(worker)
            raise
        if status == "memory" or worker.retired:
            self._discard(worker)
        else:
            self._idle.put(worker)
            self.top_up()
        if status == "ok":
            return payload
        if status == "memory":
            raise OverBudget(TOO_BIG)
        raise payload


_POOL = _Pool()


def run(job: Callable, /, *args: Any, **kwargs: Any) -> Any:
    """``job(*args, **kwargs)`` in a worker process under the time and memory budget.

    Raises :class:`OverBudget` when the job runs past :data:`TIME_LIMIT` (the
    worker is killed and replaced) or past :data:`MEMORY_LIMIT`, or when no
    worker frees up within :data:`TIME_LIMIT`. Safe to call from many
    threads at once.
    """
    return _POOL.run(job, args, kwargs)


def process_context():
    """The multiprocessing context our workers start from: a fork server with PRELOAD imported.

    Other pools of worker processes (gd_app's drawing workers) use it too, so the
    fork server is started once, with SymPy preloaded, whichever pool starts first.
    """
    return _POOL._get_context()


def warm_up(*, wait: bool = False) -> None:
    """Start the spare workers now, before the first visitor needs one.

    In the background by default; ``wait=True`` returns once SPARES workers are ready
    (or START_TIMEOUT has passed).
    """
    if multiprocessing.parent_process() is not None:
        return  # in a worker process (gd_app's drawing workers): it never starts workers itself
    _POOL.top_up()
    deadline = time.monotonic() + START_TIMEOUT
    while wait and _POOL.idle() < SPARES and time.monotonic() < deadline:
        time.sleep(0.05)
