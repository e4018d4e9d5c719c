"""The analysis, written once as SQL in DuckDB's dialect, and the engines that run it.

DuckDB (the default) is embedded: it reads the files in place, spills to disk and uses
every core. Spark (``--engine spark``) runs the same statements, transpiled by SQLGlot,
in a local session or on a cluster. Both return plain rows; the statements aggregate
only, so the figures computed from them are the same whichever engine ran them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from zjpaoyici.i18n import Msg
from zjpaoyici.ops.cases.calendar import calendar_rows
from zjpaoyici.ops.cases.mapping import (
    CASE_FIELDS,
    ONLINE_CHANNELS,
    CaseField,
    CaseFormat,
    CaseMapping,
)

EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[EngineName, ...] = ("duckdb", "spark")
# The matter a case belongs to, as the records name it.
MATTER_KEYS = ("implementation_code", "region", "code", "agency")
_SUFFIX: dict[str, CaseFormat] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}


class EngineError(Exception):
    """The engine could not read the records or run the analysis: ``reason`` is the
    engine's own words, or a message when the records do not fit the mapping."""

    @property
    def reason(self) -> str | Msg:
        reason: str | Msg = self.args[0]
        return reason


def _check_columns(mapping: CaseMapping, columns: list[str]) -> None:
    """Every column the mapping names is in the records (else: which are not, and which
    the records have), said before any engine error about an unknown column."""
    missing = tuple(c for c in dict.fromkeys(mapping.columns()) if c not in columns)
    if missing:
        shown = tuple(columns[:30]) + (("…",) if len(columns) > 30 else ())
        raise EngineError(Msg("cases_columns_missing", missing=missing, columns=shown))


# Where records are: a local file or folder, or a URL the engine reads itself (a cluster's
# s3a://, hdfs:// or file:// path; a folder URL needs the mapping's source.format).
Source = Path | str


def source_of(arg: str) -> Source:
    """A command-line records argument: a URL stays as written, anything else is a path."""
    return arg if "://" in arg else Path(arg)


def _where(source: Source) -> str:
    return source if isinstance(source, str) else str(source.absolute())


def case_files(
    paths: Sequence[Source], fmt: CaseFormat | None
) -> tuple[CaseFormat, list[Source], list[Path]]:
    """The record files named (folders: every file of a known kind inside, sorted; URLs as
    given), their one format (the mapping's, else the files' suffix), and the files of
    another kind a folder held beside them (not read; the caller says so)."""
    files: list[Source] = []
    skipped: list[Path] = []
    for path in paths:
        if isinstance(path, Path) and path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix.lower() in _SUFFIX)
            files += [p for p in inside if fmt is None or _SUFFIX[p.suffix.lower()] == fmt]
            skipped += [p for p in inside if fmt is not None and _SUFFIX[p.suffix.lower()] != fmt]
        else:
            files.append(path)
    kinds = {_SUFFIX.get(Path(str(p)).suffix.lower()) for p in files}
    chosen = fmt or (kinds.pop() if len(kinds) == 1 else None)
    if chosen is None or not files:
        raise EngineError(
            f"cannot tell one format for {len(files)} file(s): {sorted(map(str, kinds))}"
        )
    return chosen, files, skipped


def _lit(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


_SQL_TYPES = {"text": "VARCHAR", "int": "BIGINT", "time": "DATE"}


def _expr(spec: CaseField | None, kind: str) -> str:
    """The SQL for one case field, null when not mapped, unknown or not in its value map.
    A null is typed (a mapping may leave out a timestamp, and ``YEAR(NULL)`` has no type)."""
    null = f"CAST(NULL AS {_SQL_TYPES[kind]})"
    if spec is None:
        return null
    if spec.column is None:
        return _lit(spec.constant) if spec.constant is not None else null
    raw = f'TRIM(CAST("{spec.column.replace(chr(34), chr(34) * 2)}" AS VARCHAR))'
    if spec.unknown:
        raw = f"CASE WHEN {raw} IN ({', '.join(map(_lit, sorted(spec.unknown)))}) THEN NULL ELSE {raw} END"
    if spec.values is not None:
        whens = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in spec.values.items())
        raw = f"CASE {raw} {whens} ELSE NULL END"
    if kind == "int":
        return f"TRY_CAST({raw} AS BIGINT)"
    if kind == "time":
        return _day(raw)
    return f"NULLIF({raw}, '')"


# The day of a timestamp: 2025-03-04, 2025/3/4, 2025.03.04 or 2025年3月4日 (a time may
# follow), or compact 20250304, 202503040912, 20250304091200. Anything else (epoch
# numbers, 03/04/2025) is unknown, never guessed. [0-9] and REGEXP_EXTRACT read the same
# in DuckDB and Spark.
_DAY_SEPARATED = "^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})([^0-9]|$)"
_DAY_COMPACT = "^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{4}([0-9]{2})?)?$"


