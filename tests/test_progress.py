"""Progress toward a deadline on courses of known shape, worked by hand: the recent pace (the default) against
Open SDG's compound growth, the projection, the verdict after a deadline, partial returns, and the backtest.

The world: 玉山县 with six townships of one village each, so each township reads one course as a whole (its
figure is its village's value), all against "自来水普及率 ≥ 90% by 2025" from a 2020 base (t90), and
"≥ 75% by 2022" (t75) for the verdict after a deadline; and 铅山县's one township of five villages, for partial
returns (t_inc). A rate rises toward 100%, so its pace is read on the gap to 100: c_y = ln(gap_(y-1) / gap_y)
(docs/method.md, "Progress toward the deadline").
"""

from __future__ import annotations

import io
import math
from contextlib import redirect_stderr, redirect_stdout

import duckdb
import pandas as pd
import pytest

from tracker.__main__ import main as tracker_cli
from tracker.core import assess, settings, store
from tracker.core.catalogue import load_catalogue
from tracker.present import scorecard, why
from tracker.queries import backtest, dashboard

YEARS = range(2020, 2026)
COURSES = {  # township code: (shape, village values 2020-2025)
    "361123100": ("decelerating", [40, 60, 72, 78, 80, 81]),
    "361123101": ("stalled", [50, 60, 70, 70, 70, 70]),
    "361123102": ("declining", [80, 78, 76, 74, 72, 70]),
    "361123103": ("steady", [40, 64, 78.4, 87.04, 92.224, 95.3344]),  # the gap to 100 shrinks by 40% a year
    "361123104": ("noisy", [50, 66, 68, 80, 82, 92]),
    "361123105": ("already met", [92, 93, 94, 95, 96, 97]),
}
PARTIAL = {"361124100201": 60, "361124100202": 70, "361124100203": 80, "361124100204": 85, "361124100205": 90}

CATALOGUE = """version: 1
plans: [{id: p, zh: 十四五, en: 14th plan, start_year: 2021, end_year: 2025, base_year: 2020}]
themes: [{id: t, zh: t, en: t}]
documents: []
measures: [{id: water, zh: 自来水普及率, en: Tap water, unit: '%', unit_en: '%', levels: [village], type: rate,
             min: 0, max: 100}]
groups: []
targets:
  - {id: t90, zh: 自来水90%, en: Tap water 90%, plan: p, theme: t, measure: water, rule: {kind: threshold, op: '>=',
     value: 90}, population: {region: '361123', level: village}, base_year: 2020, deadline: 2025, example: true}
  - {id: t75, zh: 2022年自来水75%, en: Tap water 75% by 2022, plan: p, theme: t, measure: water,
     rule: {kind: threshold, op: '>=', value: 75}, population: {region: '361123', level: village}, base_year: 2020,
     deadline: 2022, example: true}
  - {id: t_inc, zh: 铅山自来水90%, en: Tap water 90% in Qianshan, plan: p, theme: t, measure: water,
     rule: {kind: threshold, op: '>=', value: 90}, population: {region: '361124', level: village}, base_year: 2020,
     deadline: 2025, example: true}
"""


def village(township: str) -> str:
    return township + "201"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[duckdb.DuckDBPyConnection, object, object]:
    """The world assessed by the default method (the recent pace): a connection, the catalogue and its file."""
    folder = tmp_path_factory.mktemp("courses")
    db = folder / "courses.duckdb"
    con = duckdb.connect(str(db))
    store.create_schema(con)
    regions = [("36", "江西省", "province", None, None, None), ("3611", "上饶市", "city", "3611", None, None),
               ("361123", "玉山县", "county", "3611", "361123", None),
               ("361124", "铅山县", "county", "3611", "361124", None),
               ("361124100", "河口镇", "township", "3611", "361124", "361124100")]
    values = []
    for code, (shape, course) in COURSES.items():
        regions += [(code, f"{shape}镇", "township", "3611", "361123", code),
                    (village(code), f"{shape}村", "village", "3611", "361123", code)]
        values += [(village(code), year, v) for year, v in zip(YEARS, course)]
    for code, v in PARTIAL.items():
        regions.append((code, f"河口{code[-1]}村", "village", "3611", "361124", "361124100"))
        # every village reports 2020-2022; in 2023 only the first three (3 of 5 = 60% < 80%), in 2024 four of five
        years = [y for y in YEARS if y <= 2022 or (y == 2023 and code[-1] in "123") or (y == 2024 and code[-1] != "5")]
        values += [(code, year, v + 2 * (year - 2020)) for year in years]
    con.executemany("insert into region (code, name, level, province_code, city_code, county_code, township_code, kind) "
                    "values (?, ?, ?, '36', ?, ?, ?, ?)",
                    [(c, n, lv, ci, co, tw, "village_committee" if lv == "village" else None)
                     for c, n, lv, ci, co, tw in regions])
    con.executemany("insert into observation (measure_id, region_code, year, value, batch_id, row_number, column_name) "
                    "values ('water', ?, ?, ?, 1, 1, 'value')", [(c, y, float(v)) for c, y, v in values])
    catalogue_file = folder / "catalogue.yaml"
    catalogue_file.write_text(CATALOGUE, encoding="utf-8")
    catalogue = load_catalogue(catalogue_file)
    with settings.use(progress_method="recent", min_reporting=80):
        assess.assess(con, catalogue)
    con.close()
    return duckdb.connect(str(db), read_only=True), catalogue, db


