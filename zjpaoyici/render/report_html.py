"""The report as one self-contained HTML page: inline CSS, inline SVG charts, a little
inline script for sortable tables, and a Content-Security-Policy that forbids every
network request. Every text a catalogue contributes is escaped."""

from __future__ import annotations

import math

from zjpaoyici.catalogue.fields import LEVELS, level_label
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.stats.figures import Tally, level_share, percent, target_percent
from zjpaoyici.ops.stats.report import GroupBy, LevelCheck, RegionCard, Report
from zjpaoyici.render import region_out
from zjpaoyici.render.font import font_face
from zjpaoyici.render.report_out import (
    BUNDLE_LEVEL_COLUMNS,
    CASE_COLUMNS,
    bundle_level_rows,
    case_rows,
    number_cell,
    overall_sentence,
    row_label,
)
from zjpaoyici.render.safe import html_text as esc

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:;"
    " font-src data:"
)
COLORS = {"province": "#1f6feb", "city": "#2da44e", "county": "#bf8700", "township": "#8250df"}

STYLE = """
body{font-family:"ZJ Noto Sans SC","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:2rem auto;max-width:72rem;color:#1f2328;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
.sub{color:#656d76;margin-top:0}.note{color:#656d76;font-size:.85rem}
.levels{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem}
.card{border:1px solid #d0d7de;border-radius:6px;padding:.75rem 1rem}
.card .big{font-size:2rem;font-weight:600}.card.fail{border-color:#cf222e}.card.ok{border-color:#2da44e}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{padding:.3rem .5rem;border-bottom:1px solid #eaeef2;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
th button{all:unset;cursor:pointer;font-weight:600}th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
.bar{display:inline-block;height:.7rem;background:#1f6feb;border-radius:2px;vertical-align:middle}
.meta{color:#656d76;font-size:.85rem}.verdict{font-weight:600}.card.ok .verdict{color:#1a7f37}.card.fail .verdict{color:#cf222e}
.scroll{overflow-x:auto}th{white-space:nowrap}svg{max-width:100%;height:auto}td.code,td small{white-space:nowrap}td small{color:#656d76;margin-left:.3rem}
table.drill{margin:.3rem 0 .3rem 1rem;width:auto}summary{cursor:pointer}
.leaders{background:#f6f8fa;border-left:4px solid #1f6feb;padding:.5rem 1rem}
@media (max-width:600px){body{margin:1rem auto}th,td{padding:.25rem .3rem;font-size:.8rem}.card .big{font-size:1.6rem}}
@media print{body{max-width:none;margin:0}h2,h3{break-after:avoid}.scroll{overflow:visible}thead{display:table-header-group}tr,.card{break-inside:avoid}th button{display:none}th[data-label]::before{content:attr(data-label)}}
"""

SCRIPT = """
(function () {
  function value(cell) {
    var v = cell.getAttribute('data-value');
    return v === null ? cell.textContent : v;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.querySelectorAll('thead th');
    heads.forEach(function (th, index) {
      var button = th.querySelector('button');
      if (!button) { return; }
      button.addEventListener('click', function () {
        var numeric = th.getAttribute('data-type') === 'number';
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        heads.forEach(function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = value(a.cells[index]), y = value(b.cells[index]);
          var c = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : String(x).localeCompare(String(y), 'zh');
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
"""


def _level_svg(report: Report, lang: Lang) -> str:
    """Horizontal bars per level with the target marked."""
    rows = list(report.coverage.levels.items())
    width, label_w, bar_w, row_h = 640, 150, 400, 34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{row_h * len(rows) + 10}"'
        f' viewBox="0 0 {width} {row_h * len(rows) + 10}" aria-label="{esc(t("report_levels", lang))}">'
    ]
    for i, (level, fig) in enumerate(rows):
        y = 5 + i * row_h
        value = level_share(fig, report.basis) or 0.0
        parts.append(
            f'<text x="0" y="{y + 18}" font-size="14">{esc(level_label(level, lang))}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="18" fill="#eaeef2"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w * value:.1f}" height="18" fill="{COLORS.get(level, "#57606a")}"/>'
        )
        target = report.targets.get(level)
        if target is not None:
            x = label_w + bar_w * target
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + 26}" stroke="#cf222e" stroke-width="2">'
                f"<title>{esc(target_percent(target))}</title></line>"
            )
        parts.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + 18}" font-size="14">{esc(percent(value if fig.mean_share is not None else None))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


MARKERS = {"province": "circle", "city": "square", "county": "triangle", "township": "diamond"}


