"""The package's import graph has no cycle (issue 8: the model's core <-> semantics <-> privileged cycle),
counting imports under TYPE_CHECKING and inside functions: a cycle there is still a design knot."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tb" / "lacosim"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> set[str]:
    """The lacosim modules a file imports (from X import y counts X.y when that is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m in known}


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(files)
    # a package's __init__ re-exporting its modules is not a dependency of those modules on it
    return {m: {d for d in imports(p, known) if d != m and not m.startswith(d + ".")} for m, p in files.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(g.get(m, ())):
            if state.get(d) == 1:
                found.append([*stack[stack.index(d):], d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(g):
        if m not in state:
            visit(m)
    return found


@pytest.mark.parametrize("package", ["lacosim.iss", "lacosim"])
def test_no_import_cycle(package: str) -> None:
    g = {m: {d for d in deps if d.startswith(package)} for m, deps in graph().items() if m.startswith(package)}
    assert cycles(g) == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles(g))


def test_the_check_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
