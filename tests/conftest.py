"""Shared fixtures: one real store, built from the committed reference files, per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

import gzip
import json
import shutil

from etl.build import init_store
from etl.demo import build_demo
from etl.load import load_files
from tracker.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
WORLD = ROOT / "tests" / "assess"  # the small world worked out by hand (tests/test_assess.py)


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published store holding the reference geography (tests must not write to it)."""
    path = tmp_path_factory.mktemp("store") / "tracker.duckdb"
    init_store(path)
    return path


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published store of the small world, assessed at load."""
    folder = tmp_path_factory.mktemp("world")
    reference = folder / "reference"
    reference.mkdir()
    with open(WORLD / "regions.csv", "rb") as src, gzip.open(reference / "regions.csv.gz", "wb") as out:
        shutil.copyfileobj(src, out)
    for level in ("province", "city", "county"):
        (reference / f"boundaries-{level}.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    db = folder / "world.duckdb"
    init_store(db, reference_dir=reference, catalogue_file=WORLD / "catalogue.yaml")
    reports = load_files(db, [WORLD / "values.csv"], catalogue=load_catalogue(WORLD / "catalogue.yaml"))
    assert [r.status for r in reports] == ["loaded"] and reports[0].values_rejected == 0
    return db


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The demo store built once through the front door (about a minute): its path and build counts.
    Tests read it and must not write to it."""
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return db, build_demo(db, seed=2025)
