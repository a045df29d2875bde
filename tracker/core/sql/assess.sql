-- Assessment: every target's result for every unit of its population and every region above
-- them, for every year with data, in one pass over all targets. The words for what each rule
-- means are in tracker/core/assess.py; this file implements exactly those.
--
-- Reads: target_spec and population_spec (one row per target variant and per population,
-- registered by tracker.core.assess from the catalogue), and the store's region, group_member and
-- counted_observation. Writes: the table `assessment`.

-- ---------------------------------------------------------------- helpers
create or replace temp macro cmp(a, op, b) as
    case op when '>=' then a >= b when '>' then a > b when '<=' then a <= b when '<' then a < b else a = b end;

-- shortfall toward the rule, positive when short: target - value for >=/>, value - target for <=/<
create or replace temp macro shortfall_of(value, op, target) as
    case when op in ('<=', '<') then value - target else target - value end;

-- Open SDG thresholds on the ratio R of observed to required compound annual rate
create or replace temp macro progress_status(ratio) as
    case when ratio is null then 'insufficient_data'
         when ratio >= 0.95 then 'on_track'
         when ratio >= 0.6 then 'needs_acceleration'
         when ratio >= 0 then 'limited'
         else 'deteriorating' end;

-- The compound annual rate from base to current over n years; zero is taken as 0.001 (as
-- sdg-build does for a zero base) so that 0 -> 0 is no change; opposite signs have no rate.
create or replace temp macro annual_rate(base, current, n) as
    case when n > 0 and base * current > 0 then pow(current / base, 1.0 / n) - 1 end;

create or replace temp macro nonzero(x) as case when x = 0 then 0.001 else x end;

-- the compound annual rate in percent from base to `reached` over n years, where a trajectory applies
create or replace temp macro rate_pct(applies, base, reached, n) as
    case when applies then annual_rate(nonzero(base), nonzero(reached), n) * 100 end;

-- the observed (reached = the value, n = years since the base) or required (reached = the target, n = years from
-- the base to the deadline) rate of a trajectory, for units and roll-ups alike: from the first year with a value
create or replace temp macro trajectory_rate(has_trajectory, base_year_used, year, value, base_value, reached, n) as
    rate_pct(has_trajectory and base_year_used < year and value is not null, base_value, reached, n);

-- the status once no data, baseline and the like are ruled out: met or missed at or past the deadline
-- (or every year), else achieved, pending (no trajectory), or the Open SDG class of R
create or replace temp macro toward_deadline(met, final, has_trajectory, ratio) as
    case when final then case when met then 'met' else 'missed' end
         when met then 'achieved'
         when not has_trajectory then 'pending'
         else progress_status(ratio) end;

-- R = observed / |required| in the rule's direction (sdg-build methodology 2). A required rate
-- of 0 (the base sits exactly on the target, yet the target is not met now) gives R = -1 when
-- the value moved the wrong way and 0 when it did not move.
create or replace temp macro progress_ratio(observed, required, base, direction) as
    case when observed is null or required is null then null
         when required = 0 then case when direction * observed < 0 then -1 else 0 end
         else sign(nonzero(base)) * direction * observed / abs(required) end;

create or replace temp table level_rank as
select * from (values ('province', 0), ('city', 1), ('county', 2), ('township', 3), ('village', 4)) t(level, rank);

-- ---------------------------------------------------------------- import
-- the catalogue's targets and populations, typed (a column of only NULLs tells no type)
create or replace temp table target_spec as
select target_id::varchar as target_id, period::varchar as period, is_primary::boolean as is_primary,
       kind::varchar as kind, measure_id::varchar as measure_id, measure_type::varchar as measure_type,
       op::varchar as op, rule_value::double as rule_value, cond_op::varchar as cond_op,
       cond_value::double as cond_value, bench_kind::varchar as bench_kind, bench_within::varchar as bench_within,
       bench_region::varchar as bench_region, bench_measure::varchar as bench_measure,
       bench_value::double as bench_value, bench_pop_region::varchar as bench_pop_region,
       years_from::integer as years_from, pop_region::varchar as pop_region, pop_level::varchar as pop_level,
       pop_level_rank::integer as pop_level_rank, pop_region_rank::integer as pop_region_rank,
       base_year::integer as base_year, deadline::integer as deadline, every_year::boolean as every_year,
       plan_start::integer as plan_start, plan_end::integer as plan_end,
       reading::varchar as reading, reading_share::double as reading_share,
       bench_within_rank::integer as bench_within_rank
