-- Assessment, stage 6 of 7: progress toward the deadline and the status, for units and regions alike.
-- Reads unit_result and region_result (the judged rows). Writes judged_result (both), course (the pace and the
-- projection of each series on course) and result (every row with its status).
--
-- The pace (docs/method.md, "Progress"): each year's change on the series' scale (0_macros.sql, scale_kind), the
-- recent pace the middle of its last three changes, the required pace what is left to the target over the years
-- left, and R their ratio; Open SDG's ratio of compound growth since the base year is kept beside it (ratio_cagr)
-- and judges instead when the setting progress_method is 'cagr'. A region's projection carries its course on at
-- the recent pace to the deadline, with an 80% interval from the spread of its last five changes.

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

create or replace temp table course as
with valued as (
    -- the years with a value of each series on course, before its deadline, on its scale
    select target_id, period, is_unit, region_code, year, value, target_value, deadline, direction, value_min,
           value_max, case when counts_units then 'linear' else scale_kind(direction, value_min, value_max) end as scale
    from judged_result
    where on_course and has_value and value is not null and year < deadline
),

scaled as (
    select *, on_scale(value, scale, value_min, value_max) as g from valued
),

changed as (
    -- each year's change on the scale, per year since the year before with a value
    select *,
           (g - lag(g) over (partition by target_id, period, is_unit, region_code order by year))
               / (year - lag(year) over (partition by target_id, period, is_unit, region_code order by year)) as change
    from scaled
),

windowed as (
    select *,
           lag(change, 1) over (partition by target_id, period, is_unit, region_code order by year) as change_1,
           lag(change, 2) over (partition by target_id, period, is_unit, region_code order by year) as change_2,
           count(change) over (partition by target_id, period, is_unit, region_code order by year
                               rows between 2 preceding and current row) as pace_changes,
           lag(year, 1) over (partition by target_id, period, is_unit, region_code order by year) as year_1,
           lag(year, 2) over (partition by target_id, period, is_unit, region_code order by year) as year_2,
           lag(year, 3) over (partition by target_id, period, is_unit, region_code order by year) as year_3,
           stddev_samp(change) over (partition by target_id, period, is_unit, region_code order by year
                                     rows between 4 preceding and current row) as change_sd,
           count(change) over (partition by target_id, period, is_unit, region_code order by year
                               rows between 4 preceding and current row) as sd_changes,
           -- the base of Open SDG's compound growth: the first year from the base year with a value
           first_value(year) over (partition by target_id, period, is_unit, region_code order by year
                                   rows between unbounded preceding and current row) as base_year_used,
           first_value(value) over (partition by target_id, period, is_unit, region_code order by year
                                    rows between unbounded preceding and current row) as base_value
    from changed
),

paced as (
    select *,
           median_of(pace_changes, change, change_1, change_2) as pace_recent,
           case pace_changes when 1 then year_1 when 2 then year_2 when 3 then year_3 end as pace_from,
           (on_scale(target_value, scale, value_min, value_max) - g) / (deadline - year) as pace_required,
           rate_pct(base_year_used < year, base_value, value, year - base_year_used) as rate_observed,
           rate_pct(base_year_used < year, base_value, target_value, deadline - base_year_used) as rate_required
    from windowed
),

rated as (
    select *,
           -- R on the scale; a figure already at its target on the scale (a rate within the margin of 100%) is on
           -- track unless it goes back
           case when pace_recent is null or pace_required is null then null
                when direction * pace_required <= 0 then case when direction * pace_recent < 0 then -1 else 1 end
                else direction * pace_recent / (direction * pace_required) end as ratio_recent,
           progress_ratio(rate_observed, rate_required, base_value, direction) as ratio_cagr,
           -- the spread of the projection on the scale: the year-to-year spread over the years left, and the
           -- uncertainty of the pace itself, from at least three changes
           case when sd_changes >= 3
                then change_sd * sqrt((deadline - year) + (deadline - year) * (deadline - year) / sd_changes)
           end as projected_sd,
           g + pace_recent * (deadline - year) as g_projected,
           on_scale(target_value, scale, value_min, value_max) as g_target
    from paced
),

