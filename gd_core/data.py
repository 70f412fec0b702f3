"""A visitor's own (x, y) data: read, checked and frozen, or refused with a message.

Text is only split and matched against a decimal-number pattern; nothing is
evaluated, and nothing is written anywhere. Every refusal is a
:class:`DataError` whose message names the line and column it is about.

* :func:`read_pairs`: pasted text, two columns x and y, separated by commas,
  tabs or spaces, with an optional header line;
* :func:`read_table` then :func:`pick`: an uploaded CSV file (bytes), whose
  columns are chosen by name;
* :func:`encode_points` / :func:`decode_points`: up to 200 points, compactly in a
  link (zlib, then URL-safe base64), decoded with the same checks.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import re
import zlib
from dataclasses import dataclass, field

import numpy as np

MAX_BYTES = 5 * 1024 * 1024  # an upload, or a paste, of at most 5 MB
MAX_ROWS = 100_000
MAX_MAGNITUDE = 1e12
MAX_LINK_POINTS = 200
MAX_LABEL = 60  # characters of a column name kept as an axis label
MAX_LINK_CHARS = 8_000  # an encoded `points` value; 200 points need far fewer

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
# C0 controls other than tab, newline, carriage return and form feed, and the C1
# controls: no text file has them, and decoding any binary file as Latin-1 does.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class DataError(ValueError):
    """Data that can't be used; the message says where and why, for the visitor."""


@dataclass(frozen=True, eq=False)
class DataSet:
    """Points (x, y), each shape (m,), read-only, with what the axes measure.

    Equal (and hashed) by content, so runs on the same points share caches.
    """

    x: np.ndarray
    y: np.ndarray
    name: str
    x_label: str = "x"
    y_label: str = "y"
    digest: str = field(default="", repr=False)

    def __post_init__(self):
        for array in (self.x, self.y):
            array.setflags(write=False)
        content = hashlib.sha256()
        for part in (self.x.tobytes(), self.y.tobytes(), self.name.encode(), self.x_label.encode()):
            content.update(part + b"\x00")
        content.update(self.y_label.encode())
        object.__setattr__(self, "digest", content.hexdigest())

    def __eq__(self, other):
        return isinstance(other, DataSet) and other.digest == self.digest

    def __hash__(self):
        return hash(self.digest)

    def __len__(self):
        return len(self.x)


@dataclass(frozen=True, eq=False)
class Table:
    """Cells of a text table: column names, data rows and each row's line number (from 1).

    Compared and hashed by identity: a table read once can key a cache cheaply.
    """

    names: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    header: bool
    first_line: int = 1  # the line of the header, or of the first row


# ---------------------------------------------------------------- bytes and text
def decode(raw: bytes, what: str = "The file") -> str:
    """Bytes of a text file as text: UTF-8 (with or without BOM), else Latin-1."""
    if len(raw) > MAX_BYTES:
        raise DataError(
            f"{what} is {len(raw) / 1024 / 1024:.1f} MB; at most {MAX_BYTES // 1024 // 1024} MB "
            "are allowed."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # every byte is a Latin-1 character: check them below
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise DataError(
            f"{what} is not a text file in UTF-8 or Latin-1: line {line}, column {column} holds "
            f"the control character {ord(bad.group()):#04x}. Upload a CSV file saved as text."
        )
    return text


def _split(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each non-blank line; commas, else tabs, else spaces separate."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        return []
    first = lines[0][1]
    if "," in first or "\t" in first:
        delimiter = "," if "," in first else "\t"
        # One line at a time: a line number is always the line's own, whatever its quotes.
        return [
            (n, [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter))])
            for n, line in lines
        ]
    return [(n, line.split()) for n, line in lines]


def _is_number(cell: str) -> bool:
    return bool(_NUMBER.fullmatch(cell))


