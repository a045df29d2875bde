"""The assessment on Apache Spark, over the Parquet export (tracker.core.export): for a national office whose
years of data outgrow one machine.

The method is written once, in the stages of tracker/core/sql/assess/ (DuckDB's dialect); Spark runs that same text:
- its macros (cmp, progress_status, toward_deadline …) are expanded in place, as DuckDB expands them;
- each `set variable` is computed first and its value put where `getvariable(...)` reads it;
- each statement is translated to Spark SQL by sqlglot and each temp table becomes a cached temp view;
- decimal literals (100.0) are read as doubles, as DuckDB reads them, not as Spark's decimals.
The inputs are the catalogue's rows (tracker.core.assess.spec_rows, the same DuckDB reads) and the export's
observation (the values that count), region and group_member datasets. PySpark is needed only here:
requirements-spark.txt, with a Java 17 runtime.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlglot
from sqlglot import exp

from tracker.core.assess import assess_sql, spec_rows
from tracker.core.catalogue import Catalogue

# Spark as DuckDB reads the same SQL: a division by zero or a failed cast is NULL, not an error; no web UI; no
# inference of constraints (Spark 4.0.1 fails with "key not found" inferring them for a union of checkpointed tables,
# and the tables here are computed one by one anyway)
SPARK_CONF = {"spark.sql.ansi.enabled": "false", "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4",
              "spark.sql.session.timeZone": "UTC", "spark.driver.bindAddress": "127.0.0.1",
              "spark.driver.host": "127.0.0.1", "spark.sql.constraintPropagation.enabled": "false"}
INPUTS = {"counted_observation": "observation", "region": "region", "group_member": "group_member"}
MACRO = re.compile(r"create or replace temp macro (\w+)\(([^)]*)\) as\s+(.*)", re.S)
VARIABLE = re.compile(r"set variable (\w+) = (.*)", re.S)
TABLE = re.compile(r"create or replace (?:temp )?table (\w+) as\s+(.*)", re.S)


def statements(text: str) -> list[str]:
    """The SQL text's statements, comments left out (no string in the assessment's SQL holds '--' or ';')."""
    text = re.sub(r"--[^\n]*", "", text)
    return [s.strip() for s in text.split(";") if s.strip()]


class Translator:
    """The assessment's statements in Spark SQL, with its macros expanded and its variables' values in place."""

    def __init__(self, text: str):
        self.macros: dict[str, tuple[list[str], exp.Expression]] = {}
        self.variables: dict[str, object] = {}
        self.steps: list[tuple[str, str, str]] = []  # (kind 'variable' | 'table', name, DuckDB SQL of its query)
        for statement in statements(text):
            if m := MACRO.fullmatch(statement):
                params = [p.strip() for p in m.group(2).split(",")]
                self.macros[m.group(1)] = (params, sqlglot.parse_one(m.group(3), read="duckdb"))
            elif m := VARIABLE.fullmatch(statement):
                self.steps.append(("variable", m.group(1), f"select {m.group(2)}"))
            elif m := TABLE.fullmatch(statement):
                self.steps.append(("table", m.group(1), m.group(2)))
            else:
                raise ValueError(f"a statement Spark is not given: {statement[:80]}")

    def _expand(self, tree: exp.Expression) -> exp.Expression:
        def call(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Anonymous) and node.name.lower() in self.macros:
                params, body = self.macros[node.name.lower()]
                # each argument whole, as DuckDB substitutes it: `1.0 / n` with n = deadline - base_year_used
                args = dict(zip(params, (_whole(self._expand(a)) for a in node.expressions)))
                filled = body.copy().transform(
                    lambda n: args[n.name].copy() if isinstance(n, exp.Column) and not n.table and n.name in args else n)
                return exp.Paren(this=self._expand(filled))
            if isinstance(node, exp.Anonymous) and node.name.lower() == "getvariable":
                return _literal(self.variables[node.expressions[0].name])
            if isinstance(node, exp.Literal) and not node.is_string and "." in node.this \
                    and not isinstance(node.parent, exp.Cast):
                return exp.Cast(this=node.copy(), to=exp.DataType.build("double"))
            return node

        return tree.transform(call)

    def spark_sql(self, duckdb_sql: str) -> str:
        """One query in Spark SQL (macros expanded, variables filled in)."""
        return self._expand(sqlglot.parse_one(duckdb_sql, read="duckdb")).sql(dialect="spark")


def _whole(node: exp.Expression) -> exp.Expression:
    """An expression in parentheses unless it is a column or a literal already."""
    return node if isinstance(node, (exp.Column, exp.Literal, exp.Paren, exp.Boolean, exp.Null)) else exp.Paren(this=node)


def _literal(value: object) -> exp.Expression:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, (list, tuple)):
        return exp.Array(expressions=[_literal(v) for v in value])
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.number(value)


def session(master: str = "local[2]", memory: str = "2g"):
    """A Spark session with SPARK_CONF, on this machine's cores by default, its driver given `memory` (PySpark and
    a Java 17 runtime needed)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("tracker-assess").config("spark.driver.memory", memory)
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _frame(spark, rows: list[dict], columns: list[str]):
    """The catalogue's rows as a Spark frame of strings (the first stage, 1_spec.sql, casts each column)."""
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(c, StringType()) for c in columns])
    return spark.createDataFrame([tuple(None if r.get(c) is None else str(r[c]) for c in columns) for r in rows],
                                 schema)


