import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The seed's own code lives in bench/; tests compare against it.
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
