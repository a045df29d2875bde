-- Assessment, stage 0 of 6: the macros every stage uses.
-- The comparisons, the Open SDG progress rate and ratio, and result_status: the one CASE that gives a
-- result its status (tracker/core/status.py holds each status's words, colour and order; assess() checks
-- the ids written against it).

create or replace temp macro cmp(a, op, b) as
    case op when '>=' then a >= b when '>' then a > b when '<=' then a <= b when '<' then a < b else a = b end;

-- shortfall toward the rule, positive when short: target - value for >=/>, value - target for <=/<
create or replace temp macro shortfall_of(value, op, target) as
    case when op in ('<=', '<') then value - target else target - value end;

-- Open SDG thresholds on the ratio R of observed to required compound annual rate
create or replace temp macro progress_status(ratio) as
    case when ratio is null then 'insufficient_data'
         when ratio >= 0.95 then 'on_track'
         when ratio >= 0.6 then 'needs_acceleration'
         when ratio >= 0 then 'limited'
         else 'deteriorating' end;

-- The compound annual rate from base to current over n years; zero is taken as 0.001 (as
-- sdg-build does for a zero base) so that 0 -> 0 is no change; opposite signs have no rate.
create or replace temp macro annual_rate(base, current, n) as
    case when n > 0 and base * current > 0 then pow(current / base, 1.0 / n) - 1 end;

create or replace temp macro nonzero(x) as case when x = 0 then 0.001 else x end;

-- the compound annual rate in percent from base to `reached` over n years, where a trajectory applies
create or replace temp macro rate_pct(applies, base, reached, n) as
    case when applies then annual_rate(nonzero(base), nonzero(reached), n) * 100 end;

-- the observed (reached = the value, n = years since the base) or required (reached = the target, n = years from
-- the base to the deadline) rate of a trajectory, for units and roll-ups alike: from the first year with a value
create or replace temp macro trajectory_rate(has_trajectory, base_year_used, year, value, base_value, reached, n) as
    rate_pct(has_trajectory and base_year_used < year and value is not null, base_value, reached, n);

-- the status once no data, baseline and the like are ruled out: met or missed at or past the deadline
-- (or every year), else achieved, pending (no trajectory), or the Open SDG class of R
create or replace temp macro toward_deadline(met, final, has_trajectory, ratio) as
    case when final then case when met then 'met' else 'missed' end
         when met then 'achieved'
         when not has_trajectory then 'pending'
         else progress_status(ratio) end;

-- R = observed / |required| in the rule's direction (sdg-build methodology 2). A required rate
-- of 0 (the base sits exactly on the target, yet the target is not met now) gives R = -1 when
-- the value moved the wrong way and 0 when it did not move.
create or replace temp macro progress_ratio(observed, required, base, direction) as
    case when observed is null or required is null then null
         when required = 0 then case when direction * observed < 0 then -1 else 0 end
         else sign(nonzero(base)) * direction * observed / abs(required) end;

create or replace temp table level_rank as
select * from (values ('province', 0), ('city', 1), ('county', 2), ('township', 3), ('village', 4)) t(level, rank);

-- A result's status, for units and regions alike, in this order:
--   no value     a unit with no value this year: no_data
--   a total      without a target of its own: contribution (it counts toward a region's sum)
--   monitored    a unit of a monitoring-only target: monitored
--   base year    baseline (regions too, whether or not they have data)
--   no value     a region none of whose units reported: no_data
--   monitored    a region of a monitoring-only target: monitored
--   no verdict   a unit: not_assessable (e.g. growth from no positive base); a region: insufficient_data
--   otherwise    toward_deadline: met / missed at or past the deadline, else achieved, pending or Open SDG's class
create or replace temp macro result_status(is_unit, has_value, kind, has_target, is_base_year, met, final,
                                           has_trajectory, ratio) as
    case when is_unit and not has_value then 'no_data'
         when kind = 'total' and not has_target then 'contribution'
         when is_unit and kind = 'monitor' then 'monitored'
         when is_base_year then 'baseline'
         when not has_value then 'no_data'
         when kind = 'monitor' then 'monitored'
         when met is null then case when is_unit then 'not_assessable' else 'insufficient_data' end
         else toward_deadline(met, final, has_trajectory, ratio) end;
