"""Family C: matter codes against the catalogue's code profile, and credit codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from zjpaoyici.codes import has_odd_characters, normalise_code, uscc_check_char, uscc_problem
from zjpaoyici.findings import Finding, Loc, Severity
from zjpaoyici.i18n import Bi
from zjpaoyici.model import Catalogue, Entry, ImplFile
from zjpaoyici.rules.registry import also, check, define
from zjpaoyici.yamlio import Document, Pointer

E = Severity.ERROR


@check(
    "C001",
    "code-format",
    E,
    scope="catalogue",
    title=Bi("编码不符合编码规则", "code does not fit the code profile"),
    message=Bi(
        "编码 {code} 不符合 {profile} 编码规则。",
        "Code {code} does not fit the {profile} code profile.",
    ),
    hint=Bi("按规则书写，如 {example}", "Write it like {example}"),
    why=Bi(
        "编码是事项在全省乃至全国的唯一标识，格式错误将无法与其他系统对接。",
        "The code identifies a matter across the province and nation; a malformed code"
        " cannot be matched by other systems.",
    ),
)
def code_format(cat: Catalogue) -> Iterator[Finding]:
    profile = cat.profile
    for matter in cat.iter_basic():
        if not has_odd_characters(matter.code) and profile.parse(matter.code) is None:
            yield Finding(
                "C001",
                matter.src.loc("code"),
                {"code": matter.code, "profile": profile.name, "example": profile.example},
            )


@check(
    "C002",
    "code-characters",
    E,
    scope="catalogue",
    title=Bi("编码含全角字符或空格", "full-width characters or spaces in a code"),
    message=Bi(
        "编码 {code} 含有全角字符、非标准横线或空格。",
        "Code {code} contains full-width characters, odd dashes or spaces.",
    ),
    hint=Bi('改为 "{fixed}"', 'Change it to "{fixed}"'),
    why=Bi(
        "全角“－”或空格肉眼难辨，却会让编码对不上（如 许可-00077-025－01）。",
        "A full-width '－' or a space is hard to see but makes the code a different one"
        " (a real defect: 许可-00077-025－01).",
    ),
)
def odd_code_findings(cat: Catalogue) -> Iterator[Finding]:
    """C002 on the catalogue-wide files: basic matters, defaults entries, the exempt list."""
    for matter in cat.iter_basic():
        if has_odd_characters(matter.code):
            yield _odd(matter.code, matter.src.loc("code"))
    yield from _odd_in_files(cat.defaults_files())
    if cat.manifest:
        for i, code in enumerate(cat.manifest.src.doc.get(("scope", "exempt")) or []):
            if isinstance(code, str) and has_odd_characters(code):
                yield _odd(code, cat.manifest.src.loc("scope", "exempt", i))


@also("C002", scope="region")
def odd_codes_in_region(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    """C002 on one region's implementation lists."""
    return _odd_in_files(cat.region_files(folder))


def _odd_in_files(files: Iterable[ImplFile]) -> Iterator[Finding]:
    for impl in files:
        for raw, src in impl.entries:
            if has_odd_characters(raw["code"]):
                yield _odd(raw["code"], src.loc("code"))
            for i, item in enumerate(raw.get("items") or []):
                code = item.get("code") if isinstance(item, dict) else None
                if isinstance(code, str) and has_odd_characters(code):
                    yield _odd(code, src.loc("items", i, "code"))


def _odd(code: str, loc: Loc) -> Finding:
    return Finding("C002", loc, {"code": _visible(code), "fixed": normalise_code(code)})


def _visible(code: str) -> str:
    """Show invisible characters in a code, e.g. a non-breaking space as <U+00A0>."""
    return "".join(
        c if c.isprintable() and c not in "\u00a0\u3000" else f"<U+{ord(c):04X}>" for c in code
    )


@check(
    "C003",
    "type-prefix",
    E,
    scope="catalogue",
    title=Bi("编码前缀与事项类型不符", "code prefix disagrees with the matter type"),
    message=Bi(
        "编码 {code} 的类型部分为 {part}，而事项类型“{type}”应为 {expected}。",
        "Code {code} has type part {part}, but matter type '{type}' calls for {expected}.",
    ),
    hint=Bi("核对事项类型或编码前缀。", "Check the matter type or the code prefix."),
    why=Bi("编码前缀与类型不一致说明其中之一填错。", "A mismatch means one of the two is wrong."),
)
def type_prefix(cat: Catalogue) -> Iterator[Finding]:
    profile = cat.profile
    for matter in cat.iter_basic():
        parts = profile.parse(matter.code)
        if parts is None or not matter.type or not parts.type:
            continue
        expected = profile.type_part_for(matter.type)
        if expected is not None and parts.type != expected:
            key = "type" if "type" in (matter.src.doc.get(matter.src.pointer) or {}) else "code"
            yield Finding(
                "C003",
                matter.src.loc(key),
                {
                    "code": matter.code,
                    "part": parts.type,
                    "type": matter.type,
                    "expected": expected,
                },
            )


