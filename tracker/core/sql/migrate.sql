-- Bring a store written by an earlier version up to the current schema, in place, at the start of every
-- write (each statement is a no-op on a store that has it already). Readers of an older store see the
-- columns it has; the next write adds the rest.

-- schema 3: a rejection keeps which sentence it is, its parts, and the row's region
alter table rejected_row add column if not exists reason_key varchar;
alter table rejected_row add column if not exists reason_args json;
alter table rejected_row add column if not exists region_code varchar;
alter table rejected_row add column if not exists region_name varchar;

-- schema 3: who published a batch (its rows that name no region of the store are shown to them and admins)
alter table batch add column if not exists loaded_by varchar;

-- schema 4: the 数据审核 tables (audit_schema.sql, run after this file)

-- schema 5: a value a later batch replaced is marked (store.writing marks an older store's values once)
alter table observation add column if not exists superseded boolean default false;

update store_meta set value = '5' where key = 'schema_version';
