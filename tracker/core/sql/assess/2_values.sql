-- Assessment, stage 2 of 9: the values the units read.
-- Reads counted_observation (the values that count) for the measures and provinces the targets name.
-- Writes obs, measure_year, target_year, unit_year, unit_obs and unit_value (each unit's value in a year,
-- the year before, the base year, and its households).

-- the value that counts of each measure, region and year (counted_observation: the latest batch's, less what
-- an error or verify finding holds back until accepted), of the measures the targets use; a list variable,
-- not a subquery, so the filter reaches the scan below the view
set variable assessed_measures = (
    select list(distinct measure_id) from (
        select measure_id from target_spec
        union select bench_measure from target_spec where bench_measure is not null
        union select 'households'));  -- the weight of village rates when reported

-- and of the provinces the populations and benchmarks lie in (a store of every province assesses the few
-- provinces the catalogue's targets name without reading the others' values)
set variable assessed_provinces = (
    select list(distinct left(code, 2)) from (
        select pop_region as code from target_spec
        union select bench_pop_region from target_spec where bench_pop_region is not null
        union select bench_region from target_spec where bench_region is not null
        union select region from population_spec));

-- the codes' range first (a comparison with a variable reaches the scan under the view's window; ':' sorts
-- after every digit), then the provinces themselves
set variable assessed_from = (select min(p) from unnest(getvariable('assessed_provinces')) as t(p));
set variable assessed_to = (select max(p) || ':' from unnest(getvariable('assessed_provinces')) as t(p));

-- whether every province of the store inside that range is assessed (a store of the catalogue's provinces
-- alone): then the range says it all and the test of each value's province (0.4 s over the two-province
-- store's 3.5 M values) is left out
set variable assessed_whole_range = (
    select count(*) = array_length(getvariable('assessed_provinces')) from region
    where level = 'province' and code >= getvariable('assessed_from') and code < getvariable('assessed_to'));

-- each assessed measure's number: the values are joined on two integers (the region code as a number, and the
-- measure's number × 10000 + the year) instead of three columns of which two are text, which takes the joins of
-- units to their current, previous and base-year values (bench_unit, unit_value) from 1.4 s to 0.95 s on the
-- two-province store
create or replace temp table measure_number as
select measure_id, row_number() over (order by measure_id) as measure_no
from (select unnest(getvariable('assessed_measures')) as measure_id);

create or replace temp table obs as
select o.measure_id, o.region_code, o.year, o.value, o.region_code::bigint as region_no,
       m.measure_no * 10000 + o.year as measure_year
from counted_observation o
join measure_number m on m.measure_id = o.measure_id
where list_contains(getvariable('assessed_measures'), o.measure_id)
  and o.region_code >= getvariable('assessed_from') and o.region_code < getvariable('assessed_to')
  and (getvariable('assessed_whole_range') or list_contains(getvariable('assessed_provinces'), left(o.region_code, 2)));

create or replace temp table measure_year as
select distinct measure_id, year from obs;

-- Every year with data for the target's measure, from its base year on.
create or replace temp table target_year as
select s.target_id, s.period, y.year
from target_spec s join measure_year y on y.measure_id = s.measure_id and y.year >= s.base_year;

-- Every unit's every year, of each target's own population and of its benchmark's (population_mean), with the
-- keys of the values it reads: the year's, the year before's, the base year's, and the households of the year.
create or replace temp table unit_year as
with population_of as (
    select target_id, period, target_id as pop_id, false as of_benchmark from target_spec
    union all
    select target_id, period, target_id || '#benchmark', true from target_spec where bench_kind = 'population_mean'
)

select s.target_id, s.period, p.of_benchmark, u.unit_code, u.unit_no, u.province_code, u.city_code,
       u.county_code, u.township_code, y.year,
       case s.bench_within when 'province' then u.province_code when 'city' then u.city_code
                           when 'county' then u.county_code when 'township' then u.township_code
                           else s.bench_pop_region end as within_code,
       m.measure_no * 10000 + y.year as key_now,
       m.measure_no * 10000 + y.year - 1 as key_prev,
       m.measure_no * 10000 + s.base_year as key_base,
       h.measure_no * 10000 + y.year as key_households
from target_spec s
join population_of p on p.target_id = s.target_id and p.period = s.period
join population_unit u on u.pop_id = p.pop_id
join target_year y on y.target_id = s.target_id and y.period = s.period
join measure_number m on m.measure_id = s.measure_id
join measure_number h on h.measure_id = 'households';

-- The values the units read, cut from `obs` once (a tenth of it on the two-province store): the joins below then
-- build their hash tables on these instead of on every value (0.8 s to 0.2 s there)
create or replace temp table unit_obs as
select o.region_no, o.measure_year, o.value
from obs o
semi join (
    select unit_no, key_now as measure_year from unit_year
    union all select unit_no, key_prev from unit_year
    union all select unit_no, key_base from unit_year
    union all select unit_no, key_households from unit_year
) k on k.unit_no = o.region_no and k.measure_year = o.measure_year;

-- each unit's values in each year: the year's, the year before's, the base year's, and its households
create or replace temp table unit_value as
select y.target_id, y.period, y.of_benchmark, y.unit_code, y.province_code, y.city_code, y.county_code,
       y.township_code, y.year, cur.value as v, prev.value as v_prev, base.value as v_base, hh.value as households,
       y.within_code
from unit_year y
left join unit_obs cur on cur.region_no = y.unit_no and cur.measure_year = y.key_now
left join unit_obs prev on prev.region_no = y.unit_no and prev.measure_year = y.key_prev
left join unit_obs base on base.region_no = y.unit_no and base.measure_year = y.key_base
left join unit_obs hh on hh.region_no = y.unit_no and hh.measure_year = y.key_households;