@check(
    "C004",
    "sub-not-under-main",
    E,
    scope="catalogue",
    title=Bi("子项编码不在主项之下", "sub code is not under its main matter"),
    message=Bi(
        "子项编码 {code} 与主项编码 {main} 的类型或主项部分不一致。",
        "Sub code {code} does not share the type and main part of its main matter {main}.",
    ),
    hint=Bi("子项编码应以 {prefix} 开头。", "The sub code should start with {prefix}."),
    why=Bi(
        "子项必须挂在自己的主项下，否则统计和四同比对都会出错。",
        "A sub matter must sit under its own main matter, or counts and 四同 checks break.",
    ),
)
def sub_under_main(cat: Catalogue) -> Iterator[Finding]:
    profile = cat.profile
    for matter in cat.iter_basic():
        if matter.main is None or matter.main not in cat.basic:
            continue
        sub, main = profile.parse(matter.code), profile.parse(matter.main)
        if sub is None or main is None:
            continue
        if (sub.type, sub.main) != (main.type, main.main):
            prefix = matter.main[: matter.main.rfind(main.sub)] if main.sub else matter.main
            yield Finding(
                "C004",
                matter.src.loc("code"),
                {"code": matter.code, "main": matter.main, "prefix": prefix},
            )


@check(
    "C005",
    "sub-part",
    E,
    scope="catalogue",
    title=Bi("主项或子项的子项号不对", "wrong sub part for a main or sub matter"),
    message=Bi(
        "{what}编码 {code} 的子项号应为 {expected}。",
        "{what} code {code} should have sub part {expected}.",
    ),
    hint=Bi(
        "主项用 {main_part}，子项从 001 起编号。",
        "Main matters use {main_part}; sub matters are numbered from 001.",
    ),
    why=Bi(
        "子项号区分主项与子项，是编码规则的一部分。",
        "The sub part tells main and sub matters apart.",
    ),
)
def sub_part(cat: Catalogue) -> Iterator[Finding]:
    profile = cat.profile
    main_parts = profile.main_sub_parts()
    for matter in cat.iter_basic():
        parts = profile.parse(matter.code)
        if parts is None or not parts.sub:
            continue
        if matter.main is None:
            expected = profile.main_with_subs_sub if matter.subs else profile.main_sub
            if parts.sub != expected:
                yield Finding(
                    "C005",
                    matter.src.loc("code"),
                    {
                        "what": Bi("主项", "Main matter"),
                        "code": matter.code,
                        "expected": expected,
                        "main_part": expected,
                    },
                )
        elif parts.sub in main_parts:
            yield Finding(
                "C005",
                matter.src.loc("code"),
                {
                    "what": Bi("子项", "Sub matter"),
                    "code": matter.code,
                    "expected": Bi("001 至 999", "001 to 999"),
                    "main_part": profile.main_sub,
                },
            )


@check(
    "C006",
    "duplicate-code",
    E,
    scope="catalogue",
    title=Bi("基本目录编码重复", "duplicate code in the basic catalogue"),
    message=Bi(
        "编码 {code} 在基本目录中重复出现（“{name}”与“{other}”）。",
        "Code {code} appears twice in the basic catalogue ('{name}' and '{other}').",
    ),
    hint=Bi(
        "每个事项使用唯一编码；第一次出现见“另见”。",
        "Give every matter its own code; the first use is under 'see also'.",
    ),
    why=Bi(
        "编码重复会让实施清单引用到错误的事项。",
        "A repeated code makes implementation lists point at the wrong matter.",
    ),
)
def duplicate_code(cat: Catalogue) -> Iterator[Finding]:
    for first, second in cat.basic_dupes:
        yield Finding(
            "C006",
            second.src.loc("code"),
            {"code": second.code, "name": second.name, "other": first.name},
            related=(first.src.loc("code"),),
        )


def _uscc_values(files: Iterable[ImplFile]) -> Iterator[tuple[str, Document, Pointer]]:
    """Every agency credit code (the file's, and an entry's own) with its document and
    pointer (located only when reported)."""
    for impl in files:
        if impl.agency_uscc is not None:
            yield impl.agency_uscc, impl.doc, ("agency_uscc",)
        for raw, src in impl.entries:
            own = raw.get("agency_uscc")
            if isinstance(own, str):
                yield own, impl.doc, (*src.pointer, "agency_uscc")


