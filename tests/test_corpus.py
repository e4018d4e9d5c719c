"""The corpus of broken and hostile inputs (``tests/corpus/bad/``), run through the real CLI.

Each case is a folder: the files to lay over the valid base catalogue (``tests.conftest.BASE``)
and an ``expect.yaml`` saying what the command must report. Big or binary inputs (a 50 MB
scalar, 10,000 files, GBK bytes, NUL bytes, chmod 000, links out of the tree) are never
committed: ``expect.yaml`` describes them and the runner makes them. ``expect.yaml``::

    about: one line saying what is wrong with the input
    command: [validate, --format, json]     # the default; run in the case folder
    base: true                              # lay the files over the base catalogue (default)
    exit: 1                                 # the documented exit code
    findings:                               # exactly these (rule, file, line, col) ...
      - {rule: Y004, file: basic/x.yaml, line: 3, col: 5, says: GBK}   # ``says``: in message or hint
    findings_each:                          # ... plus these, one per i in range(count)
      - {rule: Y008, file: "basic/t{i:05d}.yaml", line: 1, col: 1, count: 10000}
    summary: {files: 6}                     # fields of the JSON summary
    stdout_has: [...]   stderr_has: [...]   output_lacks: [...]
    max_seconds: 60                         # the hang guard (60 s unless lower)
    remove: [paths of the base catalogue to delete]
    generate:                               # files the runner writes
      - path: basic/x.yaml                  # may hold <<BYTES ff>> (a non-UTF-8 name)
        text: "..."                         # with <<REPEAT c N>> / <<REPEAT 'text' N>>,
                                            # <<STAIRS 'k:' N start>> (N lines, each indented
                                            # one more) and <<BYTES ff fe>> (raw bytes)
        from: basic/scjg.yaml               # or: the text of this file (case folder or base)
        encoding: gbk                       # utf-8 (default), utf-8-sig, gbk, gb18030, utf-16 ...
        newline: crlf                       # lf (default) or crlf
        count: 10000                        # optional: write path.format(i=i) for each i
        mode: 0                             # optional: chmod (e.g. 0 for an unreadable file)
        fifo: true                          # optional: a named pipe instead of a file
    dirs: [folders to create]
    symlinks: {link: target}                # ``{outside}`` is a folder beside the catalogue
    bug: "bug: ..."                         # the case shows a known bug: expected to fail

Every case also must: print no traceback, not die of a signal or MemoryError, finish
within the guard, stay under 1 GiB of address space (``RLIMIT_AS`` in the child), never
leak the text of files outside the catalogue, and write nothing anywhere (the folder
around the catalogue, including the child's HOME and TMPDIR, is compared before and after)
but hash-named entries in its own result cache (``ZJPAOYICI_CACHE_DIR``).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import BASE

CORPUS = Path(__file__).parent / "corpus" / "bad"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expect.yaml").is_file())
GUARD_SECONDS = 60.0
MEMORY_LIMIT = 1 << 30  # 1 GiB of address space for the child
SECRET = "SECRET-6f1d2c-outside-the-catalogue"
DEFAULT_COMMAND = ["validate", "--format", "json"]
_REPEAT = re.compile(r"<<REPEAT (?:'([^']*)'|(\S)) (\d+)>>")
_STAIRS = re.compile(r"<<STAIRS '([^']*)' (\d+) (\d+)>>")
_BYTES = re.compile(rb"<<BYTES ((?:[0-9a-fA-F]{2} ?)+)>>")
_KNOWN_KEYS = {
    "about",
    "command",
    "base",
    "exit",
    "findings",
    "findings_each",
    "summary",
    "stdout_has",
    "stderr_has",
    "output_lacks",
    "max_seconds",
    "remove",
    "generate",
    "dirs",
    "symlinks",
    "bug",
}


def load_expect(case: Path) -> dict[str, Any]:
    with (case / "expect.yaml").open(encoding="utf-8") as fh:
        expect: dict[str, Any] = yaml.safe_load(fh)
    return expect


def _params() -> list[Any]:
    params = []
    for case in CASES:
        bug = load_expect(case).get("bug")
        marks = [pytest.mark.xfail(reason=bug, strict=True)] if bug else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


# --- building a case ---------------------------------------------------------------


def _source_text(rel: str, case: Path) -> str:
    for folder in (case, BASE):
        if (folder / rel).is_file():
            return (folder / rel).read_text(encoding="utf-8")
    raise FileNotFoundError(rel)


def _render(spec: dict[str, Any], case: Path) -> bytes:
    text = spec["text"] if "text" in spec else _source_text(spec["from"], case)
    text = _REPEAT.sub(lambda m: (m.group(1) or m.group(2)) * int(m.group(3)), text)
    text = _STAIRS.sub(
        lambda m: "".join(
            " " * (int(m.group(3)) + i) + m.group(1) + "\n" for i in range(int(m.group(2)))
        ),
        text,
    )
    if spec.get("newline") == "crlf":
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    data = text.encode(spec.get("encoding", "utf-8"))
    return _BYTES.sub(lambda m: bytes.fromhex(m.group(1).decode()), data)


def build(case: Path, expect: dict[str, Any], root: Path, outside: Path) -> None:
    """Materialise ``case`` at ``root``; ``outside`` holds a file links may point at."""
    unknown = set(expect) - _KNOWN_KEYS
    assert not unknown, f"unknown keys in {case.name}/expect.yaml: {sorted(unknown)}"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"note: {SECRET}\n", encoding="utf-8")
    if expect.get("base", True):
        shutil.copytree(BASE, root)
    else:
        root.mkdir()
    for rel in expect.get("remove", []):
        target = root / rel
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for src in sorted(case.rglob("*")):
        rel_path = src.relative_to(case)
        if src.is_file() and rel_path != Path("expect.yaml"):
            (root / rel_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, root / rel_path)
    chmods: list[tuple[Path, int]] = []
    for spec in expect.get("generate", []):
        names = (
            [spec["path"].format(i=i) for i in range(spec["count"])]
            if "count" in spec
            else [spec["path"]]
        )
        data = b"" if spec.get("fifo") else _render(spec, case)
        for name in names:
            raw_name = _BYTES.sub(lambda m: bytes.fromhex(m.group(1).decode()), name.encode())
            target = root / os.fsdecode(raw_name)
            target.parent.mkdir(parents=True, exist_ok=True)
            if spec.get("fifo"):
                os.mkfifo(target)
            else:
                target.write_bytes(data)
            if "mode" in spec:
                chmods.append((target, spec["mode"]))
    for rel in expect.get("dirs", []):
        (root / rel).mkdir(parents=True)
    for rel, dest in (expect.get("symlinks") or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(dest.replace("{outside}", str(outside)), root / rel)
    for target, mode in chmods:
        os.chmod(target, mode)


# --- running the child ---------------------------------------------------------------

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _child_setup() -> None:
    """In the child before exec: cap its address space at 1 GiB; as root, also give up
    the right to read files whatever their permissions (so chmod 000 means unreadable)."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
            libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)


