-- Judge every staged value cell: load it, or reject it with a reason the sender understands.
-- Inputs: stage_cells (one row per value cell, text as sent), measure_def, measure_alias,
-- region (the store's). Parameters: $scope (a region code or NULL), $year_lo, $year_hi.
-- Output: the temp table judged, one row per non-blank cell (row problems: one per row).
-- Codes, years and measure names repeat a lot: each distinct text is cleaned once and joined back.
-- CTEs whose columns are used several times are materialized, so each expression runs once.

create or replace temp table judged as

with

cells as (
    select * from stage_cells
    where value_raw is not null
      and (case when try_cast(value_raw as double) is not null then true else not is_missing(value_raw) end)
      and not (code_raw is null and is_note(value_raw))  -- a note under the table is skipped, not rejected
),

codes as (
    select code_raw, division_code(code_raw) as code, clean_text(code_raw) is null as code_blank
    from (select distinct code_raw from cells)
),

years as (
    select year_raw, year_of(year_raw) as year from (select distinct year_raw from cells)
),

counties as (
    select county_raw, coalesce(division_code(county_raw), '-') as claimed_county
    from (select distinct county_raw from cells where county_raw is not null)
),

measures as (
    select k.measure_raw, d.*
    from (select distinct measure_raw from cells) as k
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
        case row_problem
            when 'code_missing' then '缺少区划代码'
            when 'code_unreadable' then
                case when regexp_full_match(clean_text(code_raw), '\d(\.\d+)?[eE]\+?\d{1,2}')
                     then '区划代码“' || code_raw || '”是科学计数法，已丢失末位数字：请把该列设为文本格式后重新填写'
                     else '“' || code_raw || '”不是统计用区划代码（应为2、4、6、9或12位数字）' end
            when 'unknown_code' then '区划代码 ' || code || ' 不在2023年统计用区划代码中'
            when 'outside_scope' then '区划代码 ' || code || ' 不属于本次报送的地区 ' || $scope
            when 'wrong_county' then '区划代码 ' || code || ' 不属于本行所填的县（市、区）' || county_raw
            when 'name_mismatch' then '代码与村名不符：区划代码 ' || code || ' 是“' || region_name || '”，本行填写的是“'
                || name_raw || '”'
            when 'year_unreadable' then '“' || year_raw || '”不是年份（应为四位数字，如 2024）'
            when 'year_outside' then '年份 ' || year || ' 不在可报送的年份（' || $year_lo || '—' || $year_hi || '）之内'
        end as reason
    from located
    where row_problem is not null
    order by sheet, row_number
),

valued as materialized (
    -- plain numbers (the bulk) take the fast path; only the rest goes through the slower rules,
    -- in a branch of its own (a CASE would evaluate the slow rules for every row)
    select *, try_cast(value_raw as double) as value
    from located
    where row_problem is null and type is not null and type <> 'bool' and try_cast(value_raw as double) is not null
    union all
    select *, case when type = 'bool' then cast(yes_no(value_raw) as double) else number_of(value_raw, percent) end
    from located
    where row_problem is null and not (type is not null and type <> 'bool' and try_cast(value_raw as double) is not null)
),

checked_cells as materialized (
    select
        *,
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
        checked_cells.sheet, checked_cells.row_number,
        case when problem = 'unknown_measure' then measure_header else column_name end as column_name,
        case when problem = 'unknown_measure' then measure_raw else value_raw end as raw_value,
        problem as reason_code,
        case problem
            when 'unknown_measure' then '“' || measure_raw || '”不是指标目录中的指标'
            when 'wrong_level' then '指标“' || zh || '”按' || levels_zh || '填报，' || code || ' 是' ||
                case level when 'province' then '省' when 'city' then '市' when 'county' then '县（市、区）'
                           when 'township' then '乡镇' else '村' end
            when 'not_yes_no' then '“' || value_raw || '”不是“是/否”'
            when 'not_a_number' then
                case when clean_text(value_raw) like '%\%%' escape '\'
                     then '“' || value_raw || '”带百分号，但指标“' || zh || '”的单位是' || unit
                     else '“' || value_raw || '”不是数字' end
            when 'out_of_range' then '数值 ' || num_text(value) || ' 超出指标“' || zh || '”的有效范围（'
                || num_text(lo) || '—' || num_text(hi) || ' ' || unit || '）'
            when 'not_whole' then '指标“' || zh || '”是个数，应为整数：' || value_raw
        end as reason
    from checked_cells
    left join (select measure_id, zh, unit, levels_zh from measure_def) as d using (measure_id)
    where problem is not null
),

good as materialized (
    select sheet, row_number, column_name, value_raw, code, measure_id, year, value
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
        string_agg(coalesce(sheet || ' ', '') || '第' || row_number || '行', '、' order by sheet nulls first, row_number)
            as places
    from repeated_good
    group by code, measure_id, year
),

repeated_cells as (
    select
        g.*, r.n_values, r.places,
        row_number() over (partition by g.code, g.measure_id, g.year
                           order by g.sheet nulls first, g.row_number, g.column_name) as nth
    from repeated_good as g
    join repeated as r on r.code = g.code and r.measure_id = g.measure_id and r.year = g.year
),

final as (
    select sheet, row_number, column_name, raw_value, reason_code, reason,
           null as code, null as measure_id, null::integer as year, null::double as value, false as keep
    from row_rejects
    union all
    select sheet, row_number, column_name, raw_value, reason_code, reason, null, null, null, null, false
    from cell_rejects
    union all
    select sheet, row_number, column_name, value_raw, null, null, code, measure_id, year, value, true
    from good
    where not exists (select 1 from repeated_keys as k
                      where k.code = good.code and k.measure_id = good.measure_id and k.year = good.year)
    union all
    select
        sheet, row_number, column_name, value_raw,
        case when n_values > 1 then 'conflicting_duplicate' when nth > 1 then 'duplicate' end,
        case when n_values > 1 then '同一地区、指标和年份在本文件中出现多次且数值不同（' || places || '）' end,
        code, measure_id, year, value, n_values = 1 and nth = 1
    from repeated_cells
)

select * from final
