"""Locate the data shipped with the package: JSON Schemas, the sample catalogue, and the
package folder itself (mappings, region tables, templates, and the code the cache key covers).

In a wheel they live under ``zjpaoyici/_data``; in a source checkout (editable install)
they are the top-level ``schemas/`` and ``catalog/`` folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def package_dir() -> Path:
    """The installed ``zjpaoyici`` package folder (its code and bundled data)."""
    return _PACKAGE_DIR


def _data_dir(name: str) -> Path:
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name


@cache
def schemas_dir() -> Path:
    """Folder holding ``<kind>.schema.json`` files."""
    return _data_dir("schemas")


@cache
def sample_catalogue_dir() -> Path:
    """Folder of the bundled sample catalogue (the embedded default)."""
    return _data_dir("catalog")
