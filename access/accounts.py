"""Account management (used by ``python -m data.users`` and the Accounts page): every change checked against
the acting principal (administrators only) and written to the audit log."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd

from access import audit, passwords, rules
from access.scope import ROLES, AccessDenied, Principal, Scope
from store import access_db
from store import accounts as table

NAME_MAX_CHARS = 64
NAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,63}$")
PROVINCE = re.compile(r"^P(63|34)-\d{2}$")


class AccountError(ValueError):
    """A refused account change: `code` is the message key `access.account.<code>` with its fields."""

    def __init__(self, code: str, **fields: object) -> None:
        self.code = code
        self.fields = fields
        super().__init__(f"{code}: {fields}")


def normalise(username: str) -> str:
    """The stored form of a name: NFC, trimmed, lower case."""
    return unicodedata.normalize("NFC", str(username)).strip().lower()


def valid_name(username: str) -> bool:
    """Whether a (normalised) name is acceptable: 2–64 of a-z 0-9 . _ @ + -, starting with a letter or
    digit (e-mail addresses of an identity provider fit)."""
    return bool(NAME.match(username))


def _check_provinces(provinces: list[str], known: set[str] | None) -> list[str]:
    out = []
    for p in provinces:
        code = p.strip().upper()
        if not PROVINCE.match(code) or (known is not None and code not in known):
            raise AccountError("unknown_province", value=p[:40])
        out.append(code)
    return out


def _now() -> dt.datetime:
    return audit.utc_now()


def add(
    by: Principal, username: str, role: str, password: str | None, provinces: list[str] | None = None,
    display_name: str | None = None, known_provinces: set[str] | None = None,
) -> str:  # fmt: skip
    """Create an account (role 'officer' or 'admin'; an officer needs at least one province). `password`
    None: an identity-provider account without password. Returns the stored name."""
    rules.require_admin(by.scope, "accounts")
    name = normalise(username)
    if not valid_name(name):
        raise AccountError("bad_name", value=username[:64])
    if role not in ROLES or role == "public":
        raise AccountError("bad_role", value=role)
    chosen = _check_provinces(provinces or [], known_provinces)
    if role == "officer" and not chosen:
        raise AccountError("officer_needs_province")
    if password is not None and passwords.problem(password):
        raise AccountError(f"password_{passwords.problem(password)}", n=passwords.MIN_LENGTH)
    hashed = passwords.hash_password(password) if password is not None else None
    now = _now()
    with access_db.connect() as con:
        if table.account(con, name) is not None:
            raise AccountError("exists", user=name)
        con.begin()
        table.insert_account(con, name, role, hashed, display_name, by.actor, now)
        for p in chosen if role == "officer" else []:
            table.grant(con, name, p, by.actor, now)
        con.commit()
    audit.record(by, "account_add", detail={"user": name, "role": role, "provinces": chosen})
    return name


def _existing(con, name: str) -> dict:
    found = table.account(con, name)
    if found is None:
        raise AccountError("unknown_user", user=name)
    return found


def remove(by: Principal, username: str) -> None:
    """Delete an account."""
    rules.require_admin(by.scope, "accounts")
    name = normalise(username)
    with access_db.connect() as con:
        _existing(con, name)
        con.begin()
        table.delete_account(con, name)
        con.commit()
    audit.record(by, "account_remove", detail={"user": name})


def reset(by: Principal, username: str, password: str) -> None:
    """Set a new password (and lift any lock-out)."""
    rules.require_admin(by.scope, "accounts")
    name = normalise(username)
    if passwords.problem(password):
        raise AccountError(f"password_{passwords.problem(password)}", n=passwords.MIN_LENGTH)
    with access_db.connect() as con:
        _existing(con, name)
        table.set_password(con, name, passwords.hash_password(password), _now())
        table.set_signin_state(con, name, 0, None, None)
    audit.record(by, "account_reset", detail={"user": name})


def grant(
    by: Principal, username: str, provinces: list[str], known_provinces: set[str] | None = None
) -> None:
    """Grant provinces to an officer."""
    rules.require_admin(by.scope, "accounts")
    name = normalise(username)
    chosen = _check_provinces(provinces, known_provinces)
    with access_db.connect() as con:
        found = _existing(con, name)
        if found["role"] != "officer":
            raise AccountError("grant_not_officer", user=name, role=found["role"])
        for p in chosen:
            table.grant(con, name, p, by.actor, _now())
    audit.record(by, "account_grant", detail={"user": name, "provinces": chosen})


def revoke(by: Principal, username: str, provinces: list[str]) -> None:
    """Withdraw provinces from an officer (an officer left with none sees only what visitors see)."""
    rules.require_admin(by.scope, "accounts")
    name = normalise(username)
    chosen = _check_provinces(provinces, None)
    with access_db.connect() as con:
        _existing(con, name)
        for p in chosen:
            table.revoke(con, name, p)
    audit.record(by, "account_revoke", detail={"user": name, "provinces": chosen})


def unlock(by: Principal, username: str) -> None:
    """Lift a lock-out before its time."""
    rules.require_admin(by.scope, "accounts")
    name = normalise(username)
    with access_db.connect() as con:
        table.set_signin_state(con, name, 0, None, None)
    audit.record(by, "account_unlock", detail={"user": name})


def set_disabled(by: Principal, username: str, disabled: bool) -> None:
    """Disable (no sign-in) or enable an account."""
    rules.require_admin(by.scope, "accounts")
    name = normalise(username)
    with access_db.connect() as con:
        _existing(con, name)
        table.set_disabled(con, name, disabled)
    audit.record(by, "account_disable" if disabled else "account_enable", detail={"user": name})


def listing(scope: Scope) -> pd.DataFrame:
    """Every account (no password hashes), administrators only."""
    rules.require_admin(scope, "accounts")
    with access_db.connect() as con:
        return table.accounts(con)


def count_admins() -> int:
    """How many enabled administrator accounts exist (the first start tells how to create one)."""
    with access_db.connect() as con:
        frame = table.accounts(con)
    return int(((frame["role"] == "admin") & ~frame["disabled"].astype(bool)).sum()) if not frame.empty else 0


def scope_of(username: str) -> Scope | None:
    """The current scope of an enabled account (None: unknown or disabled)."""
    with access_db.connect() as con:
        found = table.account(con, normalise(username))
    if found is None or found["disabled"]:
        return None
    return Scope(found["role"], frozenset(found["provinces"]))


__all__ = ["AccessDenied", "AccountError", "add", "grant", "listing", "remove", "reset", "revoke", "unlock"]
