"""A deterministic demo dataset for Jiangsu and Jiangxi, 2020-2025, loaded through the front door.

The generator writes the return files counties would send (wide CSV by city for villages and
townships, one for counties, cities and provinces, and the group lists) and loads them with
etl.load, so the demo exercises the real load path. Same seed, same store.

Calibration against published figures, and what is assumed where no figure was published:
- Rural income (元): Jiangsu 2021 ≈ 26,800, 2022 28,486 (+6.3%); Jiangxi 2019 15,796, 2024 22,673 (+6.2%).
  Provincial figures are recorded at province level; counties spread around them (north Jiangsu and the
  mountain counties of southern Jiangxi behind, key counties catching up a little faster).
- Village collective operating income: Jiangsu's average above 230万元 in 2023 (skewed: most villages far
  below the mean); Jiangxi assumed ~35万元 in 2020 with ~10% growth.
- Tap water: Jiangxi 88.8% (2023); Jiangsu assumed 97% in 2020. Sanitary toilets: China ~73% (2023),
  ~77% (2025); Jiangsu assumed 92% in 2020, Jiangxi 72%.
- Gigabit fibre (双千兆): no published share; assumed 35% of Jiangsu villages in 2021 rising to 97% in 2025,
  Jiangxi 20% to 82% (so Shangrao's 80% target ends up on the edge).
- Everything else is assumed, with levels chosen so that targets end up mixed: met, missed, on the edge.
National (`etl demo --national`, for benchmarks and a national office's first look): every province's units on
their real codes, province by province, with the same models; a province's levels and yearly changes lie
between the two seed provinces' by where its rural income stands between theirs (`position`, from approximate
2023 rural per-capita disposable incomes; assumed, clipped to −0.8 … 1.3: 0 is Jiangxi, 1 Jiangsu; amounts are
placed geometrically, so a poorer province's stay positive). Against calibration, the national store gives
household-weighted village tap water 86% (2020, published 83%), 90% (2023, 90%), 92% (2025, 96%); sanitary
toilets 84% (2023, published above 73%: the models' levels are the two seed provinces', high for the west);
counties' mean rural income 16,784 元 (2020, published 17,131) and 23,280 元 (2025, 24,456).
Groups: Jiangsu's 12 key counties come from the catalogue; the demo picks 经济薄弱村 among the low-income
villages of the key counties, Shangrao's 408 key villages (308 provincial + 100 city) favouring its poorer
counties, 821 weak villages of the 13th plan in northern Jiangsu and Lianyungang's 20 样板村; it says so.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

from etl.build import REGIONS_FILE
from tracker.core import settings
from tracker.core.catalogue import Catalogue, load_catalogue
from tracker.core.codes import level_of

YEARS = list(range(2020, 2026))
PROVINCES = ("32", "36")

# Approximate 2023 rural per-capita disposable income (元) by province, placing each between Jiangxi (0) and
# Jiangsu (1) for the national demo's levels (assumed round figures; the seed provinces' own models are exact).
RURAL_INCOME_2023 = {
    "11": 37_400, "12": 30_900, "13": 20_700, "14": 17_700, "15": 21_200, "21": 21_500, "22": 19_500, "23": 19_800,
    "31": 43_000, "32": 30_488, "33": 40_300, "34": 21_100, "35": 26_700, "36": 21_358, "37": 23_800, "41": 20_100,
    "42": 21_300, "43": 20_900, "44": 25_100, "45": 18_700, "46": 20_700, "50": 20_800, "51": 20_000, "52": 14_800,
    "53": 16_400, "54": 19_900, "61": 17_000, "62": 13_100, "63": 15_600, "64": 17_800, "65": 17_900,
}


def position(province: str) -> float:
    """Where a province's levels lie: 0 Jiangxi's, 1 Jiangsu's, others by rural income (clipped)."""
    if province in PROVINCES:
        return 1.0 if province == "32" else 0.0
    income = RURAL_INCOME_2023.get(province, RURAL_INCOME_2023["36"])
    w = (income - RURAL_INCOME_2023["36"]) / (RURAL_INCOME_2023["32"] - RURAL_INCOME_2023["36"])
    return float(np.clip(w, -0.8, 1.3))


