-- Judge every staged value cell: load it, or reject it with a reason the sender understands.
-- Inputs: stage_cells (one row per value cell as sent, blank ones included), stage_part, stage_column,
-- measure_def, measure_alias, region (the store's), level_word.
-- Variables: judge_scope (a region code or NULL), judge_year_lo, judge_year_hi.
-- Output: the temp table judged, one row per staged cell: `skip` says why a cell is not judged at all
-- ('blank': missing, not zero, in a row with a code; 'ignored': blank in a row without one, or a note under
-- the table), `row_problem` what is wrong with its row, `problem` with the cell itself; a cell with none of
-- the three is kept (`keep`); the view judged_place adds each cell's sheet and column as the sender named them.
-- judge_repeats.sql then finds the codes, measures and years given more than once,
-- judge_rejects.sql words the rejections.
--
-- Codes, years, measure names and the texts that are not plain numbers repeat a lot: each distinct one is
-- read once into a small table here, and the cells are judged against these in one pass, carrying only
-- what the kept values need (the row's texts stay in stage_cells, read back for the few rejected cells).

create or replace temp table judge_codes as
select k.code_raw, k.code, k.code_blank, k.has_digit, r.name as region_name, r.level, w.bit as level_bit,
       dense_rank() over (order by k.code) as code_no,
       case
           when k.code_blank then 'code_missing'
           when k.code is null then 'code_unreadable'
           when r.code is null then 'unknown_code'
           when getvariable('judge_scope') is not null and not starts_with(r.code, getvariable('judge_scope'))
               then 'outside_scope'
       end as code_problem
from (select code_raw, unit_code(code_raw) as code, clean_text(code_raw) is null as code_blank,
             has_digit(code_raw) as has_digit
      from (select distinct code_raw from stage_cells)) as k
left join region as r on r.code = k.code
left join level_word as w on w.level = r.level;

create or replace temp table judge_years as
select year_raw, year_of(year_raw) as year from (select distinct year_raw from stage_cells);

create or replace temp table judge_counties as
select county_raw, coalesce(division_code(county_raw), '-') as claimed_county
from (select distinct county_raw from stage_cells where county_raw is not null);

-- a name written beside a village's code must be that village's (as written, or without its kind)
create or replace temp table judge_names as
select n.code_raw, n.name_raw,
       clean_text(n.name_raw) is not null and c.level = 'village' and not same_place(n.name_raw, c.region_name)
           as mismatch
from (select distinct code_raw, name_raw from stage_cells where name_raw is not null) as n
join judge_codes as c on c.code_raw = n.code_raw;

create or replace temp table judge_measures as
select k.measure_raw, d.*, dense_rank() over (order by d.measure_id) as measure_no
from (select distinct measure_raw from stage_cells) as k
left join measure_alias as a on a.key = header_key(k.measure_raw)
left join measure_def as d on d.measure_id = a.measure_id;

-- the texts that are not plain numbers (是, 否, 95%, 1,234, —, 注：…) and every text of a 是/否 measure: few
-- distinct ones, each read once by every rule that may apply to it
create or replace temp table judge_texts as
select value_raw, is_missing(value_raw) as missing, is_note(value_raw) as note,
       cast(yes_no(value_raw) as double) as yes_no, number_of(value_raw, true) as percent_number,
       number_of(value_raw, false) as number
from (select distinct value_raw from stage_cells
      where value_raw is not null
        and (try_cast(value_raw as double) is null
             or measure_raw in (select measure_raw from judge_measures where type = 'bool')));

-- a kept cell's code, measure and year as one number below judge_key_bits (for finding repeats)
set variable judge_measures = (select coalesce(max(measure_no), 1) from judge_measures);
set variable judge_key_bits = (select coalesce(max(code_no), 1) from judge_codes) * getvariable('judge_measures')
                              * (getvariable('judge_year_hi') - getvariable('judge_year_lo') + 1);

create or replace temp table judged as
with cells as (
    select
        s.part, s.row_number, s.col_no, c.code, c.code_no, y.year, m.measure_id, m.measure_no,
        case
            when s.value_raw is null or t.missing then case when c.has_digit then 'blank' else 'ignored' end
            -- a note under the table (注：…) has no code: it is skipped, not rejected
            when s.code_raw is null and t.note then 'ignored'
        end as skip,
        case
            when c.code_problem is not null then c.code_problem
            when k.claimed_county is not null and not starts_with(c.code, k.claimed_county) then 'wrong_county'
            when n.mismatch then 'name_mismatch'
            when y.year is null then 'year_unreadable'
            when y.year not between getvariable('judge_year_lo') and getvariable('judge_year_hi') then 'year_outside'
        end as row_problem,
        -- plain numbers (the bulk) are read by a cast; the rest by the rules, once per distinct text
        case when m.type = 'bool' then t.yes_no
             else coalesce(try_cast(s.value_raw as double), case when m.percent then t.percent_number else t.number end)
        end as value,
        m.type, m.lo, m.hi, (m.level_mask & c.level_bit) <> 0 as level_ok
    from stage_cells as s
    left join judge_texts as t on t.value_raw = s.value_raw
    left join judge_codes as c on c.code_raw is not distinct from s.code_raw
    left join judge_years as y on y.year_raw is not distinct from s.year_raw
    left join judge_counties as k on k.county_raw = s.county_raw
    left join judge_names as n on n.code_raw = s.code_raw and n.name_raw = s.name_raw
    left join judge_measures as m on m.measure_raw is not distinct from s.measure_raw
)
select
    part, row_number, col_no, code, measure_id, year, value, skip, row_problem,
    case
        when skip is not null or row_problem is not null then null
        when measure_id is null then 'unknown_measure'
        when not level_ok then 'wrong_level'
        when value is null and type = 'bool' then 'not_yes_no'
        when value is null then 'not_a_number'
        when value < lo or value > hi or isnan(value) then 'out_of_range'
        when type = 'count' and value <> floor(value) then 'not_whole'
    end as problem,
    -- code_no and measure_no are dense ranks from 1, a kept cell's year lies in the years a return may carry
    ((code_no - 1) * getvariable('judge_measures') + measure_no - 1)
        * (getvariable('judge_year_hi') - getvariable('judge_year_lo') + 1) + year - getvariable('judge_year_lo') as key,
    skip is null and row_problem is null and problem is null as keep
from cells;

-- each judged cell where the sender sees it: its sheet's name and its column's header (a view: judge_repeats.sql's
-- changes to judged show through)
create or replace temp view judged_place as
select j.*, p.sheet, c.column_name
from judged as j
join stage_part as p on p.part = j.part
join stage_column as c on c.part = j.part and c.col_no = j.col_no;
