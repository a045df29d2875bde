-- The units one level below an area (the provinces of the whole country, the counties of a
-- province or city, the townships of a county), each with its parent's name and how many
-- counties, townships and village-level units of each kind it holds. Parameters: $area_code,
-- $unit_level, $unit_length.

with

units as (
    select code, name, kind, parent_code, coord_source
    from region
    where level = $unit_level and starts_with(code, $area_code)
),

below as (
    select left(code, $unit_length) as unit_code, level, kind
    from region
    where level in ('county', 'township', 'village') and starts_with(code, $area_code)
),

counts as (
    select
        unit_code,
        count(*) filter (where level = 'county') as counties,
        count(*) filter (where level = 'township') as townships,
        count(*) filter (where level = 'village' and kind = 'village_committee') as village_committees,
        count(*) filter (where level = 'village' and kind = 'residents_committee') as residents_committees,
        count(*) filter (where level = 'village' and kind = 'other') as other_units
    from below
    group by unit_code
),

final as (
    select
        units.code,
        units.name,
        units.kind,
        parent.name as parent_name,
        coalesce(counts.counties, 0) as counties,
        coalesce(counts.townships, 0) as townships,
        coalesce(counts.village_committees, 0) as village_committees,
        coalesce(counts.residents_committees, 0) as residents_committees,
        coalesce(counts.other_units, 0) as other_units,
        units.coord_source
    from units
    left join region as parent on parent.code = units.parent_code
    left join counts on counts.unit_code = units.code
)

select * from final
order by code
