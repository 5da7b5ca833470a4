"""Parquet hand-over of the store: one Parquet file per table, and a DuckDB connection that reads them back.

The data layer (`store.queries`, `store.aggregates`, `analysis.engine`) queries tables by name, so a connection
from `connect_parquet` (one view per file, named like the table) can be passed to the same functions as a
connection to the DuckDB file (`tests/data/test_parquet_seam.py` checks that the results are identical).
The same files are what MotherDuck, DuckLake or Spark/Trino would ingest (see `docs/deploy.md`).

Usage: python -m store.parquet --db PATH --out FOLDER [--year 2023 --year 2024]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import duckdb

from store import db as dbmod

SUFFIX = ".parquet"


def quote_ident(name: str) -> str:
    """A SQL identifier in double quotes (embedded quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A SQL string literal in single quotes (embedded quotes doubled), for statements without parameters."""
    return "'" + text.replace("'", "''") + "'"


def store_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Base tables of the store (schema `main`), by name."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return [row[0] for row in rows]


# Salted hashes of respondents' identifying fields stay on the machine that imports (see docs/deploy.md).
NEVER_EXPORTED = frozenset({"respondent_recheck"})


def year_keyed_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables whose rows belong to one wave: a NOT NULL `year` column (survey_wave, respondent, answer,
    published_value, agg_psu_*). `import_log` (nullable year) is an audit trail, not
    wave data, and is never filtered."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.columns "
        "WHERE table_schema = 'main' AND column_name = 'year' AND is_nullable = 'NO'"
    ).fetchall()
    return {row[0] for row in rows}


def export_parquet(
    con: duckdb.DuckDBPyConnection, folder: Path | str, years: Iterable[int] | None = None
) -> dict[str, int]:
    """Write every table of the store (except `NEVER_EXPORTED`) to `<folder>/<table>.parquet`; return rows
    written per table.

    `years` (optional) keeps only those waves in the year-keyed tables (`year_keyed_tables`), so a subset
    stays consistent: a wave is either exported with its respondents, answers, aggregates and published
    figures, or not at all. Reference tables (units, crosswalk, methodologies) and the import log are always
    exported whole. Each file is written under a temporary name and renamed, so a reader never sees half a
    file. The sequence `import_id_seq` is not exported: it is needed only for writing.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    keyed = year_keyed_tables(con)
    year_list = None if years is None else sorted({int(y) for y in years})
    counts: dict[str, int] = {}
    for table in store_tables(con):
        if table in NEVER_EXPORTED:
            continue
        target = out / f"{table}{SUFFIX}"
        work = out / f".{table}{SUFFIX}.tmp"
        params: list[object] = []
        sql = f"SELECT * FROM {quote_ident(table)}"
        if year_list is not None and table in keyed:
            sql += " WHERE year IN (SELECT unnest(?::INTEGER[]))"
            params.append(year_list)
        params.append(str(work))
        rows = con.execute(f"COPY ({sql}) TO ? (FORMAT parquet)", params).fetchall()
        os.replace(work, target)
        counts[table] = int(rows[0][0])
    return counts


def connect_parquet(folder: Path | str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per `<folder>/*.parquet`, named like the table it came from.

    The views read the files on every query (nothing is loaded up front). DuckDB does not accept a prepared
    parameter in a view definition ("Unexpected prepared parameter"), so the absolute path is an escaped
    string literal.
    """
    base = Path(folder).resolve()
    files = sorted(base.glob(f"*{SUFFIX}"))
    if not files:
        raise FileNotFoundError(f"no {SUFFIX} files in {base}")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    for path in files:
        name = path.name[: -len(SUFFIX)]
        con.execute(
            f"CREATE VIEW {quote_ident(name)} AS SELECT * FROM read_parquet({quote_literal(str(path))})"
        )
    return con


def main(argv: list[str] | None = None) -> int:
    """Command line: export a database file to Parquet and print the row counts as JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m store.parquet", description="Export the SIPAS store to one Parquet file per table."
    )
    parser.add_argument(
        "--db", type=Path, default=None, help="database file (default: $SIPAS_DB or data/sipas.duckdb)"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for <table>.parquet files")
    parser.add_argument("--year", type=int, action="append", help="export only this wave (repeatable)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    con = dbmod.connect_read_only(args.db)
    try:
        counts = export_parquet(con, args.out, args.year)
    finally:
        con.close()
    report = {
        "db": str(args.db or dbmod.db_path()),
        "out": str(args.out),
        "years": sorted(set(args.year)) if args.year else None,
        "rows": counts,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
