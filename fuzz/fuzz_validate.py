"""Fuzz the safe reader and the whole validate pipeline (run on demand, not by pytest).

Every input is a file's bytes. The first byte picks where the file goes in a small valid
catalogue (an implementation list, a ``_defaults`` file, the basic catalogue, a bundle,
``catalogue.yaml`` or ``regions.yaml``); the rest is its content. For each input:

1. ``yamlio.read_document`` must return a document or findings. It is documented to
   raise ``OSError`` only when the file cannot be opened; any exception is a crash.
2. ``validate_catalogue`` over the catalogue must not raise, and every finding must name
   a known rule and a location (line and column ≥ 1) in a file of the catalogue.
3. With the CLI's result cache (a scratch one), a first run (miss) and a second (hit)
   must give the same findings as a run without it.
4. Every output format (text, json, github, sarif, junit) must render; the JSON must
   parse, and every GitHub line must be one of our workflow commands.

Two engines share these checks:

* atheris (coverage-guided, libFuzzer)::

      .venv/bin/pip install atheris
      .venv/bin/python fuzz/fuzz_validate.py -max_total_time=600 -rss_limit_mb=1024 \\
          -timeout=20 -max_len=8192 -artifact_prefix=/tmp/zjp-fuzz-

  libFuzzer options go on the command line; the seed corpus (the inputs of
  ``tests/corpus/bad`` and ``zjpaoyici/rules/examples``) is added automatically.

* hypothesis (structured YAML from a grammar and mutations of the seeds; no extra
  dependency)::

      .venv/bin/python fuzz/fuzz_validate.py --hypothesis --minutes 10

Both stop at the first failing input and print it (hypothesis shrinks it first).
``--no-cache`` skips check 3 (to fuzz on past a known cache bug).
"""

from __future__ import annotations

import argparse
import atexit
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = [
    "implementations/330106/scjg.yaml",
    "implementations/330100/_defaults.yaml",
    "basic/scjg.yaml",
    "bundles/fuzz.yaml",
    "catalogue.yaml",
    "regions.yaml",
]
GITHUB_LINE = re.compile(r"::(?:error|warning|notice) file=[^:,\n]*,line=\d+,col=\d+,title=[^\n]*")


def _import_zjpaoyici() -> dict[str, Any]:
    import inspect

    from rich.console import Console

    from zjpaoyici.files.reader import read_document
    from zjpaoyici.ops.validate import validate_catalogue
    from zjpaoyici.render import findings_json, findings_junit, findings_sarif, findings_text
    from zjpaoyici.rules.example_cases import BASE_DIR
    from zjpaoyici.rules.ruleset import REGISTRY

    cache_class = None
    if "cache" in inspect.signature(validate_catalogue).parameters:
        from zjpaoyici.runner.cache import Cache

        cache_class = Cache
    return {
        "Cache": cache_class,
        "Console": Console,
        "findings_json": findings_json,
        "findings_junit": findings_junit,
        "findings_sarif": findings_sarif,
        "findings_text": findings_text,
        "REGISTRY": REGISTRY,
        "BASE_DIR": BASE_DIR,
        "validate_catalogue": validate_catalogue,
        "read_document": read_document,
    }


