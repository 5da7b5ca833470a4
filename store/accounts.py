"""Accounts, their provinces and the sign-in state in the access database (SQL only; rules in `access`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from store.db import Connection


def account(con: Connection, username: str) -> dict | None:
    """One account with its provinces (a sorted list), or None."""
    rows = con.execute(
        "SELECT username, role, password_hash, display_name, disabled, created_at, password_set_at "
        "FROM account WHERE username = ?",
        [username],
    ).fetchall()
    if not rows:
        return None
    keys = ("username", "role", "password_hash", "display_name", "disabled", "created_at", "password_set_at")
    found = dict(zip(keys, rows[0], strict=True))
    found["provinces"] = provinces(con, username)
    return found


def provinces(con: Connection, username: str) -> list[str]:
    """The provinces granted to an account."""
    rows = con.execute(
        "SELECT province_id FROM account_province WHERE username = ? ORDER BY province_id", [username]
    ).fetchall()
    return [r[0] for r in rows]


def accounts(con: Connection) -> pd.DataFrame:
    """Every account with its provinces (comma-separated), lock state and creation."""
    return con.execute(
        "SELECT a.username, a.role, a.display_name, a.disabled, a.password_hash IS NOT NULL AS has_password, "
        "coalesce(string_agg(p.province_id, ', ' ORDER BY p.province_id), '') AS provinces, "
        "s.failed_count, s.locked_until, a.created_at, a.created_by, a.password_set_at "
        "FROM account a LEFT JOIN account_province p USING (username) LEFT JOIN signin_state s USING (username) "
        "GROUP BY ALL ORDER BY a.username"
    ).df()


def insert_account(
    con: Connection, username: str, role: str, password_hash: str | None, display_name: str | None,
    created_by: str, now: dt.datetime,
) -> None:  # fmt: skip
    """Add an account (the caller checked that the name is free)."""
    con.execute(
        "INSERT INTO account (username, role, password_hash, display_name, created_at, created_by, "
        "password_set_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [username, role, password_hash, display_name, now, created_by, now if password_hash else None],
    )


def delete_account(con: Connection, username: str) -> None:
    """Remove an account, its provinces and its sign-in state."""
    con.execute("DELETE FROM account_province WHERE username = ?", [username])
    con.execute("DELETE FROM signin_state WHERE username = ?", [username])
    con.execute("DELETE FROM account WHERE username = ?", [username])


def set_password(con: Connection, username: str, password_hash: str, now: dt.datetime) -> None:
    """Replace an account's password hash."""
    con.execute(
        "UPDATE account SET password_hash = ?, password_set_at = ? WHERE username = ?",
        [password_hash, now, username],
    )


def set_role(con: Connection, username: str, role: str) -> None:
    """Change an account's role."""
    con.execute("UPDATE account SET role = ? WHERE username = ?", [role, username])


def set_disabled(con: Connection, username: str, disabled: bool) -> None:
    """Disable or enable an account."""
    con.execute("UPDATE account SET disabled = ? WHERE username = ?", [disabled, username])


def grant(con: Connection, username: str, province_id: str, by: str, now: dt.datetime) -> None:
    """Grant a province to an account (no-op when granted already)."""
    con.execute(
        "INSERT INTO account_province VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [username, province_id, now, by],
    )


def revoke(con: Connection, username: str, province_id: str) -> None:
    """Withdraw a province from an account."""
    con.execute(
        "DELETE FROM account_province WHERE username = ? AND province_id = ?", [username, province_id]
    )


def signin_state(con: Connection, username: str) -> tuple[int, dt.datetime | None, dt.datetime | None]:
    """(failed_count, last_failed_at, locked_until) of a name typed at sign-in; (0, None, None) if none."""
    rows = con.execute(
        "SELECT failed_count, last_failed_at, locked_until FROM signin_state WHERE username = ?", [username]
    ).fetchall()
    return rows[0] if rows else (0, None, None)


def set_signin_state(
    con: Connection, username: str, failed_count: int, last_failed_at: dt.datetime | None,
    locked_until: dt.datetime | None,
) -> None:  # fmt: skip
    """Record the failed sign-ins and lock of a name."""
    con.execute(
        "INSERT INTO signin_state VALUES (?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET "
        "failed_count = excluded.failed_count, last_failed_at = excluded.last_failed_at, "
        "locked_until = excluded.locked_until",
        [username, failed_count, last_failed_at, locked_until],
    )
