"""The region engine and its cache: warm runs say exactly what cold runs say, a changed
file recomputes only what depends on it, and a damaged cache is ignored and rebuilt."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.findings import Severity
from zjpaoyici.ops.codec import decode_finding, encode_finding
from zjpaoyici.ops.validate import Result, validate_catalogue
from zjpaoyici.rules.example_cases import examples, run
from zjpaoyici.runner import engine
from zjpaoyici.runner.cache import MAX_ENTRY_BYTES, SUFFIX, Cache, _tag


def outcome(result: Result) -> list[tuple[str, str, int, int, str, str]]:
    """Everything a report shows of a result, in both languages' raw parameters."""
    return [
        (f.rule, f.loc.file, f.loc.line, f.loc.col, s.value, repr(sorted(f.params.items())))
        for f, s in result.findings
    ] + [("counts", result.name, result.files, result.entries, str(result.matters), "")]


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The sample catalogue with problems in two regions and in the basic catalogue."""
    root = tmp_path / "cat"
    shutil.copytree(REPO / "catalog", root)
    xihu = root / "implementations" / "330106" / "scjg.yaml"
    xihu.write_text(
        xihu.read_text(encoding="utf-8").replace("visits: 0", "visits: 3", 1), encoding="utf-8"
    )
    city = root / "implementations" / "330100" / "scjg.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "  - code: 许可-99999-001\n", "utf-8")
    return root


def test_warm_run_reports_exactly_what_the_cold_run_reported(broken: Path, tmp_path: Path) -> None:
    cold = Cache(tmp_path / "c")
    first, _ = validate_catalogue(broken, cache=cold)
    assert {f.rule for f, _ in first.findings} >= {"R001", "Q006"}
    assert cold.hits == 0 and cold.misses == 23  # one entry per region folder
    warm = Cache(tmp_path / "c")
    second, _ = validate_catalogue(broken, cache=warm)
    assert warm.misses == 0 and warm.hits == cold.misses
    uncached, _ = validate_catalogue(broken)
    assert outcome(first) == outcome(second) == outcome(uncached)


def keys_read(root: Path, directory: Path) -> set[str]:
    """The cache keys a warm validate of ``root`` looks up (some entries hold only what
    report uses, so not every entry is read)."""
    read: set[str] = set()

    class Tracking(Cache):
        def get(self, key: str, decode: Any) -> Any:
            read.add(key)
            return super().get(key, decode)

    validate_catalogue(root, cache=Tracking(directory))
    return read


def entry_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob(f"*{SUFFIX}"))


def payload_of(path: Path) -> bytes:
    """An entry's JSON payload (after the line with the authentication tag)."""
    return path.read_bytes().split(b"\n", 1)[1]


def test_entries_are_json_and_name_files_relative_to_the_catalogue(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path / "c")
    validate_catalogue(broken, cache=cache)
    entries = entry_files(tmp_path / "c")
    assert entries
    texts = [payload_of(p).decode("utf-8") for p in entries]
    for text in texts:
        json.loads(text)  # plain JSON: nothing is pickled
    assert any('"implementations/330106/scjg.yaml"' in t for t in texts)
    assert not any(str(tmp_path) in t for t in texts)
    # so a warm run from another working directory names files from there
    monkeypatch.chdir(broken / "implementations")
    result, _ = validate_catalogue(broken, cache=Cache(tmp_path / "c"))
    files = {f.loc.file for f, _ in result.findings}
    assert "330106/scjg.yaml" in files


def test_one_changed_file_recomputes_only_its_region(broken: Path, tmp_path: Path) -> None:
    validate_catalogue(broken, cache=Cache(tmp_path / "c"))
    target = broken / "implementations" / "330106" / "scjg.yaml"
    target.write_text(
        target.read_text(encoding="utf-8").replace("visits: 3", "visits: 0", 1), "utf-8"
    )
    cache = Cache(tmp_path / "c")
    result, _ = validate_catalogue(broken, cache=cache)
    assert cache.misses == 1
    assert outcome(result) == outcome(validate_catalogue(broken)[0])


