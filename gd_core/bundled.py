"""The real data sets shipped in the repository's ``data/`` folder (see the note beside each).

Read with the same checks as a visitor's data (:mod:`gd_core.data`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from gd_core.data import DataSet, pick, read_table

DATA = Path(__file__).resolve().parent.parent / "data"
ANSCOMBE_SETS = ("I", "II", "III", "IV")


def _table(name: str):
    return read_table((DATA / name).read_text(encoding="utf-8"), what=f"data/{name}")


@cache
def penguins() -> DataSet:
    """Palmer penguins: x = flipper length (mm), y = body mass (g); rows missing either dropped."""
    return pick(
        _table("penguins.csv"),
        "flipper_length_mm",
        "body_mass_g",
        name="Palmer penguins",
        missing=("NA",),
        labels=("flipper length (mm)", "body mass (g)"),
    )


@cache
def anscombe(which: str) -> DataSet:
    """One of Anscombe's four sets (1973), 11 points each: "I", "II", "III" or "IV"."""
    if which not in ANSCOMBE_SETS:
        raise ValueError(f"Anscombe's sets are {', '.join(ANSCOMBE_SETS)}, not {which!r}")
    table = _table("anscombe.csv")
    rows = [i for i, row in enumerate(table.rows) if row[0] == which]
    chosen = type(table)(
        table.names, tuple(table.rows[i] for i in rows), tuple(table.lines[i] for i in rows), True
    )
    return pick(chosen, "x", "y", name=f"Anscombe's quartet, set {which}")
