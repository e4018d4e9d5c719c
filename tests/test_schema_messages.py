"""Schema findings a person can act on (issue 18): the wrong value and the allowed ones,
the path once, the entry named by its code. Golden messages in both languages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASE

IMPL = "implementations/330106/scjg.yaml"

GOLDEN = {
    "zh": [
        (
            "S005",
            5,
            14,
            'defaults.case_type（办件类型）的值 "承偌件" 不符合要求：可选值为 "即办件"、"承诺件"、null。',
            "是不是 承诺件？",
        ),
        (
            "S004",
            9,
            13,
            '许可-00802-001 的 visits（到办事现场次数）应为整数或空值，实际是文字 "零"。',
            "写成阿拉伯数字，如 1；不要写“一次”或加引号。",
        ),
        (
            "S005",
            10,
            37,
            '许可-00802-001 的 promised_limit.unit（计时单位）的值 "workday" 不符合要求：可选值为 "working"、"natural"。',
            "",
        ),
    ],
    "en": [
        (
            "S005",
            5,
            14,
            'defaults.case_type (case type) has value "承偌件", which breaks the rule: one of "即办件", "承诺件", null.',
            "Did you mean 承诺件?",
        ),
        (
            "S004",
            9,
            13,
            'visits of 许可-00802-001 (on-site visits) must be an integer or null, not text "零".',
            "Write a plain number such as 1, without quotes or words.",
        ),
        (
            "S005",
            10,
            37,
            'promised_limit.unit of 许可-00802-001 (unit) has value "workday", which breaks the rule: one of "working", "natural".',
            "",
        ),
    ],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_schema_messages_name_the_value_the_choices_and_the_entry(
    tmp_path: Path, cli: Any, lang: str
) -> None:
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    impl = root / IMPL
    text = impl.read_text(encoding="utf-8")
    text = text.replace(
        "promised_limit: {days: 3, unit: working}", "promised_limit: {days: 6, unit: workday}"
    )
    text = text.replace("visits: 0", 'visits: "零"', 1).replace(
        "case_type: 承诺件", "case_type: 承偌件"
    )
    impl.write_text(text, encoding="utf-8")
    run = cli("validate", str(root), "-f", "json", "--lang", lang)
    got = [
        (f["rule"], f["line"], f["column"], f["message"], f["hint"])
        for f in json.loads(run.stdout)["findings"]
    ]
    assert got == GOLDEN[lang]
    for _, _, _, message, _ in got:  # the path is printed once, never by list position
        assert "matters[" not in message
