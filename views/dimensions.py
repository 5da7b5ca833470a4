"""Dimensions (Yếu tố & tiêu chí): lays out `content.dimensions` (domains, elements and criteria of the unit,
the unit by respondent group, and the province × element heatmap)."""

from __future__ import annotations

import streamlit as st

from content import cache
from content import dimensions as page
from i18n import t
from ui import components as ui
from ui.data_access import db_key
from ui.page_content import load
from ui.state import current

filters = current()
lang = filters.lang
choices = cache.page(page.options, db_key(), filters)
# the widgets sit between the parts they steer: the parts go into containers filled once the object is built
top = st.container()
element = breakdown = index_code = sort = None
if choices.has_results:
    elements_box = st.container()
    if choices.elements:
        element = st.selectbox(t("dimensions.element_select", lang), choices.elements,
                               format_func=choices.element_labels.get, key="dimensions-element")  # fmt: skip
    criteria_box = st.container()
    breakdown_head = st.container()
    if choices.breakdowns:  # none offered to a viewer who may not see this unit's respondent groups
        left, right = st.columns(2)
        breakdown = left.selectbox(t("dimensions.breakdown_select", lang), choices.breakdowns,
                                   key="dimensions-breakdown", format_func=choices.breakdown_labels.get)  # fmt: skip
        index_code = right.selectbox(t("dimensions.breakdown_index", lang), choices.indices,
                                     format_func=choices.index_labels.get, key="dimensions-breakdown-index")  # fmt: skip
    groups_box = st.container()
heatmap_head = st.container()
if choices.has_heatmap:
    sort = st.radio(t("dimensions.heatmap_sort", lang), choices.sorts, horizontal=True, key="dimensions-sort",
                    format_func=choices.sort_labels.get)  # fmt: skip
heatmap_box = st.container()

view = load(page.build, filters, element=element, breakdown=breakdown, index_code=index_code, sort=sort)
with top:
    ui.header(view.header)
    ui.note(view.no_results)
if choices.has_results:
    with elements_box:
        ui.chart(view.elements, lang)
        st.subheader(view.items_title)
    with criteria_box:
        ui.chart(view.criteria, lang)
        ui.table(view.items, st, lang)
    with breakdown_head:
        st.subheader(view.breakdown_title)
    with groups_box:
        ui.note(view.breakdown_no_data)
        ui.chart(view.groups, lang)
        ui.note(view.suppressed)
        ui.table(view.breakdown_table, st, lang)
with heatmap_head:
    st.subheader(view.heatmap_title)
    ui.note(view.heatmap_no_data)
with heatmap_box:
    ui.chart(view.heatmap, lang)
