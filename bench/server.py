"""A real ``streamlit run`` for the browser and load benchmarks, and Streamlit's wire protocol.

The server runs in its own process group on a free port of 127.0.0.1 and is
stopped on exit. :class:`WireSession` speaks the protocol the Streamlit 1.67
frontend speaks, without a browser: one websocket to ``/_stcore/stream``
carrying protobufs (``BackMsg`` up, ``ForwardMsg`` down, from
``streamlit.proto``). A rerun is a ``BackMsg.rerun_script`` holding every
widget's current value; the run is over at ``ForwardMsg.script_finished``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIDS: dict[str, int] = {}  # base URL -> the pid of its ``streamlit run`` (for bench/memory.py)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def streamlit_server(script: str = "streamlit_app.py", log: Path | None = None) -> Iterator[str]:
    """``streamlit run script`` (a path under the repository); yields its base URL."""
    port = free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "streamlit", "run", script),
            *("--server.headless", "true", "--server.address", "127.0.0.1"),
            *("--server.port", str(port), "--browser.gatherUsageStats", "false"),
            *("--server.fileWatcherType", "none"),
        ],
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    PIDS[url] = process.pid
    try:
        deadline = time.monotonic() + 60
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit run {script} did not start (see {log})")
            time.sleep(0.2)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if log:
            out.close()


# ------------------------------------------------------------------ the wire protocol
class WireSession:
    """One visitor without a browser: a websocket session and the widgets it has seen."""

    def __init__(self, url: str):
        self.url = url
        self.widgets: dict[str, object] = {}  # widget id -> WidgetState to send back
        self.keys: dict[str, str] = {}  # user key (the URL parameter) -> widget id
        self.options: dict[str, list[str]] = {}  # widget id -> a select slider's options
        self.image = ""  # the figure's media URL in the last run
        self.errors: list[str] = []  # exceptions the last run showed
        self.page_hash = ""
        self._finished: asyncio.Queue = asyncio.Queue()
        self._socket = None
        self._reader = None

    async def open(self, page: str, query: str = "", timeout: float = 60) -> None:
        from websockets.asyncio.client import connect

        ws_url = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        self._socket = await connect(
            ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout
        )
        self._reader = asyncio.create_task(self._read())
        await self.rerun(page_name=page, query=query, timeout=timeout)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            with contextlib.suppress(BaseException):
                await self._reader

    async def move(self, key: str, value: float, timeout: float = 60) -> None:
        """Set the slider ``key`` to ``value`` and rerun, as the browser does.

        A select slider is sent its option nearest ``value``, as the text it shows.
        """
        widget_id = self.keys[key]
        state = self.widgets[widget_id]
        options = self.options.get(widget_id)
        if options:
            nearest = min(options, key=lambda option: abs(float(option) - value))
            del state.string_array_value.data[:]
            state.string_array_value.data.append(nearest)
        else:
            del state.double_array_value.data[:]
            state.double_array_value.data.append(value)
        await self.rerun(timeout=timeout)

    async def rerun(self, *, page_name: str = "", query: str = "", timeout: float = 60) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        client = message.rerun_script
        client.query_string = query
        client.page_name = page_name
        client.page_script_hash = "" if page_name else self.page_hash
        client.widget_states.widgets.extend(self.widgets.values())
        client.context_info.timezone = "UTC"
        client.context_info.locale = "en-US"
        while not self._finished.empty():
            self._finished.get_nowait()
        self.errors = []
        await self._socket.send(message.SerializeToString())
        while True:  # a first run may stop early and rerun itself (deep links do)
            status = await asyncio.wait_for(self._finished.get(), timeout)
            if status != "FINISHED_EARLY_FOR_RERUN":
                break
        if status not in ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"):
            raise RuntimeError(f"the run ended with {status}")

    async def fetch_image(self) -> int:
        """GET the figure as the browser would; returns its size in bytes."""
        url = self.url + self.image if self.image.startswith("/") else self.image

        def get() -> int:
            with urllib.request.urlopen(url, timeout=60) as response:
                return len(response.read())

        return await asyncio.to_thread(get)

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        async for data in self._socket:
            message = ForwardMsg()
            message.ParseFromString(data)
            kind = message.WhichOneof("type")
            if kind == "delta":
                self._element(message.delta)
            elif kind == "new_session":
                self.page_hash = message.new_session.page_script_hash
            elif kind == "navigation":
                self.page_hash = message.navigation.page_script_hash
            elif kind == "script_finished":
                name = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
                self._finished.put_nowait(name)

    def _element(self, delta) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors.append(element.exception.message)
        elif kind == "imgs" and element.imgs.imgs:
            self.image = element.imgs.imgs[0].url
        elif kind in ("slider", "number_input", "text_input"):
            widget = getattr(element, kind)
            state = WidgetState(id=widget.id)
            if kind == "slider" and widget.options:  # a select slider: its options' text
                self.options[widget.id] = list(widget.options)
                indices = widget.value if widget.set_value else widget.default
                state.string_array_value.data.extend(widget.options[int(i)] for i in indices)
            elif kind == "slider":
                state.double_array_value.data.extend(
                    widget.value if widget.set_value else widget.default
                )
            elif kind == "number_input":
                value = widget.value if widget.set_value else widget.default
                if widget.data_type == widget.INT:
                    state.int_value = int(value)
                else:
                    state.double_value = value
            else:
                state.string_value = widget.value if widget.set_value else widget.default
            self.widgets[widget.id] = state
            if widget.id.startswith("$$ID") and "-" in widget.id:
                self.keys[widget.id.rsplit("-", 1)[-1]] = widget.id


# ------------------------------------------------------------------ in the browser
# Installed before a key press: the time of the press (keydown, trusted, from
# Playwright) and of the moment the figure with a new source has loaded and
# decoded, both on the page's clock.
WATCH_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const image = () => main.querySelector('[data-testid="stImage"] img');
  const watch = {before: image()?.getAttribute('src'), pressed: null, loaded: null};
  window.__watch = watch;
  document.addEventListener('keydown', () => { watch.pressed ??= performance.now(); },
                            {capture: true, once: true});
  const check = () => {
    const img = image();
    const src = img?.getAttribute('src');
    if (!src || src === watch.before || watch.loaded !== null || watch.seen === src) return;
    watch.seen = src;
    img.decode().then(() => {
      if (watch.loaded === null && image() === img && img.getAttribute('src') === src) {
        watch.loaded = performance.now();
        observer.disconnect();
      }
    }, () => {});
  };
  const observer = new MutationObserver(check);
  observer.observe(main, {subtree: true, childList: true, attributes: true,
                          attributeFilter: ['src']});
  const app = document.querySelector('[data-testid="stApp"]');
  const state = new MutationObserver((records) => {
    const now = performance.now();
    if (app.getAttribute('data-test-script-state') === 'running') watch.started ??= now;
    if (records.some(r => r.oldValue === 'running')) {
      watch.started ??= now;
      watch.finished ??= now;
    }
  });
  state.observe(app, {attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
}"""