@check(
    "C007",
    "uscc-format",
    E,
    scope="catalogue",
    title=Bi("统一社会信用代码格式错误", "malformed unified social credit code"),
    message=Bi(
        "统一社会信用代码 {value} 格式错误：应为 18 位数字或大写字母（不含 I、O、S、V、Z）。",
        "Unified social credit code {value} is malformed: it must be 18 digits or capital"
        " letters (no I, O, S, V, Z).",
    ),
    hint=Bi(
        "从国家企业信用信息公示系统或事业单位登记管理网站核对代码。",
        "Look the code up in the national credit registry.",
    ),
    why=Bi(
        "实施机构代码用于生成全国实施编码，错误会导致对接失败。",
        "The agency code is part of the national implementation code.",
    ),
)
def uscc_format(cat: Catalogue) -> Iterator[Finding]:
    return _uscc_format(cat.defaults_files())


@also("C007", scope="region")
def uscc_format_in_region(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    return _uscc_format(cat.region_files(folder))


def _uscc_format(files: Iterable[ImplFile]) -> Iterator[Finding]:
    for value, doc, at in _uscc_values(files):
        if uscc_problem(value) == "format":
            yield Finding("C007", doc.loc(at), {"value": value})


@check(
    "C008",
    "uscc-check",
    E,
    scope="catalogue",
    title=Bi("统一社会信用代码校验码错误", "wrong check character in a credit code"),
    message=Bi(
        "统一社会信用代码 {value} 的校验码应为 {expected}（GB 32100），实际为 {actual}。",
        "Unified social credit code {value} should end in {expected} (GB 32100), not {actual}.",
    ),
    hint=Bi(
        "代码多半抄错了一位；请核对原始登记证书。",
        "A character was probably copied wrongly; check the registration certificate.",
    ),
    why=Bi("校验码能发现绝大多数抄写错误。", "The check character catches most copying mistakes."),
)
def uscc_check(cat: Catalogue) -> Iterator[Finding]:
    return _uscc_check(cat.defaults_files())


@also("C008", scope="region")
def uscc_check_in_region(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    return _uscc_check(cat.region_files(folder))


def _uscc_check(files: Iterable[ImplFile]) -> Iterator[Finding]:
    for value, doc, at in _uscc_values(files):
        if uscc_problem(value) == "check":
            yield Finding(
                "C008",
                doc.loc(at),
                {"value": value, "expected": uscc_check_char(value[:17]), "actual": value[17]},
            )


@check(
    "C009",
    "item-code-format",
    E,
    scope="entry",
    title=Bi("办理项编码格式错误", "malformed handling item code"),
    message=Bi(
        '办理项编码 {code} 不符合规则（应为两位数字，如 "01"）。',
        'Handling item code {code} is malformed (two digits expected, e.g. "01").',
    ),
    hint=Bi('写成带引号的两位数字，如 "01"。', 'Write two quoted digits, e.g. "01".'),
    why=Bi(
        "办理项完整编码由事项编码加两位办理项号组成。",
        "A full item code is the matter code plus a two-digit item number.",
    ),
)
def item_code_format(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    pattern = cat.profile.item_pattern
    for layer in entry.layers:
        items = layer.values.get("items")
        if layer.kind == "basic" or not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            code = item.get("code") if isinstance(item, dict) else None
            if isinstance(code, str) and not has_odd_characters(code) and not pattern.match(code):
                yield Finding("C009", layer.src.loc("items", i, "code"), {"code": code})


@check(
    "C010",
    "duplicate-item-code",
    E,
    scope="entry",
    title=Bi("办理项编码重复", "duplicate handling item code"),
    message=Bi(
        "办理项编码 {code} 在同一事项中重复。", "Item code {code} is used twice in one entry."
    ),
    hint=Bi("给每个办理项一个唯一编号。", "Give every item its own number."),
    why=Bi("重复编码的办理项会相互覆盖。", "Items with the same code overwrite each other."),
)
def duplicate_item_code(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    for layer in entry.layers:
        items = layer.values.get("items")
        if layer.kind == "basic" or not isinstance(items, list):
            continue
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            code = item.get("code") if isinstance(item, dict) else None
            if not isinstance(code, str):
                continue
            if code in seen:
                yield Finding(
                    "C010",
                    layer.src.loc("items", i, "code"),
                    {"code": code},
                    related=(layer.src.loc("items", seen[code], "code"),),
                )
            else:
                seen[code] = i


define(
    "C011",
    "code-profile",
    E,
    scope="load",
    title=Bi("自定义编码规则无效", "invalid custom code profile"),
    message=Bi("code_profile 无法使用：{problem}", "code_profile cannot be used: {problem}"),
    hint=Bi(
        "写 zhejiang、national，或带命名分组 (?P<main>…) 的正则。",
        "Use zhejiang, national, or a regex with a named group (?P<main>...).",
    ),
    why=Bi("编码规则决定所有编码检查。", "The profile drives every code check."),
)