class Target:
    """A scratch catalogue and the checks run on each input."""

    def __init__(self, z: dict[str, Any]) -> None:
        self.z = z
        self.dir = Path(tempfile.mkdtemp(prefix="zjp-fuzz-"))
        atexit.register(shutil.rmtree, self.dir, True)
        self.root = self.dir / "cat"
        shutil.copytree(z["BASE_DIR"], self.root)
        (self.root / "bundles").mkdir(exist_ok=True)
        self.originals = {
            rel: (self.root / rel).read_bytes() if (self.root / rel).exists() else None
            for rel in TARGETS
        }
        os.chdir(self.root)  # findings name files relative to the working directory
        self.files = {str(p.relative_to(self.root)) for p in self.root.rglob("*")}
        self.runs = 0

    def __call__(self, data: bytes) -> None:
        if not data:
            return
        rel = TARGETS[data[0] % len(TARGETS)]
        path = self.root / rel
        path.write_bytes(data[1:])
        try:
            self.check(path, rel)
        finally:
            original = self.originals[rel]
            if original is None:
                path.unlink()
            else:
                path.write_bytes(original)

    def check(self, path: Path, rel: str) -> None:
        z = self.z
        doc, findings = z["read_document"](path, rel)
        assert doc is not None or findings, "no document and no finding"
        for f in findings:
            assert f.rule in z["REGISTRY"], f.rule
            assert f.loc.line >= 1 and f.loc.col >= 1, f
        result, _ = z["validate_catalogue"](self.root)
        if z["Cache"] is not None and not os.environ.get("ZJP_FUZZ_NO_CACHE"):
            # the CLI's result cache: a miss, then a hit, each the same result
            self.runs += 1
            if self.runs % 2000 == 0:
                shutil.rmtree(self.dir / "cache", ignore_errors=True)
            for _ in range(2):
                cached, _ = z["validate_catalogue"](self.root, cache=z["Cache"](self.dir / "cache"))
                assert _keys(cached) == _keys(result), "the cache changed the result"
        for f, _severity in result.findings:
            assert f.rule in z["REGISTRY"], f.rule
            assert f.loc.line >= 1 and f.loc.col >= 1, f
            assert f.loc.file in self.files | {rel}, f.loc.file
        for lang in ("en", "zh"):
            report = json.loads(z["findings_json"].render_json(result, lang))
            assert len(report["findings"]) == len(result.findings)
            github = z["findings_json"].render_github(result, lang)
            for line in github.splitlines():
                assert GITHUB_LINE.fullmatch(line), line
            json.loads(z["findings_sarif"].render_sarif(result, lang))
            z["findings_junit"].render_junit(result, lang)
        console = z["Console"](file=io.StringIO(), width=120, force_terminal=False)
        z["findings_text"].render(result, console, "en")


def _keys(result: Any) -> list[tuple[Any, ...]]:
    return [(f.rule, f.loc, sorted(map(str, f.params.items())), s) for f, s in result.findings]


def seeds() -> list[bytes]:
    """Inputs of the corpus and the rule examples, each prefixed with its target byte."""
    out: list[bytes] = []
    for folder in (ROOT / "tests" / "corpus" / "bad", ROOT / "zjpaoyici" / "rules" / "examples"):
        for path in sorted(folder.rglob("*.yaml")):
            if path.name == "expect.yaml" or path.stat().st_size > 20_000:
                continue
            data = path.read_bytes()
            kind = next(
                (i for i, t in enumerate(TARGETS) if path.as_posix().endswith(t.split("/")[-1])),
                0,
            )
            out.append(bytes([kind]) + data)
    return out


def _dict_entry(token: str) -> str:
    """A libFuzzer dictionary line: the token's UTF-8 bytes, quoted, with \\xNN escapes."""
    out = "".join(
        chr(b) if 0x20 <= b < 0x7F and chr(b) not in '"\\' else f"\\x{b:02X}"
        for b in token.encode("utf-8")
    )
    return f'"{out}"'


# --- atheris -----------------------------------------------------------------------------


def run_atheris(argv: list[str]) -> None:
    import atheris  # type: ignore[import-untyped]

    with atheris.instrument_imports():
        z = _import_zjpaoyici()
    target = Target(z)
    corpus = target.dir / "seeds"
    corpus.mkdir()
    for i, seed in enumerate(seeds()):
        (corpus / f"seed-{i:04d}").write_bytes(seed)
    options = [a for a in argv[1:] if a.startswith("-")]
    if not any(a.startswith("-dict=") for a in options):
        tokens = target.dir / "yaml.dict"
        tokens.write_text(
            "".join(_dict_entry(t) + "\n" for t in [*TRICKY, *FIELDS]),
            encoding="utf-8",
        )
        options.append(f"-dict={tokens}")
    corpora = [a for a in argv[1:] if not a.startswith("-")] or [str(corpus)]
    atheris.Setup([argv[0], *options, *corpora], target)
    atheris.Fuzz()


# --- hypothesis ----------------------------------------------------------------------------

