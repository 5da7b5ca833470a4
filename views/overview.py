"""Overview (Tổng quan): lays out `content.overview` (where the unit stands, the national picture)."""

from __future__ import annotations

import streamlit as st

from content import overview as page
from ui import components as ui
from ui.briefing import pack_button
from ui.page_content import load
from ui.state import current

filters = current()
lang = filters.lang
view = load(page.build, filters)
ui.header(view.header)
st.subheader(view.heading)
if view.headline is not None:
    pack_button(filters, "overview")
ui.note(view.no_data)
ui.metrics(view.metrics)
ui.notes(view.verdict)
ui.note(view.rank)
ui.notes(view.published)
if view.summary:
    st.subheader(view.summary_title)
    st.markdown(view.summary)
if view.domains:
    st.subheader(view.domains_title)
    ui.metrics(view.domains)
ui.chart(view.elements, lang)
if view.items_top is not None:
    st.subheader(view.items_title)
    ui.table(view.items_top, st, lang)  # criteria names are long: one table under the other
    ui.table(view.items_bottom, st, lang)
if view.national_title:
    st.subheader(view.national_title)
    ui.chart(view.distribution, lang)
    ui.notes(view.counts)
    left, right = st.columns(2)
    ui.table(view.top, left, lang)
    ui.table(view.bottom, right, lang)
ui.chart(view.provinces, lang)
