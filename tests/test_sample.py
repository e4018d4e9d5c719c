"""The bundled sample catalogue: realistic in shape, and clean."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from tests.conftest import REPO
from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.catalogue.model import Catalogue
from zjpaoyici.catalogue.resolve import resolve_all

SAMPLE = REPO / "catalog"


@pytest.fixture(scope="module")
def sample() -> Catalogue:
    return load_catalogue(SAMPLE)


def test_sample_validates_clean(cli: Any) -> None:
    run = cli("validate", str(SAMPLE), "--format", "json")
    data = json.loads(run.stdout)
    assert data["findings"] == [] and run.code == 0
    assert data["summary"]["entries"] > 1000


def test_region_table_is_zhejiang_2024(sample: Catalogue) -> None:
    levels = Counter(r.level for r in sample.regions.values())
    assert levels == {"province": 1, "city": 11, "county": 90}
    tsv = (REPO / "tests" / "data" / "regions" / "zhejiang-2024.tsv").read_text(encoding="utf-8")
    codes = {line.split("\t")[0] for line in tsv.splitlines() if line and not line.startswith("#")}
    assert set(sample.regions) == codes
    assert all(
        sample.regions[r.parent].level == "city"
        for r in sample.regions.values()
        if r.level == "county" and r.parent
    )


def test_basic_catalogue_is_broad(sample: Catalogue) -> None:
    mains = [m for m in sample.basic.values() if m.main is None]
    assert len(mains) >= 80
    assert len({m.department for m in mains}) >= 10
    assert sum(1 for m in mains if m.subs) >= 20
    names = {m.name for m in sample.basic.values()}
    for required in (
        "食品经营许可",
        "建设工程规划许可证核发",
        "出生医学证明",
        "医师执业注册",
        "社会保障卡",
    ):
        assert any(required in n for n in names), required
    assert any("不动产" in n and "登记" in n for n in names)
    assert any("个体工商户" in n for n in names)
    assert any("机动车驾驶证" in n for n in names)
    assert all(m.basis for m in mains)


def test_every_city_and_a_county_of_each_are_implemented(sample: Catalogue) -> None:
    implemented = set(sample.impl_files)
    cities = {c for c, r in sample.regions.items() if r.level == "city"}
    assert "330000" in implemented and cities <= implemented
    for city in cities:
        counties = {c for c, r in sample.regions.items() if r.parent == city}
        assert counties & implemented, city


def test_visits_are_plausible(sample: Catalogue) -> None:
    entries = list(resolve_all(sample))
    visits = Counter(e.visits for e in entries)
    assert None not in visits
    at_most_one = (visits[0] + visits[1]) / len(entries)
    assert 0.8 < at_most_one < 0.99
    multi = [e for e in entries if (e.visits or 0) >= 2]
    assert multi and all(e.facts.onsite_reason or e.items for e in multi)
    assert sum(1 for e in entries if e.items) >= 5
    assert any(i.generated for e in entries for i in e.items)
