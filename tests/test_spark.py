"""The assessment on Apache Spark (tracker.core.spark_assess): the assessment's SQL itself, run by Spark SQL in local mode
over the Parquet export of the small world worked out by hand, gives DuckDB's results row by row — every
target, unit and roll-up, every column. Needs PySpark and a Java 17 runtime (requirements-spark.txt;
.ci/run installs both)."""

from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from tests.conftest import WORLD
from tracker.core import export, settings
from tracker.core.catalogue import load_catalogue

pytestmark = pytest.mark.slow
KEY = ["target_id", "period", "level", "region_code", "year"]


def importlib_missing(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is None


@pytest.fixture(scope="module")
def spark():
    if importlib_missing("pyspark") or not shutil.which("java"):
        if os.environ.get("CI"):
            pytest.fail("PySpark or Java 17 is missing: .ci/run must install requirements-spark.txt and a JRE")
        pytest.skip("PySpark or Java is not installed (pip install -r requirements-spark.txt; a Java 17 runtime)")
    from tracker.core import spark_assess

    session = spark_assess.session()
    yield session
    session.stop()


def test_spark_runs_the_assessment_over_the_export_as_duckdb_does(world, tmp_path, spark):
    from tracker.core import spark_assess

    export.write(world, tmp_path / "export")
    with settings.use(min_reporting=0):  # as the world was assessed (tests/conftest.py)
        result = spark_assess.assess(spark, tmp_path / "export", load_catalogue(WORLD / "catalogue.yaml"))
    result.write.parquet(str(tmp_path / "spark"))
    found = result.toPandas()
    duck = duckdb.connect()
    duck.execute("attach ? as s (read_only)", [str(world)])
    duck.read_parquet(str(tmp_path / "spark" / "*.parquet")).create_view("spark_result")
    assert list(found.columns) == duck.sql("select * from s.assessment").columns and len(found) == 285
    assert duck.execute("select count(*) from spark_result").fetchall() == [(285,)]
    # every result on both sides, every column equal (numbers to 1e-9)
    assert spark_assess.differences(duck, "s.assessment", "spark_result") == 0
    found = found.set_index(KEY)
    # and the hand-worked figures themselves (tests/assess/golden/plan_city_2022.csv: 3 of 4 key villages)
    plan = found.loc[("t_plan", "", "city", "3611", 2022)]
    assert (plan["value"], plan["target_value"], plan["status"], plan["units_met"]) == (75.0, 100.0, "missed", 3)


def test_assess_sql_translates_whole():
    """Every statement of the assessment's SQL is one Spark is given: macros expanded, variables read where used."""
    pytest.importorskip("sqlglot")
    from tracker.core import assess, spark_assess

    translator = spark_assess.Translator(assess.assess_sql())
    assert {"cmp", "progress_status", "toward_deadline", "rate_pct", "on_scale", "result_status"} <= set(translator.macros)
    assert [name for kind, name, _ in translator.steps if kind == "variable"] == [
        "assessed_measures", "assessed_provinces", "assessed_from", "assessed_to", "assessed_whole_range"]
    translator.variables["assessed_measures"] = ["water"]
    sql = translator.spark_sql("select cmp(value, '>=', 100.0 * n / (d - b)) as ok, "
                               "list_contains(getvariable('assessed_measures'), m) as used from t")
    # the macro's arguments whole (the divisor kept in its parentheses), the decimal a double, the variable a list
    assert "(d - b)" in sql and "CAST(100.0 AS DOUBLE)" in sql and "ARRAY('water')" in sql and "cmp" not in sql.lower()
