"""目标测算 as a provincial office uses it (AppTest, the small world with a running plan 2026-2030): reference
figures beside the candidates, which counties would reach them, a draft saved, refused when it says nothing of
why, adopted with its document; the briefing, trends and the running plan's report then show the target."""

from __future__ import annotations

import shutil

import pytest
import yaml

from tests.conftest import cards_shown, tables_shown
from tests.test_drafts import running_world_catalogue

WORDS = {
    "zh": {"saved": "已保存草案", "draft": "草案 · ", "adopted": "已登记印发", "why_needed": "未保存：请写明理由",
           "by_county": "各县（市、区）按近年进度能否达到 ≥ 95%（村）", "progress": "进展情况",
           "as_of": "2026年的报表尚未送达：以下为十五五目标截至2023年", "reference": "参考：全国2030年目标98%",
           "history": "目标草案留痕：起草、登记印发、撤回，谁在何时"},
    "en": {"saved": "Draft saved", "draft": "Draft · ", "adopted": "Adoption recorded", "why_needed": "Not saved: say why",
           "by_county": "Which counties would reach ≥ 95% at their recent pace (villages)", "progress": "progress",
           "as_of": "No 2026 return has arrived yet: below, the targets of the 15th plan as of 2023",
           "reference": "Reference: national aim for 2030, 98%",
           "history": "Changes to draft targets: drafted, adopted, withdrawn, by whom and when"},
}


@pytest.fixture
def office(tmp_path, world, users_file, open_app):
    """The app on a copy of the small world (adopting reassesses it), its catalogue with a plan running now whose
    base year is the world's last (2023, to 2028), and a national reference figure; signed in as the administrator
    at 上饶市."""
    db = tmp_path / "world.duckdb"
    shutil.copyfile(world, db)
    catalogue = running_world_catalogue(tmp_path, (2023, 2024, 2028))
    raw = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
    raw["references"] = [{"id": "nation_2030", "measure": "water", "year": 2030, "value": 98, "kind": "aim",
                          "source": "水利部", "source_en": "Ministry of Water Resources"}]
    catalogue.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def start(lang: str, page: str = "propose", **params: str):
        return open_app(db, catalogue=catalogue, users=users_file, user="admin", page=page,
                        params={"province": "36", "city": "3611", "lang": lang, **params})

    return start, catalogue


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_province_drafts_a_target_adopts_it_and_every_page_then_shows_it(office, lang):
    start, catalogue = office
    words = WORDS[lang]
    at = start(lang)
    at.selectbox(key="page.measure").set_value("water").run()
    at.selectbox(key="propose.group").set_value("key").run()
    at.text_input(key="propose.values").input("95, 97").run()
    assert not at.exception, at.exception
    assert any(words["reference"] in m.value.replace("\\", "") for m in at.markdown)
    assert words["by_county"] in [s.value for s in at.subheader]
    counties = tables_shown(at)[1]  # 玉山县 and 铅山县: their key villages, how many would reach 95%
    assert counties.iloc[:, 1].astype(int).sum() == 4 and len(counties) == 2

    assert not any(b.label in ("保存草案", "Save draft") for b in at.button)  # the form is built once opened
    at.session_state["propose.draft.open"] = True
    at.run()
    save = next(b for b in at.button if b.label in ("保存草案", "Save draft"))
    save.click().run()  # no reason given: refused, nothing written
    assert words["why_needed"] in at.error[0].value
    assert not (catalogue.parent / "catalogue-36.yaml").exists()

    at.text_area(key="propose.draft.why").input("按近年进度，重点村总体可达95%")
    at.checkbox(key="propose.draft.headline").check()
    next(b for b in at.button if b.label in ("保存草案", "Save draft")).click().run()
    assert not at.exception, at.exception
    assert words["saved"] in at.success[0].value and "p15_3611_key_water_95" in at.success[0].value
    assert [e.label for e in at.expander if e.label.startswith(words["draft"])] == [
        f"{words['draft']}{'上饶市重点村自来水普及率达到95%' if lang == 'zh' else 'Tap water ≥ 95% in Key villages'}"
        " · `p15_3611_key_water_95`"]

    name = "上饶市重点村自来水普及率达到95%" if lang == "zh" else "Tap water ≥ 95% in Key villages"
    # not shown elsewhere while a draft: the briefing of the plan's years has no card of it (nor any result)
    briefing = start(lang, page="overview", year="2026")
    assert not briefing.exception and len(briefing.info) == 1
    assert not any(name in m.value for m in briefing.markdown) and name not in cards_shown(briefing)

    draft = "p15_3611_key_water_95"
    assert not any(w.key == f"adopt.zh.{draft}" for w in at.text_input)  # the draft's panel is built once opened
    at.session_state[f"propose.draft.{draft}.open"] = True
    at.session_state["propose.history.open"] = True  # the changes kept (留痕): their table built once opened
    at.run()
    n_tables = len(at.dataframe)
    assert at.dataframe[-1].value.iloc[:, 1].tolist() == (["起草"] if lang == "zh" else ["Drafted"])
    at.text_input(key=f"adopt.zh.{draft}").input("上饶市“十五五”农村供水保障规划")
    at.text_input(key=f"adopt.number.{draft}").input("饶府发〔2026〕12号")
    at.text_input(key=f"adopt.issuer.{draft}").input("上饶市人民政府")
    at.text_input(key=f"adopt.date.{draft}").input("2026-12-20")
    at.text_input(key=f"adopt.clause.{draft}").input("二、主要目标")
    next(b for b in at.button if b.label in ("登记印发", "Record adoption")).click().run()
    assert not at.exception, at.exception
    assert not [e.label for e in at.expander if e.label.startswith(words["draft"])]
    assert [e.label for e in at.expander if e.label == words["history"]] == [words["history"]]
    # still open with the adoption recorded in it (a label counting the changes made it a new, closed panel)
    assert at.session_state["propose.history.open"] and len(at.dataframe) == n_tables
    history = at.dataframe[-1].value
    assert history.iloc[:, 1].tolist() == (["登记印发", "起草"] if lang == "zh" else ["Adoption recorded", "Drafted"])

    briefing = start(lang, page="overview", year="2026")  # no 2026 return yet: the plan's targets as of 2025
    assert not briefing.exception, briefing.exception
    assert words["as_of"] in briefing.markdown[0].value
    assert cards_shown(briefing)[name]["target"] == draft
    trends = start(lang, page="trends", target=draft)
    assert not trends.exception and trends.selectbox(key="page.target").value == draft
    report = start(lang, page="final", plan="p15")
    assert not report.exception
    assert words["progress"] in report.title[0].value
    assert any(name in m.value for m in report.markdown) or any(
        name in str(d.value.to_dict()) for d in report.dataframe)

