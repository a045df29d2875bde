-- Assessment, stage 4 of 9: each unit's result.
-- Writes unit_result: a row per target, period, unit and year.

create or replace temp table unit_result as
with joined as (
    select v.*, s.kind, s.measure_type, s.measure_min, s.measure_max, s.op, s.rule_value, s.cond_op, s.cond_value, s.years_from,
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
               else shortfall_of(value, unit_op, unit_target) end as gap
    from valued
),

final as (
    -- the judged row; its status, pace and projection come in stages 6-8 (6_courses.sql, 7_pace.sql, 8_status.sql)
    select target_id, period, is_primary, pop_level as level, unit_code as region_code, year,
           value, unit_target as target_value, bench_growth * 100 as benchmark, met, gap,
           case when met = false then
               least(1.0, case kind when 'relative_growth' then gap / 100
                                    when 'milestone' then 1.0
                                    else gap / greatest(abs(unit_target), 1e-9) end) end as shortfall,
           null::bigint as units_in_scope, null::bigint as units_reporting, null::bigint as units_met,
           null::double as share_met, null::double as aggregate_value, null::boolean as aggregate_weighted,
           bench_units as benchmark_units, v as raw_value, v_from as raw_from,
           year > base_year and year between plan_start and plan_end as in_period,
           true as is_unit, null::varchar as reading,
           -- what the status reads
           kind, v is not null as has_value, unit_target is not null as has_target, base_year, deadline, every_year,
           true as complete,
           -- a pace toward the target applies to a numeric per-unit level with a target value
           (kind = 'threshold' or (kind = 'share' and measure_type <> 'bool')) and not every_year as on_course,
           case when unit_op in ('<=', '<') then -1 else 1 end as direction,
           false as counts_units, measure_min as value_min, measure_max as value_max,
           -- kept for the roll-up (5_region_results.sql), dropped from the table
           province_code, city_code, county_code, township_code, households, v_from as _v_from, v as _v
    from judged
)

select * from final;
