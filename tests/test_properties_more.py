"""Property tests over whole generated catalogues on disk (tests/test_properties.py covers
single files, ``merge`` and ``merge3``).

A catalogue is drawn as an abstract spec — per region, the entries of its list, the values
of its file-level ``defaults:`` and, for the province and the cities, their ``_defaults``
for the levels below — and then written out in one of many equivalent layouts (entries
and keys in any order, flow or block style, one list split over two files, comments). The
properties, each through the real CLI:

* ``diff A A'`` is empty when A' is A laid out differently;
* ``diff A B`` is empty exactly when the resolved catalogues are equal (the effective
  values per region and code that ``diff`` compares);
* ``export`` then ``import --mapping export`` gives back the same resolved catalogue, and
  ``explode`` of the result shows the same rows;
* ``fmt`` over a whole catalogue is idempotent, keeps every comment and changes no
  effective value.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.conftest import BASE
from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.catalogue.model import Facts
from zjpaoyici.catalogue.resolve import resolve_all
from zjpaoyici.cli.common import app

LEVEL = {"330000": "province", "330100": "city", "330200": "city", "330106": "county"}
LEVEL["330212"] = "county"
PARENT = {"330106": "330100", "330212": "330200", "330100": "330000", "330200": "330000"}
CODES = {
    "province": ["许可-00801-000"],
    "city": ["许可-00801-000"],
    "county": ["许可-00801-000", "许可-00802-001", "许可-00802-002"],
}
DEPARTMENT = {
    "330000": "浙江省市场监督管理局",
    "330100": "杭州市市场监督管理局",
    "330200": "宁波市市场监督管理局",
    "330106": "杭州市西湖区市场监督管理局",
    "330212": "宁波市鄞州区市场监督管理局",
}
MATERIALS = ["申请书", "营业执照", "身份证明", "场所证明"]

fields = st.fixed_dictionaries(
    {},
    optional={
        "visits": st.integers(0, 3),
        "onsite_reason": st.sampled_from(["需现场核查", "需现场核验身份"]),
        "promised_limit": st.fixed_dictionaries(
            {"days": st.integers(0, 10)}, optional={"unit": st.sampled_from(["working", "natural"])}
        ),
        "case_type": st.sampled_from(["即办件", "承诺件"]),
        "online": st.fixed_dictionaries(
            {}, optional={"depth": st.integers(0, 4), "mobile": st.booleans()}
        ),
        "express": st.booleans(),
        "reach": st.sampled_from(["全市通办", "全省通办"]),
        "annual_cases": st.integers(0, 5000),
        "fee": st.fixed_dictionaries(
            {"charged": st.booleans()}, optional={"basis": st.just("浙价费〔2020〕1号")}
        ),
        "materials": st.lists(
            st.fixed_dictionaries(
                {"name": st.sampled_from(MATERIALS)}, optional={"required": st.booleans()}
            ),
            max_size=3,
            unique_by=lambda m: m["name"],
        ),
    },
)
small_fields = st.fixed_dictionaries(
    {},
    optional={
        "visits": st.integers(0, 2),
        "case_type": st.sampled_from(["即办件", "承诺件"]),
        "reach": st.sampled_from(["全市通办", "全省通办"]),
        "online": st.fixed_dictionaries({}, optional={"depth": st.integers(2, 4)}),
    },
)


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    """Per region: ``entries`` (code → fields), ``file_defaults`` and ``lower`` (the
    ``_defaults`` a province or city sets for the levels below)."""
    spec: dict[str, Any] = {}
    for region, level in LEVEL.items():
        codes = draw(st.lists(st.sampled_from(CODES[level]), unique=True, max_size=3))
        spec[region] = {
            "entries": {code: draw(fields) for code in codes},
            "file_defaults": draw(small_fields),
            "lower": (
                {
                    code: draw(small_fields)
                    for code in draw(
                        st.lists(st.sampled_from(CODES["county"]), unique=True, max_size=2)
                    )
                }
                if level != "county"
                else {}
            ),
        }
    return spec


@st.composite
def layouts(draw: st.DrawFn) -> dict[str, Any]:
    """How a spec is written: orders, flow or block style, split files, comments."""
    return {
        "shuffle": draw(st.randoms(use_true_random=False)),
        "flow": draw(st.booleans()),
        "split": draw(st.booleans()),
        "comments": draw(st.booleans()),
        "quote": draw(st.booleans()),
    }


def _scalar(value: Any, quote: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False) if quote else str(value)


def _block(data: dict[str, Any], indent: int, layout: dict[str, Any]) -> list[str]:
    keys = list(data)
    layout["shuffle"].shuffle(keys)
    pad = " " * indent
    lines = []
    for key in keys:
        value = data[key]
        if isinstance(value, dict):
            if layout["flow"]:
                inner = ", ".join(f"{k}: {_scalar(v, layout['quote'])}" for k, v in value.items())
                lines.append(f"{pad}{key}: {{{inner}}}")
            elif value:
                lines.append(f"{pad}{key}:")
                lines += _block(value, indent + 2, layout)
            else:
                lines.append(f"{pad}{key}: {{}}")
        elif isinstance(value, list):
            if not value:
                lines.append(f"{pad}{key}: []")
                continue
            lines.append(f"{pad}{key}:")
            for item in value:
                inner = ", ".join(f"{k}: {_scalar(v, layout['quote'])}" for k, v in item.items())
                lines.append(f"{pad}  - {{{inner}}}")
        else:
            lines.append(f"{pad}{key}: {_scalar(value, layout['quote'])}")
    return lines


def _list_file(
    kind: str,
    region: str,
    entries: dict[str, Any],
    defaults: dict[str, Any],
    layout: dict[str, Any],
) -> str:
    lines = [f"schema: zjpaoyici/{kind}/v1", f'region: "{region}"']
    lines.append(f"department: {DEPARTMENT[region]}")
    if defaults:
        lines.append("defaults:")
        lines += _block(defaults, 2, layout)
    lines.append("matters:" if entries else "matters: []")
    codes = list(entries)
    layout["shuffle"].shuffle(codes)
    for code in codes:
        if layout["comments"]:
            lines.append(f"  # 事项 {code}")
        body = _block(entries[code], 4, layout)
        lines.append(f'  - code: "{code}"')
        lines += body
    return "\n".join(lines) + "\n"


def write(spec: dict[str, Any], layout: dict[str, Any], root: Path) -> None:
    """The spec as a catalogue at ``root`` (the base catalogue's manifest, regions, basic)."""
    shutil.copytree(BASE, root)
    shutil.rmtree(root / "implementations")
    for region, part in spec.items():
        folder = root / "implementations" / region
        folder.mkdir(parents=True)
        entries = part["entries"]
        codes = list(entries)
        if layout["split"] and len(codes) > 1:
            first, second = codes[:1], codes[1:]
            groups = [("scjg.yaml", first), ("scjg-2.yaml", second)]
        else:
            groups = [("scjg.yaml", codes)]
        for name, group in groups:
            chosen = {c: entries[c] for c in group}
            text = _list_file("implementation", region, chosen, part["file_defaults"], layout)
            (folder / name).write_text(text, encoding="utf-8")
        if part["lower"]:
            text = _list_file("defaults", region, part["lower"], {}, layout)
            (folder / "_defaults.yaml").write_text(text, encoding="utf-8")


def mutate(spec: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    """A copy of ``spec`` with one random edit (some edits change no effective value)."""
    out = json.loads(json.dumps(spec))
    region = draw(st.sampled_from(sorted(out)))
    part = out[region]
    choice = draw(st.sampled_from(["field", "drop-field", "entry", "file", "lower"]))
    if choice in ("field", "drop-field") and part["entries"]:
        code = draw(st.sampled_from(sorted(part["entries"])))
        entry = part["entries"][code]
        if choice == "field":
            entry.update(draw(fields))
        elif entry:
            entry.pop(draw(st.sampled_from(sorted(entry))))
    elif choice == "entry":
        code = draw(st.sampled_from(CODES[LEVEL[region]]))
        if code in part["entries"]:
            del part["entries"][code]
        else:
            part["entries"][code] = draw(fields)
    elif choice == "file":
        part["file_defaults"] = draw(small_fields)
    elif LEVEL[region] != "county":
        part["lower"] = {c: draw(small_fields) for c in part["lower"]}
    return out


# --- running the CLI in-process --------------------------------------------------------


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"ZJPAOYICI_LANG": "en", "COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="zjp-prop-") as tmp:
        yield Path(tmp)


def diff_changes(a: Path, b: Path) -> list[dict[str, Any]]:
    code, out = cli("diff", str(a), str(b), "--format", "json")
    assert code == 0, out
    changes: list[dict[str, Any]] = json.loads(out)["changes"]
    return changes


def facts_key(f: Facts) -> tuple[Any, ...]:
    """The effective values ``diff`` compares."""
    return (
        f.visits,
        f.onsite_reason,
        f.promised_limit,
        f.case_type,
        f.online_depth,
        f.mobile,
        f.express,
        f.reach,
        f.annual_cases,
        None if f.fee is None else f.fee.charged,
        # no materials listed (missing or an empty list) is unknown, not "none required";
        # a list of optional ones only says "none required" (diff tells the two apart)
        sorted(m.name for m in f.materials if m.required)
        if isinstance(f.raw_materials, list) and f.raw_materials
        else None,
    )


def resolved(root: Path) -> dict[tuple[str, str], tuple[Any, ...]]:
    cat = load_catalogue(root)
    return {(e.region, e.code): facts_key(e.facts) for e in resolve_all(cat)}


def exploded(root: Path) -> list[dict[str, Any]]:
    code, out = cli("explode", str(root), "--format", "json")
    assert code == 0, out
    rows: list[dict[str, Any]] = json.loads(out)
    return sorted(rows, key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(specs(), layouts(), layouts())
def test_diff_of_a_catalogue_with_itself_is_empty(
    spec: dict[str, Any], one: dict[str, Any], other: dict[str, Any]
) -> None:
    with scratch() as tmp:
        write(spec, one, tmp / "a")
        write(spec, other, tmp / "b")
        assert diff_changes(tmp / "a", tmp / "a") == []
        assert resolved(tmp / "a") == resolved(tmp / "b")
        assert diff_changes(tmp / "a", tmp / "b") == []  # the same catalogue, laid out anew


@SETTINGS
@given(specs(), layouts(), layouts(), st.data())
def test_diff_is_empty_exactly_when_the_resolved_catalogues_are_equal(
    spec: dict[str, Any], one: dict[str, Any], other: dict[str, Any], data: st.DataObject
) -> None:
    changed = mutate(spec, data.draw)
    with scratch() as tmp:
        write(spec, one, tmp / "a")
        write(changed, other, tmp / "b")
        equal = resolved(tmp / "a") == resolved(tmp / "b")
        changes = diff_changes(tmp / "a", tmp / "b")
        note(json.dumps(changes, ensure_ascii=False, default=str))
        assert (changes == []) == equal


@SETTINGS
@given(specs(), layouts())
def test_export_then_import_gives_back_the_resolved_catalogue(
    spec: dict[str, Any], layout: dict[str, Any]
) -> None:
    with scratch() as tmp:
        write(spec, layout, tmp / "a")
        code, out = cli("export", str(tmp / "a"), "-o", str(tmp / "a.csv"))
        assert code == 0, out
        code, out = cli("import", str(tmp / "a.csv"), "--mapping", "export", "-o", str(tmp / "b"))
        assert code == 0, out
        assert resolved(tmp / "b") == resolved(tmp / "a")
        assert exploded(tmp / "b") == exploded(tmp / "a")
        assert diff_changes(tmp / "a", tmp / "b") == []


@SETTINGS
@given(specs(), layouts())
def test_fmt_on_a_catalogue_is_idempotent_and_keeps_meaning(
    spec: dict[str, Any], layout: dict[str, Any]
) -> None:
    layout = {**layout, "comments": True}
    with scratch() as tmp:
        root = tmp / "a"
        write(spec, layout, root)
        before = resolved(root)
        rows = exploded(root)
        comments = sorted(
            line.strip()
            for path in root.rglob("*.yaml")
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip().startswith("#")
        )
        code, out = cli("fmt", str(root))
        assert code == 0, out
        once = {p: p.read_bytes() for p in sorted(root.rglob("*.yaml"))}
        assert cli("fmt", "--check", str(root))[0] == 0
        cli("fmt", str(root))
        assert {p: p.read_bytes() for p in sorted(root.rglob("*.yaml"))} == once
        assert resolved(root) == before
        assert exploded(root) == rows
        after = sorted(
            line.strip()
            for path in root.rglob("*.yaml")
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip().startswith("#")
        )
        assert after == comments
