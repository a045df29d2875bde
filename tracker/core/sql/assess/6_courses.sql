-- Assessment, stage 6 of 9: the courses whose pace is judged, for units and regions alike.
-- Reads unit_result and region_result (the judged rows). Writes judged_result (both) and series (the estimator's
-- input, 7_pace.sql: each series on course, its years with a value before its deadline).

create or replace temp table judged_result as
select target_id, period, is_primary, level, region_code, year, value, target_value, benchmark, met, gap, shortfall,
       units_in_scope, units_reporting, units_met, share_met, aggregate_value, aggregate_weighted, benchmark_units,
       raw_value, raw_from, in_period, is_unit, reading, kind, has_value, has_target, base_year, deadline, every_year,
       complete, on_course, direction, counts_units, value_min, value_max
from unit_result
union all
select target_id, period, is_primary, level, region_code, year, value, target_value, benchmark, met, gap, shortfall,
       units_in_scope, units_reporting, units_met, share_met, aggregate_value, aggregate_weighted, benchmark_units,
       raw_value, raw_from, in_period, is_unit, reading, kind, has_value, has_target, base_year, deadline, every_year,
       complete, on_course, direction, counts_units, value_min, value_max
from region_result;

create or replace temp table series as
select target_id, period, is_unit, region_code, year, value, target_value, deadline, direction, value_min, value_max,
       case when counts_units then 'linear' else scale_kind(direction, value_min, value_max) end as scale
from judged_result
where on_course and has_value and value is not null and year < deadline;
