"""The store as Hive-partitioned Parquet (tracker.core.export): on demand (`etl export`) and after every publish
when $TRACKER_EXPORT names a folder; DuckDB reads the files back to the same rows."""

from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb

from tests.conftest import ROOT, WORLD, read_store
from tracker.core import export


def test_the_export_holds_the_stores_rows_partitioned_by_province_and_year(world, tmp_path):
    counts = export.write(world, tmp_path / "export")
    store = read_store(world)
    counted = store.execute("select count(*) from counted_observation").fetchall()[0][0]
    assessed = store.execute("select count(*) from assessment").fetchall()[0][0]
    assert counts == {"observation": counted, "assessment": assessed, "region": 16, "group_member": 4}
    years = sorted(p.name for p in (tmp_path / "export" / "observation" / "province=36").iterdir())
    assert years == ["year=2020", "year=2021", "year=2022", "year=2023"]
    con = duckdb.connect()
    con.execute("attach ? as s (read_only)", [str(world)])
    back = f"read_parquet('{tmp_path / 'export' / 'assessment'}/**/*.parquet', hive_partitioning = true)"
    # every result comes back as it was, the partition columns (year) included
    columns = ", ".join(c for (c,) in con.execute("select column_name from duckdb_columns() where database_name = 's' "
                                                 "and table_name = 'assessment' order by column_index").fetchall())
    differ = con.execute(f"""
        select count(*) from (
            (select {columns} from {back}) except all (select {columns} from s.assessment)
            union all
            ((select {columns} from s.assessment) except all (select {columns} from {back})))""").fetchall()
    assert differ == [(0,)] and assessed > 200
    gig = con.execute(f"""select value from read_parquet('{tmp_path / 'export' / 'observation'}/**/*.parquet',
                          hive_partitioning = true) where measure_id = 'water' and region_code = '361123100201'
                          and year = 2023""").fetchall()
    assert gig == [(96.0,)]  # values.csv: 甲一村's tap water in 2023


def test_each_publish_writes_the_export_when_asked(world, tmp_path):
    db = tmp_path / "world.duckdb"
    shutil.copyfile(world, db)
    folder = tmp_path / "lake"
    correction = tmp_path / "更正.csv"
    correction.write_text("区划代码,年份,指标,数值\n361123100201,2023,water,98\n", encoding="utf-8")
    env = {"TRACKER_EXPORT": str(folder), "TRACKER_CATALOGUE": str(WORLD / "catalogue.yaml"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "etl", "load", "--db", str(db), str(correction)], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    con = duckdb.connect()
    water = con.execute(f"""select value, batch_id from read_parquet('{folder / 'observation'}/**/*.parquet',
                            hive_partitioning = true) where measure_id = 'water' and region_code = '361123100201'
                            and year = 2023""").fetchall()
    assert water == [(98.0, 2)]  # the new value, from the second batch
    assert not list(tmp_path.glob(".lake.*"))  # nothing half-written left beside it
