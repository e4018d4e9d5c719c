#!/usr/bin/env python3
"""Time ``zjpaoyici cases`` on generated records at scale (docs/performance.md).

Generates N million records for the bundled sample catalogue (benchmarks/gen_cases.py,
Parquet or CSV), then runs ``zjpaoyici cases --format json`` on them in a fresh process
and reports wall time and the process's peak memory (max RSS, children included).

    python benchmarks/run_cases.py OUT [--millions 10 40] [--format parquet|csv]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(out: Path, millions: int, fmt: str) -> dict[str, object]:
    folder = out / f"{fmt}-{millions}m"
    if not (folder / "truth.json").exists():
        gen = [sys.executable, str(REPO / "benchmarks" / "gen_cases.py"), str(REPO / "catalog")]
        gen += [str(folder), "--records", str(millions * 1_000_000), "--format", fmt]
        subprocess.run(gen, check=True)
    command = [sys.executable, "-m", "zjpaoyici", "cases", str(folder), str(REPO / "catalog")]
    command += ["-m", str(folder / "mapping.yaml"), "--format", "json", "-q"]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return {
        "format": fmt,
        "records": truth["records"] * truth["factor"],
        "seconds": round(seconds, 1),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "exit": os.waitstatus_to_exitcode(status),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--millions", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    args = parser.parse_args()
    for millions in args.millions:
        print(json.dumps(run(args.out, millions, args.format)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
