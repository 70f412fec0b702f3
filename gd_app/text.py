"""Text for the page: safe to show, and numbers as links spell them (imports only controls)."""

from __future__ import annotations

import math
import re

import numpy as np

from gd_app.controls import Control


def escape_markdown(text: str) -> str:
    """Text shown in st.error/st.warning/…, read literally: no markdown, LaTeX, icon codes
    (``:material/…:``) or line structure from whatever a visitor put in it."""
    one_line = " ".join(text.split())
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|$<>~:=])", r"\\\1", one_line)


def decade(value: float) -> str:
    """A power of ten as a select slider shows it and a link spells it: 1e-4, 1e-12, 1."""
    exponent = round(math.log10(value))
    return "1" if exponent == 0 else f"1e{exponent}"


def _short(value: float) -> str:
    """Plain digits, as a person types them in a link: 0.00001, 0.7, 3."""
    return np.format_float_positional(value, trim="-")


def spelling(control: Control):
    """How a select slider shows its options, and so how a link spells them: powers of ten
    as 1e-4 (the precision), any other numbers in plain digits (0.7)."""
    decades = all(math.isclose(v, 10.0 ** round(math.log10(v))) for v in control.options)
    return decade if decades else _short
