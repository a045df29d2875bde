"""数据审核: the catalogue's plausibility rules, compiled to SQL and run over the store's current values.

`find(con, catalogue)` runs every value rule in one query over the current values of the measures they read
(each value with the year before's and whether the year after has one), and returns what they find; `publish(con,
catalogue, batch_id)` keeps the findings in the table `finding` at a publish: it refuses the new batch's values
an error rule finds (into rejected_row, with the rule's message), opens the new findings, keeps those found
again with the same value (and their 说明), and closes those whose value a later return changed. Nothing is
deleted. `bunching` rules read the assessment's village rows, so they run after it (`publish_bunching`).

What each kind means is in tracker/core/catalogue.py (AuditRule: one model per kind); each kind's SQL is its
own function here (COMPILERS). The assessment counts a value held by an
open error or verify finding only once a reviewer accepts it (the view counted_observation).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import pandas as pd

from tracker.core import store
from tracker.core.assess import assess, targets_reading
from tracker.core.catalogue import (
    AuditRule,
    AuditRuleBase,
    Catalogue,
    CopiedRule,
    FractionRule,
    ImpliesRule,
    MissingRule,
    OutlierRule,
    PartAboveWholeRule,
    RevertedRule,
    YoyChangeRule,
)
from tracker.core.i18n import t
from tracker.core.numbers import decimal
from tracker.core.status import FINDING_OPEN, FINDING_STATES

OPEN, STATES = FINDING_OPEN, FINDING_STATES  # (tracker/core/status.py) the states that hold a value back; all
ACTIONS = {  # action → the state it leaves; who may take it is the page's and access's business
    "explain": "explained", "to_correct": "to_correct", "accept": "accepted", "return": "returned"}

FOUND_COLUMNS = ["rule_id", "severity", "measure_id", "region_code", "year", "value", "before", "compare",
                 "batch_id", "sheet", "row_number", "column_name"]


def _num(x: float) -> str:
    """A rule parameter as a SQL literal (validated numbers only: never text)."""
    return repr(float(x))


def _ids(names: list[str]) -> str:
    """Measure ids as a SQL list (ids match ^[a-z][a-z0-9_]*$, checked by the catalogue)."""
    return "[" + ", ".join(f"'{n}'" for n in names) + "]"


def _select(rule: AuditRuleBase, where: str, value: str = "o.value", before: str = "o.before",
            compare: str = "null::double", source: str = "audit_obs o") -> str:
    return (f"select '{rule.id}' as rule_id, '{rule.severity}' as severity, o.measure_id, o.region_code, o.year, "
            f"{value} as value, {before} as before, {compare} as compare, o.batch_id from {source} where {where}")


def _measures_of(rule: AuditRuleBase) -> str:
    return f"list_contains({_ids(rule.measures)}, o.measure_id)"


LAST_YEAR = "o.before is not null"  # audit_obs.before is the year before's value, or null


def _yoy_change(rule: YoyChangeRule) -> str:
    base = f"{_measures_of(rule)} and {LAST_YEAR} and o.before >= {_num(rule.min_base)}"
    if rule.points is not None:
        return _select(rule, f"{base} and abs(o.value - o.before) > {_num(rule.points)}")
    ratio = _num(rule.ratio)
    return _select(rule, f"{base} and (o.value >= o.before * {ratio} or o.value * {ratio} <= o.before)")


def _fraction(rule: FractionRule) -> str:
    # the largest earlier value, looked up for the few values that could be fractions only
    earlier = ("select o.*, (select max(e.value) from audit_obs e where e.series = o.series and e.year < o.year) "
               f"as earlier_max from audit_obs o where {_measures_of(rule)} and o.value > 0 and o.value <= 1")
    return _select(rule, f"o.earlier_max > {_num(rule.above)}", before="o.earlier_max", source=f"({earlier}) o")


def _part_above_whole(rule: PartAboveWholeRule) -> str:
    return _select(rule, f"{_measures_of(rule)} and o.value > w.value", compare="w.value",
                   source=f"audit_obs o join audit_obs w on w.measure_id = '{rule.whole}' "
                          "and w.region_code = o.region_code and w.year = o.year")


def _implies(rule: ImpliesRule) -> str:
    return _select(rule, f"{_measures_of(rule)} and o.value >= 0.5 and w.value < 0.5", compare="w.value",
                   source=f"audit_obs o join audit_obs w on list_contains({_ids(rule.then)}, w.measure_id) "
                          "and w.region_code = o.region_code and w.year = o.year") + " qualify row_number() over (" \
        "partition by o.measure_id, o.region_code, o.year order by w.measure_id) = 1"


def _reverted(rule: RevertedRule) -> str:
    return _select(rule, f"{_measures_of(rule)} and {LAST_YEAR} and o.before >= 0.5 and o.value < 0.5")


def _copied(rule: CopiedRule) -> str:
    # the same as the year before, and as each of the n - 1 years before (a region has one current value a year)
    n = rule.years
    same = (f"(select count(*) from audit_obs e where e.series = o.series and e.year >= o.year - {n - 1} "
            f"and e.year < o.year and e.value = o.value) = {n - 1}")
    return _select(rule, f"{_measures_of(rule)} and o.value <> 0 and {LAST_YEAR} and o.before = o.value and {same}")


def _outlier(rule: OutlierRule) -> str:
    # the peers read once (materialized: inlined in the medians, the spreads and the test, they took twice as long)
    group = "g.township_code" if rule.within == "township" else "g.county_code"
    peers = (f"select o.*, {group} as peer_group from audit_obs o join region g on g.code = o.region_code "
             f"where {_measures_of(rule)} and g.level = 'village'")
    medians = "select measure_id, year, peer_group, median(value) as med, count(*) as n from peers group by all"
    spread = ("select p.measure_id, p.year, p.peer_group, any_value(m.med) as med, any_value(m.n) as n, "
              "median(abs(p.value - m.med)) as mad from peers p join medians m using (measure_id, year, peer_group) "
              "group by all")
    return (f"with peers as materialized ({peers}), medians as ({medians}), spread as ({spread}) "
            + _select(rule, f"s.n >= {int(rule.min_peers)} and s.mad > 0 and "
                            f"abs(o.value - s.med) > {_num(rule.k)} * 1.4826 * s.mad", compare="s.med",
                      source="peers o join spread s using (measure_id, year, peer_group)"))


def _missing(rule: MissingRule) -> str:
    # a unit with last year's value and none this year, in a year the measure has values at all (anywhere in the
    # store: audit_last, whatever the counties audited) — once the year's
    # returns are due: past the deadline of the reporting round holding the unit (tracker/core/rounds.py), or its
    # county has submitted without it; with no round, once the year is over
    due = ("select r.year, r.region_code as round_region, r.deadline from report_round r")
    acts = ("select year, region_code as county, arg_max(act, acted_at) as act from round_act "
            "where act in ('submit', 'approve', 'return') group by all")
    return (f"select '{rule.id}' as rule_id, '{rule.severity}' as severity, o.measure_id, o.region_code, "
            f"o.year + 1 as year, null::double as value, o.value as before, null::double as compare, "
            f"null::integer as batch_id "
            f"from audit_obs o join audit_last y using (measure_id) "
            f"left join ({due}) d on d.year = o.year + 1 and starts_with(o.region_code, d.round_region) "
            f"left join ({acts}) s on s.year = o.year + 1 and s.county = left(o.region_code, 6) "
            f"where {_measures_of(rule)} and o.year < y.last and not o.has_next_year "
            f"and case when d.deadline is null then o.year + 1 < year(current_date) "
            f"else current_date > d.deadline or s.act in ('submit', 'approve') end "
            f"qualify row_number() over (partition by o.measure_id, o.region_code, o.year "
            f"order by length(d.round_region) desc nulls last) = 1")


# each kind's SQL over the current values (audit_obs: a value with its series, the year before's value and year,
# and the next year when it has a value); bunching reads the assessment instead, so it runs after it (bunching())
COMPILERS = {"yoy_change": _yoy_change, "fraction": _fraction, "part_above_whole": _part_above_whole,
             "implies": _implies, "reverted": _reverted, "copied": _copied, "outlier": _outlier,
             "missing": _missing}


def compile_rule(rule: AuditRule) -> str | None:
    """The SELECT that finds what one rule finds (None for bunching, which runs after the assessment)."""
    compiler = COMPILERS.get(rule.kind)
    return compiler(rule) if compiler else None


def _within(counties: list[str] | None, column: str = "region_code") -> str:
    """A filter to the given county (or city, province) codes, as starts_with so DuckDB takes it to the scan
    under the current-value window; 'true' for all. Codes are digits only (checked), never text."""
    if counties is None:
        return "true"
    if not all(c.isdigit() for c in counties):
        raise ValueError(f"not region codes: {counties}")
    return "(" + " or ".join(f"starts_with({column}, '{c}')" for c in counties) + ")" if counties else "false"


def _measures(rules: list[AuditRule]) -> list[str]:
    return sorted({name for rule in rules for name in rule.measures_read()})


# A finding's file cell, read by its batch, measure, region and year from where the values came: the rules carry
# only values, and the cells are joined to the few findings at the end (carrying them through the windows
# doubled a national audit). One constant query per source.
_WITH_CELLS = """
    select f.*, c.sheet, c.row_number, c.column_name
    from audit_found f left join {cells} c
      on c.batch_id = f.batch_id and c.measure_id = f.measure_id and c.region_code = f.region_code and c.year = f.year