@dataclass(frozen=True)
class Model:
    """How one measure behaves: its 2020 level per province, yearly change, spread between units."""

    base: tuple[float, float]  # 2020 level in Jiangsu, Jiangxi (rates: %, bool: probability, money: mean)
    change: tuple[float, float]  # yearly: points (rate, bool probability) or growth rate (money, count, number)
    spread: float  # relative spread between units (county and village effects scale it)
    kind: str = "level"  # level / growth / flag
    reach: float = 0.12  # flags: how much a unit's development index moves its chance of having it


MODELS: dict[str, Model] = {
    # income and collective economy
    "rural_income_per_capita": Model((25_200, 16_980), (0.063, 0.068), 0.12, "growth"),
    "village_income_per_capita": Model((24_000, 16_000), (0.062, 0.068), 0.18, "growth"),
    "low_income_income_per_capita": Model((9_800, 7_200), (0.08, 0.085), 0.10, "growth"),
    "collective_operating_income": Model((185, 35), (0.07, 0.10), 0.9, "growth"),
    "collective_income": Model((260, 55), (0.06, 0.08), 0.8, "growth"),
    # industry
    "characteristic_industries": Model((1.4, 0.8), (0.08, 0.12), 0.5, "growth"),
    "model_village_started": Model((0.2, 0.0), (0.8, 0.0), 0.0, "flag"),
    "model_village_completed": Model((0.0, 0.0), (0.3, 0.0), 0.0, "flag"),
    "city_industrial_parks": Model((1.0, 0.5), (0.25, 0.1), 0.5, "growth"),
    # living environment
    "sanitary_toilet_rate": Model((92, 76), (1.2, 3.4), 0.08),
    "problem_toilets_rectified": Model((0.5, 0.4), (0.45, 0.4), 0.0, "flag"),
    "toilet_waste_treatment_rate": Model((80, 55), (2.0, 4.5), 0.12),
    "garbage_collection": Model((0.99, 0.99), (0.004, 0.004), 0.0, "flag", reach=0.02),
    "village_plan_done": Model((0.3, 0.15), (0.3, 0.35), 0.0, "flag"),
    "maintenance_platform": Model((0.0, 0.1), (0.1, 0.18), 0.0, "flag"),
    "maintenance_three_haves": Model((0.5, 0.35), (0.08, 0.12), 0.0, "flag"),
    # infrastructure
    "tap_water_rate": Model((97, 86), (0.5, 1.6), 0.05),
    "gigabit_fiber": Model((0.2, 0.08), (0.16, 0.15), 0.0, "flag"),
    "fiber_4g": Model((0.96, 0.93), (0.01, 0.015), 0.0, "flag"),
    "grid_capacity_per_household": Model((2.6, 1.8), (0.04, 0.08), 0.18, "growth"),
    "express_service_point": Model((0.6, 0.3), (0.07, 0.11), 0.0, "flag"),
    "ecommerce_express_station": Model((0.12, 0.05), (0.05, 0.05), 0.3, "flag"),  # assumed: few, growing
    "two_lane_road": Model((0.96, 0.8), (0.005, 0.02), 0.0, "flag"),
    "rural_road_km_built": Model((60, 80), (-0.02, 0.0), 0.4, "growth"),
    "households": Model((520, 470), (-0.004, -0.008), 0.45, "growth"),  # assumed: villages slowly empty
    # public services
    "preschool_enrolment_rate": Model((98, 86), (0.3, 0.6), 0.04),
    "schools_meeting_standard_rate": Model((97, 90), (0.4, 1.0), 0.03),
    "new_agritech_staff": Model((0.3, 0.3), (0.35, 0.35), 0.6, "growth"),
    # preventing relapse into poverty
    "dibao_standard": Model((8_400, 6_600), (0.05, 0.06), 0.08, "growth"),
    "warning_line_ratio": Model((1.2, 1.2), (0.0, 0.0), 0.03),
    "risk_identified_in_time_rate": Model((98, 97.5), (0.8, 2.0), 0.03),
    "poverty_insurance_premium": Model((80, 60), (0.06, 0.05), 0.15, "growth"),
    "low_income_insured_rate": Model((99.6, 99.2), (0.05, 0.1), 0.005),
    "pension_premium_paid_rate": Model((99.5, 99.0), (0.05, 0.1), 0.005),
    "employment_assistance_rate": Model((98.5, 97), (0.2, 0.3), 0.01),
    "low_income_new_employment": Model((900, 700), (-0.05, -0.04), 0.5, "growth"),
    "dilapidated_house_renovation_rate": Model((99.5, 98.5), (0.1, 0.2), 0.01),
    "key_county_exited": Model((1.0, 0.0), (0.0, 0.0), 0.0, "flag"),
    "enterprise_paired": Model((0.97, 0.9), (0.005, 0.01), 0.0, "flag"),
    # governance
    "secretary_is_director": Model((0.6, 0.5), (0.35, 0.3), 0.0, "flag"),
    "poverty_meetings": Model((11, 8), (0.0, 0.0), 0.25, "growth"),
    # funding
    "linkage_funds": Model((80, 70), (0.06, 0.1), 0.35, "growth"),
    "industry_fund_share": Model((52, 48), (1.5, 2.0), 0.1),
    "land_revenue_rural_share": Model((6, 5), (0.6, 0.7), 0.2),
}


