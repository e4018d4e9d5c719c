"""Validation findings as JUnit XML: a test suite per file, a failing test case per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from zjpaoyici.findings import Severity
from zjpaoyici.i18n import Lang
from zjpaoyici.ops.validate import Result
from zjpaoyici.render.safe import one_line
from zjpaoyici.rules.ruleset import REGISTRY, hint_of, message_of, related_of


def render_junit(result: Result, lang: Lang) -> str:
    root = ET.Element("testsuites", name="zjpaoyici validate")
    total = failures = 0
    for file, group in groupby(result.findings, key=lambda fs: fs[0].loc.file):
        items = list(group)
        suite = ET.SubElement(
            root, "testsuite", name=one_line(file), tests=str(len(items)), failures=str(len(items))
        )
        for f, sev in items:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{f.rule} {REGISTRY[f.rule].name} {f.loc.line}:{f.loc.col}",
                classname=one_line(file),
                file=one_line(file),
                line=str(f.loc.line),
            )
            kind = "failure" if sev != Severity.INFO else "skipped"
            node = ET.SubElement(case, kind, message=one_line(message_of(f, lang)), type=sev.value)
            lines = [f"{f.loc}: {message_of(f, lang)}", hint_of(f, lang), *related_of(f, lang)]
            node.text = "\n".join(one_line(line) for line in lines)
        total += len(items)
        failures += len(items)
    if not result.findings:
        suite = ET.SubElement(
            root, "testsuite", name=one_line(result.name), tests="1", failures="0"
        )
        ET.SubElement(suite, "testcase", name="validate", classname=one_line(result.name))
        total = 1
    root.set("tests", str(total))
    root.set("failures", str(failures))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
