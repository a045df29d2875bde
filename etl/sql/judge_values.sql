-- Judge every staged value cell: load it, or reject it with a reason the sender understands.
-- Inputs: stage_cells (one row per value cell, text as sent), measure_def, measure_alias,
-- region (the store's), reason_template (the clerk's sentences, from the message catalogue).
-- Parameters: $scope (a region code or NULL), $year_lo, $year_hi.
-- Output: the temp table judged, one row per non-blank cell (row problems: one per row). A rejection has
-- its reason_code, reason_key (which sentence), reason_args (its parts, language-neutral JSON) and the
-- sentence in Chinese, filled in here; the row's region code and name go with every row.
-- Codes, years and measure names repeat a lot: each distinct text is cleaned once and joined back.
-- CTEs whose columns are used several times are materialized, so each expression runs once.

create or replace temp table judged as

with

-- the cells that are not numbers are few distinct texts (是, 否, 95%, —): each is read once and joined back
texts as materialized (
    select value_raw, is_missing(value_raw) as missing
    from (select distinct value_raw from stage_cells
          where value_raw is not null and try_cast(value_raw as double) is null)
),

-- a note under the table (注：…) has no code: it is skipped, not rejected. Only rows without a code are tested
-- (the OR stops at a code: the regex never runs on the bulk)
cells as (
    select s.* from stage_cells s
    left join texts t on t.value_raw = s.value_raw
    where s.value_raw is not null and not coalesce(t.missing, false)
      and (s.code_raw is not null or not is_note(s.value_raw))
),

-- the distinct texts come from every staged cell, not from `cells` (a text of a blank cell is read for nothing):
-- `cells` is then read once, by `located`, instead of being written out whole first
codes as (
    select code_raw, unit_code(code_raw) as code, clean_text(code_raw) is null as code_blank
    from (select distinct code_raw from stage_cells)
),

years as (
    select year_raw, year_of(year_raw) as year from (select distinct year_raw from stage_cells)
),

counties as (
    select county_raw, coalesce(division_code(county_raw), '-') as claimed_county
    from (select distinct county_raw from stage_cells where county_raw is not null)
),

measures as (
    select k.measure_raw, d.*
    from (select distinct measure_raw from stage_cells) as k
    left join measure_alias as a on a.key = header_key(k.measure_raw)
    left join measure_def as d on d.measure_id = a.measure_id
),

located as materialized (
    select
        cells.sheet, cells.row_number, cells.column_name, cells.measure_header, cells.measure_raw, cells.value_raw,
        cells.code_raw, cells.year_raw, cells.county_raw, cells.code_header, cells.year_header,
        cells.name_raw, cells.name_header, region.name as region_name,
        codes.code, years.year, region.level,
        m.measure_id, m.type, m.percent, m.lo, m.hi, list_contains(m.levels, region.level) as level_ok,
        case
            when codes.code_blank then 'code_missing'
            when codes.code is null then 'code_unreadable'
            when region.code is null then 'unknown_code'
            when $scope is not null and not starts_with(region.code, $scope) then 'outside_scope'
            when counties.claimed_county is not null and not starts_with(region.code, counties.claimed_county)
                then 'wrong_county'
            when clean_text(cells.name_raw) is not null and region.level = 'village'
                 and not same_place(cells.name_raw, region.name) then 'name_mismatch'
            when years.year is null then 'year_unreadable'
            when years.year not between $year_lo and $year_hi then 'year_outside'
        end as row_problem
    from cells
    left join codes on codes.code_raw is not distinct from cells.code_raw
    left join years on years.year_raw is not distinct from cells.year_raw
    left join counties on counties.county_raw = cells.county_raw
    left join region on region.code = codes.code
    left join measures as m on m.measure_raw is not distinct from cells.measure_raw
),

row_rejects as (
    select distinct on (sheet, row_number)
        sheet, row_number,
        case when row_problem like 'year%' then year_header when row_problem = 'name_mismatch' then name_header
             else code_header end as column_name,
        case when row_problem like 'year%' then year_raw when row_problem = 'name_mismatch' then name_raw
             else code_raw end as raw_value,
        row_problem as reason_code,
        case when row_problem = 'code_unreadable'
                  and regexp_full_match(clean_text(code_raw), '\d(\.\d+)?[eE]\+?\d{1,2}') then 'code_scientific'
             else row_problem end as reason_key,
        coalesce(code, clean_text(code_raw)) as region_code, coalesce(region_name, name_raw) as region_name,
        case when row_problem like 'year%' then year_raw when row_problem = 'name_mismatch' then name_raw
             else code_raw end as a_raw,
        code as a_code, county_raw as a_county, region_name as a_name, year as a_year,
        null as a_header, null as a_measure, null as a_value, null as a_rows, null as a_places
    from located
    where row_problem is not null
    order by sheet, row_number
),

-- the slower rules (是/否, 95%, 1,234, full-width digits) read each distinct text of a kind of measure once
parsed as materialized (
    select value_raw, type, percent,
           case when type = 'bool' then cast(yes_no(value_raw) as double) else number_of(value_raw, percent) end as value
    from (select distinct value_raw, type, percent from located
          where row_problem is null
            and not (type is not null and type <> 'bool' and try_cast(value_raw as double) is not null))
),

