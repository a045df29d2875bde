"""The store: init, atomic publish, failed writes, and readers that follow new versions."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tracker.core import settings, store

ROOT = Path(__file__).resolve().parents[1]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_init_holds_the_reference_geography_and_no_statistics(store_path):
    con = duckdb.connect(str(store_path), read_only=True)
    levels = dict(con.execute("select level, count(*) from region group by level").fetchall())
    assert levels == {"province": 2, "city": 24, "county": 204, "township": 3254, "village": 44038}
    committees = dict(con.execute(
        "select province_code, count(*) from region where kind = 'village_committee' group by 1").fetchall())
    assert committees == {"32": 13_263, "36": 16_884}
    assert con.execute("select count(*) from boundary where level = 'county'").fetchone()[0] == 195
    for table in ("observation", "batch", "rejected_row"):
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == 0, table
    # only the members the catalogue lists itself: 12 key counties, 5 northern cities, 11 Ganzhou counties
    assert con.execute("select count(*) from group_member where batch_id is null").fetchone()[0] == 28
    row = con.execute("select city_code, county_code, township_code from region where code = '361127101213'").fetchone()
    assert row == ("3611", "361127", "361127101")
    assert store.read_meta(con)["schema_version"] == store.SCHEMA_VERSION


def test_cli_init_prints_counts(tmp_path):
    db = tmp_path / "x.duckdb"
    out = subprocess.run([sys.executable, "-m", "etl", "init", "--db", str(db)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert f"store published at {db}" in out
    assert "village    44,038" in out
    assert db.exists()


def test_tracker_db_overrides_the_default_path(monkeypatch, tmp_path):
    # the environment is read into one typed model; an empty variable counts as unset
    monkeypatch.setenv("TRACKER_DB", "")
    assert settings.Settings().db == ROOT / "data" / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "y.duckdb"))
    monkeypatch.setenv("TRACKER_DUCKDB_THREADS", "1")
    read = settings.Settings()
    assert (read.db, read.duckdb_threads, read.temp_directory) == (tmp_path / "y.duckdb", 1, tmp_path / ".duckdb-tmp")
    assert read.given("db") and not read.given("users")
    with settings.use(read):
        assert settings.current().db == tmp_path / "y.duckdb"
        with settings.use(duckdb_memory="2GB"):
            assert (settings.current().db, settings.current().duckdb_memory) == (tmp_path / "y.duckdb", "2GB")
    assert settings.current() is not read


@pytest.fixture
def small_store(tmp_path) -> Path:
    path = tmp_path / "s.duckdb"
    with store.writing(path, fresh=True) as con:
        con.execute("insert into store_meta values ('marker', 'one')")
    return path


def test_failed_write_leaves_the_published_file_unchanged(small_store):
    before = _sha(small_store)
    with pytest.raises(RuntimeError, match="half way"):
        with store.writing(small_store) as con:
            con.execute("update store_meta set value = 'two' where key = 'marker'")
            raise RuntimeError("half way")
    assert _sha(small_store) == before
    assert [p.name for p in small_store.parent.iterdir() if p.name.startswith(".building-")] == []


def test_a_killed_writers_leftovers_are_removed_by_the_next_write(small_store):
    leftover = small_store.with_name(f".building-{small_store.name}.99999")
    leftover.write_bytes(b"half a database")
    with store.writing(small_store) as con:
        con.execute("update store_meta set value = 'two' where key = 'marker'")
    assert not leftover.exists()
    con = duckdb.connect(str(small_store), read_only=True)
    assert store.read_meta(con)["marker"] == "two"


def test_a_killed_write_process_leaves_the_published_file_unchanged(small_store):
    before = _sha(small_store)
    script = (
        "import os, sys; from tracker.core import store\n"
        f"with store.writing(__import__('pathlib').Path({str(small_store)!r})) as con:\n"
        "    con.execute(\"update store_meta set value = 'killed' where key = 'marker'\")\n"
        "    os._exit(9)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT)
    assert result.returncode == 9
    assert _sha(small_store) == before


def test_reader_follows_a_publish_and_old_cursors_keep_working(small_store):
    reader = store.StoreReader(small_store)
    old = reader.cursor()
    version = reader.version
    assert store.read_meta(old)["marker"] == "one"

    with store.writing(small_store) as con:
        con.execute("update store_meta set value = 'two' where key = 'marker'")

    assert reader.version != version
    assert store.read_meta(reader.cursor())["marker"] == "two"
    assert store.read_meta(old)["marker"] == "one"  # a query under way sees its own version


def test_reader_cannot_write(small_store):
    cur = store.StoreReader(small_store).cursor()
    with pytest.raises(duckdb.Error, match="read-only"):
        cur.execute("insert into store_meta values ('x', 'y')")


def test_a_publish_can_happen_while_a_reader_holds_the_file(small_store):
    reader = store.StoreReader(small_store)
    cur = reader.cursor()
    with store.writing(small_store) as con:
        con.execute("insert into store_meta values ('later', 'yes')")
    assert store.read_meta(cur).get("later") is None
    assert store.read_meta(reader.cursor())["later"] == "yes"
    assert os.path.exists(small_store)


def test_an_older_store_has_its_current_values_marked_at_its_next_write(store_path, tmp_path):
    """A schema-4 store (no superseded column, the current values found by a window) brought up to date: two
    batches of the same village, year and measure; after the next write the second batch's value is the current
    one, the first's kept as history."""
    db = tmp_path / "old.duckdb"
    db.write_bytes(store_path.read_bytes())
    con = duckdb.connect(str(db))
    con.execute("alter table observation drop column superseded")
    con.execute("insert into observation values ('tap_water_rate', '361127100201', 2024, 80, 1, null, 2, 'v'), "
                "('tap_water_rate', '361127100201', 2024, 92, 2, null, 2, 'v'), "
                "('tap_water_rate', '361127100202', 2024, 70, 1, null, 3, 'v')")
    con.execute("create or replace view current_observation as select * from observation qualify row_number() "
                "over (partition by measure_id, region_code, year order by batch_id desc) = 1")
    con.execute("update store_meta set value = '4' where key = 'schema_version'")
    con.close()
    with store.writing(db):
        pass
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select region_code, value, batch_id from current_observation order by 1").fetchall() == [
        ("361127100201", 92.0, 2), ("361127100202", 70.0, 1)]
    assert con.execute("select value, superseded from observation order by batch_id, region_code").fetchall() == [
        (80.0, True), (70.0, False), (92.0, False)]
    assert store.read_meta(con)["schema_version"] == "5"
