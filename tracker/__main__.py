"""Command line of the results side: `python -m tracker VERB ...` (docs/cli.md).

  assess   one target's results for every region of a level, as CSV on stdout
  lagging  the villages of a region that miss targets, worst first, as CSV on stdout
  why      the parts behind one status (target, region, year), in words
  backtest an ended plan judged as of an earlier year by each progress method, against the outcome
  propose  what a candidate target would ask of an area's units (目标测算), as CSV or Excel
  briefing the leadership briefing of an area and year, as .docx or self-contained .html
  worklist the lagging-village work list of an area and year, as .xlsx
  user     add a user of the app or set their password (role, region scope)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import numpy as np

from tracker.core import codes, outfile, settings, store
from tracker.core.access import ROLES
from tracker.core.catalogue import CatalogueError, load_catalogue
from tracker.core.i18n import DEFAULT_LANG, LANGS
from tracker.core.xlsx import formula_safe


def _open(db: Path) -> duckdb.DuckDBPyConnection:
    """The published store, read-only; a clear error when there is none or it was never assessed."""
    from tracker.core.assess import is_assessed

    if not Path(db).exists():
        raise SystemExit(f"{db}: no store there; build one with `python -m etl demo --db {db}` or `python -m etl init`")
    con = store.StoreReader(Path(db)).cursor()
    if not is_assessed(con):
        raise SystemExit(f"{db}: this store has no assessment yet; run `python -m etl reassess --db {db}`")
    return con


def _csv(frame, out) -> None:
    """CSV the way the tools downstream expect: true/false, empty for missing, 4 decimals at most."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == bool or str(frame[col].dtype) == "boolean":
            frame[col] = frame[col].map({True: "true", False: "false"})
        elif frame[col].map(lambda v: isinstance(v, (list, np.ndarray))).any():
            frame[col] = frame[col].map(lambda v: ";".join(v) if isinstance(v, (list, np.ndarray)) else v)
        elif frame[col].dtype.kind == "f":
            frame[col] = frame[col].round(4)
    formula_safe(frame).to_csv(out, index=False, lineterminator="\n")


def _target(catalogue, target_id: str):
    if target_id not in catalogue.targets:
        close = [t for t in catalogue.targets if target_id in t or t in target_id]
        hint = f"; did you mean {', '.join(close[:5])}?" if close else f"; targets: {', '.join(catalogue.targets)}"
        raise SystemExit(f"unknown target '{target_id}'{hint}")
    return catalogue.targets[target_id]


def _assess(args: argparse.Namespace) -> int:
    from tracker.core.assess import results

    catalogue = load_catalogue()
    target = _target(catalogue, args.target)
    con = _open(args.db)
    try:
        frame = results(con, target, args.year, args.level, args.region, args.period)
    except ValueError as e:
        raise SystemExit(str(e)) from None
    if frame.empty:
        levels = [lv for lv, in con.execute(
            "select distinct level from assessment where target_id = ? order by level", [target.id]).fetchall()]
        years = [y for y, in con.execute(
            "select distinct year from assessment where target_id = ? order by year", [target.id]).fetchall()]
        print(f"no results for {target.id} at level {args.level} in {args.year}"
              f"{' inside ' + args.region if args.region else ''}: it has results at levels "
              f"{', '.join(levels) or 'none'} for the years {', '.join(map(str, years)) or 'none'}", file=sys.stderr)
        return 1
    names = dict(con.execute("select code, name from region where starts_with(code, ?) or ? is null",
                             [args.region, args.region]).fetchall())
    frame.insert(3, "region_name", frame["region_code"].map(names))
    if target.rule.kind != "relative_growth":
        frame = frame.drop(columns=["period", "benchmark", "benchmark_units"])
    if frame["units_in_scope"].isna().all():
        frame = frame.drop(columns=["reading", "units_in_scope", "units_reporting", "units_met", "share_met",
                                    "aggregate_value", "aggregate_weighted"])
    _csv(frame, sys.stdout)
    return 0


