-- Assessment, stage 8 of 9: every result's status, for units and regions alike.
-- Reads judged_result (6_courses.sql), course (7_pace.sql) and target_spec. Writes result. R is the recent pace's
-- (ratio_recent), or Open SDG's ratio of compound growth since the base year (ratio_cagr) where the setting
-- progress_method is 'cagr'.

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
