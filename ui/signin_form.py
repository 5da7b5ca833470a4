"""The Sign-in page's form: the built-in account store (name, password; `access.signin` counts failures
towards a lock-out), or the identity provider's button when one is configured (`st.login`)."""

from __future__ import annotations

import streamlit as st

from access import accounts, settings
from access.signin import sign_in
from content.filters import Filters
from i18n import t
from ui import auth


def render(filters: Filters) -> None:
    """The whole Sign-in page (the form in a column of reading width)."""
    lang = filters.lang
    st.title(t("auth.title", lang))
    column, _ = st.columns([2, 3])
    with column:
        _body(lang)


def _body(lang: str) -> None:
    providers = auth.identity_providers()
    if providers:
        st.caption(t("auth.oidc_intro", lang))
        for name in providers:
            label = (
                t("auth.oidc_button", lang)
                if name == "default"
                else t("auth.oidc_button_named", lang, name=name)
            )
            if st.button(label, key=f"auth-oidc-{name}", type="primary", icon=":material/login:"):
                st.login() if name == "default" else st.login(name)
    else:
        st.caption(t("auth.intro", lang))
        with st.form("auth-form", clear_on_submit=False, enter_to_submit=True):
            name = st.text_input(t("auth.name", lang), key="auth-name", max_chars=accounts.NAME_MAX_CHARS,
                                 autocomplete="username")  # fmt: skip
            password = st.text_input(t("auth.password", lang), type="password", key="auth-password", max_chars=256,
                                     autocomplete="current-password")  # fmt: skip
            submitted = st.form_submit_button(t("auth.submit", lang), type="primary")
        idle = round(settings.idle_timeout().total_seconds() / 60)
        st.caption(t("auth.session_note", lang, minutes=idle))
        if submitted:
            outcome = sign_in(name, password)
            if outcome.status == "ok":
                auth.start(outcome.principal)
                st.session_state.pop("auth-password", None)
                # the filters ride along in the address: a page switch does not keep the sidebar's widget state
                st.switch_page("views/overview.py", query_params=dict(st.query_params))
            elif outcome.status == "locked":
                st.error(t("auth.locked", lang, until=auth.local_time(outcome.locked_until, lang)))
            elif outcome.status == "disabled":
                st.error(t("auth.disabled", lang))
            else:
                st.error(t("auth.bad", lang, n=outcome.remaining))
        if accounts.count_admins() == 0:
            st.info(t("auth.no_admin", lang))
