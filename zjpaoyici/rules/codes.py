"""Family C: matter codes against the catalogue's code profile, and credit codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from zjpaoyici.catalogue.codes import (
    ImplementationCode,
    has_odd_characters,
    national_style,
    normalise_code,
    parse_implementation_code,
    uscc_check_char,
    uscc_problem,
)
from zjpaoyici.catalogue.model import Catalogue, Entry, ImplFile
from zjpaoyici.files.reader import Document, Pointer
from zjpaoyici.findings import Finding, Loc, Severity
from zjpaoyici.i18n import Bi
from zjpaoyici.rules.registry import also, check

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


# --- implementation codes (实施编码, 31 characters) and handling-item codes (33) ----------
# Read from the raw entries of each region's files, so they work whatever the model keeps.


@dataclass(frozen=True, slots=True)
class _ImplCode:
    """One implementation code as written, with what it must agree with."""

    value: str
    loc: Loc
    is_item: bool
    parts: ImplementationCode | None
    code: str  # the entry's basic code
    item: str | None  # the item's short code
    uscc: str | None  # the entry's own agency_uscc, else its file's
    region: str
    entry_code: str | None  # for an item: its entry's implementation code


def _impl_codes(cat: Catalogue, folder: str) -> Iterator[_ImplCode]:
    for impl in cat.region_files(folder):
        region = impl.region or folder
        for raw, src in impl.entries:
            own = raw.get("agency_uscc")
            uscc = own if isinstance(own, str) else impl.agency_uscc
            value = raw.get("implementation_code")
            entry_value = value if isinstance(value, str) else None
            if entry_value is not None:
                yield _ImplCode(
                    entry_value,
                    src.loc("implementation_code"),
                    False,
                    parse_implementation_code(entry_value),
                    raw["code"],
                    None,
                    uscc,
                    region,
                    None,
                )
            for i, item in enumerate(raw.get("items") or []):
                if not isinstance(item, dict):
                    continue
                value = item.get("implementation_code")
                if isinstance(value, str):
                    short = item.get("code")
                    yield _ImplCode(
                        value,
                        src.loc("items", i, "implementation_code"),
                        True,
                        parse_implementation_code(value, item=True),
                        raw["code"],
                        short if isinstance(short, str) else None,
                        uscc,
                        region,
                        entry_value,
                    )


@check(
    "C012",
    "implementation-code-format",
    E,
    scope="region",
    title=Bi("实施编码格式错误", "malformed implementation code"),
    message=Bi(
        "{what} {value} 格式错误：应为 {length} 位（{shape}）。",
        "{what} {value} is malformed: {length} characters expected ({shape}).",
    ),
    hint=Bi(
        "从全国一体化政务服务平台复制完整编码，并加引号。",
        "Copy the whole code from the national government service platform, quoted.",
    ),
    why=Bi(
        "实施编码是事项在全国平台上的标识，由实施机构统一社会信用代码、层级位和基本编码组成。",
        "The implementation code identifies the entry on the national platform: the agency's"
        " credit code, a level digit and the basic code.",
    ),
)
def implementation_code_format(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    for c in _impl_codes(cat, folder):
        if c.parts is None:
            if c.is_item:
                what = Bi("办理项编码", "Handling item code")
                length = "33"
                shape = Bi(
                    "统一社会信用代码 18 位 + 层级 1 位 + 基本编码 12 位 + 办理项序号 2 位",
                    "credit code 18 + level 1 + basic code 12 + item number 2",
                )
            else:
                what = Bi("实施编码", "Implementation code")
                length = "31"
                shape = Bi(
                    "统一社会信用代码 18 位 + 层级 1 位 + 基本编码 12 位",
                    "credit code 18 + level 1 + basic code 12",
                )
            yield Finding(
                "C012",
                c.loc,
                {"what": what, "value": _visible(c.value), "length": length, "shape": shape},
            )


@check(
    "C013",
    "implementation-code-uscc-check",
    E,
    scope="region",
    title=Bi(
        "实施编码中的信用代码校验码错误", "wrong check character inside an implementation code"
    ),
    message=Bi(
        "{value} 中的统一社会信用代码 {uscc} 校验码应为 {expected}（GB 32100），实际为 {actual}。",
        "The credit code {uscc} inside {value} should end in {expected} (GB 32100), not {actual}.",
    ),
    hint=Bi(
        "核对实施机构的统一社会信用代码，并在平台上更正实施编码。",
        "Check the agency's credit code and correct the implementation code on the platform.",
    ),
    why=Bi(
        "校验码错误说明代码抄错了一位，该实施编码对应不到真实的实施机构。",
        "A wrong check character means a character was copied wrongly: the code names no real"
        " agency.",
    ),
)
def implementation_code_uscc(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    for c in _impl_codes(cat, folder):
        if c.parts is not None and uscc_problem(c.parts.uscc) == "check":
            uscc = c.parts.uscc
            yield Finding(
                "C013",
                c.loc,
                {
                    "value": c.value,
                    "uscc": uscc,
                    "expected": uscc_check_char(uscc[:17]),
                    "actual": uscc[17],
                },
            )


@check(
    "C014",
    "implementation-code-region",
    E,
    scope="region",
    title=Bi("实施编码与区划不符", "implementation code disagrees with the region"),
    message=Bi(
        "{value} 的{part}为 {actual}，而区划 {region} 应为 {expected}。",
        "{value} has {part} {actual}, but region {region} calls for {expected}.",
    ),
    hint=Bi(
        "核对条目所在区划，或实施编码中的{part}。",
        "Check the entry's region, or the {part} of the code.",
    ),
    why=Bi(
        "实施编码写明了实施层级（或区划），与条目所在区划不一致说明其中之一填错。",
        "The code states the level (or area) it is implemented at; a mismatch means one of"
        " the two is wrong.",
    ),
)
def implementation_code_region(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    digits = cat.profile.level_digits
    for c in _impl_codes(cat, folder):
        parts, region = c.parts, cat.regions.get(c.region)
        if parts is None or region is None:
            continue
        if parts.level is not None and digits is not None and region.level in digits:
            expected = digits[region.level]
            if parts.level != expected:
                yield Finding(
                    "C014",
                    c.loc,
                    {
                        "value": c.value,
                        "part": Bi("层级位", "level digit"),
                        "actual": parts.level,
                        "region": f"{region.code} {region.name}",
                        "expected": expected,
                    },
                )
        if parts.area is not None and parts.area[:6] != region.code:
            yield Finding(
                "C014",
                c.loc,
                {
                    "value": c.value,
                    "part": Bi("区划代码", "area code"),
                    "actual": parts.area,
                    "region": f"{region.code} {region.name}",
                    "expected": Bi(f"{region.code} 开头", f"one starting {region.code}"),
                },
            )


@check(
    "C015",
    "implementation-code-basic",
    E,
    scope="region",
    title=Bi("实施编码与事项编码不符", "implementation code disagrees with the matter code"),
    message=Bi(
        "{value} 中的{part}为 {actual}，而条目的应为 {expected}。",
        "{value} carries {part} {actual}, but the entry calls for {expected}.",
    ),
    hint=Bi(
        "核对条目的 code、办理项 code 与实施编码，改正写错的一方。",
        "Check the entry's code, the item's code and the implementation code; correct the"
        " wrong one.",
    ),
    why=Bi(
        "实施编码由基本编码派生；不一致时，平台上的办件会挂到另一个事项下。",
        "The implementation code derives from the basic code; when they differ, cases on the"
        " platform land under another matter.",
    ),
)
def implementation_code_basic(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    profile = cat.profile
    for c in _impl_codes(cat, folder):
        parts = c.parts
        if parts is None:
            continue
        if parts.basic != c.code and national_style(profile, parts.basic):
            yield _basic_finding(c, Bi("基本编码", "basic code"), parts.basic, c.code)
        if not c.is_item:
            continue
        if c.item is not None and parts.item is not None and parts.item != c.item:
            yield _basic_finding(c, Bi("办理项序号", "item number"), parts.item, c.item)
        if parts.form == "national" and c.entry_code is not None:
            head = c.value[:31]
            if head != c.entry_code and parse_implementation_code(c.entry_code) is not None:
                yield _basic_finding(c, Bi("前 31 位", "first 31 characters"), head, c.entry_code)


def _basic_finding(c: _ImplCode, part: Bi, actual: str, expected: str) -> Finding:
    return Finding(
        "C015",
        c.loc,
        {"value": c.value, "part": part, "actual": actual, "expected": expected},
    )


@check(
    "C016",
    "implementation-code-agency",
    E,
    scope="region",
    title=Bi("实施编码中的信用代码与实施机构不符", "implementation code names another agency"),
    message=Bi(
        "{value} 中的统一社会信用代码为 {embedded}，而实施机构的 agency_uscc 为 {uscc}。",
        "{value} carries credit code {embedded}, but the agency's agency_uscc is {uscc}.",
    ),
    hint=Bi(
        "核对 agency_uscc（条目自身的或文件的）与实施编码，改正写错的一方。",
        "Check agency_uscc (the entry's own or the file's) and the code; correct the wrong one.",
    ),
    why=Bi(
        "实施编码以实施机构的统一社会信用代码开头；二者不同说明条目挂错了机构或编码抄错。",
        "The implementation code starts with the implementing agency's credit code; a"
        " difference means a wrong agency or a mis-copied code.",
    ),
)
def implementation_code_agency(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    for c in _impl_codes(cat, folder):
        parts = c.parts
        if parts is None or c.uscc is None or uscc_problem(c.uscc) is not None:
            continue
        if uscc_problem(parts.uscc) is not None:
            continue  # C013 already says the embedded code is wrong
        if parts.uscc != c.uscc:
            yield Finding("C016", c.loc, {"value": c.value, "embedded": parts.uscc, "uscc": c.uscc})