def _seeded(seed: int, *parts: object) -> np.random.Generator:
    """A random generator for one purpose, from the seed and the purpose's name (stable across runs)."""
    digest = hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).digest()
    return np.random.Generator(np.random.PCG64(int.from_bytes(digest[:8], "big")))


def _units(levels: tuple[str, ...], provinces: tuple[str, ...] = PROVINCES) -> "duckdb.DuckDBPyRelation":
    con = settings.connect()
    return con.execute(
        "select code, level, kind, name from read_parquet(?) "
        "where list_contains(?, level) and (level <> 'village' or kind = 'village_committee') "
        "and list_contains(?, left(code, 2)) order by code",
        [str(settings.REFERENCE_DIR / REGIONS_FILE), list(levels), list(provinces)],
    ).df()


NORTH_JIANGSU = ("3203", "3207", "3208", "3209", "3213")
# Measures reported only in the places a policy names. (样板村, key-county exit and linkage funds are
# reported only by their group's members: _policy_overrides leaves every other unit blank.)
ONLY_IN: dict[str, Callable[[str], bool]] = {
    "city_industrial_parks": lambda c: c.startswith("3207"),
    "poverty_insurance_premium": lambda c: c.startswith("3207"),
    "warning_line_ratio": lambda c: c.startswith("3607"),
    "risk_identified_in_time_rate": lambda c: c.startswith("3607"),
    "new_agritech_staff": lambda c: c.startswith("3607"),
}


def _effects(codes: np.ndarray, seed: int, key_counties: set[str]) -> np.ndarray:
    """A development index per unit: county (structural + random), township and own effects."""
    county = np.array([c[:6] for c in codes])
    out = np.zeros(len(codes))
    for c in np.unique(county):
        rng = _seeded(seed, "county", c)
        structural = -0.8 if c[:4] in NORTH_JIANGSU else 0.0
        structural += -0.6 if c[:4] in ("3607", "3611") else 0.0
        structural += -0.4 if c in key_counties else 0.0
        out[county == c] += structural + 0.5 * rng.standard_normal()
    towns = np.array([c[:9] if len(c) >= 9 else c for c in codes])
    for t in np.unique(towns):
        out[towns == t] += 0.35 * _seeded(seed, "town", t).standard_normal()
    rng = _seeded(seed, "own", len(codes))
    return out + 0.3 * rng.standard_normal(len(codes))


