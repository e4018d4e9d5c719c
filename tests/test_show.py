"""``zjpaoyici show``: a matter's basic fields and every region's values, with provenance."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from rich.console import Console

import zjpaoyici.cli.show_cmd  # noqa: F401  registers the command (also done by zjpaoyici.cli)
from tests.conftest import REPO
from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.ops.show import build
from zjpaoyici.render import show_text

CODE = "许可-00802-003"  # 食品经营许可（延续）
BASIC = "catalog/basic/scjg.yaml"
PROVINCE = "catalog/implementations/330000/_defaults-scjg.yaml"
HANGZHOU = "catalog/implementations/330100/_defaults.yaml"
XIHU = "catalog/implementations/330106/scjg.yaml"

# Where each value of 许可-00802-003 in 330106 西湖区 is written in the sample catalogue.
NAME_LINE = 42  # basic/scjg.yaml:          name: 食品经营许可（延续）
MATERIAL_LINES = {"食品经营许可延续申请书": 65, "食品经营许可证正本、副本": 66}  # province defaults
VISITS_LINE = 46  # 330106/scjg.yaml:         visits: 0
PROMISED_LINE = 19  # 330100/_defaults.yaml:  promised_limit: {days: 1, unit: working}


def show(cli: Any, *args: str) -> Any:
    return cli("show", *args, "--catalogue", "catalog", cwd=REPO)


def row(region: dict[str, Any], *pointer: str) -> dict[str, Any]:
    rows = [r for r in region["values"] if r["pointer"] == list(pointer)]
    assert len(rows) == 1, (pointer, region["values"])
    found: dict[str, Any] = rows[0]
    return found


def test_json_names_where_each_value_is_written(cli: Any) -> None:
    run = show(cli, CODE, "--region", "330106", "--format", "json")
    assert run.code == 0, run.output
    data = json.loads(run.stdout)
    assert data["format"] == 1 and data["code"] == CODE
    name = data["basic"]["name"]
    assert name["value"] == "食品经营许可（延续）"
    assert name["source"] == {"file": BASIC, "line": NAME_LINE, "column": 15}
    assert list(data["basic"]) == [
        "code",
        "name",
        "type",
        "basis",
        "levels",
        "legal_limit",
        "department",
        "main",
        "subs",
    ]
    assert data["basic"]["main"]["value"] == "许可-00802-000"
    assert data["basic"]["legal_limit"]["value"] == {"days": 10, "unit": "working"}

    [region] = data["regions"]
    assert (region["region"], region["name"], region["level"]) == ("330106", "西湖区", "county")
    visits = row(region, "visits")
    assert visits["value"] == 0
    assert (visits["source"]["file"], visits["source"]["line"]) == (XIHU, VISITS_LINE)
    promised = row(region, "promised_limit")
    assert promised["value"] == {"days": 1, "unit": "working"}
    assert (promised["source"]["file"], promised["source"]["line"]) == (HANGZHOU, PROMISED_LINE)
    for material, line in MATERIAL_LINES.items():
        rec = row(region, "materials", material)
        assert rec["field"] == f"materials[{material}]" and rec["value"]["required"] is True
        assert (rec["source"]["file"], rec["source"]["line"]) == (PROVINCE, line)
    assert row(region, "online", "depth")["source"]["file"] == PROVINCE
    assert row(region, "case_type")["source"]["file"] == XIHU  # the file's defaults: block
    assert region["items"] == []


def test_text_shows_each_value_with_its_file_and_line(cli: Any) -> None:
    run = show(cli, CODE, "--region", "330106", "--lang", "en")
    assert run.code == 0, run.output
    lines = run.stdout.splitlines()

    def line_of(start: str) -> str:
        found = [ln for ln in lines if ln.strip().startswith(start)]
        assert len(found) == 1, (start, run.stdout)
        return found[0]

    assert line_of("name ").endswith(f"{BASIC}:{NAME_LINE}")
    assert line_of("visits ").endswith(f"{XIHU}:{VISITS_LINE}")
    assert line_of("promised_limit ").endswith(f"{HANGZHOU}:{PROMISED_LINE}")
    assert "1 working days" in line_of("promised_limit ")
    for material, line in MATERIAL_LINES.items():
        assert line_of(f"materials       {material} ").endswith(f"{PROVINCE}:{line}")
    assert "330106 西湖区 · county" in run.stdout


def test_every_region_in_code_order_with_items(cli: Any) -> None:
    data = json.loads(show(cli, "许可-00802-001", "-f", "json").stdout)
    codes = [r["region"] for r in data["regions"]]
    assert codes == sorted(codes) and len(codes) > 5 and "330106" in codes
    xihu = next(r for r in data["regions"] if r["region"] == "330106")
    assert [i["code"] for i in xihu["items"]] == ["01", "02"]
    for item in xihu["items"]:
        visits = item["values"][0]
        assert visits["field"] == "visits" and visits["pointer"] == [
            "items",
            item["code"],
            "visits",
        ]
        assert visits["source"]["file"] == XIHU
    assert [i["values"][0]["value"] for i in xihu["items"]] == [0, 1]


def test_generated_items_inherit_visits_from_the_entry(cli: Any) -> None:
    data = json.loads(show(cli, "许可-01206-000", "-f", "json", "-r", "330481").stdout)
    [region] = data["regions"]
    assert region["items"] and all(i["generated"] for i in region["items"])
    entry_visits = row(region, "visits")
    for item in region["items"]:
        assert item["values"][0]["source"] == entry_visits["source"]


def test_unknown_code_suggests_close_codes(cli: Any) -> None:
    run = show(cli, "许可-00802-030")
    assert run.code == 2 and run.stdout == ""
    assert "No matter with code 许可-00802-030" in run.stderr
    assert "Did you mean" in run.stderr and "许可-00802-003" in run.stderr
    zh = show(cli, "许可-00802-030", "--lang", "zh")
    assert zh.code == 2 and "是不是" in zh.stderr


def test_full_width_code_is_forgiven(cli: Any) -> None:
    data = json.loads(show(cli, "许可－00802－003", "-f", "json", "-r", "330106").stdout)
    assert data["code"] == CODE


def test_unknown_and_unimplemented_regions(cli: Any) -> None:
    run = show(cli, CODE, "--region", "999999")
    assert run.code == 2 and "999999" in run.stderr
    run = show(cli, CODE, "--region", "330000")  # the province does not implement it
    assert run.code == 0 and "330000 does not implement" in run.stdout
    data = json.loads(show(cli, CODE, "--region", "330000", "-f", "json").stdout)
    assert data["regions"] == [] and data["basic"]["code"]["value"] == CODE


HOSTILE = "食品经营许可[bold red]伪造[/bold red]\\e[31m红"


def _hostile_catalogue(root: Path) -> None:
    basic = root / "basic" / "scjg.yaml"
    text = basic.read_text(encoding="utf-8")
    basic.write_text(
        text.replace("name: 食品经营许可（新办）", f'name: "{HOSTILE}"'), encoding="utf-8"
    )
    impl = root / "implementations" / "330106" / "scjg.yaml"
    text = impl.read_text(encoding="utf-8")
    impl.write_text(
        text.replace(
            "{name: 营业执照, required: true}",
            '{name: "营业执照[link=x]\\e]8;;x\\e\\\\", required: true}',
        ),
        encoding="utf-8",
    )


def test_catalogue_text_prints_inert(base_catalogue: Path, cli: Any) -> None:
    _hostile_catalogue(base_catalogue)
    run = cli("show", "许可-00802-001", "--catalogue", str(base_catalogue))
    assert run.code == 0, run.output
    assert "食品经营许可[bold red]伪造[/bold red]\\x1b[31m红" in run.stdout
    assert "营业执照[link=x]\\x1b]8;;x\\x1b\\" in run.stdout
    assert "\x1b" not in run.stdout
    data = json.loads(cli("show", "许可-00802-001", "-c", str(base_catalogue), "-f", "json").stdout)
    assert data["basic"]["name"]["value"] == "食品经营许可[bold red]伪造[/bold red]\x1b[31m红"


def test_catalogue_text_prints_inert_on_a_colour_terminal(base_catalogue: Path) -> None:
    _hostile_catalogue(base_catalogue)
    data = build(load_catalogue(base_catalogue), "许可-00802-001")
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="standard", width=200)
    show_text.render(data, console, "zh")
    printed = out.getvalue()
    assert "[bold red]伪造[/bold red]" in printed
    assert "\\x1b[31m红" in printed and "\x1b[31m红" not in printed
    assert "\\x1b]8;;x" in printed and "\x1b]8;;" not in printed


def test_catalogue_option_is_spelled_like_diffs(cli: Any, tmp_path: Path) -> None:
    """``-C`` as in ``diff`` (and the older ``-c``) name the catalogue from anywhere."""
    for flag in ("-C", "-c"):
        run = cli("show", CODE, flag, str(REPO / "catalog"), "--format", "json", cwd=tmp_path)
        assert run.code == 0, run.output
        assert json.loads(run.stdout)["basic"]["name"]["value"] == "食品经营许可（延续）"
