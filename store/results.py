"""Stored index results and ranks of each wave (`agg_result`, `agg_result_set`, `agg_rank`): written when a wave
is loaded (`analysis.precompute` computes them), read by `analysis.engine` before it estimates anything."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from store.db import Connection

RESULT_TABLES = ("agg_result", "agg_result_set", "agg_rank")
_ROW_TABLES = frozenset({"agg_result", "agg_rank"})  # tables `insert_rows` writes frames into


def clear_results(con: Connection, year: int) -> None:
    """Delete the stored results, result sets and ranks of one wave (on the caller's transaction)."""
    for table in RESULT_TABLES:
        con.execute(f"DELETE FROM {table} WHERE year = ?", [year])


def insert_rows(con: Connection, table: str, frame: pd.DataFrame) -> None:
    """INSERT the frame's columns that `table` (agg_result or agg_rank) has, by name, in the table's order."""
    if table not in _ROW_TABLES:
        raise ValueError(f"not a stored-results table: {table!r}; expected one of {sorted(_ROW_TABLES)}")
    columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    con.register("_precompute_rows", frame[columns])
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _precompute_rows")
    finally:
        con.unregister("_precompute_rows")


def record_result_set(con: Connection, year: int, level: str, rows: int, computed_at: dt.datetime) -> None:
    """Note that the results of (year, level) are stored: `rows` result rows, computed at `computed_at`."""
    con.execute("INSERT INTO agg_result_set VALUES (?, ?, ?, ?)", [year, level, rows, computed_at])


def microdata_years(con: Connection) -> list[int]:
    """The waves that have respondent rows (in no particular order)."""
    return [int(r[0]) for r in con.execute("SELECT DISTINCT year FROM respondent").fetchall()]


def has_stored_results(con: Connection, year: int, level: str) -> bool:
    """Whether results of (year, level) were stored at load time (raises CatalogException before schema 3)."""
    return bool(
        con.execute("SELECT 1 FROM agg_result_set WHERE year = ? AND level = ?", [year, level]).fetchall()
    )


def stored_results(con: Connection, year: int, level: str) -> pd.DataFrame | None:
    """Stored results of (year, level) in their computed row order (unit_id, grp, index_code, value, se,
    ci_low, ci_high, df, n, n_eff, n_valid, n_psu, data_flags); None when none are stored (a database written
    before schema 3, or a level not stored)."""
    try:
        if not has_stored_results(con, year, level):
            return None
    except duckdb.CatalogException:  # schema before 3: no stored results
        return None
    return con.execute(
        """
        SELECT unit_id, grp, index_code, value, se, ci_low, ci_high, df, n, n_eff, n_valid, n_psu, data_flags
        FROM agg_result WHERE year = ? AND level = ? ORDER BY position
        """,
        [year, level],
    ).df()


def stored_ranks(con: Connection, year: int, level: str, index_code: str) -> pd.DataFrame | None:
    """Stored ranks of one index (unit_id, rank, rank_of, rank_low, rank_high, tier, position); None before
    schema 3 (no `agg_rank` table)."""
    try:
        return con.execute(
            """
            SELECT unit_id, rank, rank_of, rank_low, rank_high, tier, position
            FROM agg_rank WHERE year = ? AND level = ? AND index_code = ? ORDER BY position
            """,
            [year, level, index_code],
        ).df()
    except duckdb.CatalogException:  # schema before 3
        return None
