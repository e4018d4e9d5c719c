"""The validate command's interface: exit codes, rule selection, paths, fallbacks."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import REPO, run_subprocess
from zjpaoyici import __version__

BAD_ENTRY = '  - code: "许可-00802-002"\n    visits: 2\n    promised_limit: {days: 1}\n    online: {depth: 3}\n'


def add_q001(root: Path) -> None:
    path = root / "implementations" / "330106" / "scjg.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index('  - code: "许可-00802-002"')
    path.write_text(text[:start] + BAD_ENTRY, encoding="utf-8")


def rules_of(run: Any) -> list[str]:
    return [f["rule"] for f in json.loads(run.stdout)["findings"]]


def test_clean_catalogue_exits_zero(base_catalogue: Path, cli: Any) -> None:
    run = cli("validate", str(base_catalogue))
    assert run.code == 0 and "no problems found" in run.stdout


def test_findings_exit_one_and_select_ignore(base_catalogue: Path, cli: Any) -> None:
    add_q001(base_catalogue)
    assert rules_of(cli("validate", "-f", "json", cwd=base_catalogue)) == ["Q001"]
    run = cli("validate", "-f", "json", "--ignore", "Q001", cwd=base_catalogue)
    assert run.code == 0 and rules_of(run) == []
    run = cli("validate", "-f", "json", "--select", "C", cwd=base_catalogue)
    assert run.code == 0 and rules_of(run) == []
    run = cli("validate", "-f", "json", "--select", "Q", cwd=base_catalogue)
    assert run.code == 1 and rules_of(run) == ["Q001"]


def test_rules_configured_in_the_manifest(base_catalogue: Path, cli: Any) -> None:
    add_q001(base_catalogue)
    manifest = base_catalogue / "catalogue.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + "rules:\n  ignore: [Q001]\n", encoding="utf-8"
    )
    assert cli("validate", cwd=base_catalogue).code == 0
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("ignore: [Q001]", "severity: {Q001: info}"),
        encoding="utf-8",
    )
    run = cli("validate", "-f", "json", cwd=base_catalogue)
    data = json.loads(run.stdout)
    assert run.code == 0 and data["findings"][0]["severity"] == "info"


def test_unknown_rule_selector_is_a_usage_error(base_catalogue: Path, cli: Any) -> None:
    run = cli("validate", "--select", "X999", cwd=base_catalogue)
    assert run.code == 2 and "X999" in run.stderr


def test_missing_path_is_a_usage_error(tmp_path: Path, cli: Any) -> None:
    run = cli("validate", str(tmp_path / "nope"))
    assert run.code == 2 and "nope" in run.stderr
    (tmp_path / "empty").mkdir()
    run = cli("validate", str(tmp_path / "empty"))
    assert run.code == 2 and "catalogue.yaml" in run.stderr


def test_reporting_one_file_of_a_catalogue(base_catalogue: Path, cli: Any) -> None:
    add_q001(base_catalogue)
    regions = base_catalogue / "regions.yaml"
    regions.write_text(regions.read_text(encoding="utf-8") + "extra: 1\n", encoding="utf-8")
    target = base_catalogue / "implementations" / "330106" / "scjg.yaml"
    run = cli("validate", "-f", "json", str(target), cwd=base_catalogue)
    assert rules_of(run) == ["Q001"]  # the S003 in regions.yaml is not this file's
    run = cli("validate", "-f", "json", str(regions), str(target), cwd=base_catalogue)
    assert sorted(rules_of(run)) == ["Q001", "S003"]


def test_loose_file_outside_a_catalogue(tmp_path: Path, cli: Any) -> None:
    loose = tmp_path / "list.yaml"
    loose.write_text(
        "schema: zjpaoyici/implementation/v1\nregion: 330106\ndepartment: 局\nmatters: []\n",
        encoding="utf-8",
    )
    run = cli("validate", "-f", "json", str(loose), cwd=tmp_path)
    assert run.code == 1 and rules_of(run) == ["Y006"]


def test_no_catalogue_is_exit_2_and_the_sample_only_on_request(tmp_path: Path, cli: Any) -> None:
    """A CI job run in the wrong folder must not go green on the bundled sample."""
    run = cli("validate", "--select", "Y", cwd=tmp_path)
    assert run.code == 2 and str(tmp_path) in run.stderr and "--sample" in run.stderr
    run = cli("validate", "--select", "Y", "--sample", cwd=tmp_path)
    assert run.code == 0 and "浙江省政务服务事项目录" in run.output


def test_output_file_is_written(base_catalogue: Path, cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    run = cli("validate", "-f", "sarif", "-o", str(out), cwd=base_catalogue)
    assert run.code == 0 and json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_version_help_and_module_entry(tmp_path: Path) -> None:
    run = run_subprocess("--version", cwd=tmp_path)
    assert run.code == 0 and run.stdout.strip() == f"zjpaoyici {__version__}"
    run = run_subprocess("validate", "--help", cwd=tmp_path, env={"COLUMNS": "200"})
    assert run.code == 0 and "Examples" in run.stdout and "--format" in run.stdout


def test_chinese_by_default_under_a_chinese_locale(base_catalogue: Path) -> None:
    add_q001(base_catalogue)
    run = run_subprocess(
        "validate", cwd=base_catalogue, env={"ZJPAOYICI_LANG": "", "LANG": "zh_CN.UTF-8"}
    )
    assert run.code == 1 and "没有填写必须现场办理原因" in run.stdout


def test_malformed_item_name_template_is_reported_not_crashed_on(
    base_catalogue: Path, cli: Any
) -> None:
    path = base_catalogue / "implementations" / "330106" / "scjg.yaml"
    text = path.read_text(encoding="utf-8")
    for template in ("{name（{applicant}）", "{0}", "{name.x}"):
        broken = text.replace(
            "    online: {depth: 3, mobile: true}\n",
            "    online: {depth: 3, mobile: true}\n    situations: {applicant: [企业, 个人]}\n"
            f"    item_name: {json.dumps(template, ensure_ascii=False)}\n",
        )
        path.write_text(broken, encoding="utf-8")
        run = cli("validate", "-f", "json", cwd=base_catalogue)
        assert run.code == 1 and "Q011" in rules_of(run), template
        assert cli("explode", "--format", "json", cwd=base_catalogue).code == 0


def test_a_reader_that_stops_early_ends_the_run_quietly() -> None:
    """``zjpaoyici … | head``: killed by SIGPIPE like other Unix tools (the shell sees 141),
    not exit 1 (which means findings) and not a traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "zjpaoyici", "explode", "catalog", "--format", "csv"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100)
    proc.stdout.close()
    code = proc.wait(timeout=120)
    stderr = proc.stderr.read().decode("utf-8", "replace")
    assert code == -signal.SIGPIPE, (code, stderr)
    assert "Traceback" not in stderr


