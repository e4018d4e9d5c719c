"""The case-engine options ``cases`` and ``report --cases`` share (not a command)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.cli.common import note, progress, tr, usage_error
from zjpaoyici.i18n import Lang, Msg, t
from zjpaoyici.ops.cases.engines import ENGINES, EngineError, EngineName, Source, engine_for
from zjpaoyici.ops.cases.figures import CaseAnalysis, analyse
from zjpaoyici.ops.cases.mapping import CaseMapping
from zjpaoyici.rules.cases import Settings

EngineChoice = StrEnum("EngineChoice", [(name, name) for name in ENGINES])  # type: ignore[misc]
DEFAULT_ENGINE = EngineChoice("duckdb")
SparkMasterOption = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        metavar="URL",
        help=tr(
            "Spark master for the spark engine (default: local[2]).",
            "spark 集群地址（默认 local[2]，即本机两个核）。",
        ),
    ),
]


def run_cases(
    root: Path,
    spec: CaseMapping,
    paths: list[Source],
    engine: EngineName,
    master: str | None,
    settings: Settings,
    lang: Lang,
) -> CaseAnalysis:
    """The case analysis on ``engine``, with what was left out said on stderr (personal
    columns, files of another format, unreadable timestamps); an engine failure exits 2."""
    try:
        with progress(t("cases_progress", lang, engine=engine)):
            analysis = analyse(
                root, spec, paths, engine_for(engine, master), settings, engine_name=engine
            )
    except EngineError as exc:
        failed = Msg("cases_engine_failed", engine=engine, reason=exc.reason)
        raise usage_error(failed.get(lang)) from None
    if analysis.ignored_columns:
        note(t("cases_personal_ignored", lang, columns=", ".join(analysis.ignored_columns)))
    if analysis.skipped_files:
        skipped = [display_path(p.absolute()) for p in analysis.skipped_files[:5]]
        skipped += ["…"] if len(analysis.skipped_files) > 5 else []
        note(t("cases_files_skipped", lang, files=", ".join(skipped), format=spec.format))
    if analysis.overall.time_unread:
        note(t("cases_time_unread", lang, cases=f"{analysis.overall.time_unread:,}"))
    return analysis
