"""Settings in one place: where things live, the environment variables that move them, and DuckDB's limits.

Every path and engine setting of the product is a field of `Settings` (pydantic-settings), read from the
environment once per process; `current()` gives them, `use(...)` puts others in force for a while (a command's
option, a test's store) without touching the environment:

| variable | default | what |
|---|---|---|
| TRACKER_DB | data/tracker.duckdb | the published store |
| TRACKER_CATALOGUE | indicators.yaml | the catalogue of targets |
| TRACKER_USERS | config/users.toml | the users file (sign-in, roles, scopes) |
| TRACKER_POLICIES | data/policies | the policy texts the catalogue's documents name |
| TRACKER_EXPORT | (none) | a folder: each publish also writes the store there as Hive-partitioned Parquet |
| TRACKER_DUCKDB_MEMORY | 1GB | DuckDB's memory_limit for every connection the product opens |
| TRACKER_DUCKDB_THREADS | (DuckDB's: one per core) | DuckDB's threads |
| TRACKER_DUCKDB_TEMP | (beside the store: .duckdb-tmp/) | where DuckDB spills what exceeds the memory limit |
| TRACKER_PROGRESS_METHOD | recent | how a target not yet due is judged: recent pace (recent) or Open SDG's (cagr) |
| TRACKER_UPLOADS_PER_SESSION_MB | 200 | what one session's uploads may hold at once (each file at most Streamlit's 50 MB) |
| TRACKER_MIN_REPORTING | 80 | the share of its units (%) a region's figure needs for a verdict, else 数据不全 |

An empty variable counts as unset. The default memory limit leaves an 8 GB office PC room for the browser and the
app itself: DuckDB spills what exceeds it to the temp directory. A server with memory to spare sets
TRACKER_DUCKDB_MEMORY higher; the national demo build (`etl demo --national`) runs at NATIONAL_MEMORY unless the
variable says otherwise (at 1GB its audit of 56.7 M values runs out of memory).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Literal

import duckdb
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]  # the repository (tracker/core/settings.py → ../..)
REFERENCE_DIR = ROOT / "data" / "reference"
POLICY_DIR = ROOT / "data" / "policies"
NATIONAL_MEMORY = "4GB"  # the national demo build's


class Settings(BaseSettings):
    """The product's settings; each field is read from TRACKER_<FIELD> (see the module docstring)."""

    model_config = SettingsConfigDict(env_prefix="TRACKER_", env_ignore_empty=True, frozen=True, extra="ignore")

    db: Path = Field(ROOT / "data" / "tracker.duckdb", description="store file")
    catalogue: Path = Field(ROOT / "indicators.yaml",
                            description="catalogue file (province files indicators-*.yaml beside it are read too)")
    users: Path = Field(ROOT / "config" / "users.toml", description="users file")
    policies: Path = Field(POLICY_DIR, description="folder of the policy texts")
    export: Path | None = None
    duckdb_memory: str = "1GB"
    duckdb_threads: int | None = None
    duckdb_temp: Path | None = None
    progress_method: Literal["recent", "cagr"] = Field(
        "recent", description="how a target not yet due is judged: the recent pace against the pace still required "
                              "(recent), or Open SDG's compound growth since the base year (cagr); docs/method.md")
    uploads_per_session_mb: int = Field(200, ge=1, description="what one session's uploads may hold at once (MB)")
    min_reporting: float = Field(80.0, ge=0, le=100,
                                 description="the share of its units (%) a region's figure needs for a verdict; "
                                             "below it the status is 数据不全")

    @property
    def temp_directory(self) -> Path:
        """Where DuckDB spills: TRACKER_DUCKDB_TEMP, else .duckdb-tmp/ beside the store."""
        return self.duckdb_temp or self.db.parent / ".duckdb-tmp"

    @property
    def sign_in_state(self) -> Path:
        """Where every app process keeps what sign-in shares: sessions ended by 退出登录, wrong passwords counted
        (tracker/core/sessions.py): .tracker-sign-in/ beside the store."""
        return self.db.parent / ".tracker-sign-in"

    def given(self, name: str) -> bool:
        """Whether a field was set (by the environment or by use()) rather than left at its default."""
        return name in self.model_fields_set


_in_force: list[Settings] = []  # use()'s stack; empty: the environment's, read once


def current() -> Settings:
    """The settings in force: the innermost use()'s, else those of the environment (read at the first call)."""
    if not _in_force:
        _in_force.append(Settings())
    return _in_force[-1]


@contextmanager
def use(settings: Settings | None = None, **changes) -> Iterator[Settings]:
    """Put `settings` (or the current ones with `changes`) in force inside the block."""
    chosen = settings or Settings(**{**current().model_dump(exclude_unset=True), **changes})
    _in_force.append(chosen)
    try:
        yield chosen
    finally:
        _in_force.remove(chosen)


def add_path_option(parser: argparse.ArgumentParser, name: str) -> None:
    """A command's --NAME option for a path setting (db, catalogue, users): its default the setting in force, its
    help the field's description with where the default comes from."""
    field = Settings.model_fields[name]
    default = field.default.relative_to(ROOT) if field.default.is_relative_to(ROOT) else field.default
    parser.add_argument(f"--{name}", type=Path, default=getattr(current(), name),
                        help=f"{field.description} (default: $TRACKER_{name.upper()} or {default})")


def connect(database: str = ":memory:", **kwargs) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the product's engine settings applied (memory limit, threads, spill directory)."""
    settings = current()
    config = {"memory_limit": settings.duckdb_memory, "temp_directory": str(settings.temp_directory)}
    if settings.duckdb_threads:
        config["threads"] = settings.duckdb_threads
    return duckdb.connect(database, config=config, **kwargs)


def sql_text(package: str, name: str) -> str:
    """The text of a .sql file shipped in a package's sql/ folder (e.g. 'tracker.core', 'schema.sql')."""
    return resources.files(package).joinpath("sql", name).read_text(encoding="utf-8")