def _series(name: str, m_type: str, model: Model, codes: np.ndarray, d: np.ndarray, seed: int,
            lo: float | None, hi: float | None, boost: np.ndarray, focus: np.ndarray) -> np.ndarray:
    """Values (units × years) of one measure.

    `boost` marks units of key counties (incomes grow a little faster); `focus` marks the villages a
    plan singles out (重点帮扶村, 经济薄弱村), where works arrive faster: rates close their gap to
    100 about 2.5 times as fast and milestones spread sooner, as the plans intend.
    """
    prefixes = np.array([c[:2] for c in codes])
    w = np.zeros(len(codes))  # 1 Jiangsu's levels, 0 Jiangxi's
    for province in np.unique(prefixes):
        w[prefixes == province] = position(province)
    base = model.base[0] * w + model.base[1] * (1 - w)
    if model.kind == "growth" and min(model.base) > 0:  # amounts scale: between (and beyond) the two geometrically
        between = np.exp(np.log(model.base[0]) * w + np.log(model.base[1]) * (1 - w))
        base = np.where((w == 0) | (w == 1), base, between)  # the seed provinces keep their exact levels
    change = model.change[0] * w + model.change[1] * (1 - w)
    rng = _seeded(seed, "measure", name)
    t = np.arange(len(YEARS))[None, :]
    if model.kind == "flag":
        u = rng.random(len(codes))[:, None]  # fixed per unit: once reached, a milestone stays reached
        p = np.clip(base[:, None] + change[:, None] * (1 + 0.6 * focus[:, None]) * t + model.reach * d[:, None], 0, 1)
        return (u < p).astype(float)
    if model.kind == "growth":
        level = base * np.exp(model.spread * d + model.spread * 0.5 * rng.standard_normal(len(codes))
                              - model.spread ** 2 / 2)
        growth = change + 0.015 * boost + 0.02 * rng.standard_normal(len(codes))
        regress = rng.random(len(codes)) < 0.04  # a few units go backwards
        growth = np.where(regress, -np.abs(growth) * 0.6, growth)
        yearly = 1 + growth[:, None] + 0.015 * rng.standard_normal((len(codes), len(YEARS)))
        yearly[:, 0] = 1
        values = level[:, None] * np.cumprod(yearly, axis=1)
        if m_type == "count":
            values = np.floor(values + rng.random(values.shape))
        return values
    if m_type == "rate" and hi == 100:  # saturating: the gap to 100 shrinks
        gap0 = np.clip((100 - base) * np.exp(-0.6 * d + 0.25 * rng.standard_normal(len(codes))), 0.3, 100)
        speed = change / np.maximum(100 - base, 1) * (1 + 0.3 * rng.standard_normal(len(codes))) * (1 + 1.6 * focus)
        speed = np.where(rng.random(len(codes)) < 0.04, -0.03, speed)  # a few regress
        values = 100 - gap0[:, None] * np.exp(-speed[:, None] * t)
        values = np.where(values >= 99.2, 100.0, values)  # a nearly complete job is reported as done
        values = np.maximum(values, 1.5)  # a village that regresses does not fall to nothing
    else:
        values = (base * (1 + model.spread * (0.5 * d + 0.5 * rng.standard_normal(len(codes)))))[:, None] \
            + change[:, None] * t
    return np.clip(values, lo if lo is not None else -np.inf, hi if hi is not None else np.inf)


def _text(values: np.ndarray, m_type: str) -> list[str]:
    if m_type == "bool":
        return ["是" if v >= 0.5 else "否" for v in values]
    if m_type == "count":
        return [str(int(v)) for v in values]
    return [f"{v:.1f}" for v in values]


# Recorded provincial rural income (元): published figures, and assumed ones where none was published.
RECORDED_RURAL_INCOME = {
    "32": [24_198, 26_791, 28_486, 30_488, 32_450, 34_400],  # 2024-2025 assumed (+6.4%, +6.0%)
    "36": [16_981, 18_684, 19_936, 21_358, 22_673, 24_030],  # 2025 assumed (+6.0%)
}


@dataclass
class DemoData:
    tables: dict[str, tuple[list[str], list[str], dict[str, list[str]]]]  # file -> (codes, years, columns)
    groups: list[tuple[str, str]]


