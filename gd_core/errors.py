"""The expected failures, one type each. Pages catch exactly these; anything else is a bug.

* :class:`ExpressionError`: the parser refuses a formula (str(err) says why, for a student).
* :class:`OutsideDomain`: the start x0 is outside f's domain (f or f′ is not a real number there).
* :class:`OverBudget`: SymPy work on a visitor's text ran past the time or memory budget.
"""


class ExpressionError(ValueError):
    """Input rejected; str(err) is a short message for a student, saying what is not allowed."""


class OutsideDomain(ValueError):
    """The initial guess is outside f's domain; str(err) says where and why."""


class OverBudget(RuntimeError):
    """Work on a visitor's text took too long or too much memory and was stopped."""
