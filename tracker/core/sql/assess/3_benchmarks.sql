-- Assessment, stage 3 of 9: the benchmarks of relative rules.
-- Writes bench_unit, region_benchmark and benchmark.

-- population_mean: growth of the mean over the benchmark units reporting both years,
-- Σv_t / Σv_from − 1, separately within each ancestor at `bench_within`.
create or replace temp table bench_unit as
select target_id, period, year, province_code, city_code, county_code, township_code, within_code, v,
       case period when 'annual' then v_prev else v_base end as v_from
from unit_value
where of_benchmark;

-- A region above `bench_within` (a city, for a county's benchmark) reads its units' growth as a whole
-- against the same benchmark recomputed over its own benchmark units (the aggregate reading).
create or replace temp table region_benchmark as
select b.target_id, b.period, b.year, l.level as roll_level,
       case l.level when 'province' then b.province_code when 'city' then b.city_code
                    when 'county' then b.county_code when 'township' then b.township_code end as roll_code,
       case when sum(b.v_from) > 0 then sum(b.v) / sum(b.v_from) - 1 end as growth,
       count(*) as units
from bench_unit b
join target_spec s on s.target_id = b.target_id and s.period = b.period
join level_rank l on l.rank < s.bench_within_rank and l.rank >= s.pop_region_rank
where b.v is not null and b.v_from is not null
group by all;

create or replace temp table benchmark as
with population_mean as (
    select target_id, period, year, within_code,
           case when sum(v_from) > 0 then sum(v) / sum(v_from) - 1 end as growth,
           count(*) as units
    from bench_unit
    where v is not null and v_from is not null
    group by target_id, period, year, within_code
),

bench_region_obs as (
    -- the values of the regions whose recorded growth is the benchmark (a province's), cut before the joins
    select o.* from obs o semi join target_spec s on s.bench_region = o.region_code and s.bench_measure = o.measure_id
),

recorded as (
    select s.target_id, s.period, y.year, null::varchar as within_code,
           case when from_.value > 0 then cur.value / from_.value - 1 end as growth,
           null::bigint as units
    from target_spec s
    join target_year y on y.target_id = s.target_id and y.period = s.period
    left join bench_region_obs cur on cur.measure_id = s.bench_measure and cur.region_code = s.bench_region and cur.year = y.year
    left join bench_region_obs from_ on from_.measure_id = s.bench_measure and from_.region_code = s.bench_region
                       and from_.year = case s.period when 'annual' then y.year - 1 else s.base_year end
    where s.bench_kind = 'recorded'
),

constant as (
    select s.target_id, s.period, y.year, null::varchar as within_code, s.bench_value / 100 as growth,
           null::bigint as units
    from target_spec s join target_year y on y.target_id = s.target_id and y.period = s.period
    where s.bench_kind = 'constant'
),

final as (
    select * from population_mean
    union all select * from recorded
    union all select * from constant
)

select * from final;
