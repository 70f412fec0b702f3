"""Draw in worker processes, so that concurrent sessions use every core (issue 13).

Streamlit runs every session's script in a thread of one server process, and
matplotlib holds the GIL while it builds and draws a figure: with one process,
a class of visitors queues behind one core. :func:`draw` runs a drawing job in
one of :data:`WORKERS` long-lived processes instead, and the session's thread
waits for it without holding the GIL.

matplotlib is not thread-safe either: two sessions parsing mathtext (a "$↔$"
marker, a "$\\theta$" label) at once made its shared parser raise. So drawing
that stays in the server (no worker, or the exports) holds :data:`LOCK`, and a
worker runs one job at a time.

This pool is not the SymPy budget's (gd_core/budget.py): its workers run only
our own drawing code on data the server computed, are never killed for time,
and a budget worker killed for an over-budget f(x) never touches them. Both
start from the same fork server (never by forking the threaded server). A job
whose worker dies is drawn in the server instead, and the worker is replaced.
"""

from __future__ import annotations

import os
import pickle
import queue
import threading
import traceback
from collections.abc import Callable
from typing import Any

from gd_core import budget

LOCK = threading.RLock()  # one matplotlib drawing at a time in this process


class DrawingError(RuntimeError):
    """A drawing job raised in its worker (a bug); str(err) holds the worker's traceback."""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this container may use
    except AttributeError:
        return os.cpu_count() or 1


# GD_DRAW_WORKERS=0 draws in the server process (under LOCK).
WORKERS = int(os.environ.get("GD_DRAW_WORKERS", min(2, _cores())))
NAME = "gd-draw-worker"  # budget.process_context() spares children named gd-… the __main__
PRELOAD = ("gd_app.plotting.fit", "gd_app.plotting.fit_two", "gd_app.plotting.symbolic")


def _serve(conn) -> None:
    """Worker main loop: receive (job, args, kwargs), send back ("ok" | "error", payload)."""
    global _POOL
    _POOL = None  # a worker draws itself: it never starts workers of its own
    for module in PRELOAD:  # import matplotlib and our figures before reporting ready
        __import__(module)
    _warm_up_drawing()
    conn.send_bytes(b"ready")
    while True:
        try:
            request = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            job, args, kwargs = pickle.loads(request)  # from our own server
            data = pickle.dumps(("ok", job(*args, **kwargs)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a bug of the job: raised in the server, with this text
            data = pickle.dumps(("error", traceback.format_exc()))
        conn.send_bytes(data)


def _warm_up_drawing() -> None:
    """Draw the fit pages' opening pictures once: fonts, mathtext and their static layers
    are then ready for a visitor's first picture."""
    from gd_app.controls import ONE_PARAMETER, TWO_PARAMETERS, defaults
    from gd_app.demos import fit_one, fit_two

    fit_one.one_parameter_picture.__wrapped__(**defaults(ONE_PARAMETER))
    fit_two.two_parameters_picture.__wrapped__(**defaults(TWO_PARAMETERS))


class _Worker:
    def __init__(self) -> None:
        context = budget.process_context()
        ours, theirs = context.Pipe()
        self.conn = ours
        self.process = context.Process(target=_serve, args=(theirs,), daemon=True, name=NAME)
        try:
            self.process.start()
            theirs.close()
            ready = ours.poll(budget.START_TIMEOUT) and ours.recv_bytes() == b"ready"
        except BaseException:  # noqa: BLE001 - it died starting (an import, memory): no worker
            ready = False
        if not ready:
            self.kill()
            raise OSError("a drawing worker did not start")

    def kill(self) -> None:
        if self.process.pid is not None:
            self.process.kill()
            self.process.join(timeout=10)
        self.conn.close()

    def call(self, request: bytes) -> tuple[str, Any]:
        """("ok", result) or ("error", traceback text); EOFError or OSError if it died."""
        self.conn.send_bytes(request)
        return pickle.loads(self.conn.recv_bytes())  # from our own worker


class _Pool:
    """Up to ``size`` workers, started on first use; a job waits for a free one."""

    WAIT = 0.05  # seconds between looks for a free worker, or a slot to start one in

    def __init__(self, size: int) -> None:
        self.size = size
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._started = 0

    def _start(self) -> _Worker | None:
        """A new worker if fewer than ``size`` are running, else None; OSError if it fails."""
        with self._lock:
            if self._started >= self.size:
                return None
            self._started += 1
        try:
            return _Worker()
        except BaseException:
            with self._lock:
                self._started -= 1
            raise

    def _take(self) -> _Worker:
        """An idle worker, or a new one; else wait, and start one if a worker is lost meanwhile."""
        while True:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            worker = self._start()
            if worker is not None:
                return worker
            try:
                return self._idle.get(timeout=self.WAIT)
            except queue.Empty:
                continue

    def _lose(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._started -= 1  # a waiting or the next job starts a replacement

    def draw(self, job: Callable, args: tuple, kwargs: dict) -> Any:
        request = pickle.dumps((job, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            worker = self._take()
        except OSError:  # could not start one (no fork server here, no memory)
            return _in_server(job, args, kwargs)
        try:
            status, payload = worker.call(request)
        except (EOFError, OSError, pickle.UnpicklingError):  # the worker died mid-job
            self._lose(worker)
            return _in_server(job, args, kwargs)
        except BaseException:  # interrupted mid-reply: its pipe can't be trusted again
            self._lose(worker)
            raise
        self._idle.put(worker)
        if status == "error":
            raise DrawingError(payload)
        return payload

    def warm_up(self) -> None:
        """Start the missing workers now, in the background, before a visitor needs one."""

        def start() -> None:
            try:
                while (worker := self._start()) is not None:
                    self._idle.put(worker)
            except OSError:
                pass  # the first job tries again, and draws in the server if it can't

        threading.Thread(target=start, name="gd-draw-warm-up", daemon=True).start()


def _in_server(job: Callable, args: tuple, kwargs: dict) -> Any:
    with LOCK:
        return job(*args, **kwargs)


_POOL = _Pool(WORKERS) if WORKERS > 0 else None


def draw(job: Callable, /, *args: Any, **kwargs: Any) -> Any:
    """``job(*args, **kwargs)`` in a drawing worker, or in this process under :data:`LOCK`.

    ``job`` is a module-level function (pickled by name) whose arguments and
    result pickle: numpy arrays and our dataclasses, never a Figure.
    """
    if _POOL is None:
        return _in_server(job, args, kwargs)
    return _POOL.draw(job, args, kwargs)


def warm_up() -> None:
    if _POOL is not None:
        _POOL.warm_up()
