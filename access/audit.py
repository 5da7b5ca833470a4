"""The audit log: who did what, to which unit, when, with what outcome (sign-ins, imports, replacements,
restores, exports, briefing packs, account changes). Rows are only ever appended; each row's hash is
SHA-256 over the previous row's hash and its own fields, so `verify` finds a row changed or removed outside
the application. Reading it is for administrators only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pandas as pd

from access import rules
from access.scope import Principal, Scope
from store import access_db
from store import audit as table

ACTIONS = (
    "signin", "signin_failed", "signin_locked", "signout", "session_expired",
    "import", "import_refused", "replace", "restore", "pin", "unpin",
    "export_table", "export_image", "briefing_pack",
    "account_add", "account_remove", "account_reset", "account_grant", "account_revoke", "account_role",
    "account_unlock", "account_disable", "account_enable",
)  # fmt: skip
GENESIS = "0" * 64
MAX_DETAIL = 2000


def utc_now() -> dt.datetime:
    """Now in UTC without a zone (the log's clock)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _digest(prev_hash: str, row: dict) -> str:
    fields = {
        k: (str(v) if v is not None else None) for k, v in row.items() if k not in ("prev_hash", "hash")
    }
    payload = prev_hash + json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    who: Principal, action: str, *, unit_id: str | None = None, year: int | None = None,
    detail: str | dict | None = None, outcome: str = "ok", now: dt.datetime | None = None,
) -> None:  # fmt: skip
    """Append one row: `who` did `action` (one of `ACTIONS`) on `unit_id`/`year`; `detail` is kept as text
    (a dict as JSON), cut to 2,000 characters."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    text = json.dumps(detail, ensure_ascii=False, default=str) if isinstance(detail, dict) else detail
    with access_db.connect() as con:
        newest = table.last(con)
        row = {
            "id": (newest[0] + 1) if newest else 1,
            "occurred_at": (now or utc_now()).replace(microsecond=0),
            "actor": who.actor[:200],
            "role": who.scope.role,
            "action": action,
            "unit_id": unit_id[:64] if unit_id else None,
            "year": int(year) if year is not None else None,
            "detail": text[:MAX_DETAIL] if text else None,
            "outcome": outcome,
            "prev_hash": newest[1] if newest else GENESIS,
        }
        row["hash"] = _digest(row["prev_hash"], row)
        table.append(con, row)


def read(
    scope: Scope, since: dt.datetime | None = None, action: str | None = None, actor: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Log rows, newest first (administrators only: `AccessDenied` otherwise)."""
    rules.require_admin(scope, "audit")
    with access_db.connect() as con:
        return table.rows(con, since, action, actor, limit)


def verify(scope: Scope) -> tuple[int, int | None]:
    """(rows checked, id of the first row whose chain is broken or None) — administrators only."""
    rules.require_admin(scope, "audit")
    with access_db.connect() as con:
        frame = table.rows(con).sort_values("id")
    prev = GENESIS
    for row in frame.to_dict("records"):
        fields = {k: (None if pd.isna(v) else v) for k, v in row.items()}
        fields["year"] = int(fields["year"]) if fields["year"] is not None else None
        fields["occurred_at"] = pd.Timestamp(fields["occurred_at"]).to_pydatetime()
        if fields["prev_hash"] != prev or _digest(prev, fields) != fields["hash"]:
            return len(frame), int(row["id"])
        prev = fields["hash"]
    return len(frame), None
