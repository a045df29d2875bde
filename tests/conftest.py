"""Shared fixtures: one real store, built from the committed reference files, per test session."""

from __future__ import annotations

from contextlib import ExitStack
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from etl.build import REGIONS_FILE, init_store
from etl.demo import build_demo
from etl.load import load_files
from tracker.core import settings
from tracker.core.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
WORLD = ROOT / "tests" / "assess"  # the small world worked out by hand (tests/test_assess.py)


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published store holding the reference geography (tests must not write to it)."""
    path = tmp_path_factory.mktemp("store") / "tracker.duckdb"
    init_store(path)
    return path


def write_reference(regions_csv: Path, folder: Path) -> None:
    """A reference geography (regions.parquet, no outlines) from a CSV of the regions.parquet columns."""
    con = settings.connect()
    con.execute("select * replace (nullif(parent_code, '') as parent_code, nullif(kind, '') as kind) "
                "from read_csv(?, all_varchar = true, columns = {'code': 'varchar', 'name': 'varchar', "
                "'level': 'varchar', 'parent_code': 'varchar', 'kind': 'varchar', 'lon': 'double', "
                "'lat': 'double', 'coord_source': 'varchar'})", [str(regions_csv)])
    con.from_df(con.fetch_df()).write_parquet(str(folder / REGIONS_FILE))


def small_world(folder: Path, catalogue: Path, values: Path) -> Path:
    """A published store of the small world's regions (tests/assess/regions.csv) with `catalogue`, `values`
    loaded (and assessed) through the real load path, every value loaded."""
    reference = folder / "reference"
    reference.mkdir()
    write_reference(WORLD / "regions.csv", reference)
    db = folder / "world.duckdb"
    init_store(db, reference_dir=reference, catalogue_file=catalogue)
    reports = load_files(db, [values], catalogue=load_catalogue(catalogue))
    assert [r.status for r in reports] == ["loaded"] and reports[0].values_rejected == 0
    return db


def read_store(db: Path):
    """A read-only connection to a store file, its catalog in use (tests that query it directly)."""
    import duckdb

    con = duckdb.connect()
    con.execute("attach ? as w (read_only)", [str(db)])
    con.execute("use w")
    return con


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published store of the small world, assessed at load. Its regions lack returns on purpose, to test how
    each reading counts the units without data; so every figure gets a verdict however few units report (the share
    below which a region's status is 数据不全 is tested on its own, tests/test_progress.py)."""
    from tracker.core import settings

    with settings.use(min_reporting=0):
        db = small_world(tmp_path_factory.mktemp("world"), WORLD / "catalogue.yaml", WORLD / "values.csv")
    return db


