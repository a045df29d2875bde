-- The store as one user may see it: a view for every table, holding only the rows inside the user's
-- region scope, read from the cursor's variable `scope` ('' for everything; unset: nothing).
-- Pages run their queries in this catalog, so no query can return a row outside the scope.
create or replace view scoped.main.region as
select * from store.main.region where starts_with(code, getvariable('scope'));

create or replace view scoped.main.boundary as
select * from store.main.boundary where starts_with(code, getvariable('scope'));

create or replace view scoped.main.group_member as
select * from store.main.group_member where starts_with(region_code, getvariable('scope'));

create or replace view scoped.main.observation as
select * from store.main.observation where starts_with(region_code, getvariable('scope'));

create or replace view scoped.main.current_observation as
select * from store.main.current_observation where starts_with(region_code, getvariable('scope'));

create or replace view scoped.main.counted_observation as
select * from store.main.counted_observation where starts_with(region_code, getvariable('scope'));

create or replace view scoped.main.assessment as
select * from store.main.assessment where starts_with(region_code, getvariable('scope'));

-- a batch is seen when it brought a value inside the scope (its file name and counts, nothing else)
create or replace view scoped.main.batch as
select * from store.main.batch b
where getvariable('scope') = ''
   or b.batch_id in (select distinct batch_id from scoped.main.observation)
   or b.batch_id in (select distinct g.batch_id from store.main.group_member g
                     where starts_with(g.region_code, getvariable('scope')));

-- a rejected row is seen inside the scope of its own region; one that names no region of the store (no code,
-- an unknown code) only by administrators and by the user who published its batch
create or replace view scoped.main.rejected_row as
select r.* from store.main.rejected_row r
join store.main.batch b on b.batch_id = r.batch_id
left join store.main.region g on g.code = r.region_code
where getvariable('scope') = ''
   or (g.code is not null and starts_with(g.code, getvariable('scope')))
   or (g.code is null and b.loaded_by = getvariable('user'));

create or replace view scoped.main.finding as
select * from store.main.finding where starts_with(region_code, getvariable('scope'));

create or replace view scoped.main.finding_action as
select a.* from store.main.finding_action a
where a.finding_id in (select finding_id from scoped.main.finding);

create or replace view scoped.main.store_meta as
select * from store.main.store_meta;

-- a round is seen by the offices inside its region and by those holding it
create or replace view scoped.main.report_round as
select * from store.main.report_round
where starts_with(region_code, getvariable('scope')) or starts_with(getvariable('scope'), region_code);

create or replace view scoped.main.round_act as
select * from store.main.round_act
where starts_with(region_code, getvariable('scope')) or starts_with(getvariable('scope'), region_code);
