"""The package's parts and the one-way dependencies between them (see DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "concurrency_lint"

# part -> parts it must never import
FORBIDDEN = {
    "parallel": {"*"},
    "model": {"*"},
    "knowledge": {
        "analysis",
        "checking",
        "cli",
        "fixes",
        "inventory",
        "project",
        "report",
        "rules",
        "server",
    },
    "sources": {
        "analysis",
        "checking",
        "cli",
        "fixes",
        "inventory",
        "project",
        "report",
        "rules",
        "server",
    },
    "analysis": {"checking", "cli", "fixes", "inventory", "project", "report", "rules", "server"},
    "project": {"checking", "cli", "fixes", "inventory", "report", "rules", "server"},
    "rules": {"cli", "report", "inventory", "server"},
    "checking": {"cli", "report", "inventory", "server"},
    "report": {"checking", "cli", "fixes", "inventory", "rules", "server"},
}


def _part_of(path: Path) -> str:
    relative = path.relative_to(ROOT)
    if relative.parts[0] == "rules":
        return "rules"
    inner = relative.parts[1:]
    return inner[0] if len(inner) > 1 else Path(inner[0]).stem


def _imported_parts(path: Path) -> set[str]:
    parts = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            bits = name.split(".")
            if bits[0] == "concurrency_lint":
                parts.add(bits[1] if len(bits) > 1 else "concurrency_lint")
    return parts


def _sources() -> list[Path]:
    return sorted([*PACKAGE.rglob("*.py"), *(ROOT / "rules").glob("*.py")])


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_run_one_way(path: Path) -> None:
    part = _part_of(path)
    forbidden = FORBIDDEN.get(part, set())
    imported = _imported_parts(path) - {part}
    if "*" in forbidden:
        assert not imported, f"{part} must import nothing of the linter, imports {imported}"
    else:
        assert not imported & forbidden, f"{part} imports {imported & forbidden}"


def test_package_root_keeps_only_shared_modules() -> None:
    loose = {p.name for p in PACKAGE.glob("*.py")}
    assert loose == {"__init__.py", "__main__.py", "model.py", "config.py", "testing.py"}


def test_every_package_is_installed() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for init in PACKAGE.rglob("__init__.py"):
        dotted = ".".join(init.parent.relative_to(ROOT).parts)
        assert f'"{dotted}"' in text, f"{dotted} is missing from pyproject's packages"
