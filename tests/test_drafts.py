"""Draft targets (tracker.core.drafts): saved from 目标测算 into the province's own file, checked whole, adopted
with the document that issued them, every change kept; and the reference figures beside a proposal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import WORLD
from tracker.core import drafts
from tracker.core.access import User
from tracker.core.catalogue import CatalogueError, load_catalogue
from tracker.queries import propose

DOCUMENT = {"zh": "上饶市“十五五”农村供水保障规划", "en": "Shangrao rural water plan 2026-2030",
            "issuer": "上饶市人民政府", "number": "饶府发〔2026〕12号", "date": "2026-12-20"}


def running_world_catalogue(folder: Path, years: tuple[int, int, int] = (2025, 2026, 2030)) -> Path:
    """The small world's catalogue with a second plan (base year, start, end), running now (drafts are of it)."""
    raw = yaml.safe_load((WORLD / "catalogue.yaml").read_text(encoding="utf-8"))
    raw["plans"].append({"id": "p15", "zh": "十五五", "en": "15th plan", "start_year": years[1], "end_year": years[2],
                         "base_year": years[0]})
    path = folder / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def catalogue(tmp_path):
    return load_catalogue(running_world_catalogue(tmp_path))


def entry(**changes) -> dict:
    """A draft as 目标测算 makes it: key villages' tap water ≥ 95% by 2030, read as a whole."""
    found = {"id": "p15_3611_water_95", "zh": "重点村自来水普及率达到95%", "en": "Tap water ≥ 95% in key villages",
             "plan": "p15", "theme": "all", "measure": "water", "rule": {"kind": "threshold", "op": ">=", "value": 95.0},
             "population": {"region": "3611", "level": "village", "group": "key"},
             "region_reading": {"kind": "aggregate", "reason": "整体", "reason_en": "as a whole"},
             "base_year": 2025, "deadline": 2030, "assess_at": ["city", "county"]}
    return {**found, **changes}


def test_a_draft_is_kept_in_the_province_file_shown_nowhere_else_and_needs_no_reassessment(catalogue):
    saved = drafts.save_draft(catalogue, entry(), "按近年进度九成可达", "省乡村振兴局")
    path = catalogue.path.parent / "catalogue-36.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw["province"] == "36" and [x["id"] for x in raw["targets"]] == ["p15_3611_water_95"]
    assert raw["targets"][0]["drafted"]["by"] == "省乡村振兴局"
    assert raw["targets"][0]["drafted"]["at"].endswith("+08:00")  # Beijing time
    assert list(saved.drafts) == ["p15_3611_water_95"] and "p15_3611_water_95" not in saved.targets
    assert saved.sha256 == catalogue.sha256  # nothing assessed changed
    assert saved.origin("targets", "p15_3611_water_95") == "catalogue-36.yaml"
    # the main file is untouched
    assert "p15_3611_water_95" not in (catalogue.path).read_text(encoding="utf-8")


def test_a_refused_draft_names_the_wrong_field_and_writes_nothing(catalogue):
    with pytest.raises(drafts.DraftRefused) as refused:
        drafts.save_draft(catalogue, entry(deadline=2040), "理由充分", "省乡村振兴局")
    assert refused.value.problems == [
        "catalogue-36.yaml: targets[0] (p15_3611_water_95).deadline: 2040 is outside plan p15 (2026-2030)"]
    with pytest.raises(drafts.DraftRefused) as refused:
        drafts.save_draft(catalogue, entry(rule={"kind": "threshold", "op": ">=", "value": 120}), "理由", "省局")
    assert refused.value.problems == [
        "catalogue-36.yaml: targets[0] (p15_3611_water_95).rule.value: 120 is outside water's range 0 to 100"]
    with pytest.raises(drafts.DraftRefused) as refused:  # an id in force is never overwritten
        drafts.save_draft(catalogue, entry(id="t_water"), "理由", "省局")
    assert "a target in force has this id" in refused.value.problems[0]
    assert not (catalogue.path.parent / "catalogue-36.yaml").exists()
    assert drafts.history(catalogue) == []