def _lagging(args: argparse.Namespace) -> int:
    from tracker.core.assess import lagging_villages

    con = _open(args.db)
    frame = lagging_villages(con, args.region, args.year, args.min_missed)
    _csv(frame, sys.stdout)
    print(f"{len(frame):,} villages of {args.region or codes.NATION_WORD} miss at least {args.min_missed} target(s) "
          f"in {args.year}", file=sys.stderr)
    return 0


def _why(args: argparse.Namespace) -> int:
    from tracker.present.why import why

    catalogue = load_catalogue()
    _target(catalogue, args.target)
    found = why(_open(args.db), catalogue, args.target, args.region, args.year, args.lang, args.period)
    if found is None:
        print(f"{args.target} has no result for {args.region} in {args.year}", file=sys.stderr)
        return 1
    print("\n".join(found.lines))
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from tracker.queries import backtest

    catalogue = load_catalogue()
    try:
        found = backtest.rows(_open(args.db), catalogue, args.plan, args.as_of, args.region, args.level)
    except ValueError as e:
        raise SystemExit(str(e)) from None
    summary = backtest.summary(found)
    if args.format == "csv":
        with outfile.text_out(args.out, args.force) as out:
            _csv(found, out)
        _csv(summary, sys.stderr)
    else:
        with outfile.text_out(args.out, args.force) as out:
            print(f"{len(found):,} regions × targets of {args.plan} not yet due in {args.as_of}; "
                  f"{int(found['outcome'].isin(('met', 'missed')).sum()):,} with a verdict at the deadline", file=out)
            print(summary.to_string(index=False), file=out)
    return 0


def _propose(args: argparse.Namespace) -> int:
    from tracker.core.xlsx import xlsx_bytes
    from tracker.queries import propose

    catalogue = load_catalogue()
    con = _open(args.db)
    try:
        found = [propose.propose(con, catalogue, args.measure, args.region,
                                 propose.Candidate(value, args.deadline, args.op, args.reading, args.share), args.level,
                                 args.group)
                 for value in args.value]
    except ValueError as e:
        raise SystemExit(str(e)) from None
    rows, summary = propose.table(found), propose.summary(found)
    if args.format == "xlsx":
        if args.out is None:
            raise SystemExit("--format xlsx needs --out FILE.xlsx")
        with outfile.writing(args.out, args.force) as part:
            part.write_bytes(xlsx_bytes({"summary": summary, **{f"{p.candidate.value:g}": p.units for p in found}}))
    else:
        with outfile.text_out(args.out, args.force) as out:
            _csv(rows, out)
    _csv(summary, sys.stderr)
    return 0


def _briefing(args: argparse.Namespace) -> int:
    from tracker.documents.briefing import build
    from tracker.documents.briefing_docx import write_docx
    from tracker.documents.briefing_html import write_html

    suffix = args.out.suffix.lower()
    if suffix not in (".docx", ".html", ".htm"):
        print(f"{args.out}: the briefing is written as .docx or .html (the file name says which)", file=sys.stderr)
        return 2
    outfile.check(args.out, args.force)  # before the work, not after
    con = _open(args.db)
    briefing = build(con, load_catalogue(), _area(con, args.region), args.year, args.lang)
    if not briefing.view.cards:
        print(f"note: {args.region} has no target results for {args.year}; the briefing says so", file=sys.stderr)
    with outfile.writing(args.out, args.force) as part:
        if suffix == ".docx":
            write_docx(briefing, str(part))
        else:
            part.write_text(write_html(briefing), encoding="utf-8")
    print(f"{args.out}: briefing for {briefing.view.area_name} {args.year}, {len(briefing.view.cards)} targets, "
          f"{len(briefing.charts)} charts" + (" (demo data, marked as such)" if briefing.view.demo else ""), file=sys.stderr)
    return 0


