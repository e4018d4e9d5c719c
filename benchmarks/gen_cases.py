#!/usr/bin/env python3
"""Generate case records (办件) for a catalogue, deterministically, with planted truths.

Every entry of the catalogue gets cases in a fixed pattern (no random numbers), so the
figures ``zjpaoyici cases`` must find are known exactly and written beside the records
(``truth.json``):

* every 11th entry has no case at all (K005);
* every 7th entry that promises at most one visit has 30 % of its cases needing two
  visits (K001); the others never exceed their promise;
* every 5th entry online at depth IV receives only window cases (K002); other depth-IV
  entries get 40 % computer and 30 % mobile cases;
* every 6th entry with a promised limit takes its limit + 3 working days in 60 % of its
  cases (K003); in every other entry one case in ten is one working day over the limit;
* three matter codes that the catalogue lacks get cases (K004);
* ratings cycle through the five 好差评 levels; elapsed times count working days on
  China's official calendar (2025, holidays and adjusted workdays included);
* the records carry an applicant name, ID number and phone column, which must never
  reach an output.

    python benchmarks/gen_cases.py CATALOGUE OUT [--records N] [--format csv|parquet|jsonl]
        [--seed-records N]

``--records`` above ``--seed-records`` (default 20,000) repeats the seed with new case
ids (through DuckDB, so ten million rows take seconds): every count scales exactly,
medians and shares stay the same; ``truth.json`` gives the seed's figures and the factor.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.catalogue.model import Entry
from zjpaoyici.catalogue.resolve import resolve_all
from zjpaoyici.ops.cases.calendar import calendar_rows

COLUMNS = [
    "办件编号",
    "区划代码",
    "事项编码",
    "实施主体",
    "受理时间",
    "办结时间",
    "申请渠道",
    "到现场次数",
    "办理结果",
    "评价",
    "申请人姓名",
    "身份证号",
    "联系电话",
]
RATINGS = ["非常满意", "满意", "满意", "基本满意", "非常满意", "不满意", "满意", "非常不满意"]
UNMATCHED = [
    ("330106", "许可-99901-001"),
    ("330100", "许可-99902-000"),
    ("330000", "公共-99903-000"),
]
MAPPING = """\
schema: zjpaoyici/cases-mapping/v1
name: 生成的办件数据（benchmarks/gen_cases.py）
source: {{format: {fmt}}}
fields:
  case_id: {{column: 办件编号}}
  region: {{column: 区划代码}}
  code: {{column: 事项编码}}
  agency: {{column: 实施主体}}
  received: {{column: 受理时间}}
  completed: {{column: 办结时间}}
  channel: {{column: 申请渠道}}
  visits: {{column: 到现场次数, unknown: [未知]}}
  outcome: {{column: 办理结果}}
  rating: {{column: 评价}}
