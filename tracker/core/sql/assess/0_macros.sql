-- Assessment, stage 0 of 9: the macros every stage uses.
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

-- the status once no data, baseline and the like are ruled out: at or past the deadline (or every year) met or
-- missed (a dated target met at its deadline is met_on_time), else achieved, pending (no pace to judge), or the
-- class of the progress ratio R
create or replace temp macro toward_deadline(met, final, every_year, has_trajectory, ratio) as
    case when final then case when not met then 'missed' when every_year then 'met' else 'met_on_time' end
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
--   past due     a dated target after its deadline keeps the verdict of its deadline: met_on_time, met_late (met
--                in a later year), or missed until it is met (8_status.sql, `verdict`)
--   no value     a unit with no value this year: no_data
--   a total      without a target of its own: contribution (it counts toward a region's sum)
--   monitored    a unit of a monitoring-only target: monitored
--   base year    baseline (regions too, whether or not they have data)
--   no value     a region none of whose units reported: no_data
--   monitored    a region of a monitoring-only target: monitored
--   partial      a region whose figure comes from fewer than the declared share of its units: incomplete
--   no verdict   a unit: not_assessable (e.g. growth from no positive base); a region: insufficient_data
--   otherwise    toward_deadline
create or replace temp macro result_status(is_unit, has_value, kind, has_target, is_base_year, met, complete,
                                           verdict, final, every_year, has_trajectory, ratio) as
    case when verdict is not null then verdict
         when is_unit and not has_value then 'no_data'
         when kind = 'total' and not has_target then 'contribution'
         when is_unit and kind = 'monitor' then 'monitored'
         when is_base_year then 'baseline'
         when not has_value then 'no_data'
         when kind = 'monitor' then 'monitored'
         when not complete then 'incomplete'
         when met is null then case when is_unit then 'not_assessable' else 'insufficient_data' end
         else toward_deadline(met, final, every_year, has_trajectory, ratio) end;

-- The recent pace (7_pace.sql) is measured on a scale where a steady course is a straight line:
--   ceiling  a figure rising toward its upper bound (a rate toward 100%): -ln(gap to the bound), so that closing
--            the same share of the remaining gap each year is a steady pace and a rate near 100 is not stalled
--   floor    a figure falling toward its lower bound: ln(distance above the bound), a steady share off each year
--   growth   a figure rising with no upper bound (an income): ln(value above its lower bound), compound growth
--   linear   anything else: the value itself
create or replace temp macro scale_kind(direction, lo, hi) as
    case when direction = 1 and hi is not null then 'ceiling' when direction = -1 and lo is not null then 'floor'
         when direction = 1 and lo is not null then 'growth' else 'linear' end;

-- within half a percent of the bound's range a figure counts as at the bound (a target of 100% is 99.5 on the scale)
create or replace temp macro bound_margin(lo, hi) as 0.005 * coalesce(hi - lo, abs(coalesce(hi, lo)), 1.0);

create or replace temp macro on_scale(v, scale, lo, hi) as
    case scale when 'ceiling' then -ln(greatest(hi - v, bound_margin(lo, hi)))
               when 'floor' then ln(greatest(v - lo, bound_margin(lo, hi)))
               when 'growth' then case when v > lo then ln(v - lo) end
               else v end;

create or replace temp macro off_scale(g, scale, lo, hi) as
    case scale when 'ceiling' then hi - exp(-g) when 'floor' then lo + exp(g) when 'growth' then lo + exp(g)
               else g end;

-- a figure held to its bounds (a share carried on past 100% is 100%)
-- (greatest and least pass over NULLs: a missing figure stays missing)
create or replace temp macro within(x, lo, hi) as case when x is not null then least(coalesce(hi, x), greatest(coalesce(lo, x), x)) end;

-- the middle of three changes (of two, their mean; of one, itself)
create or replace temp macro median_of(n, c0, c1, c2) as
    case when n = 1 then c0 when n = 2 then (c0 + c1) / 2
         when n >= 3 then c0 + c1 + c2 - greatest(c0, c1, c2) - least(c0, c1, c2) end;

-- the standard normal distribution function (Bowling et al.'s logistic approximation, within 0.00015), its argument
-- held to ±8 where it is 0 or 1 anyway
create or replace temp macro clamped(x) as greatest(-8.0, least(8.0, x));
create or replace temp macro normal_cdf(x) as 1 / (1 + exp(-1.5976 * clamped(x) - 0.07056 * pow(clamped(x), 3)));
