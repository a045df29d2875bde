-- 报送进度, village by village: each village (村委会) of the area's counties in the year's round (tracker/core/rounds.py),
-- with its township and county, the round holding it (the most local), its deadlines, how many measures the round
-- asks for and how many the village has sent, and when its first value of them arrived (any version: a value sent
-- on time and corrected later was still sent on time). Parameters: $year, $area.
with rounds as (
    select * from report_round where year = $year
),

counties as (
    -- each county of the area under the most local round holding it
    select c.code, c.name, r.region_code as round_region, r.deadline, r.township_deadline, r.measures,
           r.reviewer_level
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
    select v.code, v.township_code, v.county_code, c.round_region
    from region v join counties c on c.code = v.county_code
    where v.level = 'village' and v.kind = 'village_committee' and starts_with(v.code, $area)
),

sent as (
    select o.region_code, count(distinct o.measure_id) filter (where not o.superseded) as measures_sent,
           min(b.loaded_at) as first_at
    from observation o
    join villages v on v.code = o.region_code
    join asked a on a.round_region = v.round_region and a.measure_id = o.measure_id
    join batch b on b.batch_id = o.batch_id
    where o.year = $year and o.value is not null
    group by o.region_code
)

select v.code, v.township_code, v.county_code, c.name as county_name, c.round_region, c.deadline,
       coalesce(c.township_deadline, c.deadline) as township_deadline, c.reviewer_level,
       (select count(*) from asked a where a.round_region = v.round_region) as measures_asked,
       coalesce(s.measures_sent, 0) as measures_sent, s.first_at
from villages v
join counties c on c.code = v.county_code
left join sent s on s.region_code = v.code
