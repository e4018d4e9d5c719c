"""Rules the loader reports while it builds the model (a bad code profile, a file in the
wrong place). They are declared here, below the model, so the loader can name them; their
families are still C and R."""

from __future__ import annotations

from zjpaoyici.findings import Severity
from zjpaoyici.i18n import Bi
from zjpaoyici.rules.registry import define

define(
    "C011",
    "code-profile",
    Severity.ERROR,
    scope="load",
    title=Bi("编码规则无效", "invalid code profile"),
    message=Bi("code_profile 无法使用：{problem}", "code_profile cannot be used: {problem}"),
    hint=Bi(
        '写 zhejiang、national，或 {{profile: national, types: {{公共服务: "21"}}}}（只换类型代码表），'
        "或带命名分组 (?P<main>…) 的正则。",
        'Use zhejiang, national, {{profile: national, types: {{公共服务: "21"}}}} (own type codes'
        " only), or a regex with a named group (?P<main>...).",
    ),
    why=Bi("编码规则决定所有编码检查。", "The profile drives every code check."),
)

define(
    "R009",
    "misplaced-file",
    Severity.WARNING,
    scope="load",
    title=Bi("文件或文件夹位置不对", "file or folder in an unexpected place"),
    message=Bi("此处的文件或文件夹不会被读取。", "This file or folder is not read from here."),
    hint=Bi(
        "实施清单放在 implementations/<区划代码>/ 下，基本目录放在 basic/ 下，一件事放在 bundles/ 下。",
        "Implementation lists go in implementations/<region>/, the basic catalogue in basic/,"
        " bundles in bundles/.",
    ),
    why=Bi("放错位置的文件会被悄悄忽略。", "A misplaced file is silently ignored."),
)