valued as (
    -- plain numbers (the bulk) take the fast path; only the rest goes through the slower rules,
    -- in a branch of its own (a CASE would evaluate the slow rules for every row)
    select *, try_cast(value_raw as double) as value
    from located
    where row_problem is null and type is not null and type <> 'bool' and try_cast(value_raw as double) is not null
    union all
    select l.*, p.value
    from located l
    join parsed p on p.value_raw = l.value_raw and p.type is not distinct from l.type
                 and p.percent is not distinct from l.percent
    where l.row_problem is null
      and not (l.type is not null and l.type <> 'bool' and try_cast(l.value_raw as double) is not null)
),

checked_cells as materialized (
    -- only what the rejections and the good cells read: the row's other texts stay behind in `located`
    select
        sheet, row_number, column_name, measure_header, measure_raw, value_raw, code, region_name, measure_id, year,
        value,
        case
            when measure_id is null then 'unknown_measure'
            when not level_ok then 'wrong_level'
            when value is null and type = 'bool' then 'not_yes_no'
            when value is null then 'not_a_number'
            when value < lo or value > hi or isnan(value) then 'out_of_range'
            when type = 'count' and value <> floor(value) then 'not_whole'
        end as problem
    from valued
),

cell_rejects as (
    select
        sheet, row_number,
        case when problem = 'unknown_measure' then measure_header else column_name end as column_name,
        -- the cell as sent; a long return's unknown measure is its measure cell
        case when problem = 'unknown_measure' and column_name <> measure_header then measure_raw
             else value_raw end as raw_value,
        problem as reason_code,
        case when problem = 'not_a_number' and clean_text(value_raw) like '%\%%' escape '\'
             then 'not_a_number_percent' else problem end as reason_key,
        code as region_code, region_name,
        value_raw as a_raw, code as a_code, null as a_county, region_name as a_name, null::integer as a_year,
        measure_raw as a_header, measure_id as a_measure,
        case when problem = 'out_of_range' then num_text(value) end as a_value, null as a_rows, null as a_places
    from checked_cells
    where problem is not null
),

good as not materialized (  -- a filter of checked_cells, which is materialized already
    select sheet, row_number, column_name, value_raw, code, region_name, measure_id, year, value
    from checked_cells where problem is null
),

repeated_keys as (
    select code, measure_id, year from good group by code, measure_id, year having count(*) > 1
),

repeated_good as (
    select good.* from good
    join repeated_keys as k on k.code = good.code and k.measure_id = good.measure_id and k.year = good.year
),

repeated as (
    select
        code, measure_id, year,
        count(distinct value) as n_values,
        to_json(list(struct_pack(sheet, row := row_number) order by sheet nulls first, row_number)) as a_rows,
        string_agg(coalesce(sheet || ' ', '') || replace(getvariable('row_ref'), '{row}', row_number::varchar),
                   getvariable('list_joiner') order by sheet nulls first, row_number) as a_places
    from repeated_good
    group by code, measure_id, year
),

repeated_cells as (
    select
        g.*, r.n_values, r.a_rows, r.a_places,
        row_number() over (partition by g.code, g.measure_id, g.year
                           order by g.sheet nulls first, g.row_number, g.column_name) as nth
    from repeated_good as g
    join repeated as r on r.code = g.code and r.measure_id = g.measure_id and r.year = g.year
),

rejects as (
    select * from row_rejects
    union all by name
    select * from cell_rejects
    union all by name
    select sheet, row_number, column_name, value_raw as raw_value, 'conflicting_duplicate' as reason_code,
           'conflicting_duplicate' as reason_key, code as region_code, region_name, a_rows, a_places
    from repeated_cells where n_values > 1
),

-- each rejection's sentence, filled in from its template with the Chinese words of its parts
worded as (
    select r.*,
           fill_reason(t.template, r.a_raw, r.a_code, $scope, r.a_county, r.a_name, r.a_header, r.a_year::varchar,
                       $year_lo::varchar, $year_hi::varchar, r.a_value, num_text(d.lo), num_text(d.hi), d.zh, d.unit,
                       d.levels_zh, w.word, r.a_places, null) as reason,
           to_json(struct_pack(raw := r.a_raw, code := r.a_code, scope := $scope, county := r.a_county,
                               name := r.a_name, header := r.a_header, "year" := r.a_year, year_lo := $year_lo,
                               year_hi := $year_hi, "value" := r.a_value, lo := num_text(d.lo), hi := num_text(d.hi),
                               measure := r.a_measure, "level" := g.level, rows := r.a_rows::json)) as reason_args
    from rejects r
    join reason_template t on t.key = r.reason_key
    left join measure_def d on d.measure_id = r.a_measure
    left join region g on g.code = r.a_code and r.reason_key = 'wrong_level'
    left join level_word w on w.level = g.level
),

final as (
    select sheet, row_number, column_name, raw_value, reason_code, reason_key, reason, reason_args,
           region_code, region_name, null as code, null as measure_id, null::integer as year, null::double as value,
           false as keep
    from worded
    union all
    select sheet, row_number, column_name, value_raw, null, null, null, null, code, region_name,
           code, measure_id, year, value, true
    from good
    -- an anti join, not `not exists`: DuckDB plans that subquery as a join over every good cell
    anti join repeated_keys as k on k.code = good.code and k.measure_id = good.measure_id and k.year = good.year
    union all
    select sheet, row_number, column_name, value_raw, case when nth > 1 then 'duplicate' end, null, null, null,
           code, region_name, code, measure_id, year, value, nth = 1
    from repeated_cells where n_values = 1
)

select * from final
