"""Every bench of a commit in one go, each writing its figures into bench/results/, then the performance page.

    python -m bench.all --db data/tracker.duckdb [--national /tmp/national.duckdb] [--skip-build]

Runs, one after another on an otherwise idle machine: the load (bench_load: its own files), the assessment
(bench_assess), the audit and a county's return (bench_audit), the pages' server renders and map payloads
(bench_pages) and the page switches in Chromium (bench_switch) on `--db`; with `--national`, the national store
(bench_national; `--skip-build` measures an existing one). Then `python -m tools.docs` writes docs/performance.md,
whose tables keep one row per run: commit the JSON files with the change they measure.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="the demo store (python -m etl demo)")
    parser.add_argument("--national", type=Path, help="a national store to build (or measure, --skip-build)")
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args(argv)
    db = str(args.db.resolve())
    benches = [["bench_load"], ["bench_assess", "--db", db], ["bench_audit", "--db", db], ["bench_pages", "--db", db],
               ["bench_switch", "--db", db]]
    if args.national:
        benches.append(["bench_national", "--db", str(args.national)] + (["--skip-build"] if args.skip_build else []))
    for name, *rest in benches:
        print(f"== {name}", flush=True)
        subprocess.run([sys.executable, "-m", f"bench.{name}", *rest], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "-m", "tools.docs"], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