TRICKY = [
    "0701", "330106", "yes", "no", "on", "off", "~", "null", "1e3", "1_000", "12:30", "0x1F",
    ".inf", ".nan", "2024-02-30", "2024-01-01", "一次", "许可-００８０２-００１", "许可－00802－001",
    "西湖\u200b区", "西湖\u00a0区", "\u202eevil", "<script>", "::error::x", "%0A", "| a |",
    "@all", "[bold]x[/]", "\\e[31m", "'quoted'", '"dq"', "a: b", "- x", "? k", "!!python/object",
    "&a x", "*a", "<<: *a", "---", "...", "%YAML 1.1", "\t", "#c",
]  # fmt: skip
FIELDS = [
    "schema", "region", "department", "matters", "code", "visits", "onsite_reason",
    "promised_limit", "days", "unit", "case_type", "online", "depth", "mobile", "express",
    "materials", "name", "required", "items", "situations", "defaults", "basic", "subs",
    "levels", "legal_limit", "type", "basis", "bundles", "members", "regions", "parent",
    "level", "province", "scope", "types", "exempt", "targets", "rules", "note", "<<",
]  # fmt: skip
HEADERS = [
    'schema: zjpaoyici/implementation/v1\nregion: "330106"\ndepartment: 部门\n',
    'schema: zjpaoyici/defaults/v1\nregion: "330100"\ndepartment: 部门\n',
    "schema: zjpaoyici/basic/v1\ndepartment: 部门\n",
    "schema: zjpaoyici/bundle/v1\n",
    'schema: zjpaoyici/catalogue/v1\nname: x\nprovince: "330000"\n',
    "schema: zjpaoyici/regions/v1\n",
]


def run_hypothesis(minutes: float, seed_list: list[bytes]) -> None:
    import yaml
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    z = _import_zjpaoyici()
    target = Target(z)
    scalars = st.one_of(
        st.sampled_from(TRICKY),
        st.integers(-(10**30), 10**30),
        st.booleans(),
        st.none(),
        st.text(max_size=30),
    )
    values = st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner, max_size=5
            ),
        ),
        max_leaves=25,
    )

    @st.composite
    def documents(draw: st.DrawFn) -> bytes:
        kind = draw(st.integers(0, len(TARGETS) - 1))
        use_seed = bool(seed_list) and draw(st.booleans())
        if use_seed:
            text = draw(st.sampled_from(seed_list))[1:].decode("utf-8", "replace")
        else:
            body = {
                draw(st.sampled_from(FIELDS)): draw(values) for _ in range(draw(st.integers(0, 4)))
            }
            style = draw(st.sampled_from([None, True, False]))
            dumped = yaml.safe_dump(body, allow_unicode=True, default_flow_style=style)
            text = HEADERS[kind] + ("" if body == {} else dumped)
        for _ in range(draw(st.integers(0, 4))):  # splice tricky tokens anywhere
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(TRICKY)) + text[at:]
        raw = text.encode("utf-8")
        encoding = draw(
            st.sampled_from(["utf-8"] * 8 + ["gbk-ish", "utf-16", "bom", "crlf", "bytes"])
        )
        if encoding == "utf-16":
            raw = text.encode("utf-16")
        elif encoding == "bom":
            raw = b"\xef\xbb\xbf" + raw
        elif encoding == "crlf":
            raw = raw.replace(b"\n", b"\r\n")
        elif encoding == "gbk-ish":
            raw = text.encode("gb18030", "replace")
        elif encoding == "bytes" and raw:
            at = draw(st.integers(0, len(raw) - 1))
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=3)) + raw[at:]
        return bytes([kind]) + raw

    runs = 0

    @settings(
        max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(documents())
    def fuzz(data: bytes) -> None:
        nonlocal runs
        runs += 1
        target(data)

    started = time.monotonic()
    try:
        while time.monotonic() - started < minutes * 60:
            fuzz()  # a fresh random seed each round; stops at the first failure
    finally:
        print(
            f"zjpaoyici fuzz (hypothesis): {runs} inputs in {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--hypothesis", action="store_true")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--no-cache", action="store_true", help="skip check 3")
    known, rest = parser.parse_known_args(argv[1:])
    if known.no_cache:
        os.environ["ZJP_FUZZ_NO_CACHE"] = "1"
    if known.hypothesis:
        run_hypothesis(known.minutes, seeds())
    else:
        run_atheris([argv[0], *rest])


if __name__ == "__main__":
    main(sys.argv)
