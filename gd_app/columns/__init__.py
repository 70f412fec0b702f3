"""One column spec per demo: every history table's columns, declared once.

A demo's :class:`Spec` lists its columns in order, each with its public name (the
CSV header and the table keep these names, like URL keys), its label and help
text, its number format, and whether it is a key column (shown first, and in the
marked row under the figure). The history table, its ``st.column_config``, the
CSV and the exported script's columns are all derived from it:

- ``spec.frame(values)`` orders a table's columns as declared (and refuses a
  column that is not declared);
- ``spec.config()`` is the table's ``column_config``;
- ``spec.csv(table)`` is the CSV download;
- ``spec.numeric`` are the columns an exported script prints, in order.

The specs themselves are in :mod:`gd_app.columns.fit`, :mod:`gd_app.columns.symbolic`
and :mod:`gd_app.columns.lab`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    name: str  # public: the CSV header and the table's column
    label: str  # what the table's header shows
    help: str = ""
    format: str | None = "%.6g"  # a printf format for a number; None: a text column
    key: bool = False  # shown first on a narrow screen, and in the marked row
    width: str | None = None  # a text column's width in the table ("large"), or its default

    @property
    def numeric(self) -> bool:
        return self.format is not None


@dataclass(frozen=True)
class Spec:
    """A demo's history columns, in the order its table and CSV show them."""

    columns: tuple[Column, ...]

    def __post_init__(self):
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"a column is declared twice: {names}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def numeric(self) -> tuple[str, ...]:
        """The numeric columns, in order: what an exported script prints."""
        return tuple(c.name for c in self.columns if c.numeric)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    def __getitem__(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def frame(self, values: dict) -> pd.DataFrame:
        """A table of ``values`` (name -> column), in the declared order.

        Only declared columns: one a demo computes but never declared is an error,
        so the spec stays the one place a column is named.
        """
        undeclared = set(values) - set(self.names)
        if undeclared:
            raise KeyError(f"columns not in the spec: {sorted(undeclared)}")
        return pd.DataFrame({name: values[name] for name in self.names if name in values})

    def config(self) -> dict:
        """The table's ``column_config``: each column's label, help and format."""
        import streamlit as st  # here, not at import: the specs are plain data

        config = {}
        for c in self.columns:
            if c.numeric:
                config[c.name] = st.column_config.NumberColumn(
                    c.label, format=c.format, help=c.help
                )
            else:
                config[c.name] = st.column_config.TextColumn(c.label, help=c.help, width=c.width)
        return config

    def csv(self, table: pd.DataFrame) -> str:
        """The table as CSV, every number at full precision, its columns in the spec's order."""
        ordered = [name for name in self.names if name in table.columns]
        return table[ordered].to_csv(
            index=False, float_format="%.17g", na_rep="", lineterminator="\n"
        )
