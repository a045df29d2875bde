-- Assessment, stage 1 of 9: what is assessed.
-- Reads target_spec_frame and population_spec_frame (a row per target variant and per population,
-- registered by tracker.core.assess from the catalogue) and the store's region and group_member.
-- Writes target_spec, population_spec and population_unit (every unit of every population).

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
       bench_within_rank::integer as bench_within_rank,
       measure_min::double as measure_min, measure_max::double as measure_max,
       progress_method::varchar as progress_method, min_reporting::double as min_reporting
from target_spec_frame;

create or replace temp table population_spec as
select pop_id::varchar as pop_id, region::varchar as region, level::varchar as level,
       group_id::varchar as group_id, group_level::varchar as group_level, kind::varchar as kind
from population_spec_frame;

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