def row(con, target: str, region: str, year: int) -> dict:
    found = con.execute("select * from assessment where target_id = ? and region_code = ? and year = ?",
                        [target, region, year]).df()
    assert len(found) == 1, (target, region, year)
    return {k: (None if not isinstance(v, (list, str)) and pd.isna(v) else v) for k, v in found.iloc[0].items()}


def gap_pace(course: list[float], year: int, n: int = 3) -> float:
    """The recent pace by hand: the middle of the last n yearly changes of ln(gap) up to `year`."""
    gaps = [100 - v for v in course]
    i = year - 2020
    changes = sorted(math.log(gaps[k - 1] / gaps[k]) for k in range(i - n + 1, i + 1))
    return changes[len(changes) // 2]


# (shape, year, status by the recent pace, by compound growth, R by the recent pace worked by hand)
STATUS_CASES = [
    # 40 → 78 in 2023: changes ln(60/40) = 0.405, ln(40/28) = 0.357, ln(28/22) = 0.241, middle 0.357, against
    # ln(22/10) / 2 = 0.394 still needed: R = 0.905. Compound growth: (78/40)^(1/3) − 1 = 24.9% a year against
    # (90/40)^(1/5) − 1 = 17.6%: R = 1.41, on track; it ended at 81
    ("decelerating", 2023, "needs_acceleration", "on_track", 0.3567 / (math.log(22 / 10) / 2)),
    ("decelerating", 2024, "limited", "on_track", 0.2412 / math.log(20 / 10)),
    # 70 three years running: in 2023 the middle of 0.223, 0.288 and 0 is 0.223 against ln(30/10) / 2 = 0.549;
    # compound growth (70/50)^(1/3) − 1 = 11.9% against 12.5% is still on track (R = 0.952)
    ("stalled", 2023, "limited", "on_track", math.log(50 / 40) / (math.log(30 / 10) / 2)),
    ("stalled", 2024, "limited", "needs_acceleration", 0.0),
    # the gap widens 20 → 22 → 24 → 26: the middle change is ln(22/24) against ln(26/10) / 2
    ("declining", 2023, "deteriorating", "deteriorating", -math.log(24 / 22) / (math.log(26 / 10) / 2)),
    ("declining", 2024, "deteriorating", "deteriorating", -math.log(26 / 24) / math.log(28 / 10)),
    # the gap shrinks by 40% a year: ln(1/0.6) = 0.511 a year against ln(12.96/10) / 2 = 0.130
    ("steady", 2023, "on_track", "on_track", math.log(1 / 0.6) / (math.log(12.96 / 10) / 2)),
    ("steady", 2024, "achieved", "achieved", None),
    # one slow year (2022: 66 → 68) does not move the middle of three: 0.386 against ln(20/10) / 2 = 0.347
    ("noisy", 2023, "on_track", "on_track", math.log(50 / 34) / (math.log(20 / 10) / 2)),
    # a second slow year does (80 → 82 with 8 points to go in 2025): flagged, needlessly, as it reached 92
    ("noisy", 2024, "limited", "on_track", math.log(20 / 18) / math.log(18 / 10)),
    ("already met", 2023, "achieved", "achieved", None),
]


@pytest.mark.parametrize("shape, year, recent, cagr, ratio", STATUS_CASES, ids=[f"{c[0]}-{c[1]}" for c in STATUS_CASES])
def test_courses_of_known_shape_get_the_statuses_the_method_predicts(world, shape, year, recent, cagr, ratio):
    con, _, _ = world
    code = next(c for c, (s, _) in COURSES.items() if s == shape)
    for region in (code, village(code)):  # the township reads its one village as a whole: the same status
        got = row(con, "t90", region, year)
        assert got["status"] == recent
        if ratio is not None:
            assert got["ratio_recent"] == pytest.approx(ratio, abs=1e-3)
            assert got["progress_ratio"] == got["ratio_recent"]  # the default method judges
            from_sdg = got["ratio_cagr"]
            assert {"on_track": from_sdg >= 0.95, "needs_acceleration": 0.6 <= from_sdg < 0.95,
                    "limited": 0 <= from_sdg < 0.6, "deteriorating": from_sdg < 0}[cagr]


def test_the_declared_alternative_judges_by_compound_growth(world, tmp_path):
    _, catalogue, db = world
    copy = tmp_path / "cagr.duckdb"
    copy.write_bytes(db.read_bytes())
    con = duckdb.connect(str(copy))
    with settings.use(progress_method="cagr"):
        assess.assess(con, catalogue)
    for shape, year, _, cagr, _ in STATUS_CASES:
        code = next(c for c, (s, _) in COURSES.items() if s == shape)
        assert row(con, "t90", code, year)["status"] == cagr, (shape, year)


def test_the_projection_of_a_decelerating_course_worked_by_hand(world):
    con, catalogue, _ = world
    got = row(con, "t90", "361123100", 2023)
    changes = [math.log(60 / 40), math.log(40 / 28), math.log(28 / 22)]
    pace = sorted(changes)[1]
    assert (got["pace_scale"], got["pace_from"], got["pace_changes"]) == ("ceiling", 2020, 3)
    assert got["pace_recent"] == pytest.approx(pace, abs=1e-9)
    # carried on two years: the gap 22 · e^(−2 · 0.357) = 10.78 → 89.2%
    projected = 100 - 22 * math.exp(-2 * pace)
    assert got["projected_value"] == pytest.approx(projected, abs=1e-6) and round(projected, 1) == 89.2
    # the spread of the three changes (0.0844) over two years ahead with the pace's own uncertainty: √(2 + 4/3)
    sd = pd.Series(changes).std() * math.sqrt(2 + 4 / 3)
    low, high = (100 - 22 * math.exp(-2 * pace + z * sd) for z in (1.2816, -1.2816))
    assert (got["projected_low"], got["projected_high"]) == (pytest.approx(low, abs=1e-6), pytest.approx(high, abs=1e-6))
    assert round(low, 1) == 86.9 and round(high, 1) == 91.2
    # the target's gap of 10 is reached after ln(22/10) / 0.357 = 2.2 years: in 2026; the chance by 2025
    # Φ((ln 10 − ln 10.78) / 0.154) = Φ(−0.49) ≈ 0.31
    assert got["projected_year"] == 2026
    chance = 0.5 * (1 + math.erf((math.log(10) - math.log(22 * math.exp(-2 * pace))) / sd / math.sqrt(2)))
    assert got["chance_met"] == pytest.approx(chance, abs=2e-4) and round(chance, 2) == 0.31
    target = catalogue.targets["t90"]
    assert why.projection_sentence(got, target, catalogue.measures["water"], "zh", short=True) == \
        "按近年进度，预计2026年达到目标；到期达标可能性约3成"
    assert why.projection_sentence(got, target, catalogue.measures["water"], "en") == (
        "at the recent pace 89.2% expected in 2025 (80% interval 86.9%-91.2%); the target reached in 2026; "
        "chance of meeting it by the deadline about 30%")
    lines = why.explain(got, target, catalogue.measures["water"], "zh")
    assert "近年（2020—2023年）与上限（100%）的差距每年缩小 30%，2025年达标需每年缩小 32.6%；比值 R = 0.9" in "\n".join(lines)


def test_too_few_years_give_no_interval_and_say_so(world):
    con, catalogue, _ = world
    got = row(con, "t90", "361123100", 2022)  # two changes so far
    assert got["pace_changes"] == 2 and got["projected_value"] is not None
    assert got["projected_low"] is None and got["chance_met"] is None
    said = why.projection_sentence(got, catalogue.targets["t90"], catalogue.measures["water"], "zh")
    assert said.endswith("年度变化不足三个，暂不估计区间和达标可能性")
    assert row(con, "t90", "361123100201", 2023)["projected_value"] is None  # a village: its status only


# (shape, t75's status 2022-2025): ≥ 75 by 2022 keeps the verdict of 2022 after it
VERDICTS = {
    "decelerating": ["missed", "met_late", "met_late", "met_late"],  # 72 in 2022, 78 in 2023
    "stalled": ["missed"] * 4,  # 70 ever since
    "declining": ["met_on_time"] * 4,  # 76 in 2022, below 75 from 2023: met on time is what was asked
    "steady": ["met_on_time"] * 4,
    "noisy": ["missed", "met_late", "met_late", "met_late"],  # 68, then 80
    "already met": ["met_on_time"] * 4,
}


def test_after_its_deadline_a_target_keeps_the_verdict_of_its_deadline(world):
    con, catalogue, _ = world
    for code, (shape, _) in COURSES.items():
        got = [row(con, "t75", code, year) for year in range(2022, 2026)]
        assert [r["status"] for r in got] == VERDICTS[shape], shape
        late = [r["met_late_year"] for r in got if r["status"] == "met_late"]
        assert late == [2023] * len(late)
    got = row(con, "t75", "361123100", 2025)
    lines = why.explain(got, catalogue.targets["t75"], catalogue.measures["water"], "zh")
    assert lines[0] == "状态：逾期达标" and "2022年期限时未达标，2023年达到（逾期达标）" in lines
    from tracker.core.status import label
    assert label("met_late", "zh", 2023) == "逾期达标（2023年）" and label("met_late", "en", 2023) == "met late (2023)"


def test_a_figure_from_fewer_than_the_declared_share_of_units_is_incomplete(world, tmp_path):
    con, catalogue, db = world
    # 2023: 3 of 5 villages reported (60% < 80%): 数据不全, not a verdict; 2024: 4 of 5 (80%): judged
    got = row(con, "t_inc", "361124100", 2023)
    assert (got["status"], got["units_reporting"], got["units_in_scope"], got["complete"]) == ("incomplete", 3, 5, False)
    lines = why.explain(got, catalogue.targets["t_inc"], catalogue.measures["water"], "zh")
    assert "仅 3/5 个单位报告（不足 80%），数据不全，暂不判定" in lines
    assert row(con, "t_inc", "361124100", 2024)["status"] not in ("incomplete", "no_data")
    from tracker.present import scorecard
    fig = scorecard.figure(got, catalogue.targets["t_inc"], catalogue.measures["water"], "zh")
    assert fig.note.startswith("3/5 个村已报")
    # a lower share, declared in the settings, judges the same figure
    copy = tmp_path / "half.duckdb"
    copy.write_bytes(db.read_bytes())
    half = duckdb.connect(str(copy))
    with settings.use(min_reporting=50):
        assess.assess(half, catalogue)
    assert row(half, "t_inc", "361124100", 2023)["status"] not in ("incomplete", "no_data")


def test_the_backtest_summary_is_the_one_worked_by_hand(world):
    con, catalogue, db = world
    found = backtest.rows(con, catalogue, "p", 2023, level="township")
    t90 = found[found["target_id"] == "t90"].set_index("region_code")
    assert t90.loc["361123100", ["status_recent", "status_cagr", "outcome"]].tolist() == [
        "needs_acceleration", "on_track", "missed"]
    # t75 was due in 2022: not in a backtest as of 2023; 铅山's township has no verdict in 2025 (no return): unknown
    assert set(found["target_id"]) == {"t90", "t_inc"} and found.loc[found["target_id"] == "t_inc", "outcome"].tolist() == [
        "unknown"]
    summary = backtest.summary(found).set_index("method")
    # missed: decelerating, stalled, declining; met: steady, noisy, already met. As of 2023 the recent pace flags
    # all three that missed and none that met; compound growth only the declining one
    assert summary.loc["recent", ["years_ahead", "missed", "missed_flagged", "met", "met_flagged"]].tolist() == [2, 3, 3, 3, 0]
    assert summary.loc["cagr", ["missed_flagged", "share_missed_flagged", "met_flagged"]].tolist() == [1, 33.3, 0]
    # as of 2024: the recent pace also flags the noisy course that then met; compound growth the stalled one too
    summary = backtest.summary(backtest.rows(con, catalogue, "p", 2024, level="township")).set_index("method")
    assert summary.loc["recent", ["missed_flagged", "met_flagged", "share_met_flagged"]].tolist() == [3, 1, 33.3]
    assert summary.loc["cagr", ["missed_flagged", "met_flagged"]].tolist() == [2, 0]

    # the command line gives the rows as CSV and the summary on stderr
    out, err = io.StringIO(), io.StringIO()
    with settings.use(catalogue=catalogue.path), redirect_stdout(out), redirect_stderr(err):
        code = tracker_cli(["backtest", "--plan", "p", "--as-of", "2023", "--level", "township", "--format", "csv",
                            "--db", str(db)])
    assert code == 0
    rows = pd.read_csv(io.StringIO(out.getvalue()), dtype={"region_code": str})
    assert len(rows) == 7 and set(rows.columns) >= {"status_recent", "status_cagr", "outcome", "value_at_deadline"}
    said = pd.read_csv(io.StringIO(err.getvalue())).set_index("method")
    assert said.loc["recent", "share_missed_flagged"] == 100.0


def test_target_setting_runs_the_same_estimator_and_agrees_by_hand(world):
    """目标测算 for ≥ 90% by 2025 over 玉山县's villages, read from the years before 2025: each village carried on at
    its recent pace is, to the digit, what the assessment projects for its one-village township in 2024."""
    from tracker.queries import propose

    con, catalogue, _ = world
    found = propose.propose(con, catalogue, "water", "361123", propose.Candidate(90, 2025), level="village")
    assert (found.level, found.base_year, len(found.units)) == ("village", 2024, 6)
    units = found.units.set_index("code")
    for code in COURSES:
        assessed = row(con, "t90", code, 2024)
        if assessed["projected_value"] is not None:
            assert units.loc[village(code), "projected"] == pytest.approx(assessed["projected_value"], abs=1e-9)
    # by hand: the decelerating village, 80 in 2024, the middle of its last three changes ln(22/20) = 0.095,
    # ln(28/22) = 0.241 and ln(40/28) = 0.357 is 0.241: the gap 20 · e^−0.241 = 15.7 → 84.3% in 2025, short of 90;
    # it needs 10 points in the year
    decelerating = units.loc[village("361123100")]
    assert decelerating["projected"] == pytest.approx(100 - 20 * math.exp(-math.log(28 / 22)), abs=1e-9)
    assert (bool(decelerating["reaches"]), decelerating["required_per_year"], decelerating["gap"]) == (False, 10.0, 10.0)
    # already there: the steady course (92.2) and the one met all along (96); the rest fall short
    assert units["reaches"].sum() == found.reaching == 2
    assert list(found.units["code"])[:2] == [village("361123101"), village("361123102")]  # furthest first: 70, 72
    # the area as a whole: the villages' plain mean (no households reported) each year, carried on the same way
    assert found.area_row["value"] == pytest.approx(sum(c[4] for _, c in COURSES.values()) / 6)


def test_a_card_says_where_the_course_leads_and_whether_its_figure_is_partial(world):
    """The card's outlook is the projection's sentence and its partial flag a yes/no (they were once swapped: the card
    showed "True" and the briefing's table no outlook)."""
    con, catalogue, _ = world
    area = "361124"  # 铅山县: its villages' course, 4 of 5 reporting in 2024
    rows = dashboard.assessment_rows(con, regions=tuple(sorted(set(scorecard.card_regions(catalogue, area).values()))),
                                     years=(2023, 2024))
    cards = {c.target_id: c for c in scorecard.cards(rows, catalogue, area, 2024)}
    for target_id, card in cards.items():
        got = row(con, target_id, card.region_code, 2024)
        assert card.outlook == why.projection_sentence(got, catalogue.targets[target_id],
                                                       catalogue.measures["water"], "zh", short=True)
        assert card.partial is bool(got["units_reporting"] < got["units_in_scope"])
    assert any(c.outlook and c.outlook.startswith("按近年进度") for c in cards.values())
    assert any(c.partial for c in cards.values())
