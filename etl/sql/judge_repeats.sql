-- The codes, measures and years a return gives more than once among its kept cells (judged, judge_values.sql):
-- exact repeats collapse into the first (sheet, row, column), differing ones are all rejected.
-- Variable judge_repeats: whether there are any (etl.load.judge finds out cheaply; false leaves judged as it is
-- and judge_repeated empty).
-- Output: judge_repeated, each repeated cell with how many values its key has, its place among them, and the
-- places of all (for the rejection's sentence); judged's `problem` and `keep` updated.

create or replace temp table judge_repeated as
with repeated_cells as (
    select j.key, j.part, j.row_number, j.col_no, j.value, j.sheet, j.column_name
    from judged_place as j
    semi join (select key from judged where keep and getvariable('judge_repeats') group by key having count(*) > 1)
        as r on r.key = j.key
    where j.keep
)
select
    key, part, row_number, col_no,
    count(distinct value) over (partition by key) as n_values,
    row_number() over (partition by key order by sheet nulls first, row_number, column_name) as nth,
    to_json(list(struct_pack(sheet, row := row_number)) over (
        partition by key order by sheet nulls first, row_number
        rows between unbounded preceding and unbounded following)) as a_rows,
    string_agg(coalesce(sheet || ' ', '') || replace(getvariable('row_ref'), '{row}', row_number::varchar),
               getvariable('list_joiner')) over (
        partition by key order by sheet nulls first, row_number
        rows between unbounded preceding and unbounded following) as a_places
from repeated_cells;

update judged set problem = case when r.n_values > 1 then 'conflicting_duplicate' else 'duplicate' end, keep = false
from judge_repeated as r
where judged.part = r.part and judged.row_number = r.row_number and judged.col_no = r.col_no
  and (r.n_values > 1 or r.nth > 1);
