"""目标测算: what a candidate target would ask of an area's units, from the returns stored — the baseline and its
spread, each unit's recent pace carried on to the deadline with its interval, whether it would reach the candidate
at that pace, the yearly change it would need, and the area's own projection and chance.

The pace is the assessment's own estimator: the stage tracker/core/sql/assess/7_pace.sql, run here on the measure's
units and the area toward the candidate (one implementation for the status, the projection and target setting).
`python -m tracker propose` and the 目标测算 page give the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from tracker.core import codes, settings
from tracker.core.catalogue import OPS, Catalogue, Measure, Reference
from tracker.core.drafts import draft_id

READINGS = ("aggregate", "every_unit", "share_of_units")
HISTORY = 5  # years of history before the baseline read for the pace


@dataclass
class Candidate:
    """One proposed target: a value compared with `op` by `deadline`, read over the units as `reading`."""

    value: float
    deadline: int
    op: str = ">="
    reading: str = "aggregate"
    share: float = 100.0  # share_of_units: the share of units that must meet it

    @property
    def direction(self) -> int:
        return -1 if self.op in ("<=", "<") else 1


@dataclass
class Proposal:
    measure: Measure
    area: str
    level: str  # the units' level
    base_year: int  # the latest year with values (the baseline)
    candidate: Candidate
    units: pd.DataFrame  # a row per unit (UNIT_COLUMNS)
    area_row: dict  # the area's own: value, projected, low, high, chance, year reached (target: the candidate, or
    #                 the share of units meeting it for a unit-by-unit reading)
    history: pd.DataFrame  # year, value: the area's figure over the years read

    @property
    def reaching(self) -> int:
        """Units that would meet the candidate by the deadline at their recent pace."""
        return int(self.units["reaches"].sum())


UNIT_COLUMNS = ["code", "name", "baseline", "projected", "low", "high", "reaches", "chance", "year_reached",
                "required_per_year", "recent_per_year", "gap"]


def area_rank(area: str) -> int:
    """The area's place among the levels (the whole country above the provinces: -1)."""
    level = codes.area_level(area)
    return codes.LEVELS.index(level) if level in codes.LEVELS else -1


def default_level(measure: Measure, area: str) -> str:
    """The units an area's proposal is read over: the measure's finest level below the area."""
    below = [lv for lv in codes.LEVELS if codes.LEVELS.index(lv) > area_rank(area)]
    return next((lv for lv in reversed(codes.LEVELS) if lv in measure.levels and lv in below), measure.levels[-1])


def _values(con: duckdb.DuckDBPyConnection, measure: Measure, area: str, level: str, before: int,
            group: str | None) -> pd.DataFrame:
    """code, name, year, value and households of the measure's values that count for the area's units of `level`
    (the members of `group` only, when given), up to `before`."""
    return con.execute(
        """
        select o.region_code as code, r.name, o.year, o.value, h.value as households
        from counted_observation o join region r on r.code = o.region_code
        left join counted_observation h on h.measure_id = 'households' and h.region_code = o.region_code
                                       and h.year = o.year
        where o.measure_id = $measure and r.level = $level and starts_with(o.region_code, $area)
          and o.year <= $before and o.value is not null
          and ($group::varchar is null
               or o.region_code in (select region_code from group_member where group_id = $group::varchar))
        order by o.region_code, o.year
        """, {"measure": measure.id, "level": level, "area": "" if area == codes.NATION else area,
              "before": before, "group": group}).df()


