"""Dimensions (Yếu tố & tiêu chí): domains, elements and criteria of the chosen unit."""

from __future__ import annotations

import streamlit as st

from charts.figures import component_bars
from ui import components, views
from ui.i18n import t
from ui.state import current

filters = current()
lang = filters.lang
st.title(t("dimensions.title", lang))
components.demo_notice(filters)
components.break_notes(filters)

frame = views.national(filters) if filters.unit_id == "VN" else views.results(filters)
frame = views.label_indices(frame[frame["unit_id"] == filters.unit_id], filters)
name = views.unit_display(filters.unit_id, filters)
parts = frame[frame["index_level"].isin(["domain", "element"])].copy()
parts["label"] = parts["index_name"]
parts["hover"] = parts.apply(lambda r: views.hover(r, lang, r["index_name"]), axis=1)
fig = component_bars(parts, t("dimensions.chart_title", lang, unit=name, year=filters.year),
                     t("dimensions.chart_subtitle", lang), t("common.index_pct", lang))  # fmt: skip
components.chart(
    fig,
    parts[["index_code", "index_name", "value", "ci_low", "ci_high", "n", "n_valid", "flags"]],
    components.n_caption(filters, parts["n"].max()),
    "dimensions-elements",
    filters,
)
st.subheader(t("dimensions.items_title", lang))
items = frame[frame["index_level"] == "item"]
st.dataframe(views.display_table(items, filters, "index_name"), hide_index=True, key="dimensions-items")
