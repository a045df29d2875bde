-- Assessment, stage 7 of 9: the pace of every course, and where it leads — the one estimator of the product.
-- Reads `series` (target_id, period, is_unit, region_code, year, value, target_value, deadline, direction, value_min,
-- value_max, scale: the years with a value of each course before its deadline) and the macros (0_macros.sql).
-- Writes course: each year's recent and required pace, Open SDG's ratio beside, and for a series that is not a
-- unit's the projection to the deadline. The assessment runs it on its courses (6_courses.sql); 目标测算
-- (tracker/queries/propose.py) on a measure's units toward a candidate target.
--
-- The pace (docs/method.md, "Progress toward the deadline"): each year's change on the series' scale (scale_kind),
-- the recent pace the middle of its last three changes, the required pace what is left to the target over the years
-- left, and R their ratio; a projection carries the course on at the recent pace to the deadline, with an 80%
-- interval from the spread of its last five changes.

create or replace temp table course as
with scaled as (
    select *, on_scale(value, scale, value_min, value_max) as g from series
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

