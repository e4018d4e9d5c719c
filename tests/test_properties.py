"""Property tests over generated implementation lists: merges lose nothing, fmt is stable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from zjpaoyici.catalogue.codes import ZHEJIANG
from zjpaoyici.files.reader import parse_text
from zjpaoyici.files.roundtrip import dump_text, load_text, plain
from zjpaoyici.ops.fmt import format_text
from zjpaoyici.ops.merge.combine import MISSING, combine, iter_fields, merge3, render_with_conflicts

CODES = [f"许可-00802-{i:03d}" for i in range(1, 7)] + ["确认-01106-001", "公共服务-00768-000"]
MATERIALS = ["申请书", "营业执照", "身份证明", "场所证明", "授权委托书"]

material = st.fixed_dictionaries(
    {"name": st.sampled_from(MATERIALS)}, optional={"required": st.booleans()}
)
entry_fields = {
    "visits": st.integers(0, 3),
    "onsite_reason": st.sampled_from(["需现场核查", "需现场核验身份"]),
    "promised_limit": st.fixed_dictionaries(
        {"days": st.integers(0, 20)}, optional={"unit": st.just("working")}
    ),
    "case_type": st.sampled_from(["即办件", "承诺件"]),
    "online": st.fixed_dictionaries(
        {}, optional={"depth": st.integers(0, 4), "mobile": st.booleans()}
    ),
    "annual_cases": st.integers(0, 5000),
    "reach": st.sampled_from(["全市通办", "全省通办"]),
    "materials": st.lists(material, max_size=3, unique_by=lambda m: m["name"]),
}
entry = st.builds(
    lambda code, rest: {"code": code, **rest},
    st.sampled_from(CODES),
    st.fixed_dictionaries({}, optional=entry_fields),
)
document = st.fixed_dictionaries(
    {
        "schema": st.just("zjpaoyici/implementation/v1"),
        "region": st.just("330106"),
        "department": st.sampled_from(["杭州市西湖区市场监督管理局", "西湖区市场监管局"]),
        "matters": st.lists(entry, max_size=6, unique_by=lambda e: e["code"]),
    }
)


def to_yaml(data: dict[str, Any], comments: list[bool]) -> str:
    """Dump as a maintainer would write it: small maps in flow style, some comment lines."""
    tree = load_text(dump_text(data))
    for rec in tree["matters"]:
        for key in ("promised_limit", "online"):
            if rec.get(key):
                rec[key].fa.set_flow_style()
        for m in rec.get("materials", []):
            m.fa.set_flow_style()
    text = dump_text(tree)
    out, n = [], 0
    for line in text.splitlines(keepends=True):
        if line.startswith("  - code:") and n < len(comments) and comments[n]:
            out.append(f"  # 说明 {line.split('code:')[1].strip()}\n")
        if line.startswith("  - code:"):
            n += 1
        out.append(line)
    return "".join(out)


def keyed(value: Any) -> Any:
    """Plain data with keyed record lists turned into dicts (order of records ignored)."""
    if isinstance(value, dict):
        return {k: keyed(v) for k, v in value.items()}
    if (
        isinstance(value, list)
        and value
        and all(isinstance(r, dict) and ("code" in r or "name" in r) for r in value)
    ):
        return {str(r.get("code", r.get("name"))): keyed(r) for r in value}
    return value


def mutate(data: Any, draw: Any) -> dict[str, Any]:
    out = {**data, "matters": [dict(e) for e in data["matters"]]}
    for e in out["matters"]:
        for key, strategy in entry_fields.items():
            choice = draw(st.sampled_from(["keep", "keep", "keep", "set", "drop"]))
            if choice == "set":
                e[key] = draw(strategy)
            elif choice == "drop":
                e.pop(key, None)
    if out["matters"] and draw(st.booleans()):
        out["matters"].pop(draw(st.integers(0, len(out["matters"]) - 1)))
    extra = draw(entry)
    if extra["code"] not in {e["code"] for e in out["matters"]}:
        out["matters"].append(extra)
    return out


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(document, document, st.lists(st.booleans(), max_size=6), st.lists(st.booleans(), max_size=6))
def test_combine_keeps_every_field_or_reports_it(
    a: Any, b: Any, ca: list[bool], cb: list[bool]
) -> None:
    texts = [to_yaml(a, ca), to_yaml(b, cb)]
    result = combine([load_text(t) for t in texts])
    merged = plain(result.tree)
    conflicted = [c.steps for c in result.conflicts]
    for source in (a, b):
        for steps, value in iter_fields(source):
            in_output = _lookup(merged, steps) == value
            reported = any(steps[: len(c)] == c for c in conflicted)
            assert in_output or reported, (steps, value)
    output = dump_text(result.tree)
    for text in texts:  # every comment line of every input survives
        for line in text.splitlines():
            if line.strip().startswith("#"):
                assert line in output


def _lookup(data: Any, steps: list[Any]) -> Any:
    node = data
    for step in steps:
        if isinstance(step, tuple):
            code = step[1]
            records = node if isinstance(node, list) else []
            match = [r for r in records if str(r.get("code", r.get("name"))) == code]
            if not match:
                return MISSING
            node = match[0]
        else:
            if not isinstance(node, dict) or step not in node:
                return MISSING
            node = node[step]
    return node


@SETTINGS
@given(document, st.data())
def test_merge3_with_theirs_unchanged_is_ours(base: Any, data: st.DataObject) -> None:
    ours = mutate(base, data.draw)
    base_text, ours_text = to_yaml(base, [True]), to_yaml(ours, [True, False, True])
    result = merge3(load_text(base_text), load_text(ours_text), load_text(base_text))
    assert not result.conflicts
    assert render_with_conflicts(result) == ours_text


@SETTINGS
@given(document, st.data())
def test_merge3_is_symmetric_where_it_does_not_conflict(base: Any, data: st.DataObject) -> None:
    ours, theirs = mutate(base, data.draw), mutate(base, data.draw)
    note(f"ours={ours!r}\ntheirs={theirs!r}")
    b, o, t = (to_yaml(x, [True, True]) for x in (base, ours, theirs))
    one = merge3(load_text(b), load_text(o), load_text(t))
    two = merge3(load_text(b), load_text(t), load_text(o))
    assert {path for path in (c.where for c in one.conflicts)} == {c.where for c in two.conflicts}
    if not one.conflicts:
        assert keyed(plain(one.tree)) == keyed(plain(two.tree))
        # and the merge kept every change: a field changed on one side only has that side's value
        merged = keyed(plain(one.tree))
        for side in (ours, theirs):
            other = theirs if side is ours else ours
            for steps, value in iter_fields(side):
                if _lookup(base, steps) != value and _lookup(other, steps) == _lookup(base, steps):
                    assert _lookup(plain(one.tree), steps) == value, steps
        assert merged is not None


@SETTINGS
@given(document, st.lists(st.booleans(), max_size=6))
def test_fmt_is_idempotent_and_keeps_meaning(data: Any, comments: list[bool]) -> None:
    text = to_yaml(data, comments)
    doc, findings = parse_text(text, Path("t.yaml"), "t.yaml")
    assert doc is not None and not findings
    once = format_text(text, "implementation", ZHEJIANG, doc)
    doc2, _ = parse_text(once, Path("t.yaml"), "t.yaml")
    assert doc2 is not None
    assert format_text(once, "implementation", ZHEJIANG, doc2) == once
    assert keyed(doc2.data) == keyed(doc.data)
    assert sorted(line for line in text.splitlines() if "#" in line) == sorted(
        line for line in once.splitlines() if "#" in line
    )
