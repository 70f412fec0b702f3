"""Reading a visitor's formula into a bounded Python syntax tree; nothing is evaluated.

Python's own parser (``ast.parse``) only builds a tree. The text is bounded in length before it
and the tree in size and depth after it, so the builder never meets a huge formula.
"""

from __future__ import annotations

import ast
import re

from gd_core.errors import ExpressionError

MAX_LENGTH = 200  # characters of input
_MAX_NODES = 100  # numbers, names, operations and calls in the syntax tree
_MAX_DEPTH = 20  # nesting levels of the syntax tree

# A digit or ')' directly followed by a name or '(' ("2x", "2 x", ")x"), or two terms separated
# only by spaces ("x y", "sin x").
_IMPLICIT_PRODUCT = re.compile(r"[\d.)]\s*[A-Za-z_(]|[\w)]\s+[\w(]")


def read_tree(text: str) -> tuple[str, ast.expr]:
    """The cleaned source and the body of its syntax tree, or raise ExpressionError."""
    if not isinstance(text, str):
        raise ExpressionError("f(x) must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"f(x) is too long (at most {MAX_LENGTH} characters)")
    # '^' means power, with the precedence of '**' (Python's '^' binds looser than '+').
    source = text.strip().replace("^", "**")
    if not source:
        raise ExpressionError("f(x) is empty")
    tree = _parse_tree(source)
    _check_size(tree.body)
    return source, tree.body


def _parse_tree(source: str) -> ast.Expression:
    """Run Python's parser (it only builds a tree; nothing is executed)."""
    try:
        return ast.parse(source, mode="eval")
    except SyntaxError as err:
        raise ExpressionError(_syntax_message(source, err)) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("f(x) could not be read") from None


def _syntax_message(source: str, err: SyntaxError) -> str:
    """Explain a syntax error in terms a student understands."""
    if _IMPLICIT_PRODUCT.search(source):
        return "Missing '*': write 2*x, not 2x, and sin(x), not sin x"
    if "never closed" in str(err.msg) or "unmatched" in str(err.msg):
        return "The parentheses ( ) do not match"
    if err.offset is None:
        return "f(x) could not be read"
    return f"f(x) could not be read: check the formula near character {err.offset}"


def _check_size(root: ast.expr) -> None:
    """Reject trees with too many nodes or too deep nesting (iteratively: no recursion limit)."""
    stack = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > _MAX_NODES:
            raise ExpressionError(f"f(x) is too long (at most {_MAX_NODES} terms and operations)")
        if depth > _MAX_DEPTH:
            raise ExpressionError(
                f"f(x) is nested too deeply or too long (at most {_MAX_DEPTH} levels)"
            )
        children = ast.iter_child_nodes(node)
        stack.extend((child, depth + 1) for child in children if isinstance(child, ast.expr))