"""
WITH_CELLS = {
    "current_observation": _WITH_CELLS.replace("{cells}", "observation"),
    "audit_preview_source": _WITH_CELLS.replace("{cells}", "(select batch_id, measure_id, region_code, year, sheet, "
                                                "row_number, column_name from observation union all select batch_id, "
                                                "measure_id, region_code, year, sheet, row_number, column_name from "
                                                "audit_candidate)"),
}
SOURCES = tuple(WITH_CELLS)  # what the rules read: the store's current values, or them with a return laid over


def find(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, region: str | None = None,
         counties: list[str] | None = None, source: str = "current_observation",
         severity: str | None = None, rule_ids: set[str] | None = None) -> pd.DataFrame:
    """Every finding of the value rules (of `severity`, of `rule_ids` when given) over the current values (inside
    `region`, and in `counties` — county codes, or the codes of cities and provinces for their own rows — when
    given); only the measures the rules read are windowed. What a rule finds in a county depends on the county's
    values alone (and on the years the measure has anywhere), so up to MANY counties the rules read only theirs;
    for more, every value is read once and what lies in the counties is kept. A value's series is one integer (the
    measure's place × 10¹² + the region code, of at most 12 digits), and the year before's value and the next year
    are joined to it by one integer key, the series × 10⁴ + the year (a join on series and year took 0.53 s where
    this takes 0.47 for 2.8 M values): the rules need no other neighbour (a window over the series took half as
    long again, its sort and its earlier maximum, now looked up by the one rule that reads it).
    `source` is the store's current values, or those with a checked return laid over them (preview)."""
    if source not in SOURCES:
        raise ValueError(f"{source}: not a source of values ({', '.join(SOURCES)})")
    rules = [r for r in catalogue.audit.values() if (severity is None or r.severity == severity)
             and (rule_ids is None or r.id in rule_ids)]
    queries = [q for q in map(compile_rule, rules) if q]
    if not queries:
        return pd.DataFrame(columns=FOUND_COLUMNS)
    measures = _ids(_measures(rules))
    read = counties if counties is None or len(counties) <= MANY else None
    con.execute(
        f"""
        create or replace temp table audit_obs as
        with v as materialized (
            select measure_id, region_code, year, value, batch_id,
                   list_position({measures}, measure_id) * 1000000000000 + region_code::bigint as series,
                   series * 10000 + year as series_year
            from {source}
            where list_contains({measures}, measure_id) and starts_with(region_code, $region) and {_within(read)}
        )
        select v.* exclude (series_year), b.value as before, a.series_year is not null as has_next_year
        from v left join v b on b.series_year = v.series_year - 1
               left join (select series_year from v) a on a.series_year = v.series_year + 1
        """, {"region": region or ""})
    if any(r.kind == "missing" for r in rules):
        con.execute("create or replace temp table audit_last as select measure_id, max(year) as last from " + source
                    + " where list_contains(" + measures + ", measure_id) group by all")
    con.execute("create or replace temp table audit_found as " + " union all ".join(f"({q})" for q in queries))
    return con.execute(WITH_CELLS[source] + " where " + _within(counties, "f.region_code")).df()