def _marker(shape: str, x: float, y: float, color: str) -> str:
    """A point marker, a different shape per level so that overlapping lines stay apart."""
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{color}"/>'
    if shape in ("triangle", "diamond"):
        pts = (
            [(x, y - 5), (x + 5, y + 4), (x - 5, y + 4)]
            if shape == "triangle"
            else [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)]
        )
        coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
        return f'<polygon points="{coords}" fill="{color}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}"/>'


def _history_svg(report: Report, lang: Lang) -> str:
    """A line per level across the revisions: the y-axis spans the data and the targets
    (not 0–100 %, where a few points of change look flat), each level with its own marker
    and a label at its last point, each target a dashed line; revisions by tag or date."""
    points = report.history
    if len(points) < 1:
        return ""
    levels = [lv for lv in LEVELS if any(lv in h.levels for h in points)]
    values = [v for h in points for v in h.levels.values() if v is not None]
    values += [report.targets[lv] for lv in levels if lv in report.targets]
    if not values:
        return ""
    lo = max(0.0, math.floor(min(values) * 100 - 1) / 100)
    hi = min(1.0, math.ceil(max(values) * 100 + 1) / 100)
    width, height, left, top, bottom, right = 660, 260, 50, 10, 48, 150
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(points) - 1, 1)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - lo) / (hi - lo))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-label="{esc(t("report_history", lang))}">'
    ]
    for k in range(5):
        value = lo + (hi - lo) * k / 4
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eaeef2"/>'
        )
        parts.append(f'<text x="0" y="{y + 4:.1f}" font-size="11">{percent(value)}</text>')
    for i, h in enumerate(points):
        parts.append(
            f'<text x="{left + i * step:.1f}" y="{height - 30}" font-size="10" text-anchor="middle">'
            f"{esc((h.label or h.rev)[:16])}<title>{esc(h.commit[:12])} {esc(h.date[:10])}</title></text>"
        )
    for level in levels:
        color = COLORS.get(level, "#57606a")
        target = report.targets.get(level)
        if target is not None:
            y = y_of(target)
            label = t(
                "html_target_of",
                lang,
                level=level_label(level, lang),
                target=target_percent(target),
            )
            parts.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{color}"'
                f' stroke-dasharray="4 3" stroke-width="1"><title>{esc(label)}</title></line>'
            )
        known = [
            (i, h.levels[level]) for i, h in enumerate(points) if h.levels.get(level) is not None
        ]
        xy = [(left + i * step, y_of(v or 0.0)) for i, v in known]
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{coords}"/>')
        parts += [_marker(MARKERS.get(level, "circle"), x, y, color) for x, y in xy]
        if xy:
            x, y = xy[-1]
            parts.append(
                f'<text x="{x + 8:.1f}" y="{y + 4:.1f}" font-size="12" fill="{color}">'
                f"{esc(level_label(level, lang))} {esc(percent(known[-1][1]))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def sort_head(label: str, numeric: bool) -> str:
    kind = "number" if numeric else "text"
    cls = ' class="n"' if numeric else ""
    # print shows the label from data-label: Chromium leaves a button's text out of the
    # header it repeats on every printed page
    return (
        f'<th data-type="{kind}" data-label="{esc(label)}"{cls}>'
        f'<button type="button">{esc(label)}</button></th>'
    )


def _tally_cells(tally: Tally) -> str:
    share = tally.share
    width = 0 if share is None else round(share * 80)
    return (
        f'<td class="n" data-value="{tally.total}">{tally.total}</td>'
        f'<td class="n" data-value="{tally.met}">{tally.met}</td>'
        f'<td class="n" data-value="{number_cell(share)}">{esc(percent(share))} <span class="bar" style="width:{width}px"></span></td>'
        f'<td class="n" data-value="{number_cell(tally.zero_share)}">{esc(percent(tally.zero_share))}</td>'
        f'<td class="n" data-value="{tally.unknown}">{tally.unknown}</td>'
    )


def region_page_name(code: str) -> str:
    """The file of a region's page beside the index (``report --format html -o DIR``)."""
    return f"region-{code}.html"


def _group_table(
    report: Report, by: GroupBy, lang: Lang, table_id: str, links: bool = False
) -> str:
    heads = [sort_head(t("rh_name", lang), False)]
    if by == "region":
        heads.append(sort_head(t("rh_level", lang), False))
    heads += [
        sort_head(t(k, lang), True)
        for k in ("rh_units", "rh_met", "rh_share", "rh_zero", "rh_unknown")
    ]
    body = []
    for row in report.rows(by):
        label = esc(row_label(row, by, lang))
        if links and by == "region":
            label = f'<a href="{esc(region_page_name(row.key))}">{label}</a>'
        cells = f"<td>{label}</td>"
        if by == "region":
            level = row.level if row.level in ("", *LEVELS) else "unknown"
            cells += f"<td>{esc(level_label(level, lang))}</td>"
        body.append(f"<tr>{cells}{_tally_cells(row.tally)}</tr>")
    return (
        f'<div class="scroll"><table class="sortable" id="{table_id}"><thead><tr>{"".join(heads)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _bundle_section(report: Report, lang: Lang) -> list[str]:
    b = report.coverage.bundles
    if not b.rows:
        return []
    level_rows = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i else ''}>{esc(cell)}</td>" for i, cell in enumerate(row))
        + "</tr>"
        for row in bundle_level_rows(report, lang)
    )
    heads = "".join(f"<th>{esc(t(k, lang))}</th>" for k in BUNDLE_LEVEL_COLUMNS)
    list_heads = "".join(
        sort_head(t(k, lang), k in ("rh_visits", "rh_regions"))
        for k in ("md_code", "md_name", "rh_stage", "rh_department", "rh_visits", "rh_regions")
    )
    list_rows = "".join(
        f"<tr><td>{esc(r.code)}</td><td>{esc(r.name)}</td><td>{esc(r.stage)}</td><td>{esc(r.lead_department)}</td>"
        f'<td class="n" data-value="{r.visits if r.visits is not None else ""}">{r.visits if r.visits is not None else "—"}</td>'
        f'<td class="n" data-value="{r.regions}">{r.regions}</td></tr>'
        for r in b.rows.values()
    )
    return [
        f"<h2>{esc(t('report_bundles_title', lang, count=len(b.rows)))}</h2>",
        f"<h3>{esc(t('html_bundle_levels', lang))}</h3>",
        f'<div class="scroll"><table id="bundle-levels"><thead><tr>{heads}</tr></thead><tbody>{level_rows}</tbody></table></div>',
        f"<h3>{esc(t('report_bundle_list', lang))}</h3>",
        f'<div class="scroll"><table class="sortable" id="bundles"><thead><tr>{list_heads}</tr></thead><tbody>{list_rows}</tbody></table></div>',
    ]