def test_a_changed_catalogue_wide_file_recomputes_every_region(
    broken: Path, tmp_path: Path
) -> None:
    validate_catalogue(broken, cache=Cache(tmp_path / "c"))
    basic = next((broken / "basic").glob("*.yaml"))
    basic.write_text(basic.read_text(encoding="utf-8") + "\n# 注释\n", encoding="utf-8")
    cache = Cache(tmp_path / "c")
    validate_catalogue(broken, cache=cache)
    assert cache.hits == 0


def test_the_code_key_covers_code_and_schemas_but_not_the_shipped_sample(
    tmp_path: Path,
) -> None:
    import zjpaoyici
    from zjpaoyici.files.resources import schemas_dir

    assert engine.code_digest() == engine._digest_of(Path(zjpaoyici.__file__).parent, schemas_dir())
    package, schemas = tmp_path / "pkg", tmp_path / "schemas"
    (package / "_data" / "catalog").mkdir(parents=True)
    (package / "rule.py").write_text("LIMIT = 20\n", encoding="utf-8")
    (package / "_data" / "catalog" / "scjg.yaml").write_text("a: 1\n", encoding="utf-8")
    shutil.copytree(schemas_dir(), schemas)
    before = engine._digest_of(package, schemas)
    (package / "_data" / "catalog" / "scjg.yaml").write_text("a: 2\n", encoding="utf-8")
    assert engine._digest_of(package, schemas) == before
    schema = schemas / "implementation.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace("20", "30", 1), "utf-8")
    after_schema = engine._digest_of(package, schemas)
    assert after_schema != before
    (package / "rule.py").write_text("LIMIT = 30\n", encoding="utf-8")
    assert engine._digest_of(package, schemas) not in (before, after_schema)