def read_table(text: str, what: str = "The file") -> Table:
    """Rows of equal length; the first is a header when any of its cells is not a number."""
    if len(text) > MAX_BYTES:
        raise DataError(f"{what} has {len(text):,} characters; at most {MAX_BYTES:,} are allowed.")
    split = _split(text)
    if not split:
        raise DataError(f"{what} is empty: give two columns of numbers, x and y.")
    first_line, first = split[0]
    header = not all(_is_number(c) or _NOT_FINITE.fullmatch(c) for c in first)
    names = tuple((c or f"column {j}") if header else f"column {j}" for j, c in enumerate(first, 1))
    body = split[1:] if header else split
    if len(names) < 2:
        raise DataError(
            f"{what}: line {first_line} has only one column; two are needed (x and y), separated "
            "by a comma, a tab or spaces."
        )
    if len(body) > MAX_ROWS:
        raise DataError(f"{what} has {len(body):,} rows of data; at most {MAX_ROWS:,} are allowed.")
    if not body:
        raise DataError(f"{what} has a header but no rows of numbers under it.")
    for n, cells in body:
        if len(cells) != len(names):
            raise DataError(
                f"{what}: line {n} has {len(cells)} value{'s' if len(cells) != 1 else ''}, but "
                f"line {first_line} has {len(names)}: every row needs the same columns."
            )
    return Table(
        names=names,
        rows=tuple(tuple(cells) for _, cells in body),
        lines=tuple(n for n, _ in body),
        header=header,
        first_line=first_line,
    )


def column(table: Table, name: str, *, missing: tuple[str, ...] = (), what: str = "The file"):
    """The column ``name`` as floats (nan where a cell is in ``missing``), or a DataError."""
    if name not in table.names:
        raise DataError(f"{what} has no column {name!r}; its columns are {', '.join(table.names)}.")
    j = table.names.index(name)
    values = np.empty(len(table.rows))
    for i, (row, line) in enumerate(zip(table.rows, table.lines, strict=True)):
        cell = row[j]
        if cell in missing:
            values[i] = np.nan
            continue
        where = f"line {line}, column {j + 1} ({name})"
        if _NOT_FINITE.fullmatch(cell):
            raise DataError(f"{what}, {where}: {cell} is not a finite number.")
        if not _is_number(cell):
            shown = cell if len(cell) <= 20 else cell[:17] + "…"
            raise DataError(f"{what}, {where}: {shown!r} is not a number.")
        value = float(cell)
        if not abs(value) <= MAX_MAGNITUDE:
            raise DataError(
                f"{what}, {where}: {cell} is beyond ±{MAX_MAGNITUDE:.0e} in size; "
                "rescale the data (e.g. to thousands or millions)."
            )
        values[i] = value
    return values