def bunching(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, counties: list[str] | None = None) -> pd.DataFrame:
    """Counties (of `counties` when given) whose villages bunch exactly at a target's threshold (from the
    assessment's unit rows)."""
    frames = []
    for rule in (r for r in catalogue.audit.values() if r.kind == "bunching"):
        target = catalogue.targets[rule.target]
        threshold = getattr(target.rule, "value", None)
        if threshold is None:
            continue
        frames.append(con.execute(
            """
            with units as (
                select left(region_code, 6) as county, year, value from assessment
                where target_id = ? and is_unit and level = 'village' and is_primary and value is not null
                  and (?::varchar[] is null or list_contains(?::varchar[], left(region_code, 6)))
            ),
            counted as (
                select county, year, count(*) as n, count(*) filter (where value = ?) as at_line
                from units group by all
            )
            select ? as rule_id, ? as severity, ? as measure_id, county as region_code,
                   year, at_line::double as value, null::double as before, ?::double as compare,
                   null::integer as batch_id, null as sheet, null::integer as row_number, null as column_name
            from counted where at_line >= ? and 100.0 * at_line / n >= ?
            """, [target.id, counties, counties, threshold, rule.id, rule.severity, target.measure, threshold,
                  rule.min_units, rule.share]).df())
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FOUND_COLUMNS)


