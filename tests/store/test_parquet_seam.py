"""The Parquet seam: the data layer gives the same results over Parquet files as over the DuckDB file.

Two waves (2023, 2024) of the session's demo database are exported with `store.parquet.export_parquet`
and read back through `connect_parquet` (one view per file). The same Python functions then run on both
connections. Floating-point columns are compared with a relative tolerance of 1e-12, not bit for bit:
DuckDB adds DOUBLE values in whatever order its threads and the chosen plan deliver them (the plan differs
between a native table and a Parquet scan: other cardinality estimates, join sides, string compression),
and the same query on the same file run twice already differs in the 16th significant digit. Everything
else (ids, codes, counts, flags, dtypes, row sets) must be identical.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analysis import engine
from store import db, queries
from store.parquet import connect_parquet, export_parquet, store_tables

YEARS = (2023, 2024)
RTOL = ATOL = 1e-12  # far below the 0.1 percentage point the pages show
RESULT_KEYS = ["year", "unit_id", "grp", "index_code"]


@pytest.fixture(scope="module")
def seam(
    demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection, dict[str, int], Path]]:
    """(connection to the demo file, connection over its Parquet export, rows exported, export folder)."""
    folder = tmp_path_factory.mktemp("parquet")
    native = db.connect_read_only(demo_db_path)
    counts = export_parquet(native, folder, years=YEARS)
    parquet = connect_parquet(folder)
    yield native, parquet, counts, folder
    parquet.close()
    native.close()


def assert_same(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]) -> None:
    """Equal frames up to row order; floats within RTOL/ATOL, all other columns and dtypes exact."""
    assert len(left) > 0
    left = left.sort_values(keys).reset_index(drop=True)
    right = right.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_exact=False, rtol=RTOL, atol=ATOL)


def test_export_writes_every_table_with_its_types(seam):
    native, parquet, counts, folder = seam
    tables = [t for t in store_tables(native) if t != "respondent_recheck"]
    assert "respondent_recheck" in store_tables(native)  # the salted hashes stay behind (privacy)
    assert sorted(counts) == tables
    assert sorted(p.stem for p in folder.glob("*.parquet")) == tables
    assert not list(folder.glob(".*.tmp"))
    for table in tables:
        has_year = "year" in native.execute(f"SELECT * FROM {table} LIMIT 0").df().columns
        where = f" WHERE year IN {YEARS}" if has_year and table != "import_log" else ""
        expected = native.execute(f"SELECT count(*) FROM {table}{where}").fetchall()[0][0]
        assert counts[table] == expected, table
        assert parquet.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == expected, table
        # TINYINT answers, INTEGER[] missing codes, DATE and TIMESTAMP columns survive the round trip
        types = "SELECT column_name, column_type FROM (DESCRIBE {})"
        assert (
            native.execute(types.format(table)).fetchall() == parquet.execute(types.format(table)).fetchall()
        )
    assert counts["answer"] > 1_000_000  # two full waves of answers, not a sample
    assert counts["survey_wave"] == len(YEARS)
    assert counts["import_log"] == native.execute("SELECT count(*) FROM import_log").fetchall()[0][0]


@pytest.mark.parametrize(
    ("level", "breakdown"),
    [("province", None), ("district", None), ("province", "sex"), ("province34", None)],
    ids=["province", "district", "province-by-sex", "province34"],
)
def test_compute_indices_same_over_parquet(seam, level, breakdown):
    native, parquet, _, _ = seam
    left = engine.compute_indices(native, 2024, level, breakdown=breakdown)
    right = engine.compute_indices(parquet, 2024, level, breakdown=breakdown)
    assert_same(left, right, RESULT_KEYS)
    if breakdown:  # read from the raw respondent and answer tables, not the per-PSU aggregates
        assert left["grp"].nunique() >= 2
    if level == "province34":  # the 2024 wave (63 provinces) shown on the 34 provinces via the crosswalk
        assert left["unit_id"].str.startswith("P34-").all()
        assert left["flags"].str.contains("reaggregated").all()


def test_wave_catalogue_same_over_parquet(seam):
    native, parquet, _, _ = seam
    left = queries.wave_catalogue(native)
    left = left[left["year"].isin(YEARS)]
    right = queries.wave_catalogue(parquet)
    assert right["year"].tolist() == list(YEARS)
    assert_same(left, right, ["year"])


def test_index_labels_same_over_parquet(seam):
    native, parquet, _, _ = seam
    assert_same(engine.index_labels(native, 2024), engine.index_labels(parquet, 2024), ["index_code"])


def test_published_indices_same_over_parquet(seam):
    native, parquet, _, _ = seam
    left = engine.published_indices(native, 2024, "province")
    right = engine.published_indices(parquet, 2024, "province")
    assert_same(left, right, RESULT_KEYS)
