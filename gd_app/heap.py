"""The C heap of a long-lived process: glibc's malloc, told to hold less memory it isn't using.

Measured with ``python bench/memory.py`` (see the README): under a class, the server's
freed memory stayed spread over one malloc arena per thread that had ever drawn or read
a picture (Streamlit runs each session in a thread), and a drawing worker's heap kept
the pixel buffers of figures long gone. Two arenas serve a 2-core machine as well as
sixteen; :func:`trim` hands whole free pages back after big jobs.

Elsewhere than glibc (macOS, musl, Windows) both are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util

ARENAS = 2  # malloc arenas a process may have (glibc's default: 8 per core)
_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)


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


def trim() -> None:
    """Give the heap's free pages back to the system (glibc's ``malloc_trim(0)``)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
