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


# --- texts the schema checker fills into S messages and Y006 --------------------------

TYPE_NAMES: dict[str, Bi] = {
    "string": Bi("文字", "text"),
    "integer": Bi("整数", "an integer"),
    "number": Bi("数字", "a number"),
    "boolean": Bi("true/false", "true/false"),
    "array": Bi("列表", "a list"),
    "object": Bi("映射（键: 值）", "a mapping (key: value)"),
    "null": Bi("空值", "null"),
    "date": Bi("日期", "a date"),
}
OR = Bi("或", " or ")
# what a value written without quotes was read as (Y006)
IMPLICIT_KINDS: dict[str, Bi] = {
    "boolean": Bi("布尔值", "the boolean"),
    "number": Bi("数字", "the number"),
    "null": Bi("空值", "null"),
    "date": Bi("日期", "the date"),
    "octal": Bi("八进制数", "the octal number"),
}
TREATED_AS_TEXT = Bi("已按文字“{raw}”处理", "treated as the text '{raw}'")
QUOTE_IT = Bi('加上引号："{raw}"', 'Quote it: "{raw}"')
READ_AS_DECIMAL = Bi("已按十进制 {decimal} 处理", "read as the decimal {decimal}")
DROP_LEADING_ZERO = Bi("去掉前导零：{decimal}", "Drop the leading zero: {decimal}")
# a field named by its record's code: 许可-00802-001 的 promised_limit.unit
FIELD_OF_RECORD = Bi("{record} 的 {rest}", "{rest} of {record}")
TITLE_AFTER_FIELD = Bi("（{zh}）", " ({en})")
WHERE_FIELD = Bi("{field} ", "{field} ")
WHERE_FILE = Bi("", "The file ")  # Chinese needs no subject here
DID_YOU_MEAN = Bi("是不是 {close}？", "Did you mean {close}?")
ALLOWED_FIELDS = Bi("允许的字段：{zh}", "Allowed fields: {en}")
HINT_NUMBER = Bi(
    "写成阿拉伯数字，如 1；不要写“一次”或加引号。",
    "Write a plain number such as 1, without quotes or words.",
)
HINT_BOOLEAN = Bi("写 true 或 false（不要写 是/否）。", "Write true or false.")
HINT_LIST = Bi(
    "写成列表，如 [a, b] 或每项一行以“- ”开头。",
    "Write a list: [a, b], or one '- ' item per line.",
)
ONE_OF = Bi("可选值为 {zh}", "one of {en}")
MUST_BE = Bi("必须是 {value}", "must be {value}")
REGION_CODE = Bi("须为六位数字的区划代码", "must be a six-digit region code")
REGION_CODE_HINT = Bi('如 "330106"（加引号）。', 'e.g. "330106" (quoted).')
MUST_MATCH = Bi("须符合格式 {pattern}", "must match {pattern}")
AT_LEAST = Bi("不能小于 {limit}", "must be at least {limit}")
AT_MOST = Bi("不能大于 {limit}", "must be at most {limit}")
NOT_EMPTY = Bi("不能为空", "must not be empty")
MIN_ITEMS = Bi("至少要有 {limit} 项", "needs at least {limit} item(s)")
UNIQUE_ITEMS = Bi("列表中不能有重复项", "must not repeat items")
KEY_NAMES = Bi("键名不合要求", "has a key that is not allowed")
# S001: what is wrong with the file's kind
KIND_MISSING = Bi(
    "文件缺少 schema: 行，无法判断文件类型。",
    "The file has no schema: line naming its kind.",
)
KIND_UNKNOWN = Bi("未知的文件类型 {shown}。", "Unknown file kind {shown}.")
KIND_MISPLACED = Bi(
    "文件声明的类型 {shown} 与所在位置不符，这里应为 {expected}。",
    "The file declares {shown}, but its place in the catalogue calls for {expected}.",
)