def _verdict_key(check: LevelCheck | None) -> str:
    if check is None:
        return "html_no_target"
    return "html_pass" if check.ok else "html_fail"


def _meta(report: Report, lang: Lang) -> str:
    """When, from which revision, and how the figures were made, in words."""
    return t(
        "html_meta",
        lang,
        date=report.made_on,
        revision=report.revision or t("html_no_revision", lang),
        unit=t(f"unit_{report.unit}", lang),
        basis=t(f"html_basis_{report.basis}", lang),
    )


def _leaders(report: Report, lang: Lang) -> list[str]:
    """A paragraph to read out: per level, how many regions meet the target, and which do
    not (the first ten by name)."""
    verdicts = report.region_verdicts()
    lines = []
    for level in LEVELS:
        here = [v for v in verdicts if v.level == level]
        if not here:
            continue
        ok = sum(1 for v in here if v.ok)
        line = t(
            "html_leaders",
            lang,
            level=level_label(level, lang),
            total=len(here),
            ok=ok,
            target=target_percent(here[0].target),
        )
        below = [v.name for v in here if not v.ok]
        if below:
            names = t("list_sep", lang).join(below[:10])
            if len(below) > 10:
                names += t("html_more", lang, count=len(below))
            line += t("html_leaders_below", lang, names=names)
        lines.append(esc(line))
    if not lines:
        return []
    return [
        f"<h2>{esc(t('html_summary', lang))}</h2>",
        f'<p class="leaders">{"<br>".join(lines)}</p>',
    ]


def _page(title: str, lang: Lang, body: list[str]) -> str:
    """A whole offline page: the same head, CSP, style and script for every page."""
    html_lang = {"zh": "zh-CN", "en": "en"}[lang]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html_lang}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        *body,
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]
    page = "\n".join(parts) + "\n"
    # the embedded font holds exactly the page's characters (STYLE names its family first)
    return page.replace("</style>", f"{font_face(page)}</style>", 1)


def _department_section(report: Report, lang: Lang) -> list[str]:
    """The basic catalogue's departments across regions, highest share first, each
    opening onto its regions."""
    heads = "".join(
        f"<th{' class=n' if k != 'rh_name' else ''}>{esc(t(k, lang))}</th>"
        for k in (
            "rh_name",
            "rh_regions",
            "rh_units",
            "rh_met",
            "rh_share",
            "rh_zero",
            "rh_unknown",
        )
    )
    rows = []
    for d in report.department_rows():
        inner = "".join(
            f"<tr><td>{esc(name)}<small>{esc(code)}</small></td>{_tally_cells(tally)}</tr>"
            for code, name, tally in d.regions
        )
        rows.append(
            f"<tr><td><details><summary>{esc(d.name)}</summary>"
            f'<table class="drill"><tbody>{inner}</tbody></table></details></td>'
            f'<td class="n">{len(d.regions)}</td>{_tally_cells(d.tally)}</tr>'
        )
    return [
        f"<h2>{esc(t('report_by_catalogue_department', lang))}</h2>",
        f'<p class="note">{esc(t("report_catalogue_department_note", lang))}</p>',
        f'<div class="scroll"><table id="departments"><thead><tr>{heads}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>",
    ]


