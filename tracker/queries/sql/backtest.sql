-- A backtest of the progress statuses: each target of $plan not yet due in $as_of, every region (or unit) at
-- $level (null: every level above the villages) inside $area, its status as of $as_of by each method, and its
-- outcome at the deadline. Reads the assessment and the progress macros (tracker/core/sql/assess/0_macros.sql).
with as_of as (
    select a.target_id, a.period, a.level, a.region_code, a.year, a.value, a.target_value, a.status,
           a.ratio_recent, a.ratio_cagr
    from assessment a
    where a.is_primary and a.year = $as_of and list_contains($targets::varchar[], a.target_id)
      and ($area::varchar is null or starts_with(a.region_code, $area::varchar))
      and (case when $level::varchar is null then a.level <> 'village' else a.level = $level::varchar end)
),

due as (
    select a.target_id, a.period, a.region_code, a.value as value_at_deadline, a.status as status_at_deadline
    from assessment a
    join (select unnest($targets::varchar[]) as target_id, unnest($deadlines::int[]) as deadline) d
      on d.target_id = a.target_id and a.year = d.deadline
    where a.is_primary
),

judged as (
    -- a status of the progress class is the ratio's class under each method; any other (achieved, pending, no data)
    -- is the same under both
    select s.*, d.deadline, u.value_at_deadline,
           case when s.status in ('on_track', 'needs_acceleration', 'limited', 'deteriorating')
                then progress_status(s.ratio_recent) else s.status end as status_recent,
           case when s.status in ('on_track', 'needs_acceleration', 'limited', 'deteriorating')
                then progress_status(s.ratio_cagr) else s.status end as status_cagr,
           case u.status_at_deadline when 'met_on_time' then 'met' when 'met' then 'met' when 'missed' then 'missed'
                else 'unknown' end as outcome
    from as_of s
    join (select unnest($targets::varchar[]) as target_id, unnest($deadlines::int[]) as deadline) d
      on d.target_id = s.target_id
    left join due u on u.target_id = s.target_id and u.period = s.period and u.region_code = s.region_code
),

final as (
    select j.target_id, j.level, j.region_code, r.name as region_name, j.year as as_of, j.deadline,
           j.deadline - j.year as years_ahead, j.value, j.target_value, j.status_recent, j.status_cagr, j.outcome,
           j.value_at_deadline
    from judged j
    join region r on r.code = j.region_code
)

select * from final order by target_id, level, region_code
