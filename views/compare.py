"""Compare (So sánh): lays out `content.compare` (two to four units side by side, with pairwise tests)."""

from __future__ import annotations

import streamlit as st

from content import cache
from content import compare as page
from i18n import t
from ui import components as ui
from ui.data_access import db_key
from ui.page_content import load
from ui.state import current

KEY = "compare-choice"


def choose(units: tuple[str, ...]) -> None:
    """Button callback: put a peer group (computed by `content.compare.options`) into the selection."""
    st.session_state[KEY] = list(units)


filters = current()
lang = filters.lang
top = st.container()  # title and notices, filled once the content object is built from the selection
choices = cache.page(page.options, db_key(), filters)
left, right = st.columns(2)
left.button(t("compare.same_region", lang), on_click=choose, args=(choices.same_region,),
            disabled=not choices.region_enabled, key="compare-same-region")  # fmt: skip
right.button(t("compare.same_new_province", lang), on_click=choose, args=(choices.same_new_province,),
             key="compare-same-new", disabled=not choices.new_province_enabled,
             help=t("compare.same_new_help", lang))  # fmt: skip
if KEY in st.session_state:
    st.session_state[KEY] = choices.valid(st.session_state[KEY])
    default = None
else:
    default = list(choices.default)
chosen = st.multiselect(t("compare.choose", lang), list(choices.units), default=default,
                        max_selections=choices.max_units, format_func=choices.label, key=KEY,
                        placeholder=t("compare.choose_placeholder", lang))  # fmt: skip
view = load(page.build, filters, chosen=tuple(chosen))
with top:
    ui.header(view.header)
if view.need_two is not None:
    ui.note(view.need_two)
    st.stop()
ui.chart(view.chart, lang)
ui.note(view.unreliable)
st.subheader(view.diff_title)
ui.table(view.differences, st, lang)
ui.note(view.diff_note)
