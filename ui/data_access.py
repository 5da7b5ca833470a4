"""The database version a script run reads, pinned once per run (content builders take it as `key`)."""

from __future__ import annotations

import streamlit as st

from content.source import StoreKey, current_key
from ingest import cleanup
from store import db

PIN_KEY = "_sipas_db_key"


def pin_db_key() -> StoreKey:
    """Fix the database version for this script run (called first by `app.py`): every query of one page
    render reads the same version even if an import switches the database in the middle of it."""
    key = current_key()
    st.session_state[PIN_KEY] = key
    return key


def db_key() -> StoreKey:
    """The database version of this script run (pinned by `app.py`), else the current one."""
    try:
        pinned = st.session_state.get(PIN_KEY)
    except Exception:  # outside a Streamlit script run (no session)
        pinned = None
    return tuple(pinned) if pinned else current_key()


@st.cache_resource(show_spinner=False)
def clean_leftovers_once() -> int:
    """Once per server process, at its first page run: clear what a killed import or server left behind
    (`ingest.cleanup.at_start`; skipped while an import holds the lock). Returns how many paths went."""
    try:
        return len(cleanup.at_start(db.db_path()))
    except OSError:  # a read-only data folder: the app still serves, the next import cleans up
        return 0
