import os
import sys
from pathlib import Path

import pytest

# The budget's wall-clock limit is 2 s in production. Under test, on a slow or busy
# machine, a normal run must not be refused for time: the limit here only catches hangs.
# tests/test_budget.py sets the production limit back where it tests the limit itself.
os.environ.setdefault("GD_BUDGET_SECONDS", "60")

ROOT = Path(__file__).resolve().parent.parent
# The seed's own code lives in bench/; tests compare against it.
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Under pytest-xdist, the browser tests run one after another on one worker.

    Each browser module shares one server and one Chromium; two at once on a two-core
    machine would only slow each other. The other worker takes the rest meanwhile.
    """
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
