"""Unit profile (Hồ sơ đơn vị): one unit's place in the hierarchy, its indices and published figures."""

from __future__ import annotations

import streamlit as st

from ui import components, views
from ui import data_access as da
from ui.i18n import t
from ui.state import current

filters = current()
lang = filters.lang
st.title(t("profile.title", lang))
components.demo_notice(filters)

units = da.units(da.db_key()).set_index("unit_id")
name_col = "short_vi" if lang == "vi" else "name_en"
unit_id = filters.unit_id
trail = []
cursor_id = unit_id
while cursor_id in units.index:
    trail.append(cursor_id)
    cursor_id = units.loc[cursor_id, "parent_id"]
trail = trail[::-1] if trail else ["VN"]
st.markdown(
    " › ".join(views.unit_display(u, filters) if u != "VN" else t("filters.national", lang) for u in trail)
)

frame = views.national(filters) if unit_id == "VN" else views.results(filters)
frame = views.label_indices(frame[frame["unit_id"] == unit_id], filters)
summary = frame[frame["index_level"].isin(["overall", "domain", "element"])]
st.subheader(t("profile.indices", lang, year=filters.year))
st.dataframe(views.display_table(summary, filters, "index_name"), hide_index=True, key="profile-indices")
st.caption(components.n_caption(filters, summary["n"].max()))

children = units[units["parent_id"] == unit_id].reset_index()
if unit_id != "VN" and not children.empty:
    st.subheader(t("profile.children", lang, n=len(children)))
    level_result = views.results(filters, level="district") if filters.geo == "63" else None
    table = children[["unit_id", name_col, "type_vi"]].rename(columns={name_col: "name"})
    if level_result is not None:
        overall = level_result[level_result["index_code"] == "overall"].set_index("unit_id")
        table["value"] = table["unit_id"].map(overall["value"]).round(2)
        table["n"] = table["unit_id"].map(overall["n"])
    st.dataframe(table.rename(columns={"name": t("table.name", lang), "value": t("table.value", lang),
                                       "n": t("table.n", lang), "type_vi": t("table.type", lang)}),
                 hide_index=True, key="profile-children")  # fmt: skip

published = da.published(da.db_key(), None, unit_id)
if not published.empty:
    st.subheader(t("profile.published", lang))
    st.dataframe(published[["year", "index_code", "value_as_published", "rank", "measured_by", "source"]],
                 hide_index=True, key="profile-published",
                 column_config={"source": st.column_config.LinkColumn(t("table.source", lang))})  # fmt: skip
