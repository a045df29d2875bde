"""Shared fixtures: one real store, built from the committed reference files, per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.build import init_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published store holding the reference geography (tests must not write to it)."""
    path = tmp_path_factory.mktemp("store") / "tracker.duckdb"
    init_store(path)
    return path