from target_spec_frame;

create or replace temp table population_spec as
select pop_id::varchar as pop_id, region::varchar as region, level::varchar as level,
       group_id::varchar as group_id, group_level::varchar as group_level, kind::varchar as kind
from population_spec_frame;

-- the value that counts of each measure, region and year (counted_observation: the latest batch's, less what
-- an error or verify finding holds back until accepted), of the measures the targets use; a list variable,
-- not a subquery, so the filter reaches the scan below the view
set variable assessed_measures = (
    select list(distinct measure_id) from (
        select measure_id from target_spec
        union select bench_measure from target_spec where bench_measure is not null
        union select 'households'));  -- the weight of village rates when reported

-- and of the provinces the populations and benchmarks lie in (a store of every province assesses the few
-- provinces the catalogue's targets name without reading the others' values)
set variable assessed_provinces = (
    select list(distinct left(code, 2)) from (
        select pop_region as code from target_spec
        union select bench_pop_region from target_spec where bench_pop_region is not null
        union select bench_region from target_spec where bench_region is not null
        union select region from population_spec));

-- the codes' range first (a comparison with a variable reaches the scan under the view's window; ':' sorts
-- after every digit), then the provinces themselves
set variable assessed_from = (select min(p) from unnest(getvariable('assessed_provinces')) as t(p));
set variable assessed_to = (select max(p) || ':' from unnest(getvariable('assessed_provinces')) as t(p));

-- whether every province of the store inside that range is assessed (a store of the catalogue's provinces
-- alone): then the range says it all and the test of each value's province (0.4 s over the two-province
-- store's 3.5 M values) is left out
set variable assessed_whole_range = (
    select count(*) = array_length(getvariable('assessed_provinces')) from region
    where level = 'province' and code >= getvariable('assessed_from') and code < getvariable('assessed_to'));

-- each assessed measure's number: the values are joined on two integers (the region code as a number, and the
-- measure's number × 10000 + the year) instead of three columns of which two are text, which takes the joins of
-- units to their current, previous and base-year values (bench_unit, unit_value) from 1.4 s to 0.95 s on the
-- two-province store
create or replace temp table measure_number as
select measure_id, row_number() over (order by measure_id) as measure_no
from (select unnest(getvariable('assessed_measures')) as measure_id);

create or replace temp table obs as
select o.measure_id, o.region_code, o.year, o.value, o.region_code::bigint as region_no,
       m.measure_no * 10000 + o.year as measure_year
from counted_observation o
join measure_number m on m.measure_id = o.measure_id
where list_contains(getvariable('assessed_measures'), o.measure_id)
  and o.region_code >= getvariable('assessed_from') and o.region_code < getvariable('assessed_to')
  and (getvariable('assessed_whole_range') or list_contains(getvariable('assessed_provinces'), left(o.region_code, 2)));

create or replace temp table measure_year as
select distinct measure_id, year from obs;

-- The units of every population: a target's own (pop_id = target id) and its benchmark's
-- (pop_id = target id || '#benchmark'). Membership of a group of a higher level (key counties)
-- is read from the unit's ancestor at that level.
create or replace temp table population_unit as
select p.pop_id, r.code as unit_code, r.code::bigint as unit_no, r.province_code, r.city_code, r.county_code,
       r.township_code
from population_spec p
join region r on r.level = p.level and starts_with(r.code, p.region)
left join group_member m
       on m.group_id = p.group_id
      and m.region_code = case p.group_level when 'province' then r.province_code when 'city' then r.city_code
                                             when 'county' then r.county_code when 'township' then r.township_code
                                             else r.code end
where (p.kind is null or r.kind = p.kind)
  and (p.group_id is null or m.region_code is not null);

-- Every year with data for the target's measure, from its base year on.
create or replace temp table target_year as
select s.target_id, s.period, y.year
from target_spec s join measure_year y on y.measure_id = s.measure_id and y.year >= s.base_year;

