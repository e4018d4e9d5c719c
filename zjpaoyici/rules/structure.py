"""Family S: the shape of each file, checked against its JSON Schema (``schemas/``)."""

from __future__ import annotations

from zjpaoyici.findings import Severity
from zjpaoyici.i18n import Bi
from zjpaoyici.rules.registry import define

E = Severity.ERROR

define(
    "S001",
    "file-kind",
    E,
    blocks_rewrite=True,  # without its kind, fmt cannot know the key order
    title=Bi("文件类型未知或放错位置", "unknown file kind or wrong folder"),
    message=Bi("{problem}", "{problem}"),
    hint=Bi(
        "文件第一行写明类型，如 schema: {expected}",
        "Start the file with its kind, e.g. schema: {expected}",
    ),
    why=Bi(
        "工具和编辑器靠 schema: 行识别文件类型并选择校验规则。",
        "The schema: line tells the tool and editors which rules apply.",
    ),
)
define(
    "S002",
    "missing-field",
    E,
    title=Bi("缺少必填字段", "missing required field"),
    message=Bi(
        "{where}缺少必填字段 {field}（{title}）。",
        "{where}is missing the required field {field} ({title}).",
    ),
    hint=Bi("补上 {field}: …", "Add {field}: …"),
    why=Bi(
        "缺少必填字段的记录无法统计和比对。",
        "A record without its required fields cannot be counted or compared.",
    ),
)
define(
    "S003",
    "unknown-field",
    E,
    title=Bi("未知字段", "unknown field"),
    message=Bi("未知字段 {field}。", "Unknown field {field}."),
    hint=Bi("{suggestion}", "{suggestion}"),
    why=Bi(
        "拼错的字段名会被悄悄忽略，值也就丢了。",
        "A misspelt field is silently ignored, and its value with it.",
    ),
)
define(
    "S004",
    "wrong-type",
    E,
    title=Bi("值的类型不对", "wrong value type"),
    message=Bi(
        "{field}{title}应为{expected}，实际是{actual} {value}。",
        "{field}{title} must be {expected}, not {actual} {value}.",
    ),
    hint=Bi("{hint}", "{hint}"),
    why=Bi(
        "类型错误的值无法参与统计，如“一次”无法计入到现场次数。",
        "A value of the wrong type cannot be counted; '一次' is not a visit count.",
    ),
)
define(
    "S005",
    "invalid-value",
    E,
    title=Bi("值不在允许范围", "value not allowed"),
    message=Bi(
        "{field}{title}的值 {value} 不符合要求：{rule}。",
        "{field}{title} has value {value}, which breaks the rule: {rule}.",
    ),
    hint=Bi("{hint}", "{hint}"),
    why=Bi(
        "取值受限的字段（层级、办件类型、次数范围等）写错会导致统计错误。",
        "Fields with a fixed set or range of values drive every statistic.",
    ),
)
