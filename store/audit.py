"""The audit log table (SQL only): append a row, read rows. There is deliberately no update or delete."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from store.db import Connection

COLUMNS = (
    "id",
    "occurred_at",
    "actor",
    "role",
    "action",
    "unit_id",
    "year",
    "detail",
    "outcome",
    "prev_hash",
    "hash",
)


def last(con: Connection) -> tuple[int, str] | None:
    """(id, hash) of the newest row, or None for an empty log."""
    rows = con.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchall()
    return rows[0] if rows else None


def append(con: Connection, row: dict) -> None:
    """Insert one row (all of `COLUMNS`)."""
    con.execute(
        f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
        [row[c] for c in COLUMNS],
    )


def rows(
    con: Connection, since: dt.datetime | None = None, action: str | None = None, actor: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Log rows, newest first, optionally from `since`, of one action or one actor, at most `limit`."""
    return con.execute(
        f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE (? IS NULL OR occurred_at >= ?) AND (? IS NULL OR action = ?) "
        "AND (? IS NULL OR actor = ?) ORDER BY id DESC LIMIT ?",
        [since, since, action, action, actor, actor, limit if limit is not None else 2**62],
    ).df()
