"""Where numbers came from: the batches loaded, what each rejected, and the source of a value."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pandas as pd

from tracker.core.clock import beijing_column


def has_loaded_data(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any return has been loaded into the store (a batch exists)."""
    return con.execute("select exists (select 1 from batch)").fetchall()[0][0]


def batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every batch, newest first, with its counts."""
    return con.execute(
        """
        select batch_id, source_name, loaded_at, kind, rows_read, rows_loaded, rows_rejected,
               values_loaded, values_rejected, sha256
        from batch order by batch_id desc
        """
    ).df().pipe(lambda f: f.assign(loaded_at=beijing_column(f["loaded_at"])))


BATCH_REJECTS = """
    select * exclude (batch_id)  -- a store from before a column was added has what it has
    from rejected_row where batch_id = $batch order by sheet nulls first, row_number, "column"
    """


def batch_rejects(con: duckdb.DuckDBPyConnection, batch_id: int, limit: int | None = None,
                  offset: int = 0) -> pd.DataFrame:
    """The rows and cells a batch did not load, with their reasons, in file order (a page of them: `limit` from
    `offset`; all when `limit` is None)."""
    if limit is None:
        return con.execute(BATCH_REJECTS, {"batch": batch_id}).df()
    return con.execute(BATCH_REJECTS + " limit $limit offset $offset",
                       {"batch": batch_id, "limit": limit, "offset": offset}).df()


def batch_reject_count(con: duckdb.DuckDBPyConnection, batch_id: int) -> int:
    """How many rows and cells a batch did not load."""
    return con.execute("select count(*) from rejected_row where batch_id = ?", [batch_id]).fetchall()[0][0]


def batch_reject_chunks(con: duckdb.DuckDBPyConnection, batch_id: int, vectors: int = 25) -> Iterator[pd.DataFrame]:
    """A batch's rejected rows in file order, a chunk at a time (`vectors` × 2,048 rows), from one query: a file of a
    million rejections is written to Excel without holding them all."""
    result = con.execute(BATCH_REJECTS, {"batch": batch_id})
    while not (chunk := result.fetch_df_chunk(vectors)).empty:
        yield chunk


def value_sources(con: duckdb.DuckDBPyConnection, region_code: str) -> pd.DataFrame:
    """Every recorded value of a region, newest batch first: value, file, sheet, row, column."""
    return con.execute(
        """
        select o.measure_id, o.year, o.value, o.batch_id, b.source_name, o.sheet, o.row_number, o.column_name,
               b.loaded_at,
               row_number() over (partition by o.measure_id, o.year order by o.batch_id desc) = 1 as is_current
        from observation o join batch b using (batch_id)
        where o.region_code = ?
        order by o.measure_id, o.year, o.batch_id desc
        """,
        [region_code],
    ).df().pipe(lambda f: f.assign(loaded_at=beijing_column(f["loaded_at"])))
