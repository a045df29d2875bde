-- Judge every staged value cell: load it, or reject it with a reason the sender understands.
-- Inputs: stage_cells (one row per value cell, text as sent), measure_def, measure_alias,
-- region (the store's). Parameters: $scope (a region code or NULL), $year_lo, $year_hi.
-- Output: the temp table judged, one row per non-blank cell (plus one per rejected row).

create or replace temp table judged as

with

cells as (
    select * from stage_cells where not is_missing(value_raw)
),

measure_keys as (
    select distinct measure_raw, header_key(measure_raw) as key from cells
),

source_rows as (
    select
        sheet, row_number,
        any_value(code_raw) as code_raw, any_value(year_raw) as year_raw, any_value(county_raw) as county_raw,
        any_value(code_header) as code_header, any_value(year_header) as year_header
    from cells
    group by sheet, row_number
),

coded_rows as (
    select
        *,
        division_code(code_raw) as code,
        year_of(year_raw) as year,
        case when county_raw is not null then coalesce(division_code(county_raw), '-') end as claimed_county
    from source_rows
),

checked_rows as (
    select
        coded_rows.*,
        region.level,
        case
            when clean_text(code_raw) is null then 'code_missing'
            when coded_rows.code is null then 'code_unreadable'
            when region.code is null then 'unknown_code'
            when $scope is not null and not starts_with(region.code, $scope) then 'outside_scope'
            when claimed_county is not null and not starts_with(region.code, claimed_county) then 'wrong_county'
            when year is null then 'year_unreadable'
            when year not between $year_lo and $year_hi then 'year_outside'
        end as problem
    from coded_rows
    left join region on region.code = coded_rows.code
),

row_rejects as (
    select
        sheet, row_number,
        case when problem like 'year%' then year_header else code_header end as column_name,
        case when problem like 'year%' then year_raw else code_raw end as raw_value,
        problem as reason_code,
        case problem
            when 'code_missing' then '缺少区划代码'
            when 'code_unreadable' then
                case when regexp_full_match(clean_text(code_raw), '\d(\.\d+)?[eE]\+?\d{1,2}')
                     then '区划代码“' || code_raw || '”是科学计数法，已丢失末位数字：请把该列设为文本格式后重新填写'
                     else '“' || code_raw || '”不是统计用区划代码（应为2、4、6、9或12位数字）' end
            when 'unknown_code' then '区划代码 ' || code || ' 不在2023年统计用区划代码中'
            when 'outside_scope' then '区划代码 ' || code || ' 不属于本次报送的地区 ' || $scope
            when 'wrong_county' then '区划代码 ' || code || ' 不属于本行所填的县（市、区）' || county_raw
            when 'year_unreadable' then '“' || year_raw || '”不是年份（应为四位数字，如 2024）'
            when 'year_outside' then '年份 ' || year || ' 不在可报送的年份（' || $year_lo || '—' || $year_hi || '）之内'
        end as reason
    from checked_rows
    where problem is not null
),

parsed_cells as (
    select
        cells.sheet, cells.row_number, cells.column_name, cells.measure_header, cells.measure_raw, cells.value_raw,
        r.code, r.year, r.level,
        d.measure_id, d.zh, d.unit, d.type, d.lo, d.hi, d.levels, d.levels_zh,
        case when d.type = 'bool' then cast(yes_no(cells.value_raw) as double)
             else number_of(cells.value_raw, d.percent) end as value
    from cells
    join checked_rows as r
        on r.sheet is not distinct from cells.sheet and r.row_number = cells.row_number and r.problem is null
    join measure_keys as k on k.measure_raw is not distinct from cells.measure_raw
    left join measure_alias as a on a.key = k.key
    left join measure_def as d on d.measure_id = a.measure_id
),

checked_cells as (
    select
        *,
        case
            when measure_id is null then 'unknown_measure'
            when not list_contains(levels, level) then 'wrong_level'
            when value is null and type = 'bool' then 'not_yes_no'
            when value is null then 'not_a_number'
            when value < lo or value > hi then 'out_of_range'
            when type = 'count' and value <> floor(value) then 'not_whole'
        end as problem
    from parsed_cells
),

cell_rejects as (
    select
        sheet, row_number,
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
    where problem is not null
),

good as (
    select * from checked_cells where problem is null
),

keys as (
    select
        code, measure_id, year,
        count(distinct value) as n_values,
        string_agg(coalesce(sheet || ' ', '') || '第' || row_number || '行', '、' order by sheet, row_number) as places,
        min(struct_pack(sheet := coalesce(sheet, ''), row_number := row_number, column_name := column_name)) as first_place
    from good
    group by code, measure_id, year
),

final as (
    select sheet, row_number, column_name, raw_value, reason_code, reason,
           null as code, null as measure_id, null::integer as year, null::double as value, false as keep
    from row_rejects
    union all
    select sheet, row_number, column_name, raw_value, reason_code, reason, null, null, null, null, false
    from cell_rejects
    union all
    select
        good.sheet, good.row_number, good.column_name, good.value_raw,
        case when keys.n_values > 1 then 'conflicting_duplicate'
             when struct_pack(sheet := coalesce(good.sheet, ''), row_number := good.row_number, column_name := good.column_name) <> keys.first_place
                 then 'duplicate' end,
        case when keys.n_values > 1
             then '同一地区、指标和年份在本文件中出现多次且数值不同（' || keys.places || '）' end,
        good.code, good.measure_id, good.year, good.value,
        keys.n_values = 1 and struct_pack(sheet := coalesce(good.sheet, ''), row_number := good.row_number, column_name := good.column_name) = keys.first_place
    from good
    join keys on keys.code = good.code and keys.measure_id = good.measure_id and keys.year = good.year
)

select * from final
