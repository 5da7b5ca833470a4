"""Results stored when a wave is loaded: every index at every unit level, and the ranks of the overall index.

A page then reads a few thousand stored rows instead of estimating (`engine.compute_indices` and
`engine.ranks` look here first). Stored rows are exactly what the estimation returns (tested); they are
rebuilt in the load's transaction, so they can never describe other data than the database holds.
A store written before schema 3 is upgraded with `python -m analysis.precompute --db PATH` (a new version).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analysis import engine
from analysis.ranking import rank_units

# unit levels stored for every wave (agency only where respondents name an agency)
LEVELS = ("national", "region", "province", "province34", "district", "commune", "agency")
RANKED_LEVELS = ("province", "province34")
RANKED_INDICES = ("overall",)
_BASE_FLAGS = {"generated", "reaggregated", "pooled"}


def data_flags(flags: pd.Series) -> pd.Series:
    """The flags that follow from the data (suppressed, single_psu), without the wave/level ones."""
    return flags.map(lambda f: ",".join(x for x in str(f).split(",") if x and x not in _BASE_FLAGS))


def refresh_results(con: duckdb.DuckDBPyConnection, year: int) -> None:
    """Replace the stored results and ranks of one wave by freshly computed ones (on the caller's
    transaction; the PSU aggregates of the wave must be current)."""
    for table in ("agg_result", "agg_result_set", "agg_rank"):
        con.execute(f"DELETE FROM {table} WHERE year = ?", [year])
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for level in LEVELS:
        frame = engine.compute_indices(con, year, level, use_stored=False)
        stored = frame.drop(columns=["flags"]).assign(
            level=level, data_flags=data_flags(frame["flags"]), position=np.arange(len(frame))
        )
        stored["grp"] = stored["grp"].astype(object).where(stored["grp"].notna(), "")
        _insert(con, "agg_result", stored)
        con.execute("INSERT INTO agg_result_set VALUES (?, ?, ?, ?)", [year, level, len(frame), now])
        if level in RANKED_LEVELS and not frame.empty:
            for code in RANKED_INDICES:
                ranked = rank_units(frame[frame["index_code"] == code], code)
                ranked = ranked.assign(level=level, position=np.arange(len(ranked)))
                _insert(con, "agg_rank", ranked)


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """INSERT the frame's columns that the table has, by name."""
    columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    con.register("_precompute_rows", frame[columns])
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _precompute_rows")
    finally:
        con.unregister("_precompute_rows")


def refresh_store(db: Path, years: list[int] | None = None) -> dict:
    """Rebuild the aggregates and stored results of every wave (or `years`) as a new version of the store
    (`store.versions`: copy, one transaction, atomic switch): upgrades a store written before schema 3.
    Returns {"version": file name, "years": [...], "seconds": s}."""
    from store import db as dbmod
    from store import versions
    from store.aggregates import refresh_aggregates

    started = time.perf_counter()
    db = Path(db)
    with versions.import_lock(db):
        versions.remove_leftovers(db)
        work, final = versions.new_work_file(db, "refresh_results")
        try:
            con = dbmod.connect_write(work)  # adds the tables of the current schema
            try:
                waves = [int(r[0]) for r in con.execute("SELECT DISTINCT year FROM respondent").fetchall()]
                chosen = sorted(waves if years is None else set(waves) & set(years))
                con.execute("BEGIN TRANSACTION")
                for year in chosen:
                    refresh_aggregates(con, year)
                con.execute("COMMIT")
                con.execute("CHECKPOINT")
            finally:
                con.close()
        except BaseException:
            work.unlink(missing_ok=True)
            raise
        versions.publish(db, work, final)
    return {"version": final.name, "years": chosen, "seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    """`python -m analysis.precompute [--db PATH] [--year Y ...]`: refresh stored results as a new version."""
    from store import db as dbmod

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--db", type=Path, default=dbmod.db_path())
    parser.add_argument("--year", type=int, action="append", help="only these waves (repeatable)")
    args = parser.parse_args(argv)
    print(json.dumps(refresh_store(args.db, args.year), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
