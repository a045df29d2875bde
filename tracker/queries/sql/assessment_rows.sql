-- The assessment's primary rows (the catalogue's growth period) with the region's name, filtered by
-- whichever of $regions, $years, $level, $area, $target are given (null: no filter).
with final as (
    select a.target_id, a.region_code, r.name as region_name, a.level, a.year, a.value, a.target_value,
           a.benchmark, a.met, a.gap, a.status, a.units_in_scope, a.units_reporting, a.units_met,
           a.aggregate_value, a.aggregate_weighted, a.base_year_used, a.base_value, a.rate_observed,
           a.rate_required, a.progress_ratio, a.ratio_recent, a.ratio_cagr, a.pace_scale, a.pace_recent,
           a.pace_required, a.pace_from, a.pace_changes, a.projected_value, a.projected_low, a.projected_high,
           a.projected_year, a.chance_met, a.met_late_year, a.complete, a.benchmark_units, a.raw_value, a.raw_from,
           a.in_period, a.is_unit, a.reading
    from assessment a
    join region r on r.code = a.region_code
    where a.is_primary
      and ($regions::varchar[] is null or list_contains($regions::varchar[], a.region_code))
      and ($years::int[] is null or list_contains($years::int[], a.year))
      and ($level::varchar is null or a.level = $level::varchar)
      and ($area::varchar is null or starts_with(a.region_code, $area::varchar))
      and ($target::varchar is null or a.target_id = $target::varchar)
)
select * from final order by target_id, region_code, year
