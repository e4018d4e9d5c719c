"""User-facing messages in Chinese and English, and the choice between them.

Rule messages live with their rules (``zjpaoyici.rules``); this module holds the rest.
Every key must exist in both languages: a test checks it.
"""

from __future__ import annotations

import errno
import locale
import os
from typing import Literal, NamedTuple

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class Bi(NamedTuple):
    """A text in both languages; also usable as a message parameter."""

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def fill(self, **params: object) -> Bi:
        """Both templates with ``params`` filled in (each language may use its own)."""
        return Bi(self.zh.format(**params), self.en.format(**params))

    @classmethod
    def same(cls, text: str) -> Bi:
        """A value shown as is in both languages (a name, an OS message), not a sentence."""
        return cls(text, text)


def default_lang() -> Lang:
    """Pick the language from ``ZJPAOYICI_LANG`` or the locale (zh_* → zh, else en)."""
    explicit = os.environ.get("ZJPAOYICI_LANG", "").strip().lower()
    if explicit in LANGS:
        return "zh" if explicit == "zh" else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


# Chinese names of the operating-system errors a user meets when writing or reading.
_OS_REASONS_ZH = {
    errno.ENOENT: "没有这个文件或文件夹",
    errno.ENOTDIR: "路径中的某一部分不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许此操作（文件可能被锁定或设为不可改）",
    errno.EROFS: "文件系统是只读的",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EEXIST: "文件已存在",
    errno.ELOOP: "符号链接层数过多或链接循环",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EIO: "输入输出错误",
    errno.EMFILE: "打开的文件太多",
    errno.EXDEV: "不能跨文件系统移动",
}


def os_reason(exc: OSError, lang: Lang) -> str:
    """The operating system's reason for ``exc`` in ``lang`` (English: strerror)."""
    english = exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc))
    if lang == "zh" and exc.errno in _OS_REASONS_ZH:
        return f"{_OS_REASONS_ZH[exc.errno]}（{english}）"
    return english