def generate(catalogue: Catalogue, seed: int, provinces: tuple[str, ...] = PROVINCES) -> DemoData:
    """Every measure at its levels, every year, for every unit of `provinces`; and the demo's group lists."""
    key_counties = set(catalogue.groups["js_key_county"].members or [])
    units = _units(("province", "city", "county", "township", "village"), provinces)
    villages = units[units["level"] == "village"]["code"].to_numpy()
    d_village = _effects(villages, seed, key_counties)
    rng = _seeded(seed, "groups")

    # groups the demo picks (the real lists are not published)
    sr = np.array([c.startswith("3611") for c in villages])
    order = np.argsort(d_village[sr] + 0.6 * rng.standard_normal(sr.sum()))
    sr_key = villages[sr][order[:408]]
    lyg = np.array([c.startswith("3207") for c in villages])
    lyg_model = villages[lyg][np.argsort(-d_village[lyg])[:20]]
    key = np.array([c[:6] in key_counties for c in villages])
    js_weak = villages[key][np.argsort(d_village[key] + 0.5 * rng.standard_normal(key.sum()))[:600]]
    north = np.array([c[:4] in NORTH_JIANGSU for c in villages])
    js_weak_2016 = villages[north][np.argsort(d_village[north])[:821]]
    groups = ([(c, "sr_key_village") for c in sr_key] + [(c, "sr_key_village_provincial") for c in sr_key[:308]]
              + [(c, "sr_key_village_city") for c in sr_key[308:]] + [(c, "lyg_model_village") for c in lyg_model]
              + [(c, "js_weak_village") for c in js_weak] + [(c, "js_weak_village_2016") for c in js_weak_2016])

    tables = {}
    for file, levels in (("villages", ("village",)), ("townships", ("township",)),
                         ("counties", ("county", "city", "province"))):
        codes = units[units["level"].isin(levels)]["code"].to_numpy()
        d = d_village if file == "villages" else _effects(codes, seed, key_counties)
        boost = np.array([1.0 if c[:6] in key_counties or c[:6] in (catalogue.groups[
            "gz_former_poverty_county"].members or []) else 0.0 for c in codes])
        focus = np.isin(codes, sr_key) | np.isin(codes, js_weak)
        missing = _missing(codes, seed, file) & ~focus[:, None]  # counties chase their key villages' returns
        columns: dict[str, list[str]] = {}
        series: dict[str, np.ndarray] = {}
        # the measures the demo models (a province file's own measures get no demo values)
        measures = [m for m in catalogue.measures.values() if set(m.levels) & set(levels) and m.id in MODELS]
        for m in measures:
            values = _series(m.id, m.type, MODELS[m.id], codes, d, seed, *m.valid_range, boost, focus)
            series[m.id] = _policy_overrides(m.id, codes, values, seed, set(sr_key[:308]), set(lyg_model),
                                             key_counties, focus)
        _consistent(series, seed)
        if file == "villages":
            _slips(series, codes, seed)
        unit_levels = np.array([level_of(c) for c in codes])
        for m in measures:
            values = series[m.id]
            applies = np.isin(unit_levels, m.levels)
            if m.id in ONLY_IN:
                applies &= np.array([ONLY_IN[m.id](c) for c in codes])
            text = np.array([_text(values[:, j], m.type) for j in range(len(YEARS))]).T
            text = np.where(applies[:, None] & ~missing & ~np.isnan(values), text, "")
            columns[f"{m.zh}（{m.unit}）"] = text.reshape(-1).tolist()
        tables[file] = (np.repeat(codes, len(YEARS)).tolist(), [str(y) for y in YEARS] * len(codes), columns)
    return DemoData(tables, groups)


def _consistent(series: dict[str, np.ndarray], seed: int) -> None:
    """What one return's figures owe each other: operating income is part of collective income, gigabit
    networks come with fibre and 4G, a model village built was started."""
    if "collective_operating_income" in series and "collective_income" in series:
        part = _seeded(seed, "operating-share").uniform(0.3, 0.95, (len(series["collective_income"]), 1))
        series["collective_operating_income"] = np.round(
            np.minimum(series["collective_operating_income"], series["collective_income"] * part), 1)
    for then, given in (("fiber_4g", "gigabit_fiber"), ("model_village_started", "model_village_completed")):
        if then in series and given in series:
            series[then] = np.where(series[given] >= 0.5, 1.0, series[then])


# The slips a few villages of every county make in the last year's return, as reviewers find them
# (数据审核): collective income in 元 for 万元 (refused), a rate jumping 35 points (to explain).
SLIPS = (("collective_income", "yuan"), ("tap_water_rate", "jump"))


