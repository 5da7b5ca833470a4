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

import numpy as np
import pandas as pd

from analysis import engine
from analysis.ranking import rank_units
from store import db as dbmod
from store import results as result_store
from store import versions
from store.aggregates import refresh_aggregates
from store.db import Connection

# unit levels stored for every wave (agency only where respondents name an agency)
LEVELS = ("national", "region", "province", "province34", "district", "commune", "agency")
RANKED_LEVELS = ("province", "province34")
RANKED_INDICES = ("overall",)
_BASE_FLAGS = {"generated", "reaggregated", "pooled"}


def data_flags(flags: pd.Series) -> pd.Series:
    """The flags that follow from the data (suppressed, single_psu), without the wave/level ones."""
    return flags.map(lambda f: ",".join(x for x in str(f).split(",") if x and x not in _BASE_FLAGS))


def refresh_results(con: Connection, year: int) -> None:
    """Replace the stored results and ranks of one wave by freshly computed ones (on the caller's
    transaction; the PSU aggregates of the wave must be current)."""
    result_store.clear_results(con, year)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for level in LEVELS:
        frame = engine.compute_indices(con, year, level, use_stored=False)
        stored = frame.drop(columns=["flags"]).assign(
            level=level, data_flags=data_flags(frame["flags"]), position=np.arange(len(frame))
        )
        stored["grp"] = stored["grp"].astype(object).where(stored["grp"].notna(), "")
        result_store.insert_rows(con, "agg_result", stored)
        result_store.record_result_set(con, year, level, len(frame), now)
        if level in RANKED_LEVELS and not frame.empty:
            for code in RANKED_INDICES:
                ranked = rank_units(frame[frame["index_code"] == code], code)
                ranked = ranked.assign(level=level, position=np.arange(len(ranked)))
                result_store.insert_rows(con, "agg_rank", ranked)


def refresh_wave(con: Connection, year: int) -> None:
    """Rebuild everything stored for one wave after its rows changed: the PSU aggregates
    (`store.aggregates.refresh_aggregates`), then the results and ranks computed from them (on the caller's
    transaction)."""
    refresh_aggregates(con, year)
    refresh_results(con, year)


def refresh_store(db: Path, years: list[int] | None = None) -> dict:
    """Rebuild the aggregates and stored results of every wave (or `years`) as a new version of the store
    (`store.versions`: copy, one transaction, atomic switch): upgrades a store written before schema 3.
    Returns {"version": file name, "years": [...], "seconds": s}."""
    started = time.perf_counter()
    db = Path(db)
    with versions.import_lock(db):
        versions.remove_leftovers(db)
        work, final = versions.new_work_file(db, "refresh_results")
        try:
            con = dbmod.connect_write(work)  # adds the tables of the current schema
            try:
                waves = result_store.microdata_years(con)
                chosen = sorted(waves if years is None else set(waves) & set(years))
                con.begin()
                for year in chosen:
                    refresh_wave(con, year)
                con.commit()
                dbmod.checkpoint(con)
            finally:
                con.close()
        except BaseException:
            work.unlink(missing_ok=True)
            raise
        versions.publish(db, work, final)
    return {"version": final.name, "years": chosen, "seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    """`python -m analysis.precompute [--db PATH] [--year Y ...]`: refresh stored results as a new version."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--db", type=Path, default=dbmod.db_path())
    parser.add_argument("--year", type=int, action="append", help="only these waves (repeatable)")
    args = parser.parse_args(argv)
    print(json.dumps(refresh_store(args.db, args.year), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