MESSAGES: dict[str, dict[Lang, str]] = {
    "findings_omitted": {
        "zh": "本文件另有 {count:,} 条 {rule} 问题未逐条列出。",
        "en": "… and {count:,} more {rule} findings in this file, not listed one by one.",
    },
    "findings_omitted_hint": {
        "zh": "先修正上面列出的问题；用 --max-per-rule 0 列出全部。",
        "en": "Fix the ones listed first; --max-per-rule 0 lists them all.",
    },
    "os_failure": {
        "zh": "无法写入或读取 {path}：{reason}",
        "en": "Cannot write or read {path}: {reason}",
    },
    "os_failure_replaced": {
        "zh": "出错前已替换的文件：{paths}；其余文件保持原样。",
        "en": "Already replaced before the failure: {paths}; every other file is unchanged.",
    },
    "os_failure_nothing": {
        "zh": "没有文件被改动。",
        "en": "No file was changed.",
    },
    "summary_clean": {
        "zh": "{name}：检查了 {files} 个文件、{matters} 个基本目录事项、{entries} 个实施清单条目，未发现问题。",
        "en": "{name}: checked {files} files, {matters} basic matters, {entries} implementation"
        " entries; no problems found.",
    },
    "summary_findings": {
        "zh": "{name}：检查了 {files} 个文件，发现 {errors} 个错误、{warnings} 个警告、{infos} 个提示。",
        "en": "{name}: checked {files} files; found {errors} errors, {warnings} warnings,"
        " {infos} notes.",
    },
    "hint": {"zh": "修改建议：", "en": "hint: "},
    "also_at": {"zh": "另见：", "en": "see also: "},
    "severity_error": {"zh": "错误", "en": "error"},
    "severity_warning": {"zh": "警告", "en": "warning"},
    "severity_info": {"zh": "提示", "en": "note"},
    "err_no_catalogue": {
        "zh": "{path} 不是目录（找不到 catalogue.yaml），也不是目录中的文件。",
        "en": "{path} is not a catalogue (no catalogue.yaml found) nor a file inside one.",
    },
    "accept_no_list": {
        "zh": "接受清单应为 accept: 列表。",
        "en": "An accept file holds a list under accept:.",
    },
    "accept_not_mapping": {
        "zh": "每一项应为映射（code、region、field、reason）。",
        "en": "Each entry is a mapping (code, region, field, reason).",
    },
    "accept_unknown_key": {
        "zh": "未知的键 {key}（可用：{allowed}）。",
        "en": "Unknown key {key} (allowed: {allowed}).",
    },
    "accept_missing": {
        "zh": "缺少 {key}（接受一项退步必须写明事项编码和原因）。",
        "en": "{key} is missing (accepting a regression needs the matter code and a reason).",
    },
    "accept_bad_region": {
        "zh": '区划代码 {region} 须加引号写成文字，如 "330106"。',
        "en": 'Write the region code {region} as quoted text, e.g. "330106".',
    },
    "accept_bad_field": {
        "zh": "字段 {field} 不存在（可用：{choices}）。",
        "en": "There is no field {field} (one of: {choices}).",
    },
    "diff_unreadable": {
        "zh": "以上文件无法读取，比较会把其中的事项都当作删除，因此不做比较；请先修正（zjpaoyici"
        " validate 给出详情）。",
        "en": "The files above cannot be read, and comparing would count their entries as"
        " removed, so nothing was compared; fix them first (zjpaoyici validate explains).",
    },
    "err_no_catalogue_here": {
        "zh": "在 {cwd} 及其上级文件夹中没有找到 catalogue.yaml。请写出目录所在的文件夹"
        "（作为参数，或用 -C 文件夹），或用 --sample 使用内置示例。下一级中找到的目录：{found}",
        "en": "No catalogue.yaml in {cwd} or any folder above it. Name the catalogue folder"
        " (as an argument, or with -C DIR), or use --sample for the bundled sample."
        " Catalogues found one level down: {found}",
    },
    "err_two_catalogues": {
        "zh": "目录给了两次：{a} 与 {b}，只能给一个。",
        "en": "The catalogue is named twice ({a} and {b}); give one.",
    },
    "err_no_catalogue_here_nosample": {
        "zh": "在 {cwd} 及其上级文件夹中没有找到 catalogue.yaml。请写出目录所在的文件夹"
        "（作为参数，或用 -C 文件夹）。下一级中找到的目录：{found}",
        "en": "No catalogue.yaml in {cwd} or any folder above it. Name the catalogue folder"
        " (as an argument, or with -C DIR). Catalogues found one level down: {found}",
    },
    "rules_unknown": {
        "zh": "没有规则 {id}。相近的：{close}（zjpaoyici rules 列出全部规则）",
        "en": "No rule {id}. Close: {close} (zjpaoyici rules lists them all)",
    },
    "baseline_written": {
        "zh": "已把 {count} 条问题记入基线 {path}；以后用 --baseline {path} 只报告新问题。",
        "en": "Recorded {count} findings in the baseline {path}; --baseline {path} reports only new ones.",
    },
    "baseline_bad": {
        "zh": "无法使用基线文件 {path}：{reason}",
        "en": "Cannot use the baseline {path}: {reason}",
    },
    "suppressed_header": {
        "zh": "已忽略的问题（{count} 条）",
        "en": "Suppressed findings ({count})",
    },
    "suppressed_count": {
        "zh": "另有 {count} 条问题被忽略注释或基线排除（--show-suppressed 列出）。",
        "en": "{count} findings suppressed by comments or the baseline (--show-suppressed lists them).",
    },
    "suppressed_by_baseline": {"zh": "基线中已有", "en": "in the baseline"},
    "wrote_file": {"zh": "已写入 {path}", "en": "Wrote {path}"},
    "err_directory": {
        "zh": "无法进入文件夹 {path}：{reason}",
        "en": "Cannot work in {path}: {reason}",
    },
    "err_sample_and_path": {
        "zh": "--sample 与目录路径 {path} 只能给一个。",
        "en": "Give either --sample or the catalogue path {path}, not both.",
    },
    "err_not_found": {
        "zh": "路径不存在：{path}",
        "en": "No such file or directory: {path}",
    },
    "err_unreadable": {
        "zh": "无法读取 {path}：{reason}",
        "en": "Cannot read {path}: {reason}",
    },
    "err_bad_rule_selector": {
        "zh": "未知的规则编号或前缀：{value}（可用：{known}）",
        "en": "Unknown rule id or prefix: {value} (known: {known})",
    },
    "err_bad_option": {
        "zh": "选项 {option} 的值无效：{value}（可选：{choices}）",
        "en": "Invalid value for {option}: {value} (choose from: {choices})",
    },
    "fmt_changed": {"zh": "已格式化 {path}", "en": "reformatted {path}"},
    "fmt_would_change": {"zh": "需要格式化 {path}", "en": "would reformat {path}"},
    "fmt_skipped": {
        "zh": "{path} 有上述问题，未格式化。",
        "en": "{path} was not formatted because of the problems above.",
    },
    "fmt_summary": {
        "zh": "格式化 {changed} 个文件，{unchanged} 个无需改动，{failed} 个无法处理。",
        "en": "{changed} files reformatted, {unchanged} unchanged, {failed} could not be read.",
    },
    "fmt_summary_check": {
        "zh": "{changed} 个文件需要格式化，{unchanged} 个已是规范格式，{failed} 个无法处理。",
        "en": "{changed} files would be reformatted, {unchanged} already formatted,"
        " {failed} could not be read.",
    },
    "merge_conflict": {"zh": "冲突 {file}：{field}", "en": "conflict in {file}: {field}"},
    "merge_unreadable": {
        "zh": "有输入文件无法读取，未合并。",
        "en": "An input could not be read; nothing was merged.",
    },
    "merge_both_forces": {
        "zh": "--force-ours 与 --force-theirs 只能选一个。",
        "en": "Choose one of --force-ours and --force-theirs.",
    },
    "merge_need_two": {"zh": "至少需要两个输入。", "en": "At least two inputs are needed."},
    "merge_mixed": {
        "zh": "输入须全部是文件或全部是目录。",
        "en": "Inputs must be all files or all folders.",
    },
    "merge_not_written": {
        "zh": "有 {count} 处冲突，未写入任何文件；请先统一各方取值，或使用 --force-ours / --force-theirs。",
        "en": "{count} conflicts; nothing was written. Reconcile the inputs, or use"
        " --force-ours / --force-theirs.",
    },
    "merge_written": {
        "zh": "已写入 {path}（{count} 个文件，按选项处理冲突 {conflicts} 处）。",
        "en": "Wrote {path} ({count} files; {conflicts} conflicts resolved by option).",
    },
    "merge3_fallback": {
        "zh": "{path} 有一方不是可读的 YAML，改用逐行合并（git merge-file）。",
        "en": "A side of {path} is not readable YAML; merged line by line (git merge-file).",
    },
    "err_git": {"zh": "git 出错：{reason}", "en": "git failed: {reason}"},
    "diff_paths_or_revs": {
        "zh": "请给出两个目录，或用 --base/--head 指定 git 版本，二者不能同时使用。",
        "en": "Give two catalogue folders, or git revisions with --base/--head, not both.",
    },
    "diff_need_two": {
        "zh": "需要两个目录（OLD NEW），或用 --base 指定 git 版本。",
        "en": "Two catalogue folders (OLD NEW) are needed, or a git revision with --base.",
    },
    "diff_working_tree": {"zh": "工作区", "en": "working tree"},
    "diff_title": {"zh": "目录变更：{old} → {new}", "en": "Catalogue changes: {old} → {new}"},
    "diff_counts": {
        "zh": "改进 {improvements} · 退步 {regressions}（已接受 {accepted}）· 中性 {neutral}",
        "en": "{improvements} improvements · {regressions} regressions ({accepted} accepted)"
        " · {neutral} neutral",
    },
    "diff_falls_out": {"zh": "（不再满足“最多跑一次”）", "en": " (no longer 最多跑一次)"},
    "diff_accepted": {"zh": "（已接受：{reason}）", "en": " (accepted: {reason})"},
    "diff_none": {"zh": "没有变更。", "en": "No changes."},
    "diff_class_improvement": {"zh": "改进", "en": "improvement"},
    "diff_class_regression": {"zh": "退步", "en": "regression"},
    "diff_class_neutral": {"zh": "中性", "en": "neutral"},
    "diff_kind_added": {"zh": "新增", "en": "added"},
    "diff_kind_removed": {"zh": "删除", "en": "removed"},
    "diff_kind_changed": {"zh": "变更", "en": "changed"},
    "diff_kind_renamed": {"zh": "改名", "en": "renamed"},
    "diff_kind_recoded": {"zh": "改编码", "en": "re-coded"},
    "diff_kind_reassigned": {"zh": "改实施主体", "en": "agency changed"},
    "diff_kind_item_added": {"zh": "新增办理项", "en": "item added"},
    "diff_kind_item_removed": {"zh": "删除办理项", "en": "item removed"},
    "diff_kind_item_changed": {"zh": "办理项变更", "en": "item changed"},
    "diff_kind_bundle_added": {"zh": "新增一件事", "en": "bundle added"},
    "diff_kind_bundle_removed": {"zh": "删除一件事", "en": "bundle removed"},
    "diff_kind_bundle_changed": {"zh": "一件事变更", "en": "bundle changed"},
    "diff_kind_bundle_member_added": {"zh": "一件事新增成员", "en": "bundle member added"},
    "diff_kind_bundle_member_removed": {"zh": "一件事删除成员", "en": "bundle member removed"},
    "diff_field_visits": {"zh": "到现场次数", "en": "visits"},
    "diff_field_promised_limit": {"zh": "承诺时限", "en": "promised limit"},
    "diff_field_materials": {"zh": "必交材料", "en": "required materials"},
    "diff_field_online.available": {"zh": "可网办", "en": "available online"},
    "diff_field_online.depth": {"zh": "网办深度", "en": "online depth"},
    "diff_field_online.mobile": {"zh": "掌上办", "en": "mobile"},
    "diff_field_express": {"zh": "快递送达", "en": "express"},
    "diff_field_case_type": {"zh": "办件类型", "en": "case type"},
    "diff_field_fee": {"zh": "收费", "en": "fee"},
    "diff_field_onsite_reason": {"zh": "现场办理原因", "en": "on-site reason"},
    "diff_field_reach": {"zh": "通办范围", "en": "reach"},
    "diff_field_annual_cases": {"zh": "年办件量", "en": "annual cases"},
    "diff_level_province": {"zh": "省级", "en": "province"},
    "diff_level_city": {"zh": "设区市平均", "en": "city mean"},
    "diff_level_county": {"zh": "县（市、区）平均", "en": "county mean"},
    "diff_level_township": {"zh": "乡镇平均", "en": "township mean"},
    "diff_days_working": {"zh": "{days}个工作日", "en": "{days} working days"},
    "diff_days_calendar": {"zh": "{days}个自然日", "en": "{days} calendar days"},
    "diff_change": {"zh": "{what}：{old} → {new}", "en": "{what}: {old} → {new}"},
    "diff_items_removed": {"zh": "删去：{items}", "en": "removed: {items}"},
    "diff_items_added": {"zh": "增加：{items}", "en": "added: {items}"},
    "diff_part_sep": {"zh": "；", "en": "; "},
    "md_class": {"zh": "类别", "en": "Class"},
    "md_count": {"zh": "数量", "en": "Count"},
    "md_accepted": {"zh": "已接受", "en": "accepted"},
    "diff_less_matters": {"zh": "减事项 {n}", "en": "fewer matters {n}"},
    "diff_more_matters": {"zh": "增事项 {n}", "en": "more matters {n}"},
    "diff_less_visits": {"zh": "减次数 {n}", "en": "fewer visits {n}"},
    "diff_more_visits": {"zh": "增次数 {n}", "en": "more visits {n}"},
    "diff_less_materials": {"zh": "减材料 {n}", "en": "fewer required materials {n}"},
    "diff_more_materials": {"zh": "增材料 {n}", "en": "more required materials {n}"},
    "diff_less_days": {"zh": "减时间 {n} 个工作日", "en": "fewer promised working days {n}"},
    "diff_more_days": {"zh": "增时间 {n} 个工作日", "en": "more promised working days {n}"},
    "md_reduce_matters": {"zh": "事项", "en": "Matters"},
    "md_reduce_visits": {"zh": "到现场次数", "en": "On-site visits"},
    "md_reduce_materials": {"zh": "必要材料", "en": "Required materials"},
    "md_reduce_days": {"zh": "承诺时限（工作日）", "en": "Promised working days"},
    "md_level": {"zh": "层级（最多跑一次比例）", "en": "Level (最多跑一次 share)"},
    "md_before": {"zh": "之前", "en": "Before"},
    "md_after": {"zh": "之后", "en": "After"},
    "md_change": {"zh": "变化（百分点）", "en": "Change (points)"},
    "md_region_shares": {"zh": "各区划比例变化", "en": "Share by region"},
    "md_region": {"zh": "区划", "en": "Region"},
    "md_details": {"zh": "变更明细", "en": "Changes"},
    "md_code": {"zh": "编码", "en": "Code"},
    "md_name": {"zh": "名称", "en": "Name"},
    "md_what": {"zh": "变更", "en": "Change"},
    "md_where": {"zh": "位置", "en": "Where"},
    "report_title": {
        "zh": "{name}：“最多跑一次”统计（按{unit}）",
        "en": "{name}: 最多跑一次 coverage (by {unit})",
    },
    "report_levels": {"zh": "各层级", "en": "By level"},
    "report_basis_note": {
        "zh": "“平均比例”为该层级各区划比例的平均值（官方口径的“平均”），“汇总比例”为该层级全部事项合并计算；目标按平均比例判断，比较时不四舍五入。",
        "en": "'Mean share' averages the shares of the level's regions (the official 平均 figure); 'pooled share' counts all the level's matters together. Targets are judged on the mean share, unrounded.",
    },
    "report_by_region": {"zh": "各区划", "en": "By region"},
    "report_by_department": {"zh": "各部门", "en": "By department"},
    "report_by_type": {"zh": "各事项类型", "en": "By matter type"},
    "report_by_level": {"zh": "各层级", "en": "By level"},
    "report_overall": {
        "zh": "全部 {units} 项：最多跑一次 {share}，不用跑 {zero}{visits_unknown}；全程网办 {full}，可网办 {online}，掌上办 {mobile}，按办件量 {volume}。",
        "en": "All {units}: 最多跑一次 {share}, zero visits {zero}{visits_unknown}; fully online {full}, available online {online}, mobile {mobile}, by case volume {volume}.",
    },
    "report_visits_unknown": {
        "zh": "（到现场次数未填 {count} 项，计入分母）",
        "en": " ({count} with visits not given, counted in the denominator)",
    },
    "share_not_given": {"zh": "{share}（{count} 项未填）", "en": "{share} ({count} not given)"},
    "report_multi": {
        "zh": "需跑多次的事项（例外）：{count} 项",
        "en": "Matters needing several visits (the exceptions): {count}",
    },
    "report_multi_title": {
        "zh": "需跑多次的事项（例外）",
        "en": "Matters needing several visits (the exceptions)",
    },
    "report_more": {
        "zh": "……另有 {count} 项，完整列表见 --format csv/json/html。",
        "en": "… {count} more; see --format csv/json/html for all.",
    },
    "report_below": {
        "zh": "{level} {value} 低于目标 {target}。",
        "en": "{level} is at {value}, below the target of {target}.",
    },
    "report_history": {"zh": "历史变化", "en": "History"},
    "report_no_targets": {
        "zh": "catalogue.yaml 没有设定 targets，--check 无从比较；可用 --fail-under。",
        "en": "catalogue.yaml sets no targets for --check; use --fail-under.",
    },
    "html_card": {
        "zh": "平均达标 {count} 项 · {regions} 个区划 · 汇总 {pooled} · 目标 {target}",
        "en": "mean {count} meeting · {regions} regions · pooled {pooled} · target {target}",
    },
    "rh_level": {"zh": "层级", "en": "Level"},
    "rh_regions": {"zh": "区划数", "en": "Regions"},
    "rh_mean_count": {"zh": "平均达标数", "en": "Mean count"},
    "rh_mean_share": {"zh": "平均比例", "en": "Mean share"},
    "rh_bar": {"zh": "", "en": ""},
    "rh_pooled": {"zh": "汇总比例", "en": "Pooled share"},
    "rh_zero": {"zh": "不用跑", "en": "Zero visits"},
    "rh_unknown": {"zh": "次数未知", "en": "Unknown"},
    "rh_target": {"zh": "目标", "en": "Target"},
    "rh_name": {"zh": "名称", "en": "Name"},
    "rh_units": {"zh": "事项数", "en": "Units"},
    "rh_met": {"zh": "最多跑一次", "en": "Meeting"},
    "rh_share": {"zh": "比例", "en": "Share"},
    "rh_visits": {"zh": "到现场次数", "en": "Visits"},
    "rh_reason": {"zh": "必须现场办理原因", "en": "On-site reason"},
    "rh_department": {"zh": "部门", "en": "Department"},
    "rh_rev": {"zh": "版本", "en": "Revision"},
    "rh_date": {"zh": "日期", "en": "Date"},
    "rcol_key": {"zh": "键", "en": "key"},
    "rcol_label": {"zh": "名称", "en": "label"},
    "rcol_level": {"zh": "层级", "en": "level"},
    "rcol_units": {"zh": "事项数", "en": "units"},
    "rcol_met": {"zh": "最多跑一次数", "en": "met"},
    "rcol_share": {"zh": "最多跑一次比例", "en": "share"},
    "rcol_zero": {"zh": "不用跑数", "en": "zero"},
    "rcol_zero_share": {"zh": "不用跑比例", "en": "zero_share"},
    "rcol_unknown": {"zh": "次数未知", "en": "unknown"},
    "rcol_multi_visit": {"zh": "跑多次数", "en": "multi_visit"},
    "rcol_online_full_share": {"zh": "全程网办比例", "en": "online_full_share"},
    "rcol_online_any_share": {"zh": "可网办比例", "en": "online_any_share"},
    "rcol_mobile_share": {"zh": "掌上办比例", "en": "mobile_share"},
    "rcol_volume_share": {"zh": "按办件量比例", "en": "volume_share"},
    "rcol_online_full_unknown": {"zh": "全程网办未填", "en": "online_full_unknown"},
    "rcol_online_any_unknown": {"zh": "可网办未填", "en": "online_any_unknown"},
    "rcol_mobile_unknown": {"zh": "掌上办未填", "en": "mobile_unknown"},
    "rcol_volume_missing": {"zh": "办件量未填", "en": "volume_missing"},
    "report_bundles": {"zh": "一件事", "en": "bundles"},
    "report_bundles_title": {"zh": "一件事（{count} 件）", "en": "One-thing bundles ({count})"},
    "report_bundle_list": {"zh": "一件事清单", "en": "Bundles"},
    "rh_bundles_mean": {"zh": "平均提供数", "en": "Mean offered"},
    "rh_stage": {"zh": "阶段", "en": "Stage"},
    "show_b_lifecycle": {"zh": "生命周期 · 阶段", "en": "lifecycle · stage"},
    "show_b_lead": {"zh": "牵头部门", "en": "lead department"},
    "show_b_departments": {"zh": "协同部门", "en": "departments"},
    "show_b_joint": {"zh": "联办", "en": "joint handling"},
    "show_b_regions": {"zh": "提供区划（{count} 个）", "en": "Offered in {count} region(s)"},
    "show_b_missing": {"zh": "未实施", "en": "not implemented"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "explain_why": {"zh": "为什么", "en": "Why"},
    "explain_fix": {"zh": "修改建议", "en": "Fix"},
    "explain_example": {"zh": "示例", "en": "Example"},
    "explain_failing": {"zh": "出错的写法：", "en": "Failing:"},
    "explain_reported": {"zh": "报告：", "en": "Reported:"},
    "explain_fixed": {"zh": "改正", "en": "Fixed"},
    "list_sep": {"zh": "、", "en": ", "},  # between the items of a list in running text
    # --- the HTML report standing on its own (issue 19)
    "html_meta": {
        "zh": "统计日期 {date} · 版本 {revision} · 按{unit}统计，{basis}",
        "en": "As of {date} · revision {revision} · counted by {unit}, {basis}",
    },
    "html_no_revision": {"zh": "未知", "en": "unknown"},
    "html_basis_mean": {
        "zh": "按各区划比例的平均值判断",
        "en": "judged on the mean of the regions' shares",
    },
    "html_basis_pooled": {"zh": "按全部事项合并比例判断", "en": "judged on all matters pooled"},
    "html_pass": {"zh": "✓ 达标", "en": "✓ meets the target"},
    "html_fail": {"zh": "✗ 未达标", "en": "✗ below the target"},
    "html_no_target": {"zh": "未设目标", "en": "no target set"},
    "html_legend": {
        "zh": "条形为各层级的比例（{basis}），红线为目标；绿色边框达标，红色边框未达标。",
        "en": "Bars show each level's share ({basis}); the red line is the target; a green frame meets it, a red frame does not.",
    },
    "html_leaders": {
        "zh": "{level}：{total} 个区划中 {ok} 个达标（目标 {target}）。",
        "en": "{level}: {ok} of {total} regions meet the target ({target}).",
    },
    "html_leaders_below": {"zh": "未达标的是{names}。", "en": "Below it: {names}."},
    "html_more": {"zh": "等 {count} 个", "en": "and {count} more"},
    "html_summary": {"zh": "概要", "en": "Summary"},
    "html_bundle_levels": {"zh": "各层级提供情况", "en": "Offered by level"},
    "rh_commit": {"zh": "提交", "en": "Commit"},
    "html_target_of": {"zh": "{level}目标 {target}", "en": "{level} target {target}"},
    "aside": {"zh": "（{text}）", "en": " ({text})"},  # a parenthesis after a name or count
    "show_b_required": {"zh": "必办", "en": "required"},
    "show_b_optional": {"zh": "视情形办理", "en": "if applicable"},
    "col_file": {"zh": "文件", "en": "File"},
    "col_location": {"zh": "位置", "en": "Location"},
    "col_rule": {"zh": "规则", "en": "Rule"},
    "col_severity": {"zh": "级别", "en": "Severity"},
    "col_message": {"zh": "说明", "en": "Message"},
    "level_unknown": {"zh": "未知层级", "en": "unknown level"},
    "unit_entry": {"zh": "实施条目", "en": "entries"},
    "unit_main": {"zh": "主项", "en": "main matters"},
    "unit_item": {"zh": "办理项", "en": "handling items"},
    "fold_region": {
        "zh": "{region}（另有 {more} 个区划同样）",
        "en": "{region} (and {more} more regions)",
    },
    "show_basic": {"zh": "基本目录", "en": "Basic catalogue"},
    "show_regions": {"zh": "实施区划（{count} 个）", "en": "Implemented in {count} region(s)"},
    "show_no_regions": {"zh": "没有区划实施 {code}。", "en": "No region implements {code}."},
    "show_items": {"zh": "办理项", "en": "Handling items"},
    "show_generated": {"zh": "（按情形自动生成）", "en": " (generated from situations)"},
    "show_none": {"zh": "无", "en": "none"},
    "show_limit_working": {"zh": "{days} 个工作日", "en": "{days} working days"},
    "show_limit_natural": {"zh": "{days} 个自然日", "en": "{days} calendar days"},
    "show_required": {"zh": "必交", "en": "required"},
    "show_optional": {"zh": "选交", "en": "optional"},
    "show_unknown_code": {
        "zh": "基本目录中没有编码为 {code} 的事项。",
        "en": "No matter with code {code} in the basic catalogue.",
    },
    "show_did_you_mean": {"zh": "是不是：{codes}？", "en": "Did you mean: {codes}?"},
    "show_unknown_region": {
        "zh": "区划 {region} 不在 regions.yaml 中，也没有实施清单。",
        "en": "Region {region} is not in regions.yaml and has no implementation lists.",
    },
    "show_not_implemented": {
        "zh": "区划 {region} 没有实施 {code}。",
        "en": "Region {region} does not implement {code}.",
    },
    "explode_region_and_level": {
        "zh": "--region 与 --level 只能选一个。",
        "en": "Choose one of --region and --level.",
    },
    "explode_unknown_region": {
        "zh": "区划 {region} 没有实施清单（implementations/{region}/ 不存在）。",
        "en": "Region {region} has no implementation lists (no implementations/{region}/).",
    },
    "explode_xlsx_needs_output": {
        "zh": "xlsx 格式须用 -o 指定输出文件。",
        "en": "The xlsx format needs an output file: -o FILE.",
    },
    "explode_written": {
        "zh": "已写入 {path}（{rows} 行）。",
        "en": "Wrote {path} ({rows} rows).",
    },
    "explode_load_problems": {
        "zh": "目录中有 {count} 个文件存在读取或结构问题，结果可能不完整；请运行 zjpaoyici validate。",
        "en": "{count} files of the catalogue have reading or structure problems; the result"
        " may be incomplete. Run zjpaoyici validate.",
    },
    "explode_write_with_output": {
        "zh": "--write 改写目录中的 YAML 文件，不能与 -o、--format 同用。",
        "en": "--write rewrites the catalogue's YAML files; it does not take -o or --format.",
    },
    "explode_write_blocked": {
        "zh": "{path} 有 YAML 问题，未改写；请先运行 zjpaoyici validate。",
        "en": "{path} has YAML problems and was not rewritten; run zjpaoyici validate first.",
    },
    "explode_write_file": {
        "zh": "已写出 {count} 个办理项：{path}",
        "en": "wrote {count} items into {path}",
    },
    "explode_write_done": {
        "zh": "共写出 {items} 个办理项，改写 {files} 个文件。",
        "en": "{items} items written into {files} files.",
    },
    "import_bad_mapping": {
        "zh": "映射文件 {path} 有问题，未导入：",
        "en": "The mapping {path} has problems; nothing was imported:",
    },
    "import_where": {
        "zh": "{source} 第 {row} 行 [{column}]：",
        "en": "{source} row {row} [{column}]: ",
    },
    "import_bad_value": {
        "zh": "无法解析“{value}”：{reason}。",
        "en": 'cannot read "{value}": {reason}.',
    },
    "import_row_skipped": {"zh": "已跳过该行。", "en": " Row skipped."},
    "import_output_not_dir": {
        "zh": "{path} 已存在且不是文件夹。",
        "en": "{path} exists and is not a folder.",
    },
    "import_output_not_empty": {
        "zh": "{path} 不是空文件夹；请换一个输出目录，或加 --force 覆盖其中的同名文件。",
        "en": "{path} is not empty; choose a new folder, or use --force to overwrite files"
        " of the same name.",
    },
    "import_missing_columns": {
        "zh": "源文件中没有映射所读的列：{missing}。源文件的列：{known}。相近的列：{hints}",
        "en": "The source has no column {missing} named by the mapping. Its columns: {known}."
        " Close matches: {hints}",
    },
    "import_summary": {
        "zh": "已导入 {rows} 行：{entries} 个实施条目、{items} 个办理项、{matters} 个基本目录事项、"
        "{departments} 个部门、{regions} 个区划；写入 {files} 个文件到 {path}。",
        "en": "Imported {rows} rows: {entries} entries, {items} handling items, {matters} basic"
        " matters, {departments} departments, {regions} regions; wrote {files} files to {path}.",
    },
    "import_skipped": {
        "zh": "{count} 行无法解析，已跳过（见上）。",
        "en": "{count} rows could not be read and were skipped (see above).",
    },
    "import_field_unknown": {
        "zh": "该字段留作未知，行已保留。",
        "en": " Field left unknown; row kept.",
    },
    "import_unknown_cells": {
        "zh": "{count} 个单元格无法解析，相应字段留作未知（见上）。",
        "en": "{count} cells could not be read; those fields were left unknown (see above).",
    },
    "import_failed": {
        "zh": "该字段的映射为 on_error: fail，导入已停止，未写入任何文件。",
        "en": "The mapping says on_error: fail for this field; the import stopped and wrote"
        " nothing.",
    },
    "export_bad_mapping": {
        "zh": "这个映射不能用于导出：{problems}",
        "en": "This mapping cannot describe an export: {problems}",
    },
    "init_exists": {
        "zh": "{path} 中已有以下文件，init 不会覆盖它们（未写入任何文件）：",
        "en": "These files already exist in {path}; init does not overwrite them (nothing was"
        " written):",
    },
    "init_unknown_province": {
        "zh": "{code} 不是省级行政区划代码（GB/T 2260，2024 年版），如 四川省 510000、上海市 310000。",
        "en": "{code} is not a provincial-level region code (GB/T 2260, 2024), e.g. 510000"
        " (Sichuan) or 310000 (Shanghai).",
    },
    "init_done": {
        "zh": "已在 {path} 建立目录仓库（{count} 个文件）。",
        "en": "Created a catalogue repository in {path} ({count} files).",
    },
    "init_next": {
        "zh": "下一步：\n  cd {path}\n  git init\n"
        '  git config merge.zjpaoyici.name "zjpaoyici structured merge"\n'
        '  git config merge.zjpaoyici.driver "zjpaoyici merge3 %O %A %B --name %P"\n'
        "  pre-commit install\n  zjpaoyici validate",
        "en": "Next:\n  cd {path}\n  git init\n"
        '  git config merge.zjpaoyici.name "zjpaoyici structured merge"\n'
        '  git config merge.zjpaoyici.driver "zjpaoyici merge3 %O %A %B --name %P"\n'
        "  pre-commit install\n  zjpaoyici validate",
    },
    "init_placeholder": {
        "zh": ".pre-commit-config.yaml 中的 repo 是占位地址：请换成 zjpaoyici 源码仓库（或内部镜像）的"
        " git 地址，或用 --hooks-repo 指定。",
        "en": "The repo in .pre-commit-config.yaml is a placeholder: replace it with the git URL"
        " of the zjpaoyici source repository (or your mirror), or pass --hooks-repo.",
    },
    "schema_written": {"zh": "已写入 {path}", "en": "wrote {path}"},
    "schema_current": {
        "zh": "{path} 中的 JSON Schema 与 zjpaoyici {version} 一致。",
        "en": "The JSON Schemas in {path} match zjpaoyici {version}.",
    },
    "schema_stale": {
        "zh": "已过期或缺少：{path}",
        "en": "outdated or missing: {path}",
    },
    "schema_stale_hint": {
        "zh": "运行 zjpaoyici schema --output-dir {path} 更新。",
        "en": "Run zjpaoyici schema --output-dir {path} to update them.",
    },
    "schema_check_needs_dir": {
        "zh": "--check 须与 --output-dir 一起使用。",
        "en": "--check needs --output-dir.",
    },
    "schema_kinds": {
        "zh": "可用的类型（zjpaoyici schema 类型）：",
        "en": "Kinds (zjpaoyici schema KIND):",
    },
    "schema_col_kind": {"zh": "类型", "en": "Kind"},
    "schema_col_files": {"zh": "文件", "en": "Files"},
    "schema_col_title": {"zh": "说明", "en": "Title"},
    "progress_load": {"zh": "读取目录", "en": "Reading the catalogue"},
    "progress_history": {"zh": "读取历史版本", "en": "Reading revisions"},
    "progress_import": {"zh": "导入 {name}", "en": "Importing {name}"},
    "rules_col_checks": {"zh": "检查内容", "en": "Checks"},
    "rules_col_id": {"zh": "编号", "en": "ID"},
    "rules_col_name": {"zh": "名称", "en": "Name"},
    "rules_col_severity": {"zh": "级别", "en": "Severity"},
    "explode_sheet_items": {"zh": "办理项", "en": "Handling items"},
    "explode_sheet_bundles": {"zh": "一件事", "en": "Bundles"},
    "cache_info": {
        "zh": "缓存目录：{path}\n条目：{entries} 个，共 {size}（{days} 天未用的条目自动清除）\n"
        "不是本用户密钥签名的条目（他人写入或被改动，读取时忽略并重算）：{foreign} 个",
        "en": "Cache directory: {path}\nEntries: {entries}, {size} (entries unused for {days} days are removed)\n"
        "Entries not signed with this user's key (written or edited by someone else; ignored and recomputed): {foreign}",
    },
    "report_gate_incomplete": {
        "zh": "统计不完整，不判断是否达标（退出码 2）。",
        "en": "The figures are incomplete, so the targets were not judged (exit 2).",
    },
    "report_incomplete": {
        "zh": "统计不完整：{count} 个文件无法读取，未计入：{files}。运行 zjpaoyici validate 查看原因。",
        "en": "The figures are incomplete: {count} file(s) could not be read and are left out:"
        " {files}. Run zjpaoyici validate for the reasons.",
    },
    "cache_cleared": {
        "zh": "已删除 {entries} 个缓存条目。",
        "en": "Removed {entries} cache entries.",
    },
    # import and export: cells, sources, the mapping, rows
    "cell_expected_yes_no": {"zh": "应为是或否（{shown}）", "en": "expected yes or no ({shown})"},
    "cell_not_in_value_map": {
        "zh": "不在取值对照表中（可选：{shown}）",
        "en": "is not in the value map (known: {shown})",
    },
    "cell_text_not_list": {
        "zh": "应为文字，却是列表或对象",
        "en": "expected text, found a list or object",
    },
    "cell_int_not_yes_no": {
        "zh": "应为非负整数，却是是/否",
        "en": "expected a whole number, found yes/no",
    },
    "cell_negative": {"zh": "不能为负数", "en": "must not be negative"},
    "cell_days_is_date": {
        "zh": "是日期而不是天数（表格软件可能把它自动转成了日期）",
        "en": "is a date, not a number of days (a spreadsheet may have turned it into one)",
    },
    "cell_days_expected": {"zh": "应为天数", "en": "expected a number of days"},
    "cell_days_looks_like_date": {
        "zh": "像是日期而不是时限天数",
        "en": "looks like a date, not a number of days",
    },
    "cell_days_unrecognised": {
        "zh": "无法识别的时限（可写 5、5个工作日、5(自然日)、即办）",
        "en": "unrecognised time limit (write 5, 5个工作日, 5(自然日) or 即办)",
    },
    "cell_days_unit_unsaid": {
        "zh": "没有写明是工作日还是自然日；请在映射中为该字段写 unit: working 或 natural",
        "en": "does not say working or calendar days; add unit: working or natural to this field in the mapping",
    },
    "cell_contains_not_object": {
        "zh": "应为文字或列表，却是对象",
        "en": "expected text or a list, found an object",
    },
    "cell_days_negative": {"zh": "天数不能为负数", "en": "days must not be negative"},
    "cell_list_not_object": {
        "zh": "应为列表，却是对象",
        "en": "expected a list, found an object",
    },
    "cell_pairs_shape": {
        "zh": "应写成 维度{assign}取值，多个用 {separator} 分隔",
        "en": "write dimension{assign}value, several separated by {separator}",
    },
    "cell_int_expected": {
        "zh": "应为非负整数（阿拉伯数字，如 1）",
        "en": "expected a whole number ≥ 0 in digits, e.g. 1",
    },
    "src_looks_xlsx": {
        "zh": "Excel 工作簿（xlsx，zip 压缩包）",
        "en": "an Excel workbook (xlsx, a zip file)",
    },
    "src_looks_xls": {
        "zh": "旧版 Excel 工作簿（.xls），请先另存为 xlsx 或 csv",
        "en": "an old Excel workbook (.xls); save it as xlsx or csv first",
    },
    "src_looks_json": {
        "zh": "JSON（以 [ 或 {{ 开头）",
        "en": "JSON (it starts with [ or {{)",
    },
    "src_looks_jsonl": {
        "zh": "JSON Lines（每行一个 JSON 对象）",
        "en": "JSON Lines (one JSON object per line)",
    },
    "src_looks_csv": {"zh": "纯文本（csv）", "en": "plain text (csv)"},
    "src_looks_utf16": {
        "zh": "UTF-16 编码的文字（如 Excel 的“Unicode 文本”），请另存为 UTF-8 的 csv",
        "en": "UTF-16 text (such as Excel's “Unicode text”); save it as UTF-8 csv",
    },
    "src_looks_binary": {
        "zh": "二进制文件，不是表格或 JSON",
        "en": "a binary file, not a table or JSON",
    },
    "src_said_option": {"zh": "--format 指定的", "en": "--format says"},
    "src_said_mapping": {
        "zh": "映射 source.format 指定的",
        "en": "the mapping's source.format says",
    },
    "src_said_extension": {"zh": "扩展名表明的", "en": "its extension says"},
    "src_no_header_row": {"zh": "{name} 没有表头行。", "en": "{name} has no header row."},
    "src_no_records": {
        "zh": "JSON 中找不到记录列表；请用 source.records 指明列表所在的键。",
        "en": "The JSON holds no list of records; name its key with source.records.",
    },
    "src_bad_encoding": {
        "zh": "{name} 不是 {encoding} 编码（第 {start} 字节）；请在映射中写明 source.encoding，如 gb18030。",
        "en": "{name} is not {encoding} (byte {start}); set source.encoding in the mapping, e.g. gb18030.",
    },
    "src_cannot_read": {"zh": "无法读取 {name}：{exc}", "en": "Cannot read {name}: {exc}"},
    "src_empty_folder": {
        "zh": "文件夹 {name} 中没有 csv、xlsx、json 或 jsonl 文件。",
        "en": "The folder {name} holds no csv, xlsx, json or jsonl file.",
    },
    "map_empty": {
        "zh": "映射文件为空或不是映射。",
        "en": "The mapping file is empty or not a mapping.",
    },
    "map_no_source": {
        "zh": "须写 column（源列）、template（列模板）或 value（常量）之一。",
        "en": "Give one of column, template or value.",
    },
    "map_no_columns": {"zh": "列名列表为空。", "en": "The list of columns is empty."},
    "map_placing_unknown": {
        "zh": "{name} 决定行的归属，无法解析时不能留作未知（可用 drop_row 或 fail）。",
        "en": "{name} places the row; a bad value cannot be left unknown (use drop_row or fail).",
    },
    "map_enum_needs_values": {
        "zh": "enum 解析器须有 values 对照表。",
        "en": "The enum parser needs values.",
    },
    "map_contains_needs_contains": {
        "zh": "contains 解析器须有 contains（要查找的文字，可写列表）。",
        "en": "The contains parser needs contains (the text to look for, or a list).",
    },
    "map_required_only_materials": {
        "zh": "required 只用于材料字段从对象列表取值时（column 如 materials[].name）。",
        "en": "required is for a materials field read from a list of objects (column such as materials[].name).",
    },
    "map_constant_not_text": {
        "zh": '常量 {constant} 须写成带引号的文字（如 "511602"），以免被读成数字。',
        "en": 'Write the constant {constant} as quoted text (e.g. "511602") so it is not read as a number.',
    },
    "map_when_needs_test": {
        "zh": "when 须有 differs_from 或 matches。",
        "en": "when needs differs_from or matches.",
    },
    "map_invalid_code_profile": {"zh": "编码规则无效：{exc}", "en": "invalid code profile: {exc}"},
    "map_unusable_template": {"zh": "列模板无法使用：{why}", "en": "unusable template: {why}"},
    "map_regex_needs_pattern": {
        "zh": "regex 解析器须有 pattern。",
        "en": "The regex parser needs a pattern.",
    },
    "map_value_unsuited": {
        "zh": "对照值 {key} → {value} 不适合字段 {name}。",
        "en": "The mapped value {key} → {value} does not suit field {name}.",
    },
    "map_invalid_pattern": {"zh": "正则表达式无效：{exc}", "en": "invalid pattern: {exc}"},
    "imp_four_same_conflict": {"zh": "四同要素冲突", "en": "conflicting 四同 field"},
    "imp_fact_conflict": {
        "zh": "同一事项的两行取值不同",
        "en": "two rows of one matter disagree",
    },
    "imp_no_matter_code": {"zh": "没有事项编码", "en": "no matter code"},
    "imp_fee_without_charged": {
        "zh": "写了收费标准或依据，却没有写是否收费",
        "en": "gives a fee standard or basis but not whether a fee is charged",
    },
    "imp_item_without_region": {"zh": "办理项行没有区划", "en": "an item row without a region"},
    "imp_duplicate_item": {
        "zh": "这个办理项编码已出现过，取值不同",
        "en": "this item code appeared before, with other values",
    },
    "imp_no_department": {"zh": "没有实施部门", "en": "no department"},
    "imp_main_without_name": {
        "zh": "主项没有自己的行，也没有主项名称；主项将缺少名称",
        "en": "the main matter has no row and no name",
    },
    "imp_main_is_sub": {
        "zh": "主项本身又是子项；按主项处理",
        "en": "the main matter is itself a sub matter; treated as a main matter",
    },
    "imp_region_name": {"zh": "名称", "en": "name"},
    "imp_region_level": {"zh": "层级", "en": "level"},
    "imp_region_parent": {"zh": "上级代码", "en": "parent"},
    "imp_where_entry": {
        "zh": "区划 {region}、实施主体 {agency}、编码 {code}",
        "en": "region {region}, agency {agency}, code {code}",
    },
    "imp_where_basic": {"zh": "基本目录编码 {code}", "en": "basic code {code}"},
    "imp_bad_region_code": {
        "zh": "应为六位区划代码",
        "en": "expected a six-digit region code",
    },
    "imp_bad_level": {
        "zh": "层级应为 province、city、county 或 township",
        "en": "level must be province, city, county or township",
    },
    "imp_bad_levels": {
        "zh": "行使层级应为 province、city、county、township",
        "en": "levels must be province, city, county, township",
    },
    "imp_bad_type": {
        "zh": "不是事项类型（行政许可、公共服务等；源数据用代码时请用 enum 对照）",
        "en": "is not a matter type (行政许可, 公共服务, …; map source codes with enum)",
    },
    "imp_bad_case_type": {
        "zh": "办件类型应为 即办件 或 承诺件",
        "en": "case type must be 即办件 or 承诺件",
    },
    "imp_bad_online_depth": {"zh": "网办深度应为 0–4", "en": "online depth must be 0–4"},
    "imp_no_source_file": {"zh": "没有源文件。", "en": "No source file."},
    "imp_not_valid_json": {"zh": "不是有效的 JSON：{message}", "en": "not valid JSON: {message}"},
    "imp_not_json_object": {"zh": "不是 JSON 对象", "en": "not a JSON object"},
    "cell_material_required_unsaid": {
        "zh": "材料“{name}”没有写明是否必要",
        "en": "material “{name}” does not say whether it is required",
    },
    "map_parser_not_for": {
        "zh": "字段 {name} 不能用解析器 {parser}（可用：{allowed}）。",
        "en": "Field {name} cannot use the {parser} parser (use: {allowed}).",
    },
    "src_wrong_format": {
        "zh": "{file} 看起来是{looks}，而不是{said} {chosen}。{fix}",
        "en": "{file} looks like {looks}, not {chosen} as {said}.{fix}",
    },
    "src_wrong_format_fix": {
        "zh": "若确是 {seen}，请用 --format {seen} 或在映射中写 source.format: {seen}。",
        "en": " If it is {seen}, use --format {seen} or set source.format: {seen} in the mapping.",
    },
    "src_unknown_format": {
        "zh": "无法判断 {file} 的格式；请在映射的 source.format 中写明 csv、xlsx、json 或 jsonl。{tail}",
        "en": "Cannot tell the format of {file}; set source.format (csv, xlsx, json or jsonl) in the mapping.{tail}",
    },
    "src_looks_like": {"zh": "它看起来是{looks}。", "en": " It looks like {looks}."},
    "src_no_sheet": {
        "zh": "{file} 中没有工作表 {sheet}（有：{names}）。",
        "en": "{file} has no sheet {sheet} (it has: {names}).",
    },
    "imp_row": {"zh": "第 {line} 行", "en": "{line}"},
    "imp_row_in_file": {"zh": "{file} 第 {line} 行", "en": "{line} (of {file})"},
    "imp_conflict": {
        "zh": "{kind}：{earlier}与第 {line} 行同为{where}，[{label}] 分别为“{kept}”与“{other}”；保留{earlier}的值",
        "en": '{kind}: rows {earlier} and {line} are both {where}, but [{label}] is "{kept}" and "{other}"; kept row {earlier}\'s value',
    },
    "imp_region_kept_earlier": {
        "zh": "区划 {code} 的{what}在前面的行中是 {known}，保留前者",
        "en": "region {code} has {what} {known} in an earlier row; kept that",
    },
    # --- cases
    "cases_map_unreadable": {
        "zh": "办件映射文件无法读取，或不是一个 YAML 映射。",
        "en": "The case mapping cannot be read, or is not a YAML mapping.",
    },
    "cases_map_schema": {
        "zh": "办件映射文件的第一行应为 schema: {want}。",
        "en": "A case mapping starts with schema: {want}.",
    },
    "cases_map_format": {
        "zh": "不支持的办件数据格式 {value}（可用：{allowed}）。",
        "en": "Unsupported case record format {value} (use one of: {allowed}).",
    },
    "cases_map_field": {
        "zh": "{name} 不是办件字段（可用：{allowed}）。",
        "en": "{name} is not a case field (fields: {allowed}).",
    },
    "cases_map_personal": {
        "zh": "{name} 是个人信息，不能映射：办件分析只读取汇总所需的字段。",
        "en": "{name} is personal data and may not be mapped: the analysis reads only what its figures need.",
    },
    "cases_map_personal_column": {
        "zh": "列 {column} 看起来是个人信息（姓名、证件号码、电话），不能映射。",
        "en": "Column {column} looks like personal data (a name, an ID number, a phone number) and may not be mapped.",
    },
    "cases_map_no_matter": {
        "zh": "映射须给出事项：code（基本编码，宜同时给 region）或 implementation_code。",
        "en": "The mapping must give the matter: code (with region) or implementation_code.",
    },
    "cases_map_no_time": {
        "zh": "映射须给出受理时间 received 或办结时间 completed。",
        "en": "The mapping must give received or completed.",
    },
    "cases_progress": {"zh": "分析办件（{engine}）", "en": "Analysing the cases ({engine})"},
    "cases_engine_failed": {
        "zh": "{engine} 无法完成分析：{reason}",
        "en": "{engine} could not run the analysis: {reason}",
    },
    "cases_personal_ignored": {
        "zh": "以下列看起来是个人信息，未读取：{columns}",
        "en": "These columns look like personal data and were not read: {columns}",
    },
    "cases_title": {
        "zh": "{name}：办件分析（{engine}，{files} 个文件）",
        "en": "{name}: case records ({engine}, {files} file(s))",
    },
    "cases_by_level": {"zh": "按层级", "en": "By level"},
    "cases_by_region": {"zh": "按区划", "en": "By region"},
    "cases_by_department": {"zh": "按实施主体", "en": "By agency"},
    "cases_by_type": {"zh": "按事项类型", "en": "By matter type"},
    "cases_group_level": {"zh": "层级", "en": "Level"},
    "cases_group_region": {"zh": "区划", "en": "Region"},
    "cases_group_department": {"zh": "实施主体", "en": "Agency"},
    "cases_group_type": {"zh": "事项类型", "en": "Type"},
    "cases_col_cases": {"zh": "办件量", "en": "Cases"},
    "cases_col_one": {"zh": "最多跑一次", "en": "At most one visit"},
    "cases_col_zero": {"zh": "零次", "en": "Zero visits"},
    "cases_col_online": {"zh": "网上申请", "en": "Online"},
    "cases_col_mobile": {"zh": "移动端", "en": "Mobile"},
    "cases_col_median": {"zh": "用时中位数（工作日）", "en": "Median (working days)"},
    "cases_col_p90": {"zh": "90% 分位（工作日）", "en": "90th percentile (working days)"},
    "cases_col_overdue": {"zh": "超期", "en": "Overdue"},
    "cases_col_satisfied": {"zh": "满意", "en": "Satisfied"},
    "cases_all": {"zh": "合计", "en": "All"},
    "cases_volume_line": {
        "zh": "{level}：按办件量，最多跑一次比例（按承诺）{promised}，（按实际）{handled}，共 {cases} 件",
        "en": "{level}: share of case volume at most one visit as promised {promised}, as handled {handled}, of {cases} cases",
    },
    "cases_unmatched": {
        "zh": "目录中没有的事项：{matters} 个，{cases} 件（事项 · 办件量 · 示例办件）",
        "en": "Matters not in the catalogue: {matters}, {cases} cases (matter · cases · example cases)",
    },
    "report_cases_needs_mapping": {
        "zh": "--cases 需要 --cases-mapping 指定办件映射文件。",
        "en": "--cases needs --cases-mapping, the case mapping file.",
    },
    "cases_annual_preview": {
        "zh": "预览：{files} 个文件中 {entries} 个条目的 annual_cases 将改为办件量；加 --yes 写入。",
        "en": "Preview: annual_cases of {entries} entries in {files} files would change; add --yes to write.",
    },
    "cases_annual_written": {
        "zh": "已改写 {files} 个文件中 {entries} 个条目的 annual_cases。",
        "en": "Wrote annual_cases of {entries} entries in {files} files.",
    },
    "report_cases": {
        "zh": "按办件量（办件数据）",
        "en": "By case volume (case records)",
    },
    "rh_cases": {"zh": "办件量", "en": "Cases"},
    "rh_cases_promised": {"zh": "最多跑一次（按承诺）", "en": "At most one visit, as promised"},
    "rh_cases_handled": {"zh": "最多跑一次（按实际）", "en": "At most one visit, as handled"},
    "cases_calendar_gap": {
        "zh": "工作日历未覆盖 {years} 年：{cases} 件办件的用时未计入",
        "en": "The working-day calendar does not cover {years}: {cases} case(s) left out of elapsed times",
    },
    # --- apply
    "apply_title": {"zh": "将 {book} 应用到 {root}", "en": "Applying {book} to {root}"},
    "apply_counts": {
        "zh": "{rows} 行：未改 {unchanged} 行，修改 {edits} 处，新增 {added}，删除 {removed}，冲突 {conflicts}",
        "en": "{rows} rows: {unchanged} unchanged, {edits} fields edited, {added} added, {removed} removed, {conflicts} conflicts",
    },
    "apply_row": {"zh": "第 {row} 行", "en": "row {row}"},
    "apply_edit": {"zh": "{label}：{old} → {new}", "en": "{label}: {old} → {new}"},
    "apply_inherited": {
        "zh": "（原为继承的共用值，改为本条目自己的值，共用设置不变）",
        "en": "(was inherited from a shared layer: now the entry's own value, the shared layer unchanged)",
    },
    "apply_added": {"zh": "新增", "en": "added"},
    "apply_removed": {"zh": "删除", "en": "removed"},
    "apply_missing": {
        "zh": "{count} 个条目或办理项在表格中没有对应行，未删除（要删除请加 --delete）：",
        "en": "{count} entries or items have no row in the workbook and were kept (add --delete to remove them):",
    },
    "apply_no_delete_unreadable": {
        "zh": "有无法读取的行，本次不删除任何条目",
        "en": "some rows could not be read, so nothing is removed this time",
    },
    "apply_values": {
        "zh": "{label}：导出时 {at}，表格中 {book}，YAML 现在 {now}",
        "en": "{label}: at export {at}, in the workbook {book}, in the YAML now {now}",
    },
    "apply_unknown": {"zh": "（不可知）", "en": "(unknown)"},
    "apply_blank": {"zh": "（空）", "en": "(blank)"},
    "apply_conflict_stale": {
        "zh": "导出后 YAML 中的这一条已改动，本行未应用",
        "en": "the YAML changed since the export; the row was not applied",
    },
    "apply_conflict_gone": {
        "zh": "导出后这一条已不在 YAML 中（或其区划、部门、编码列被修改），本行未应用",
        "en": "the entry is no longer in the YAML (or its region, department or code cell was edited); the row was not applied",
    },
    "apply_conflict_exists": {
        "zh": "没有校验码的行与已有条目相同，本行未应用",
        "en": "a row without a stamp names an existing entry; the row was not applied",
    },
    "apply_conflict_not_own": {
        "zh": "修改的字段不由实施条目设置（基本目录“四同”要素或区划表），本行未应用",
        "en": "the edited fields are not set by an implementation entry (the basic catalogue or the region table); the row was not applied",
    },
    "apply_conflict_inexact": {
        "zh": "写入后生效值仍与表格不同，请检查",
        "en": "after the change the effective value still differs from the workbook; please check",
    },
    "apply_conflict_basic": {
        "zh": "基本目录事项行的修改不由 apply 写入，请修改基本目录文件",
        "en": "apply does not write edits of basic catalogue rows; edit the basic catalogue file",
    },
    "apply_conflict_no_entry": {
        "zh": "新办理项所属的实施条目不存在",
        "en": "the new item's entry does not exist",
    },
    "apply_conflict_no_file": {
        "zh": "该区划没有这个部门的实施清单文件",
        "en": "the region has no implementation file of this department",
    },
    "apply_conflict_generated": {
        "zh": "按情形生成的办理项不能逐项删除，请修改情形维度",
        "en": "an item generated from situations cannot be removed on its own; edit the situation dimensions",
    },
    "apply_dry_run": {
        "zh": "预览：没有写入任何文件（加 --write 写入）。",
        "en": "Preview: no file was written (add --write to write).",
    },
    "apply_written": {"zh": "已写入 {count} 个文件。", "en": "Wrote {count} files."},
    "apply_nothing": {"zh": "没有需要写入的改动。", "en": "Nothing to write."},
    # --- standard
    "std_title": {
        "zh": "{name}：同一事项、同一标准（标准化程度 {index}，{equal:,}/{pairs:,} 项取值与常模一致）",
        "en": "{name}: the same matter to the same standard (index {index}, {equal:,} of {pairs:,} values equal the norm)",
    },
    "std_nothing": {
        "zh": "没有两个以上同级区划共同实施的事项，无可比较。",
        "en": "No matter is implemented in two or more regions of one level: nothing to compare.",
    },
    "std_by_department": {"zh": "按部门", "en": "By department"},
    "std_by_region": {"zh": "按区划", "en": "By region"},
    "std_by_level": {"zh": "按层级", "en": "By level"},
    "std_worst": {"zh": "标准化程度最低的事项", "en": "Matters least standardised"},
    "std_more_matters": {
        "zh": "另有 {count:,} 个事项未列出；用 --format csv 或 --matter 编码查看全部。",
        "en": "{count:,} more matters not listed; use --format csv or --matter CODE to see them.",
    },
    "std_h_group": {"zh": "分组", "en": "Group"},
    "std_h_index": {"zh": "标准化程度", "en": "Index"},
    "std_h_pairs": {"zh": "比较项", "en": "Compared"},
    "std_h_equal": {"zh": "一致", "en": "Equal"},
    "std_h_deviations": {"zh": "偏离", "en": "Deviations"},
    "std_h_matters": {"zh": "事项数", "en": "Matters"},
    "std_h_code": {"zh": "事项编码", "en": "Matter code"},
    "std_h_name": {"zh": "事项名称", "en": "Matter name"},
    "std_h_level": {"zh": "层级", "en": "Level"},
    "std_h_department": {"zh": "部门", "en": "Department"},
    "std_h_regions": {"zh": "实施区划数", "en": "Regions"},
    "std_h_elements": {"zh": "偏离的要素", "en": "Elements deviating"},
    "std_h_region": {"zh": "区划代码", "en": "Region code"},
    "std_h_region_name": {"zh": "区划名称", "en": "Region name"},
    "std_h_element": {"zh": "要素", "en": "Element"},
    "std_h_value": {"zh": "本区划取值", "en": "Region's value"},
    "std_h_norm": {"zh": "常模（多数区划）", "en": "Norm (most regions)"},
    "std_h_share": {"zh": "采用常模的区划", "en": "Regions at the norm"},
    "std_h_for_citizen": {"zh": "对办事人", "en": "For the citizen"},
    "std_h_location": {"zh": "取值所在位置", "en": "Where the value is set"},
    "std_h_detail": {"zh": "说明", "en": "Detail"},
    "std_worse": {"zh": "更严（更不便）", "en": "worse"},
    "std_better": {"zh": "更宽（更便利）", "en": "better"},
    "std_different": {"zh": "不同", "en": "different"},
    "std_share": {"zh": "{share}/{known} 个区划", "en": "{share} of {known} regions"},
    "std_limit_extra": {
        "zh": "中位数 {median} 个工作日，标杆（最好的 25%）{best} 个工作日",
        "en": "median {median} working days, benchmark (best 25 %) {best} working days",
    },
    "std_matter_title": {
        "zh": "{code} {name}（{level}，{regions} 个区划实施，标准化程度 {index}）",
        "en": "{code} {name} ({level}, implemented in {regions} regions, index {index})",
    },
    "std_norms": {"zh": "各要素的常模", "en": "The norm of each element"},
    "std_deviations": {"zh": "偏离常模的区划", "en": "Regions deviating from the norm"},
    "std_no_deviations": {
        "zh": "各区划一致，没有偏离。",
        "en": "Every region agrees: no deviation.",
    },
    "std_no_matter": {
        "zh": "没有两个以上同级区划实施事项 {code}。",
        "en": "Matter {code} is not implemented in two or more regions of one level.",
    },
    "std_below": {
        "zh": "标准化程度 {index} 低于 --fail-under {target}。",
        "en": "The standardisation index {index} is below --fail-under {target}.",
    },
    "std_materials_value": {
        "zh": "{count} 项（必要 {required} 项）",
        "en": "{count} ({required} required)",
    },
    "std_materials_added": {"zh": "多出：{names}", "en": "added: {names}"},
    "std_materials_missing": {"zh": "缺少：{names}", "en": "missing: {names}"},
    "std_detail_sep": {"zh": "；", "en": "; "},
    "std_materials_flags": {"zh": "必要性不同：{names}", "en": "required differs: {names}"},
    "std_matched_names": {
        "zh": "同一材料的不同写法：{names}",
        "en": "one material written differently: {names}",
    },
    "std_days_working": {"zh": "{days} 个工作日", "en": "{days} working days"},
    "std_days_natural": {
        "zh": "{days} 个自然日（约 {working} 个工作日）",
        "en": "{days} natural days (about {working} working days)",
    },
    "std_online_value": {
        "zh": "网办深度 {depth}，掌上办：{mobile}",
        "en": "depth {depth}, mobile: {mobile}",
    },
    "std_fee_free": {"zh": "不收费", "en": "free"},
    "std_fee_charged": {"zh": "收费：{standard}", "en": "charged: {standard}"},
    "std_unknown": {"zh": "未填", "en": "not given"},
    "std_html_heat": {
        "zh": "事项 × 区划：格中数字为偏离常模的要素数，空白为未实施；点击表头排序。",
        "en": "Matter × region: each cell counts the elements deviating from the norm, blank where not implemented; click a heading to sort.",
    },
}


def t(key: str, lang: Lang, /, **params: object) -> str:
    """Format message ``key`` in ``lang`` with ``params``."""
    return MESSAGES[key][lang].format(**params)


class Msg:
    """Message ``key`` with its parameters, worded once the language is known (messages
    made below the commands, which alone know it). A parameter that is itself a ``Msg``
    or ``Bi`` is worded in the same language; a tuple is listed with the language's
    separator."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: object) -> None:
        self.key, self.params = key, params

    def get(self, lang: Lang) -> str:
        return t(self.key, lang, **{k: _worded(v, lang) for k, v in self.params.items()})

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, {self.params!r})"


def _worded(value: object, lang: Lang) -> object:
    if isinstance(value, Msg | Bi):
        return value.get(lang)
    if isinstance(value, tuple):
        return t("list_sep", lang).join(str(v) for v in value)
    return value


def both(key: str, /, **params: object) -> Bi:
    """Message ``key`` in both languages: a finding's parameter, shown in the reader's."""
    return Bi(t(key, "zh", **params), t(key, "en", **params))


def name_of(kind: str, name: str, lang: Lang) -> str:
    """The shown name of ``name`` of a ``kind`` (``level``, ``diff_field``, …), or
    ``name`` itself when it has none."""
    key = f"{kind}_{name}"
    return t(key, lang) if key in MESSAGES else name