def assess(spark, export_folder: Path | str, catalogue: Catalogue):
    """The table `assessment` computed by Spark from an export (tracker.core.export), as a Spark DataFrame."""
    specs, pops = spec_rows(catalogue)
    _frame(spark, specs, list(specs[0])).createOrReplaceTempView("target_spec_frame")
    _frame(spark, pops, ["pop_id", "region", "level", "group_id", "group_level", "kind"]) \
        .createOrReplaceTempView("population_spec_frame")
    for view, dataset in INPUTS.items():
        # joined as text: the export may be a URI (hdfs://…, s3a://…) that a Path would mangle
        spark.read.parquet(f"{str(export_folder).rstrip('/')}/{dataset}").createOrReplaceTempView(view)
    translator = Translator(assess_sql())
    frame = None
    for kind, name, query in translator.steps:
        frame = spark.sql(translator.spark_sql(query))
        if kind == "variable":
            value = frame.collect()[0][0]
            translator.variables[name] = sorted(value) if isinstance(value, list) else value
        else:
            # computed now and its plan cut there (DuckDB's temp table): a plan that carried every earlier step's
            # would grow with each table read twice, until printing it ran the driver out of memory
            frame = frame.localCheckpoint(eager=True)
            frame.createOrReplaceTempView(name)
    return frame


KEY = ("target_id", "period", "level", "region_code", "year")  # one result: a target's, for a region and year


def differences(con, mine: str, theirs: str) -> int:
    """How many results of two assessment tables (views or tables by name, on the DuckDB connection `con`, e.g.
    the store's `assessment` and Spark's written as Parquet) differ: a row on one side only, or a column that
    differs (numbers to 1e-9 of their size)."""
    empty = "select * from " + mine + " limit 0"  # names of the caller's views, not values
    shape = con.sql(empty)
    numeric = {c for c, kind in zip(shape.columns, shape.types)
               if str(kind) in ("DOUBLE", "BIGINT", "INTEGER", "SMALLINT")}
    on = " and ".join(f"m.{k} is not distinct from t.{k}" for k in KEY)
    same = " and ".join(
        f"(m.{c} is not distinct from t.{c} or abs(m.{c} - t.{c}) <= 1e-9 * greatest(1, abs(m.{c})))"
        if c in numeric else f"m.{c} is not distinct from t.{c}" for c in shape.columns)
    query = f"select count(*) from {mine} m full join {theirs} t on {on} where not coalesce({same}, false)"
    return con.sql(query).fetchall()[0][0]