def test_revise_adopt_and_every_change_kept(catalogue):
    first = drafts.save_draft(catalogue, entry(), "初稿", "省局甲")
    revised = drafts.save_draft(first, entry(rule={"kind": "threshold", "op": ">=", "value": 96.0}), "提高到96%", "省局乙")
    assert revised.drafts["p15_3611_water_95"].rule.value == 96
    adopted = drafts.adopt(revised, "p15_3611_water_95", DOCUMENT, "二、主要目标", "重点村自来水普及率达到96%", "省局丙")
    target = adopted.targets["p15_3611_water_95"]
    assert not adopted.drafts and not target.is_draft
    assert target.adopted.by == "省局丙" and target.drafted.why == "提高到96%"
    document = adopted.documents[target.source.document]
    assert (document.number, document.issuer, document.file) == ("饶府发〔2026〕12号", "上饶市人民政府", None)
    assert target.source.clause == "二、主要目标"
    assert adopted.sha256 != catalogue.sha256  # adopting changes what is assessed
    changes = drafts.history(adopted, "p15_3611_water_95")
    assert [(c["act"], c["by"]) for c in changes] == [("adopt", "省局丙"), ("revise", "省局乙"), ("draft", "省局甲")]
    assert changes[1]["before"]["rule"]["value"] == 95 and changes[1]["after"]["rule"]["value"] == 96
    assert changes[0]["why"] == "上饶市“十五五”农村供水保障规划（饶府发〔2026〕12号）二、主要目标"
    log = (catalogue.path.parent / "catalogue-36.changes.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(log) == 3 and json.loads(log[0])["act"] == "draft"
    with pytest.raises(drafts.DraftRefused):  # adopted: no longer a draft to adopt or withdraw
        drafts.withdraw(adopted, "p15_3611_water_95", "不再需要", "省局")


def test_withdraw_removes_the_draft_and_keeps_its_versions(catalogue):
    saved = drafts.save_draft(catalogue, entry(), "初稿", "省局")
    gone = drafts.withdraw(saved, "p15_3611_water_95", "口径待定", "市局")
    assert not gone.drafts and "p15_3611_water_95" not in gone.targets
    last = drafts.history(gone)[0]
    assert (last["act"], last["by"], last["why"], last["after"]) == ("withdraw", "市局", "口径待定", None)
    assert last["before"]["id"] == "p15_3611_water_95"


def may_draft(role: str, scope: str, area: str) -> bool:
    return User("u", "u", role, scope).may_lead(area)


def test_who_may_draft():
    assert may_draft("admin", "", "3611") and may_draft("loader", "36", "3611")
    assert may_draft("loader", "3611", "3611")
    assert not may_draft("viewer", "36", "3611")  # a viewer reads
    assert not may_draft("loader", "361123", "361123")  # a county office reports, the city sets
    assert not may_draft("admin", "", "361123")  # a county area
    assert not may_draft("loader", "3612", "3611")  # outside the scope


def test_the_draft_from_a_proposal_reads_as_the_proposal_did(world, catalogue):
    import duckdb

    con = duckdb.connect(str(world), read_only=True)
    found = propose.propose(con, catalogue, "water", "3611", propose.Candidate(95, 2030, reading="share_of_units",
                                                                               share=80), group="key")
    made = propose.as_target(found, "p15", 2025, "all", "名", "name", "key", headline=True)
    assert made["rule"] == {"kind": "threshold", "op": ">=", "value": 95}
    assert made["population"] == {"region": "3611", "level": "village", "group": "key"}
    assert made["region_reading"]["kind"] == "share_of_units" and made["region_reading"]["share"] == 80
    assert made["assess_at"] == ["city", "county"] and made["headline"] is True
    assert made["id"] == "p15_3611_key_water_95"
    assert propose.as_target(found, "p15", 2025, "all", "名", "name")["id"] == "p15_3611_water_95"  # no group: apart
    saved = drafts.save_draft(catalogue, made, "测算", "省局")
    assert saved.drafts["p15_3611_key_water_95"].region_reading.share == 80


def test_reference_figures_are_checked_and_found_by_measure_and_province(tmp_path):
    path = running_world_catalogue(tmp_path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["references"] = [
        {"id": "nation_2030", "measure": "water", "year": 2030, "value": 98, "kind": "aim", "source": "部委",
         "source_en": "ministry"},
        {"id": "jx_2025", "measure": "water", "region": "36", "year": 2025, "value": 90, "kind": "actual",
         "source": "省厅", "source_en": "province"},
        {"id": "js_2025", "measure": "water", "region": "32", "year": 2025, "value": 99, "kind": "actual",
         "source": "省厅", "source_en": "province"}]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    catalogue = load_catalogue(path)
    assert [r.id for r in propose.references(catalogue, "water", "3611")] == ["jx_2025", "nation_2030"]
    assert [r.id for r in propose.references(catalogue, "water", "32")] == ["js_2025", "nation_2030"]
    raw["references"][0]["measure"] = "nothing"
    raw["references"][1]["value"] = 120
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as broken:
        load_catalogue(path)
    assert broken.value.problems == ["references[0] (nation_2030).measure: unknown measure 'nothing'",
                                     "references[1] (jx_2025).value: 120 is outside water's range"]


def test_the_shipped_references_are_the_ministry_figures():
    catalogue = load_catalogue()
    found = {(r.region, r.year, r.kind): r.value for r in propose.references(catalogue, "tap_water_rate", "3611")}
    assert found == {(None, 2025, "actual"): 96, (None, 2026, "aim"): 97, (None, 2030, "aim"): 98}
