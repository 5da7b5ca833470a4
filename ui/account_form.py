"""The Accounts page's content and form (administrators): the table of `content.accounts`, and changes
through `access.accounts` (checked against the signed-in principal and audited there)."""

from __future__ import annotations

import streamlit as st

from access import accounts, passwords
from access.scope import AccessDenied
from content import accounts as page
from content.filters import Filters
from i18n import t
from i18n.markup import md
from ui import auth
from ui import components as ui
from ui.data_access import db_key


def render(filters: Filters) -> None:
    """The whole Accounts page."""
    lang = filters.lang
    who = auth.principal()
    try:
        view = page.build(db_key(), filters.scope, lang)
    except AccessDenied as refusal:  # the page is not in a non-admin's navigation; the reader refuses too
        st.error(refusal.message(lang))
        return
    st.title(view.title)
    ui.note(view.intro)
    ui.note(view.empty)
    ui.table(view.table, st, lang, download=False)

    st.subheader(t("accounts.form_title", lang))
    action = st.selectbox(t("accounts.action_label", lang), view.actions, format_func=view.action_labels.get,
                          key="accounts-action")  # fmt: skip
    left, right = st.columns(2)
    if action == "add":
        name = left.text_input(t("accounts.col_user", lang), key="accounts-new-name", max_chars=64)
        role = right.radio(t("accounts.col_role", lang), ("officer", "admin"), horizontal=True, key="accounts-role",
                           format_func=lambda r: t(f"access.role.{r}", lang))  # fmt: skip
        display = left.text_input(t("accounts.col_name", lang), key="accounts-display", max_chars=120)
        provider = right.checkbox(t("accounts.by_provider", lang), key="accounts-provider")
    else:
        name = left.selectbox(t("accounts.col_user", lang), view.users, key="accounts-user", index=None)
        role, display, provider = None, None, False
    chosen: list[str] = []
    if action in ("add", "grant", "revoke") and (action != "add" or role == "officer"):
        chosen = st.multiselect(t("accounts.col_provinces", lang), view.provinces, key="accounts-provinces",
                                placeholder=t("accounts.provinces_placeholder", lang),
                                format_func=view.province_labels.get)  # fmt: skip
    if st.button(t("accounts.apply", lang), type="primary", key="accounts-apply", disabled=not name):
        try:
            password = None
            if action == "add":
                password = None if provider else passwords.generate()
                accounts.add(who, name, role, password, chosen, display or None, set(view.provinces))
            elif action == "reset":
                password = passwords.generate()
                accounts.reset(who, name, password)
            elif action in ("grant", "revoke"):
                (accounts.grant if action == "grant" else accounts.revoke)(who, name, chosen)
            elif action == "unlock":
                accounts.unlock(who, name)
            elif action in ("disable", "enable"):
                accounts.set_disabled(who, name, action == "disable")
            elif action == "remove":
                accounts.remove(who, name)
        except accounts.AccountError as problem:
            st.error(
                t(f"access.account.{problem.code}", lang, **{k: md(v) for k, v in problem.fields.items()})
            )
        except AccessDenied as refusal:
            st.error(refusal.message(lang))
        else:
            st.success(
                t("accounts.done", lang, action=view.action_labels[action], user=md(accounts.normalise(name)))
            )
            if password:
                st.warning(t("accounts.password_once", lang))
                st.code(password, language=None)
