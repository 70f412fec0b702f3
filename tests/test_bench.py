"""The benchmark runs (at toy sizes) and its core agrees with the seed's loop.

No timing is asserted: times on a shared machine are noise. What is asserted
is that every section prints, and that the O(m + N) core's iterates equal the
seed's O(N*m) loop to 1e-9.
"""

import ast
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_benchmark_runs_and_matches_the_seed_loop():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--tiny"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for page in ("one_parameter", "two_parameters"):
        assert re.search(rf"^{page}: seed update \d+ ms", out, re.M)
    assert len(re.findall(r"new value : .* ratio \d+\.\d+", out)) == 2
    assert len(re.findall(r"revisit   : .* ratio \d+\.\d+", out)) == 2
    assert len(re.findall(r"at m = 100,000, N = 1,000: new value +\d+ ms", out)) == 2
    rows = re.findall(r"^\s+(\d[\d,]*)\s+(\d[\d,]*)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(\S+)$", out, re.M)
    assert len(rows) == 4, out
    assert all(float(diff) <= 1e-9 for *_, diff in rows)
    assert re.search(
        r"^optimizers: rerun with six methods at N = 1,000 .* ratio \d+\.\d+", out, re.M
    )


def test_budget_benchmark_runs_and_answers_every_hostile_formula():
    """bench/budget.py at toy size: every line prints; every formula is answered (hostile
    ones refused; none hangs). No time is asserted."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "budget.py"), "--tiny"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env={**os.environ, "GD_BUDGET_SECONDS": "2"},  # the production budget
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    outcomes = re.search(
        r"^hostile corpus: (\d+) formulas through the worker; outcomes (.*)$", out, re.M
    )
    assert outcomes, out
    counts = ast.literal_eval(outcomes.group(2))
    assert set(counts) <= {"refused by the parser", "over budget", "done"}
    assert counts.get("done", 0) <= 1  # only SLOW_SYMPY[0], fast now (its constant is a float)
    assert sum(counts.values()) == int(outcomes.group(1))
    assert re.search(
        r"^hostile corpus: worst time to an answer \d+ ms .* ratio \d+\.\d+$", out, re.M
    )
    assert re.search(r"^other sessions: light request alone [\d.]+ ms", out, re.M)
    assert re.search(
        r"^other sessions: with 1 over-budget job running: .* ratio [\d.]+ ", out, re.M
    )


def _run(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=600, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_gif_benchmark_builds_every_frame_and_times_a_rerun():
    """bench/gif.py at toy size: each page's GIF holds one frame per iterate (20), read back
    from the file by Pillow, and a rerun's figure took a measurable time."""
    out = _run("bench/gif.py", "--tiny")
    found = re.findall(
        r"^(\w+): GIF of (\d+) frames [\d.]+ s \((\d+) KB\); one rerun's figure (\d+) ms", out, re.M
    )
    assert [page for page, *_ in found] == ["one_parameter", "two_parameters", "symbolic"], out
    assert all(int(frames) == 20 and int(kb) > 0 and int(ms) > 0 for _, frames, kb, ms in found)


def test_load_generator_speaks_the_websocket_protocol():
    """Three websocket sessions rerun the real server; every move answers, none errs."""
    out = _run("bench/load.py", "--tiny", "--scenario", "class")
    match = re.search(
        r"^class \(3 of 3 websocket sessions.*: (\d+) moves, median .* errors (\d+)", out, re.M
    )
    assert match, out
    assert int(match[1]) >= 3 and int(match[2]) == 0, out


@pytest.mark.browser
def test_browser_benchmarks_run():
    """The browser scenario of bench/load.py and bench/latency.py, at toy sizes."""
    if not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true requires Chromium at /usr/bin/chromium")
        pytest.skip("Chromium is not installed (no /usr/bin/chromium)")
    out = _run("bench/load.py", "--tiny", "--scenario", "browsers")
    assert re.search(
        r"^browsers \(2 Chromium sessions.*: 4 moves, median .* errors 0$", out, re.M
    ), out
    out = _run("bench/latency.py", "--tiny")
    for case in ("one_parameter", "two_parameters", "bare"):
        assert re.search(rf"^  {case} +\d+ ms \(1\) +\d+ ms \(1\)$", out, re.M), out