def _keep(con: duckdb.DuckDBPyConnection, found: pd.DataFrame, batch_id: int | None, kinds: str,
          counties: list[str] | None, rule_ids: set[str] | None = None) -> set[tuple[str, str]]:
    """Open what is new, keep what is found again with the same value, close what a later value changed,
    for the rules of `kinds` ('values' or 'bunching') — of `rule_ids` when only those ran —, inside `counties`
    when the audit ran there only. Returns the (county, measure) of each finding opened or closed that holds a value
    back (error, verify): where what counts changed."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con.register("found_frame", found[FOUND_COLUMNS] if not found.empty else pd.DataFrame(columns=FOUND_COLUMNS))
    con.execute("create or replace temp table found as select * from found_frame")
    con.unregister("found_frame")
    con.execute("""
        create or replace temp table ended as
        select f.finding_id from finding f
        where f.state not in ('closed', 'rejected')
          and (f.rule_id in (select id from audit_rule where kind = 'bunching')) = $bunching
          and ($counties::varchar[] is null or list_contains($counties::varchar[], left(f.region_code, 6)))
          and ($rules::varchar[] is null or list_contains($rules::varchar[], f.rule_id))
          and not exists (select 1 from found n where n.rule_id = f.rule_id and n.region_code = f.region_code
                          and n.year = f.year and n.measure_id = f.measure_id
                          and n.value is not distinct from f.value)""",
                {"counties": counties, "bunching": kinds == "bunching",
                 "rules": sorted(rule_ids) if rule_ids is not None else None})
    changed = set(con.execute(
        "select left(region_code, 6), measure_id from finding where finding_id in (select finding_id from ended) "
        "and severity in ('error', 'verify') and list_contains(?, state) "
        "union select left(n.region_code, 6), n.measure_id from found n where n.severity in ('error', 'verify') "
        "and not exists (select 1 from finding f where f.state not in ('closed', 'rejected') "
        "and f.rule_id = n.rule_id and f.region_code = n.region_code and f.year = n.year "
        "and f.measure_id = n.measure_id)", [list(OPEN)]).fetchall())
    con.execute("update finding set state = 'closed', closed_at = ?, closed_by_batch = ? "
                "where finding_id in (select finding_id from ended)", [now, batch_id])
    con.execute("insert into finding_action select finding_id, ?, null, 'closed', 'closed', null from ended", [now])
    con.execute("""
        insert into finding
        with new as (
            select n.* from found n
            where not exists (select 1 from finding f where f.state not in ('closed', 'rejected')
                              and f.rule_id = n.rule_id and f.region_code = n.region_code and f.year = n.year
                              and f.measure_id = n.measure_id)
            order by n.region_code, n.year, n.rule_id, n.measure_id
        )
        select nextval('finding_id_seq'), rule_id, severity, measure_id, region_code, year, value, before, compare,
               batch_id, sheet, row_number, column_name, ?, 'open', null, null
        from new""",
                [now])
    return changed


def _rules_table(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    rules = pd.DataFrame([{"id": r.id, "kind": r.kind, "severity": r.severity, "zh": r.zh, "en": r.en}
                          for r in catalogue.audit.values()], columns=["id", "kind", "severity", "zh", "en"])
    con.register("audit_rule_frame", rules)
    con.execute("create or replace temp table audit_rule as select * from audit_rule_frame")
    con.unregister("audit_rule_frame")


HELD_COLUMNS = ["sheet", "row_number", "region_code", "region_name", "column", "measure_id", "year", "value",
                "before", "compare", "rule_id"]


def preview(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the error and verify rules would do to a checked return (the temp views `judged_place` and `stage_cells`
    of etl.load, nothing saved): its kept values laid over the store's current ones, in the counties it brings values
    for. Returns the values an error rule would refuse, as rejected rows (sheet, row_number, region_code,
    region_name, column, raw_value, reason_code, reason, reason_key, reason_args, measure_id, year, value), and those
    a verify rule would hold for 核实 once the refused ones are out (HELD_COLUMNS)."""
    if not any(r.severity in ("error", "verify") for r in catalogue.audit.values()):
        return pd.DataFrame(), pd.DataFrame(columns=HELD_COLUMNS)
    con.execute("""
        create or replace temp table audit_candidate as
        select j.measure_id, j.code as region_code, j.year, j.value, -1 as batch_id, j.sheet, j.row_number,
               j.column_name, s.value_raw as raw_value, r.name as region_name
        from judged_place as j
        join stage_cells as s on s.part = j.part and s.row_number = j.row_number and s.col_no = j.col_no
        left join region as r on r.code = j.code
        where j.keep""")
    counties = [c for (c,) in con.execute("select distinct left(region_code, 6) from audit_candidate").fetchall()]
    con.execute("""
        create or replace temp view audit_preview_source as
        select o.measure_id, o.region_code, o.year, o.value, o.batch_id, o.sheet, o.row_number, o.column_name
        from current_observation o
        where not exists (select 1 from audit_candidate c where c.measure_id = o.measure_id
                          and c.region_code = o.region_code and c.year = o.year)
        union all
        select measure_id, region_code, year, value, batch_id, sheet, row_number, column_name from audit_candidate""")
    within = counties if len(counties) <= MANY else None
    found = find(con, catalogue, counties=within, source="audit_preview_source", severity="error")
    found = found[found["batch_id"] == -1]
    refused = pd.DataFrame()
    if not found.empty:
        found = found.assign(reason=[_message(catalogue.audit[r["rule_id"]], r, "zh") for r in found.to_dict("records")])
        con.register("preview_frame", found)
        refused = con.execute("""
            select f.sheet, f.row_number, f.region_code, c.region_name, f.column_name as "column", c.raw_value,
                   $code || f.rule_id as reason_code, f.reason, $key || f.rule_id as reason_key,
                   to_json(struct_pack("value" := f.value, before := f.before, compare := f.compare))::varchar
                       as reason_args, f.measure_id, f.year, f.value
            from preview_frame f
            join audit_candidate c on c.measure_id = f.measure_id and c.region_code = f.region_code and c.year = f.year
            """, REFUSED_NAMES).df()
        # what the verify rules find is what they find once the refused values are out, as at publish
        con.execute("delete from audit_candidate c using preview_frame f where c.measure_id = f.measure_id "
                    "and c.region_code = f.region_code and c.year = f.year")
        con.unregister("preview_frame")
    held = find(con, catalogue, counties=within, source="audit_preview_source", severity="verify")
    held = held[held["batch_id"] == -1]
    con.register("held_frame", held)
    held = con.execute("""
        select h.sheet, h.row_number, h.region_code, c.region_name, h.column_name as "column", h.measure_id, h.year,
               h.value, h.before, h.compare, h.rule_id
        from held_frame h
        join audit_candidate c on c.measure_id = h.measure_id and c.region_code = h.region_code and c.year = h.year
        order by h.sheet nulls first, h.row_number, h.rule_id""").df()
    con.unregister("held_frame")
    return refused, held


