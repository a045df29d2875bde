"""The published store as Hive-partitioned Parquet, the form Spark, Trino and DuckDB all read.

    <folder>/observation/province=36/year=2024/data_0.parquet   the values that count (counted_observation),
                                                                 with their batch, sheet, row and column
    <folder>/assessment/province=36/year=2024/data_0.parquet    every result of the assessment
    <folder>/region/province=36/data_0.parquet                  the reference geography the assessment reads
    <folder>/group_member/data_0.parquet                        the named populations (重点村, 样板村 …)

Written after each publish when $TRACKER_EXPORT names a folder (settings.current().export), or on demand by
`python -m etl export`. The new export is written beside the folder and put in its place by renames, so a
reader sees the previous export or the new one whole, never a half-written one.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from tracker.core import settings

# what is written: (dataset, query, partition columns); constant queries over the attached store `s`
DATASETS = (
    ("observation", "select o.*, left(o.region_code, 2) as province from s.counted_observation o",
     ("province", "year")),
    ("assessment", "select a.*, left(a.region_code, 2) as province from s.assessment a", ("province", "year")),
    ("region", "select r.*, r.province_code as province from s.region r", ("province",)),
    ("group_member", "select * from s.group_member", ()),
)


def write(store_path: Path, folder: Path) -> dict[str, int]:
    """Export the published store at `store_path` into `folder` (replaced whole); rows written per dataset."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = folder.with_name(f".{folder.name}.building.{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    con = settings.connect()
    counts = {}
    try:
        con.execute("attach ? as s (read_only)", [str(store_path)])
        for name, query, partitions in DATASETS:
            rows = con.sql(query)
            if partitions:
                rows.write_parquet(str(building / name), compression="zstd", partition_by=list(partitions))
            else:
                (building / name).mkdir()
                rows.write_parquet(str(building / name / "data_0.parquet"), compression="zstd")
            # counted from the files' own metadata: the query (counted_observation's window) runs once
            counts[name] = con.execute("select sum(num_rows) from parquet_file_metadata(?)",
                                       [str(building / name / "**" / "*.parquet")]).fetchall()[0][0] or 0
    except BaseException:
        con.close()
        shutil.rmtree(building, ignore_errors=True)
        raise
    con.close()
    old = folder.with_name(f".{folder.name}.old.{os.getpid()}")
    if folder.exists():
        os.replace(folder, old)
    os.replace(building, folder)
    shutil.rmtree(old, ignore_errors=True)
    return counts


def after_publish(store_path: Path) -> dict[str, int] | None:
    """The export of a store just published, when $TRACKER_EXPORT asks for one (None otherwise). The publish has
    happened whatever befalls the export: a failure is logged with its reason and the previous export stays."""
    folder = settings.current().export
    if not folder:
        return None
    try:
        return write(store_path, folder)
    except Exception:
        logging.getLogger(__name__).exception("%s: the Parquet export to %s failed; the store is published", store_path,
                                              folder)
        return None
