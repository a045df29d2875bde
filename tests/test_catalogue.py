"""indicators.yaml: the real catalogue is valid and faithful to the policies; broken ones fail clearly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.build import init_store, known_regions
from tests.conftest import ROOT
from tracker.core import settings
from tracker.core.catalogue import CatalogueError, clause_context, load_catalogue

BROKEN = Path(__file__).parent / "broken_catalogues"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(regions=known_regions())


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_real_catalogue_is_valid_and_complete(catalogue):
    assert len(catalogue.targets) == 55
    assert len(catalogue.documents) == 5
    by_document = {}
    for target in catalogue.targets.values():
        if target.source:
            by_document[target.source.document] = by_document.get(target.source.document, 0) + 1
    assert by_document == {"js-2021-4": 4, "js-2018-3yr": 17, "lyg-2021-36": 6, "gz-2021-6": 8, "sr-2021-draft": 19}
    used = {t.measure for t in catalogue.targets.values()}
    used |= {t.rule.benchmark.measure for t in catalogue.targets.values()
             if t.rule.kind == "relative_growth" and t.rule.benchmark.measure}
    used.add("households")  # the weight of village rates in roll-ups (tracker.assess)
    assert used == set(catalogue.measures), "every measure serves a target"


def test_every_quote_stands_in_its_document(catalogue):
    texts = {d.id: (settings.POLICY_DIR / d.file).read_text(encoding="utf-8") for d in catalogue.documents.values()}
    sources = [(t.id, t.source) for t in catalogue.targets.values() if t.source]
    sources += [(g.id, g.source) for g in catalogue.groups.values() if g.source]
    for item_id, source in sources:
        _, found, _ = clause_context(texts[source.document], source.quote)
        assert _squash(found) == _squash(source.quote), item_id
        assert _squash(source.quote) in _squash(texts[source.document]), item_id


@pytest.mark.parametrize(
    "target_id, measure, kind, region, group",
    [
        ("sr_tap_water_90", "tap_water_rate", "threshold", "3611", "sr_key_village"),
        ("sr_gigabit_80", "gigabit_fiber", "share", "3611", None),
        ("sr_sanitary_toilet", "sanitary_toilet_rate", "threshold", "3611", "sr_key_village"),
        ("js_weak_village_income_growth", "collective_operating_income", "relative_growth", "32", "js_weak_village"),
        ("js_key_county_income_growth", "rural_income_per_capita", "relative_growth", "32", "js_key_county"),
    ],
)
def test_the_fixed_targets(catalogue, target_id, measure, kind, region, group):
    t = catalogue.targets[target_id]
    assert (t.measure, t.rule.kind, t.population.region, t.population.group) == (measure, kind, region, group)
    assert (t.base_year, t.deadline, t.plan) == (2020, 2025, "fyp14")


def test_fixed_target_rules_say_what_the_policies_say(catalogue):
    tap = catalogue.targets["sr_tap_water_90"].rule
    assert (tap.op, tap.value) == (">=", 90)
    gigabit = catalogue.targets["sr_gigabit_80"]
    assert (gigabit.rule.condition.op, gigabit.rule.condition.value, gigabit.rule.op, gigabit.rule.value) == ("==", 1, ">=", 80)
    assert gigabit.population.kind == "village_committee" and gigabit.population.level == "village"
    assert gigabit.assess_at == ["county", "city"]
    toilet = catalogue.targets["sr_sanitary_toilet"]
    assert toilet.rule.value == 90 and "基本普及" in toilet.interpretation
    weak = catalogue.targets["js_weak_village_income_growth"].rule
    assert weak.benchmark.kind == "population_mean" and weak.benchmark.within == "province"
    assert weak.benchmark.population.region == "32" and weak.benchmark.population.kind == "village_committee"
    key = catalogue.targets["js_key_county_income_growth"].rule
    assert key.benchmark.kind == "recorded" and key.benchmark.region == "32"


def test_fixed_measures_and_groups(catalogue):
    units = {m: catalogue.measures[m].unit for m in ("tap_water_rate", "gigabit_fiber", "sanitary_toilet_rate",
                                                     "collective_operating_income", "rural_income_per_capita")}
    assert units == {"tap_water_rate": "%", "gigabit_fiber": "是/否", "sanitary_toilet_rate": "%",
                     "collective_operating_income": "万元", "rural_income_per_capita": "元"}
    assert catalogue.measures["gigabit_fiber"].type == "bool"
    assert "county" in catalogue.measures["rural_income_per_capita"].levels
    assert catalogue.groups["sr_key_village"].expected_size == 408
    assert {g.id: g.expected_size for g in catalogue.groups.values() if g.parent == "sr_key_village"} == {
        "sr_key_village_provincial": 308, "sr_key_village_city": 100}


def test_the_twelve_key_counties_are_the_named_ones(catalogue, store_path):
    con = duckdb.connect(str(store_path), read_only=True)
    names = con.execute(
        "select r.name from group_member g join region r on r.code = g.region_code "
        "where g.group_id = 'js_key_county' order by r.code").fetchall()
    assert [n for (n,) in names] == ["丰县", "睢宁县", "灌云县", "灌南县", "淮安区", "淮阴区", "涟水县",
                                     "响水县", "滨海县", "沭阳县", "泗阳县", "泗洪县"]
    counts = dict(con.execute("select group_id, count(*) from group_member group by 1").fetchall())
    assert counts == {"js_key_county": 12, "js_north_city": 5, "gz_former_poverty_county": 11}


def test_a_15th_plan_target_is_yaml_only(catalogue):
    examples = [t for t in catalogue.targets.values() if t.example]
    assert [(t.plan, t.base_year, t.deadline) for t in examples] == [("fyp15", 2025, 2030)]
    assert catalogue.plans["fyp15"].start_year == 2026


BROKEN_CASES = {
    "unknown_measure": ["targets[0] (sr_tap_water_90).measure: unknown measure 'tap_water'"],
    "bad_rule_kind": ["targets[0] (sr_tap_water_90).rule: Input tag 'percentage'"],
    "deadline_before_base": ["targets[0] (sr_tap_water_90): deadline 2019 is not after base year 2020"],
    "deadline_outside_plan": ["targets[0] (sr_tap_water_90).deadline: 2028 is outside plan fyp14 (2021-2025)"],
    "duplicate_id": ["measures: duplicate id 'tap_water_rate'"],
    "quote_not_found": ["targets[0] (sr_tap_water_90).source.quote: not found in shangrao-key-villages-2021-draft.txt"],
    "unknown_key": ["targets[0] (sr_tap_water_90).deadine: Extra inputs are not permitted",
                    "targets[0] (sr_tap_water_90).deadline: Field required"],
    "bad_id": ["targets[0] (SR-Tap-Water).id: String should match pattern"],
    "unknown_group": ["targets[0] (sr_tap_water_90).population.group: unknown group 'sr_key_villages'"],
    "unknown_document": ["targets[0] (sr_tap_water_90).source.document: unknown document 'sr-2022'"],
    "unknown_region": ["targets[0] (sr_tap_water_90).population.region: region code 3699 is not in the reference geography"],
    "value_out_of_range": ["targets[0] (sr_tap_water_90).rule.value: 120 is outside tap_water_rate's range 0 to 100"],
    "milestone_on_rate": ["targets[0] (sr_tap_water_90).rule: a milestone needs a yes/no measure; tap_water_rate is rate"],
    "missing_source": ["targets[0] (sr_tap_water_90): a target needs a source"],
    "not_yaml": ["not valid YAML"],
    "several_problems": ["unknown measure 'tap_water'", "2028 is outside plan fyp14", "unknown group 'nobody'"],
}


def test_the_broken_folder_and_the_table_agree():
    assert {p.stem for p in BROKEN.glob("*.yaml")} - {"_valid"} == set(BROKEN_CASES)


def test_the_valid_base_of_the_broken_cases_loads():
    assert list(load_catalogue(BROKEN / "_valid.yaml", regions=known_regions()).targets) == ["sr_tap_water_90"]


@pytest.mark.parametrize("name, messages", BROKEN_CASES.items())
def test_a_broken_catalogue_names_every_problem(name, messages):
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(BROKEN / f"{name}.yaml", regions=known_regions())
    for message in messages:
        assert any(message in p for p in caught.value.problems), (message, caught.value.problems)
    assert len(caught.value.problems) >= len(messages)
    assert f"{name}.yaml" in str(caught.value)


def test_cli_check(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "etl", "check"], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0
    assert "55 targets, 44 measures, 9 groups, 5 documents; every quote found" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "etl", "check", "--catalogue", str(BROKEN / "several_problems.yaml")],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "3 problem(s) in the catalogue" in bad.stderr
    assert "unknown group 'nobody'" in bad.stderr


def test_init_refuses_a_broken_catalogue_and_writes_nothing(tmp_path):
    db = tmp_path / "never.duckdb"
    with pytest.raises(CatalogueError, match="unknown measure"):
        init_store(db, catalogue_file=BROKEN / "unknown_measure.yaml")
    assert not db.exists()


def test_what_the_catalogue_says_in_english_is_english(catalogue):
    """Interpretations, region readings and audit rules read in English on the English pages (no Chinese but
    the names of documents and the quotes, shown elsewhere)."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for target in catalogue.targets.values():
        assert not cjk.search(target.interpretation_in("en")), target.id
        reading = catalogue.reading(target)
        assert reading is None or not cjk.search(reading.why("en")), target.id
        assert bool(target.interpretation) == bool(target.interpretation_en), target.id
    for rule in catalogue.audit.values():
        assert not cjk.search(rule.message("en") + rule.why("en")), rule.id
