"""Compare (So sánh): two to four provinces side by side on every domain and element."""

from __future__ import annotations

import streamlit as st

from charts.figures import component_bars
from ui import components, views
from ui.i18n import t
from ui.state import current

filters = current()
lang = filters.lang
st.title(t("compare.title", lang))
components.demo_notice(filters)
components.break_notes(filters)

frame = views.results(filters)
options = sorted(frame["unit_id"].unique(), key=lambda u: views.unit_display(u, filters))
default = [u for u in [filters.unit_id] if u in options] or options[:1]
default += [u for u in options if u not in default][:1]
chosen = st.multiselect(t("compare.choose", lang), options, default=default, max_selections=4,
                        format_func=lambda u: views.unit_display(u, filters), key="compare-choice")  # fmt: skip
if len(chosen) < 2:
    st.info(t("compare.need_two", lang))
    st.stop()
parts = views.label_indices(frame[frame["unit_id"].isin(chosen)], filters)
parts = parts[parts["index_level"].isin(["overall", "domain", "element"])].copy()
parts["series"] = parts["unit_id"].map(lambda u: views.unit_display(u, filters))
parts["label"] = parts["index_name"]
parts["hover"] = parts.apply(lambda r: views.hover(r, lang, f"{r['series']} · {r['index_name']}"), axis=1)
fig = component_bars(parts, t("compare.chart_title", lang, year=filters.year), t("compare.chart_subtitle", lang),
                     t("common.index_pct", lang))  # fmt: skip
components.chart(
    fig,
    parts[["series", "unit_id", "index_code", "index_name", "value", "ci_low", "ci_high", "n"]],
    components.n_caption(filters, parts.groupby("unit_id")["n"].max().sum()),
    "compare-units",
    filters,
)
