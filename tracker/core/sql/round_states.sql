-- 报送进度: each county of the area in the year's round (tracker/core/rounds.py), its state derived from what
-- arrived and from the acts: villages expected (村委会) and reporting a value of a measure asked for, values
-- expected and sent, the last act, the deadline and the days to it. Parameters: $year, $area, $today.
with rounds as (
    select * from report_round where year = $year
),

counties as (
    -- each county of the area under the most local round holding it
    select c.code, c.name, r.region_code as round_region, r.deadline, r.measures, r.reviewer_level
    from region c join rounds r on starts_with(c.code, r.region_code)
    where c.level = 'county' and starts_with(c.code, $area)
    qualify row_number() over (partition by c.code order by length(r.region_code) desc) = 1
),

asked as (
    -- the village-level measures each round asks for
    select distinct c.round_region, m.measure_id
    from counties c, unnest(string_split(c.measures, ',')) as m(measure_id)
),

villages as (
    select v.code, v.county_code, c.round_region
    from region v join counties c on c.code = v.county_code
    where v.level = 'village' and v.kind = 'village_committee'
),

sent as (
    select o.region_code, count(distinct o.measure_id) as measures_sent
    from current_observation o
    join villages v on v.code = o.region_code
    join asked a on a.round_region = v.round_region and a.measure_id = o.measure_id
    where o.year = $year and o.value is not null
    group by o.region_code
),

per_county as (
    select v.county_code, count(*) as villages_expected, count(s.region_code) as villages_reported,
           coalesce(sum(s.measures_sent), 0) as values_sent
    from villages v left join sent s on s.region_code = v.code
    group by v.county_code
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

select c.code as region_code, c.name as region_name, c.round_region, c.deadline, c.reviewer_level,
       coalesce(p.villages_expected, 0) as villages_expected, coalesce(p.villages_reported, 0) as villages_reported,
       coalesce(p.values_sent, 0) as values_sent,
       coalesce(p.villages_expected, 0) * (select count(*) from asked a where a.round_region = c.round_region)
           as values_expected,
       l.act as last_act, l.user_name as last_by, l.acted_at as last_at, l.note as last_note,
       t.first_submitted_at, t.submitted_at, t.reviewed_at,
       case l.act when 'approve' then 'approved' when 'return' then 'returned' when 'submit' then 'submitted'
            else case when coalesce(p.villages_reported, 0) = 0 then 'not_sent' else 'partial' end end as state,
       date_diff('day', $today::date, c.deadline) as days_left
from counties c
left join per_county p on p.county_code = c.code
left join acts l on l.region_code = c.code and l.latest = 1
left join timed t on t.region_code = c.code
order by c.code