def _day(raw: str) -> str:
    def parsed(pattern: str) -> str:
        y, m, d = (f"REGEXP_EXTRACT({raw}, {_lit(pattern)}, {i})" for i in (1, 2, 3))
        return f"TRY_CAST({y} || '-' || LPAD({m}, 2, '0') || '-' || LPAD({d}, 2, '0') AS DATE)"

    iso = (  # 2025-03-04, alone or before a time: no pattern needed (most records)
        f"SUBSTR({raw}, 5, 1) = '-' AND SUBSTR({raw}, 8, 1) = '-'"
        f" AND (LENGTH({raw}) = 10 OR SUBSTR({raw}, 11, 1) IN (' ', 'T'))"
    )
    slow = f"COALESCE({parsed(_DAY_SEPARATED)}, {parsed(_DAY_COMPACT)})"
    return f"CASE WHEN {iso} THEN TRY_CAST(SUBSTR({raw}, 1, 10) AS DATE) ELSE {slow} END"


def cases_view(mapping: CaseMapping) -> str:
    """The records as case fields (and nothing else: unmapped columns are never read),
    and whether a record gives a timestamp that cannot be read as a day."""
    cols = [
        f"{_expr(mapping.fields.get(name), kind)} AS {name}" for name, kind in CASE_FIELDS.items()
    ]
    given = [
        f"NULLIF({_expr(mapping.fields.get(name), 'text')}, '') IS NOT NULL"
        f" AND {_expr(mapping.fields.get(name), kind)} IS NULL"
        for name, kind in CASE_FIELDS.items()
        if kind == "time"
    ]
    return "SELECT " + ", ".join([*cols, f"({' OR '.join(given)}) AS time_unread"]) + " FROM src"


_KEYS = ", ".join(MATTER_KEYS)
_ONLINE = ", ".join(map(_lit, ONLINE_CHANNELS))
# Per matter: volume, visits, channels, outcomes, ratings, example case ids.
MATTERS_SQL = f"""
SELECT {_KEYS},
  COUNT(*) AS cases,
  COUNT(visits) AS visits_known,
  SUM(CASE WHEN visits <= 1 THEN 1 ELSE 0 END) AS at_most_one,
  SUM(CASE WHEN visits = 0 THEN 1 ELSE 0 END) AS zero,
  COUNT(channel) AS channel_known,
  SUM(CASE WHEN channel IN ({_ONLINE}) THEN 1 ELSE 0 END) AS online,
  SUM(CASE WHEN channel = 'mobile' THEN 1 ELSE 0 END) AS mobile,
  COUNT(rating) AS rated,
  SUM(CASE WHEN rating >= 4 THEN 1 ELSE 0 END) AS satisfied,
  SUM(CASE WHEN outcome = 'done' THEN 1 ELSE 0 END) AS done,
  COUNT(outcome) AS outcome_known,
  SUM(CASE WHEN time_unread THEN 1 ELSE 0 END) AS time_unread,
  MIN(COALESCE(received, completed)) AS first_day,
  MAX(COALESCE(received, completed)) AS last_day,
  MIN(case_id) AS first_id,
  MAX(case_id) AS last_id
FROM cases
GROUP BY {_KEYS}
"""
# Per matter: completed cases by elapsed working and natural days (null: a day the
# calendar does not cover; its year is given).
ELAPSED_SQL = f"""
SELECT {_KEYS},
  cc.wd - cr.wd AS working_days,
  cc.nd - cr.nd AS natural_days,
  CASE WHEN cr.wd IS NULL THEN YEAR(c.received) WHEN cc.wd IS NULL THEN YEAR(c.completed) END AS gap_year,
  COUNT(*) AS cases
FROM cases AS c
LEFT JOIN cal AS cr ON cr.day = c.received
LEFT JOIN cal AS cc ON cc.day = c.completed
WHERE c.received IS NOT NULL AND c.completed IS NOT NULL
  AND (c.outcome IS NULL OR c.outcome = 'done')
GROUP BY {_KEYS}, cc.wd - cr.wd, cc.nd - cr.nd,
  CASE WHEN cr.wd IS NULL THEN YEAR(c.received) WHEN cc.wd IS NULL THEN YEAR(c.completed) END
"""


@dataclass(slots=True)
class Rows:
    """What the analysis returns: the per-matter rows and the elapsed-time rows."""

    matters: list[tuple[Any, ...]]
    elapsed: list[tuple[Any, ...]]
    columns: list[str]


class Engine(Protocol):
    def run(self, mapping: CaseMapping, fmt: CaseFormat, files: list[Source]) -> Rows: ...