# Where the time went, on the page's clock: key press -> the app shows its script
# running (the rerun request reached the server and it answered) -> not running
# (the run's elements arrived) ; the figure's fetch (Resource Timing; none when the
# browser had the bytes already) ; decoded.
PHASES_JS = """() => {
  const w = window.__watch;
  const img = document.querySelector('[data-testid="stMain"] [data-testid="stImage"] img');
  const fetch = performance.getEntriesByName(img.src).filter(e => e.startTime >= w.pressed).at(-1);
  return {
    to_running: (w.started ?? NaN) - w.pressed,
    running: (w.finished ?? NaN) - (w.started ?? NaN),
    fetch_start: fetch ? fetch.startTime - w.pressed : NaN,
    fetch: fetch ? fetch.responseEnd - fetch.startTime : NaN,
    total: w.loaded - w.pressed,
  };
}"""

IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('[data-stale="true"]');
}"""


async def open_and_settle(page, url: str, timeout: float = 120) -> None:
    """Go to ``url`` and wait until its figure is shown and the app is idle (twice)."""
    await page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    await page.locator('[data-testid="stMain"] [data-testid="stImage"] img').first.wait_for(
        timeout=timeout * 1000
    )
    for _ in range(2):
        await page.wait_for_function(IDLE_JS, timeout=timeout * 1000)
        await page.wait_for_timeout(150)


async def press_until_new_figure(page, key: str, button: str, timeout: float = 60) -> float:
    """Press ``button`` on the slider ``key``; seconds from the key press to the new figure."""
    await page.locator(f'.st-key-{key} input[type="range"]').first.focus()
    await page.evaluate(WATCH_JS)
    await page.keyboard.press(button)
    await page.wait_for_function(
        "() => window.__watch.loaded !== null && window.__watch.pressed !== null",
        timeout=timeout * 1000,
    )
    took = await page.evaluate("() => window.__watch.loaded - window.__watch.pressed")
    await page.wait_for_function(IDLE_JS, timeout=timeout * 1000)
    return took / 1000
