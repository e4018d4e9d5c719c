"""The files of a new catalogue repository (``zjpaoyici init``) and the JSON Schemas.

Templates live in ``zjpaoyici/templates/init`` (package data, shipped in the wheel);
``regions.yaml`` is the bundled sample's Zhejiang region table (with its retired codes)
for 330000, and the province's part of the shipped GB/T 2260 table of all of China
(:mod:`zjpaoyici.catalogue.regions`) for any other province; ``schemas/`` holds
copies of the packaged JSON Schemas, so editors work offline and match the installed
version (``zjpaoyici schema --output-dir schemas --check`` tells when they are stale).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from zjpaoyici import __version__
from zjpaoyici.catalogue.regions import province_name, regions_yaml
from zjpaoyici.files import atomic as fsutil
from zjpaoyici.files.resources import package_dir, sample_catalogue_dir, schemas_dir

TEMPLATES = package_dir() / "templates" / "init"

# The schema files a catalogue repository uses: kind → file name in ``schemas/``.
SCHEMA_KINDS = (
    "catalogue",
    "regions",
    "basic",
    "implementation",
    "bundle",
    "mapping",
    "cases-mapping",
)

# Where each kind of file lives, as editor globs relative to the repository root.
SCHEMA_GLOBS: dict[str, list[str]] = {
    "catalogue": ["catalogue.yaml"],
    "regions": ["regions.yaml"],
    "basic": ["basic/*.yaml", "basic/*.yml"],
    "implementation": ["implementations/*/*.yaml", "implementations/*/*.yml"],
    "bundle": ["bundles/*.yaml", "bundles/*.yml"],
    "mapping": ["mappings/*.yaml", "mappings/*.yml"],
    "cases-mapping": ["mappings/cases/*.yaml", "mappings/cases/*.yml"],
}

HOOKS_REPO_PLACEHOLDER = "https://example.invalid/REPLACE-WITH/zjpaoyici.git"

# target path in the new repository → template file
_TEMPLATE_FILES = {
    "catalogue.yaml": "catalogue.yaml",
    "README.md": "README.md",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".gitattributes": "gitattributes",
    ".editorconfig": "editorconfig",
    ".vscode/extensions.json": "vscode-extensions.json",
    "basic/README.md": "basic-README.md",
    "implementations/README.md": "implementations-README.md",
    "bundles/README.md": "bundles-README.md",
}

_REGIONS_HEADER = (
    "# yaml-language-server: $schema=schemas/regions.schema.json\n"
    "# 浙江省行政区划（GB/T 2260，2024 年版）：省 1 个、设区市 11 个、县（市、区）90 个，\n"
    "# 另列已撤销区划及其承继区划。来源：yescallop/areacodes（CC0 1.0），由 zjpaoyici init 复制。\n"
    "# Zhejiang's regions (GB/T 2260, 2024) and the retired codes with their successors,\n"
    "# copied by zjpaoyici init from the bundled sample catalogue.\n"
)


DEFAULT_NAME = "浙江省政务服务事项目录"
DEFAULT_PROVINCE = "330000"
DEFAULT_HOOKS_REV = f"v{__version__}"
DEFAULT_PIP_SPEC = f"zjpaoyici=={__version__}"


@dataclass(frozen=True, slots=True)
class ScaffoldOptions:
    """What varies between new repositories."""

    name: str = DEFAULT_NAME
    hooks_repo: str = HOOKS_REPO_PLACEHOLDER
    hooks_rev: str = DEFAULT_HOOKS_REV
    pip_spec: str = DEFAULT_PIP_SPEC
    province: str = DEFAULT_PROVINCE
    ci: str = "github"  # which pipeline file: a key of CI_FILES


def default_name(province: str) -> str:
    """The catalogue name ``init`` uses when none is given (``UnknownProvince`` when the
    code is not a province of the shipped table)."""
    if province == DEFAULT_PROVINCE:
        return DEFAULT_NAME
    return f"{province_name(province)}政务服务事项目录"


def province_regions_text(province: str) -> str:
    """``regions.yaml`` for ``province``: Zhejiang's sample table (it lists the retired
    codes too), or the province's part of the shipped table of all of China."""
    if province == DEFAULT_PROVINCE:
        return regions_text()
    return regions_yaml(province)


