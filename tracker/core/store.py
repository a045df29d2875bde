"""The DuckDB store: where it lives, how it is written, and how readers follow new versions.

DuckDB allows one writing process or many read-only ones on a file, never both. So a write
never touches the published file: it copies it (or starts empty), writes the copy, and
publishes it by an atomic rename. Readers never see half a write; a failed or killed write
leaves the published file as it was (a killed one may leave a `.building-*` file beside it,
which the next write removes).

Readers attach the file read-only to an in-memory connection. DuckDB caches database
instances by path, so a plain `connect(path)` after a rename can return the old data; a new
in-memory connection per file version does not. A new version is noticed by the file's
inode and modification time, and old cursors keep working until their queries end.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from tracker.core import export, settings

SCHEMA_VERSION = "5"
BUILDING_PREFIX = ".building-"


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of a file (a return, the catalogue), read in chunks."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# a current value of an earlier batch, with its code and year in a range
EARLIER = "o.batch_id < ? and not o.superseded and o.region_code between ? and ? and o.year between ? and ?"


def holds_current(con: duckdb.DuckDBPyConnection, lo: str | None, hi: str | None, first: int | None,
                  last: int | None, before_batch: int = 2**31 - 1) -> bool:
    """Whether the store has a current value (of a batch before `before_batch`) with a code in lo..hi and a year in
    first..last: when it has none, nothing a new batch brings there replaces anything (a first load, a new year's)
    and the comparisons can be skipped. False for an empty range (lo None)."""
    return lo is not None and con.execute("select exists (select 1 from observation as o where " + EARLIER + ")",
                                          [before_batch, lo, hi, first, last]).fetchall()[0][0]


def supersede(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Mark the values a new batch replaces: the same measure, region and year from an earlier batch. Only the
    range of codes and years the batch brings is read (a province's file in a store of every province skips the
    others'), and nothing is matched when no earlier value lies in that range."""
    lo, hi, first, last = con.execute(
        "select min(region_code), max(region_code), min(year), max(year) from observation where batch_id = ?",
        [batch_id]).fetchall()[0]
    if not holds_current(con, lo, hi, first, last, batch_id):
        return
    ranges = [batch_id, lo, hi, first, last]
    con.execute("""
        update observation as o set superseded = true
        from (select measure_id, region_code, year from observation where batch_id = ?) as n
        where o.measure_id = n.measure_id and o.region_code = n.region_code and o.year = n.year
          and """ + EARLIER, [batch_id, *ranges])


SETTLE = """
    update observation as o set superseded = o.batch_id <> l.latest
    from (select v.measure_id, v.region_code, v.year, max(v.batch_id) as latest from observation as v
          {only} group by all) as l
    where o.measure_id = l.measure_id and o.region_code = l.region_code and o.year = l.year
      and o.superseded is distinct from (o.batch_id <> l.latest)"""


def settle_current(con: duckdb.DuckDBPyConnection, keys: str | None = None) -> None:
    """Mark again which version of each value is current (the latest batch's): of every value, or of the measures,
    regions and years in the temp table `keys` (after values were taken out of the store)."""
    if keys is None:
        con.execute(SETTLE.replace("{only}", ""))
        return
    if not keys.isidentifier():
        raise ValueError(f"not a table name: {keys!r}")
    con.execute(SETTLE.replace("{only}", "semi join " + keys + " as k on k.measure_id = v.measure_id "
                               "and k.region_code = v.region_code and k.year = v.year"))


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of the store in an empty database."""
    con.execute(settings.sql_text("tracker.core", "schema.sql"))
    audit_schema(con)
    con.execute("insert into store_meta values ('schema_version', ?)", [SCHEMA_VERSION])


def audit_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The 数据审核 tables and the views of the values that count (new stores and older ones alike), and the
    sequence that numbers findings, started after an older store's last finding."""
    con.execute(settings.sql_text("tracker.core", "audit_schema.sql"))
    if not con.execute("select count(*) from duckdb_sequences() where sequence_name = 'finding_id_seq' "
                       "and database_name = current_database()").fetchall()[0][0]:
        start = int(con.execute("select coalesce(max(finding_id), 0) + 1 from finding").fetchall()[0][0])
        con.execute("create sequence finding_id_seq start with " + str(start))


@contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """One writer at a time for a file (the store, a province's catalogue file), across processes: a lock on
    `<name>.lock` beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def writing(path: Path, *, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection to a copy of the store, published by atomic rename on success.

    fresh=True starts from an empty file with the schema instead of a copy of the published
    store. Any exception inside the block discards the copy and re-raises: the published file
    is left exactly as it was.
    """
    path = Path(path)
    with write_lock(path):
        for stale in path.parent.glob(BUILDING_PREFIX + path.name + "*"):
            stale.unlink()  # left by a killed write; we hold the lock, so no writer owns it
        staging = path.with_name(f"{BUILDING_PREFIX}{path.name}.{os.getpid()}")
        if not fresh and path.exists():
            shutil.copyfile(path, staging)
        con = settings.connect(str(staging))
        try:
            con.execute("set enable_progress_bar = false")  # it would print into the CLI's output
            if fresh or not path.exists():
                create_schema(con)
            else:
                version = int(read_meta(con).get("schema_version", "0"))
                con.execute(settings.sql_text("tracker.core", "migrate.sql"))  # an older store: brought up to date
                audit_schema(con)
                if version < 5:
                    settle_current(con)  # its values' versions, marked once
            yield con
            con.execute("checkpoint")
            con.close()
            with open(staging, "rb") as f:
                os.fsync(f.fileno())
            os.replace(staging, path)
        except BaseException:
            con.close()
            staging.unlink(missing_ok=True)
            Path(str(staging) + ".wal").unlink(missing_ok=True)
            raise
        export.after_publish(path)  # still under the lock: exports follow the publishes in order


class StoreReader:
    """Read-only access to the published store that follows each new version.

    One instance serves a whole process (the app caches it); `cursor()` gives each query its
    own cursor, which is what DuckDB needs across threads.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._version: str | None = None
        self._con: duckdb.DuckDBPyConnection | None = None

    def _file_version(self) -> str:
        stat = os.stat(self.path)
        return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"

    @property
    def version(self) -> str:
        """An id of the published file's current version; changes with every publish."""
        return self._file_version()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            current = self._file_version()
            if current != self._version or self._con is None:
                con = settings.connect()
                con.execute("attach ? as store (read_only)", [str(self.path)])
                con.execute("attach ':memory:' as scoped")
                text = "\n".join(line for line in settings.sql_text("tracker.core", "scoped.sql").splitlines() if not line.startswith("--"))
                for statement in filter(str.strip, text.split(";")):
                    try:
                        con.execute(statement)
                    except duckdb.CatalogException:
                        pass  # a store from before a table existed (no assessment yet) has no view of it
                # The old connection is dropped, not closed: cursors still running on it finish.
                self._con, self._version = con, current
            return self._con

    def cursor(self, scope: str | None = None, user: str | None = None) -> duckdb.DuckDBPyConnection:
        """A cursor on the newest published version. With a `scope` (a region code, or '' for all), its
        default catalog holds only the rows inside that region (tracker/core/sql/scoped.sql), and the rejected
        rows of `user`'s own batches that name no region; without one, the whole store (the command line and
        the app's own checks)."""
        cur = self._connection().cursor()
        if scope is None:
            cur.execute("use store")
            return cur
        if not (scope == "" or scope.isdigit()):  # a guard, not an assert: `python -O` would drop it
            raise ValueError(f"a scope is a region code, not {scope!r}")
        cur.execute("set variable scope = ?", [scope])
        cur.execute("set variable user = ?", [user])
        cur.execute("use scoped")
        return cur


def read_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The store_meta table as a dict."""
    return dict(con.execute("select key, value from store_meta").fetchall())


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds the generated demo data (pages then show a 演示数据 badge)."""
    return read_meta(con).get("demo") == "true"


def region_codes(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every region code in the store (what the catalogue's codes are checked against)."""
    return {r[0] for r in con.execute("select code from region").fetchall()}
