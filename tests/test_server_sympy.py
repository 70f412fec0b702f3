"""The server process never imports SymPy: every SymPy computation on a visitor's text runs
in a budget worker, so the server is spared its memory (see gd_core/lazy.py)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every page opened once with AppTest in a fresh interpreter (this test process has
# imported SymPy long ago), the symbolic and lab pages with a formula of their own.
SCRIPT = """
import sys
from streamlit.testing.v1 import AppTest

for page, query in [
    ("streamlit_app.py", {}),
    ("pages/one_parameter.py", {}),
    ("pages/two_parameters.py", {}),
    ("pages/symbolic.py", {"f": "x**4 - 3*x**2 + x"}),
    ("pages/optimizers.py", {"f": "(x - 1)**2 + 3*y**2"}),
    ("pages/lessons.py", {}),
]:
    at = AppTest.from_file(page, default_timeout=180)
    at.query_params.update(query)
    at.run()
    assert not at.exception, (page, [e.value for e in at.exception])
    assert at.main.children, page
print("sympy loaded:", "sympy" in sys.modules)
"""


def test_the_server_imports_no_sympy_after_every_page_is_opened():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "sympy loaded: False" in done.stdout, done.stdout
