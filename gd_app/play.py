"""Play: the ``step`` scrubber as a moving picture.

The scrubber, the ▶/⏸ and step buttons, the figure and the marked row live in
one ``st.fragment``: a frame reruns only that fragment, never the page with its
history table, verdicts and downloads. While playing, the fragment is
registered with ``run_every = 1/speed``; paused (or at the last iterate) it is
registered without, so an idle page sends no ticks at all. Changing between
the two takes one full rerun, because Streamlit sets a fragment's timer when
the page calls it.

While playing, the scrubber is disabled: each tick carries the scrubber's value
as the browser had it when it sent the tick, often a frame behind, and
Streamlit drops the browser's value of a disabled widget. Playback stops (at
the end, on ⏸ or a step button) only once a tick shows that the browser has the
final iterate, so no tick sent earlier can arrive after the stop (see
:func:`_hold`).

Each tick shows the next iterate, so a student sees every one of them. When a
frame takes longer than its interval, the ticks that came meanwhile are dropped,
not queued: Streamlit folds them into one rerun, and that rerun, arriving just
as the slow frame is done, shows nothing new (see :func:`due_step`). Playback
then slows down instead of piling work onto the server. Frames are drawn outside the shared picture cache
(only the last one is kept, per session), so playing through a long run
evicts nothing another visitor needs.
"""

from __future__ import annotations

import inspect
import re
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from gd_app.controls import SPEED, STEP
from gd_app.tables import key_columns

# Button keys: not URL parameters (only bound widgets are).
PLAY, BACK, FORWARD = "play", "step_back", "step_forward"


@dataclass
class Playback:
    """One page's playback in one session (kept in ``st.session_state``)."""

    playing: bool = False  # the fragment's timer is (to be) running
    holding: int | None = None  # stopping at this iterate, once the browser shows it
    frame_end: float | None = None  # when the last frame was done (None: not playing)
    speed: int = SPEED.default  # frames per second the timer was set for
    shown: int | None = None  # the iterate drawn last
    frame: tuple | None = None  # (arguments, Picture) of the last frame drawn while playing
    revealing: bool = False  # since ▶: draw nothing after the iterate shown (until the end)
    by_button: bool = False  # the scrubber's last move came from ◀/▶, not the visitor's hand

    @property
    def advancing(self) -> bool:
        return self.playing and self.holding is None


DROP = 0.2  # a tick within this fraction of an interval after the last frame is dropped


def due_step(playback: Playback, *, now: float, speed: int, last: int) -> int:
    """The iterate to show for a tick at ``now``: the next one, or the same one again
    when the tick waited while the last frame was drawn (it is dropped)."""
    shown = playback.shown or 0
    end = playback.frame_end
    if end is not None and now - end < DROP / speed:
        return shown
    return min(shown + 1, last)


def playback(page: str) -> Playback:
    return st.session_state.setdefault(f"_playback_{page}", Playback())


# ---------------------------------------------------------------- button callbacks
def _toggle(page: str, last: int) -> None:
    state = playback(page)
    if state.advancing:  # pause on the iterate drawn last
        state.holding = state.shown or 0
        return
    if state.playing:  # ▶ again before the pause took hold
        state.holding = None
        return
    if st.session_state.get(STEP.key, 0) >= last:
        st.session_state[STEP.key] = 0  # ▶ at the end starts again
    state.playing, state.holding, state.frame_end = True, None, None
    state.revealing = True
    state.shown = st.session_state.get(STEP.key, 0)


def _move(page: str, delta: int, last: int) -> None:
    """One iterate back or forward from the one on screen, pausing play."""
    state = playback(page)
    target = min(max(st.session_state.get(STEP.key, 0) + delta, 0), last)
    state.by_button = True
    if state.playing:
        state.holding = target  # see _hold
    else:
        st.session_state[STEP.key] = target


# ---------------------------------------------------------------- the fragment
def player(
    *,
    rows: int,
    table: pd.DataFrame | None,
    draw,
    cached_draw,
    params: dict,
    column_config: dict,
    page: str,
    theme: str,
    step_slider,
    show_picture,
    predicting: bool = False,
    span: int | None = None,
) -> None:
    """Scrubber, play controls, figure and marked row, redrawn alone for each frame.

    ``draw(**params, step=, theme=)`` is the demo's picture function (given
    ``theme`` only if it takes it) and ``cached_draw`` the same through the
    shared cache (used when not playing); ``table`` is the history whose row
    ``step`` is shown under the figure (None: no marked row);
    ``step_slider(rows, page)`` and ``show_picture(picture)`` come from
    :mod:`gd_app.ui`.

    Play reveals, it doesn't spoil: from ▶ until the last iterate (or until the
    visitor moves the scrubber by hand) the picture draws the run only up to the
    iterate shown (``draw(..., reveal=True)``); scrubbing by hand shows the whole
    run with the iterate marked. ``predicting`` (prediction mode, not answered
    yet) reveals at every iterate.

    ``span`` (more than ``rows``): the scrubber spans that many iterates, the most the
    settings allow, so that its length does not tell where a run that stops early ends
    (prediction mode). Past the run's last iterate it shows the last one, and says so;
    play still stops at the run's end.
    """
    state = playback(page)
    themed = "theme" in inspect.signature(draw).parameters
    ticking = state.playing
    speed_now = int(st.session_state.get(SPEED.key, SPEED.default))
    interval = 1.0 / speed_now if ticking else None

    @st.fragment(run_every=interval)
    def frame() -> None:
        last = rows - 1
        if state.advancing:
            _advance(state, last)
        elif state.playing:
            _hold(state, last)
        shown_rows = max(rows, span or 0)
        step = step_slider(shown_rows, page, disabled=state.playing)
        _controls(page, step, last, state, shown_rows - 1)
        if state.playing != ticking or (state.playing and state.speed != speed_now):
            st.rerun(scope="app")  # start, stop or retime the fragment's timer
        if not state.playing and step != state.shown and not state.by_button:
            state.revealing = False  # moved by hand: today's whole picture, iterate marked
        state.by_button = False
        if step >= last and not state.playing:
            state.revealing = False
        reveal = (predicting or state.revealing) and step < last
        arguments = dict(params, step=step) | ({"theme": theme} if themed else {})
        if reveal:
            arguments["reveal"] = True
        if state.playing:
            if state.frame is None or state.frame[0] != arguments:
                state.frame = (arguments, draw(**arguments))
            picture = state.frame[1]
        else:
            state.frame = None
            picture = cached_draw(**arguments)
        show_picture(picture)
        if table is not None:
            marked_row(table, step, column_config)
        _speed()
        state.shown = step
        state.frame_end = time.monotonic() if state.playing else None

    frame()


