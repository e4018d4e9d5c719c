"""``fmt``: canonical order and quoting, comments kept byte for byte, idempotent."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.conftest import DATA, REPO
from zjpaoyici.catalogue.codes import ZHEJIANG
from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.catalogue.resolve import resolve_all
from zjpaoyici.ops import fmt as fmt_module
from zjpaoyici.ops.fmt import format_file, format_files, targets
from zjpaoyici.runner import engine
from zjpaoyici.runner.cache import Cache

GOLDEN = DATA / "golden"


def test_golden_output(tmp_path: Path) -> None:
    result = format_file(GOLDEN / "fmt-input.yaml", "implementation", ZHEJIANG)
    assert result.problems == []
    assert result.formatted == (GOLDEN / "fmt-expected.yaml").read_text(encoding="utf-8")


def test_formatting_is_idempotent() -> None:
    result = format_file(GOLDEN / "fmt-expected.yaml", "implementation", ZHEJIANG)
    assert result.formatted == result.original and not result.changed


def test_comments_of_untouched_matters_survive_verbatim() -> None:
    original = (GOLDEN / "fmt-input.yaml").read_text(encoding="utf-8")
    formatted = format_file(GOLDEN / "fmt-input.yaml", "implementation", ZHEJIANG).formatted or ""
    for block in (
        '  # 变更：全程网办\n  - code: "许可-00802-002"\n',
        "    online: {depth: 4, mobile: true}  # 浙里办可办\n",
        "        visits: 0  # 食品销售跑零次\n",
        "# 文件结束\n",
    ):
        assert block in original and block in formatted, block
    assert formatted.count("#") == original.count("#")


def test_sample_catalogue_is_in_canonical_form(cli: Any) -> None:
    run = cli("fmt", "--check", str(REPO / "catalog"))
    assert run.code == 0, run.stdout


def test_check_lists_then_fmt_fixes(base_catalogue: Path, cli: Any) -> None:
    target = base_catalogue / "implementations" / "330106" / "scjg.yaml"
    shutil.copy(GOLDEN / "fmt-input.yaml", target)
    before = snapshot(base_catalogue)
    run = cli("fmt", "--check", cwd=base_catalogue)
    assert run.code == 1 and "implementations/330106/scjg.yaml" in run.stdout
    assert target.read_text(encoding="utf-8") == (GOLDEN / "fmt-input.yaml").read_text(
        encoding="utf-8"
    )
    run = cli("fmt", cwd=base_catalogue)
    assert run.code == 0
    assert target.read_text(encoding="utf-8") == (GOLDEN / "fmt-expected.yaml").read_text(
        encoding="utf-8"
    )
    assert cli("fmt", "--check", cwd=base_catalogue).code == 0
    assert snapshot(base_catalogue) == before  # the same catalogue, only written differently


def test_unreadable_file_is_left_alone(base_catalogue: Path, cli: Any) -> None:
    target = base_catalogue / "implementations" / "330106" / "scjg.yaml"
    broken = 'schema: zjpaoyici/implementation/v1\nmatters:\n  - code: "许可\n'
    target.write_text(broken, encoding="utf-8")
    run = cli("fmt", cwd=base_catalogue)
    assert run.code == 2 and "Y001" in run.stderr
    assert target.read_text(encoding="utf-8") == broken


def snapshot(root: Path) -> dict[tuple[str, str], Any]:
    """The resolved catalogue, with record order ignored (records are keyed by code/name)."""
    cat = load_catalogue(root)
    return {
        (e.region, e.code): (keyed(e.values), {i.code: keyed(i.values) for i in e.items})
        for e in resolve_all(cat)
    }


def keyed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: keyed(v) for k, v in value.items()}
    if (
        isinstance(value, list)
        and value
        and all(isinstance(r, dict) and ("code" in r or "name" in r) for r in value)
    ):
        return {str(r.get("code", r.get("name"))): keyed(r) for r in value}
    return value


def test_duplicate_keys_block_rewriting(base_catalogue: Path, cli: Any) -> None:
    """ruamel would refuse (or silently pick) a duplicate key; fmt leaves the file alone."""
    target = base_catalogue / "implementations" / "330106" / "scjg.yaml"
    text = target.read_text(encoding="utf-8") + "    visits: 1\n"
    target.write_text(text, encoding="utf-8")
    run = cli("fmt", cwd=base_catalogue)
    assert run.code == 2 and "Y002" in run.stderr and "Traceback" not in run.output
    assert target.read_text(encoding="utf-8") == text


def test_fmt_check_of_a_subfolder_checks_only_that_folder(base_catalogue: Path, cli: Any) -> None:
    """Issue 17: `fmt --check implementations/330106` checked the whole catalogue."""
    region = base_catalogue / "implementations" / "330106"
    run = cli("fmt", "--check", str(region), "--lang", "en")
    assert run.code == 0
    count = len(list(region.glob("*.yaml")))
    assert f"{count} already formatted" in run.stderr, run.stderr


def _region_targets(root: Path) -> list[tuple[Path, str | None, Any]]:
    return targets([root / "implementations" / "330106"])


def test_a_canonical_verdict_is_cached_by_content(
    base_catalogue: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    """Issue 17: a warm `fmt --check` reads each file's bytes and parses none; a file whose
    content changed is formatted again, and its new verdict is its own."""
    cache = Cache(tmp_path / "cache")
    chosen = _region_targets(base_catalogue)
    first = [r.changed for r in format_files(chosen, cache=cache)]
    assert first and not any(first)

    def no_parsing(*_: Any, **__: Any) -> Any:
        raise AssertionError("a cached canonical file was parsed")

    monkeypatch.setattr(fmt_module, "format_file", no_parsing)
    assert [r.changed for r in format_files(chosen, cache=Cache(tmp_path / "cache"))] == first
    monkeypatch.undo()

    target = base_catalogue / "implementations" / "330106" / "scjg.yaml"
    shutil.copy(GOLDEN / "fmt-input.yaml", target)  # same path, other (non-canonical) content
    again = {r.path.name: r for r in format_files(chosen, cache=Cache(tmp_path / "cache"))}
    assert again["scjg.yaml"].changed
    assert again["scjg.yaml"].formatted == (GOLDEN / "fmt-expected.yaml").read_text("utf-8")


def test_verdicts_are_kept_in_a_few_entries_that_add_up_across_runs(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """A province's verdicts are not a file each (an atomic write per file cost a third
    of a cold run): at most one entry per shelf; a run over one part of the catalogue
    keeps the verdicts an earlier run found for another part; a shelf is bounded."""
    sample = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", sample)
    every = targets([sample])
    part_a, part_b = every[: len(every) // 2], every[len(every) // 2 :]
    assert len(part_a) > 16
    cache_dir = tmp_path / "cache"
    assert not any(r.changed or r.failed for r in format_files(part_a, cache=Cache(cache_dir)))
    stored = list(Cache(cache_dir).root.glob("*/*.entry"))
    assert 0 < len(stored) <= 16 < len(part_a) * 2
    list(format_files(part_b, cache=Cache(cache_dir)))

    def no_parsing(*_: Any, **__: Any) -> Any:
        raise AssertionError("a file known canonical was parsed")

    monkeypatch.setattr(fmt_module, "format_file", no_parsing)
    both = list(format_files(part_a + part_b, cache=Cache(cache_dir)))
    assert len(both) == len(part_a) + len(part_b) and not any(r.changed for r in both)
    assert both[0].formatted == both[0].path.read_text("utf-8")  # the text, read when asked
    monkeypatch.undo()

    # a shelf rewritten keeps this run's verdicts, then older ones up to twice as many
    monkeypatch.setattr(fmt_module, "_SHELF_CAP", 1)
    small = tmp_path / "small"
    list(format_files(every, cache=Cache(small)))
    target = next(t for t in part_b if t[1] == "implementation")
    shutil.copy(GOLDEN / "fmt-input.yaml", target[0])  # another content: another verdict
    shutil.copytree(small, tmp_path / "before")
    [result] = format_files([target], cache=Cache(small))
    assert result.changed and result.verdict is not None
    key = fmt_module._shelf_key(int(result.verdict[0], 16))
    before = Cache(tmp_path / "before").get(key, fmt_module._shelf)
    shelf = Cache(small).get(key, fmt_module._shelf)
    assert before is not None and len(before) > 2 and result.verdict not in before
    assert shelf == [result.verdict, before[0]]


def test_the_canonical_text_of_a_changed_file_is_known_before_it_is_written(
    base_catalogue: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    target = base_catalogue / "implementations" / "330106" / "scjg.yaml"
    shutil.copy(GOLDEN / "fmt-input.yaml", target)
    list(format_files(_region_targets(base_catalogue), cache=Cache(tmp_path / "cache")))
    shutil.copy(GOLDEN / "fmt-expected.yaml", target)
    monkeypatch.setattr(fmt_module, "format_file", lambda *a, **k: 1 / 0)
    [result] = format_files([(target, "implementation", ZHEJIANG)], cache=Cache(tmp_path / "cache"))
    assert not result.changed


def test_workers_give_the_same_results_in_the_same_order(
    base_catalogue: Path, monkeypatch: Any
) -> None:
    target = base_catalogue / "implementations" / "330106" / "scjg.yaml"
    shutil.copy(GOLDEN / "fmt-input.yaml", target)
    chosen = targets([base_catalogue])
    alone = [(r.path, r.formatted, r.problems) for r in format_files(chosen, jobs=1)]
    monkeypatch.setattr(engine, "PARALLEL_MIN_BYTES", 0)
    shared = [(r.path, r.formatted, r.problems) for r in format_files(chosen, jobs=2)]
    assert shared == alone and len(alone) > 5
    assert sum(1 for path, text, _ in alone if text != path.read_text("utf-8")) == 1
