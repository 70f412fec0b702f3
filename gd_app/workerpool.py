"""A pool of worker processes forked by a fork server of its own (the mechanism of gd_app.runtime).

A :class:`Pool` starts its fork server (:mod:`gd_app.forkserver`, with the pool's preload
imported) on first use, keeps up to ``size`` workers and ``spares`` of them idle, and sends
one request (bytes) at a time to a worker, which answers with bytes (:data:`KEEP` or
:data:`RETIRE` first). It knows nothing of
what the bytes mean: :mod:`gd_app.runtime` pickles jobs into them and reads the answers.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection

START_TIMEOUT = 120.0  # seconds for a new worker to report ready (a first start imports a lot)
POLL = 0.05  # seconds between looks at a running job (its time, its CPU)
NICENESS = 10  # how much lower a slow job's priority goes (it is replaced after that job)
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
# One thread per process: numeric libraries must not start thread pools (workers are many,
# cores few); set before the fork server imports numpy.
_THREADS = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}

# A worker's answer starts with KEEP, or RETIRE when it should not get another job (the pool
# replaces it); the rest is the answer.
KEEP, RETIRE = b"k", b"x"

in_worker = threading.Event()  # set in a worker process: it never starts workers itself


class PoolBusy(RuntimeError):
    """No worker could be had: every one was busy (``all_busy``), or none could start."""

    def __init__(self, all_busy: bool):
        super().__init__("every worker is busy" if all_busy else "no worker could start")
        self.all_busy = all_busy


class JobTimeout(RuntimeError):
    """The job ran past its time limit; its worker was killed."""


class WorkerLost(RuntimeError):
    """The worker died during the job (its pipe closed)."""


class ForkServer:
    """``python -m gd_app.forkserver PRELOAD…``, started on first use; forks workers."""

    def __init__(self, preload: tuple[str, ...]):
        self.preload = preload
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._process: subprocess.Popen | None = None

    def _ensure(self) -> socket.socket:
        if self._socket is not None and self._process.poll() is None:
            return self._socket
        if self._socket is not None:
            self._socket.close()
        ours, theirs = socket.socketpair()
        # The workers import jobs by name from wherever this process can.
        path = os.pathsep.join(p or os.getcwd() for p in sys.path if isinstance(p, str))
        env = {
            **os.environ,
            **_THREADS,
            "GD_FORKSERVER_FD": str(theirs.fileno()),
            "PYTHONPATH": path,
        }
        self._process = subprocess.Popen(
            [sys.executable, "-m", "gd_app.forkserver", *self.preload],
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C meant for the server is not its
        )
        theirs.close()
        self._socket = ours
        return ours

    def close(self) -> None:
        with self._lock:
            if self._socket is not None:
                self._socket.close()  # it reads the end of its socket, and exits
                self._process.wait(timeout=30)
                self._socket = self._process = None

    def fork(self, target: str, args: tuple) -> tuple[int, Connection]:
        """A new worker running ``target(connection, *args)``: (pid, our end of its pipe)."""
        ours, theirs = socket.socketpair()
        try:
            with self._lock:
                control = self._ensure()
                request = pickle.dumps((target, args))
                socket.send_fds(control, [request], [theirs.fileno()])
                pid = struct.unpack("!q", _read_exactly(control, 8))[0]
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        return pid, Connection(ours.detach())


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise OSError("the fork server ended")
        data += chunk
    return data


class Worker:
    """One worker process (a child of the fork server, which reaps it) and our end of its pipe."""

    def __init__(self, server: ForkServer, target: str, args: tuple) -> None:
        self.pid, self.conn = server.fork(target, args)
        self.retired = False  # its priority was lowered: replace it after this job
        try:
            ready = self.conn.poll(START_TIMEOUT) and self.conn.recv_bytes() == b"ready"
        except (EOFError, OSError):  # it died starting (an import, the memory cap)
            ready = False
        if not ready:
            self.kill()
            raise OSError("a worker process did not start")

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return not self.conn.closed

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)  # the fork server reaps it
        self.conn.close()

    def cpu_seconds(self) -> float:
        """CPU time the worker has used (Linux /proc); elsewhere 0, so it is never demoted."""
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return 0.0

    def lower_priority(self) -> None:
        with contextlib.suppress(AttributeError, OSError):  # no setpriority, or it just ended
            os.setpriority(os.PRIO_PROCESS, self.pid, NICENESS)
        self.retired = True


class _Idle(queue.LifoQueue):
    """Idle workers: :meth:`get` gives the one back most recently (its caches are the warmest,
    and with one visitor the others keep only what they share with their fork server)."""

    def get_oldest_nowait(self) -> Worker:
        """The worker idle longest; raises queue.Empty if none is."""
        with self.mutex:
            if not self.queue:
                raise queue.Empty
            return self.queue.pop(0)


class Pool:
    """Up to ``size`` workers running ``target`` = ("module:function", args), ``spares`` idle."""

    def __init__(self, name: str, preload: tuple[str, ...], *, target, size: int, spares: int):
        self.name, self.size, self.spares = name, size, spares
        self.server = ForkServer(preload)
        self.target = target
        self._lock = threading.Lock()
        self._idle = _Idle()
        self._live = 0  # workers started and not yet killed (idle, busy or starting)
        self._refill = threading.Event()
        self._refiller: threading.Thread | None = None

    def idle(self) -> int:
        return self._idle.qsize()

    def close(self) -> None:
        """Kill the idle workers and end the fork server (busy workers end with their pipe)."""
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                break
            self._release()
        self.server.close()

    def _reserve(self) -> bool:
        with self._lock:
            if self._live >= self.size:
                return False
            self._live += 1
            return True

    def _release(self) -> None:
        with self._lock:
            self._live -= 1

    def _start(self) -> Worker:
        """Start a worker for a slot already reserved; on failure the slot is freed."""
        try:
            return Worker(self.server, *self.target)
        except BaseException:
            self._release()
            raise

    def discard(self, worker: Worker) -> None:
        worker.kill()
        self._release()
        self.top_up()

    def top_up(self) -> None:
        """Bring the idle workers back to ``spares`` in the background (the first call
        starts the fork server)."""
        if in_worker.is_set():
            return
        with self._lock:
            if self._refiller is None or not self._refiller.is_alive():
                self._refiller = threading.Thread(
                    target=self._keep_spares, name=f"{self.name}-refill", daemon=True
                )
                self._refiller.start()
        self._refill.set()

    def _keep_spares(self) -> None:
        while True:
            self._refill.wait()
            self._refill.clear()
            self._fill()

    def _fill(self) -> None:
        """Start workers until ``spares`` are idle."""
        while self._idle.qsize() < self.spares and self._reserve():
            try:
                worker = self._start()
            except Exception:  # noqa: BLE001 - retried on the next job's top-up
                break
            if self._idle.qsize() >= self.spares:  # busy ones came back while it started:
                worker.kill()  # one more idle would only hold memory
                self._release()
                break
            self._idle.put(worker)

    def _take(self, wait: float | None) -> Worker:
        """An idle worker, a new one if fewer than ``size`` run, or wait ``wait`` s for one."""
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                if self._reserve():
                    try:
                        return self._start()
                    except OSError:
                        raise PoolBusy(all_busy=False) from None
                remaining = POLL if deadline is None else deadline - time.monotonic()
                if remaining <= 0:
                    raise PoolBusy(all_busy=True) from None
                try:
                    worker = self._idle.get(timeout=min(remaining, POLL))
                except queue.Empty:
                    continue
            if worker.alive():
                return worker
            self.discard(worker)

    def call(
        self,
        request: bytes,
        *,
        wait: float | None,
        time_limit: float | None = None,
        nice_after: float | None = None,
    ) -> bytes:
        """Send ``request`` to a worker and return its answer.

        Raises PoolBusy (no worker within ``wait`` s; None waits as long as it takes),
        JobTimeout (past ``time_limit``: the worker is killed) or WorkerLost.
        """
        worker = self._take(wait)
        try:
            used = worker.cpu_seconds() if nice_after is not None else 0.0
            worker.conn.send_bytes(request)
            if time_limit is not None:
                deadline = time.monotonic() + time_limit
                while not worker.conn.poll(min(POLL, max(deadline - time.monotonic(), 0.0))):
                    if time.monotonic() >= deadline:
                        raise JobTimeout
                    if nice_after is not None and not worker.retired:
                        if worker.cpu_seconds() - used >= nice_after:
                            worker.lower_priority()
            answer = worker.conn.recv_bytes()
            if answer[:1] == RETIRE:
                worker.retired = True
            answer = answer[1:]
        except (EOFError, OSError):
            self.discard(worker)
            raise WorkerLost from None
        except BaseException:  # over time, or interrupted mid-reply: its pipe can't be trusted
            self.discard(worker)
            raise
        if worker.retired:
            self.discard(worker)
        else:
            if self._idle.qsize() >= self.spares and self._live > self.spares:
                # Enough wait idle already: the one idle longest goes (its memory back to
                # the machine), this one stays (its caches are the warmest for what comes).
                with contextlib.suppress(queue.Empty):
                    self._idle.get_oldest_nowait().kill()
                    self._release()
            self._idle.put(worker)
            self.top_up()
        return answer
