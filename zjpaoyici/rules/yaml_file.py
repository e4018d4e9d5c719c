"""Family Y: problems reading a file as YAML (reported by the reader, not by a check).

Every Y problem but Y006 (whose value the reader restores to the author's text) blocks a
rewrite of its file; the ``unreadable`` ones leave nothing of the file in the model."""

from __future__ import annotations

from zjpaoyici.findings import Severity
from zjpaoyici.i18n import Bi
from zjpaoyici.rules.registry import define

E = Severity.ERROR

define(
    "Y001",
    "yaml-syntax",
    E,
    unreadable=True,
    title=Bi("YAML 语法错误", "YAML syntax error"),
    message=Bi("YAML 语法错误：{problem}", "YAML syntax error: {problem}"),
    hint=Bi("{hint}", "{hint}"),
    why=Bi(
        "无法解析的文件不能被校验，也会让其他工具出错。",
        "A file that does not parse cannot be checked and breaks every other tool.",
    ),
)
define(
    "Y002",
    "duplicate-key",
    E,
    blocks_rewrite=True,
    title=Bi("重复的键", "duplicate key"),
    message=Bi(
        "键“{key}”重复出现；只保留第一次出现的值。",
        "Key '{key}' appears twice; only the first value is used.",
    ),
    hint=Bi(
        "删除或合并重复的键（第一次出现见“另见”）。",
        "Remove or merge the duplicate (the first one is under 'see also').",
    ),
    why=Bi(
        "多数 YAML 读取器会悄悄只保留最后一个值，导致数据丢失而无人察觉。",
        "Most YAML readers silently keep the last value, losing data without a word.",
    ),
)
define(
    "Y003",
    "alias-expansion",
    E,
    unreadable=True,
    title=Bi("别名展开过大", "alias expansion too large"),
    message=Bi(
        "锚点与别名（&/*）展开后的数据量远超文件本身，已停止读取（疑似“十亿笑声”攻击）。",
        "Anchors and aliases (&/*) expand far beyond the file's own size; reading"
        " stopped (a billion-laughs pattern).",
    ),
    hint=Bi("不要嵌套引用别名；直接写出数据。", "Do not nest aliases; write the data out."),
    why=Bi(
        "少量嵌套别名可以展开成数十亿个节点，耗尽内存。",
        "A few nested aliases can expand to billions of nodes and exhaust memory.",
    ),
)
define(
    "Y004",
    "encoding",
    E,
    unreadable=True,
    title=Bi("文件不是 UTF-8 编码", "file is not UTF-8"),
    message=Bi(
        "文件不是 UTF-8 编码（疑似 {encoding}），第 {offset} 字节处无法解码。",
        "File is not UTF-8 (looks like {encoding}); undecodable byte at offset {offset}.",
    ),
    hint=Bi(
        "转换为 UTF-8 后保存，例如：iconv -f {encoding} -t UTF-8 原文件 > 新文件；"
        "或在编辑器中“另存为 UTF-8”。",
        "Convert to UTF-8, e.g. iconv -f {encoding} -t UTF-8 old.yaml > new.yaml,"
        " or 'Save with encoding: UTF-8' in your editor.",
    ),
    why=Bi(
        "目录文件统一使用 UTF-8；GBK 等编码在不同电脑上会显示为乱码。",
        "Catalogue files are UTF-8; GBK and others turn into mojibake elsewhere.",
    ),
)
define(
    "Y005",
    "unknown-tag",
    E,
    blocks_rewrite=True,
    title=Bi("不允许的 YAML 标签", "tag not allowed"),
    message=Bi(
        "不允许的 YAML 标签 {tag}；此值已忽略。",
        "YAML tag {tag} is not allowed; the value is ignored.",
    ),
    hint=Bi(
        "删除标签（如 !!python/object）；目录只使用普通文字、数字、列表和映射。",
        "Remove the tag (e.g. !!python/object); catalogues use plain text, numbers,"
        " lists and mappings only.",
    ),
    why=Bi(
        "语言相关标签可在不安全的读取器中执行代码。",
        "Language-specific tags can execute code in unsafe readers.",
    ),
)
define(
    "Y006",
    "implicit-type",
    E,
    title=Bi("未加引号的编码或文字被 YAML 当作其他类型", "unquoted text read as another type"),
    message=Bi(
        "{field}（{title}）写成了 {raw}（未加引号），YAML 会把它读成{kind} {value}；{treated}。",
        "{field} ({title}) is written {raw} without quotes, which YAML reads as {kind} {value};"
        " {treated}.",
    ),
    hint=Bi("{fix}", "{fix}"),
    why=Bi(
        "330106、0701 这类编码不加引号会被读成数字（0701 还会变成八进制 449），yes/no 会变成布尔值；"
        "010 这样的次数被 YAML 1.1 读成八进制 8，而编辑器读成 10。",
        "Unquoted codes such as 330106 or 0701 become numbers (0701 even octal 449);"
        " yes/no become booleans; a count written 010 is octal 8 to YAML 1.1 but 10 to editors.",
    ),
)
define(
    "Y007",
    "multiple-documents",
    E,
    blocks_rewrite=True,
    title=Bi("一个文件含多个 YAML 文档", "several documents in one file"),
    message=Bi(
        "文件在此处开始了第二个 YAML 文档（---）；只读取第一个。",
        "A second YAML document (---) starts here; only the first is read.",
    ),
    hint=Bi(
        "每个文件只放一个文档：删除多余的 --- 或拆分为多个文件。",
        "Keep one document per file: remove the extra --- or split the file.",
    ),
    why=Bi(
        "第二个文档会被其他工具忽略或引起歧义。",
        "Other tools ignore the second document or read it differently.",
    ),
)
define(
    "Y008",
    "empty-file",
    E,
    unreadable=True,
    title=Bi("空文件", "empty file"),
    message=Bi("文件为空或只有注释。", "The file is empty or holds only comments."),
    hint=Bi(
        "写入内容（以 schema: 行开头）或删除该文件。",
        "Add content (starting with a schema: line) or delete the file.",
    ),
    why=Bi("空文件通常是误提交。", "An empty file is usually a mistaken commit."),
)
define(
    "Y009",
    "too-deep",
    E,
    unreadable=True,
    title=Bi("嵌套过深", "nesting too deep"),
    message=Bi(
        "嵌套层数超过 {limit} 层，已停止读取。",
        "Nesting deeper than {limit} levels; reading stopped.",
    ),
    hint=Bi(
        "目录文件的结构只有几层，请检查是否误写了大量括号或缩进。",
        "Catalogue files nest only a few levels; look for runaway brackets or indentation.",
    ),
    why=Bi("极深的嵌套可使解析器崩溃。", "Extreme nesting can crash parsers."),
)
define(
    "Y010",
    "file-too-large",
    E,
    unreadable=True,
    title=Bi("文件过大", "file too large"),
    message=Bi(
        "文件有 {length} {unit}，超过上限 {limit} {unit}，未读取。",
        "The file has {length} {unit}, above the limit of {limit}; not read.",
    ),
    hint=Bi("按部门拆分文件。", "Split the file by department."),
    why=Bi(
        "限制文件的大小和值的个数，可防止恶意文件耗尽内存。",
        "Limits on a file's size and number of values keep hostile files from exhausting memory.",
    ),
)
define(
    "Y011",
    "control-character",
    E,
    unreadable=True,
    title=Bi("不可见控制字符", "control character"),
    message=Bi(
        "第 {offset} 字节处有控制字符 {char}。", "Control character {char} at byte offset {offset}."
    ),
    hint=Bi(
        "删除该字符（常见于从其他系统复制粘贴的文字）。",
        "Delete it (it often comes with text pasted from other systems).",
    ),
    why=Bi(
        "控制字符（如 NUL）不允许出现在 YAML 中，也会破坏日志和报表。",
        "Control characters such as NUL are not allowed in YAML and corrupt logs and reports.",
    ),
)
define(
    "Y012",
    "merge-key",
    E,
    blocks_rewrite=True,
    title=Bi("不支持合并键 <<", "merge key not supported"),
    message=Bi("不支持合并键 <<，已忽略。", "Merge keys (<<) are not supported; ignored."),
    hint=Bi(
        "用文件的 defaults 或 _defaults.yaml 表达共用值。",
        "Use the file's defaults or a _defaults.yaml for shared values.",
    ),
    why=Bi(
        "合并键在 YAML 1.2 中已废弃，各工具处理不一。",
        "Merge keys were dropped in YAML 1.2 and tools disagree on them.",
    ),
)
define(
    "Y013",
    "complex-key",
    E,
    blocks_rewrite=True,
    title=Bi("键不是文字", "key is not text"),
    message=Bi(
        "映射的键必须是文字，这里是列表或映射；已忽略。",
        "Mapping keys must be text; this one is a list or mapping and is ignored.",
    ),
    hint=Bi("把键改成普通文字。", "Use a plain text key."),
    why=Bi("复杂键无法对应到目录字段。", "Complex keys cannot name a catalogue field."),
)
define(
    "Y014",
    "scalar-too-long",
    E,
    blocks_rewrite=True,
    title=Bi("值过长", "value too long"),
    message=Bi(
        "此值长 {length} 个字符，超过上限 {limit}；已截断。",
        "This value is {length} characters long, above the limit of {limit}; truncated.",
    ),
    hint=Bi("检查是否误粘贴了大段内容。", "Check for text pasted by mistake."),
    why=Bi(
        "超长值通常是错误或恶意输入，会拖慢所有报表。",
        "Huge values are mistakes or hostile input and slow every report.",
    ),
)
define(
    "Y015",
    "file-unreadable",
    E,
    unreadable=True,
    environment=True,
    title=Bi("文件无法读取", "file cannot be read"),
    message=Bi("无法读取：{reason}", "Cannot read: {reason}"),
    hint=Bi(
        "检查文件权限，确认这是一个普通文件。", "Check permissions and that this is a regular file."
    ),
    why=Bi("读取不到的文件会让校验结果不完整。", "An unreadable file leaves the check incomplete."),
)
define(
    "Y016",
    "link-outside",
    E,
    unreadable=True,
    title=Bi("链接指向目录之外", "link points outside the catalogue"),
    message=Bi(
        "符号链接指向目录之外（{target}），未读取。",
        "Symbolic link points outside the catalogue ({target}); not read.",
    ),
    hint=Bi(
        "把文件复制进目录，而不是链接到外部。",
        "Copy the file into the catalogue instead of linking out.",
    ),
    why=Bi(
        "指向外部的链接可让拉取请求读取仓库外的文件。",
        "A link out lets a pull request make the tool read files outside the repository.",
    ),
)
define(
    "Y017",
    "merge-conflict",
    E,
    unreadable=True,
    title=Bi("未解决的合并冲突", "unresolved merge conflict"),
    message=Bi(
        "文件中有未解决的合并冲突标记 {marker}。",
        "The file holds an unresolved merge conflict marker {marker}.",
    ),
    hint=Bi(
        "在 <<<<<<< 与 >>>>>>> 之间保留正确的一方（ours 为本分支，theirs 为合入分支），删除其余内容和全部标记行。",
        "Between <<<<<<< and >>>>>>> keep the right side (ours: this branch, theirs: the"
        " branch merged in) and delete the rest and every marker line.",
    ),
    why=Bi(
        "冲突标记说明同一字段在两个分支被改成了不同的值，必须由人决定。",
        "Markers mean two branches set one field differently; a person must decide.",
    ),
)


