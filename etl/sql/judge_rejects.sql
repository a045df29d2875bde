-- Word the rejections of the judged cells (judge_values.sql): one per row whose code, year or name is wrong,
-- one per cell that cannot be loaded, one per cell of a code, measure and year given with differing values.
-- Inputs: judged, judge_repeated, judge_codes, stage_cells, stage_part, stage_column, measure_def, region,
-- reason_template (the clerk's sentences, from the message catalogue), level_word.
-- Variables: judge_scope, judge_year_lo, judge_year_hi.
-- Output: the temp table judged_rejects, one row per rejection: its reason_code, reason_key (which sentence),
-- reason_args (its parts, language-neutral JSON) and the sentence in Chinese, filled in here, with the cell
-- as sent (sheet, row, column, text) and the row's region code and name.

create or replace temp table judged_rejects as

with

-- the rejected cells with the texts of their rows, read back from the staged sheets
located as materialized (
    select
        p.sheet, j.row_number, c.column_name, c.measure_header, s.measure_raw, s.value_raw, s.code_raw,
        s.year_raw, s.county_raw, p.code_header, p.year_header, s.name_raw, p.name_header,
        k.region_name, j.code, j.year, j.measure_id, j.value, j.row_problem, j.problem, j.part, j.col_no
    from (select * from judged
          where skip is null and (row_problem is not null or problem is not null) and problem is distinct from 'duplicate'
         ) as j
    join stage_cells as s on s.part = j.part and s.row_number = j.row_number and s.col_no = j.col_no
    join stage_part as p on p.part = j.part
    join stage_column as c on c.part = j.part and c.col_no = j.col_no
    left join judge_codes as k on k.code_raw is not distinct from s.code_raw
),

row_rejects as (
    select distinct on (part, row_number)
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
    order by part, row_number
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
    from located
    where row_problem is null and problem <> 'conflicting_duplicate'
),

repeat_rejects as (
    select l.sheet, l.row_number, l.column_name, l.value_raw as raw_value, 'conflicting_duplicate' as reason_code,
           'conflicting_duplicate' as reason_key, l.code as region_code, l.region_name, r.a_rows,
           r.a_rows_in_all, r.a_places
    from located as l
    join judge_repeated as r on r.part = l.part and r.row_number = l.row_number and r.col_no = l.col_no
    where l.row_problem is null and l.problem = 'conflicting_duplicate'
),

rejects as (
    select * from row_rejects
    union all by name
    select * from cell_rejects
    union all by name
    select * from repeat_rejects
)

-- each rejection's sentence, filled in from its template with the Chinese words of its parts
select r.sheet, r.row_number, r.column_name, r.raw_value, r.reason_code, r.reason_key,
       fill_reason(t.template, r.a_raw, r.a_code, getvariable('judge_scope'), r.a_county, r.a_name, r.a_header,
                   r.a_year::varchar, getvariable('judge_year_lo')::varchar, getvariable('judge_year_hi')::varchar,
                   r.a_value, num_text(d.lo), num_text(d.hi), d.zh, d.unit, d.levels_zh, w.word, r.a_places, null)
           as reason,
       to_json(struct_pack(raw := r.a_raw, code := r.a_code, scope := getvariable('judge_scope'),
                           county := r.a_county, name := r.a_name, header := r.a_header, "year" := r.a_year,
                           year_lo := getvariable('judge_year_lo'), year_hi := getvariable('judge_year_hi'),
                           "value" := r.a_value, lo := num_text(d.lo), hi := num_text(d.hi), measure := r.a_measure,
                           "level" := g.level, rows := r.a_rows::json, rows_in_all := r.a_rows_in_all)) as reason_args,
       r.region_code, r.region_name
from rejects r
join reason_template t on t.key = r.reason_key
left join measure_def d on d.measure_id = r.a_measure
left join region g on g.code = r.a_code and r.reason_key = 'wrong_level'
left join level_word w on w.level = g.level
