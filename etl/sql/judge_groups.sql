-- Judge every row of a group list (region_code, group): a member, or a rejection with its reason.
-- Inputs: stage_groups, group_def, group_alias, region, reason_template, level_word. Parameter: $scope.
-- Output: the temp table judged_groups.

create or replace temp table judged_groups as

with

named as (
    select
        s.*, unit_code(s.code_raw) as code, region.level, region.code is not null as known,
        d.group_id, d.zh, d.level as group_level, d.region as group_region, d.fixed
    from stage_groups as s
    left join region on region.code = unit_code(s.code_raw)
    left join group_alias as a on a.key = header_key(s.group_raw)
    left join group_def as d on d.group_id = a.group_id
    where not (is_missing(s.code_raw) and is_missing(s.group_raw))
),

checked as (
    select
        *,
        case
            when clean_text(code_raw) is null then 'code_missing'
            when code is null then 'code_unreadable'
            when not known then 'unknown_code'
            when $scope is not null and not starts_with(code, $scope) then 'outside_scope'
            when group_id is null then 'unknown_group'
            when fixed then 'group_fixed'
            when level <> group_level then 'wrong_member_level'
            when not starts_with(code, group_region) then 'outside_group_region'
        end as problem
    from named
),

first_rows as (
    select group_id, code, min(struct_pack(sheet := coalesce(sheet, ''), row_number := row_number)) as first_place
    from checked where problem is null group by group_id, code
),

rejects as (
    select c.*,
           case when c.problem = 'code_unreadable' then 'group_code_unreadable' else c.problem end as reason_key,
           case when c.problem in ('unknown_group', 'group_fixed') then c.group_raw else c.code_raw end as a_raw,
           case when c.problem = 'outside_group_region' then c.group_region else $scope end as a_scope
    from checked as c where c.problem is not null
),

-- each rejection's sentence, filled in from its template with the Chinese words of its parts
worded as (
    select r.sheet, r.row_number, r.problem,
           fill_reason(t.template, r.a_raw, r.code, r.a_scope, null, null, null, null, null,
                       null, null, null, null, null, null, null, w.word, null, r.zh) as reason,
           to_json(struct_pack(raw := r.a_raw, code := r.code, scope := r.a_scope,
                               "group" := r.group_id, "level" := r.group_level)) as reason_args
    from rejects r
    join reason_template t on t.key = r.reason_key
    left join level_word w on w.level = r.group_level
),

final as (
    select
        c.sheet, c.row_number,
        case when c.problem in ('unknown_group', 'group_fixed') then c.group_header else c.code_header end as column_name,
        case when c.problem in ('unknown_group', 'group_fixed') then c.group_raw else c.code_raw end as raw_value,
        coalesce(c.problem, case when struct_pack(sheet := coalesce(c.sheet, ''), row_number := c.row_number)
                                      <> f.first_place then 'duplicate' end) as reason_code,
        case when c.problem = 'code_unreadable' then 'group_code_unreadable' else c.problem end as reason_key,
        w.reason, w.reason_args,
        coalesce(c.code, clean_text(c.code_raw)) as region_code, r.name as region_name,
        c.group_id, c.code,
        c.problem is null and struct_pack(sheet := coalesce(c.sheet, ''), row_number := c.row_number) = f.first_place as keep
    from checked as c
    left join first_rows as f on f.group_id = c.group_id and f.code = c.code
    left join worded as w on w.sheet is not distinct from c.sheet and w.row_number = c.row_number
    left join region as r on r.code = c.code
)

select * from final
