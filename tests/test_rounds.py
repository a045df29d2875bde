"""报送: a round opened by a city office, each county's state from what arrived and from its acts, and the acts a
role may not do (tracker.core.rounds), on a copy of the small world (上饶市: 玉山县 and 铅山县)."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest

from tracker.core import rounds, store
from tracker.core.access import User

CITY = User("shangrao", "上饶市乡村振兴局", "loader", "3611")
PROVINCE = User("jiangxi", "江西省乡村振兴局", "admin", "36")
YUSHAN = User("yushan_clerk", "玉山县统计站", "loader", "361123")
QIANSHAN = User("qianshan_clerk", "铅山县统计站", "loader", "361124")
VIEWER = User("yushan_viewer", "玉山县", "viewer", "361123")
OTHER_CITY = User("jingdezhen", "景德镇市", "loader", "3602")
BEFORE, AFTER = date(2026, 12, 1), date(2027, 2, 1)  # before and after the deadline of 2027-01-31
YEAR = 2023


@pytest.fixture
def db(world, tmp_path):
    path = tmp_path / "world.duckdb"
    shutil.copyfile(world, path)
    with store.writing(path) as con:
        rounds.open_round(con, CITY, YEAR, "3611", date(2027, 1, 31), ["water", "gig"])
    return path


def state(db, county: str, today: date = BEFORE) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return rounds.state_of(con, YEAR, county, today)
    finally:
        con.close()


def act(db, fn, *args) -> None:
    with store.writing(db) as con:
        fn(con, *args)


def expected(world, county: str) -> tuple[int, int]:
    """(villages, villages with a 2023 water or gigabit value) of a county, counted directly."""
    con = duckdb.connect(str(world), read_only=True)
    villages = con.execute("select count(*) from region where level = 'village' and kind = 'village_committee' "
                           "and county_code = ?", [county]).fetchall()[0][0]
    sent = con.execute("select count(distinct region_code) from current_observation where year = ? and value is not "
                       "null and measure_id in ('water', 'gig') and starts_with(region_code, ?) and length(region_code) "
                       "= 12 and region_code in (select code from region where kind = 'village_committee')",
                       [YEAR, county]).fetchall()[0][0]
    return villages, sent


def test_states_follow_what_arrived_and_each_act(db, world):
    villages, sent = expected(world, "361123")
    row = state(db, "361123")
    assert (row["villages_expected"], row["villages_reported"]) == (villages, sent)
    assert row["state"] == ("partial" if 0 < sent < villages else "not_sent" if sent == 0 else "partial")
    assert row["days_left"] == 61 and not row["late"]
    assert state(db, "361123", AFTER)["late"]  # 超期 once the deadline has passed
    missing = villages - sent
    with pytest.raises(rounds.RoundRefused) as refused:  # villages without values: say why
        act(db, rounds.submit, YUSHAN, YEAR, "361123", "", BEFORE)
    assert refused.value.key == "round.refused.why_missing" and refused.value.values == {"n": missing}
    act(db, rounds.submit, YUSHAN, YEAR, "361123", "两个村已合并，无数据", BEFORE)
    assert state(db, "361123")["state"] == "submitted" and not state(db, "361123", AFTER)["late"]
    with pytest.raises(rounds.RoundRefused) as refused:  # a return says why
        act(db, rounds.return_submission, CITY, YEAR, "361123", " ", BEFORE)
    assert refused.value.key == "round.refused.return_needs_note"
    act(db, rounds.return_submission, CITY, YEAR, "361123", "丙一村的数据缺失，请补报", BEFORE)
    row = state(db, "361123")
    assert (row["state"], row["last_note"], row["last_by"]) == ("returned", "丙一村的数据缺失，请补报", "shangrao")
    act(db, rounds.submit, YUSHAN, YEAR, "361123", "已核实：合并村无数据", BEFORE)  # resubmitted
    act(db, rounds.approve, CITY, YEAR, "361123", "", BEFORE)
    row = state(db, "361123", AFTER)
    assert row["state"] == "approved" and not row["late"] and row["on_time"]
    con = duckdb.connect(str(db), read_only=True)
    acts = rounds.history(con, YEAR, "361123")
    assert acts["act"].tolist() == ["approve", "submit", "return", "submit", "open"]
    assert rounds.signed_off(rounds.states(con, YEAR, "3611", BEFORE)) == (1, 2)


def test_acts_a_role_may_not_do(db):
    note = "说明"
    for who, fn, key in ((VIEWER, rounds.submit, "round.refused.submit"),  # a viewer submits
                         (QIANSHAN, rounds.submit, "round.refused.submit")):  # another county's clerk
        with pytest.raises(rounds.RoundRefused) as refused:
            act(db, fn, who, YEAR, "361123", note, BEFORE)
        assert refused.value.key == key
    with pytest.raises(rounds.RoundRefused) as refused:  # nothing submitted yet
        act(db, rounds.approve, CITY, YEAR, "361123", "", BEFORE)
    assert refused.value.key == "round.refused.not_submitted"
    act(db, rounds.submit, YUSHAN, YEAR, "361123", note, BEFORE)
    with pytest.raises(rounds.RoundRefused) as refused:  # submitted twice
        act(db, rounds.submit, YUSHAN, YEAR, "361123", note, BEFORE)
    assert refused.value.key == "round.refused.not_submittable"
    for who in (YUSHAN, OTHER_CITY, VIEWER):  # a county approving itself, another city's office, a viewer
        with pytest.raises(rounds.RoundRefused) as refused:
            act(db, rounds.approve, who, YEAR, "361123", "", BEFORE)
        assert refused.value.key == "round.refused.review"
    with pytest.raises(rounds.RoundRefused) as refused:  # nor the city that opened it for a county of another city
        act(db, rounds.open_round, OTHER_CITY, YEAR, "3611", date(2027, 1, 31), ["water"])
    assert refused.value.key == "round.refused.open"
    with pytest.raises(rounds.RoundRefused) as refused:  # a county office opens no round
        act(db, rounds.open_round, YUSHAN, YEAR, "361123", date(2027, 1, 31), ["water"])
    assert refused.value.key == "round.refused.open"
    act(db, rounds.submit, CITY, YEAR, "361124", note, BEFORE)  # the city office submits for 铅山县 ...
    with pytest.raises(rounds.RoundRefused) as refused:  # ... and may not approve what it submitted
        act(db, rounds.approve, CITY, YEAR, "361124", "", BEFORE)
    assert refused.value.key == "round.refused.own_submission"
    act(db, rounds.approve, PROVINCE, YEAR, "361124", "", BEFORE)  # the province may
    assert state(db, "361124")["state"] == "approved"


def test_a_province_round_reviewed_by_the_province_only(db):
    act(db, rounds.open_round, PROVINCE, YEAR + 1, "36", date(2027, 1, 31), ["water"], "province")
    act(db, rounds.submit, YUSHAN, YEAR + 1, "361123", "本年无数据", BEFORE)
    with pytest.raises(rounds.RoundRefused) as refused:
        act(db, rounds.approve, CITY, YEAR + 1, "361123", "", BEFORE)
    assert refused.value.key == "round.refused.review"
    act(db, rounds.approve, PROVINCE, YEAR + 1, "361123", "", BEFORE)
    con = duckdb.connect(str(db), read_only=True)
    assert rounds.state_of(con, YEAR + 1, "361123", BEFORE)["state"] == "approved"


def test_approval_waits_for_the_findings_to_be_answered(db):
    with store.writing(db) as con:
        con.execute("insert into finding (finding_id, rule_id, severity, measure_id, region_code, year, found_at, "
                    "state) values (nextval('finding_id_seq'), 'jump', 'verify', 'water', '361123100201', ?, "
                    "now(), 'open')", [YEAR])
    act(db, rounds.submit, YUSHAN, YEAR, "361123", "说明", BEFORE)
    with pytest.raises(rounds.RoundRefused) as refused:
        act(db, rounds.approve, CITY, YEAR, "361123", "", BEFORE)
    assert (refused.value.key, refused.value.values) == ("round.refused.open_findings", {"n": 1})


def test_the_reminder_list_names_exactly_the_villages_without_values(db, world):
    con = duckdb.connect(str(db), read_only=True)
    missing = rounds.missing_villages(con, YEAR, "3611")
    for county in ("361123", "361124"):
        villages, sent = expected(world, county)
        assert (missing["code"].str[:6] == county).sum() == villages - sent
    row = rounds.state_of(con, YEAR, "361123", BEFORE)
    assert row["values_expected"] == 2 * row["villages_expected"]


def test_the_command_line_does_what_the_page_does(world, tmp_path, users_file):
    import io
    from contextlib import redirect_stderr, redirect_stdout

    import pandas as pd

    from etl.__main__ import main as etl_cli
    from tests.conftest import WORLD

    db = tmp_path / "world.duckdb"
    shutil.copyfile(world, db)
    common = ["--db", str(db), "--year", str(YEAR), "--users", str(users_file), "--catalogue",
              str(WORLD / "catalogue.yaml")]

    def run(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = etl_cli(["round", *argv, *common])
        return code, out.getvalue(), err.getvalue()

    assert run("open", "--region", "3611", "--deadline", "2027-01-31", "--township-deadline", "2027-01-15",
               "--as", "admin")[0] == 0
    code, _, err = run("approve", "--region", "361123", "--as", "yushan_loader")
    assert code == 1 and "never a county itself" in err  # a county approving itself
    assert run("submit", "--region", "361123", "--as", "yushan_loader", "--note", "合并村无数据")[0] == 0
    assert run("return", "--region", "361123", "--as", "admin", "--note", "请补报")[0] == 0
    assert run("submit", "--region", "361123", "--as", "yushan_loader", "--note", "已核实")[0] == 0
    assert run("approve", "--region", "361123", "--as", "admin")[0] == 0
    code, out, err = run("status", "--region", "3611", "--format", "csv")
    table = pd.read_csv(io.StringIO(out), dtype={"region_code": str})
    assert code == 0 and list(table.columns) == ["region_code", "region_name", "level", "state", "late",
                                                 "units_expected", "units_reported", "submitted_at", "reviewed_at",
                                                 "days_late", "note", "complete_pct", "on_time_pct",
                                                 "passed_pct"]
    assert table[["region_code", "state"]].values.tolist() == [["361123", "approved"], ["361124", "partial"]]
    assert err.strip() == "1/2 counties approved"
    code, out, _ = run("status", "--region", "3611", "--format", "csv", "--level", "township")
    towns = pd.read_csv(io.StringIO(out), dtype={"region_code": str})
    assert code == 0 and set(towns["level"]) == {"township"} and towns["region_code"].str.len().eq(9).all()
    counties = table.set_index("region_code")
    for county in ("361123", "361124"):  # a county's townships hold its villages, sent and expected
        mine = towns[towns["region_code"].str.startswith(county)]
        assert (mine["units_expected"].sum(), mine["units_reported"].sum()) == \
            (counties.at[county, "units_expected"], counties.at[county, "units_reported"]) != (0, 0)
    assert set(towns["state"]) <= {"not_sent", "partial", "complete"}
