-- Assessment, stage 9 of 9: the published table.
-- Writes assessment: one row per target, period, level, region and year (tests/test_assess.py checks the
-- grain and that every status is one of tracker/core/status.py's).

create or replace table assessment as
select target_id, period, is_primary, level, region_code, year, value, target_value, benchmark, met, gap,
       shortfall, status, met_late_year, complete, units_in_scope, units_reporting, units_met, share_met, aggregate_value,
       aggregate_weighted, base_year_used, base_value, rate_observed, rate_required, progress_ratio, ratio_recent,
       ratio_cagr, pace_scale, pace_recent, pace_required, pace_from, pace_changes, projected_value, projected_low,
       projected_high, projected_year, chance_met, benchmark_units, raw_value, raw_from, in_period, is_unit, reading
from result
order by target_id, period, level, region_code, year;
