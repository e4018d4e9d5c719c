#!/usr/bin/env python3
"""Time ``zjpaoyici cases`` on generated records at scale (docs/performance.md).

Generates N million records for the bundled sample catalogue (benchmarks/gen_cases.py,
Parquet or CSV), then runs ``zjpaoyici cases --format json`` on them in a fresh process
and reports wall time and the peak memory of the whole process tree (Spark's JVM too);
with both engines, also whether their figures are identical.

    python benchmarks/run_cases.py OUT [--millions 10 40] [--format parquet|csv]
        [--engine duckdb spark]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from run import _tree_rss_kb  # noqa: E402


def run(out: Path, millions: int, fmt: str, engine: str) -> dict[str, object]:
    folder = out / f"{fmt}-{millions}m"
    if not (folder / "truth.json").exists():
        gen = [sys.executable, str(REPO / "benchmarks" / "gen_cases.py"), str(REPO / "catalog")]
        gen += [str(folder), "--records", str(millions * 1_000_000), "--format", fmt]
        subprocess.run(gen, check=True)
    result = folder / f"cases-{engine}.json"
    command = [sys.executable, "-m", "zjpaoyici", "cases", str(folder), str(REPO / "catalog")]
    command += ["-m", str(folder / "mapping.yaml"), "--format", "json", "-q"]
    command += ["--engine", engine, "-o", str(result)]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def watch() -> None:  # the whole process tree: Spark's JVM is a grandchild
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(child.pid))
            done.wait(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    code = child.wait()
    seconds = time.perf_counter() - start
    done.set()
    watcher.join()
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return {
        "format": fmt,
        "engine": engine,
        "records": truth["records"] * truth["factor"],
        "seconds": round(seconds, 1),
        "peak_mb": round(peak / 1024),
        "exit": code,
    }


def same_figures(out: Path, millions: int, fmt: str, engines: list[str]) -> bool:
    """Whether every engine gave the same JSON (but for the engine's name)."""
    folder = out / f"{fmt}-{millions}m"
    seen = []
    for engine in engines:
        data = json.loads((folder / f"cases-{engine}.json").read_text(encoding="utf-8"))
        data.pop("engine", None)
        seen.append(data)
    return all(d == seen[0] for d in seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--millions", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        nargs="+",
        default=["duckdb"],
        help="one or both; with both, also whether their figures are identical",
    )
    args = parser.parse_args()
    for millions in args.millions:
        for engine in args.engine:
            print(json.dumps(run(args.out, millions, args.format, engine)), flush=True)
        if len(args.engine) > 1:
            same = same_figures(args.out, millions, args.format, args.engine)
            print(json.dumps({"millions": millions, "identical_figures": same}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