def _unreadable_possible() -> bool:
    """Whether a chmod 000 file is unreadable to the child: always for an ordinary user;
    for root only if it may drop CAP_DAC_OVERRIDE (needs CAP_SETPCAP, bit 8)."""
    if os.geteuid() != 0:
        return True
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return False
    caps = re.search(r"^CapEff:\s*([0-9a-f]+)", status, re.MULTILINE)
    return bool(caps and int(caps.group(1), 16) & (1 << 8))


# The one place zjpaoyici may write on its own: its result cache ($ZJPAOYICI_CACHE_DIR),
# as entries named by a SHA-256 key, never by anything the input says.
_CACHE_ENTRY = re.compile(r"v\d+(?:/(?:\.swept|[0-9a-f]{2}(?:/[0-9a-f]{64}\.entry)?))?|\.swept")


def _snapshot(folder: Path) -> dict[str, tuple[str, int, int, str]]:
    """Every entry under ``folder``: kind, mode, size and (small files) a content hash."""
    out: dict[str, tuple[str, int, int, str]] = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            if path.is_symlink():
                out[str(path.relative_to(folder))] = ("link", 0, 0, os.readlink(path))
                continue
            digest = ""
            if (
                path.is_file()
                and not path.is_fifo()
                and st.st_size <= 1 << 20
                and st.st_mode & 0o444
            ):
                try:
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                except PermissionError:
                    digest = "unreadable"
            kind = "dir" if path.is_dir() else "file"
            out[str(path.relative_to(folder))] = (kind, st.st_mode, st.st_size, digest)
    return out


class Outcome:
    def __init__(self, code: int, stdout: str, stderr: str, seconds: float) -> None:
        self.code, self.stdout, self.stderr, self.seconds = code, stdout, stderr, seconds


