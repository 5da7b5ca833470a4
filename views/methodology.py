"""Methodology (Phương pháp): lays out `content.methodology` (definitions, formulas, what is confirmed and
what is assumed, and every methodology with its items)."""

from __future__ import annotations

import streamlit as st

from content import methodology as page
from ui import components as ui
from ui.page_content import load
from ui.state import current

filters = current()
lang = filters.lang
view = load(page.build, filters)
ui.header(view.header)
ui.note(view.intro)
for section in view.sections:
    st.subheader(section.title)
    ui.note(section.text)
for entry in view.methodologies:
    with st.expander(entry.title, expanded=entry.expanded):
        ui.note(entry.status)
        ui.table(entry.items, st, lang)
        ui.note(entry.notes)