final as (
    select target_id, period, is_unit, region_code, year, scale as pace_scale, pace_recent, pace_required,
           pace_from, pace_changes, rate_observed, rate_required, ratio_recent,
           ratio_cagr,
           -- a region's course carried on to the deadline at the recent pace (units: their status only)
           case when not is_unit then within(off_scale(g_projected, scale, value_min, value_max), value_min, value_max)
           end as projected_value,
           case when not is_unit and projected_sd is not null
                then within(off_scale(g_projected - 1.2816 * projected_sd, scale, value_min, value_max), value_min,
                            value_max) end as projected_low,
           case when not is_unit and projected_sd is not null
                then within(off_scale(g_projected + 1.2816 * projected_sd, scale, value_min, value_max), value_min,
                            value_max) end as projected_high,
           -- the year the target is reached at the recent pace (none within twenty years of the deadline)
           case when is_unit or pace_recent is null then null
                when direction * (g_target - g) <= 0 then year
                when direction * pace_recent > 0
                     and year + ceil((g_target - g) / pace_recent) <= deadline + 20
                then year + ceil((g_target - g) / pace_recent)::integer end as projected_year,
           -- the chance the target is met by the deadline, from the projection's spread
           case when is_unit or projected_sd is null then null
                when projected_sd = 0 then case when direction * (g_projected - g_target) >= 0 then 1.0 else 0.0 end
                else normal_cdf(direction * (g_projected - g_target) / projected_sd) end as chance_met
    from rated
)

select * from final;

create or replace temp table result as
with dated as (
    -- after its deadline a dated target keeps the verdict of its deadline: met then, met in a later year, or not
    -- yet met (from years whose figure is complete)
    select j.*, s.progress_method,
           max(case when j.year = j.deadline and j.complete and j.met is not null
                    then case when j.met then 1 else 0 end end)
               over (partition by j.target_id, j.period, j.is_unit, j.region_code) as met_at_deadline,
           min(case when j.met and j.complete and j.year > j.deadline then j.year end)
               over (partition by j.target_id, j.period, j.is_unit, j.region_code order by j.year
                     rows between unbounded preceding and current row) as met_after,
           -- the base of Open SDG's compound growth, shown with every year's row: the first year with a value
           min(case when j.has_value and j.value is not null then j.year end)
               over (partition by j.target_id, j.period, j.is_unit, j.region_code) as first_year_valued,
           first_value(case when j.has_value then j.value end ignore nulls)
               over (partition by j.target_id, j.period, j.is_unit, j.region_code order by j.year
                     rows between unbounded preceding and unbounded following) as first_value_valued
    from judged_result j
    join target_spec s on s.target_id = j.target_id and s.period = j.period
),

verdicts as (
    select *,
           case when not every_year and year > deadline then
               case when met_at_deadline = 1 then 'met_on_time' when met_after is not null then 'met_late'
                    when met_at_deadline = 0 then 'missed' end end as verdict,
           on_course and year < deadline as has_trajectory
    from dated
),

final as (
    select v.*, case when v.verdict = 'met_late' then v.met_after end as met_late_year, c.pace_scale, c.pace_recent, c.pace_required, c.pace_from, c.pace_changes,
           case when v.has_trajectory then v.first_year_valued end as base_year_used,
           case when v.has_trajectory then v.first_value_valued end as base_value,
           c.rate_observed, c.rate_required, c.ratio_recent, c.ratio_cagr,
           case v.progress_method when 'cagr' then c.ratio_cagr else c.ratio_recent end as progress_ratio,
           c.projected_value, c.projected_low, c.projected_high, c.projected_year, c.chance_met,
           result_status(v.is_unit, v.has_value, v.kind, v.has_target, v.year = v.base_year, v.met, v.complete,
                         v.verdict, v.every_year or v.year >= v.deadline, v.every_year, v.has_trajectory,
                         case v.progress_method when 'cagr' then c.ratio_cagr else c.ratio_recent end) as status
    from verdicts v
    left join course c on c.target_id = v.target_id and c.period = v.period and c.is_unit = v.is_unit
                      and c.region_code = v.region_code and c.year = v.year
)

select * from final;
