"""Scale mode for benchmarks: the demo store grown to national size with synthetic villages.

`python -m etl demo --db PATH --scale N` builds the two-province demo through the front door,
then adds N − 1 synthetic copies of every township of both provinces, with their villages, in
the same county: a county's copies take the free township serials 400-999 (NBS: "other units",
so a copy is never mistaken for a real 镇 or 乡), and each village keeps its own last three
digits, so 村委会 stay 村委会 by the code rule. Copies carry their originals' statistics with a
fixed per-unit offset (rates ± 3 points, amounts ± 10%; yes/no and counts as they are), and
their originals' group memberships, so every target's population grows N times. Nothing large
is written to the repository: everything happens inside the store, in SQL, and is recorded as
one batch named for what it is. N = 16 gives about 482,000 village committees, China's number.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tracker.core import store
from tracker.core.audit import audit_and_assess
from tracker.core.catalogue import Catalogue, load_catalogue

FREE_SERIALS = range(400, 1000)


def scale_store(db: Path, n: int, catalogue: Catalogue | None = None) -> dict[str, int]:
    """Grow the published demo store at `db` to `n` times its townships and villages; counts added."""
    assert n >= 2, f"--scale {n}: give 2 or more (1 is the demo itself)"
    catalogue = catalogue or load_catalogue()
    with store.writing(db) as con:
        # Load: the measures' types and ranges decide how a copy's value moves
        con.register("measure_frame", pd.DataFrame(
            [(m.id, m.type, m.valid_range[0], m.valid_range[1]) for m in catalogue.measures.values()],
            columns=["measure_id", "type", "lo", "hi"]))
        # Process: a township copy for every (township, copy), placed in a free serial of its county
        con.execute(
            """
            create temp table town_copy as
            with towns as (
                select code, county_code, name, lon, lat from region
                where level = 'township' and coord_source <> 'synthetic_scale'
            ),
            wanted as (
                select t.code as original, t.county_code, t.name, t.lon, t.lat, k.copy,
                       row_number() over (partition by t.county_code order by k.copy, t.code) as slot
                from towns t cross join range(1, $n) k(copy)
            ),
            free as (
                select c.county_code, s.serial,
                       row_number() over (partition by c.county_code order by s.serial) as slot
                from (select distinct county_code from towns) c cross join range($lo, $hi) s(serial)
                where not exists (select 1 from region r
                                  where r.code = c.county_code || lpad(s.serial::varchar, 3, '0'))
            )
            select w.*, f.county_code || lpad(f.serial::varchar, 3, '0') as code
            from wanted w left join free f on f.county_code = w.county_code and f.slot = w.slot
            """,
            {"n": n, "lo": FREE_SERIALS.start, "hi": FREE_SERIALS.stop})
        short = con.execute("select county_code, count(*) from town_copy where code is null group by 1").fetchall()
        assert not short, (f"--scale {n} needs more township codes than county {short[0][0]} has free "
                           f"(serials {FREE_SERIALS.start}-{FREE_SERIALS.stop - 1}); use a smaller N")
        con.execute(
            """
            create temp table unit_copy as
            select t.original, t.code, t.copy from town_copy t
            union all
            select v.code, t.code || right(v.code, 3), t.copy
            from town_copy t join region v on v.parent_code = t.original and v.level = 'village'
            """)
        # Save: regions, group members, observations, one batch
        con.execute(
            """
            insert into region
            select c.code, r.name || '（模拟' || c.copy || '）', r.level,
                   case r.level when 'township' then r.parent_code else left(c.code, 9) end,
                   r.province_code, r.city_code, r.county_code,
                   case r.level when 'village' then left(c.code, 9) else c.code end,
                   case r.level when 'township' then 'other' else r.kind end,
                   r.lon + 0.02 * ((hash(c.code) % 1000) / 1000.0 - 0.5),
                   r.lat + 0.02 * ((hash(c.code || 'lat') % 1000) / 1000.0 - 0.5),
                   'synthetic_scale'
            from unit_copy c join region r on r.code = c.original
            """)
        batch_id = con.execute("select coalesce(max(batch_id), 0) + 1 from batch").fetchall()[0][0]
        con.execute(
            """
            insert into observation
            select o.measure_id, c.code, o.year,
                   case when m.type = 'rate' then least(greatest(o.value + 3 * u.offset, coalesce(m.lo, -1e308)),
                                                        coalesce(m.hi, 1e308))
                        when m.type in ('money', 'number') then greatest(o.value * (1 + 0.1 * u.offset), coalesce(m.lo, 0))
                        else o.value end,
                   $batch, null, 0, 'scale'
            from unit_copy c
            join current_observation o on o.region_code = c.original
            join measure_frame m on m.measure_id = o.measure_id
            cross join lateral (select (hash(c.code || o.measure_id) % 2001) / 1000.0 - 1 as offset) u
            """,
            {"batch": batch_id})
        added = con.execute("select count(*) from observation where batch_id = ?", [batch_id]).fetchall()[0][0]
        con.execute(
            """
            insert into group_member
            select g.group_id, c.code, g.batch_id
            from group_member g join unit_copy c on c.original = g.region_code
            """)
        con.execute(
            """
            insert into batch values ($batch, $name, $sha, now()::timestamp, 'values', $added, $added, 0, $added, 0,
                                      'loaded', '{"scale": ' || $n || '}', null)
            """,
            {"batch": batch_id, "name": f"scale ×{n}: synthetic copies of every township and village",
             "sha": f"scale-{n}-of-demo", "added": added, "n": n})
        con.execute("insert into store_meta values ('scale', ?)", [str(n)])
        counts = dict(con.execute(
            "select level, count(*) from region where coord_source = 'synthetic_scale' group by level").fetchall())
        counts["observations"] = added
        audit_and_assess(con, catalogue)
    return counts
