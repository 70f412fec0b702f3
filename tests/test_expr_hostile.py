"""The parser against hostile input: code injection and denial of service."""

import ast
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