def _slips(series: dict[str, np.ndarray], codes: np.ndarray, seed: int) -> None:
    rng = _seeded(seed, "slips")
    counties = np.array([c[:6] for c in codes])
    for measure, kind in SLIPS:
        values = series.get(measure)
        if values is None:
            continue
        for county in np.unique(counties):
            rows = np.flatnonzero((counties == county) & ~np.isnan(values[:, -1]) & ~np.isnan(values[:, -2]))
            # room for the jump; a sum in 元 the range check does not catch already (under 10 万元)
            rows = rows[values[rows, -2] < 60] if kind == "jump" else rows[values[rows, -1] < 10]
            for i in rng.choice(rows, size=min(2, len(rows)), replace=False) if len(rows) else []:
                values[i, -1] = values[i, -1] * 10_000 if kind == "yuan" else min(100.0, values[i, -2] + 35)


def _missing(codes: np.ndarray, seed: int, file: str) -> np.ndarray:
    """Returns that never came: whole townships in a year (clustered), and a few single units."""
    rng = _seeded(seed, "missing", file)
    towns = np.array([c[:9] for c in codes])
    out = rng.random((len(codes), len(YEARS))) < 0.01
    for t in np.unique(towns):
        town_rng = _seeded(seed, "missing-town", t)
        out[towns == t] |= town_rng.random(len(YEARS)) < 0.025
    if file == "counties":
        out[:] = False  # counties and cities always report
    return out


# Milestones of the key villages with their plan's year: (the year all are done, whether one county is late).
KEY_VILLAGE_DEADLINES = {"village_plan_done": (2022, False), "problem_toilets_rectified": (2021, True),
                         "maintenance_platform": (2025, False), "maintenance_three_haves": (2025, False),
                         "express_service_point": (2025, False)}


def _policy_overrides(name: str, codes: np.ndarray, values: np.ndarray, seed: int, sr_provincial: set[str],
                      lyg_model: set[str], key_counties: set[str], focus: np.ndarray) -> np.ndarray:
    """Series that exist only for a named population, with the timing their targets are about
    (`focus`: the villages a plan singles out)."""
    rng = _seeded(seed, "override", name)
    if name == "characteristic_industries":  # key villages build one industry at least, all by 2025
        built = focus[:, None] & (rng.random((len(codes), 1)) < np.array([[0.3, 0.45, 0.6, 0.75, 0.9, 1.0]]))
        values = np.where(built, np.maximum(values, 1), values)
    if name in KEY_VILLAGE_DEADLINES:  # key villages finish what their plan dates, one county's last few late
        year, late = KEY_VILLAGE_DEADLINES[name]
        counties = sorted({c[:6] for c in codes[focus] if c.startswith("3611")})  # the plan is Shangrao's
        slow = counties[int(rng.integers(len(counties)))] if late and counties else None
        by = YEARS.index(year)
        for i in np.flatnonzero(focus):
            if codes[i][:6] == slow and rng.random() < 0.15:  # done a year late
                values[i, :by + 1] = 0.0
                values[i, by + 1:] = 1.0
            else:
                values[i, by:] = 1.0
    if name == "rural_income_per_capita":
        for p, series in RECORDED_RURAL_INCOME.items():
            values[codes == p] = series
    if name == "model_village_started":  # 19 of 20 started in 2021, the last in 2022
        values[:] = np.nan
        for i, c in enumerate(sorted(lyg_model)):
            values[codes == c] = [0, 0 if i == 19 else 1, 1, 1, 1, 1]
    if name == "model_village_completed":  # 16 of 20 finished by 2023
        values[:] = np.nan
        for i, c in enumerate(sorted(lyg_model)):
            done = 2 + (i % 4 == 0) * 2 if i < 16 else 4 + (i % 2)
            values[codes == c] = [1.0 if y >= done else 0.0 for y in range(len(YEARS))]
    if name == "linkage_funds":  # provincial key villages: nearly all get 100万元 a year, a few less
        values[:] = np.nan
        for c in sorted(sr_provincial):  # sorted: a set's order changes from one process to the next
            values[codes == c] = np.round(rng.lognormal(np.log(135), 0.1, len(YEARS)), 1)
    if name == "poverty_insurance_premium":  # Lianyungang raised the standard to 100元 from 2021; one county late
        lyg_counties = sorted(c for c in codes if c.startswith("3207") and len(c) == 6)
        for i, c in enumerate(lyg_counties):
            values[codes == c] = [80, 90 if i == 0 else 100, 100, 100, 100, 100]
    if name == "new_agritech_staff":  # Ganzhou's townships add staff, most at least one by 2023 (counted since 2021)
        added = rng.random((len(codes), 1)) < np.array([[0, 0.45, 0.8, 0.97, 0.98, 0.99]])
        values[:] = np.where(np.maximum.accumulate(added, axis=1), np.maximum(np.round(values), 1), 0)
    if name == "key_county_exited":  # all 12 exited by 2020, as they did
        values[:] = np.nan
        for c in key_counties:
            values[codes == c] = 1.0
    return values


