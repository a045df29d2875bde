"""Settings in one place: where things live, the environment variables that move them, and DuckDB's limits.

Every path and engine setting of the product is read here and nowhere else. Environment variables are
read on each call, so a test or a deployment that sets one is obeyed at once:

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

The default memory limit leaves an 8 GB office PC room for the browser and the app itself: DuckDB spills what
exceeds it to the temp directory (the 3.6 M-row load then peaks at 1.2 GB instead of 3.5 GB, about a quarter
slower). A server with memory to spare sets TRACKER_DUCKDB_MEMORY higher; the national scale needs it: the
national demo build (`etl demo --national`) runs at NATIONAL_MEMORY unless the variable says otherwise (at 1GB its
audit of 56.7 M values runs out of memory).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]  # the repository (tracker/core/settings.py → ../..)
REFERENCE_DIR = ROOT / "data" / "reference"
POLICY_DIR = ROOT / "data" / "policies"
DEFAULT_DB = ROOT / "data" / "tracker.duckdb"
DEFAULT_CATALOGUE = ROOT / "indicators.yaml"
DEFAULT_USERS = ROOT / "config" / "users.toml"
DEFAULT_MEMORY = "1GB"
NATIONAL_MEMORY = "4GB"  # the national demo build's


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


def db_path() -> Path:
    """The store file: $TRACKER_DB when set, else data/tracker.duckdb in the repository."""
    return _env_path("TRACKER_DB", DEFAULT_DB)


def catalogue_path() -> Path:
    """The catalogue file: $TRACKER_CATALOGUE when set, else indicators.yaml in the repository."""
    return _env_path("TRACKER_CATALOGUE", DEFAULT_CATALOGUE)


def policy_dir() -> Path:
    """The folder of policy texts: $TRACKER_POLICIES when set, else data/policies in the repository."""
    return _env_path("TRACKER_POLICIES", POLICY_DIR)


def export_dir() -> Path | None:
    """Where each publish also writes the store as Parquet (tracker.core.export): $TRACKER_EXPORT, else nowhere."""
    value = os.environ.get("TRACKER_EXPORT")
    return Path(value) if value else None


def users_path() -> Path:
    """The users file: $TRACKER_USERS when set, else config/users.toml (kept out of the repository)."""
    return _env_path("TRACKER_USERS", DEFAULT_USERS)


@dataclass(frozen=True)
class EngineSettings:
    """DuckDB's limits for every connection the product opens."""

    memory_limit: str
    threads: int | None
    temp_directory: Path


def engine() -> EngineSettings:
    """DuckDB's memory limit, threads and spill directory, from the environment (see the module docstring)."""
    threads = os.environ.get("TRACKER_DUCKDB_THREADS")
    return EngineSettings(
        memory_limit=os.environ.get("TRACKER_DUCKDB_MEMORY") or DEFAULT_MEMORY,
        threads=int(threads) if threads else None,
        temp_directory=_env_path("TRACKER_DUCKDB_TEMP", db_path().parent / ".duckdb-tmp"),
    )


def connect(database: str = ":memory:", **kwargs) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the product's engine settings applied (memory limit, threads, spill directory)."""
    settings = engine()
    config = {"memory_limit": settings.memory_limit, "temp_directory": str(settings.temp_directory)}
    if settings.threads:
        config["threads"] = settings.threads
    return duckdb.connect(database, config=config, **kwargs)


def sql_text(package: str, name: str) -> str:
    """The text of a .sql file shipped in a package's sql/ folder (e.g. 'tracker.core', 'assess.sql')."""
    return resources.files(package).joinpath("sql", name).read_text(encoding="utf-8")
