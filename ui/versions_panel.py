"""Administrators on the Data page: pin a stored database version (pruning never deletes it) or restore one
(`ingest.restore`: administrators only, audited). Lays out choices made by `content.data_catalogue`."""

from __future__ import annotations

import streamlit as st

import ingest
from access import audit, rules
from access.scope import AccessDenied, Principal
from content.data_catalogue import DataContent
from i18n import t
from i18n.markup import md
from store import db, versions

DONE_KEY = "_data_versions_done"


def token() -> tuple:
    """The state of the stored versions (names and pins): part of the Data page's cache key, so a pin or a
    pruned version shows at once although the database version is the same."""
    return tuple((v.path.name, v.pinned, v.current) for v in versions.list_versions(db.db_path()))


def render(view: DataContent, who: Principal, lang: str) -> None:
    """The pin / restore controls (nothing for non-administrators or a store without versions)."""
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(t(f"data.versions.{done[0]}", lang, name=md(done[1])))
    if not view.manage_title or not who.scope.is_admin or not view.version_names:
        return
    with st.expander(view.manage_title):
        name = st.selectbox(t("data.versions.choose", lang), view.version_names, key="data-version-choose")
        left, right = st.columns(2)
        pinned = view.version_pinned.get(name, False)
        if left.button(
            t("data.versions.unpin" if pinned else "data.versions.pin", lang), key="data-version-pin"
        ):
            _pin(name, not pinned, who, lang)
        if name == view.version_current:
            right.caption(t("data.versions.restore_is_current", lang))
            return
        sure = right.checkbox(
            t("data.versions.restore_confirm", lang, name=md(name)), key="data-version-sure"
        )
        if right.button(t("data.versions.restore", lang), key="data-version-restore", disabled=not sure,
                        type="primary"):  # fmt: skip
            _restore(name, who, lang)


def _pin(name: str, pinned: bool, who: Principal, lang: str) -> None:
    try:
        rules.require_admin(who.scope, "pin")  # the rule again where the change is made
        versions.pin(db.db_path(), name, pinned)
    except AccessDenied as refusal:
        st.error(refusal.message(lang))
        return
    except FileNotFoundError:
        st.error(t("data.versions.gone", lang, name=md(name)))
        return
    except versions.ImportBusyError:
        st.error(t("ingest.problem.import_busy", lang, value=db.db_path().name))
        return
    audit.record(who, "pin" if pinned else "unpin", detail={"version": name})
    st.session_state[DONE_KEY] = ("pinned_done" if pinned else "unpinned_done", name)
    st.rerun()


def _restore(name: str, who: Principal, lang: str) -> None:
    try:
        ingest.restore(db.db_path(), name, who)
    except AccessDenied as refusal:
        st.error(refusal.message(lang))
        return
    except FileNotFoundError:
        st.error(t("data.versions.gone", lang, name=md(name)))
        return
    except versions.ImportBusyError:
        st.error(t("ingest.problem.import_busy", lang, value=db.db_path().name))
        return
    st.session_state[DONE_KEY] = ("restored", name)
    st.session_state.pop("data-version-sure", None)
    st.rerun()