def test_list_options_take_commas_and_repeats_alike(tmp_path: Path, cli: Any) -> None:
    from tests.conftest import BASE

    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    impl = root / "implementations" / "330106" / "scjg.yaml"
    impl.write_text(impl.read_text(encoding="utf-8") + "  - code: 许可-99999-001\n", "utf-8")
    rules = {}
    for args in (("--select", "Q,R"), ("--select", "Q", "--select", "R"), ("--select", "Q, R")):
        run = cli("validate", str(root), "-f", "json", *args)
        rules[args] = sorted({f["rule"][0] for f in json.loads(run.stdout)["findings"]})
    assert len(set(map(tuple, rules.values()))) == 1 and rules[("--select", "Q,R")] == ["Q", "R"]
    run = cli("validate", str(root), "-f", "json", "--select", "Q,R", "--ignore", "Q006,R001")
    assert {f["rule"] for f in json.loads(run.stdout)["findings"]}.isdisjoint({"Q006", "R001"})


def test_rules_explains_one_rule_in_the_chosen_language(cli: Any) -> None:
    zh = cli("rules", "Q001", "--lang", "zh")
    en = cli("rules", "q001", "--lang", "en")
    assert zh.code == en.code == 0
    assert "为什么" in zh.stdout and "Why" not in zh.stdout
    assert "Why:" in en.stdout and "为什么" not in en.stdout
    for out in (zh.stdout, en.stdout):  # the worked example: failing file, finding, fix
        assert "visits: 1" in out and "Q001" in out and "+    onsite_reason:" in out
    unknown = cli("rules", "Q901", "--lang", "en")
    assert unknown.code == 2 and "No rule Q901" in unknown.stderr


def test_rules_table_follows_the_language(cli: Any) -> None:
    zh = cli("rules", "--lang", "zh").stdout
    assert "编号" in zh and "级别" in zh and "错误" in zh
    assert "Severity" not in zh and " error " not in zh
    en = cli("rules", "--lang", "en").stdout
    assert "Severity" in en and "级别" not in en


def test_every_command_takes_quiet_and_directory() -> None:
    """Issue 18: `-q` and `-C DIR` on every command, not only before the command name
    (`import` once had neither)."""
    import typer.main

    from zjpaoyici.cli import COMMANDS
    from zjpaoyici.cli.common import app

    group = typer.main.get_command(app)
    missing = []
    for name in COMMANDS:
        command = group.commands[name]  # type: ignore[attr-defined]
        flags = {opt for p in command.params for opt in getattr(p, "opts", [])}
        missing += [
            f"{name} {flag}" for flag in ("-q", "--quiet", "-C", "--directory") if flag not in flags
        ]
    assert missing == []


def test_quiet_leaves_only_errors_on_standard_error(tmp_path: Path) -> None:
    """`-q`: the exit code tells the result; summaries (fmt's, import's) are not printed
    either, while a real error still is."""
    guangan = REPO / "tests" / "data" / "sichuan-guangan"
    out = tmp_path / "ga"
    run = run_subprocess(
        "import",
        str(guangan / "items.json"),
        "--mapping",
        str(guangan / "mapping.yaml"),
        "-o",
        str(out),
        "-q",
        cwd=tmp_path,
    )
    assert run.code == 0 and run.stdout == "" and run.stderr == ""
    run = run_subprocess("fmt", "--check", "-q", str(out), cwd=tmp_path)
    assert run.code == 0 and run.stdout == "" and run.stderr == ""
    run = run_subprocess("fmt", "--check", str(out), cwd=tmp_path)
    assert "92" in run.stderr  # without -q the summary is there
    run = run_subprocess("fmt", "--check", "-q", str(tmp_path / "missing"), cwd=tmp_path)
    assert run.code == 2 and "missing" in run.stderr