def held(con: duckdb.DuckDBPyConnection, batch_ids: tuple[int, ...]) -> pd.DataFrame:
    """The values of the batches a verify rule holds for 核实 (findings in an OPEN state: not counted until a 说明 is
    accepted), with their batch (HELD_COLUMNS and batch_id)."""
    return con.execute("""
        select o.batch_id, o.sheet, o.row_number, f.region_code, r.name as region_name, o.column_name as "column",
               f.measure_id, f.year, f.value, f.before, f.compare, f.rule_id
        from finding f
        join current_observation o on o.measure_id = f.measure_id and o.region_code = f.region_code
                                  and o.year = f.year
        left join region r on r.code = f.region_code
        where f.severity = 'verify' and list_contains(?, f.state) and list_contains(?, o.batch_id)
        order by o.batch_id, o.sheet nulls first, o.row_number, f.rule_id""", [list(OPEN), list(batch_ids)]).df()


@dataclass(frozen=True)
class Touched:
    """What a publish may have changed: the counties (or the cities' and provinces' own codes) whose values came or
    went, and the measures whose values that count may differ there (the batches' own, and those of values a finding
    now holds back or no longer holds). None: everything (a whole-store audit, a group list)."""

    counties: list[str] | None
    measures: set[str] | None = None

    @property
    def provinces(self) -> set[str] | None:
        return None if self.counties is None else {c[:2] for c in self.counties}

    def and_(self, pairs: set[tuple[str, str]]) -> Touched:
        """This and the (county, measure) pairs given."""
        if self.counties is None:
            return self
        return Touched(sorted({*self.counties, *(c for c, _ in pairs)}),
                       None if self.measures is None else self.measures | {m for _, m in pairs})


EVERYTHING = Touched(None, None)


def touched(con: duckdb.DuckDBPyConnection, batch_ids: tuple[int, ...]) -> Touched:
    """The counties (or the cities' and provinces' own codes) and the measures the new batches bring values for;
    everything when there is no batch (an audit of the whole store), or when a batch brings a group list (the
    populations of the targets change, not only values)."""
    if not batch_ids:
        return EVERYTHING
    pairs = con.execute("select distinct left(region_code, 6), measure_id from observation "
                        "where list_contains(?, batch_id)", [list(batch_ids)]).fetchall()
    groups = con.execute("select count(*) from batch where list_contains(?, batch_id) and kind like '%groups%'",
                         [list(batch_ids)]).fetchall()[0][0]
    return Touched(sorted({c for c, _ in pairs}), None if groups else {m for _, m in pairs})


def rules_reading(catalogue: Catalogue, measures: set[str] | None) -> set[str] | None:
    """The value rules whose findings may change when values of `measures` change (None: all): those reading one
    of them, and the stopped-reporting rules, which depend on the date and the round as well."""
    if measures is None:
        return None
    return {r.id for r in catalogue.audit.values() if r.kind == "missing" or set(r.measures_read()) & measures}


MANY = 50  # a publish reaching more counties than this reads every value once (and keeps its counties' findings)
RULES_CODE = "1"  # raise when compile_rule changes what a rule finds: every store's findings are then redone


def rule_digests(catalogue: Catalogue) -> dict[str, str]:
    """A digest of each value rule as written (and of how rules are compiled): its findings depend on it and the
    values only."""
    return {r.id: hashlib.sha256(json.dumps([RULES_CODE, r.model_dump(exclude=r.NAMES)], sort_keys=True,
                                            ensure_ascii=False).encode()).hexdigest() for r in catalogue.audit.values()}


