"""The package's layers, checked from the source: data flows one way, files → catalogue →
runner → operations → render → cli, and a module imports only its own layer or lower ones.

The order is declared here once (docs/architecture.md draws it); every import statement
of every module counts, including imports inside functions.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import zjpaoyici

PACKAGE = Path(zjpaoyici.__file__).resolve().parent

# Lowest first. A module belongs to the layer of the longest prefix that names it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation",
        (
            "zjpaoyici",
            "zjpaoyici.findings",
            "zjpaoyici.i18n",
            "zjpaoyici.exitcodes",
            "zjpaoyici.rules",
            "zjpaoyici.rules.registry",
            # the rules the reader and the loader report, declared below them
            "zjpaoyici.rules.yaml_file",
            "zjpaoyici.rules.structure",
            "zjpaoyici.rules.loading",
        ),
    ),
    ("files", ("zjpaoyici.files",)),
    ("catalogue", ("zjpaoyici.catalogue",)),
    ("runner", ("zjpaoyici.runner",)),
    # the rule families with checks read the model: they are operations
    ("operations", ("zjpaoyici.ops", "zjpaoyici.rules.*")),
    ("render", ("zjpaoyici.render",)),
    ("cli", ("zjpaoyici.cli", "zjpaoyici.__main__")),
)
# The render layer formats what operations computed: it never reads a catalogue or runs one.
RENDER_MAY_NOT = ("zjpaoyici.catalogue.load", "zjpaoyici.catalogue.fastread", "zjpaoyici.runner")
COMMANDS = "zjpaoyici.cli."


def layer_of(module: str) -> int:
    """Index in LAYERS of ``module`` (longest matching prefix wins; ``x.*`` matches only
    modules below ``x``, not ``x`` itself)."""
    best, best_len = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if prefix.endswith(".*"):
                base = prefix[:-2]
                hit = module.startswith(base + ".")
                length = len(base) + 1
            else:
                hit = module == prefix or (
                    module.startswith(prefix + ".") and prefix != "zjpaoyici"
                )
                length = len(prefix)
            if hit and length > best_len:
                best, best_len = index, length
    if best < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return best


def module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, package: Path) -> list[tuple[int, str]]:
    """(line, module) for every zjpaoyici module ``path`` imports."""
    name = module_name(path, package)
    is_package = path.name == "__init__.py"
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                as_module = package.parent / Path(*sub.split("."))
                is_module = as_module.with_suffix(".py").is_file() or as_module.is_dir()
                found.append((node.lineno, sub if is_module else target))
    return sorted(
        {(line, m) for line, m in found if m == "zjpaoyici" or m.startswith("zjpaoyici.")}
    )


def violations(package: Path) -> list[str]:
    """Every import in ``package`` that breaks the layer order, as ``file:line: why``."""
    problems: list[str] = []
    for path in sorted(package.rglob("*.py")):
        if "_data" in path.parts:
            continue
        name = module_name(path, package)
        own = layer_of(name)
        where = f"{path.relative_to(package.parent)}"
        for line, target in imports_of(path, package):
            if layer_of(target) > own:
                problems.append(
                    f"{where}:{line}: {LAYERS[own][0]} module imports {target}"
                    f" ({LAYERS[layer_of(target)][0]})"
                )
            if name.startswith("zjpaoyici.render") and target.startswith(RENDER_MAY_NOT):
                problems.append(f"{where}:{line}: render imports {target}")
            if (
                name.startswith(COMMANDS)
                and target.startswith(COMMANDS)
                and target.endswith("_cmd")
                and target != name
            ):
                problems.append(f"{where}:{line}: command imports command {target}")
    return problems


def test_the_package_keeps_its_layers() -> None:
    assert violations(PACKAGE) == []


def test_every_subpackage_says_what_it_holds_and_may_import() -> None:
    for init in sorted(PACKAGE.rglob("__init__.py")):
        if "_data" in init.parts or init.parent == PACKAGE:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{init.relative_to(PACKAGE)} lacks its layer docstring"


@pytest.mark.parametrize(
    ("module", "line", "expected"),
    [
        ("files/reader.py", "from zjpaoyici.catalogue import model", "files module imports"),
        ("catalogue/model.py", "import zjpaoyici.runner.engine", "catalogue module imports"),
        ("render/show_text.py", "from zjpaoyici.runner.cache import Cache", "render imports"),
        ("render/show_text.py", "from zjpaoyici.cli import common", "render module imports"),
        ("cli/show_cmd.py", "from zjpaoyici.cli.validate_cmd import app", "command imports"),
        ("ops/diff.py", "from zjpaoyici.render import diff_out", "operations module imports"),
        ("rules/registry.py", "from zjpaoyici.rules import quality", "foundation module"),
    ],
)
def test_a_forbidden_import_is_caught(
    tmp_path: Path, module: str, line: str, expected: str
) -> None:
    copy = tmp_path / "zjpaoyici"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "_data"))
    target = copy / module
    target.write_text(
        target.read_text(encoding="utf-8") + f"\n\ndef _late() -> None:\n    {line}\n",
        encoding="utf-8",
    )
    found = violations(copy)
    assert len(found) == 1 and expected in found[0], found
    assert found[0].startswith(f"zjpaoyici/{module}:")