# ---------------------------------------------------------------- data sets
def dataset(x, y, *, name: str, x_label: str = "x", y_label: str = "y") -> DataSet:
    """A checked DataSet: finite, at most 1e12 in size, at least 2 distinct x values."""
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)
    x_label, y_label = (_label(label) for label in (x_label, y_label))
    if x.shape != y.shape or x.ndim != 1:
        raise DataError("x and y need the same number of values.")
    if len(x) > MAX_ROWS:
        raise DataError(f"{len(x):,} points; at most {MAX_ROWS:,} are allowed.")
    for label, values in ((x_label, x), (y_label, y)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DataError(
                f"point {bad[0] + 1} has {label} = {values[bad[0]]}: not a finite number."
            )
        big = np.flatnonzero(np.abs(values) > MAX_MAGNITUDE)
        if big.size:
            raise DataError(
                f"point {big[0] + 1} has {label} = {values[big[0]]:g}, beyond ±{MAX_MAGNITUDE:.0e}."
            )
    if len(np.unique(x)) < 2:
        shown = f"all {len(x)} points have {x_label} = {x[0]:g}" if len(x) else "no points"
        raise DataError(
            f"A line needs at least 2 distinct {x_label} values, and {shown}: "
            "no single best line goes through them."
        )
    return DataSet(x=x, y=y, name=name, x_label=x_label, y_label=y_label)


def _label(text: str) -> str:
    """A column name as an axis label: one line, at most MAX_LABEL characters."""
    text = " ".join(str(text).split()) or "?"
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def pick(
    table: Table,
    x: str,
    y: str,
    *,
    name: str,
    what: str = "The file",
    missing: tuple[str, ...] = (),
    labels: tuple[str, str] | None = None,
) -> DataSet:
    """Columns ``x`` and ``y`` of ``table``; rows with a ``missing`` cell in either are dropped.

    The axes are labelled with the column names unless ``labels`` says otherwise.
    """
    xs = column(table, x, missing=missing, what=what)
    ys = column(table, y, missing=missing, what=what)
    keep = ~(np.isnan(xs) | np.isnan(ys))
    x_label, y_label = labels or (x, y)
    return dataset(xs[keep], ys[keep], name=name, x_label=x_label, y_label=y_label)


def read_pairs(text: str, *, name: str = "pasted data", what: str = "The pasted text") -> DataSet:
    """Two columns, x and y, as pasted: header optional."""
    table = read_table(text, what)
    if len(table.names) != 2:
        raise DataError(
            f"{what} has {len(table.names)} columns on line {table.first_line}; "
            "paste exactly two, x and y."
        )
    x, y = table.names if table.header else ("x", "y")
    if not table.header:
        table = Table((x, y), table.rows, table.lines, header=False, first_line=table.first_line)
    return pick(table, x, y, name=name, what=what)


def numeric_columns(table: Table, *, limit: int = 1_000) -> tuple[str, ...]:
    """Names of the columns whose first ``limit`` cells are all numbers: the likely x and y."""
    rows = table.rows[:limit]
    return tuple(
        name for j, name in enumerate(table.names) if all(_is_number(row[j]) for row in rows)
    )


# ---------------------------------------------------------------- links
def _shortest(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def as_text(data: DataSet) -> str:
    """The points as two tab-separated columns under a header: :func:`read_pairs` reads it
    back to the same float64 values."""
    names = (" ".join(n.split()) or "x" for n in (data.x_label, data.y_label))
    head = "\t".join(names)
    return (
        head
        + "\n"
        + "\n".join(f"{_shortest(a)}\t{_shortest(b)}" for a, b in zip(data.x, data.y, strict=True))
    )


def encode_points(data: DataSet) -> str:
    """Up to :data:`MAX_LINK_POINTS` points as a link value: zlib, then URL-safe base64."""
    if len(data) > MAX_LINK_POINTS:
        raise ValueError(f"only up to {MAX_LINK_POINTS} points travel in a link")
    packed = zlib.compress(as_text(data).encode("utf-8"), 9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_points(value: str, *, key: str = "points") -> DataSet:
    """A link's ``points`` value back to its data set, or a DataError naming ``key``."""
    refused = (
        f"The link's {key} value is not allowed: it must be up to {MAX_LINK_POINTS} points "
        "as this page writes them into its links"
    )
    if len(value) > MAX_LINK_CHARS:
        raise DataError(f"{refused}, at most {MAX_LINK_CHARS:,} characters ({len(value):,} given).")
    try:
        packed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        inflate = zlib.decompressobj()
        raw = inflate.decompress(packed, 40 * MAX_LINK_POINTS + 400)
        if inflate.unconsumed_tail or not inflate.eof:
            raise DataError(f"{refused}; this one is cut short or too long.")
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError, zlib.error) as error:
        if isinstance(error, DataError):
            raise
        raise DataError(f"{refused}; this one can't be read.") from None
    try:
        data = read_pairs(text, what=f"The link's {key} value")
    except DataError as error:
        raise DataError(f"{refused}. {error}") from None
    if len(data) > MAX_LINK_POINTS:
        raise DataError(f"{refused}; this one has {len(data):,}.")
    return data