def schema_text(kind: str) -> str:
    """The packaged JSON Schema of ``kind`` as text."""
    if kind not in SCHEMA_KINDS:
        raise KeyError(kind)
    return (schemas_dir() / f"{kind}.schema.json").read_text(encoding="utf-8")


def schema_file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def vscode_settings() -> str:
    """``.vscode/settings.json``: every file kind associated with its schema by location."""
    settings = {
        "yaml.schemas": {
            f"./schemas/{schema_file_name(kind)}": globs for kind, globs in SCHEMA_GLOBS.items()
        },
        "yaml.format.enable": False,
        "files.encoding": "utf8",
        "files.eol": "\n",
        "files.insertFinalNewline": True,
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2},
    }
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


def regions_text() -> str:
    """The bundled sample's ``regions.yaml`` with a header for the new repository."""
    text = (sample_catalogue_dir() / "regions.yaml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("schema:"))
    return _REGIONS_HEADER + "".join(lines[start:])


@cache
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _fill(text: str, options: ScaffoldOptions) -> str:
    zhejiang = options.province == DEFAULT_PROVINCE
    values = {
        "__NAME__": options.name,
        "__PROVINCE__": options.province,
        # Zhejiang's own basic codes (许可-00802-001), the national 12-digit ones elsewhere
        "__PROFILE__": "zhejiang" if zhejiang else "national",
        "__REGIONS_NOTE__": "浙江省区划（GB/T 2260，2024 年版，含已撤销区划）"
        if zhejiang
        else f"{province_name(options.province)}区划（GB/T 2260，2024 年版）",
        "__HOOKS_REPO__": options.hooks_repo,
        "__HOOKS_REV__": options.hooks_rev,
        "__PIP_SPEC__": options.pip_spec,
        "__VERSION__": __version__,
    }
    for token, value in values.items():
        text = text.replace(token, value)
    return text


# The pipeline file ``init --ci`` writes for each CI system.
CI_FILES = {
    "github": (".github/workflows/catalogue.yml", "catalogue-workflow.yml"),
    "gitlab": (".gitlab-ci.yml", "gitlab-ci.yml"),
    "gitee": (".workflow/catalogue.yml", "gitee-go.yml"),
}


def scaffold_files(options: ScaffoldOptions | None = None) -> dict[str, str]:
    """Every file of a new catalogue repository: relative POSIX path → text."""
    options = options or ScaffoldOptions()
    files = {path: _fill(_template(name), options) for path, name in _TEMPLATE_FILES.items()}
    path, template = CI_FILES[options.ci]
    files[path] = _fill(_template(template), options)
    files["regions.yaml"] = province_regions_text(options.province)
    files[".vscode/settings.json"] = vscode_settings()
    for kind in SCHEMA_KINDS:
        files[f"schemas/{schema_file_name(kind)}"] = schema_text(kind)
    return dict(sorted(files.items()))


def existing(target: Path, files: Mapping[str, str]) -> list[Path]:
    """The paths ``files`` would overwrite (or that block them: a file where a folder goes)."""
    clashes: list[Path] = []
    for rel in files:
        path = target / rel
        if path.exists() or path.is_symlink():
            clashes.append(path)
            continue
        for parent in Path(rel).parents:
            folder = target / parent
            if str(parent) != "." and (folder.is_file() or folder.is_symlink()):
                clashes.append(folder)
                break
    return sorted(set(clashes))


def write_files(target: Path, files: Mapping[str, str]) -> list[Path]:
    """Write ``files`` under ``target`` as one batch (all prepared before any is put in
    place); returns the paths written."""
    return fsutil.write_files([(target / rel, text.encode("utf-8")) for rel, text in files.items()])


def stale_schemas(folder: Path, kinds: tuple[str, ...] = SCHEMA_KINDS) -> list[Path]:
    """Schema files in ``folder`` that are missing or differ from the packaged ones."""
    out = []
    for kind in kinds:
        path = folder / schema_file_name(kind)
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            out.append(path)
            continue
        if current != schema_text(kind):
            out.append(path)
    return out
