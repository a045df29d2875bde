-- 报送进度: each county of the area in the year's round (tracker/core/rounds.py), its state derived from what
-- arrived (round_villages.sql, filled in below) and from the acts: villages expected (村委会), reporting a
-- value of a measure asked for, and reporting one by the deadline (in Beijing time, UTC+8); values expected and sent;
-- values an error rule refused and values a verify rule holds for 核实; the last act, the deadline and the days to
-- it. A county with no village committees (a district of 居委会 only) has nothing to send and is not in the round.
-- Parameters: $year, $area, $today, $held.
with villages as (
    {villages}
),

per_county as (
    select county_code, any_value(county_name) as county_name, any_value(round_region) as round_region,
           any_value(deadline) as deadline, any_value(reviewer_level) as reviewer_level,
           count(*) as villages_expected, count(*) filter (where measures_sent > 0) as villages_reported,
           count(*) filter (where (first_at + interval 8 hour)::date <= deadline)
               as villages_on_time,
           sum(measures_sent) as values_sent, sum(measures_asked) as values_expected
    from villages group by county_code
),

checked as (
    -- the year's values of the county's villages (of the measures asked for) that an error rule refused, or that a
    -- verify rule holds for 核实 (a finding in one of the $held states)
    select v.county_code, count(distinct (f.region_code, f.measure_id)) filter (where f.state = 'rejected')
               as values_refused,
           count(distinct (f.region_code, f.measure_id)) filter (where f.severity = 'verify'
                                                                  and list_contains($held, f.state)) as values_held
    from finding f
    join villages v on v.code = f.region_code
    join report_round r on r.year = $year and r.region_code = v.round_region
    where f.year = $year and list_contains(string_split(r.measures, ','), f.measure_id)
    group by all
),

acts as (
    select region_code, act, user_name, acted_at, note,
           row_number() over (partition by region_code order by acted_at desc) as latest
    from round_act where year = $year and act in ('submit', 'approve', 'return')
),

timed as (
    select region_code,
           min(acted_at) filter (where act = 'submit') as first_submitted_at,
           max(acted_at) filter (where act = 'submit') as submitted_at,
           max(acted_at) filter (where act in ('approve', 'return')) as reviewed_at
    from acts group by region_code
)

select p.county_code as region_code, p.county_name as region_name, p.round_region, p.deadline, p.reviewer_level,
       p.villages_expected, p.villages_reported, p.villages_on_time, p.values_sent, p.values_expected,
       coalesce(k.values_refused, 0) as values_refused, coalesce(k.values_held, 0) as values_held,
       l.act as last_act, l.user_name as last_by, l.acted_at as last_at, l.note as last_note,
       t.first_submitted_at, t.submitted_at, t.reviewed_at,
       case l.act when 'approve' then 'approved' when 'return' then 'returned' when 'submit' then 'submitted'
            else case when p.villages_reported = 0 then 'not_sent' else 'partial' end end as state,
       date_diff('day', $today::date, p.deadline) as days_left
from per_county p
left join checked k on k.county_code = p.county_code
left join acts l on l.region_code = p.county_code and l.latest = 1
left join timed t on t.region_code = p.county_code
order by p.county_code
