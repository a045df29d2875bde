"""Build a store: schema, reference geography and (once they exist) catalogue and demo data."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from tracker.core import settings, store
from tracker.core.assess import assess
from tracker.core.audit import audit_and_assess
from tracker.core.catalogue import Catalogue, load_catalogue


def load_reference(con: duckdb.DuckDBPyConnection, reference_dir: Path = settings.REFERENCE_DIR) -> dict[str, int]:
    """Load regions and outlines from data/reference into an empty store; counts by level."""
    # Load
    regions_file = reference_dir / "regions.csv.gz"
    assert regions_file.exists(), f"{regions_file} is missing: run `python -m etl reference` first"
    # Process and Save: the ancestor codes are prefixes of the code itself (tracker.core.codes)
    con.execute(
        """
        insert into region
        select code, name, level, nullif(parent_code, ''),
               left(code, 2),
               case when length(code) >= 4 then left(code, 4) end,
               case when length(code) >= 6 then left(code, 6) end,
               case when length(code) >= 9 then left(code, 9) end,
               nullif(kind, ''), lon, lat, coord_source
        from read_csv(?, header = true, all_varchar = true,
                      columns = {'code': 'varchar', 'name': 'varchar', 'level': 'varchar',
                                 'parent_code': 'varchar', 'kind': 'varchar', 'lon': 'double',
                                 'lat': 'double', 'coord_source': 'varchar'})
        """,
        [str(regions_file)],
    )
    for level in ("province", "city", "county"):
        collection = json.loads((reference_dir / f"boundaries-{level}.geojson").read_text(encoding="utf-8"))
        rows = [(f["properties"]["code"], level, json.dumps(f["geometry"], separators=(",", ":")))
                for f in collection["features"]]
        if rows:  # DuckDB refuses an empty executemany
            con.executemany("insert into boundary values (?, ?, ?)", rows)
    orphans = con.execute(
        "select count(*) from region r where parent_code is not null "
        "and not exists (select 1 from region p where p.code = r.parent_code)"
    ).fetchone()[0]
    assert orphans == 0, f"{orphans} regions in {regions_file} have a parent code that is not there"
    return dict(con.execute("select level, count(*) from region group by level").fetchall())


def known_regions(reference_dir: Path = settings.REFERENCE_DIR) -> set[str]:
    """Every region code of the reference geography (for checking the catalogue)."""
    con = settings.connect()
    rows = con.execute("select code from read_csv(?, header = true, all_varchar = true)",
                       [str(reference_dir / "regions.csv.gz")]).fetchall()
    return {code for (code,) in rows}


def load_catalogue_groups(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> int:
    """Put the members the catalogue lists itself into group_member; how many rows."""
    rows = [(g.id, code) for g in catalogue.groups.values() for code in (g.members or [])]
    if rows:
        con.executemany("insert into group_member (group_id, region_code) values (?, ?)", rows)
    return len(rows)


def init_store(path: Path, reference_dir: Path = settings.REFERENCE_DIR,
               catalogue_file: Path | None = None) -> dict[str, int]:
    """Create a store with the reference geography, the catalogue's groups and no statistics.

    A catalogue with problems raises CatalogueError before anything is written.
    """
    catalogue_file = catalogue_file or settings.catalogue_path()
    catalogue = load_catalogue(catalogue_file, regions=known_regions(reference_dir))
    with store.writing(path, fresh=True) as con:
        counts = load_reference(con, reference_dir)
        load_catalogue_groups(con, catalogue)
        assess(con, catalogue)  # empty results, but the table pages read exists
        con.execute(
            "insert into store_meta values ('built_at', ?), ('contents', 'reference'), ('catalogue_sha256', ?)",
            [datetime.now(timezone.utc).isoformat(timespec="seconds"),
             store.file_sha256(catalogue_file)],
        )
    return counts


def reassess(path: Path, catalogue_file: Path | None = None) -> dict[str, int]:
    """Run the audit and recompute the assessment of a published store (after the catalogue changed); rows by
    level."""
    catalogue = load_catalogue(catalogue_file or settings.catalogue_path(), regions=known_regions())
    assert Path(path).exists(), f"{path}: no store there; create one with `python -m etl init --db {path}`"
    with store.writing(path) as con:
        return audit_and_assess(con, catalogue)[1]
