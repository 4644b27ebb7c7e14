"""Tests reach foi_pipeline through its public names only, so a helper can be renamed, inlined or split without
breaking a test that was never about it; a helper a test needs is made public, with a docstring saying why."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent
PACKAGE = "foi_pipeline"
# Calls that name an attribute by string: `monkeypatch.setattr(module, "_helper", ...)` reaches a private name too.
BY_STRING = {"setattr", "getattr", "hasattr", "delattr"}


def _is_private(name: str) -> bool:
    """A single leading underscore; dunders (`__name__`, `__init__`) are Python's, not the package's."""
    return name.startswith("_") and not name.startswith("__")


def _root(node: ast.expr) -> ast.expr:
    """The name an expression starts from: `report` in `report.x.y`, `Warehouse` in `Warehouse(path).z`."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node


def private_uses(source: str) -> list[str]:
    """Every private foi_pipeline name a test module imports, or reaches from a name it imported from the package."""
    tree = ast.parse(source)
    imported: set[str] = set()
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == PACKAGE:
            for alias in node.names:
                if _is_private(alias.name) or any(_is_private(part) for part in (node.module or "").split(".")):
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
                imported.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    if any(_is_private(part) for part in alias.name.split(".")):
                        found.append((node.lineno, f"import {alias.name}"))
                    imported.add(alias.asname or PACKAGE)

    def from_package(node: ast.expr) -> bool:
        root = _root(node)
        return isinstance(root, ast.Name) and root.id in imported

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr) and from_package(node.value):
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name not in BY_STRING:
                continue
            target = node.args[0]  # monkeypatch.setattr("foi_pipeline.report._helper", ...)
            if (isinstance(target, ast.Constant) and isinstance(target.value, str) and target.value.startswith(f"{PACKAGE}.")
                    and any(_is_private(part) for part in target.value.split("."))):
                found.append((node.lineno, f"{name}({target.value!r})"))
            attr = node.args[1] if len(node.args) > 1 else None
            if (isinstance(attr, ast.Constant) and isinstance(attr.value, str) and _is_private(attr.value)
                    and from_package(target)):
                found.append((node.lineno, f"{name}(..., {attr.value!r})"))
    return [f"line {line}: {use}" for line, use in sorted(found)]


def test_no_test_module_uses_a_private_name_of_the_package():
    offences = [f"{path.name} {use}" for path in sorted(TESTS.glob("*.py"))
                for use in private_uses(path.read_text(encoding="utf-8"))]
    assert not offences, "tests use private foi_pipeline names:\n" + "\n".join(offences)


def test_the_scan_sees_each_way_a_private_name_is_reached():
    source = """
from foi_pipeline.report import _views, build
from foi_pipeline import report
from foi_pipeline.warehouse import Warehouse
import foi_pipeline.cache
from docx import Document

report._bar_chart
Warehouse(path)._current_generation()
foi_pipeline.cache._append_record
monkeypatch.setattr(report, "_draw_bars", None)
monkeypatch.setattr("foi_pipeline.cache._append_record", None)
monkeypatch.setattr(report, "REPORT_VERSION", "changed")
Document()._p
report.__name__
report.build
"""
    assert {use.split(": ", 1)[1] for use in private_uses(source)} == {
        "from foi_pipeline.report import _views", "._bar_chart", "._current_generation", "._append_record",
        "setattr(..., '_draw_bars')", "setattr('foi_pipeline.cache._append_record')"}
