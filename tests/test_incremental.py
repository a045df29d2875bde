"""A publish audits and reassesses only what it touched — its counties, its measures and the targets that read
them — and the store it leaves equals a full recompute of the same values: every rule over the whole store and
every target (`etl audit --run`, `etl reassess`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import load_files
from tracker.core import assess, audit, store
from tracker.core.audit import Touched
from tracker.core.catalogue import load_catalogue

KEYS = ["target_id", "period", "level", "region_code", "year"]
FINDING = ["rule_id", "severity", "measure_id", "region_code", "year", "value", "before", "compare", "state"]


def _assessment(db: Path) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select * from assessment order by " + ", ".join(KEYS)).df()


def _findings(db: Path) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"select {', '.join(FINDING)} from finding order by all").df()


def _same_as_full_recompute(db: Path, tmp_path: Path) -> None:
    """The store at `db` equals a copy of it recomputed whole; the whole audit opens and closes nothing."""
    full = tmp_path / "full.duckdb"
    shutil.copy(db, full)
    with store.writing(full) as con:
        audit.audit_and_assess(con, load_catalogue())
    pd.testing.assert_frame_equal(_findings(db), _findings(full))
    # sums of doubles over two threads may differ in their last bits from run to run
    pd.testing.assert_frame_equal(_assessment(db), _assessment(full), check_exact=False, rtol=1e-9)


def _return(db: Path, sql: str, params: list, path: Path) -> Path:
    """A long CSV of the store's 2025 village values, changed by `sql` (a select over current_observation o)."""
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(sql, params).df().to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_a_publish_leaves_what_a_full_recompute_gives(demo_store, tmp_path, monkeypatch):
    db = tmp_path / "store.duckdb"
    shutil.copy(demo_store[0], db)
    catalogue = load_catalogue()
    with duckdb.connect(str(db), read_only=True) as con:
        counties = [c for (c,) in con.execute("select distinct left(region_code, 6) from observation "
                                              "where length(region_code) = 12 order by 1").fetchall()]
    asked: list[set[str] | None] = []
    whole = assess.assess
    monkeypatch.setattr(audit, "assess", lambda con, cat, targets=None: asked.append(targets) or whole(con, cat, targets))

    # two counties' return of two rates, some falling 35 points (held for 核实)
    few = _return(db, """
        select region_code, year, measure_id as measure,
               case when hash(region_code) % 5 = 0 and value >= 35 then value - 35
                    else least(100, value + 1) end as value
        from current_observation
        where year = 2025 and length(region_code) = 12 and measure_id in ('tap_water_rate', 'sanitary_toilet_rate')
          and list_contains(?, left(region_code, 6))""", [["361127", "361129"]], tmp_path / "two_counties.csv")
    [report] = load_files(db, [few], accept_rejections=True)
    assert report.status == "loaded" and report.values_held > 0
    # only the targets that read the two rates in the province of the two counties were recomputed
    assert asked[-1] == assess.targets_reading(catalogue, {"tap_water_rate", "sanitary_toilet_rate"}, {"36"})
    assert 0 < len(asked[-1]) < len(catalogue.targets)
    assert all(catalogue.targets[t].measure in ("tap_water_rate", "sanitary_toilet_rate") for t in asked[-1])
    _same_as_full_recompute(db, tmp_path)

    # one measure in more counties than an audit reads one by one (audit.MANY), and households there, which
    # weight every rate: every target of those provinces is recomputed
    many = counties[10:10 + audit.MANY + 10]
    _return(db, """
        select region_code, year, measure_id as measure,
               case when measure_id = 'households' then value + 3
                    when hash(region_code) % 13 = 0 then value * 10 else round(value * 1.03, 2) end as value
        from current_observation
        where year = 2025 and length(region_code) = 12 and measure_id in ('collective_income', 'households')
          and list_contains(?, left(region_code, 6))""", [many], tmp_path / "many_counties.csv")
    [report] = load_files(db, [tmp_path / "many_counties.csv"], accept_rejections=True)
    assert report.status == "loaded" and report.values_rejected + report.values_held > 0
    provinces = {c[:2] for c in many}
    assert asked[-1] >= {t.id for t in catalogue.targets.values() if t.population.region[:2] in provinces}
    _same_as_full_recompute(db, tmp_path)

    # a reviewer accepting a held value recomputes the targets of its measure only, and the store still agrees
    with store.writing(db) as con:
        held = con.execute("select finding_id from finding where severity = 'verify' and state = 'open' "
                           "and measure_id = 'tap_water_rate' order by finding_id limit 1").fetchall()[0][0]
        audit.review(con, catalogue, [(held, "新建水厂通水")], "explain", "clerk")
        audit.review(con, catalogue, [(held, "已核实")], "accept", "reviewer")
    assert asked[-1] and all(catalogue.targets[t].measure == "tap_water_rate" for t in asked[-1])
    _same_as_full_recompute(db, tmp_path)


def test_the_targets_a_change_reaches():
    """Which targets read which values: their measure, their benchmark's, households (every rate's weights), in the
    provinces their populations lie in; nothing known (None) means every target."""
    catalogue = load_catalogue()
    water = assess.targets_reading(catalogue, {"tap_water_rate"}, {"36"})
    assert water and all(catalogue.targets[t].measure == "tap_water_rate" for t in water)
    assert all(catalogue.targets[t].population.region.startswith("36") for t in water)
    assert assess.targets_reading(catalogue, {"tap_water_rate"}, {"11"}) == set()  # no target of 北京 reads it
    everything_36 = assess.targets_reading(catalogue, {"households"}, {"36"})
    assert everything_36 == {t.id for t in catalogue.targets.values() if t.population.region.startswith("36")}
    assert assess.targets_reading(catalogue, None, {"36"}) is None
    assert Touched(["361127", "3611"]).provinces == {"36"}
