-- The codes, measures and years a return gives more than once among its kept cells (judged, judge_values.sql):
-- exact repeats collapse into the first (sheet, row, column), differing ones are all rejected.
-- Variable judge_repeats: whether there are any (etl.load.judge finds out cheaply; false leaves judged as it is
-- and judge_repeated empty).
-- Output: judge_repeated, each repeated cell with how many values its key has, its place among them, and the
-- places of all (the first ten, and how many: for the rejection's sentence); judged's `problem` and `keep` updated.

create or replace temp table judge_repeated as
with repeated_cells as (
    select j.key, j.part, j.row_number, j.col_no, j.value, j.sheet, j.column_name
    from judged_place as j
    semi join (select key from judged where keep and getvariable('judge_repeats') group by key having count(*) > 1)
        as r on r.key = j.key
    where j.keep
),
-- a key's places, listed once for all its cells: the first ten and how many in all (every place listed in every
-- cell took memory by the square of the repeats: a code filled down a long sheet ran a load out of memory)
places as (
    select key, count(*) as n_places,
           list(struct_pack(sheet, row := row_number) order by sheet nulls first, row_number)[1:10] as listed
    from repeated_cells group by key
)
select
    c.key, c.part, c.row_number, c.col_no,
    count(distinct c.value) over (partition by c.key) as n_values,
    row_number() over (partition by c.key order by c.sheet nulls first, c.row_number, c.column_name) as nth,
    to_json(p.listed) as a_rows, p.n_places as a_rows_in_all,
    concat(array_to_string(list_transform(p.listed, lambda x: coalesce(x.sheet || ' ', '')
                                                    || replace(getvariable('row_ref'), '{row}', x.row::varchar)),
                           getvariable('list_joiner')),
           case when p.n_places > len(p.listed)
                then replace(getvariable('more_places'), '{n}', p.n_places::varchar) end) as a_places
from repeated_cells as c join places as p on p.key = c.key;

update judged set problem = case when r.n_values > 1 then 'conflicting_duplicate' else 'duplicate' end, keep = false
from judge_repeated as r
where judged.part = r.part and judged.row_number = r.row_number and judged.col_no = r.col_no
  and (r.n_values > 1 or r.nth > 1);
