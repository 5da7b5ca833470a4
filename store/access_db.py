"""The access database (accounts, sign-in state, audit log): its path and short-lived write connections.

It is a DuckDB file of its own beside the survey database (`$SIPAS_ACCESS_DB`, else `access.duckdb` in the
survey database's folder). Survey versions are read-only and replaced by imports and restores; accounts and
the audit log must survive both. Every operation opens the file, does its work and closes it, so the app and
the command line (another process) can both write: a process that finds the file locked waits and retries.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from store import db

SCHEMA_FILE = Path(__file__).resolve().parent / "access_schema.sql"
LOCK_WAIT_S = 10.0
_local = threading.Lock()  # one writer at a time inside this process


def access_db_path() -> Path:
    """`$SIPAS_ACCESS_DB` if set, else `access.duckdb` beside the survey database."""
    explicit = os.environ.get("SIPAS_ACCESS_DB")
    return Path(explicit) if explicit else db.db_path().parent / "access.duckdb"


@contextmanager
def connect(path: Path | None = None, wait_s: float = LOCK_WAIT_S) -> Iterator[db.Connection]:
    """A write connection to the access database (created with its schema if missing), held only for the
    `with` block; waits up to `wait_s` while another process holds the file."""
    target = path or access_db_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    with _local:
        while True:
            try:
                con = duckdb.connect(str(target))
                break
            except duckdb.IOException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        try:
            con.execute("SET enable_progress_bar = false")
            con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
            if os.name == "posix":
                os.chmod(target, 0o600)  # accounts and the log: the service user only
            yield con
        finally:
            con.close()
