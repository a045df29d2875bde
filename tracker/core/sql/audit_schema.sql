-- The 数据审核 tables (schema 4) and the views of the values that count: created with a new store and added to
-- an older one at its next write.

-- 数据审核: what a plausibility rule (indicators.yaml, audit) found in the returns, one row per finding, never
-- deleted. state: open → explained (a loader's 说明) or to_correct (待更正) → accepted or returned (a reviewer
-- one level up); closed when a later return changes the value; rejected when an error rule refused the value
-- at load. value / before / compare: the value found, last year's (or the earlier one), what it was compared
-- with (the whole, the township median, the target line). The cell points back into the batch's file.
create table if not exists finding (
    finding_id      integer primary key,
    rule_id         varchar not null,
    severity        varchar not null,   -- error / verify / note
    measure_id      varchar not null,
    region_code     varchar not null,
    year            smallint not null,
    value           double,
    before          double,
    compare         double,
    batch_id        integer,
    sheet           varchar,
    row_number      integer,
    column_name     varchar,
    found_at        timestamp not null,
    state           varchar not null,
    closed_at       timestamp,
    closed_by_batch integer
);

-- Every action on a finding, with who and when (留痕): explained, to_correct, accepted, returned, closed.
create table if not exists finding_action (
    finding_id integer not null,
    acted_at   timestamp not null,
    user_name  varchar,                 -- null: the system (a later return closed it)
    action     varchar not null,
    state      varchar not null,        -- the finding's state after the action
    note       varchar
);

-- The current value of each measure, region and year: the latest batch's. Which one that is is marked when a batch
-- is saved (store.supersede), so reading the current values is a filter, not a window over every version
-- (0.54 s for 3.5 M values).
create or replace view current_observation as
select measure_id, region_code, year, value, batch_id, sheet, row_number, column_name
from observation where not superseded;

-- The values the assessment counts: the current ones, less those an error or verify finding holds back
-- until a reviewer accepts them (a value that counts once explained and accepted). An anti join, not a
-- `not exists` subquery: DuckDB plans the subquery as a delim join over every current value (0.9 s for the
-- two-province store's assessed measures, 0.16 s this way).
create or replace view counted_observation as
select o.* from current_observation o
anti join (select measure_id, region_code, year from finding
           where severity in ('error', 'verify') and state in ('open', 'explained', 'to_correct', 'returned')) f
       on f.measure_id = o.measure_id and f.region_code = o.region_code and f.year = o.year;

-- 报送: the yearly reporting round a province or city office opens (tracker/core/rounds.py): by when its counties
-- send the year's returns, which measures, and who reviews a county's submission. Opening it again changes it.
create table if not exists report_round (
    year             smallint not null,
    region_code      varchar not null,   -- the office that opened it (a province or city): its counties report
    deadline         date not null,      -- for the counties
    township_deadline date,              -- for the townships, when they report
    measures         varchar not null,   -- the measures asked for, comma-separated
    reviewer_level   varchar not null,   -- city / province: who approves a county's submission
    opened_by        varchar,
    opened_at        timestamp not null,
    primary key (year, region_code)
);

-- Every act of a round, with who, when and the note (留痕): open (region_code the office's), submit, approve and
-- return (region_code the county's).
create table if not exists round_act (
    year        smallint not null,
    region_code varchar not null,
    act         varchar not null,
    user_name   varchar,
    acted_at    timestamp not null,
    note        varchar
);
