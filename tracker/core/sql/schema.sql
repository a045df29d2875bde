-- The store: one DuckDB file (ARCHITECTURE.md).

-- Every unit of the five levels, NBS 2023 statistical division codes.
create table region (
    code          varchar primary key,
    name          varchar not null,
    level         varchar not null check (level in ('province', 'city', 'county', 'township', 'village')),
    parent_code   varchar,
    province_code varchar not null,
    city_code     varchar,
    county_code   varchar,
    township_code varchar,
    kind          varchar,   -- village_committee / residents_committee / other; subdistrict / town / township; district / county / county_city / development_zone
    lon           double,
    lat           double,
    coord_source  varchar    -- polygon / synthetic / synthetic_city_polygon / recorded
);

-- Simplified outlines (GeoJSON geometry text) of provinces, cities and counties.
create table boundary (
    code     varchar primary key,
    level    varchar not null,
    geometry varchar not null
);

-- Named populations: key counties, 经济薄弱村, 重点帮扶村, 样板村 ...
create table group_member (
    group_id    varchar not null,
    region_code varchar not null,
    batch_id    integer,            -- null when the catalogue lists the member itself
    primary key (group_id, region_code)
);

-- One load of one file.
create table batch (
    batch_id        integer primary key,
    source_name     varchar not null,
    sha256          varchar not null unique,
    loaded_at       timestamp not null,
    kind            varchar not null,   -- values / groups
    rows_read       integer not null,
    rows_loaded     integer not null,   -- rows with at least one value loaded
    rows_rejected   integer not null,   -- rows with at least one rejection
    values_loaded   integer not null,
    values_rejected integer not null,
    status          varchar not null,   -- loaded (even with rejected rows)
    detail          varchar,            -- how the file was read: encoding, sheets, header rows (JSON)
    loaded_by       varchar             -- the user who published it (null: the command line, the demo)
);

-- Recorded values, long form, every version: a later batch supersedes an earlier value for the
-- same measure, region and year (current_observation), and the earlier stays as history, marked superseded.
-- sheet, row_number and column_name point back into the batch's file.
create table observation (
    measure_id  varchar not null,
    region_code varchar not null,
    year        smallint not null,
    value       double not null,
    batch_id    integer not null,
    sheet       varchar,
    row_number  integer not null,
    column_name varchar not null,
    superseded  boolean default false   -- a later batch gives this measure, region and year (store.supersede)
);

-- Nothing a user sent is lost: every row or cell that was not loaded, with its reason.
create table rejected_row (
    batch_id    integer not null,
    sheet       varchar,
    row_number  integer,
    "column"    varchar,
    raw_value   varchar,
    reason_code varchar not null,   -- unknown_code, year_outside, out_of_range ...
    reason      varchar not null,   -- the clerk's words in Chinese, with the detail of this row
    reason_key  varchar,            -- which sentence (a reject.* message): the reason in another language
    reason_args json,               -- the sentence's parts (codes, raw text, measure id ...), language-neutral
    region_code varchar,            -- the row's code as sent (normalised where it could be read)
    region_name varchar             -- the row's unit as the store names it, else as the row names it
);

-- Facts about the store itself: schema version, when it was built, whether it holds demo data.
create table store_meta (
    key   varchar primary key,
    value varchar
);
