"""The demo generator: deterministic, complete, and loaded cleanly through the real load path."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest

from etl.demo import YEARS, generate
from tests.conftest import ROOT
from tracker.core.catalogue import load_catalogue
from tracker.core.codes import LEVELS, level_of
from tracker.core.status import STATUSES

FINGERPRINT = """
import hashlib, json
from etl.demo import generate
from tracker.core.catalogue import load_catalogue
d = generate(load_catalogue(), 2025)
print(hashlib.sha256(json.dumps([d.tables, d.groups], ensure_ascii=False).encode()).hexdigest())
"""


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def demo(catalogue):
    return generate(catalogue, seed=2025)


@pytest.mark.slow
def test_same_seed_same_returns_other_seed_other_returns(catalogue, demo):
    again = generate(catalogue, seed=2025)
    assert again.tables == demo.tables and again.groups == demo.groups
    other = generate(catalogue, seed=7)
    assert other.tables["villages"][2] != demo.tables["villages"][2]


@pytest.mark.slow
def test_same_seed_same_returns_in_another_process():
    """Two processes with different string hashing give the same data (no set order leaks in)."""
    prints = {subprocess.run([sys.executable, "-c", FINGERPRINT], cwd=ROOT, capture_output=True, text=True,
                             check=True, env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
              for seed in (1, 2)}
    assert len(prints) == 1


def test_every_measure_has_a_column_at_its_levels(catalogue, demo):
    headed = {h for _, _, columns in demo.tables.values() for h in columns}
    assert {f"{m.zh}（{m.unit}）" for m in catalogue.measures.values()} <= headed
    codes, years, _ = demo.tables["villages"]
    assert len(codes) == (13_263 + 16_884) * len(YEARS)
    assert sorted(set(years)) == [str(y) for y in YEARS]


def test_the_demo_picks_the_groups_it_says(demo):
    sizes = {}
    for _, group in demo.groups:
        sizes[group] = sizes.get(group, 0) + 1
    assert sizes == {"sr_key_village": 408, "sr_key_village_provincial": 308, "sr_key_village_city": 100,
                     "lyg_model_village": 20, "js_weak_village": 600, "js_weak_village_2016": 821}
    assert all(code.startswith("3611") for code, g in demo.groups if g.startswith("sr_key_village"))


def test_values_look_like_the_calibration(demo):
    codes, years, columns = demo.tables["counties"]
    income = dict(((c, y), v) for c, y, v in zip(codes, years, columns["农村居民人均可支配收入（元）"]))
    assert income[("32", "2022")] == "28486.0" and income[("36", "2024")] == "22673.0"  # published figures
    codes, years, columns = demo.tables["villages"]
    tap = [float(v) for c, y, v in zip(codes, years, columns["自来水普及率（%）"]) if c.startswith("36") and y == "2023" and v]
    assert 85 < sum(tap) / len(tap) < 93  # Jiangxi 88.8% (September 2023)
    assert max(tap) <= 100
    blank = sum(1 for v in columns["自来水普及率（%）"] if v == "") / len(codes)
    assert 0.01 < blank < 0.08  # a few percent of returns missing


@pytest.mark.slow
def test_the_demo_loads_cleanly_through_the_front_door(demo_store):
    db, counts = demo_store
    assert counts["files"] == 5 and counts["values"] > 3_000_000
    con = duckdb.connect(str(db), read_only=True)
    # the only values refused are the slips the demo puts in on purpose (元 for 万元), refused by the audit
    assert con.execute("select reason_code, count(*) from rejected_row group by all").fetchall() == [
        ("audit_money_unit_slip", counts["refused"])]
    assert 50 <= counts["refused"] <= 150
    findings = dict(con.execute("select rule_id, count(*) from finding where state <> 'closed' group by all").fetchall())
    assert findings["money_unit_slip"] == counts["refused"] and 60 <= findings["rate_jump"] <= 200  # a few per county
    assert dict(con.execute("select key, value from store_meta where key like 'demo%'").fetchall()) == {
        "demo": "true", "demo_seed": "2025"}
    assert con.execute("select count(distinct measure_id) from observation").fetchall() == [
        (len(load_catalogue().measures),)]  # every measure the catalogue names
    # the assessment published with it: every status colour appears, and every target has results at
    # every level from its units up to its region, for every year with data
    statuses = {s for (s,) in con.execute("select distinct status from assessment").fetchall()}
    # every colour but not_assessable (a zero base: the demo's rates no longer fall to nothing; the small world
    # of tests/assess has one)
    assert statuses == set(STATUSES) - {"not_assessable"}
    catalogue = load_catalogue()
    got = con.execute("select target_id, level, list(distinct year order by year) from assessment "
                      "where is_primary group by 1, 2").fetchall()
    levels = {}
    for target_id, level, years in got:
        levels.setdefault(target_id, {})[level] = years
    for t in catalogue.targets.values():
        low, high = LEVELS.index(t.population.level), LEVELS.index(level_of(t.population.region))
        expected = set(LEVELS[high:low + 1])
        assert set(levels[t.id]) == expected, t.id
        years = [y for (y,) in con.execute("select distinct year from observation where measure_id = ? "
                                           "and year >= ? order by 1", [t.measure, t.base_year]).fetchall()]
        assert all(v == years for v in levels[t.id].values()), t.id


@pytest.mark.slow
def test_a_village_profile_lists_the_targets_it_counts(demo_store):
    """A village in the 2018-2020 plan's population and the 14th plan's: its 2025 table has the targets in their
    plan's period that year, as many as 适用目标 counts; 2020's has the earlier plan's."""
    from tracker.core import store
    from tracker.views import village

    con, cat = store.StoreReader(demo_store[0]).cursor(), load_catalogue()
    for year in (2020, 2025):
        view = village.build(con, cat, "320321102214", year, "zh")
        in_period = con.execute("select count(distinct target_id) from assessment where region_code = ? "
                                "and year = ? and in_period and is_primary", ["320321102214", year]).fetchall()[0][0]
        assert len(view.profile.table) == view.profile.counts["in_scope"] == in_period, year


