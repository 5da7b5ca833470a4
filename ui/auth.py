"""Who is using this session (`principal`), its sign-in and sign-out, and its time limits.

Sign-in is Streamlit's own `st.login` (OpenID Connect: Keycloak, Microsoft Entra…) when an identity provider
is configured in `.streamlit/secrets.toml` ([auth]); otherwise the built-in account store (`access.signin`,
the Sign-in page). A session is signed out after `access.settings.idle_timeout()` without a click or
`session_limit()` after signing in, and re-reads its account every minute, so a revoked right or a disabled
account takes effect without waiting for the next sign-in. The principal lives in session state under a key
no widget uses; every reader below the page checks its scope again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import streamlit as st

from access import accounts, audit, settings
from access.scope import VISITOR, Principal
from access.signin import identity_principal
from content.filters import Filters
from content.units import unit_names
from i18n import t
from i18n.markup import md
from ui.data_access import db_key

PRINCIPAL = "_sipas_principal"
SIGNED_IN_AT = "_sipas_signed_in_at"
LAST_SEEN = "_sipas_last_seen"
CHECKED_AT = "_sipas_checked_at"
NOTICE = "_sipas_auth_notice"
VIETNAM = dt.timezone(dt.timedelta(hours=7))


def identity_providers() -> list[str]:
    """Names of the identity providers configured in secrets ([auth] with a client id, or [auth.<name>]
    sections); empty when none (the built-in account store is used)."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file: no identity provider
        return []
    if not isinstance(section, Mapping):
        return []
    named = [name for name, value in section.items() if isinstance(value, Mapping) and "client_id" in value]
    return named or (["default"] if "client_id" in section else [])


def _now() -> dt.datetime:
    return audit.utc_now()


def start(principal: Principal) -> None:
    """Begin a signed-in session for `principal`."""
    now = _now()
    state = st.session_state
    state[PRINCIPAL] = principal
    state[SIGNED_IN_AT] = state[LAST_SEEN] = state[CHECKED_AT] = now


def _end(reason: str | None) -> None:
    state = st.session_state
    for key in (PRINCIPAL, SIGNED_IN_AT, LAST_SEEN, CHECKED_AT):
        state.pop(key, None)
    if reason:
        state[NOTICE] = reason


def sign_out(principal: Principal) -> None:
    """End the session (button in the sidebar), audited."""
    audit.record(principal, "signout")
    _end("signed_out")
    if principal.via == "oidc":
        st.logout()


def _expire(principal: Principal, reason: str) -> None:
    audit.record(principal, "session_expired", detail={"reason": reason})
    _end(reason)
    if principal.via == "oidc":
        st.logout()


def _identity_user() -> tuple[str | None, str | None] | None:
    """(e-mail, subject) of the identity-provider user signed in in this browser, or None."""
    try:
        user = st.user
        if not user.is_logged_in:
            return None
        email, subject = user.get("email"), user.get("sub")
    except Exception:  # noqa: BLE001  (auth not configured or not available)
        return None
    return (str(email) if email else None, str(subject) if subject else None)


def principal() -> Principal:
    """The principal of this script run after the session's limits are applied (a visitor when signed out)."""
    state = st.session_state
    current: Principal | None = state.get(PRINCIPAL)
    if identity_providers() and (current is None or current.via == "oidc"):
        signed = _identity_user()
        if signed is None and current is not None:  # signed out at the identity provider
            _end(None)
            current = None
        elif signed is not None and current is None:
            current = identity_principal(*signed)
            start(current)
            audit.record(current, "signin", detail={"via": "oidc"})
    if current is None:
        return VISITOR
    now = _now()
    if now - state.get(LAST_SEEN, now) > settings.idle_timeout():
        _expire(current, "expired_idle")
        return VISITOR
    if now - state.get(SIGNED_IN_AT, now) > settings.session_limit():
        _expire(current, "expired_max")
        return VISITOR
    state[LAST_SEEN] = now
    if now - state.get(CHECKED_AT, now) >= settings.grants_refresh():
        state[CHECKED_AT] = now
        scope = accounts.scope_of(current.user or "")
        if scope is None and current.via == "password":
            _expire(current, "expired_account")
            return VISITOR
        scope = scope or VISITOR.scope  # an identity-provider user without an account sees what visitors see
        if scope != current.scope:
            current = Principal(current.user, scope, current.via)
            state[PRINCIPAL] = current
    return current


def take_notice() -> str | None:
    """The reason the last session ended ('signed_out', 'expired_idle'…), once."""
    return st.session_state.pop(NOTICE, None)


def local_time(moment: dt.datetime, lang: str) -> str:
    """A UTC moment as Vietnam time: '17:45 (giờ Việt Nam)' / '17:45 (Vietnam time)'."""
    shown = moment.replace(tzinfo=dt.UTC).astimezone(VIETNAM)
    return t("auth.local_time", lang, time=shown.strftime("%H:%M"), date=shown.strftime("%d/%m/%Y"))


def sidebar(who: Principal, lang: str) -> None:
    """Who is signed in, with a sign-out button (a visitor has the Sign-in page in the navigation)."""
    with st.sidebar:
        if who.user is None:
            return
        role = t(f"access.role.{who.scope.role}", lang)
        names = unit_names(db_key(), lang)
        provinces = md(", ".join(names.get(p, p) for p in sorted(who.scope.provinces)))
        text = t("auth.signed_in_as", lang, user=md(who.user), role=role)
        st.caption(text + (f" · {provinces}" if provinces else ""))
        if st.button(t("auth.signout", lang), key="auth-signout", icon=":material/logout:"):
            sign_out(who)
            st.rerun()


def restricted(filters: Filters) -> None:
    """The page shown at an address this viewer's role lacks: its reason, and the sign-in link for a visitor."""
    lang = filters.lang
    who = principal()
    st.title(t("auth.restricted_title", lang))
    st.warning(t("auth.restricted_visitor" if who.user is None else "auth.restricted_role", lang))
    if who.user is None:
        st.page_link("views/signin.py", label=t("auth.signin_link", lang))


def audited(make: Callable[[], bytes], who: Principal, action: str, unit_id: str | None, year: int | None,
            detail: dict) -> Callable[[], bytes]:  # fmt: skip
    """`make` wrapped so that the file it makes (on the click that downloads it) is written to the audit log
    first: who, which unit and year, what file."""

    def run() -> bytes:
        data = make()
        audit.record(who, action, unit_id=unit_id, year=year, detail=detail | {"bytes": len(data)})
        return data

    return run