# --- texts the reader fills into Y messages ---------------------------------------------

UNITS: dict[str, Bi] = {
    "bytes": Bi("字节", "bytes"),
    "values": Bi("个值", "values"),
    "records": Bi("条记录", "records"),
}
NOT_A_REGULAR_FILE = Bi("这不是普通文件", "this is not a regular file")
LINK_LOOP = Bi("符号链接循环（链接最终指向自身）", "too many levels of symbolic links")
A_DIRECTORY = Bi("这是一个文件夹，这里应是文件", "this is a directory where a file is expected")

# Y001's hint, by the kind of syntax error
SYNTAX_HINTS: dict[str, Bi] = {
    "tab": Bi("YAML 缩进只能用空格，请把制表符换成空格。", "Indent YAML with spaces, not tabs."),
    "colon": Bi(
        "检查这一行的缩进是否与同级的键对齐；冒号后面要有空格；值里含有“: ”时请给整个值加引号。",
        "Check that the line is indented like its sibling keys; put a space after the colon;"
        " quote a value that itself contains ': '.",
    ),
    "alias": Bi(
        "引用（*名称）之前必须先用 &名称 定义锚点。",
        "Define the anchor (&name) before using the alias (*name).",
    ),
    "indent": Bi(
        "检查这一行与上一行的缩进是否对齐。",
        "Check that this line is indented like its siblings.",
    ),
    "quote": Bi("检查引号是否成对。", "Check that every quote is closed."),
    "anchor": Bi("锚点名称不能重复。", "Anchor names must be unique."),
    "generic": Bi("按报错位置检查 YAML 写法。", "Check the YAML at the reported position."),
}


