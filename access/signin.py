"""Built-in sign-in: a name and password checked against the account store, with lock-out.

After `settings.max_failures()` failed attempts in a row on one name (known or not: a lock-out does not tell
whether an account exists), the name is locked for `settings.lockout()`; attempts while locked are refused
without checking the password and do not extend the lock. A success clears the count. Every attempt is
written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from access import accounts, audit, passwords, settings
from access.scope import PUBLIC, Principal, Scope
from store import access_db
from store import accounts as table

MAX_NAME = 64


@dataclass(frozen=True)
class Outcome:
    """The result of one attempt: `status` 'ok', 'bad' (wrong name or password), 'locked' or 'disabled';
    `principal` when ok; `locked_until` (UTC) when locked; `remaining` attempts before a lock."""

    status: str
    principal: Principal | None = None
    locked_until: dt.datetime | None = None
    remaining: int | None = None


def sign_in(username: str, password: str, now: dt.datetime | None = None) -> Outcome:
    """Check one attempt (see the module docstring)."""
    now = now or audit.utc_now()
    name = accounts.normalise(username)[:MAX_NAME]
    shown = name if accounts.valid_name(name) else repr(name)[:MAX_NAME]
    visitor = Principal(shown or "(empty)", PUBLIC)
    with access_db.connect() as con:
        failed, _, locked_until = table.signin_state(con, name)
        if locked_until is not None and locked_until > now:
            outcome = Outcome("locked", locked_until=locked_until)
        else:
            if locked_until is not None:  # a lock that has lifted starts a new count
                failed = 0
            found = table.account(con, name) if accounts.valid_name(name) else None
            ok = passwords.verify(found["password_hash"] if found else None, password or "")
            if ok and found["disabled"]:
                outcome = Outcome("disabled")
            elif ok:
                table.set_signin_state(con, name, 0, None, None)
                if passwords.needs_rehash(found["password_hash"]):
                    table.set_password(con, name, passwords.hash_password(password), now)
                scope = Scope(found["role"], frozenset(found["provinces"]))
                outcome = Outcome("ok", principal=Principal(name, scope, "password"))
            else:
                failed += 1
                limit = settings.max_failures()
                lock = now + settings.lockout() if failed >= limit else None
                table.set_signin_state(con, name, 0 if lock else failed, now, lock)
                outcome = (
                    Outcome("locked", locked_until=lock) if lock else Outcome("bad", remaining=limit - failed)
                )
    if outcome.status == "ok":
        audit.record(outcome.principal, "signin", detail={"via": "password"}, now=now)
    else:
        detail = {"status": outcome.status, "until": outcome.locked_until}
        action = "signin_locked" if outcome.status == "locked" else "signin_failed"
        audit.record(visitor, action, detail=detail, outcome="refused", now=now)
    return outcome


def identity_principal(email: str | None, subject: str | None) -> Principal:
    """The principal of someone signed in through the identity provider: their account (by e-mail address)
    if one exists and is enabled, else a signed-in visitor with the public scope."""
    name = accounts.normalise(email or subject or "")
    scope = accounts.scope_of(name) if accounts.valid_name(name) else None
    return Principal(name or "(oidc)", scope or PUBLIC, "oidc")
