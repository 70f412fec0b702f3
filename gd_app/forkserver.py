"""A fork server of our own: ``python -m gd_app.forkserver MODULE…`` (started by gd_app.runtime).

It imports the MODULEs once (a pool's preload: SymPy for the budget's workers, matplotlib
and the figures for the drawing workers), then waits on the socket it was given (its fd in
``GD_FORKSERVER_FD``). Each request is a pickled ``("module:function", args)`` with one file
descriptor attached, the worker's end of its pipe to the server. The server forks a worker
for it, which calls ``function(connection, *args)`` and exits when it returns, and answers
with the worker's pid. Workers share the preloaded modules' memory with it (copy on write).

Why not multiprocessing's forkserver: it has one per process (two pools with different
preloads can't both have theirs), and its children re-run the server's ``__main__`` unless
multiprocessing itself is patched. This one is started from a module and runs nothing else.
Children are reaped by the kernel (SIGCHLD ignored here), so none is left a zombie; a worker
ends when its pipe closes or this fork server ends, and this one when the server's socket
closes (the server ended).
"""

from __future__ import annotations

import gc
import importlib
import os
import pickle
import signal
import socket
import struct
import sys
from multiprocessing.connection import Connection

from gd_app import heap

REQUEST = 4096  # bytes: a request is a target name and a few numbers


def main(modules: list[str]) -> None:
    control = socket.socket(fileno=int(os.environ["GD_FORKSERVER_FD"]))
    heap.limit_arenas()  # before the preload starts any thread
    for name in modules:
        importlib.import_module(name)
    # Copy on write keeps the preload's pages shared with every worker only while no worker
    # writes to them; a garbage collection in a worker writes to every object it visits.
    # Frozen objects are never visited (the idiom in the docs of gc.freeze).
    gc.collect()
    gc.freeze()
    heap.trim()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our children
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal stops the server
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, REQUEST, 1)
        except OSError:
            return
        if not data:
            return  # the server closed its end, or ended
        target, args = pickle.loads(data)  # from the server that started us
        pid = os.fork()
        if pid == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _end_with_parent()
            code = 0
            try:
                module, function = target.split(":")
                getattr(importlib.import_module(module), function)(Connection(fds[0]), *args)
            except BaseException:  # noqa: BLE001 - the server sees the pipe close
                code = 1
            finally:
                os._exit(code)
        for fd in fds:
            os.close(fd)
        control.sendall(struct.pack("!q", pid))


def _end_with_parent() -> None:
    """Linux: the kernel kills this worker when the fork server ends (the server ended, or
    was killed), even in the middle of a job that would never end by itself."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker ends when its pipe closes
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
