"""The layers of ``src/research`` and the rules for what may import what (docs/architecture.md).

Every import is checked, including those inside functions: an analysis package that loads files or
knows about papermill breaks the report seam even when the import is hidden in a function body.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "research"
LAYERS = ("core", "data", "present", "run")
#: Pure definitions of the data layer that analysis code may use: the canonical vocabulary, the
#: statutory hourly-pay formula and the data profile (no file access, no generation).
TOPIC_MAY_USE_FROM_DATA = ("research.data.schema", "research.data.hourly", "research.data.profile")
MAX_FLAT_MODULES = 8


def layer_of(module: str) -> str:
    """``research.data.ingest`` -> ``data``; a topic package (``research.paygap``) -> ``topic``."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "research":
        return "outside"
    return parts[1] if parts[1] in LAYERS else "topic"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every ``research`` module imported anywhere in ``path`` (line, dotted name)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] == "research"]


def allowed(importer: str, imported: str) -> bool:
    source, target = layer_of(importer), layer_of(imported)
    if target == "outside" or imported == "research":
        return True
    if source == "run":
        return True
    if source == "core":
        return target == "core"
    if source == "data":
        return target in {"core", "data"}
    if source == "present":
        return target in {"core", "present"} or imported.startswith("research.data.schema")
    if source == "topic":
        return target in {"core", "present", "topic"} or imported.startswith(
            TOPIC_MAY_USE_FROM_DATA
        )
    return False


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_point_down(path):
    importer = module_name(path)
    broken = [
        f"line {line}: {importer} ({layer_of(importer)}) imports {name} ({layer_of(name)})"
        for line, name in imports(path)
        if not allowed(importer, name)
    ]
    assert not broken, "Layer rule broken (see docs/architecture.md):\n" + "\n".join(broken)


def test_few_modules_left_flat():
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(flat) <= MAX_FLAT_MODULES, f"{len(flat)} flat modules in src/research: {flat}"


def test_the_rule_itself():
    assert allowed("research.paygap.report", "research.present.report.Table")
    assert allowed("research.paygap.statutory", "research.data.schema.WEEKS_PER_YEAR")
    assert not allowed("research.segregation.report", "research.data.datasets.load")
    assert not allowed("research.decomposition.report", "research.data.synth")
    assert not allowed("research.gpg.report", "research.run.runner")
    assert not allowed("research.present.report", "research.paygap.gap_by")
    assert allowed("research.present.tabulate", "research.data.schema.SEX_CODES")
    assert not allowed("research.present.tabulate", "research.data.datasets")
    assert not allowed("research.data.ingest", "research.paygap.hourly")
    assert not allowed("research.core.paths", "research.data.schema")
    assert allowed("research.run.runner", "research.data.datasets")