# libyaml's phrases in Chinese; a phrase not listed stays as libyaml wrote it.
PROBLEM_ZH = (
    ("while parsing a block collection", "解析块序列时"),
    ("while parsing a block mapping", "解析块映射时"),
    ("while parsing a flow sequence", "解析 [ ] 序列时"),
    ("while parsing a flow mapping", "解析 { } 映射时"),
    ("while parsing a flow node", "解析流式节点时"),
    ("while parsing a block node", "解析块节点时"),
    ("while scanning a simple key", "读取键时"),
    ("while scanning a quoted scalar", "读取带引号的文字时"),
    ("while scanning a block scalar", "读取多行文字时"),
    ("while scanning an anchor", "读取锚点时"),
    ("while scanning an alias", "读取引用时"),
    ("while scanning a tag", "读取标签时"),
    ("while scanning for the next token", "读取下一个记号时"),
    ("did not find expected '-' indicator", "没有找到预期的“-”（可能是缩进不齐）"),
    ("did not find expected key", "没有找到预期的键（可能是缩进不齐）"),
    ("did not find expected node content", "没有找到预期的内容"),
    ("did not find expected ',' or ']'", "没有找到预期的“,”或“]”"),
    ("did not find expected ',' or '}'", "没有找到预期的“,”或“}”"),
    ("could not find expected ':'", "没有找到预期的冒号"),
    ("mapping values are not allowed in this context", "此处不能出现“键: 值”"),
    ("found unexpected end of stream", "文件意外结束"),
    ("found undefined alias", "引用了未定义的锚点"),
    ("found character that cannot start any token", "遇到不能作为开头的字符"),
    ("expected <block end>, but found", "缩进结束处出现了意外的内容："),
)
