"""A fresh ``streamlit run streamlit_app.py`` on 127.0.0.1 for the browser tests, stopped on exit."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from server import free_port, healthy  # bench/server.py: the benchmarks start servers alike

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server's process group (it was started in a session of its own)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@contextlib.contextmanager
def streamlit_server(log_dir: Path, name: str, startup_timeout: float = 60) -> Iterator[Server]:
    """A fresh ``streamlit run`` on a free port of 127.0.0.1, stopped on exit."""
    for attempt in range(3):  # a free port can be taken between the probe and the bind
        port = free_port()
        log = log_dir / f"streamlit-{name}-{port}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    "streamlit_app.py",
                    "--server.headless",
                    "true",
                    "--server.address",
                    "127.0.0.1",
                    "--server.port",
                    str(port),
                    "--browser.gatherUsageStats",
                    "false",
                    # The app's files may be edited while the tests run: don't reload them.
                    "--server.fileWatcherType",
                    "none",
                ],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        server = Server(url=f"http://127.0.0.1:{port}", process=process, log=log)
        try:
            deadline = time.monotonic() + startup_timeout
            while time.monotonic() < deadline and process.poll() is None:
                if healthy(server.url):
                    break
                time.sleep(0.25)
            if process.poll() is not None and attempt < 2 and "not available" in server.log_tail():
                continue  # lost the port race: try another port
            if not healthy(server.url):
                raise RuntimeError(
                    f"streamlit did not answer on {server.url} within {startup_timeout:.0f} s "
                    f"(exit code {process.poll()}):\n{server.log_tail()}"
                )
            yield server
            return
        finally:
            _stop(process)
    raise RuntimeError("could not find a free port for streamlit")