-- ---------------------------------------------------------------- units and their values
-- Every unit's every year, of each target's own population and of its benchmark's (population_mean), with the
-- keys of the values it reads: the year's, the year before's, the base year's, and the households of the year.
create or replace temp table unit_year as
with population_of as (
    select target_id, period, target_id as pop_id, false as of_benchmark from target_spec
    union all
    select target_id, period, target_id || '#benchmark', true from target_spec where bench_kind = 'population_mean'
)

select s.target_id, s.period, p.of_benchmark, u.unit_code, u.unit_no, u.province_code, u.city_code,
       u.county_code, u.township_code, y.year,
       case s.bench_within when 'province' then u.province_code when 'city' then u.city_code
                           when 'county' then u.county_code when 'township' then u.township_code
                           else s.bench_pop_region end as within_code,
       m.measure_no * 10000 + y.year as key_now,
       m.measure_no * 10000 + y.year - 1 as key_prev,
       m.measure_no * 10000 + s.base_year as key_base,
       h.measure_no * 10000 + y.year as key_households
from target_spec s
join population_of p on p.target_id = s.target_id and p.period = s.period
join population_unit u on u.pop_id = p.pop_id
join target_year y on y.target_id = s.target_id and y.period = s.period
join measure_number m on m.measure_id = s.measure_id
join measure_number h on h.measure_id = 'households';

-- The values the units read, cut from `obs` once (a tenth of it on the two-province store): the joins below then
-- build their hash tables on these instead of on every value (0.8 s to 0.2 s there)
create or replace temp table unit_obs as
select o.region_no, o.measure_year, o.value
from obs o
semi join (
    select unit_no, key_now as measure_year from unit_year
    union all select unit_no, key_prev from unit_year
    union all select unit_no, key_base from unit_year
    union all select unit_no, key_households from unit_year
) k on k.unit_no = o.region_no and k.measure_year = o.measure_year;

-- each unit's values in each year: the year's, the year before's, the base year's, and its households
create or replace temp table unit_value as
select y.target_id, y.period, y.of_benchmark, y.unit_code, y.province_code, y.city_code, y.county_code,
       y.township_code, y.year, cur.value as v, prev.value as v_prev, base.value as v_base, hh.value as households,
       y.within_code
from unit_year y
left join unit_obs cur on cur.region_no = y.unit_no and cur.measure_year = y.key_now
left join unit_obs prev on prev.region_no = y.unit_no and prev.measure_year = y.key_prev
left join unit_obs base on base.region_no = y.unit_no and base.measure_year = y.key_base
left join unit_obs hh on hh.region_no = y.unit_no and hh.measure_year = y.key_households;

-- ---------------------------------------------------------------- benchmarks (relative rules)
-- population_mean: growth of the mean over the benchmark units reporting both years,
-- Σv_t / Σv_from − 1, separately within each ancestor at `bench_within`.
create or replace temp table bench_unit as
select target_id, period, year, province_code, city_code, county_code, township_code, within_code, v,
       case period when 'annual' then v_prev else v_base end as v_from
from unit_value
where of_benchmark;

