"""Benchmark: the Parquet export of a store, and the assessment on Spark over it beside DuckDB's.

    python -m bench.bench_spark --db data/tracker.duckdb [--master local[2]] [--memory 6g]

Exports the store (tracker.core.export) into a temporary folder and reports its time and size; then runs
the assessment's SQL (tracker/core/sql/assess/) on Spark (tracker.core.spark_assess, local mode on this machine's cores unless
--master names a cluster) over the export, writes Spark's results as Parquet and compares them with the store's
own `assessment` row by row in DuckDB (every column; numbers to 1e-9). Needs requirements-spark.txt and Java 17.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from bench.record import Run
from tracker.core import export, spark_assess
from tracker.core.catalogue import load_catalogue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--memory", default="6g", help="the Spark driver's memory (local mode: all of Spark's)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    started = time.perf_counter()
    counts = export.write(args.db, folder / "export")
    size = sum(f.stat().st_size for f in (folder / "export").rglob("*.parquet"))
    print(f"export   {time.perf_counter() - started:6.1f} s  {size / 1e6:6.1f} MB  " +
          ", ".join(f"{name} {n:,}" for name, n in counts.items()), flush=True)

    started = time.perf_counter()
    spark = spark_assess.session(args.master, args.memory)
    print(f"spark    {time.perf_counter() - started:6.1f} s to start a session ({args.master}, {args.memory})",
          flush=True)
    started = time.perf_counter()
    spark_assess.assess(spark, folder / "export", load_catalogue()).write.parquet(str(folder / "spark"))
    took = time.perf_counter() - started
    spark.stop()

    con = duckdb.connect()
    con.execute("attach ? as s (read_only)", [str(args.db)])
    con.read_parquet(str(folder / "spark" / "*.parquet")).create_view("spark_result")
    rows = con.execute("select count(*) from spark_result").fetchall()[0][0]
    theirs = con.execute("select count(*) from s.assessment").fetchall()[0][0]
    differ = spark_assess.differences(con, "s.assessment", "spark_result")
    print(f"assess   {took:6.1f} s on Spark: {rows:,} rows, {differ:,} differing from DuckDB's ({theirs:,} rows)",
          flush=True)
    run = Run("spark", {"store": args.db.name, "master": args.master, "driver memory": args.memory})
    run.add("the assessment on Spark", took, "s")
    run.add("results", rows, "rows")
    run.add("results differing from DuckDB's", differ, "rows", "0")
    run.save()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