"""

_WD: dict[dt.date, int] = {day: wd for day, wd, _ in calendar_rows()}
# the first calendar day with each working-day ordinal (that workday itself)
_FIRST: dict[int, dt.date] = {}
_prev = None
for _day, _wd, _ in calendar_rows():
    if _wd != _prev:
        _FIRST[_wd] = _day
        _prev = _wd


def add_working_days(day: dt.date, days: int) -> dt.date:
    """The day ``days`` working days after ``day`` (0: the same day)."""
    return day if days == 0 else _FIRST[_WD[day] + days]


def _cases_for(index: int) -> int:
    """How many seed cases entry ``index`` gets (0 for every 11th)."""
    return 0 if index % 11 == 10 else 20 + (index * 37) % 41


def plan(entries: list[Entry], total: int) -> list[int]:
    weights = [_cases_for(i) for i in range(len(entries))]
    scale = total / max(1, sum(weights))
    return [math.floor(w * scale) if w else 0 for w in weights]


def generate(cat_root: Path, total: int) -> tuple[list[list[Any]], dict[str, Any]]:
    """The seed rows and the truth record."""
    cat = load_catalogue(cat_root)
    entries = list(resolve_all(cat))
    pairs = Counter((e.region, e.code) for e in entries)
    unique = Counter((e.region, e.code, e.agency) for e in entries)
    counts = plan(entries, total)
    rows: list[list[Any]] = []
    truth: dict[str, Any] = {"entries": {}, "broken": [], "offline": [], "slow": [], "silent": []}
    promised_ones = depth_fours = limited = 0
    serial = 0
    start = dt.date(2025, 1, 2)
    for i, e in enumerate(entries):
        key = f"{e.region}|{e.code}|{e.agency}"
        if unique[(e.region, e.code, e.agency)] > 1:
            continue  # not identifiable from the records: leave it without cases
        n = counts[i]
        visits = e.visits
        broken = offline = slow = False
        if visits is not None and visits <= 1:
            promised_ones += 1
            broken = promised_ones % 7 == 0
        if e.facts.online_depth == 4:
            depth_fours += 1
            offline = depth_fours % 5 == 0
        limit = e.facts.promised_limit
        if limit is not None and limit.unit == "working":
            limited += 1
            slow = limited % 6 == 0
        if n == 0:
            truth["silent"].append(key)
            continue
        t = Counter()
        elapsed: list[int] = []
        for k in range(n):
            serial += 1
            received = start + dt.timedelta(days=(k * 7 + i) % 330)
            if visits is None:
                v: int | str = "未知" if k % 2 else 1
            elif broken and k % 10 < 3:
                v = 2
            elif visits == 0:
                v = 0 if k % 10 else 1 if not broken else 0
            else:
                v = visits if visits > 1 else (k % 2 if visits == 1 else 0)
            if offline:
                channel = "窗口"
            elif e.facts.online_depth == 4:
                channel = (
                    "电脑端",
                    "电脑端",
                    "电脑端",
                    "电脑端",
                    "移动端",
                    "移动端",
                    "移动端",
                    "窗口",
                    "自助终端",
                    "快递",
                )[k % 10]
            else:
                channel = ("窗口", "电脑端", "移动端", "窗口")[k % 4]
            outcome = "撤回" if k % 25 == 24 else "办结"
            if limit is not None and limit.unit == "working":
                days = (
                    limit.days + 3
                    if slow and k % 10 < 6
                    else (limit.days + 1 if k % 10 == 9 else min(limit.days, k % 3))
                )
            else:  # no limit, or one in natural days: kept the same day
                days = 0 if limit is not None else k % 4
            completed = add_working_days(received, days)
            rating = RATINGS[k % len(RATINGS)] if k % 3 else ""
            rows.append(
                [
                    f"BJ{serial:09d}",
                    e.region,
                    e.code,
                    e.agency,
                    f"{received.isoformat()} 09:{k % 60:02d}:00",
                    f"{completed.isoformat()} 16:30:00" if outcome == "办结" else "",
                    channel,
                    v,
                    outcome,
                    rating,
                    f"张{serial % 97}",
                    f"33010619900101{serial % 10000:04d}",
                    f"1380000{serial % 10000:04d}",
                ]
            )
            t["cases"] += 1
            if isinstance(v, int):
                t["visits_known"] += 1
                t["at_most_one"] += v <= 1
                t["zero"] += v == 0
                t["multi"] += v >= 2
            t["online"] += channel in ("电脑端", "移动端")
            t["mobile"] += channel == "移动端"
            t["rated"] += bool(rating)
            t["satisfied"] += rating in ("非常满意", "满意")
            if outcome == "办结":
                elapsed.append(days)
                if limit is not None and limit.unit == "working":
                    t["overdue"] += days > limit.days
        elapsed.sort()
        record = dict(t)
        record["median"] = elapsed[math.ceil(0.5 * len(elapsed)) - 1] if elapsed else None
        record["p90"] = elapsed[math.ceil(0.9 * len(elapsed)) - 1] if elapsed else None
        truth["entries"][key] = record
        if broken and t["visits_known"] >= 20 and t["multi"] / t["visits_known"] > 0.05:
            truth["broken"].append(key)
        if offline and t["cases"] >= 20:
            truth["offline"].append(key)
        if slow and len(elapsed) >= 20 and record["median"] > limit.days:  # type: ignore[union-attr]
            truth["slow"].append(key)
    truth["unmatched"] = {}
    for j, (region, code) in enumerate(UNMATCHED):
        for k in range(5 + j):
            serial += 1
            day = start + dt.timedelta(days=k)
            rows.append(
                [
                    f"BJ{serial:09d}",
                    region,
                    code,
                    "",
                    f"{day} 10:00:00",
                    f"{day} 11:00:00",
                    "窗口",
                    1,
                    "办结",
                    "",
                    "李四",
                    "330106199001010000",
                    "13800000000",
                ]
            )
        truth["unmatched"][f"{region} / {code}"] = 5 + j
    truth["records"] = len(rows)
    truth["duplicate_pairs"] = sum(1 for c in pairs.values() if c > 1)
    return rows, truth


def write(rows: list[list[Any]], out: Path, fmt: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        path = out / "cases.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            w.writerows(rows)
    elif fmt == "jsonl":
        path = out / "cases.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(dict(zip(COLUMNS, r, strict=True)), ensure_ascii=False) + "\n")
    else:  # Parquet through DuckDB, from the same rows as CSV
        import duckdb

        staged = write(rows, out / ".staging", "csv")
        path = out / "cases.parquet"
        con = duckdb.connect()
        con.execute(
            f"COPY (SELECT * FROM read_csv(?, all_varchar = true)) TO '{path}' (FORMAT parquet)",
            [str(staged)],
        )
        con.close()
        for leftover in sorted(staged.parent.iterdir()):
            leftover.unlink()
        staged.parent.rmdir()
    (out / "mapping.yaml").write_text(MAPPING.format(fmt=fmt), encoding="utf-8")
    return path


def repeat(seed: Path, out: Path, fmt: str, factor: int) -> Path:
    """The seed ``factor`` times over with new case ids, written by DuckDB."""
    import duckdb

    target = out / f"cases-x{factor}.{fmt}"
    reader = "read_csv(?, all_varchar = true)" if fmt == "csv" else "read_parquet(?)"
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    cols = ", ".join(f'"{c}"' for c in COLUMNS[1:])
    query = (
        f'SELECT "办件编号" || \'-\' || CAST(r.range AS VARCHAR) AS "办件编号", {cols} '
        f"FROM {reader} AS s, range({factor}) AS r"
    )
    option = "(FORMAT csv, HEADER)" if fmt == "csv" else "(FORMAT parquet, ROW_GROUP_SIZE 1000000)"
    con.execute(f"COPY ({query}) TO '{target}' {option}", [str(seed)])
    con.close()
    seed.unlink()
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalogue", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed-records", type=int, default=20_000)
    parser.add_argument("--format", choices=("csv", "parquet", "jsonl"), default="csv")
    args = parser.parse_args(argv)
    seed_total = min(args.records, args.seed_records)
    rows, truth = generate(args.catalogue, seed_total)
    path = write(rows, args.out, args.format)
    factor = max(1, args.records // max(1, len(rows)))
    if factor > 1:
        path = repeat(path, args.out, args.format, factor)
    truth["factor"] = factor
    (args.out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(f"{len(rows) * factor} records → {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
