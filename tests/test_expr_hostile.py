"""The parser against hostile input: code injection and denial of service."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from expr_checks import outcome_of
from hostile import HOSTILE

import gd_core.expr
from gd_core.expr import MAX_LENGTH, ExpressionError, parse_expression


def _short_id(text: str) -> str:
    return repr(text[:40]) + (f"...({len(text)} chars)" if len(text) > 40 else "")


@pytest.mark.parametrize("text", HOSTILE, ids=_short_id)
def test_hostile_input_is_rejected(text):
    outcome = outcome_of(text)
    assert isinstance(outcome, ExpressionError), f"accepted: {outcome}"


def test_code_injection_has_no_side_effect(tmp_path: Path):
    target = tmp_path / "pwned"
    payloads = [
        f"__import__('pathlib').Path('{target}').touch()",
        f"open('{target}', 'w')",
        f"__import__('os').system('touch {target}')",
        f"exec(\"open('{target}', 'w')\")",
        f"eval(\"open('{target}', 'w')\")",
        f"[open('{target}', 'w') for x in (1,)]",
        f"(lambda: open('{target}', 'w'))()",
        f"x if open('{target}', 'w') else x",
    ]
    for payload in payloads:
        assert len(payload) <= MAX_LENGTH  # so the whitelist, not the length check, rejects it
        ast.parse(payload, mode="eval")  # valid Python: eval() would create the file
        with pytest.raises(ExpressionError):
            parse_expression(payload)
    assert not target.exists()


def test_parser_never_names_eval_or_sympify():
    """Static check: no module of the parser refers to an evaluating function."""
    files = sorted(Path(gd_core.expr.__file__).parent.glob("*.py"))
    assert {path.name for path in files} >= {"__init__.py", "syntax.py", "build.py"}
    names, attributes = set(), set()
    for path in files:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                attributes.add(node.attr)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name)
    evaluators = {"eval", "exec", "compile", "__import__", "sympify", "S", "parse_expr"}
    assert "parse" in attributes  # the walk sees real code (ast.parse)
    assert not names & evaluators
    assert not attributes & (evaluators | {"parsing"}) - {"compile"}  # re.compile is fine


REFUSED_UNBUILT = """
import sys
from gd_core.errors import ExpressionError
from gd_core.expr import parse_expression

for text in ["x+" * 150, b"x", "2x", "sin(" * 25 + "x" + ")" * 25]:
    for variables in [("x",), ("x", "y")]:
        try:
            parse_expression(text, variables)
        except ExpressionError:
            pass
        else:
            raise AssertionError(text)
print("sympy loaded:", "sympy" in sys.modules)
"""


def test_text_refused_before_it_is_built_never_imports_sympy():
    """The server refuses a too long formula itself (gd_app.demos.symbolic.run_symbolic): that
    must not load SymPy into it. A fresh interpreter, as this one has imported SymPy."""
    done = subprocess.run(
        [sys.executable, "-c", REFUSED_UNBUILT],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "sympy loaded: False" in done.stdout, done.stdout