def _final(args: argparse.Namespace) -> int:
    from tracker.documents.final_report import write_csv, write_docx, write_html
    from tracker.views.final import build

    suffix = args.out.suffix.lower()
    if suffix not in (".docx", ".html", ".htm", ".csv"):
        print(f"{args.out}: the final assessment is written as .docx, .html or .csv (the file name says which)",
              file=sys.stderr)
        return 2
    con, catalogue = _open(args.db), load_catalogue()
    if args.plan not in catalogue.plans:
        print(f"{args.plan}: no such plan; the catalogue has {', '.join(catalogue.plans)}", file=sys.stderr)
        return 2
    outfile.check(args.out, args.force)
    found = build(con, catalogue, _area(con, args.region), args.plan, args.lang)
    with outfile.writing(args.out, args.force) as part:
        if suffix == ".docx":
            write_docx(found, catalogue, str(part))
        elif suffix == ".csv":
            write_csv(found, part)
        else:
            part.write_text(write_html(found, catalogue), encoding="utf-8")
    counts = found.counts
    print(f"{args.out}: final assessment of {args.plan} for {found.area_name}: {len(found.results)} targets, "
          f"{counts['achieved']} achieved, {counts['missed']} not achieved, {counts['no_data']} without data"
          + (f", {counts['in_progress']} not yet due" if counts["in_progress"] else "")
          + (" (demo data, marked as such)" if found.demo else ""), file=sys.stderr)
    return 0


def _worklist(args: argparse.Namespace) -> int:
    from tracker.documents.worklist import write_worklist

    if args.out.suffix.lower() != ".xlsx":
        print(f"{args.out}: the work list is written as .xlsx", file=sys.stderr)
        return 2
    outfile.check(args.out, args.force)
    con = _open(args.db)
    with outfile.writing(args.out, args.force) as part:
        villages = write_worklist(con, load_catalogue(), _area(con, args.region), args.year, args.min_missed,
                                  str(part), args.lang)
    print(f"{args.out}: {villages:,} villages of {args.region or codes.NATION_WORD} miss at least "
          f"{args.min_missed} target(s) in {args.year}", file=sys.stderr)
    return 0


def _user(args: argparse.Namespace) -> int:
    import getpass

    from tracker.core.access import AccessError, write_user

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not args.oidc:
        password = getpass.getpass(f"password for {args.name}: ")
        if password != getpass.getpass("again: "):
            print("the two passwords differ; nothing written", file=sys.stderr)
            return 1
    if password is not None and len(password) < 8:
        print("a password needs at least 8 characters; nothing written", file=sys.stderr)
        return 1
    path = args.users
    try:
        write_user(path, args.name, args.role, args.scope, password, args.display, args.oidc)
    except AccessError as e:
        print(f"{path}: {e}; nothing written", file=sys.stderr)
        return 1
    print(f"{path}: {args.name} ({args.role}, scope {args.scope or 'everything'}) written", file=sys.stderr)
    return 0


def _area(con: duckdb.DuckDBPyConnection, code: str) -> str:
    """The whole country, or a province, city or county code that the store holds; exits with a clear message
    otherwise."""
    if codes.area_level(code) not in codes.AREA_LEVELS:
        raise SystemExit(f"{code}: give a province, city or county code, or {codes.NATION_WORD} (a briefing covers "
                         "an area)")
    if code != codes.NATION and not con.execute("select count(*) from region where code = ?", [code]).fetchall()[0][0]:
        raise SystemExit(f"{code}: no such region in the store")
    return code


