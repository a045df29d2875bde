-- Judge every row of a group list (region_code, group): a member, or a rejection with its reason.
-- Inputs: stage_groups, group_def, group_alias, region. Parameter: $scope.
-- Output: the temp table judged_groups.

create or replace temp table judged_groups as

with

named as (
    select
        s.*, division_code(s.code_raw) as code, region.level, region.code is not null as known,
        d.group_id, d.zh, d.level as group_level, d.region as group_region, d.fixed
    from stage_groups as s
    left join region on region.code = division_code(s.code_raw)
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

final as (
    select
        c.sheet, c.row_number,
        case when c.problem in ('unknown_group', 'group_fixed') then c.group_header else c.code_header end as column_name,
        case when c.problem in ('unknown_group', 'group_fixed') then c.group_raw else c.code_raw end as raw_value,
        coalesce(c.problem, case when struct_pack(sheet := coalesce(c.sheet, ''), row_number := c.row_number)
                                      <> f.first_place then 'duplicate' end) as reason_code,
        case c.problem
            when 'code_missing' then '缺少区划代码'
            when 'code_unreadable' then '“' || c.code_raw || '”不是统计用区划代码'
            when 'unknown_code' then '区划代码 ' || c.code || ' 不在2023年统计用区划代码中'
            when 'outside_scope' then '区划代码 ' || c.code || ' 不属于本次报送的地区 ' || $scope
            when 'unknown_group' then '“' || coalesce(c.group_raw, '') || '”不是指标目录中的对象名单'
            when 'group_fixed' then '名单“' || c.zh || '”由指标目录列明，不能由文件修改'
            when 'wrong_member_level' then '名单“' || c.zh || '”的成员应为' ||
                case c.group_level when 'county' then '县（市、区）' when 'city' then '市' when 'township' then '乡镇' else '村' end ||
                '，' || c.code || ' 不是'
            when 'outside_group_region' then '区划代码 ' || c.code || ' 不在名单“' || c.zh || '”的地区 ' || c.group_region || ' 内'
        end as reason,
        c.group_id, c.code,
        c.problem is null and struct_pack(sheet := coalesce(c.sheet, ''), row_number := c.row_number) = f.first_place as keep
    from checked as c
    left join first_rows as f on f.group_id = c.group_id and f.code = c.code
)

select * from final