def _sorted(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted((tuple(r) for r in rows), key=lambda r: tuple((v is None, str(v)) for v in r))


class DuckEngine:
    """DuckDB, embedded; ``threads`` and ``memory`` bound it (None: DuckDB's defaults)."""

    def __init__(self, threads: int | None = None, memory: str | None = None) -> None:
        self.threads, self.memory = threads, memory

    def run(self, mapping: CaseMapping, fmt: CaseFormat, files: list[Source]) -> Rows:
        import duckdb

        con = duckdb.connect()
        try:
            if self.threads:
                con.execute(f"SET threads = {int(self.threads)}")
            if self.memory:
                con.execute(f"SET memory_limit = {_lit(self.memory)}")
            con.execute("SET preserve_insertion_order = false")
            # DuckDB draws its own bar on the terminal for long queries: the command's
            # progress line is the one shown
            con.execute("SET enable_progress_bar = false")
            names = "[" + ", ".join(_lit(_where(p)) for p in files) + "]"
            reader = {
                "csv": f"read_csv({names}, header = true, all_varchar = true, delim = {_lit(mapping.delimiter)})",
                "jsonl": f"read_json({names}, format = 'newline_delimited', union_by_name = true)",
                "parquet": f"read_parquet({names}, union_by_name = true)",
            }[fmt]
            con.execute(f"CREATE VIEW src AS SELECT * FROM {reader}")
            columns = [d[0] for d in con.execute("SELECT * FROM src LIMIT 0").description]
            _check_columns(mapping, columns)
            con.execute(f"CREATE VIEW cases AS {cases_view(mapping)}")
            days, wds, nds = zip(*calendar_rows(), strict=True)
            con.execute(
                "CREATE TABLE cal AS SELECT UNNEST(?::DATE[]) AS day,"
                " UNNEST(?::BIGINT[]) AS wd, UNNEST(?::BIGINT[]) AS nd",
                [list(days), list(wds), list(nds)],
            )
            matters = con.execute(MATTERS_SQL).fetchall()
            elapsed = con.execute(ELAPSED_SQL).fetchall()
        except duckdb.Error as exc:
            raise EngineError(str(exc).splitlines()[0]) from None
        finally:
            con.close()
        return Rows(_sorted(matters), _sorted(elapsed), columns)


class SparkEngine:
    """Apache Spark: the same statements, transpiled; ``master`` is ``local[N]`` or a
    cluster URL (``spark://host:7077``)."""

    def __init__(self, master: str = "local[2]") -> None:
        self.master = master

    def run(self, mapping: CaseMapping, fmt: CaseFormat, files: list[Source]) -> Rows:
        import sqlglot

        try:
            from pyspark.sql import SparkSession
            from pyspark.sql.types import DateType, LongType, StructField, StructType
        except ImportError:
            raise EngineError("pyspark: pip install 'zjpaoyici[spark]'") from None
        try:
            spark = (
                SparkSession.builder.master(self.master)
                .appName("zjpaoyici-cases")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate()
            )
        except Exception as exc:  # no Java, an unreachable master: the reason, not a trace
            raise EngineError(str(exc).splitlines()[0]) from None
        spark.sparkContext.setLogLevel("ERROR")
        paths = [_where(p) for p in files]
        if fmt == "csv":
            src = spark.read.csv(paths, header=True, sep=mapping.delimiter)
        elif fmt == "jsonl":
            src = spark.read.json(paths)
        else:
            src = spark.read.option("mergeSchema", "true").parquet(*paths)
        _check_columns(mapping, list(src.columns))
        src.createOrReplaceTempView("src")
        schema = StructType(
            [
                StructField("day", DateType()),
                StructField("wd", LongType()),
                StructField("nd", LongType()),
            ]
        )
        spark.createDataFrame(list(calendar_rows()), schema).createOrReplaceTempView("cal")

        def spark_sql(query: str) -> str:
            return str(sqlglot.transpile(query, read="duckdb", write="spark")[0])

        spark.sql(spark_sql(cases_view(mapping))).createOrReplaceTempView("cases")
        try:
            matters = [tuple(r) for r in spark.sql(spark_sql(MATTERS_SQL)).collect()]
            elapsed = [tuple(r) for r in spark.sql(spark_sql(ELAPSED_SQL)).collect()]
        except Exception as exc:  # py4j and Spark analysis errors: the reason, not a trace
            raise EngineError(str(exc).splitlines()[0]) from None
        return Rows(_sorted(matters), _sorted(elapsed), list(src.columns))


def engine_for(name: EngineName, master: str | None = None) -> Engine:
    return SparkEngine(master or "local[2]") if name == "spark" else DuckEngine()
