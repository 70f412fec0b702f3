"""The benchmark runs (at toy sizes) and its core agrees with the seed's loop.

No timing is asserted: times on a shared machine are noise. What is asserted
is that every section prints, and that the O(m + N) core's iterates equal the
seed's O(N*m) loop to 1e-9.
"""

import re
import subprocess
import sys

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
