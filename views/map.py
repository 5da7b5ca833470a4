"""Map (Bản đồ): the chosen index by province, drawn offline at province centroids with the islands."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.figures import centroid_map
from ui import components, views
from ui import data_access as da
from ui.i18n import t
from ui.state import current

filters = current()
lang = filters.lang
st.title(t("map.title", lang))
components.demo_notice(filters)
components.break_notes(filters)

frame = views.results(filters)
overall = frame[frame["index_code"] == "overall"].dropna(subset=["value"]).copy()
units = da.units(da.db_key()).set_index("unit_id")
overall["lat"] = overall["unit_id"].map(units["lat"])
overall["lon"] = overall["unit_id"].map(units["lon"])
overall["hover"] = overall.apply(lambda r: views.hover(r, lang), axis=1)
islands = pd.DataFrame(
    {
        "lon": [112.0, 114.3],
        "lat": [16.5, 10.0],
        "label": [t("map.hoang_sa", lang), t("map.truong_sa", lang)],
    }
)
fig = centroid_map(
    overall, islands, t("map.chart_title", lang, year=filters.year), t("map.chart_subtitle", lang),
    t("common.index_pct", lang),
)  # fmt: skip
components.chart(
    fig,
    overall[["unit_id", "label", "value", "ci_low", "ci_high", "n", "lat", "lon"]],
    components.n_caption(filters, overall["n"].sum()),
    "map-provinces",
    filters,
)
