"""Module-level jobs for tests/test_budget.py and test_workers.py (a job is pickled by name, so it lives in a module)."""

import os
import time


def add(a, b=0):
    return a + b


def pid():
    return os.getpid()


def imported(module):
    """Whether ``module`` is loaded in this process."""
    import sys

    return module in sys.modules


def sleep(seconds):
    time.sleep(seconds)
    return seconds


def spin():
    while True:
        pass


def allocate(megabytes):
    return len(bytearray(megabytes << 20))


def raise_value_error():
    raise ValueError("a bug, not an expected failure")


def raise_expression_error(text):
    from gd_core.errors import ExpressionError

    raise ExpressionError(text)


def return_sympy():
    import sympy

    return sympy.Symbol("x") + 1


def exit_hard():
    os._exit(3)
