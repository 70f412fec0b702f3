"""The package structure: no import starts a process, no import cycle, gd_core owns no pool.

Imports are read from the source (ast), those inside functions included (a module that
imports another when called depends on it as much), and checked against the modules on disk.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("gd_core", "gd_app")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def module_imports(name: str, path: Path, known: dict) -> set[str]:
    """The project modules ``name`` imports, anywhere in it (a package's __init__ included)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    edges = set()
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            edges.add(target)
            parent = target.rpartition(".")[0]
            while parent:  # importing a.b.c runs a/__init__ and a/b/__init__ first
                if parent in known and parent != name and not name.startswith(parent + "."):
                    edges.add(parent)
                parent = parent.rpartition(".")[0]
    return edges


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: module_imports(name, path, known) for name, path in known.items()}


def test_no_import_cycle():
    edges, state, cycles = graph(), {}, []

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                cycles.append(trail[trail.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_gd_core_imports_no_pool_and_nothing_of_gd_app():
    for name, targets in graph().items():
        if name.startswith("gd_core"):
            assert not [t for t in targets if t.startswith("gd_app")], name
    for name, path in modules().items():
        if name.startswith("gd_core"):
            tree = ast.parse(path.read_text())
            imported = {
                alias.name.split(".")[0]
                for node in ast.walk(tree)
                if isinstance(node, ast.Import)
                for alias in node.names
            } | {
                (node.module or "").split(".")[0]
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom)
            }
            assert not imported & {"multiprocessing", "subprocess", "concurrent"}, name


def test_importing_every_module_starts_no_process():
    names = sorted(
        n for n in modules() if n not in ("gd_app.forkserver", "gd_app.plotting.preload")
    )
    code = (
        "import importlib, psutil\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(len(psutil.Process().children(recursive=True)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "0"
