"""SIPAS dashboard entry point: page config, global filters, navigation over `views/` (see README: why not `pages/`)."""

from __future__ import annotations

import streamlit as st

from i18n import t
from store import db
from ui import chrome
from ui import data_access as da
from ui.state import sidebar_filters

PAGES = [
    ("views/overview.py", "overview", "nav.overview"),
    ("views/map.py", "map", "nav.map"),
    ("views/trends.py", "trends", "nav.trends"),
    ("views/dimensions.py", "dimensions", "nav.dimensions"),
    ("views/profile.py", "profile", "nav.profile"),
    ("views/compare.py", "compare", "nav.compare"),
    ("views/drivers.py", "drivers", "nav.drivers"),
    ("views/data_catalogue.py", "data", "nav.data"),
    ("views/methodology.py", "methodology", "nav.methodology"),
]
DEFAULT_PATH = "home"  # reserved by the default page, which is served at the root URL


def main() -> None:
    """Run one script pass: configure, render the filters, then the chosen page."""
    st.set_page_config(page_title="SIPAS", layout="wide", initial_sidebar_state="expanded")
    lang = st.session_state.get("lang", st.query_params.get("lang", "vi"))
    lang = lang if lang in ("vi", "en") else "vi"
    if not db.db_path().exists():
        st.error(t("common.no_database", lang, path=str(db.db_path())))
        st.stop()
    da.pin_db_key()
    filters = sidebar_filters()
    chrome.apply(filters.lang)
    # the default page (Overview) is served at the root; it still reserves a path of its own, so /overview
    # (deep links, shared addresses) is a hidden second entry of the same script
    pages = [
        st.Page(path, title=t(key, filters.lang), url_path=DEFAULT_PATH if url == "overview" else url,
                default=(url == "overview"))
        for path, url, key in PAGES
    ]  # fmt: skip
    pages.append(
        st.Page(PAGES[0][0], title=t(PAGES[0][2], filters.lang), url_path=PAGES[0][1], visibility="hidden")
    )
    st.sidebar.caption(t("common.app_caption", filters.lang))
    st.navigation(pages, position="sidebar").run()


main()
