"""gd_core: the maths of the gradient-descent explorer (numpy and sympy only)."""