def write_returns(demo: DemoData, folder: Path, prefix: str = "demo") -> list[Path]:
    """Return files as counties send them (wide CSV): villages by province, townships, counties, group lists."""
    paths = []
    for file, (codes, years, columns) in demo.tables.items():
        by_city: dict[str, list[int]] = {}
        for i, c in enumerate(codes):
            by_city.setdefault(c[:2] if file == "villages" else file, []).append(i)  # one per province
        for part, rows in sorted(by_city.items()):
            path = folder / f"{prefix}-{file}-{part}.csv"
            with open(path, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(["区划代码", "年份", *columns])
                for i in rows:
                    w.writerow([codes[i], years[i], *(col[i] for col in columns.values())])
            paths.append(path)
    if not demo.groups:
        return paths
    path = folder / f"{prefix}-groups.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["区划代码", "分组"])
        w.writerows(sorted(demo.groups, key=lambda g: (g[1] != "sr_key_village", g)))
    return [path, *paths]  # groups first: the sub-groups' parent must be in place


def build_demo(db: Path, seed: int = 2025, progress: Callable[[float, str], None] | None = None,
               national: bool = False) -> dict[str, int]:
    """Build a store holding the demo data at `db`: init, write the returns, load them, mark it demo.

    national: every province of the reference geography, generated and written province by province (so
    memory follows the largest province), loaded in one publish.
    """
    import tempfile

    from etl.build import init_store, reference_provinces
    from etl.load import load_files
    from tracker.core import store

    say = progress or (lambda f, s: None)
    catalogue = load_catalogue()
    provinces = tuple(reference_provinces()) if national else PROVINCES
    say(0.02, "reference geography")
    init_store(db, catalogue_file=catalogue.path, provinces=list(provinces), catalogue=catalogue)
    with tempfile.TemporaryDirectory(prefix="tracker-demo-") as folder:
        if national:
            files = []
            for i, province in enumerate(provinces):
                say(0.1 + 0.2 * i / len(provinces), "generating")
                files += write_returns(generate(catalogue, seed, (province,)), Path(folder), f"demo-{province}")
            files.sort(key=lambda f: not f.name.endswith("-groups.csv"))  # every group list before the values
        else:
            say(0.1, "generating")
            files = write_returns(generate(catalogue, seed), Path(folder))
        say(0.3, "loading")
        reports = load_files(db, files, catalogue=catalogue,
                             progress=lambda f, step: say(0.3 + 0.65 * f, "loading"))
    # the only values refused are the slips put in on purpose (_slips), refused by the audit's error rule
    bad = [r for r in reports if r.status != "loaded" or r.values_rejected > r.by_reason().get("audit_money_unit_slip", 0)]
    assert not bad, "the demo's own returns were not loaded cleanly: " + "; ".join(
        f"{r.source_name}: {r.message or r.by_reason()}" for r in bad)
    with store.writing(db) as con:
        con.execute("insert into store_meta values ('demo', 'true'), ('demo_seed', ?)", [str(seed)])
        if national:
            con.execute("insert into store_meta values ('demo_national', 'true')")
    say(1.0, "done")
    return {"files": len(reports), "values": sum(r.values_loaded for r in reports),
            "refused": sum(r.values_rejected for r in reports)}
