"""Build a store: schema, reference geography and (once they exist) catalogue and demo data."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import duckdb

from tracker.core import settings, store
from tracker.core.assess import assess
from tracker.core.audit import assess_counted, audit_and_assess, reaudit
from tracker.core.catalogue import Catalogue, load_catalogue

REGIONS_FILE = "regions.parquet"
BOUNDARIES_FILE = "boundaries.parquet"


def load_reference(con: duckdb.DuckDBPyConnection, provinces: list[str],
                   reference_dir: Path = settings.REFERENCE_DIR) -> dict[str, int]:
    """Load the regions and outlines of `provinces` from data/reference into an empty store; counts by level."""
    # Load
    regions_file, boundaries_file = reference_dir / REGIONS_FILE, reference_dir / BOUNDARIES_FILE
    assert regions_file.exists(), f"{regions_file} is missing: run `python -m etl reference` first"
    unknown = sorted(set(provinces) - set(reference_provinces(reference_dir)))
    if unknown:
        raise ValueError(f"province {', '.join(unknown)} is not in the reference geography ({regions_file}); "
                         f"the provinces are {', '.join(reference_provinces(reference_dir))}")
    # Process and Save: the ancestor codes are prefixes of the code itself (tracker.core.codes)
    con.execute(
        """
        insert into region
        select code, name, level, parent_code,
               left(code, 2),
               case when length(code) >= 4 then left(code, 4) end,
               case when length(code) >= 6 then left(code, 6) end,
               case when length(code) >= 9 then left(code, 9) end,
               kind, lon, lat, coord_source
        from read_parquet(?)
        where list_contains(?, left(code, 2))
        order by code
        """,
        [str(regions_file), list(provinces)],
    )
    if boundaries_file.exists():  # a test world may have none
        con.execute("insert into boundary select code, level, geometry from read_parquet(?) "
                    "where list_contains(?, left(code, 2)) order by level, code",
                    [str(boundaries_file), list(provinces)])
    orphans = con.execute(
        "select count(*) from region r where parent_code is not null "
        "and not exists (select 1 from region p where p.code = r.parent_code)"
    ).fetchone()[0]
    assert orphans == 0, f"{orphans} regions in {regions_file} have a parent code that is not there"
    return dict(con.execute("select level, count(*) from region group by level").fetchall())


def reference_provinces(reference_dir: Path = settings.REFERENCE_DIR) -> list[str]:
    """The province codes the reference geography holds."""
    con = settings.connect()
    return [code for (code,) in con.execute("select code from read_parquet(?) where level = 'province' order by code",
                                            [str(reference_dir / REGIONS_FILE)]).fetchall()]


def known_regions(reference_dir: Path = settings.REFERENCE_DIR) -> set[str]:
    """Every region code of the reference geography (for checking the catalogue)."""
    con = settings.connect()
    rows = con.execute("select code from read_parquet(?)", [str(reference_dir / REGIONS_FILE)]).fetchall()
    return {code for (code,) in rows}


def load_catalogue_groups(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, provinces: list[str]) -> int:
    """Put the members the catalogue lists itself into group_member (those in the store's provinces); how many
    rows."""
    rows = [(g.id, code) for g in catalogue.groups.values() for code in (g.members or []) if code[:2] in provinces]
    if rows:
        con.executemany("insert into group_member (group_id, region_code) values (?, ?)", rows)
    return len(rows)


def init_store(path: Path, reference_dir: Path = settings.REFERENCE_DIR,
               catalogue_file: Path | None = None, provinces: list[str] | None = None,
               catalogue: Catalogue | None = None) -> dict[str, int]:
    """Create a store with the reference geography of `provinces` (default: those the catalogue's targets and
    groups name), the catalogue's groups and no statistics (`catalogue`: the file already read and checked).

    A catalogue with problems raises CatalogueError, an unknown province ValueError, before anything is written.
    """
    catalogue_file = catalogue_file or settings.current().catalogue
    catalogue = catalogue or load_catalogue(catalogue_file, regions=known_regions(reference_dir))
    provinces = sorted(set(provinces or catalogue.provinces()))
    with store.writing(path, fresh=True) as con:
        counts = load_reference(con, provinces, reference_dir)
        load_catalogue_groups(con, catalogue, provinces)
        assess(con, catalogue)  # empty results, but the table pages read exists
        con.execute(
            "insert into store_meta values ('built_at', ?), ('contents', 'reference'), ('catalogue_sha256', ?), "
            "('provinces', ?)",
            [datetime.now(timezone.utc).isoformat(timespec="seconds"), catalogue.sha256, ",".join(provinces)],
        )
    return counts


def add_provinces(path: Path, provinces: list[str], reference_dir: Path = settings.REFERENCE_DIR,
                  catalogue_file: Path | None = None) -> dict[str, int]:
    """Add the geography of `provinces` to a published store, keeping everything it holds, and reassess (the
    catalogue's targets and group members there now have units); counts added by level."""
    catalogue = load_catalogue(catalogue_file or settings.current().catalogue, regions=known_regions(reference_dir))
    with store.writing(path) as con:
        held = [code for (code,) in con.execute("select code from region where level = 'province'").fetchall()]
        new = sorted(set(provinces) - set(held))
        if not new:
            return {}
        before = dict(con.execute("select level, count(*) from region group by level").fetchall())
        after = load_reference(con, new, reference_dir)
        load_catalogue_groups(con, catalogue, new)
        con.execute("delete from store_meta where key = 'provinces'")
        con.execute("insert into store_meta values ('provinces', ?)", [",".join(sorted({*held, *new}))])
        audit_and_assess(con, catalogue)
    return {level: n - before.get(level, 0) for level, n in after.items()}


def reassess(path: Path, catalogue_file: Path | None = None) -> dict[str, int]:
    """Recompute the assessment of a published store (after the catalogue changed), and first run again the
    plausibility rules added or edited since the store was last audited (the findings depend on the rules and the
    values only, and every publish audits what it brings); rows by level."""
    assert Path(path).exists(), f"{path}: no store there; create one with `python -m etl init --db {path}`"
    with store.writing(path) as con:
        # checked against the store's own geography, as the app checks it
        catalogue = load_catalogue(catalogue_file or settings.current().catalogue,
                                   regions=store.region_codes(con))
        reaudit(con, catalogue)
        return assess_counted(con, catalogue)
