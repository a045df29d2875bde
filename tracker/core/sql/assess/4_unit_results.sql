-- Assessment, stage 4 of 6: each unit's result.
-- Writes unit_result: a row per target, period, unit and year.

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
           result_status(true, v is not null, kind, unit_target is not null, year = base_year, met,
                         every_year or year >= deadline, has_trajectory,
                         progress_ratio(rate_observed, rate_required, base_value, direction)) as status,
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
