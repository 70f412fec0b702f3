import os
import sys
from pathlib import Path

# The budget's wall-clock limit is 2 s in production. Under test, on a slow or busy
# machine, a normal run must not be refused for time: the limit here only catches hangs.
# tests/test_budget.py sets the production limit back where it tests the limit itself.
os.environ.setdefault("GD_BUDGET_SECONDS", "60")

ROOT = Path(__file__).resolve().parent.parent
# The seed's own code lives in bench/; tests compare against it.
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