def stale_rules(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> set[str] | None:
    """The rules whose findings in the store are not theirs: added, edited or removed since the store was last
    audited as a whole; None when it never was (every rule is)."""
    rows = con.execute("select value from store_meta where key = 'audited_rules'").fetchall()
    if not rows:
        return None
    audited, now = json.loads(rows[0][0]), rule_digests(catalogue)
    return {i for i in audited.keys() | now.keys() if audited.get(i) != now.get(i)}


def rules_current(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> bool:
    """Whether the store's findings were made, over the whole store, by these very rules."""
    return stale_rules(con, catalogue) == set()


def _record_rules(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    con.execute("delete from store_meta where key = 'audited_rules'")
    con.execute("insert into store_meta values ('audited_rules', ?)", [json.dumps(rule_digests(catalogue))])


def reaudit(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> set[str] | None:
    """After the catalogue changed (inside a store write): run again, over the whole store, only the value rules
    added or edited since the last audit, and close the findings of rules removed (every rule when the store was
    never audited as a whole). Returns the rules run again (None: all)."""
    stale = stale_rules(con, catalogue)
    if stale is None:
        publish(con, catalogue)
        return None
    if stale:
        _rules_table(con, catalogue)
        found = find(con, catalogue, rule_ids=stale)
        _keep(con, found, None, "values", None, rule_ids=stale)
        _record_rules(con, catalogue)
    return stale


def publish(con: duckdb.DuckDBPyConnection, catalogue: Catalogue,
            batch_ids: tuple[int, ...] = ()) -> tuple[pd.DataFrame, Touched]:
    """Run the value rules inside a store write, before the assessment, where the new batches touch (the rules
    reading their measures, in their counties; every rule over the whole store when there are none or when the
    rules changed since the store was last audited as a whole): refuse what an error rule finds among the new
    batches' values (into rejected_row, with the rule's words), keep the findings. Returns the refused values as
    rejected rows (sheet, row_number, region_code, region_name, column, raw_value, reason_code, reason, reason_key,
    reason_args, batch_id, measure_id, year, value) for the load reports, and where the values that count may have
    changed (what the assessment redoes)."""
    _rules_table(con, catalogue)
    reach = touched(con, batch_ids)
    counties, rule_ids = (reach.counties, rules_reading(catalogue, reach.measures)) if rules_current(con, catalogue) \
        else (None, None)
    found = find(con, catalogue, counties=counties, rule_ids=rule_ids)
    errors = found[(found["severity"] == "error") & found["batch_id"].isin(batch_ids)] if batch_ids else found.iloc[0:0]
    refused = _refuse(con, catalogue, errors)
    if not errors.empty:  # the refused values are gone: what the rules find now in their counties
        again = sorted({code[:6] for code in errors["region_code"]})
        found = pd.concat([found[~found["region_code"].str[:6].isin(again)],
                           find(con, catalogue, counties=again, rule_ids=rule_ids)], ignore_index=True)
    changed = _keep(con, found, max(batch_ids, default=None), "values", counties, rule_ids=rule_ids)
    if not errors.empty:
        _record_rejected(con, errors)
    if counties is None:  # the whole store, with these rules
        _record_rules(con, catalogue)
    # what counts changed where the batches brought values, and where a finding now holds one back or no longer does
    return refused, reach.and_(changed)


def recheck(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, counties: list[str]) -> None:
    """Run the value rules again over `counties` and keep what they find (a county's submission makes its missing
    villages due: the round's acts change what the rules find, not only the values)."""
    _rules_table(con, catalogue)
    _keep(con, find(con, catalogue, counties=counties), None, "values", counties)


def publish_bunching(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, counties: list[str] | None = None,
                     batch_id: int | None = None) -> None:
    """Run the bunching rules after the assessment (in `counties`, all when None) and keep their findings."""
    _rules_table(con, catalogue)
    _keep(con, bunching(con, catalogue, counties), batch_id, "bunching", counties)


def _refuse(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, errors: pd.DataFrame) -> pd.DataFrame:
    """Take the error rules' values of the new batches out of the store, into rejected_row with the rule's words;
    the refused values as rejected rows."""
    if errors.empty:
        return pd.DataFrame()
    rows = errors.assign(reason=[_message(catalogue.audit[r["rule_id"]], r, "zh") for r in errors.to_dict("records")])
    con.register("refused_frame", rows)
    refused = con.execute("""
        select r.batch_id, r.sheet, r.row_number, r.column_name as "column", o.value::varchar as raw_value,
               $code || r.rule_id as reason_code, r.reason, $key || r.rule_id as reason_key,
               to_json(struct_pack("value" := r.value, before := r.before, compare := r.compare))::varchar
                   as reason_args,
               r.region_code, g.name as region_name, r.measure_id, r.year, r.value
        from refused_frame r
        join observation o on o.batch_id = r.batch_id and o.measure_id = r.measure_id
                          and o.region_code = r.region_code and o.year = r.year
        left join region g on g.code = r.region_code""", REFUSED_NAMES).df()
    con.register("refused_rows", refused)
    con.execute("insert into rejected_row by name select * exclude (reason_args, measure_id, year, value), "
                "reason_args::json as reason_args from refused_rows")
    con.unregister("refused_rows")
    con.execute("""delete from observation o using refused_frame r
                   where o.batch_id = r.batch_id and o.measure_id = r.measure_id and o.region_code = r.region_code
                     and o.year = r.year""")
    store.settle_current(con, "refused_frame")  # the version each refused value replaced is current again
    con.unregister("refused_frame")
    return refused


def _record_rejected(con: duckdb.DuckDBPyConnection, rejected: pd.DataFrame) -> None:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con.register("rejected_frame", rejected[FOUND_COLUMNS])
    con.execute("""
        insert into finding
        with refused as (select * from rejected_frame order by region_code, year)
        select nextval('finding_id_seq'), rule_id, severity, measure_id, region_code, year, value, before, compare,
               batch_id, sheet, row_number, column_name, ?, 'rejected', ?, batch_id
        from refused""", [now, now])
    con.unregister("rejected_frame")


def _message(rule: AuditRuleBase, row: dict, lang: str) -> str:
    """The rule's message with this finding's numbers."""
    return rule.message(lang).format(value=decimal(row.get("value")), before=decimal(row.get("before")),
                                     compare=decimal(row.get("compare")))


def message(catalogue: Catalogue, row: dict, lang: str = "zh") -> str:
    """A finding's message in the clerk's words, its numbers filled in ('' for a rule no longer catalogued)."""
    rule = catalogue.audit.get(row["rule_id"])
    return _message(rule, row, lang) if rule else ""


def findings(con: duckdb.DuckDBPyConnection, area: str, year: int | None = None, states: tuple[str, ...] = OPEN,
             rule: str | None = None, severities: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The findings inside `area` (in `year`, in `states`, of `rule`, of `severities` when given), worst first: each
    with its unit's village / township / county names, the file it came in and the latest 说明."""
    return con.execute(
        """
        with latest as (
            select finding_id, arg_max(note, acted_at) filter (where note is not null and note <> '') as note,
                   max(acted_at) as acted_at
            from finding_action group by finding_id
        ),
        final as (
            select f.finding_id, f.region_code, r.name as region_name, t.name as township, c.name as county,
                   c.code as county_code, f.year, f.measure_id, f.rule_id, f.severity, f.state, f.value, f.before,
                   f.compare, l.note, b.source_name, f.sheet, f.row_number, f.column_name, f.found_at, l.acted_at
            from finding f
            join region r on r.code = f.region_code
            left join region t on t.code = r.township_code
            left join region c on c.code = r.county_code
            left join latest l on l.finding_id = f.finding_id
            left join batch b on b.batch_id = f.batch_id
            where starts_with(f.region_code, $area) and ($year is null or f.year = $year)
              and list_contains($states, f.state) and ($rule is null or f.rule_id = $rule)
              and ($severities is null or list_contains($severities, f.severity))
        )
        select * from final
        order by case severity when 'error' then 0 when 'verify' then 1 else 2 end, county_code, region_code, year,
                 rule_id
        """,
        {"area": area, "year": year, "states": list(states), "rule": rule,
         "severities": list(severities) if severities is not None else None},
    ).df()


def has_findings(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store has the findings table (a store from before the audit has none until its next write)."""
    try:
        con.execute("select 1 from finding limit 0")
    except duckdb.CatalogException:
        return False
    return True



MAX_NOTE = 2000  # characters of a 说明 or a review note (an Excel cell holds 32,767; a 说明 is a sentence or two)
# the states each action may be taken from; an accepted finding changes only by a reviewer's act, or by a loader's
# new 说明, which makes it a new request for acceptance (and what counts is recomputed with it)
ACTION_FROM = {"explain": ("open", "explained", "to_correct", "returned", "accepted"),
               "to_correct": ("open", "explained", "to_correct", "returned", "accepted"),
               "accept": ("explained",), "return": ("explained", "to_correct", "accepted")}


class ReviewRefused(ValueError):
    """An act the review does not allow, said by a message of the catalogue (`key` with `values`, audit.*); the
    exception's text is its Chinese wording, a page says it in the reader's language."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(t(key, "zh", **values))


def act(con: duckdb.DuckDBPyConnection, finding_ids: list[int], action: str, user: str, note: str = "",
        confirmed: bool = False) -> int:
    """Record an action on findings (inside a store write): the new state, with who, when and the 说明.
    Returns how many findings it applied to (closed or rejected ones take no action). A reviewer accepts only an
    explained finding, never one whose 说明 they wrote themselves, and only with a note or `confirmed`; a return
    needs a note; a note is at most MAX_NOTE characters."""
    if action not in ACTIONS:
        raise ValueError(f"{action}: not an action ({', '.join(ACTIONS)})")
    if action in ("explain", "return") and not note.strip():
        raise ValueError(f"{action} needs a 说明")
    if len(note) > MAX_NOTE:
        raise ReviewRefused("audit.note_too_long", n=f"{len(note):,}", most=f"{MAX_NOTE:,}")
    if action == "accept" and not note.strip() and not confirmed:
        raise ReviewRefused("audit.accept_needs_note")
    asked = con.execute("""
        select f.finding_id, f.state,
               (select arg_max(a.user_name, a.acted_at) from finding_action a
                where a.finding_id = f.finding_id and a.action = 'explain') as explained_by
        from finding f where list_contains(?, f.finding_id) and f.state not in ('closed', 'rejected')""",
                        [list(finding_ids)]).fetchall()
    if action in ("accept", "return") and any(state not in ACTION_FROM[action] for _, state, _ in asked):
        raise ReviewRefused("audit.not_explained" if action == "accept" else "audit.nothing_to_return")
    if action == "accept" and any(by == user for _, _, by in asked):
        raise ReviewRefused("audit.own_note")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    state = ACTIONS[action]
    con.execute("create or replace temp table acted as select unnest(?) as finding_id",
                [[i for i, s, _ in asked if s in ACTION_FROM[action]]])
    con.execute("update finding set state = ? where finding_id in (select finding_id from acted)", [state])
    con.execute("insert into finding_action select finding_id, ?, ?, ?, ?, ? from acted", [now, user, action, state, note])
    return con.execute("select count(*) from acted").fetchall()[0][0]


def review(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, answers: list[tuple[int, str]], action: str,
           user: str, confirmed: bool = False) -> int:
    """act() on findings, each with its note, and when that changes what counts (an acceptance, a return, a new
    说明 on an accepted finding) the assessment recomputed in the same write. Returns how many it applied to."""
    was_accepted = con.execute("select count(*) from finding where list_contains(?, finding_id) and state = 'accepted'",
                               [[i for i, _ in answers]]).fetchall()[0][0]
    applied = sum(act(con, [finding_id], action, user, note, confirmed) for finding_id, note in answers)
    if applied and (action in ("accept", "return") or was_accepted):  # what counts changed: their measures, there
        acted = con.execute("select distinct left(region_code, 6), measure_id from finding "
                            "where list_contains(?, finding_id)", [[i for i, _ in answers]]).fetchall()
        assess_counted(con, catalogue, Touched([], set()).and_(set(acted)))
    return applied


REFUSED_PREFIX = "audit_"  # the reason code of a value an error rule refused: audit_<rule id>
REFUSED_KEY = "audit."  # and the key of its sentence: audit.<rule id>, the rule's own message
REFUSED_NAMES = {"code": REFUSED_PREFIX, "key": REFUSED_KEY}  # the parameters of the queries that name them


def reason_name(code: str, lang: str, catalogue: Catalogue | None = None) -> str:
    """What a reason code of a rejection is called in `lang`: the load's own (reason.*), or for a value a
    plausibility rule refused, the rule by its name with the catalogue (数据审核规则“比率填成小数”), else its id."""
    if code.startswith(REFUSED_PREFIX):
        rule = code.removeprefix(REFUSED_PREFIX)
        if catalogue is not None and rule in catalogue.audit:
            return t("reason.audit_named", lang, rule=catalogue.audit[rule].title(lang))
        return t("reason.audit", lang, rule=rule)
    return t(f"reason.{code}", lang)


def audit_and_assess(con: duckdb.DuckDBPyConnection, catalogue: Catalogue,
                     batch_ids: tuple[int, ...] = ()) -> tuple[pd.DataFrame, dict[str, int]]:
    """What every publish runs (inside its store write): the value rules (refusing the new batches' values an
    error rule finds), the assessment on the values that count, then the rules that read the assessment — each
    where the new batches reach (everything when there are none). Returns the refused values and the assessment's
    rows by level."""
    refused, reach = publish(con, catalogue, batch_ids)
    return refused, assess_counted(con, catalogue, reach, max(batch_ids, default=None))


def assess_counted(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, reach: Touched = EVERYTHING,
                   batch_id: int | None = None) -> dict[str, int]:
    """The assessment on the values that count, then the rules that read it (after a publish, or after an
    acceptance or a return changed what counts): of the targets reading the measures `reach` names in its
    provinces, and the bunching rules in its counties (everything by default). Returns the assessment's rows by
    level."""
    counts = assess(con, catalogue, targets_reading(catalogue, reach.measures, reach.provinces))
    publish_bunching(con, catalogue, reach.counties, batch_id)
    return counts
