"""Validation findings as a rich terminal listing, grouped by file."""

from __future__ import annotations

from itertools import groupby

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from zjpaoyici.findings import Severity
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.validate import Result
from zjpaoyici.render.safe import one_line
from zjpaoyici.rules.ruleset import REGISTRY, hint_of, message_of, related_of

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(result: Result, console: Console, lang: Lang, show_suppressed: bool = False) -> None:
    """Print findings grouped by file, then the suppressed ones (when asked) and a one-line
    summary."""
    for file, group in groupby(result.findings, key=lambda fs: fs[0].loc.file):
        console.print(Text(one_line(file), style="bold underline"), soft_wrap=True)
        for finding, severity in group:
            rule = REGISTRY[finding.rule]
            line = Text("  ")
            # file:line:col at the start, so a terminal or editor can jump to it
            line.append(one_line(f"{file}:{finding.loc.line}:{finding.loc.col}") + " ")
            label = t(f"severity_{severity.value}", lang)  # padded to six terminal cells
            line.append(label + " " * (6 - cell_len(label)), style=_STYLE[severity])
            line.append(f" {finding.rule} ", style="bold")
            line.append(one_line(message_of(finding, lang)))
            line.append(f" [{rule.name}]", style="dim")
            console.print(line, soft_wrap=True)
            hint = hint_of(finding, lang)
            if hint:
                console.print(
                    Text(f"{' ' * 4}{t('hint', lang)}{one_line(hint)}", style="green"),
                    soft_wrap=True,
                )
            for rel in related_of(finding, lang):
                console.print(Text(f"{' ' * 4}{one_line(rel)}", style="dim"), soft_wrap=True)
        console.print()
    if result.suppressed and show_suppressed:
        console.print(
            Text(t("suppressed_header", lang, count=len(result.suppressed)), style="bold")
        )
        for item in result.suppressed:
            f = item.finding
            line = Text("  " + one_line(f"{f.loc.file}:{f.loc.line}:{f.loc.col}") + " ")
            line.append(f"{f.rule} ", style="bold")
            line.append(one_line(message_of(f, lang)))
            reason = (
                t("suppressed_by_baseline", lang) if item.kind == "external" else item.justification
            )
            line.append(" — " + one_line(reason), style="dim")
            console.print(line, soft_wrap=True)
        console.print()
    elif result.suppressed:
        console.print(Text(t("suppressed_count", lang, count=len(result.suppressed)), style="dim"))
    errors, warnings, infos = (result.count(s) for s in Severity)
    if result.findings:
        summary = t(
            "summary_findings",
            lang,
            name=result.name,
            files=result.files,
            errors=errors,
            warnings=warnings,
            infos=infos,
        )
        style = "bold red" if errors else "yellow"
    else:
        summary = t(
            "summary_clean",
            lang,
            name=result.name,
            files=result.files,
            matters=result.matters,
            entries=result.entries,
        )
        style = "bold green"
    console.print(Text(one_line(summary), style=style), soft_wrap=True)


def render_parsable(result: Result, lang: Lang) -> str:
    """One line per finding, ``path:line:col: RULE [severity] message`` (yamllint's
    ``parsable``, ruff's ``concise``): for editors, grep and problem matchers."""
    lines = []
    for finding, severity in result.findings:
        loc = finding.loc
        text = f"{loc.file}:{loc.line}:{loc.col}: {finding.rule} [{severity.value}] "
        lines.append(one_line(text + message_of(finding, lang)))
    return "".join(line + "\n" for line in lines)
