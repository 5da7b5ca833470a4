"""Unit profile (Hồ sơ đơn vị): any unit (province, district, commune, agency) with breadcrumbs up, its
indices, links down to its children, and its published figures. `?focus=<unit id>` opens a given unit
(the map and tables link here); otherwise the unit chosen in the sidebar."""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import components, views
from ui import data_access as da
from ui.state import current

filters = current()
lang = filters.lang
st.title(t("profile.title", lang))
components.demo_notice(filters)

units = da.units(da.db_key()).set_index("unit_id")
focus = st.query_params.get("focus")
unit_id = focus if focus in units.index or focus == "VN" else filters.unit_id
level = "national" if unit_id == "VN" else units.loc[unit_id, "level"]


def link(target: str, label: str) -> None:
    """A link that opens the profile of `target` with the current filters."""
    params = {k: v for k, v in st.query_params.items() if k != "focus"} | {"focus": target}
    st.page_link("views/profile.py", label=label, query_params=params)


trail = []
cursor_id = unit_id
while cursor_id in units.index:
    trail.append(cursor_id)
    cursor_id = units.loc[cursor_id, "parent_id"]
trail = [u for u in trail[::-1] if units.loc[u, "level"] not in ("region", "nation")]
crumbs = st.columns(len(trail) + 1)
with crumbs[0]:
    link("VN", t("filters.national", lang))
for column, crumb in zip(crumbs[1:], trail, strict=True):
    with column:
        link(crumb, "› " + views.unit_display(crumb, filters))
st.subheader(views.unit_display(unit_id, filters) if unit_id != "VN" else t("filters.national", lang))

engine_level = {
    "national": "national",
    "province": "province" if unit_id.startswith("P63-") else "province34",
    "district": "district",
    "commune": "commune",
    "agency": "agency",
}[level]
if unit_id.startswith("P63-") and filters.year >= 2025:
    st.info(t("profile.abolished", lang))
frame = views.results(filters, level=engine_level)
frame = views.label_indices(frame[frame["unit_id"] == unit_id], filters)
summary = frame[frame["index_level"].isin(["overall", "domain", "element"])]
st.subheader(t("profile.indices", lang, year=filters.year))
if summary.empty:
    st.info(t("profile.no_survey", lang))
else:
    st.dataframe(views.display_table(summary, filters, "index_name"), hide_index=True, key="profile-indices")
    st.caption(components.n_caption(filters, summary["n"].max()))
    elements = summary[summary["index_level"] == "element"]
    if not elements.empty:
        names = dict(zip(elements["index_code"], elements["index_name"], strict=True))
        element = st.selectbox(
            t("profile.element", lang), list(names), format_func=lambda c: names[c], key="profile-element"
        )
        labels = da.labels(da.db_key(), filters.year)
        criteria_codes = set(labels.loc[labels["parent"] == element, "index_code"])
        criteria = frame[frame["index_code"].isin(criteria_codes)]
        st.markdown(t("profile.criteria", lang, element=names[element]))
        st.dataframe(
            views.display_table(criteria, filters, "index_name"), hide_index=True, key="profile-criteria"
        )

below = units[units["parent_id"] == unit_id].reset_index()
children = below[below["level"].isin(["district", "commune"])].copy()
agencies = below[below["level"] == "agency"]
name_col = "short_vi" if lang == "vi" else "name_en"
if unit_id != "VN" and not children.empty:
    st.subheader(t("profile.children", lang, n=len(children)))
    values = views.results(filters, level=children["level"].iloc[0])
    overall = values[values["index_code"] == "overall"].set_index("unit_id")
    children["value"] = children["unit_id"].map(overall["value"])
    children["n"] = children["unit_id"].map(overall["n"])
    sampled = children[children["n"].notna()]
    st.caption(t("profile.children_sampled", lang, sampled=len(sampled), total=len(children)))
    for row in sampled.sort_values(name_col).itertuples():
        value = "" if row.value != row.value else f" — {views.fmt_value(row.value, lang)}"
        link(row.unit_id, f"{getattr(row, name_col)}{value}")
if not agencies.empty:
    st.subheader(t("profile.agencies", lang, n=len(agencies)))
    st.caption(t("profile.agencies_note", lang))
    for row in agencies.sort_values(name_col).itertuples():
        link(row.unit_id, getattr(row, name_col))

published = da.published(da.db_key(), None, unit_id)
if not published.empty:
    st.subheader(t("profile.published", lang))
    st.dataframe(
        published[["year", "index_code", "value_as_published", "rank", "measured_by", "source"]],
        hide_index=True,
        key="profile-published",
        column_config={"source": st.column_config.LinkColumn(t("table.source", lang))},
    )
