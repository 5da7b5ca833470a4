"""DuckDB connections and schema management: the only module that opens database files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

Connection = duckdb.DuckDBPyConnection  # the connection type every layer may name in its type hints
REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"  # database files: the current version, stored versions, import archive
DEFAULT_DB_PATH = DATA_DIR / "sipas.duckdb"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema.sql"
SCHEMA_VERSION = 3
DEFAULT_MEMORY_LIMIT = (
    "1GB"  # DuckDB's buffer pool for the app's read-only connections ($SIPAS_DUCKDB_MEMORY)
)


def db_path() -> Path:
    """The database the app reads: `$SIPAS_DB` if set, else `data/sipas.duckdb`."""
    return Path(os.environ.get("SIPAS_DB", str(DEFAULT_DB_PATH)))


def shared_dir() -> Path:
    """Read-only shared material: `$SIPAS_SHARED_DIR` if set, else `../shared` beside the repository."""
    return Path(os.environ.get("SIPAS_SHARED_DIR", str(REPO_ROOT.parent / "shared")))


def connect_read_only(path: Path | str | None = None) -> Connection:
    """Open an existing database read-only (many readers may do so at once)."""
    target = Path(path) if path is not None else db_path()
    if not target.exists():
        raise FileNotFoundError(f"SIPAS database not found: {target} (run `make run` or `python -m demo`)")
    con = duckdb.connect(str(target), read_only=True)
    con.execute("SET enable_progress_bar = false")
    # bounded memory: pages read stored results; a large ad-hoc query spills to disk instead of growing
    con.execute("SET memory_limit = ?", [os.environ.get("SIPAS_DUCKDB_MEMORY", DEFAULT_MEMORY_LIMIT)])
    con.execute("SET temp_directory = ?", [str(Path(tempfile.gettempdir()) / "sipas-duckdb")])
    return con


def connect_write(path: Path | str) -> Connection:
    """Open (or create) a database for writing and make sure the schema exists."""
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")
    create_schema(con)
    return con


def one(con: Connection, sql: str, params: list | None = None) -> tuple | None:
    """First row of a query, with the result drained (DuckDB 2 results stream and own the connection)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def scalar(con: Connection, sql: str, params: list | None = None) -> object:
    """First column of the first row (None when there is no row)."""
    row = one(con, sql, params)
    return row[0] if row else None


def checkpoint(con: Connection) -> None:
    """Write the database's log into its file (after a commit, before the file is closed and published)."""
    con.execute("CHECKPOINT")


def create_schema(con: Connection) -> None:
    """Create every table of `schema.sql` if missing and record the schema version once."""
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
    current = scalar(con, "SELECT max(version) FROM schema_version")
    if current is None or current < SCHEMA_VERSION:
        note = "initial schema" if current is None else f"upgraded from {current} (tables added)"
        con.execute("INSERT INTO schema_version (version, note) VALUES (?, ?)", [SCHEMA_VERSION, note])


def schema_version(con: Connection) -> int:
    """Highest schema version recorded in the database."""
    return int(scalar(con, "SELECT max(version) FROM schema_version"))
