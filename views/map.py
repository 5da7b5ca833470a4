"""Map (Bản đồ): lays out `content.map` (the chosen index by province, or by district/commune inside a
province, drawn offline).

Clicking a unit opens its profile (plotly selection event); the select box under the map does the same.
"""

from __future__ import annotations

import streamlit as st

from content import cache
from content import map as page
from i18n import t
from ui import components as ui
from ui.data_access import db_key
from ui.page_content import load
from ui.state import current


def open_profile(unit: str | None) -> None:
    """Open the profile of `unit` with the current filters."""
    if unit:
        st.switch_page("views/profile.py", query_params=dict(st.query_params) | {"focus": unit})


filters = current()
lang = filters.lang
top = st.container()  # title and notices, filled once the content object is built from the widgets' choices
choices = cache.page(page.options, db_key(), filters)
left, middle, right = st.columns([2, 2, 2])
index_code = left.selectbox(t("map.index", lang), list(choices.indices), format_func=choices.index_labels.get,
                            key="map-index")  # fmt: skip
mode = middle.radio(t("map.colour", lang), list(choices.modes), key="map-colour",
                    format_func=choices.mode_labels.get)  # fmt: skip
level_choice = right.radio(t("map.level", lang), list(choices.levels), key="map-level",
                           format_func=choices.level_labels.get)  # fmt: skip
if choices.level_note:
    right.caption(choices.level_note)
view = load(page.build, filters, index_code=index_code, mode=mode, level_choice=level_choice)
with top:
    ui.header(view.header)
ui.note(view.no_polygons)
map_column, table_column = st.columns([3, 2], gap="medium")
with map_column:
    event = ui.chart(view.map, lang)
ui.table(view.ranking, table_column, lang)
open_profile(page.selected_unit(event))
picked = st.selectbox(
    t("map.pick", lang), [None, *view.pick], key="map-pick",
    format_func=lambda u: t("map.pick_none", lang) if u is None else view.pick_labels.get(u, u),
)  # fmt: skip
open_profile(picked)
ui.note(view.footer)