@pytest.fixture(scope="session")
def world_of_two(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small world with a second province beside 江西省 (江苏省, no units or values below it): a store of
    several provinces, whose users see the whole country (全国) first in the province list."""
    import shutil

    import duckdb

    db = tmp_path_factory.mktemp("world_of_two") / "world.duckdb"
    shutil.copy(world, db)
    con = duckdb.connect(str(db))
    con.execute("insert into region (code, name, level, province_code, lon, lat, coord_source) "
                "values ('32', '江苏省', 'province', '32', 119.0, 33.0, 'polygon')")
    con.close()
    return db


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The demo store built once through the front door (about 20 seconds): its path and build counts.
    Tests read it and must not write to it."""
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return db, build_demo(db, seed=2025)


PASSWORDS = {"admin": "管理员口令-2025", "yushan": "yushan-pass-1", "qianshan": "qianshan-pass-1",
             "yushan_loader": "loader-pass-1"}


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A users file: an administrator, viewers of 玉山县 (361123) and 铅山县 (361124), a loader of 玉山县."""
    from tracker.core.access import write_user

    path = tmp_path_factory.mktemp("users") / "users.toml"
    write_user(path, "admin", "admin", "", PASSWORDS["admin"], "省乡村振兴局")
    write_user(path, "yushan", "viewer", "361123", PASSWORDS["yushan"], "玉山县乡村振兴局")
    write_user(path, "qianshan", "viewer", "361124", PASSWORDS["qianshan"], "铅山县乡村振兴局")
    write_user(path, "yushan_loader", "loader", "361123", PASSWORDS["yushan_loader"], "玉山县统计站")
    return path


APP_TIMEOUT = 60


@pytest.fixture
def use_settings():
    """Put settings in force for the rest of the test, e.g. `use_settings(catalogue=path)`: a typed Settings
    (tracker.core.settings) instead of environment variables."""
    with ExitStack() as stack:
        yield lambda **changes: stack.enter_context(settings.use(**changes))


@pytest.fixture
def open_app(use_settings):
    """Every AppTest of the suite starts here: the app on a store (with a catalogue and a users file when
    given), URL parameters set, run, signed in as `user` when given, then switched to `page` when given."""

    def start(db: Path, *, catalogue: Path | None = None, users: Path | None = None, params: dict | None = None,
              user: str | None = None, page: str | None = None, timeout: int = APP_TIMEOUT):
        from streamlit.testing.v1 import AppTest

        given = {"db": db, "catalogue": catalogue, "users": users}
        use_settings(**{name: path for name, path in given.items() if path is not None})
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.run()
        if user is not None:
            sign_in(at, user)
        if page is not None:
            at.switch_page(f"app_pages/{page}.py").run()
        return at

    return start


def sign_in(at, name: str, password: str | None = None):
    """Fill the sign-in form of a first run and submit it (AppTest)."""
    at.text_input(key="signin.name").input(name)
    at.text_input(key="signin.password").input(password if password is not None else PASSWORDS[name])
    at.button[0].click()
    return at.run()


class _Cards(HTMLParser):
    """The target cards of tracker.present.scorecard.cards_html, as a reader reads them."""

    PARTS = ("title", "value", "change", "status", "verdict", "outlook")

    def __init__(self):
        super().__init__()
        self.cards: list[dict] = []
        self.open: list[str | None] = []  # the part each open tag is, if any

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("class") == "card":
            self.cards.append({"target": attrs["data-target"], "region": attrs["data-region"],
                               "status_id": attrs["data-status"], "direction": attrs["data-direction"], "why": [],
                               **dict.fromkeys(self.PARTS, "")})
        part = attrs.get("class") if attrs.get("class") in self.PARTS else "why" if tag == "li" else None
        self.open.append(part)

    def handle_endtag(self, tag):
        self.open.pop()

    def handle_data(self, data):
        for part in filter(None, self.open):  # a reason is a list item of its own; a part gathers its text
            if part == "why":
                self.cards[-1]["why"].append(data)
            else:
                self.cards[-1][part] += data


class TableReader(HTMLParser):
    """The short tables of tracker.present.tables.html_table and the counts of counts_html, cell by cell."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []  # each table's rows (its header first), each row's cells
        self.counts: list[list[str]] = []  # each count's label and number
        self.cell: list[str] | None = None  # the text of the cell (or the count's label or number) being read

    def handle_starttag(self, tag, attrs):
        kind = dict(attrs).get("class")
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td") or kind in ("label", "value"):
            self.cell = []
            if kind == "label":
                self.counts.append([])

    def handle_endtag(self, tag):
        if self.cell is None:
            return
        (self.counts[-1] if tag == "div" else self.tables[-1][-1]).append("".join(self.cell).strip())
        self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables_shown(at) -> list[pd.DataFrame]:
    """The short tables an AppTest run shows as HTML (tracker.present.tables.html_table), in page order, each a
    frame of texts as the reader sees them, headed by its header row."""
    parser = TableReader()
    for block in at.get("html"):
        if "tracker-table" in block.proto.body:
            parser.feed(block.proto.body)
    return [pd.DataFrame(rows[1:], columns=rows[0]) for rows in parser.tables]


def counts_shown(at) -> dict[str, str]:
    """{label: number as shown} of the counts an AppTest run shows as HTML (tracker.present.tables.counts_html)."""
    parser = TableReader()
    for block in at.get("html"):
        if "tracker-counts" in block.proto.body:
            parser.feed(block.proto.body)
    return dict(parser.counts)


def cards_shown(at) -> dict[str, dict]:
    """{title: card} of the target cards an AppTest run shows (tracker.present.scorecard.cards_html): its figure,
    change, status in words, verdict line (status, target, note), outlook and reasons, and its target, region, status
    id and change direction."""
    parser = _Cards()
    for block in at.get("html"):
        if "tracker-cards" in block.proto.body:
            parser.feed(block.proto.body)
    return {c["title"]: {**c, "change": " ".join(c["change"].split())} for c in parser.cards}
