"""``resolve_fields`` (the merge of a few fields, for ``standard``) reads the same as the
full merge of ``resolve_region``: every compared element of every entry, on the sample
catalogue and on hypothesis-written layers — nulls, removed and unkeyed records, values
of the wrong type — at the province, the city, the file's defaults and the entry."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zjpaoyici.catalogue.fields import BY_NAME
from zjpaoyici.catalogue.load import load_files, load_global
from zjpaoyici.catalogue.model import Catalogue
from zjpaoyici.catalogue.paths import plan_files, split_plan
from zjpaoyici.catalogue.resolve import FieldValues, resolve_fields, resolve_region
from zjpaoyici.ops.standard.elements import COMPARED_ELEMENTS, VALUE
from zjpaoyici.rules.registry import unread_files

REPO = Path(__file__).resolve().parents[1]
COUNTY = "330106"  # a county of 330100, which has city defaults
FIELDS = [f for name in COMPARED_ELEMENTS for f in BY_NAME[name].fields]


def _loaded() -> tuple[Catalogue, dict[str, Any]]:
    root = REPO / "catalog"
    plan = plan_files(root)
    cat = load_global(root, plan)
    _, regions = split_plan(plan)
    assert not unread_files(load_files(cat, regions[COUNTY]))
    return cat, regions


def _readings(cat: Catalogue, folder: str) -> tuple[list[list[Any]], list[list[Any]]]:
    """Every compared element of every entry: by ``resolve_fields``, and by the full
    merge (its values and effective visits, read by the same functions)."""
    cat.above.clear()
    lean = [[VALUE[n](fv) for n in COMPARED_ELEMENTS] for fv in resolve_fields(cat, folder, FIELDS)]
    cat.above.clear()
    full = []
    for entry in resolve_region(cat, folder):
        fv = FieldValues(
            entry.region,
            entry.code,
            entry.department,
            entry.values,
            entry.visits,
            entry.src,
            entry.layers[-1].values,
            tuple(entry.layers[:-1]),
            None,
        )
        full.append([VALUE[n](fv) for n in COMPARED_ELEMENTS])
    return lean, full


def test_sample_reads_the_same_in_every_region() -> None:
    root = REPO / "catalog"
    plan = plan_files(root)
    cat = load_global(root, plan)
    _, regions = split_plan(plan)
    compared = 0
    for folder, files in sorted(regions.items()):
        load_files(cat, files)
        lean, full = _readings(cat, folder)
        assert lean == full, folder
        layers = [fv.layers for fv in resolve_fields(cat, folder, FIELDS)]
        assert layers == [entry.layers for entry in resolve_region(cat, folder)], folder
        compared += len(lean)
        cat.impl_files.pop(folder, None)
    assert compared > 300


_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 40),
    st.sampled_from(["即办件", "承诺件", "全省通办", "working", "natural", ""]),
)
_SUB = st.dictionaries(
    st.sampled_from(["depth", "mobile", "available", "charged", "standard", "days", "unit"]),
    st.one_of(_SCALAR, st.dictionaries(st.just("x"), _SCALAR, max_size=1)),
    max_size=4,
)
_RECORD = st.one_of(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["申请书", "申请书（复印件）", "身份证明", "营业执照原件"])},
        optional={
            "required": st.one_of(st.booleans(), st.none(), st.just("否")),
            "remove": st.one_of(st.just(True), st.just(1), st.none(), st.just(False)),
            "copies": st.integers(0, 3),
        },
    ),
    st.fixed_dictionaries({"name": st.one_of(st.none(), st.integers(0, 3))}),
    _SCALAR,
)
_VALUE = {
    "materials": st.one_of(st.none(), st.lists(_RECORD, max_size=5), _SCALAR),
    "promised_limit": st.one_of(_SUB, _SCALAR),
    "visits": _SCALAR,
    "case_type": _SCALAR,
    "online": st.one_of(_SUB, _SCALAR),
    "express": _SCALAR,
    "fee": st.one_of(_SUB, _SCALAR),
    "reach": _SCALAR,
}
_LAYER = st.fixed_dictionaries({}, optional=_VALUE)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layers=st.lists(_LAYER, min_size=4, max_size=4), which=st.integers(0, 50))
def test_written_layers_read_the_same(layers: list[dict[str, Any]], which: int) -> None:
    cat, _ = _CACHED
    impls = cat.impl_files[COUNTY]
    impl = impls[which % len(impls)]
    raw = impl.entries[which % len(impl.entries)][0]
    code = raw["code"]
    targets: list[dict[str, Any]] = []
    for folder in ("330000", "330100"):  # the province's and the city's defaults
        for defaults in cat.defaults.get(folder, []):
            targets.extend(r for r, _ in defaults.entries if r["code"] == code)
    saved = [(t, copy.deepcopy(t)) for t in (*targets, impl.defaults, raw)]
    try:
        writes = [*targets[:2], impl.defaults, raw]
        for target, layer in zip(writes, layers, strict=False):
            target.update(copy.deepcopy(layer))
        lean, full = _readings(cat, COUNTY)
        assert lean == full
    finally:
        for target, before in saved:
            target.clear()
            target.update(before)
        cat.above.clear()


_CACHED = _loaded()