-- A region above `bench_within` (a city, for a county's benchmark) reads its units' growth as a whole
-- against the same benchmark recomputed over its own benchmark units (the aggregate reading).
create or replace temp table region_benchmark as
select b.target_id, b.period, b.year, l.level as roll_level,
       case l.level when 'province' then b.province_code when 'city' then b.city_code
                    when 'county' then b.county_code when 'township' then b.township_code end as roll_code,
       case when sum(b.v_from) > 0 then sum(b.v) / sum(b.v_from) - 1 end as growth,
       count(*) as units
from bench_unit b
join target_spec s on s.target_id = b.target_id and s.period = b.period
join level_rank l on l.rank < s.bench_within_rank and l.rank >= s.pop_region_rank
where b.v is not null and b.v_from is not null
group by all;

create or replace temp table benchmark as
with population_mean as (
    select target_id, period, year, within_code,
           case when sum(v_from) > 0 then sum(v) / sum(v_from) - 1 end as growth,
           count(*) as units
    from bench_unit
    where v is not null and v_from is not null
    group by target_id, period, year, within_code
),

bench_region_obs as (
    -- the values of the regions whose recorded growth is the benchmark (a province's), cut before the joins
    select o.* from obs o semi join target_spec s on s.bench_region = o.region_code and s.bench_measure = o.measure_id
),

recorded as (
    select s.target_id, s.period, y.year, null::varchar as within_code,
           case when from_.value > 0 then cur.value / from_.value - 1 end as growth,
           null::bigint as units
    from target_spec s
    join target_year y on y.target_id = s.target_id and y.period = s.period
    left join bench_region_obs cur on cur.measure_id = s.bench_measure and cur.region_code = s.bench_region and cur.year = y.year
    left join bench_region_obs from_ on from_.measure_id = s.bench_measure and from_.region_code = s.bench_region
                       and from_.year = case s.period when 'annual' then y.year - 1 else s.base_year end
    where s.bench_kind = 'recorded'
),

constant as (
    select s.target_id, s.period, y.year, null::varchar as within_code, s.bench_value / 100 as growth,
           null::bigint as units
    from target_spec s join target_year y on y.target_id = s.target_id and y.period = s.period
    where s.bench_kind = 'constant'
),

final as (
    select * from population_mean
    union all select * from recorded
    union all select * from constant
)

select * from final;

-- ---------------------------------------------------------------- unit results
create or replace temp table unit_result as
with joined as (
    select v.*, s.kind, s.measure_type, s.op, s.rule_value, s.cond_op, s.cond_value, s.years_from,
           s.base_year, s.deadline, s.every_year, s.plan_start, s.plan_end, s.pop_level, s.is_primary,
           case when s.kind = 'share' then s.cond_op else s.op end as unit_op,
           case s.kind when 'threshold' then s.rule_value when 'share' then s.cond_value
                       when 'milestone' then 1.0 end as unit_target,
           b.growth as bench_growth, b.units as bench_units,
           case when s.period = 'annual' then v.v_prev else v.v_base end as v_from
    from unit_value v
    join target_spec s on s.target_id = v.target_id and s.period = v.period and not v.of_benchmark
    left join benchmark b on b.target_id = v.target_id and b.period = v.period and b.year = v.year
                         and b.within_code is not distinct from
                             case when s.bench_kind = 'population_mean' then v.within_code end
),

valued as (
    select *,
           case kind
               when 'relative_growth' then case when v is not null and v_from > 0 then (v / v_from - 1) * 100 end
               when 'total' then case when years_from is null then v
                                      else sum(case when year >= years_from then v end)
                                           over (partition by target_id, period, unit_code order by year) end
               else v end as value
    from joined
),

judged as (
    select *,
           case kind
               when 'relative_growth' then value > bench_growth * 100
               when 'total' then null
               when 'monitor' then null
               else cmp(value, unit_op, unit_target) end as met,
           case kind
               when 'relative_growth' then bench_growth * 100 - value
               when 'total' then null
               when 'monitor' then null
               else shortfall_of(value, unit_op, unit_target) end as gap,
           -- the first year from the base year with a value: the base of the trajectory
           min(case when v is not null then year end)
               over (partition by target_id, period, unit_code) as base_year_used,
           first_value(v ignore nulls)
               over (partition by target_id, period, unit_code order by year
                     rows between unbounded preceding and unbounded following) as base_value
    from valued
),

trajectory as (
    -- Open SDG progress applies to a numeric per-unit level with a target value
    select *,
           (kind = 'threshold' or (kind = 'share' and measure_type <> 'bool'))
               and not every_year and year < deadline as has_trajectory,
           case when unit_op in ('<=', '<') then -1 else 1 end as direction
    from judged
),

rated as (
    select *,
           trajectory_rate(has_trajectory, base_year_used, year, value, base_value, value, year - base_year_used) as rate_observed,
           trajectory_rate(has_trajectory, base_year_used, year, value, base_value, unit_target, deadline - base_year_used)
               as rate_required
    from trajectory
),

final as (
    select target_id, period, is_primary, pop_level as level, unit_code as region_code, year,
           value, unit_target as target_value, bench_growth * 100 as benchmark, met, gap,
           case when met = false then
               least(1.0, case kind when 'relative_growth' then gap / 100
                                    when 'milestone' then 1.0
                                    else gap / greatest(abs(unit_target), 1e-9) end) end as shortfall,
           case
               when v is null then 'no_data'
               when kind = 'total' then 'contribution'
               when kind = 'monitor' then 'monitored'
               when year = base_year then 'baseline'
               when met is null then 'not_assessable'
               else toward_deadline(met, every_year or year >= deadline, has_trajectory,
                                    progress_ratio(rate_observed, rate_required, base_value, direction))
           end as status,
           null::bigint as units_in_scope, null::bigint as units_reporting, null::bigint as units_met,
           null::double as share_met, null::double as aggregate_value, null::boolean as aggregate_weighted,
           case when has_trajectory then base_year_used end as base_year_used,
           case when has_trajectory then base_value end as base_value,
           rate_observed, rate_required,
           progress_ratio(rate_observed, rate_required, base_value, direction) as progress_ratio,
           bench_units as benchmark_units, v as raw_value, v_from as raw_from,
           year > base_year and year between plan_start and plan_end as in_period,
           true as is_unit, null::varchar as reading,
           -- kept for the roll-up, dropped from the table
           province_code, city_code, county_code, township_code, households, kind, v_from as _v_from, v as _v
    from rated
)

select * from final;

-- ---------------------------------------------------------------- roll-up to every level above the units
create or replace temp table region_result as
with spread as (
    -- each unit row once per level between the units (exclusive) and the population's region (inclusive)
    select u.*, l.level as roll_level,
           case l.level when 'province' then u.province_code when 'city' then u.city_code
                        when 'county' then u.county_code when 'township' then u.township_code end as roll_code
    from unit_result u
    join target_spec s on s.target_id = u.target_id and s.period = u.period
    join level_rank l on l.rank < s.pop_level_rank and l.rank >= s.pop_region_rank
),

grouped as (
    select target_id, period, roll_level, roll_code, year,
           count(*) as units_in_scope,
           count(case when kind = 'total' then _v else value end) as units_reporting,  -- a total's unit reports in the year
           count(*) filter (where met) as units_met,
           count(*) filter (where not met) as units_missed,
           sum(value) as total_value,
           avg(value) as mean_value,
           sum(value * households) / sum(households) filter (where value is not null) as weighted_value,
           count(value) filter (where households > 0) = count(value) as all_weighted,
           sum(_v) filter (where _v is not null and _v_from is not null)
               / nullif(sum(_v_from) filter (where _v is not null and _v_from is not null), 0) - 1 as growth_of_sum,
           case when min(benchmark) = max(benchmark) then min(benchmark) end as benchmark,
           case when min(benchmark_units) = max(benchmark_units) then min(benchmark_units) end as benchmark_units
    from spread
    group by target_id, period, roll_level, roll_code, year
),

joined as (
    -- the region's benchmark: recomputed over the region above `within`, else its units' own (one for all)
    -- (the grouped columns by name, not g.* exclude (…): the same text runs on Spark, tracker/core/spark_assess.py)
    select g.target_id, g.period, g.roll_level, g.roll_code, g.year, g.units_in_scope, g.units_reporting,
           g.units_met, g.units_missed, g.total_value, g.mean_value, g.weighted_value, g.all_weighted,
           g.growth_of_sum,
           coalesce(rb.growth * 100, g.benchmark) as benchmark,
           coalesce(rb.units, g.benchmark_units) as benchmark_units,
           s.kind, s.measure_type, s.op, s.rule_value, s.base_year, s.deadline, s.every_year,
           s.plan_start, s.plan_end, s.is_primary, s.pop_region, s.years_from, s.reading, s.reading_share,
           100.0 * g.units_met / g.units_in_scope as share_met,
           -- the population as a whole: a rate's or per-household number's mean (household-weighted when
           -- every reporting unit gives households), the growth of the sum, a yes/no's share of yes, a sum
           case when s.measure_type = 'bool' and s.kind <> 'relative_growth' then 100.0 * g.mean_value
                when s.kind = 'relative_growth' then g.growth_of_sum * 100
                when s.kind = 'total' then g.total_value
                when s.measure_type in ('rate', 'number') and g.all_weighted then g.weighted_value
                else g.mean_value end as aggregate_value,
           s.measure_type in ('rate', 'number') and s.kind <> 'relative_growth' and g.all_weighted
               and g.units_reporting > 0 as aggregate_weighted
    from grouped g
    join target_spec s on s.target_id = g.target_id and s.period = g.period
    left join region_benchmark rb on rb.target_id = g.target_id and rb.period = g.period and rb.year = g.year
                                 and rb.roll_code = g.roll_code
),

read as (
    -- the region's figure, target and comparison by the target's reading (share and total rules are the
    -- region's own; monitoring has no target)
    select *,
           case when units_reporting = 0 then null
                when kind = 'share' then 100.0 * units_met / units_reporting
                when kind = 'total' then total_value
                when kind = 'monitor' or reading = 'aggregate' then aggregate_value
                else share_met end as value,
           case when kind = 'share' then rule_value
                when kind = 'total' then case when roll_code = pop_region then rule_value end
                when kind = 'monitor' then null
                when reading = 'aggregate' then case when kind = 'relative_growth' then benchmark else rule_value end
                else reading_share end as target_value,
           case when kind in ('share', 'total') then op
                when reading = 'aggregate' then case when kind = 'relative_growth' then '>' else op end
                else '>=' end as region_op
    from joined
),

judged as (
    select *,
           case
               when units_reporting = 0 or kind = 'monitor' then null
               when kind = 'share' or reading = 'aggregate' then cmp(value, region_op, target_value)
               when kind = 'total' then case when target_value is not null then cmp(value, region_op, target_value) end
               -- every unit / a share of units: met once enough units meet it, missed once even the undecided
               -- (no value yet) could not lift it to the share
               when 100.0 * units_met >= reading_share * units_in_scope then true
               when 100.0 * (units_in_scope - units_missed) < reading_share * units_in_scope then false
           end as met
    from read
),

based as (
    select *,
           min(case when units_reporting > 0 and value is not null then year end)
               over (partition by target_id, period, roll_code) as base_year_used,
           first_value(case when units_reporting > 0 then value end ignore nulls)
               over (partition by target_id, period, roll_code order by year
                     rows between unbounded preceding and unbounded following) as base_value,
           case when region_op in ('<=', '<') then -1 else 1 end as direction,
           kind not in ('total', 'monitor') and target_value is not null and not every_year and year < deadline
               as has_trajectory
    from judged
),

rated as (
    select *,
           trajectory_rate(has_trajectory, base_year_used, year, value, base_value, value, year - base_year_used) as rate_observed,
           trajectory_rate(has_trajectory, base_year_used, year, value, base_value, target_value, deadline - base_year_used)
               as rate_required
    from based
),

final as (
    select target_id, period, is_primary, roll_level as level, roll_code as region_code, year,
           value, target_value, benchmark, met,
           case when target_value is not null then shortfall_of(value, region_op, target_value) end as gap,
           null::double as shortfall,
           case
               when kind = 'total' and target_value is null then 'contribution'
               when year = base_year then 'baseline'
               when units_reporting = 0 then 'no_data'
               when kind = 'monitor' then 'monitored'
               when met is null then 'insufficient_data'
               else toward_deadline(met, every_year or year >= deadline, has_trajectory,
                                    progress_ratio(rate_observed, rate_required, base_value, direction))
           end as status,
           units_in_scope, units_reporting, units_met, share_met, aggregate_value, aggregate_weighted,
           case when has_trajectory then base_year_used end as base_year_used,
           case when has_trajectory then base_value end as base_value,
           rate_observed, rate_required,
           progress_ratio(rate_observed, rate_required, base_value, direction) as progress_ratio,
           benchmark_units, null::double as raw_value, null::double as raw_from,
           year > base_year and year between plan_start and plan_end as in_period,
           false as is_unit, reading
    from rated
)

select * from final;

-- ---------------------------------------------------------------- the published table
create or replace table assessment as
select target_id, period, is_primary, level, region_code, year, value, target_value, benchmark, met, gap,
       shortfall, status, units_in_scope, units_reporting, units_met, share_met, aggregate_value,
       aggregate_weighted, base_year_used, base_value, rate_observed, rate_required, progress_ratio,
       benchmark_units, raw_value, raw_from, in_period, is_unit, reading
from unit_result
union all
select target_id, period, is_primary, level, region_code, year, value, target_value, benchmark, met, gap,
       shortfall, status, units_in_scope, units_reporting, units_met, share_met, aggregate_value,
       aggregate_weighted, base_year_used, base_value, rate_observed, rate_required, progress_ratio,
       benchmark_units, raw_value, raw_from, in_period, is_unit, reading
from region_result
order by target_id, period, level, region_code, year;
