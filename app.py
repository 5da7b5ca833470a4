"""SIPAS dashboard entry point: page config, who is looking, global filters, and the navigation over `views/`
that this viewer may open (see README: why not `pages/`)."""

from __future__ import annotations

import streamlit as st

from access import rules
from i18n import t
from store import db
from ui import auth, chrome
from ui import data_access as da
from ui.state import invalid_query, sidebar_filters

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
    ("views/accounts.py", "accounts", "nav.accounts"),
]
SIGNIN = ("views/signin.py", "signin", "nav.signin")
RESTRICTED = "views/restricted.py"
DEFAULT_PATH = "home"  # reserved by the default page, which is served at the root URL


def main() -> None:
    """Run one script pass: configure, find who is looking, render the filters, then the chosen page among
    those the viewer's role has (`access.rules.pages_for`; any other address is not a page at all)."""
    st.set_page_config(page_title="SIPAS", layout="wide", initial_sidebar_state="expanded")
    lang = st.session_state.get("lang", st.query_params.get("lang", "vi"))
    lang = lang if lang in ("vi", "en") else "vi"
    if not db.db_path().exists():
        st.error(t("common.no_database", lang, path=str(db.db_path())))
        st.stop()
    da.clean_leftovers_once()
    da.pin_db_key()
    who = auth.principal()
    filters = sidebar_filters(who.scope)
    chrome.apply(filters.lang)
    allowed = rules.pages_for(who.scope)
    # the default page (Overview) is served at the root; it still reserves a path of its own, so /overview
    # (deep links, shared addresses) is a hidden second entry of the same script
    pages = [
        st.Page(path, title=t(key, filters.lang), url_path=DEFAULT_PATH if url == "overview" else url,
                default=(url == "overview"))
        for path, url, key in PAGES if url in allowed
    ]  # fmt: skip
    pages.append(
        st.Page(PAGES[0][0], title=t(PAGES[0][2], filters.lang), url_path=PAGES[0][1], visibility="hidden")
    )
    # an address this role lacks (a link an officer shared) is a hidden page that says why, in the catalogue's
    # words, not Streamlit's English "page not found"; nothing of the page's content is built
    pages += [
        st.Page(RESTRICTED, title=t(key, filters.lang), url_path=url, visibility="hidden")
        for _, url, key in PAGES if url not in allowed
    ]  # fmt: skip
    if who.user is None:  # no icon: a page icon becomes the tab's favicon, fetched from the internet
        pages.append(st.Page(SIGNIN[0], title=t(SIGNIN[2], filters.lang), url_path=SIGNIN[1]))
    st.sidebar.caption(t("common.app_caption", filters.lang))
    auth.sidebar(who, filters.lang)
    notice = auth.take_notice()
    if notice:
        st.info(t(f"auth.{notice}", filters.lang))
    invalid = invalid_query()
    if invalid:
        st.warning(t("auth.query_invalid", filters.lang, params=", ".join(t(f"auth.param.{p}", filters.lang)
                                                                         for p in invalid)))  # fmt: skip
    st.navigation(pages, position="sidebar").run()


main()