def render_region_html(card: RegionCard, report: Report, lang: Lang, index: str | None) -> str:
    """One region's page; ``index``: the report page to link back to."""
    back = [f'<p><a href="{esc(index)}">{esc(t("region_back", lang))}</a></p>'] if index else []
    return _page(
        region_out.title(card, report, lang),
        lang,
        [
            *back,
            f'<p class="meta">{esc(_meta(report, lang))}</p>',
            *region_out.html_body(card, report, lang),
        ],
    )


def render_html(report: Report, lang: Lang, links: bool = False) -> str:
    """The report page (``links``: each region links to its page beside it)."""
    cov = report.coverage
    checks = {c.level: c for c in report.level_verdicts()}
    cards = []
    for level, fig in cov.levels.items():
        check = checks.get(level)
        cls = "" if check is None else (" ok" if check.ok else " fail")
        target = report.targets.get(level)
        cards.append(
            f'<div class="card{cls}" data-level="{level}"><div>{esc(level_label(level, lang))}</div>'
            f'<div class="big">{esc(percent(level_share(fig, report.basis)))}</div>'
            f'<div class="verdict">{esc(t(_verdict_key(check), lang))}</div>'
            f'<div class="note">{esc(t("html_card", lang, count=f"{fig.mean_count:.0f}" if fig.mean_count is not None else "—", regions=fig.regions, pooled=percent(fig.pooled.share), target=target_percent(target)))}</div></div>'
        )
    multi_rows = "".join(
        f"<tr><td>{esc(cov.region_names.get(u.region, u.region))}<small>{esc(u.region)}</small></td><td class=code>{esc(u.code)}</td><td>{esc(u.name)}</td><td>{esc(u.department)}</td>"
        f'<td class="n" data-value="{u.visits}">{u.visits}</td><td>{esc(u.onsite_reason or "—")}</td></tr>'
        for u in cov.multi_visit
    )
    multi_heads = "".join(
        sort_head(t(k, lang), k == "rh_visits")
        for k in ("md_region", "md_code", "md_name", "rh_department", "rh_visits", "rh_reason")
    )
    history = _history_svg(report, lang)
    overall = overall_sentence(cov.overall, lang)
    title = t("report_title", lang, name=report.name, unit=t(f"unit_{report.unit}", lang))
    parts = [
        f'<p class="meta">{esc(_meta(report, lang))}</p>',
        f'<p class="sub">{esc(overall)}</p>',
        *_leaders(report, lang),
        f"<h2>{esc(t('report_levels', lang))}</h2>",
        f'<div class="levels">{"".join(cards)}</div>',
        f'<div id="level-chart">{_level_svg(report, lang)}</div>',
        f'<p class="note">{esc(t("html_legend", lang, basis=t(f"html_basis_{report.basis}", lang)))}</p>',
        f'<p class="note">{esc(t("report_basis_note", lang))}</p>',
    ]
    if report.cases:
        heads = "".join(f"<th>{esc(t(c, lang))}</th>" for c in CASE_COLUMNS)
        rows = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>"
            for cells in case_rows(report, lang)
        )
        parts += [
            f"<h2>{esc(t('report_cases', lang))}</h2>",
            f'<table id="case-volume"><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>',
        ]
    if history:
        parts += [
            f"<h2>{esc(t('report_history', lang))}</h2>",
            f'<div id="history-chart">{history}</div>',
        ]
    parts += [
        f"<h2>{esc(t('report_by_region', lang))}</h2>",
        _group_table(report, "region", lang, "regions", links),
        *_department_section(report, lang),
        f"<h2>{esc(t('report_by_type', lang))}</h2>",
        _group_table(report, "type", lang, "types"),
        *_bundle_section(report, lang),
        f"<h2>{esc(t('report_multi_title', lang))} ({len(cov.multi_visit)})</h2>",
        f'<div class="scroll"><table class="sortable" id="multi-visit"><thead><tr>{multi_heads}</tr></thead><tbody>{multi_rows}</tbody></table></div>',
    ]
    return _page(title, lang, parts)
