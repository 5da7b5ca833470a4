"""Trends (Xu hướng): the chosen unit across all waves, with both breaks marked."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.figures import trend_lines
from ui import components, views
from ui import data_access as da
from ui.i18n import t
from ui.state import current, translate_unit

filters = current()
lang = filters.lang
st.title(t("trends.title", lang))
components.demo_notice(filters)

rows = []
for year in sorted(int(y) for y in da.waves(da.db_key())["year"]):
    level = "national" if filters.unit_id == "VN" else filters.level
    unit = filters.unit_id
    if year >= 2025 and unit != "VN":
        level, unit = "province", translate_unit(unit, "34")
    frame = views.results(filters, year, level)
    pick = frame[(frame["unit_id"] == unit) & (frame["index_code"] == "overall")]
    if not pick.empty:
        rows.append(pick.iloc[0].to_dict() | {"year": year})
series = pd.DataFrame(rows)
if series.empty:
    st.info(t("common.no_data", lang))
    st.stop()
name = views.unit_display(filters.unit_id, filters)
series["series"] = name
series["hover"] = series.apply(lambda r: f"{int(r['year'])}<br>" + views.hover(r, lang, name), axis=1)
breaks = [(2021.5, t("trends.break_2022", lang)), (2024.5, t("trends.break_2025", lang))]
fig = trend_lines(series, t("trends.chart_title", lang, unit=name), t("trends.chart_subtitle", lang),
                  t("common.index_pct", lang), breaks)  # fmt: skip
components.chart(
    fig,
    series[["year", "unit_id", "value", "ci_low", "ci_high", "n", "flags"]],
    components.n_caption(filters, series["n"].sum()),
    "trends-overall",
    filters,
)
if filters.unit_id != "VN" and filters.geo == "63":
    st.caption(t("trends.successor_note", lang))
