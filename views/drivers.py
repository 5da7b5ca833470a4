"""Drivers (Động lực hài lòng): lays out `content.drivers` (which elements drive overall satisfaction in the
chosen unit, and where to act)."""

from __future__ import annotations

import streamlit as st

from content import drivers as page
from ui import components as ui
from ui.page_content import load
from ui.state import current

filters = current()
lang = filters.lang
view = load(page.build, filters, min_n=page.minimum_n())
ui.header(view.header)
ui.note(view.intro)
if view.status == "no_data":
    ui.note(view.stop)
    st.stop()
ui.note(view.subsample)
ui.metrics(view.metrics)
if view.status != "ok":
    ui.note(view.stop)
    st.stop()
ui.chart(view.matrix, lang)
st.subheader(view.advice_title)
ui.notes(view.advice)
st.subheader(view.table_title)
ui.table(view.table, st, lang)
ui.note(view.method)
