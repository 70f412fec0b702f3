"""The fit pages' data source (key ``data``): the generated line, a bundled data set, pasted
text or an uploaded CSV file, chosen in the page's main area (after α and N in Tab order).

Bad input is refused with a message naming its line and column; the page then keeps the
last good data (the generated line before any). Pasted data of up to 200 points travels
in the link under ``points``; nothing a visitor sends is written to disk or executed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import streamlit as st

from gd_app import teacher, ui
from gd_app.controls import DATA, SET, Control
from gd_app.data_ranges import data_controls, hidden_values
from gd_app.text import escape_markdown
from gd_core import bundled
from gd_core.data import (
    MAX_BYTES,
    MAX_LINK_POINTS,
    DataError,
    DataSet,
    as_text,
    decode,
    decode_points,
    encode_points,
    numeric_columns,
    pick,
    read_pairs,
    read_table,
)

POINTS = "points"  # the link key of pasted points
PASTE, UPLOAD = "paste_text", "upload_file"  # widget keys, not in the link
X_COLUMN, Y_COLUMN = "x_column", "y_column"
KEPT = "_data_paste_kept"  # the pasted text, while other data is shown
LINK = "_data_link_{}"  # session: the data's link keys on a page, for the class link
DEPENDENT = ("alpha", "theta1", "theta0_start", "theta1_start")  # ranges from the data
WHAT = {
    "line": "points on a generated line",
    "penguins": "Palmer penguins: flipper length (mm) and body mass (g) of 342 penguins",
    "anscombe": "Anscombe's quartet (1973): four sets of 11 points with the same best line",
    "paste": "your own points, pasted",
    "upload": "your own CSV file",
}


@dataclass(frozen=True)
class Source:
    """The data a page runs on (None: the generated line) and whether a link carries it."""

    data: DataSet | None
    travels: bool = True
    changed: bool = False  # the visitor picked other data since the last run

    def controls(self, controls: tuple[Control, ...], *, intercept: bool):
        """The page's controls for this data; a value the new ranges don't hold is dropped, so
        its widget starts at the new default (a select slider does that by itself)."""
        if self.data is not None:
            scaled = intercept and _standardized()
            controls = data_controls(controls, self.data, intercept=intercept, standardized=scaled)
        for control in controls:
            if self.changed and control.key in DEPENDENT:
                st.session_state[control.key] = control.default
                continue
            value = st.session_state.get(control.key)
            if control.kind in ("slider", "number") and isinstance(value, int | float):
                if not control.low <= value <= control.high:
                    del st.session_state[control.key]
            elif control.kind == "select" and value is not None and value not in control.options:
                del st.session_state[control.key]
        return controls

    def values(self, controls: tuple[Control, ...], values: dict) -> dict:
        """The sidebar's values, plus what the page's demo needs to run on this data."""
        if self.data is None:
            return values
        return {**hidden_values(controls), **values, "m": len(self.data), "source": self.data}


def choose(page: str, *, intercept: bool) -> Source:
    """The data section: the ``data`` choice and what it needs; returns the data to run on."""
    good_key = f"_data_good_{page}"
    _points_from_link(page)
    st.header("Data", anchor=False)  # h2: an h3 straight after the h1 skips a level
    raw_kind, raw_set = st.query_params.get(DATA.key), st.query_params.get(SET.key)
    kind = teacher.choice(DATA)  # a bound select box a teacher's link may hide or lock
    ui.report_refused(page, "data", [(DATA, raw_kind, kind)])  # Streamlit drops it silently
    _note(WHAT[kind])
    travels = True
    try:
        if kind == "line":
            data = None
        elif kind == "penguins":
            data = bundled.penguins()
        elif kind == "anscombe":
            which = teacher.choice(SET)
            ui.report_refused(page, "set", [(SET, raw_set, which)])
            data = bundled.anscombe(which)
        elif kind == "paste":
            data, travels = _pasted()
        else:
            data = _uploaded()
            travels = False
    except DataError as error:
        data = _fall_back(good_key, str(error))
        travels = data is None or st.session_state.get(f"{good_key}_travels", True)
    else:
        if data is not None or kind == "line":
            st.session_state[good_key] = data
            st.session_state[f"{good_key}_travels"] = travels
        else:  # nothing given yet: an empty paste or no file
            data = st.session_state.get(good_key)
            travels = data is None or st.session_state.get(f"{good_key}_travels", True)
            st.info(
                (
                    "Paste two columns of numbers, x and y"
                    if kind == "paste"
                    else "Upload a CSV file, then choose its x and y columns"
                )
                + ". Until then the page runs on "
                + (
                    "the generated line." if data is None else f"the last data shown ({data.name})."
                ),
                icon=":material/content_paste:" if kind == "paste" else ":material/upload_file:",
            )
    _keep_link(kind, data, travels)
    st.session_state[LINK.format(page)] = _link_pairs(kind, data)
    changed = _changed(page, data) | _flipped(page, data, intercept=intercept)
    _describe(data, intercept=intercept, travels=travels)
    return Source(data, travels, changed)


def _fall_back(good_key: str, message: str):
    data = st.session_state.get(good_key)
    still = (
        f"The page still shows the last good data ({data.name}, {len(data):,} points)."
        if data is not None
        else "Until good data is given, the page runs on the generated line."
    )
    st.error(escape_markdown(f"{message} {still}"), icon=":material/block:")
    return data


def _pasted() -> tuple[DataSet | None, bool]:
    if PASTE not in st.session_state and KEPT in st.session_state:
        st.session_state[PASTE] = st.session_state[KEPT]  # back from other data: as it was
    text = st.text_area(
        "paste x and y",
        key=PASTE,
        height=150,
        max_chars=MAX_BYTES,
        placeholder="x, y\n1, 2.1\n2, 3.9\n3, 6.2",
        help="Two columns, x and y, one point a line, separated by commas, tabs or spaces. "
        "A header line is optional. Up to 100,000 points.",
    )
    st.session_state[KEPT] = text
    if not text.strip():
        return None, True
    data = _read_pairs(text)
    return data, len(data) <= MAX_LINK_POINTS


def _uploaded() -> DataSet | None:
    file = st.file_uploader(
        "CSV file",
        key=UPLOAD,
        max_upload_size=MAX_BYTES // 1024 // 1024,
        help="A text file of comma-, tab- or space-separated columns, with a header line "
        "naming them. At most 5 MB and 100,000 rows. It stays in memory only.",
    )
    if file is None:
        return None
    raw = file.getvalue()
    if not raw.strip():
        raise DataError(f"The file {file.name} is empty.")
    what = f"The file {file.name}"
    table = _read_file(raw, what)
    numeric = numeric_columns(table) or table.names
    left, right = st.columns(2)
    x = left.selectbox("x column", table.names, table.names.index(numeric[0]), key=X_COLUMN)
    y_default = numeric[1] if len(numeric) > 1 else table.names[1]
    y = right.selectbox("y column", table.names, table.names.index(y_default), key=Y_COLUMN)
    if x == y:
        raise DataError(f"x and y are both the column {x}: choose two different columns.")
    return _pick(table, x, y, file.name, what)


# Reruns (every slider move) reuse what was read: up to 100,000 rows take a while in Python.
# Kept in this process's memory only, keyed by the content itself; errors are not kept.
@lru_cache(maxsize=4)
def _read_pairs(text: str) -> DataSet:
    return read_pairs(text)


@lru_cache(maxsize=4)
def _read_file(raw: bytes, what: str):
    return read_table(decode(raw, what), what)


@lru_cache(maxsize=4)
def _pick(table, x: str, y: str, name: str, what: str) -> DataSet:
    return pick(table, x, y, name=name, what=what)


def _points_from_link(page: str) -> None:
    """On a session's first run of the page, a link's ``points`` fill the paste box."""
    flag = f"_data_link_checked_{page}"
    if flag in st.session_state:
        return
    st.session_state[flag] = True
    raw = st.query_params.get(POINTS)
    if raw is None:
        return
    try:
        data = decode_points(raw, key=POINTS)
    except DataError as error:
        st.warning(escape_markdown(str(error)), icon=":material/link:")
        del st.query_params[POINTS]
        return
    st.session_state[PASTE] = as_text(data)


def _keep_link(kind: str, data: DataSet | None, travels: bool) -> None:
    """``points`` in the link while pasted data that can travel is shown, else no ``points``."""
    if kind == "paste" and data is not None and travels and len(data) <= MAX_LINK_POINTS:
        encoded = encode_points(data)
        if st.query_params.get(POINTS) != encoded:
            st.query_params[POINTS] = encoded
    elif POINTS in st.query_params:
        del st.query_params[POINTS]


def _link_pairs(kind: str, data: DataSet | None) -> tuple[tuple[str, str], ...]:
    """The data keys a link of this page needs (none for the generated line)."""
    pairs = () if kind == DATA.default else ((DATA.key, kind),)
    if kind == "anscombe":
        pairs += ((SET.key, st.session_state.get(SET.key, SET.default)),)
    if POINTS in st.query_params:
        pairs += ((POINTS, st.query_params[POINTS]),)
    return pairs


def _changed(page: str, data: DataSet | None) -> bool:
    """Whether the data differ from the last run's (α and the start then take the new
    data's defaults; a link's own values are kept on its first run)."""
    key = f"_data_digest_{page}"
    digest = None if data is None else data.digest
    changed = key in st.session_state and st.session_state[key] != digest
    st.session_state[key] = digest
    return changed


def _standardized() -> bool:
    """The standardize toggle's value on this run: its widget's, else the link's."""
    key = "standardize"
    value = st.session_state[key] if key in st.session_state else st.query_params.get(key)
    return str(value).lower() in ("true", "1")