@pytest.mark.slow
def test_the_demo_tells_a_credible_final_assessment(demo_store):
    """By each target's declared reading most of Shangrao's 14th-plan targets are achieved and a few missed
    (the hard ones: collective income, toilet waste), as offices' final assessments report; every figure of
    the final assessment is the assessment's own."""
    from tracker.core import store
    from tracker.views import final

    con, cat = store.StoreReader(demo_store[0]).cursor(), load_catalogue()
    view = final.build(con, cat, "3611", "fyp14")
    counts = view.counts
    assert view.ended and len(view.results) == 19 and counts["monitored"] == 1  # 18 judged, 电商快递综合站 watched
    assert counts["achieved"] >= 12 and 2 <= counts["missed"] <= 6, counts
    outcome = {r.target.id: r.outcome for r in view.results}
    assert outcome["sr_tap_water_90"] == "achieved" and outcome["sr_toilet_waste"] == "missed"
    # 四、存在的问题 leads with the targets most counties missed (toilet waste: 11 of 12)
    assert view.missed["units_missed"].tolist() == sorted(view.missed["units_missed"], reverse=True)
    assert view.missed["title"].iloc[0] == "重点村厕所粪污基本得到处理"
    # read as a whole: a county meets the tap-water target with villages short of 90% inside it
    counties = con.execute("select count(*) filter (where met), count(*) filter (where met and units_met < units_in_scope) "
                           "from assessment where target_id = 'sr_tap_water_90' and level = 'county' and year = 2025 "
                           "and is_primary").fetchall()[0]
    assert counties[0] >= 9 and counties[1] >= 5
    for r in view.results:  # the final value and verdict are the assessment's row for that region and year
        value, status = con.execute("select value, status from assessment where target_id = ? and region_code = ? "
                                    "and year = ? and is_primary", [r.target.id, r.region_code, r.final_year]).fetchall()[0]
        assert r.final == pytest.approx(value) and r.status == status
        assert r.outcome == final.STATUS_OUTCOME.get(status, "monitored" if status == "monitored" else "no_data")
    # the problem toilets were due in 2021 and done in 2022: met late, not missed, and not simply met
    assert outcome["sr_problem_toilets"] == "achieved_late" and counts["achieved_late"] == 1


@pytest.mark.parametrize(("set_to", "runs_at"), [(None, "4GB"), ("6GB", "6GB")])
def test_the_national_build_runs_duckdb_at_4gb_unless_told_otherwise(monkeypatch, tmp_path, set_to, runs_at):
    # at the 1GB default its audit of 56.7 M values ran out of memory after the loads
    import etl.demo
    from etl.__main__ import main
    from tracker.core import settings

    seen = {}

    def build_demo(db, **kwargs):
        seen["memory"] = settings.current().duckdb_memory
        return {"files": 95, "values": 56_700_000}

    monkeypatch.setattr(etl.demo, "build_demo", build_demo)
    given = settings.Settings(**({"duckdb_memory": set_to} if set_to else {}))
    with settings.use(given):
        assert main(["demo", "--national", "--db", str(tmp_path / "n.duckdb")]) == 0
        assert settings.current() is given  # the build's setting ends with it
    assert seen["memory"] == runs_at