def test_editing_any_module_of_the_package_changes_the_code_key(tmp_path: Path) -> None:
    """The runner sits in a subpackage; its key must still cover the rules, the catalogue
    layer and the reader (a copy of the real package, edited in three layers)."""
    import zjpaoyici
    from zjpaoyici.files.resources import schemas_dir

    package = tmp_path / "zjpaoyici"
    shutil.copytree(
        Path(zjpaoyici.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__")
    )
    seen = {engine._digest_of(package, schemas_dir())}
    for module in ("rules/quality.py", "catalogue/resolve.py", "files/reader.py"):
        path = package / module
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        key = engine._digest_of(package, schemas_dir())
        assert key not in seen, module
        seen.add(key)


def test_rule_selection_is_part_of_the_key(broken: Path, tmp_path: Path) -> None:
    all_rules, _ = validate_catalogue(broken, cache=Cache(tmp_path / "c"))
    only_q, _ = validate_catalogue(broken, cache=Cache(tmp_path / "c"), select=["Q"])
    assert {f.rule[0] for f, _ in only_q.findings} == {"Q"}
    assert {f.rule[0] for f, _ in all_rules.findings} != {"Q"}


DAMAGE = {
    "truncated": lambda b: b[: len(b) // 2],
    "garbage": lambda b: b"\x80\x81not json",
    "empty": lambda b: b"",
    "wrong shape": lambda b: b'{"key": "x", "data": [1, 2, 3]}',
    "list": lambda b: b"[]",
    "deep": lambda b: b"[" * 100_000 + b"]" * 100_000,
    "pickle": lambda b: b"\x80\x04\x95\x1d\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94.",
    "bad finding": lambda b: b.replace(b'"rule":"', b'"rule":1,"x":"', 1),
    "bool as count": lambda b: b.replace(b'"entries":', b'"entries":true,"e":', 1),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_entry_is_ignored_and_rebuilt(broken: Path, tmp_path: Path, kind: str) -> None:
    directory = tmp_path / "c"
    expected, _ = validate_catalogue(broken, cache=Cache(directory))
    entries = entry_files(directory)
    for path in entries:
        path.write_bytes(DAMAGE[kind](path.read_bytes()))
    cache = Cache(directory)
    result, _ = validate_catalogue(broken, cache=cache)
    assert outcome(result) == outcome(expected)
    assert cache.misses >= 1
    again = Cache(directory)
    validate_catalogue(broken, cache=again)
    assert again.misses == 0  # rebuilt


def test_an_entry_moved_to_another_key_is_refused(broken: Path, tmp_path: Path) -> None:
    directory = tmp_path / "c"
    expected, _ = validate_catalogue(broken, cache=Cache(directory))
    entries = entry_files(directory)
    payloads = [p.read_bytes() for p in entries]
    for path, payload in zip(entries, payloads[1:] + payloads[:1], strict=True):
        path.write_bytes(payload)  # every entry now holds its neighbour's result
    cache = Cache(directory)
    result, _ = validate_catalogue(broken, cache=cache)
    assert cache.hits == 0 and outcome(result) == outcome(expected)


def test_an_unwritable_cache_only_costs_speed(broken: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", encoding="utf-8")
    result, _ = validate_catalogue(broken, cache=Cache(blocker))
    assert outcome(result) == outcome(validate_catalogue(broken)[0])


def test_worker_processes_give_the_same_result(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "PARALLEL_MIN_BYTES", 0)
    seen: list[int | None] = []

    class Pool(engine.ProcessPoolExecutor):
        def __init__(self, max_workers: int | None = None, **kwargs: Any) -> None:
            seen.append(max_workers)
            super().__init__(max_workers, **kwargs)

    monkeypatch.setattr(engine, "ProcessPoolExecutor", Pool)
    parallel, _ = validate_catalogue(broken, jobs=2)
    assert seen == [2]
    serial, _ = validate_catalogue(broken, jobs=1)
    assert outcome(parallel) == outcome(serial)


def test_cli_no_cache_writes_nothing(broken: Path, tmp_path: Path, cli: Any) -> None:
    directory = tmp_path / "fresh"
    os.environ["ZJPAOYICI_CACHE_DIR"] = str(directory)
    try:
        cold = cli("validate", "--no-cache", "--format", "json", str(broken))
        assert not directory.exists()
        warm_fill = cli("validate", "--format", "json", str(broken))
        warm = cli("validate", "--format", "json", str(broken))
    finally:
        os.environ["ZJPAOYICI_CACHE_DIR"] = str(tmp_path / "elsewhere")
    assert entry_files(directory)
    assert cold.code == warm_fill.code == warm.code == 1
    assert cold.stdout == warm_fill.stdout == warm.stdout


def test_every_rule_example_finding_survives_the_codec() -> None:
    """The cache stores findings of every rule; each must come back equal, parameters and all."""
    seen = set()
    for example in examples():
        for finding, _ in run(example.failing).findings:
            again = decode_finding(json.loads(json.dumps(encode_finding(finding))))
            assert again == finding and again.params == finding.params, finding
            seen.add(finding.rule)
    assert len(seen) > 60


def test_severity_overrides_apply_to_cached_findings(broken: Path, tmp_path: Path) -> None:
    validate_catalogue(broken, cache=Cache(tmp_path / "c"))
    manifest = broken / "catalogue.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "rules:" not in text
    manifest.write_text(text + "rules:\n  severity:\n    Q006: info\n", encoding="utf-8")
    result, _ = validate_catalogue(broken, cache=Cache(tmp_path / "c"))
    q006 = [s for f, s in result.findings if f.rule == "Q006"]
    assert q006 and set(q006) == {Severity.INFO}


def test_report_warm_and_parallel_equal_cold(broken: Path, cli: Any) -> None:
    cold = cli("report", "--format", "json", "--no-cache", str(broken))
    fill = cli("report", "--format", "json", str(broken))
    warm = cli("report", "--format", "json", "--by", "region", str(broken))
    parallel = cli("report", "--format", "json", "--no-cache", "-j", "2", str(broken))
    assert cold.code == fill.code == warm.code == parallel.code == 0
    assert cold.stdout == fill.stdout == warm.stdout == parallel.stdout
    for unit in ("main", "item"):
        a = cli("report", "--format", "json", "--unit", unit, str(broken))
        b = cli("report", "--format", "json", "--unit", unit, "--no-cache", str(broken))
        assert a.stdout == b.stdout and a.stdout != cold.stdout


def test_diff_reads_only_the_regions_that_changed(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zjpaoyici.catalogue.load import load_catalogue
    from zjpaoyici.ops import diff as diff_module
    from zjpaoyici.ops.diff import diff_catalogues, diff_roots
    from zjpaoyici.render.diff_out import render_json

    new = tmp_path / "new"
    shutil.copytree(broken, new)
    target = new / "implementations" / "330106" / "scjg.yaml"
    target.write_text(
        target.read_text(encoding="utf-8").replace("visits: 3", "visits: 1", 1), "utf-8"
    )
    full = diff_catalogues(load_catalogue(broken), load_catalogue(new))
    loaded: list[str] = []
    real = diff_module.load_files

    def spy(cat: Any, files: Any, **kwargs: Any) -> Any:
        loaded.extend(folder for _, _, folder in files)
        return real(cat, files, **kwargs)

    monkeypatch.setattr(diff_module, "load_files", spy)
    streamed = diff_roots(broken, new, cache=Cache(tmp_path / "c"))
    assert set(loaded) == {"330106"}
    assert streamed.changes and render_json(streamed, "a", "b", 0) == render_json(full, "a", "b", 0)


def _changed_copy(broken: Path, tmp_path: Path, regions: tuple[str, ...]) -> Path:
    """``broken`` with one visit changed in each of ``regions``."""
    new = tmp_path / "new"
    shutil.copytree(broken, new)
    for region in regions:
        for target in sorted((new / "implementations" / region).glob("*.yaml")):
            text = target.read_text(encoding="utf-8")
            if "visits: 3" in text and not target.name.startswith("_"):
                target.write_text(text.replace("visits: 3", "visits: 1", 1), "utf-8")
                break
    return new


def test_a_warm_diff_reuses_every_region_comparison(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: a region that differs is compared once; the same pair of region bytes
    (and classification) is served from the cache next time, and only a region edited
    since is compared again."""
    from zjpaoyici.ops import diff as diff_module
    from zjpaoyici.ops.diff import diff_roots
    from zjpaoyici.render.diff_out import render_json

    regions = tuple(sorted(p.name for p in (broken / "implementations").iterdir()))
    new = _changed_copy(broken, tmp_path, regions)
    cold = diff_roots(broken, new, cache=Cache(tmp_path / "c"))
    changed_regions = {c.region for c in cold.changes if c.kind == "changed"}
    assert len(changed_regions) >= 3

    compared: list[str] = []
    real = diff_module._compare_region

    def spy(folder: str) -> Any:
        compared.append(folder)
        return real(folder)

    monkeypatch.setattr(diff_module, "_compare_region", spy)
    warm = diff_roots(broken, new, cache=Cache(tmp_path / "c"))
    assert compared == []
    assert render_json(warm, "a", "b", 0) == render_json(cold, "a", "b", 0)
    assert warm.summary == cold.summary

    one = sorted(changed_regions)[0]
    target = next(p for p in sorted((new / "implementations" / one).glob("*.yaml")))
    target.write_text(target.read_text(encoding="utf-8") + "\n# 改过\n", "utf-8")
    again = diff_roots(broken, new, cache=Cache(tmp_path / "c"))
    assert compared == [one]
    assert render_json(again, "a", "b", 0) == render_json(cold, "a", "b", 0)
    # another classification is another comparison
    diff_roots(broken, new, cache=Cache(tmp_path / "c"), overrides={"visits": "neutral"})
    assert len(compared) == 1 + len(changed_regions)


def test_region_comparisons_in_workers_equal_one_process(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zjpaoyici.ops.diff import diff_roots
    from zjpaoyici.render.diff_out import render_json

    regions = tuple(sorted(p.name for p in (broken / "implementations").iterdir()))
    new = _changed_copy(broken, tmp_path, regions)
    alone = diff_roots(broken, new, jobs=1)
    monkeypatch.setattr(engine, "PARALLEL_MIN_BYTES", 0)
    shared = diff_roots(broken, new, jobs=2)
    assert alone.changes and render_json(shared, "a", "b", 0) == render_json(alone, "a", "b", 0)
    assert shared.summary == alone.summary


def test_a_damaged_region_comparison_is_refused() -> None:
    from zjpaoyici.ops.codec import CodecError
    from zjpaoyici.ops.diff import _decode_region

    good = {
        "changes": [
            [
                *("changed", "330106", "c", "n", "improvement", "visits", 3, 1, None, None),
                *(["a.yaml", 1, 1], False, "", False),
            ]
        ],
        "summary": [2, 0, 0.0, 0, 1, 1],
    }
    assert _decode_region(good).changes[0].new == 1
    for bad in (
        {**good, "summary": [2, 0, 0.0, 0, 1]},
        {**good, "summary": [True, 0, 0.0, 0, 1, 1]},
        {**good, "changes": [["exploded", *good["changes"][0][1:]]]},
        {
            **good,
            "changes": [[*good["changes"][0][:6], {"__class__": object}, *good["changes"][0][7:]]],
        },
        {**good, "changes": [[*good["changes"][0][:6], [[[[[[1]]]]]], *good["changes"][0][7:]]]},
        {**good, "extra": 1},
    ):
        with pytest.raises(CodecError):
            _decode_region(bad)


def test_a_report_after_a_validate_is_warm(broken: Path, tmp_path: Path) -> None:
    from zjpaoyici.ops.stats.collect import coverage_of

    validate_catalogue(broken, cache=Cache(tmp_path / "c"))
    cache = Cache(tmp_path / "c")
    warm, _ = coverage_of(broken, "entry", cache=cache)
    assert cache.misses == 0 and cache.hits == 23
    cold, _ = coverage_of(broken, "entry")
    assert warm == cold


def test_cache_command_shows_and_clears(broken: Path, tmp_path: Path, cli: Any) -> None:
    directory = tmp_path / "cmd"
    os.environ["ZJPAOYICI_CACHE_DIR"] = str(directory)
    try:
        cli("validate", str(broken))
        info = json.loads(cli("cache", "--format", "json").stdout)
        assert info["directory"] == str(directory) and info["entries"] == 2 * 23
        assert info["bytes"] > 0
        cleared = json.loads(cli("cache", "--clear", "--format", "json").stdout)
        assert cleared["removed"] == 2 * 23 and cleared["entries"] == 0
        text = cli("cache", "--lang", "zh").stdout
        assert "缓存目录" in text and "0 个" in text
    finally:
        os.environ["ZJPAOYICI_CACHE_DIR"] = str(tmp_path / "elsewhere")


def test_sweep_removes_entries_unused_for_a_month_once_a_day(broken: Path, tmp_path: Path) -> None:
    import time

    from zjpaoyici.runner.cache import KEEP_DAYS

    directory = tmp_path / "c"
    validate_catalogue(broken, cache=Cache(directory))
    entries = entry_files(directory)
    old = time.time() - (KEEP_DAYS + 1) * 86400
    for path in entries[:5]:
        os.utime(path, (old, old))
    now = time.time()
    assert Cache(directory).sweep(now) == 5
    assert len(list(directory.rglob("*.entry"))) == len(entries) - 5
    os.utime(entries[5], (old, old))
    assert Cache(directory).sweep(now + 3600) == 0  # swept less than a day ago
    assert Cache(directory).sweep(now + 2 * 86400) == 1


# --- a cache that cannot hurt (issue 16): every entry authenticated, only regular files read


def _poison(directory: Path, replace: Any) -> int:
    """Apply ``replace(path)`` to every entry; returns how many."""
    entries = entry_files(directory)
    for path in entries:
        replace(path)
    return len(entries)


def test_an_entry_edited_with_its_key_kept_cannot_hide_findings(
    broken: Path, tmp_path: Path
) -> None:
    """The attack of issue 16: an entry keeps its own key but says 'no findings'."""
    directory = tmp_path / "c"
    expected, _ = validate_catalogue(broken, cache=Cache(directory))
    assert expected.findings

    def empty_findings(path: Path) -> None:
        head, payload = path.read_bytes().split(b"\n", 1)
        data = json.loads(payload)
        data["data"] = json.loads(json.dumps(data["data"]).replace('"rule"', '"x"'))
        path.write_bytes(head + b"\n" + json.dumps(data).encode())

    assert _poison(directory, empty_findings)
    cache = Cache(directory)
    result, _ = validate_catalogue(broken, cache=cache)
    assert outcome(result) == outcome(expected)
    assert cache.hits == 0 and cache.rejected >= 1


def test_an_entry_signed_by_another_cache_is_ignored(broken: Path, tmp_path: Path) -> None:
    """An entry copied in from another user's or runner's cache (another secret), even
    with a correct tag for that secret and a result that hides every finding."""
    directory = tmp_path / "c"
    expected, _ = validate_catalogue(broken, cache=Cache(directory, secret=b"theirs" * 6))
    forged = b"someone-else" * 3
    for path in entry_files(directory):
        key = path.name[: -len(SUFFIX)]
        data = json.loads(payload_of(path))
        data["data"] = json.loads(json.dumps(data["data"]).replace('"rule"', '"x"'))
        body = json.dumps(data).encode()
        path.write_bytes(b"zjpaoyici-cache-2 " + _tag(forged, key, body) + b"\n" + body)
    cache = Cache(directory)  # this user's own secret
    result, _ = validate_catalogue(broken, cache=cache)
    assert cache.hits == 0 and outcome(result) == outcome(expected)


def test_fifo_device_link_and_oversize_entries_are_refused_quickly(
    broken: Path, tmp_path: Path
) -> None:
    import time

    directory = tmp_path / "c"
    expected, _ = validate_catalogue(broken, cache=Cache(directory))
    read = keys_read(broken, directory)
    entries = [p for p in entry_files(directory) if p.name[: -len(SUFFIX)] in read]
    fifo, device, sparse, outside = entries[0], entries[1], entries[2], entries[3]
    fifo.unlink()
    os.mkfifo(fifo)  # reading it would block forever
    device.unlink()
    device.symlink_to("/dev/zero")  # reading it would never end
    with sparse.open("r+b") as fh:
        fh.truncate(MAX_ENTRY_BYTES + 1)  # a sparse file just over the bound
    secret_file = tmp_path / "elsewhere.entry"
    secret_file.write_bytes(outside.read_bytes())
    outside.unlink()
    outside.symlink_to(secret_file)  # even a valid entry is not read through a link
    started = time.monotonic()
    cache = Cache(directory)
    result, _ = validate_catalogue(broken, cache=cache)
    assert time.monotonic() - started < 10
    assert outcome(result) == outcome(expected)
    assert cache.rejected >= 4
    again = Cache(directory)
    validate_catalogue(broken, cache=again)
    assert again.misses == 0  # each odd file was replaced by a real entry


def test_a_symlinked_cache_subfolder_is_not_trusted(broken: Path, tmp_path: Path) -> None:
    directory = tmp_path / "c"
    validate_catalogue(broken, cache=Cache(directory))
    read = keys_read(broken, directory)
    sub = next(p for p in entry_files(directory) if p.name[: -len(SUFFIX)] in read).parent
    moved = tmp_path / "moved"
    shutil.move(str(sub), moved)
    sub.symlink_to(moved, target_is_directory=True)
    cache = Cache(directory)
    validate_catalogue(broken, cache=cache)
    assert cache.misses >= 1


def test_the_secret_is_private_and_outside_the_cache(tmp_path: Path) -> None:
    from zjpaoyici.runner.cache import config_dir, load_secret

    first = load_secret()
    assert first is not None and len(first) == 32
    key_file = config_dir() / "cache-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_secret() == first
    key_file.chmod(0o644)  # readable by others: no longer a secret, not used
    assert load_secret() is None
    key_file.chmod(0o600)
    os.environ["ZJPAOYICI_CACHE_KEY"] = "ci-secret"
    try:
        assert load_secret() not in (None, first)
    finally:
        del os.environ["ZJPAOYICI_CACHE_KEY"]


def test_stale_temporary_files_are_swept(tmp_path: Path) -> None:
    from zjpaoyici.files.atomic import TEMP_SUFFIX, remove_stale_temps

    dead = tmp_path / f".x.yaml.999999999.0123abcd{TEMP_SUFFIX}"
    live = tmp_path / f".y.yaml.{os.getpid()}.0123abcd{TEMP_SUFFIX}"
    fresh = tmp_path / f".z.yaml.999999999.0123abcd{TEMP_SUFFIX}"
    other = tmp_path / ".keep.tmp"
    for path in (dead, live, fresh, other):
        path.write_text("x", encoding="utf-8")
    old = 1_000_000_000
    for path in (dead, live, other):
        os.utime(path, (old, old))
    assert remove_stale_temps(tmp_path) == 2  # the dead writer's and our own old one
    assert not dead.exists() and not live.exists() and fresh.exists() and other.exists()


def test_the_pre_commit_call_reads_only_the_given_files_regions(
    broken: Path, tmp_path: Path
) -> None:
    """Issue 17: `validate FILE` (the pre-commit hook) resolves the given file's region
    only, never every region; its findings are those of the full run for that file."""
    target = broken / "implementations" / "330106" / "scjg.yaml"
    one = Cache(tmp_path / "one")
    only = {display_path(target.absolute())}
    result, _ = validate_catalogue(broken, only_files=only, cache=one)
    assert one.misses == 1  # one region computed (was: every region folder)
    full, _ = validate_catalogue(broken)
    assert outcome(result)[:-1] == [
        row for row in outcome(full)[:-1] if row[1] == display_path(target.absolute())
    ]


def test_cached_regions_are_decoded_one_at_a_time(tmp_path: Path) -> None:
    """A warm run reads and decodes each cached region only when it is yielded, so memory
    follows one region, not all of them."""
    from zjpaoyici.catalogue.load import load_global
    from zjpaoyici.catalogue.paths import plan_files
    from zjpaoyici.files.reader import DEFAULT_LIMITS
    from zjpaoyici.ops.standard.compute import StandardTask
    from zjpaoyici.ops.standard.elements import COMPARED_ELEMENTS

    root = REPO / "catalog"
    plan = plan_files(root)
    cat = load_global(root, plan)
    decoded: list[str] = []

    class Counting(StandardTask):
        def decode(self, data: Any) -> Any:
            decoded.append("x")
            return super().decode(data)

    task = Counting(COMPARED_ELEMENTS)
    cache = Cache(tmp_path / "c")
    cold = engine.RegionRunner(cat, plan, task, limits=DEFAULT_LIMITS, cache=cache)
    assert len(list(cold.results())) == 23
    decoded.clear()
    warm = engine.RegionRunner(cat, plan, task, limits=DEFAULT_LIMITS, cache=cache)
    seen = []
    for _ in warm.results():
        seen.append(len(decoded))
    assert seen == list(range(1, 24))  # the n-th region decoded just before it is yielded
    assert warm.stats.cached == 23 and warm.stats.computed == 0
