"""报送进度 as offices use it (AppTest on a copy of the small world): a city opens the 2023 round, a county clerk
submits with why, the city returns it with a note, the clerk resubmits, the city approves; the states, the 催报
list and text, the history and the briefing's 初步数据 follow — in both languages."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import WORLD

WORDS = {"zh": {"partial": "部分报送", "submitted": "已报送待审核", "returned": "已退回", "approved": "审核通过",
                "preliminary": "初步数据（0/2 个县已审核通过）", "why_missing": "尚有 {n} 个村没有数据",
                "remind": "【催报】玉山县：报送截止 2027-01-31"},
         "en": {"partial": "partial", "submitted": "submitted, awaiting review", "returned": "returned",
                "approved": "approved", "preliminary": "Preliminary (0/2 counties approved)",
                "why_missing": "{n} villages have no values", "remind": "[Reminder] 玉山县: returns due 2027-01-31"}}


@pytest.fixture
def app(world, users_file, open_app, tmp_path):
    db = tmp_path / "world.duckdb"
    shutil.copyfile(world, db)

    def start(lang: str, user: str, page: str = "rounds", county: str = ""):
        params = {"province": "36", "city": "3611", "year": "2023", "lang": lang}
        if county:
            params["county"] = county
        return open_app(db, catalogue=WORLD / "catalogue.yaml", users=users_file, user=user, page=page,
                        params=params)

    return start, db


def without_values(db) -> list[str]:
    """The villages (村委会) of 上饶市 with no 2023 value of a measure the year's targets need, counted directly."""
    import duckdb

    from tracker.core.catalogue import load_catalogue
    from tracker.core.rounds import default_measures

    measures = default_measures(load_catalogue(WORLD / "catalogue.yaml"), 2023)
    con = duckdb.connect(str(db), read_only=True)
    return [c for (c,) in con.execute(
        "select code from region where level = 'village' and kind = 'village_committee' and starts_with(code, '3611') "
        "and code not in (select region_code from observation where year = 2023 and value is not null "
        "and list_contains(?, measure_id)) order by code", [measures]).fetchall()]


def click(at, label: str):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def states(at) -> list[str]:
    return at.dataframe[0].value.iloc[:, 2].tolist()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_round_from_opening_to_approval(app, lang):
    app, db = app
    words = WORDS[lang]
    missing = without_values(db)
    assert missing  # some villages have sent nothing
    city = app(lang, "admin")
    assert not city.exception, city.exception
    assert len(city.info) == 1  # no round yet
    city.date_input(key="rounds.deadline").set_value("2027-01-31")
    click(city, {"zh": "开启报送", "en": "Open the round"}[lang])
    assert not city.exception, city.exception
    assert states(city) == [words["partial"], words["partial"]]
    assert words["remind"] in city.code[0].value
    assert city.dataframe[2].value.iloc[:, 0].tolist() == missing  # the villages without a 2023 value, named
    towns = city.dataframe[1].value  # 玉山县's townships (the first county), their villages sent of expected
    assert towns.iloc[:, 0].tolist() == ["甲镇", "乙镇"]
    sent = [tuple(map(int, x.split("/"))) for x in towns.iloc[:, 2]]
    yushan = city.dataframe[0].value.set_index(city.dataframe[0].value.columns[1]).loc["玉山县"].iloc[2]
    assert tuple(map(sum, zip(*sent))) == tuple(map(int, yushan.split("/")))
    assert sum(e - s for s, e in sent) == sum(code.startswith("361123") for code in missing)
    briefing = app(lang, "admin", page="overview")
    assert any(words["preliminary"] in m.value for m in briefing.markdown)

    clerk = app(lang, "yushan_loader", county="361123")
    assert not clerk.exception, clerk.exception
    click(clerk, {"zh": "报送（本县数据已报齐）", "en": "Submit (the county's return is complete)"}[lang])
    n = sum(code.startswith("361123") for code in missing)
    assert words["why_missing"].format(n=n) in clerk.error[0].value  # villages without values: say why first
    clerk.text_area(key="rounds.note.361123").input("乙镇三个村并入甲镇，无单独数据")
    click(clerk, {"zh": "报送（本县数据已报齐）", "en": "Submit (the county's return is complete)"}[lang])
    assert not clerk.exception and states(clerk) == [words["submitted"]]

    city = app(lang, "admin")
    city.selectbox(key="rounds.county").set_value("361123").run()
    city.text_area(key="rounds.note.361123").input("甲二村的数据缺失，请补报")
    click(city, {"zh": "退回", "en": "Return"}[lang])
    assert states(city)[0] == words["returned"] or states(city)[1] == words["returned"]

    clerk = app(lang, "yushan_loader", county="361123")
    assert states(clerk) == [words["returned"]]
    clerk.text_area(key="rounds.note.361123").input("甲二村当年未通水，已核实")
    click(clerk, {"zh": "报送（本县数据已报齐）", "en": "Submit (the county's return is complete)"}[lang])
    city = app(lang, "admin")
    city.selectbox(key="rounds.county").set_value("361123").run()
    click(city, {"zh": "审核通过", "en": "Approve"}[lang])
    assert not city.exception, city.exception
    table = city.dataframe[0].value
    assert table.iloc[:, 1].tolist()[table.iloc[:, 2].tolist().index(words["approved"])] == "玉山县"
    history = city.dataframe[-1].value
    assert len(history) == 5  # opened, submitted, returned, submitted, approved


@pytest.mark.parametrize("nothing", [None, float("nan")])
def test_a_county_that_has_not_acted_is_said_without_a_last_act(nothing):
    """The county picked to act on may have no act yet: its last act is null, as None or, once its frame went
    through pandas, NaN (the page once failed on 'rounds.act_word.nan')."""
    import pandas as pd

    from tracker.views.rounds import state_sentence

    row = pd.Series({"days_left": 3, "region_name": "信州区", "state": "not_sent", "villages_reported": 0,
                     "villages_expected": 5, "late": False, "last_act": nothing, "last_by": nothing,
                     "last_note": nothing})
    assert state_sentence(row, "zh") == "信州区：未报送，0/5 个村已报，距截止还有 3 天。"
    acted = row.copy()
    acted["last_act"], acted["last_by"], acted["last_note"] = "return", "shangrao", nothing
    said = state_sentence(acted, "zh")
    assert said.startswith("信州区：未报送") and "shangrao" in said and "nan" not in said