def _whole(values: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """year, value of the units as a whole, as the assessment reads them: a rate's or number's mean weighted by
    households when every reporting unit gives them, else the plain mean."""
    def mean(year: pd.DataFrame) -> float:
        weights = year["households"]
        if measure.type in ("rate", "number") and weights.notna().all() and (weights > 0).all():
            return float((year["value"] * weights).sum() / weights.sum())
        return float(year["value"].mean())
    return pd.DataFrame([{"year": y, "value": mean(part)} for y, part in values.groupby("year")],
                        columns=["year", "value"])


def _meets(values: pd.Series, candidate: Candidate) -> pd.Series:
    """Whether each value meets the candidate, by the catalogue's own comparisons."""
    return OPS[candidate.op](values, candidate.value)


def propose(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, measure_id: str, area: str, candidate: Candidate,
            level: str | None = None, group: str | None = None) -> Proposal:
    """The proposal's table for `candidate` over the area's units (ValueError when there is nothing to read)."""
    if measure_id not in catalogue.measures:
        raise ValueError(f"unknown measure '{measure_id}'")
    if candidate.reading not in READINGS:
        raise ValueError(f"reading: one of {', '.join(READINGS)}")
    measure = catalogue.measures[measure_id]
    level = level or default_level(measure, area)
    if level not in measure.levels:
        raise ValueError(f"{measure_id} is reported at {', '.join(measure.levels)}, not {level}")
    if group is not None and group not in catalogue.groups:
        raise ValueError(f"unknown group '{group}'")
    values = _values(con, measure, area, level, candidate.deadline - 1, group)
    if values.empty:
        raise ValueError(f"no values of {measure_id} for the {level} units of {area} before {candidate.deadline}")
    base_year = int(values["year"].max())
    values = values[values["year"] > base_year - HISTORY - 1]
    lo, hi = (0.0, 1.0) if measure.type == "bool" else (measure.min, measure.max)

    # the area's own course: its units as a whole (their mean), or the share of them meeting the candidate
    if candidate.reading == "aggregate":
        history = _whole(values, measure)
        area_target, area_lo, area_hi, counts = candidate.value, lo, hi, measure.type == "bool"
    else:
        history = values.assign(ok=_meets(values["value"], candidate)).groupby("year", as_index=False)["ok"].mean()
        history = history.assign(value=100 * history["ok"])[["year", "value"]]
        area_target = 100.0 if candidate.reading == "every_unit" else candidate.share
        area_lo, area_hi, counts = 0.0, 100.0, True
    series = pd.concat([
        values.assign(region_code=values["code"], target_value=candidate.value, value_min=lo, value_max=hi,
                      counts_units=measure.type == "bool", direction=candidate.direction),
        history.assign(region_code=area, target_value=area_target, value_min=area_lo, value_max=area_hi,
                       counts_units=counts, direction=1 if candidate.reading != "aggregate" else candidate.direction),
    ], ignore_index=True)
    con.register("proposal_frame", series[["region_code", "year", "value", "target_value", "value_min", "value_max",
                                           "counts_units", "direction"]])
    con.execute(settings.sql_text("tracker.core", "assess/0_macros.sql"))
    con.execute("""
        create or replace temp table series as
        select 'proposal' as target_id, '' as period, false as is_unit, region_code, year::integer as year,
               value::double as value, target_value::double as target_value, $deadline::integer as deadline,
               direction::integer as direction, value_min::double as value_min, value_max::double as value_max,
               case when counts_units then 'linear' else scale_kind(direction, value_min, value_max) end as scale
        from proposal_frame""", {"deadline": int(candidate.deadline)})
    con.execute(settings.sql_text("tracker.core", "assess/7_pace.sql"))
    con.unregister("proposal_frame")
    course = con.execute("""select region_code, pace_recent, projected_value, projected_low, projected_high,
                                   projected_year, chance_met
                            from course where year = ?""", [base_year]).df().set_index("region_code")

    # a row per unit, from its latest value, its first value in the years read, and its course (vectorised: a
    # province has some twenty thousand villages)
    latest = values[values["year"] == base_year].set_index("code")["value"]
    first = values.sort_values("year").drop_duplicates("code").set_index("code")
    units = first[["name"]].assign(baseline=latest).join(
        course.rename(columns={"projected_value": "projected", "projected_low": "low", "projected_high": "high",
                               "chance_met": "chance", "projected_year": "year_reached"}), how="left")
    judged = units["projected"].where(units["projected"].notna(), units["baseline"])
    units["reaches"] = _meets(judged, candidate) & judged.notna()
    years_left = candidate.deadline - base_year
    units["required_per_year"] = (candidate.value - units["baseline"]) / years_left
    span = base_year - first["year"]
    units["recent_per_year"] = ((units["baseline"] - first["value"]) / span).where(span > 0)
    units["gap"] = ((candidate.value - units["baseline"]) * candidate.direction).clip(lower=0)
    units = units.reset_index().rename(columns={"index": "code"})[UNIT_COLUMNS]
    units["year_reached"] = units["year_reached"].astype("Int64")
    units = units.sort_values(["reaches", "gap", "code"], ascending=[True, False, True], na_position="last",
                              kind="stable")
    mine = course.loc[area] if area in course.index else None
    area_row = {"target": area_target, "value": float(history["value"].iloc[-1]) if not history.empty else None}
    for key, column in (("projected", "projected_value"), ("low", "projected_low"), ("high", "projected_high"),
                        ("chance", "chance_met"), ("year_reached", "projected_year")):
        area_row[key] = None if mine is None or pd.isna(mine[column]) else float(mine[column])
    return Proposal(measure, area, level, base_year, candidate, units.reset_index(drop=True), area_row, history)


def candidates(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, measure_id: str, area: str,
               values: tuple[float, ...], deadline: int, op: str = ">=", reading: str = "aggregate",
               share: float = 100.0, level: str | None = None, group: str | None = None) -> list[Proposal]:
    """The proposals of two or three candidate values side by side (the page's view model)."""
    return [propose(con, catalogue, measure_id, area, Candidate(v, deadline, op, reading, share), level, group)
            for v in values]


def table(proposals: list[Proposal]) -> pd.DataFrame:
    """Every unit under every candidate, the candidate's value first (the command's CSV, the page's table)."""
    return pd.concat([p.units.assign(candidate=p.candidate.value)[["candidate", *UNIT_COLUMNS]] for p in proposals],
                     ignore_index=True)


def summary(proposals: list[Proposal]) -> pd.DataFrame:
    """A row per candidate, side by side: the area's figure now and projected with its interval, the chance to
    meet it, the year reached, and how many units would reach it at their pace."""
    return pd.DataFrame([{
        "candidate": p.candidate.value, "op": p.candidate.op, "deadline": p.candidate.deadline,
        "reading": p.candidate.reading, "area_target": p.area_row["target"], "base_year": p.base_year,
        "area_value": p.area_row["value"], "area_projected": p.area_row["projected"], "area_low": p.area_row["low"],
        "area_high": p.area_row["high"], "area_chance": p.area_row["chance"],
        "area_year_reached": p.area_row["year_reached"], "units": len(p.units), "units_reaching": p.reaching,
        "median_required_per_year": p.units["required_per_year"].median()} for p in proposals])


def as_target(proposal: Proposal, plan_id: str, base_year: int, theme: str, zh: str, en: str,
              group: str | None = None, headline: bool = False) -> dict:
    """The catalogue entry a candidate becomes when it is saved as a draft (tracker.core.drafts): its rule, the
    area's units as the population, the reading it was computed with, and the levels between (assessed and shown)."""
    c = proposal.candidate
    population = {"region": proposal.area, "level": proposal.level}
    if group is not None:
        population["group"] = group
    elif proposal.level == "village":
        population["kind"] = "village_committee"  # a target about villages counts the 村委会
    reading = {"kind": c.reading,
               "reason": f"目标测算时按“{READING_WORDS[c.reading][0]}”读取。",
               "reason_en": f"Read as {READING_WORDS[c.reading][1]} when the target was set."}
    if c.reading == "share_of_units":
        reading["share"] = c.share
    rank, unit_rank = area_rank(proposal.area), codes.LEVELS.index(proposal.level)
    entry = {"id": draft_id(plan_id, proposal.area, group, proposal.measure.id, c.value), "zh": zh, "en": en,
             "plan": plan_id, "theme": theme, "measure": proposal.measure.id,
             "rule": {"kind": "threshold", "op": c.op, "value": c.value}, "population": population,
             "region_reading": reading, "base_year": base_year, "deadline": c.deadline,
             "assess_at": [lv for lv in codes.LEVELS if rank <= codes.LEVELS.index(lv) < unit_rank
                           and lv in ("province", "city", "county")]}
    if headline:
        entry["headline"] = True
    return entry


READING_WORDS = {"aggregate": ("整体", "the units as a whole"), "every_unit": ("每个单位都达到", "every unit meeting it"),
                 "share_of_units": ("达到的单位占比", "the share of units meeting it")}


def references(catalogue: Catalogue, measure_id: str, area: str) -> list[Reference]:
    """The published figures known for the measure: the nation's and the area's province's, by year."""
    return sorted((r for r in catalogue.references.values()
                   if r.measure == measure_id and (r.region is None or area.startswith(r.region))),
                  key=lambda r: (r.year, r.region or ""))
