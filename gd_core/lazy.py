"""SymPy, imported on first use.

The server process only sends jobs on a visitor's text to the SymPy budget's workers
(whose preload imports SymPy); it never computes with SymPy itself. Modules that the
server imports for their names (the job functions, the result classes) reach SymPy
through :data:`sympy`, so the server never loads its ~180 MB.
"""

from __future__ import annotations

import importlib
from typing import Any


class _OnFirstUse:
    """A module's stand-in: the first attribute asked for imports the module."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


sympy: Any = _OnFirstUse("sympy")
