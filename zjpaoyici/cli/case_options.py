"""The case-engine options ``cases`` and ``report --cases`` share (not a command)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from zjpaoyici.cli.common import tr
from zjpaoyici.ops.cases.engines import ENGINES

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