def _code(text: str) -> str:
    if text == codes.NATION_WORD:
        return codes.NATION
    try:
        codes.level_of(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


YEAR_HELP = "the reporting year, e.g. 2025"
REGION_HELP = "a province, city or county code, or all for the whole country"
FORMAT_HELP = "the output's format (CSV on standard output)"
LANG_HELP = "the language of the words (zh default, en)"


def parser() -> argparse.ArgumentParser:
    """The command line's parser, a sub-parser per verb (docs/cli.md is written from it)."""
    parser = argparse.ArgumentParser(prog="python -m tracker", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="verb", required=True)

    p = verbs.add_parser("assess", help="one target's results for every region of a level (CSV)",
                         epilog="columns: region_code, region_name, year, value, target_value, benchmark, met "
                                "(true/false, empty when not assessable), gap, status; at roll-up levels reading "
                                "(aggregate / every_unit / share_of_units: what met and status follow), units_in_scope, "
                                "units_reporting, units_met, share_met, aggregate_value, and the parts of the progress "
                                "status (base_year_used, base_value, rate_observed, rate_required, progress_ratio)")
    settings.add_path_option(p, "db")
    p.add_argument("--target", required=True, help="target id from indicators.yaml, e.g. sr_tap_water_90")
    p.add_argument("--year", type=int, required=True, help=YEAR_HELP)
    p.add_argument("--level", required=True, choices=codes.LEVELS, help="the level whose regions get a row each")
    p.add_argument("--region", type=_code, help="only regions inside this code")
    p.add_argument("--period", choices=["annual", "cumulative"],
                   help="growth form of a relative rule (default: the catalogue's)")
    p.add_argument("--format", choices=["csv"], default="csv", help=FORMAT_HELP)
    p.set_defaults(run=_assess)

    p = verbs.add_parser("lagging", help="villages of a region that miss targets, worst first (CSV)",
                         epilog="columns: village_code, village, township, county, targets_in_scope, targets_missed, "
                                "targets_without_data, shortfall (summed), missed_targets (worst first)")
    settings.add_path_option(p, "db")
    p.add_argument("--region", type=_code, required=True, help=REGION_HELP)
    p.add_argument("--year", type=int, required=True, help=YEAR_HELP)
    p.add_argument("--min-missed", type=int, default=1, help="list villages missing at least this many targets")
    p.add_argument("--format", choices=["csv"], default="csv", help=FORMAT_HELP)
    p.set_defaults(run=_lagging)

    p = verbs.add_parser("why", help="why a region has its status for a target and year")
    settings.add_path_option(p, "db")
    p.add_argument("--target", required=True, help="target id from indicators.yaml, e.g. sr_toilet_waste")
    p.add_argument("--region", type=_code, required=True, help="the region (or a village) whose status is explained")
    p.add_argument("--year", type=int, required=True, help=YEAR_HELP)
    p.add_argument("--period", choices=["annual", "cumulative"], help="growth form of a relative rule (default: the catalogue's)")
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help=LANG_HELP)
    p.set_defaults(run=_why)

    p = verbs.add_parser("backtest", help="an ended plan judged as of an earlier year by each progress method, "
                                          "against the outcome at the deadline",
                         epilog="csv: a row per target and region (target_id, level, region_code, region_name, as_of, "
                                "deadline, years_ahead, value, target_value, status_recent, status_cagr, outcome "
                                "(met / missed / unknown), value_at_deadline) on stdout or --out, and the summary on "
                                "stderr; text: the summary. The summary gives, per method and years ahead, the regions "
                                "that missed and how many were flagged (needs acceleration, limited, deteriorating, "
                                "pending), and those that met and how many were flagged needlessly")
    settings.add_path_option(p, "db")
    p.add_argument("--plan", default="fyp14", help="plan id from indicators.yaml (default fyp14, the 14th plan)")
    p.add_argument("--as-of", type=int, required=True, help="the year the statuses are read as of, e.g. 2023")
    p.add_argument("--region", type=_code, help="only regions inside this code")
    p.add_argument("--level", choices=codes.LEVELS, help="only this level (default: every level above the villages)")
    p.add_argument("--format", choices=["text", "csv"], default="text", help="text: the summary; csv: every row")
    outfile.add_out_options(p, "FILE to write (default: standard output)", required=False)
    p.set_defaults(run=_backtest)

    p = verbs.add_parser("propose", help="what a candidate target would ask of an area's units (目标测算), as CSV or Excel",
                         epilog="a row per candidate and unit: candidate, code, name, baseline (the latest year's value), "
                                "projected (at the deadline at the unit's recent pace, the assessment's estimator), "
                                "low, high (its 80% interval), reaches (true/false), chance, year_reached, "
                                "required_per_year, recent_per_year, gap; units that would not reach it first. The "
                                "summary (on stderr, and the first sheet of the Excel) gives per candidate the area's "
                                "figure now and projected, its chance, and the units reaching it")
    settings.add_path_option(p, "db")
    p.add_argument("--measure", required=True, help="measure id from indicators.yaml, e.g. tap_water_rate")
    p.add_argument("--region", type=_code, required=True, help="province, city or county code, e.g. 3611")
    p.add_argument("--value", type=float, action="append", required=True,
                   help="the candidate target; give it two or three times to compare candidates")
    p.add_argument("--deadline", type=int, default=2030, help="the year it is due (default 2030, the 15th plan's end)")
    p.add_argument("--op", choices=[">=", ">", "<=", "<"], default=">=", help="how the value is compared (default >=)")
    p.add_argument("--reading", choices=["aggregate", "every_unit", "share_of_units"], default="aggregate",
                   help="the area read as a whole (default), every unit, or a share of units")
    p.add_argument("--share", type=float, default=100.0, help="share_of_units: the share of units (%%) that must meet it")
    p.add_argument("--level", choices=codes.LEVELS, help="the units (default: the measure's finest level in the area)")
    p.add_argument("--group", help="only the members of this group of indicators.yaml, e.g. sr_key_village")
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="csv (stdout or --out) or xlsx (--out)")
    outfile.add_out_options(p, "FILE to write (default for csv: standard output)", required=False)
    p.set_defaults(run=_propose)

    area = argparse.ArgumentParser(add_help=False)  # what a briefing and a work list are of, and where they go
    settings.add_path_option(area, "db")
    area.add_argument("--region", type=_code, required=True,
                      help="province, city or county code, e.g. 3611, or all for the whole country")
    area.add_argument("--year", type=int, required=True, help=YEAR_HELP)
    area.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help=LANG_HELP)
    p = verbs.add_parser("briefing", parents=[area], help="the leadership briefing of an area and year (.docx or .html)")
    outfile.add_out_options(p, "FILE.docx or FILE.html")
    p.set_defaults(run=_briefing)
    p = verbs.add_parser("worklist", parents=[area], help="the lagging-village work list of an area and year (.xlsx)")
    outfile.add_out_options(p, "FILE.xlsx")
    p.add_argument("--min-missed", type=int, default=1, help="list villages missing at least this many targets")
    p.set_defaults(run=_worklist)

    p = verbs.add_parser("final", help="a plan's final assessment (终期评估; while it runs, its progress report, 进展情况 "
                                       "or 中期评估) for an area (.docx, .html or .csv)",
                         epilog="the CSV (UTF-8 with a byte-order mark, the same bytes as the page's download) has a "
                                "row per target: target_id, target, region_code, base_year, base_value, final_year, "
                                "final_value, target_value, achieved (yes / late / no / no_data / in_progress / "
                                "monitored), year_met_late, first_year_met, years_met, progress_pct, status, and for a "
                                "target not yet due projected_value, projected_low, projected_high, projected_year, "
                                "chance_met; document, clause. The Excel download explains each column in the "
                                "reader's language")
    settings.add_path_option(p, "db")
    p.add_argument("--region", type=_code, required=True,
                   help="province, city or county code, e.g. 3611, or all for the whole country")
    p.add_argument("--plan", default="fyp14", help="plan id from indicators.yaml (default fyp14, the 14th plan)")
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help=LANG_HELP)
    outfile.add_out_options(p, "FILE.docx, FILE.html or FILE.csv")
    p.set_defaults(run=_final)

    p = verbs.add_parser("user", help="add a user of the app or set their password")
    p.add_argument("name", help="the user name they sign in with")
    p.add_argument("--role", choices=ROLES, default="viewer", help="viewer: pages and downloads; loader: also 数据管理 and publishing; admin: everything")
    p.add_argument("--scope", default="", help="province, city or county code the user may see ('' for all: admin)")
    p.add_argument("--display", help="the name shown in the app, e.g. 余干县乡村振兴局")
    p.add_argument("--oidc", help="the e-mail the intranet's identity provider signs this user in with")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    settings.add_path_option(p, "users")
    p.set_defaults(run=_user)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CatalogueError as e:
        print(e, file=sys.stderr)
        return 1
    except outfile.OutputRefused as e:
        print(e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