def _advance(state: Playback, last: int) -> None:
    """Move the scrubber to the iterate due now; hold on to the last one."""
    state.speed = int(st.session_state.get(SPEED.key, SPEED.default))
    step = due_step(state, now=time.monotonic(), speed=state.speed, last=last)
    st.session_state[STEP.key] = step
    if step >= last:
        state.holding = step


def _hold(state: Playback, last: int) -> None:
    """Keep showing the iterate playback stops at; stop the timer once the browser shows it.

    Until then, ticks may still come with an older value of the scrubber: the
    scrubber stays disabled, so Streamlit drops that value. Here, before the
    scrubber is drawn, ``st.session_state`` still holds the browser's value, and
    once that is the iterate held, every later tick carries it too (the
    websocket keeps order): stopping the timer is then safe.
    """
    held = min(state.holding, last)
    browser = st.session_state.get(STEP.key, 0)
    st.session_state[STEP.key] = held
    if browser == held:
        state.playing, state.holding = False, None


def _controls(page: str, step: int, last: int, state: Playback, end: int | None = None) -> None:
    """◀ ▶/⏸ ▶ over the figure, where the eyes are, in one row on a phone too; the
    scrubber ends at ``end`` (the run's ``last`` iterate, unless it spans more)."""
    end = last if end is None else end
    # A row that wraps only what does not fit: the three buttons stay side by side
    # on a phone, where columns would stack them.
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.button(
        "Back",
        key=BACK,
        icon=":material/skip_previous:",
        help="One iterate back (pauses).",
        on_click=_move,
        args=(page, -1, last),
        disabled=step <= 0,
    )
    row.button(
        "Pause" if state.advancing else "Play",
        key=PLAY,
        icon=":material/pause:" if state.advancing else ":material/play_arrow:",
        help="Show the iterates one after another, up to the last one.",
        on_click=_toggle,
        args=(page, last),
        disabled=last < 1,
        type="primary",
    )
    row.button(
        "Next",
        key=FORWARD,
        icon=":material/skip_next:",
        help="One iterate forward (pauses).",
        on_click=_move,
        args=(page, 1, end),
        disabled=step >= end,
    )
    stopped = f" · the run stopped at iterate {last}" if step > last else ""
    row.markdown(
        f":small[Iterate {step} of {end}{stopped}"
        + (" · playing" if state.advancing else "")
        + "]",
        width="content",
    )
    if not state.playing:
        state.speed = int(st.session_state.get(SPEED.key, SPEED.default))


def _speed() -> None:
    """The play speed, under the figure and its row (in the page: the sidebar is a drawer)."""
    st.slider(
        SPEED.label,
        SPEED.low,
        SPEED.high,
        SPEED.default,
        SPEED.step,
        key=SPEED.key,
        help=SPEED.help,
        bind="query-params",
    )


# ---------------------------------------------------------------- the marked row
def marked_row(table: pd.DataFrame, step: int, column_config: dict) -> None:
    """The highlighted iterate's key cells (iteration, parameters, cost, status: they fit a
    phone's width), in the history table's labels and number formats; its other cells are
    in the history table's row."""
    row = table.iloc[min(max(step, 0), len(table) - 1)]
    cells = {}
    for column in key_columns(table.columns):
        value = row[column]
        config: Any = column_config.get(column) or {}
        label = config.get("label") or column
        fmt = (config.get("type_config") or {}).get("format")
        cells[label] = _formatted(value, fmt)
    st.table(pd.DataFrame([cells]), hide_index=True)


def _formatted(value, fmt: str | None) -> str:
    if isinstance(value, str):
        return value
    if pd.isna(value):
        return "–"
    if fmt and fmt.startswith("%"):
        try:  # as the table's formatter writes exponents: e-2, not e-02
            return re.sub(r"e([+-])0+(\d)", r"e\1\2", fmt % value)
        except (TypeError, ValueError):
            pass
    return f"{value:.6g}" if isinstance(value, float) else str(value)
