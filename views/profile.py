"""Unit profile (Hồ sơ đơn vị): lays out `content.profile` (any unit with breadcrumbs up; its headline with
interval, rank and change, or a reliability warning; its indices and criteria; every component over every
wave; the benchmark against the nation and the best province; the units below and its published figures).
`?focus=<unit id>` opens a given unit (the map and tables link here); otherwise the unit chosen in the
sidebar."""

from __future__ import annotations

import streamlit as st

from content import cache
from content import profile as page
from content.model import Link
from i18n import t
from ui import components as ui
from ui.briefing import pack_button
from ui.data_access import db_key
from ui.page_content import load
from ui.state import current

LINK_COLUMNS = 3


def link(item: Link, container: object = st) -> None:
    """A link that opens the profile of `item.focus` with the current filters."""
    params = {k: v for k, v in st.query_params.items() if k != "focus"} | {"focus": item.focus}
    container.page_link("views/profile.py", label=item.label, query_params=params)


filters = current()
lang = filters.lang
focus = st.query_params.get("focus")
top = st.container()  # everything above the element box, filled once the content object is built
middle = st.container()
choices = cache.page(page.options, db_key(), filters, focus=focus)
element = None
if choices.elements:
    element = middle.selectbox(t("profile.element", lang), list(choices.elements),
                               format_func=choices.element_labels.get, key="profile-element")  # fmt: skip
view = load(page.build, filters, focus=focus, element=element)
with top:
    ui.header(view.header)
    for column, crumb in zip(st.columns(len(view.crumbs)), view.crumbs, strict=True):
        with column:
            link(crumb)
    st.subheader(view.heading)
    pack_button(filters, "profile", unit_id=view.unit_id)
    ui.note(view.reliability)
    ui.note(view.abolished)
    ui.notes(view.notes)
    ui.metrics(view.metrics)
    ui.note(view.rank)
    ui.notes(view.change)
    st.subheader(view.indices_title)
    ui.note(view.no_survey)
    ui.table(view.indices, st, lang)
    ui.note(view.indices_caption)
with middle:
    ui.note(view.criteria_title)
    ui.table(view.criteria, st, lang)
if view.history_title:
    st.subheader(view.history_title)
    ui.table(view.history, st, lang)
    ui.notes(view.history_notes)
    if view.successor:
        link(view.successor)
    ui.chart(view.history_chart, lang)
if view.benchmark_title:
    st.subheader(view.benchmark_title)
    ui.note(view.benchmark_note)
    ui.chart(view.benchmark, lang)
if view.children_title:
    st.subheader(view.children_title)
    ui.note(view.children_note)
    ui.table(view.children_table, st, lang)
    ui.note(view.children_links)
    columns = st.columns(LINK_COLUMNS)
    for k, item in enumerate(view.children):
        link(item, columns[k % LINK_COLUMNS])
if view.agencies_title:
    st.subheader(view.agencies_title)
    ui.note(view.agencies_note)
    for item in view.agencies:
        link(item)
if view.published_title:
    st.subheader(view.published_title)
    ui.table(view.published, st, lang)
