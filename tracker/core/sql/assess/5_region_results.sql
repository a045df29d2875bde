-- Assessment, stage 5 of 9: every region above the units.
-- Writes region_result: a row per target, period, region of every level above the units, and year,
-- read as the target's region_reading declares (aggregate, every unit, a share of units).

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
           s.kind, s.measure_type, s.measure_min, s.measure_max, s.min_reporting, s.op, s.rule_value, s.base_year, s.deadline, s.every_year,
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

final as (
    -- the judged row; its status, pace and projection come in stages 6-8 (6_courses.sql, 7_pace.sql, 8_status.sql)
    select target_id, period, is_primary, roll_level as level, roll_code as region_code, year,
           value, target_value, benchmark, met,
           case when target_value is not null then shortfall_of(value, region_op, target_value) end as gap,
           null::double as shortfall,
           units_in_scope, units_reporting, units_met, share_met, aggregate_value, aggregate_weighted,
           benchmark_units, null::double as raw_value, null::double as raw_from,
           year > base_year and year between plan_start and plan_end as in_period,
           false as is_unit, reading,
           kind, units_reporting > 0 as has_value, target_value is not null as has_target, base_year, deadline,
           every_year,
           -- a figure from fewer than the declared share of its units has no verdict (数据不全)
           100.0 * units_reporting >= min_reporting * units_in_scope as complete,
           kind not in ('total', 'monitor') and target_value is not null and not every_year as on_course,
           case when region_op in ('<=', '<') then -1 else 1 end as direction,
           -- the figure's bounds: a share of units or of yes lies in 0-100 and counts units (so many villages a
           -- year: its pace is read in points, 0_macros.sql), else the measure's own
           kind = 'share' or measure_type = 'bool'
               or (kind not in ('monitor', 'total') and coalesce(reading, '') <> 'aggregate') as counts_units,
           case when kind = 'share' or measure_type = 'bool'
                     or (kind not in ('monitor', 'total') and coalesce(reading, '') <> 'aggregate')
                then 0.0 else measure_min end as value_min,
           case when kind = 'share' or measure_type = 'bool'
                     or (kind not in ('monitor', 'total') and coalesce(reading, '') <> 'aggregate')
                then 100.0 else measure_max end as value_max
    from judged
)

select * from final;
