"""The C heap of a long-lived process: glibc's malloc, told to hold less memory it isn't using.

Measured with ``python bench/memory.py`` (see the README). Under a class, the server's
freed pictures, pickles and arrays stayed inside its malloc arenas (one per thread that
ever allocated, up to 16 on two cores) as holes no trim returns: :func:`big_blocks_apart`
keeps such blocks out of the arenas. A drawing worker's heap kept the pixel buffers of
figures long gone: :func:`trim` hands whole free pages back after each job. A fork
server limits its arenas (:func:`limit_arenas`) before its preload starts any thread;
the server can't (Streamlit's threads have made a dozen before the app's code runs).

Elsewhere than glibc (macOS, musl, Windows) these are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util

ARENAS = 2  # malloc arenas a process may have (glibc's default: 8 per core)
MMAP_THRESHOLD = 128 << 10  # bytes: a block this big gets pages of its own (glibc's start)
_M_ARENA_MAX = -8  # mallopt's parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3


def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        libc.malloc_trim  # noqa: B018 - glibc only
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = None
_LOOKED = False


def _glibc():
    global _LIBC, _LOOKED
    if not _LOOKED:
        _LIBC, _LOOKED = _libc(), True
    return _LIBC


def limit_arenas(count: int = ARENAS) -> bool:
    """At most ``count`` malloc arenas from now on (threads already running keep theirs).
    True if the C library took it."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(_M_ARENA_MAX, count))


def big_blocks_apart(threshold: int = MMAP_THRESHOLD) -> bool:
    """Every block of ``threshold`` bytes or more mapped on its own and unmapped when freed.

    glibc starts there but raises the threshold each time such a block is freed (up to
    32 MB), after which pictures, pickles and arrays land inside the arenas and leave
    holes no trim can return. Setting it fixes it. True if the C library took it."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(_M_MMAP_THRESHOLD, threshold))


def trim() -> None:
    """Give the heap's free pages back to the system (glibc's ``malloc_trim(0)``)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