def run_cli(
    args: list[str], cwd: Path, home: Path, timeout: float, setup: Callable[[], None]
) -> Outcome:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZJPAOYICI_", "PYTEST_", "COLUMNS", "FORCE_COLOR"))
    }
    env.update(
        ZJPAOYICI_LANG="en",
        HOME=str(home),
        TMPDIR=str(home / "tmp"),
        ZJPAOYICI_CACHE_DIR=str(home / "cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    start = time.monotonic()
    try:
        proc = subprocess.run(
            # -P: the case folder is the working directory; never import from it
            [sys.executable, "-P", "-m", "zjpaoyici", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=timeout,
            preexec_fn=setup,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"zjpaoyici {' '.join(args)} did not finish within {timeout:g} s (a hang)")
    seconds = time.monotonic() - start
    try:
        stdout, stderr = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    except UnicodeDecodeError as exc:
        pytest.fail(f"output is not valid UTF-8: {exc}")
    return Outcome(proc.returncode, stdout, stderr, seconds)


# --- the checks ----------------------------------------------------------------------


def _expected_findings(expect: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    want = [(e["rule"], e["file"], e["line"], e["col"]) for e in expect.get("findings", [])]
    for each in expect.get("findings_each", []):
        want += [
            (each["rule"], each["file"].format(i=i), each["line"], each["col"])
            for i in range(each["count"])
        ]
    return sorted(want)


def check(expect: dict[str, Any], out: Outcome, command: list[str]) -> None:
    both = out.stdout + out.stderr
    assert out.code >= 0, f"killed by signal {-out.code}\n{out.stderr[-2000:]}"
    for bad in ("Traceback", "MemoryError", "internal error", "内部错误"):
        assert bad not in both, f"{bad!r} in the output:\n{out.stderr[-3000:]}"
    assert SECRET not in both, "the text of a file outside the catalogue leaked into the output"
    limit = float(expect.get("max_seconds", GUARD_SECONDS))
    assert out.seconds <= limit, f"took {out.seconds:.1f} s, more than {limit:g} s"
    if command[:1] == ["validate"] and "json" in command and out.stdout.strip():
        report = json.loads(out.stdout)
        findings = report["findings"]
        got = sorted((f["rule"], f["file"], f["line"], f["column"]) for f in findings)
        shown = json.dumps(findings[:40], ensure_ascii=False, indent=1)
        assert got == _expected_findings(expect), shown
        for e in expect.get("findings", []):
            if "says" in e:
                texts = [
                    f["message"] + " " + (f["hint"] or "")
                    for f in findings
                    if (f["rule"], f["file"], f["line"], f["column"])
                    == (e["rule"], e["file"], e["line"], e["col"])
                ]
                assert any(e["says"] in text for text in texts), (e["says"], texts)
        for key, value in (expect.get("summary") or {}).items():
            assert report["summary"][key] == value, (key, report["summary"])
    elif "findings" in expect or "findings_each" in expect or "summary" in expect:
        pytest.fail(f"no JSON report on stdout\n{out.stderr[-2000:]}")
    for text in expect.get("stdout_has", []):
        assert text in out.stdout, (text, out.stdout[-3000:])
    for text in expect.get("stderr_has", []):
        assert text in out.stderr, (text, out.stderr[-3000:])
    for text in expect.get("output_lacks", []):
        assert text not in both, text
    assert out.code == expect["exit"], (
        f"exit {out.code}, expected {expect['exit']}\n{out.stderr[-2000:]}"
    )


def test_corpus_has_enough_cases() -> None:
    assert len(CASES) >= 60, len(CASES)
    for case in CASES:
        expect = load_expect(case)
        assert isinstance(expect.get("about"), str) and "\n" not in expect["about"].strip()
        assert isinstance(expect.get("exit"), int), case.name
        bug = expect.get("bug")
        assert bug is None or str(bug).startswith("bug: "), case.name


@pytest.mark.parametrize("case", _params())
def test_case(case: Path, tmp_path: Path) -> None:
    expect = load_expect(case)
    if any("mode" in g for g in expect.get("generate", [])) and not _unreadable_possible():
        pytest.skip("running as root without CAP_SETPCAP: chmod 000 does not stop root")
    root, outside, home = tmp_path / "cat", tmp_path / "outside", tmp_path / "home"
    build(case, expect, root, outside)
    (home / "tmp").mkdir(parents=True)
    (home / "cache").mkdir()
    command = [str(a) for a in expect.get("command", DEFAULT_COMMAND)]
    before = _snapshot(tmp_path)
    timeout = min(GUARD_SECONDS, float(expect.get("max_seconds", GUARD_SECONDS)))
    try:
        out = run_cli(command, root, home, timeout, _child_setup)
        check(expect, out, command)
    finally:
        after = _snapshot(tmp_path)
        for path in root.rglob("*"):  # let pytest clean up an unreadable file
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o600)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    cache = [k for k in changed if k.startswith("home/cache/")]
    odd = [k for k in cache if not _CACHE_ENTRY.fullmatch(k.removeprefix("home/cache/"))]
    assert not odd, f"the cache holds files no input should be able to name: {odd[:20]}"
    changed = [k for k in changed if k not in cache]
    assert not changed, f"the command changed files: {changed[:20]}"