def _flipped(page: str, data: DataSet | None, *, intercept: bool) -> bool:
    """Whether standardize was toggled on real data since the last run: α and the start then
    take the defaults of the data as the run sees them, as when the data change."""
    key = f"_data_standardized_{page}"
    now = data is not None and intercept and _standardized()
    flipped = data is not None and key in st.session_state and st.session_state[key] != now
    st.session_state[key] = now
    return flipped


def _describe(data: DataSet | None, *, intercept: bool, travels: bool) -> None:
    if data is None:
        return
    x, y = data.x, data.y
    _note(
        f"{len(data):,} points; {data.x_label} from {x.min():.4g} to "
        f"{x.max():.4g}, {data.y_label} from {y.min():.4g} to {y.max():.4g}."
    )
    if not intercept:
        _note(
            "This page fits a line through the origin, h = θ1·x, to these points: θ1* is the "
            "slope of the best line through (0, 0), not of the best line with an intercept "
            "(the two-parameter page fits that one)."
        )
    if not travels:
        _note(
            f"These points can't travel in the page's link (only pasted data of up to "
            f"{MAX_LINK_POINTS} points does): share the data as CSV, or the Python script "
            "below, which carries it."
        )
        st.download_button(
            "Data (CSV)",
            data=lambda: data_csv(data),
            file_name="data.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/table:",
        )


def _note(text: str) -> None:
    """Small text in the body colour (st.caption's grey fails WCAG AA contrast here)."""
    st.markdown(f":small[{escape_markdown(text)}]")


def data_csv(data: DataSet) -> str:
    """The points as a CSV file with a header, at full precision."""
    rows = "\n".join(f"{a!r},{b!r}" for a, b in zip(data.x.tolist(), data.y.tolist(), strict=True))
    header = ",".join('"' + n.replace('"', "'") + '"' for n in (data.x_label, data.y_label))
    return f"{header}\n{rows}\n"


def caption(source: Source, values: dict) -> str:
    """The page's last line: which data the run is on."""
    if source.data is not None:
        return escape_markdown(f"Data: {source.data.name}, m = {len(source.data):,} points.")
    text = f"Data: m = {values['m']} points"
    if "x_low" in values:
        text += f" on x from {values['x_low']:g} to {values['x_high']:g}"
    return f"{text}, noise {values['noise']:g}."
