"""Session and sign-in limits (environment variables, with defaults suited to a shared office)."""

from __future__ import annotations

import datetime as dt
import os


def _minutes(name: str, default: float) -> dt.timedelta:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        value = default
    return dt.timedelta(minutes=max(value, 0.05))


def idle_timeout() -> dt.timedelta:
    """Signed out after this long without a click: `$SIPAS_SESSION_IDLE_MIN` (30)."""
    return _minutes("SIPAS_SESSION_IDLE_MIN", 30)


def session_limit() -> dt.timedelta:
    """Signed out this long after signing in, active or not: `$SIPAS_SESSION_MAX_MIN` (480)."""
    return _minutes("SIPAS_SESSION_MAX_MIN", 480)


def max_failures() -> int:
    """Failed sign-ins in a row that lock a name: `$SIPAS_SIGNIN_MAX_FAILURES` (5)."""
    try:
        return max(1, int(os.environ.get("SIPAS_SIGNIN_MAX_FAILURES", 5)))
    except ValueError:
        return 5


def lockout() -> dt.timedelta:
    """How long a locked name stays locked: `$SIPAS_SIGNIN_LOCK_MIN` (15)."""
    return _minutes("SIPAS_SIGNIN_LOCK_MIN", 15)


def grants_refresh() -> dt.timedelta:
    """How often a signed-in session re-reads its account (revoked rights take effect): 1 minute."""
    return dt.timedelta(minutes=1)
