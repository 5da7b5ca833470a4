"""Trends (Xu hướng): lays out `content.trends` (a unit and up to four peers across all waves)."""

from __future__ import annotations

import streamlit as st

from content import cache
from content import trends as page
from i18n import t
from ui import components as ui
from ui.data_access import db_key
from ui.page_content import load
from ui.state import current

filters = current()
lang = filters.lang
top = st.container()  # title and notices, filled once the content object is built from the widgets' choices
choices = cache.page(page.options, db_key(), filters)
left, right = st.columns(2)
code = left.selectbox(t("trends.choose_index", lang), list(choices.indices), format_func=choices.index_labels.get,
                      key="trends-index")  # fmt: skip
peers = right.multiselect(t("trends.choose_peers", lang), list(choices.peers), max_selections=choices.max_peers,
                          key=f"trends-peers-{filters.geo}", format_func=choices.unit_label,
                          placeholder=t("trends.peers_placeholder", lang))  # fmt: skip
view = load(page.build, filters, index_code=code, peers=tuple(peers))
with top:
    ui.header(view.header)
if view.no_data is not None:
    ui.note(view.no_data)
    st.stop()
ui.notes(view.notes)
ui.chart(view.lines, lang)
st.subheader(view.yoy_title)
if view.yoy is not None:
    ui.table(view.yoy, st, lang)
    ui.note(view.yoy_note)
st.subheader(view.slope_title)
ui.table(view.slopes, st, lang)
ui.note(view.slope_note)
ui.chart(view.ranks, lang)
