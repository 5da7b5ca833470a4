"""Map (Bản đồ): the chosen index by province, or by district/commune inside a province, drawn offline.

Clicking a unit opens its profile (plotly selection event); the select box under the map does the same.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.maps import choropleth, symbols_over_outline
from i18n import fmt_number, fmt_signed, t
from ui import components, geo_access, views
from ui import data_access as da
from ui.state import current

filters = current()
lang = filters.lang
st.title(t("map.title", lang))
components.demo_notice(filters)
components.break_notes(filters)

labels = views.label_indices(
    pd.DataFrame({"index_code": da.labels(da.db_key(), filters.year)["index_code"]}), filters
)
labels = labels[labels["index_level"].isin(["overall", "domain", "element", "item"])]
choices = dict(zip(labels["index_code"], labels["index_name"], strict=True))
left, middle, right = st.columns([2, 2, 2])
index_code = left.selectbox(
    t("map.index", lang), list(choices), format_func=lambda c: choices[c], key="map-index"
)
mode = middle.radio(
    t("map.colour", lang), ["value", "tier", "target", "national"], key="map-colour",
    format_func=lambda m: t(f"map.colour_{m}", lang),
)  # fmt: skip
lower_possible = filters.unit_id != "VN" and not filters.reaggregated
level_choice = right.radio(
    t("map.level", lang), ["province", "below"] if lower_possible else ["province"], key="map-level",
    format_func=lambda lv: t(f"map.level_{lv}", lang),
)  # fmt: skip


def hover_text(frame: pd.DataFrame) -> pd.Series:
    """Name, value, CI, rank with interval, n, change vs last wave."""

    def one(row: pd.Series) -> str:
        text = views.hover(row, lang)
        if "suppressed" in str(row.get("flags", "")):
            return text
        if pd.notna(row.get("rank")):
            interval = "" if pd.isna(row.get("rank_low")) else f" ({row['rank_low']}–{row['rank_high']})"
            text += "<br>" + t(
                "map.hover_rank", lang, rank=int(row["rank"]), of=int(row["rank_of"]), interval=interval
            )
        if pd.notna(row.get("change")):
            text += "<br>" + t(
                "map.hover_change", lang, change=fmt_signed(row["change"], lang),
                verdict=t(f"verdict.{row['verdict']}", lang),
            )  # fmt: skip
        return text

    return frame.apply(one, axis=1)


def with_rank_and_change(frame: pd.DataFrame, level: str, within: str | None = None) -> pd.DataFrame:
    """Add rank (with 95% interval) and the change versus the previous wave to one index's rows: every unit
    of the level, or (`within`) the units of one province ranked and tested among themselves."""
    key = da.db_key()
    ranked = da.ranks(key, filters.year, level, index_code, within)
    ranked = ranked[["unit_id", "rank", "rank_low", "rank_high", "rank_of", "tier"]]
    out = frame.merge(ranked, on="unit_id", how="left")
    waves = sorted(int(y) for y in da.waves(key)["year"])
    previous = [y for y in waves if y < filters.year]
    if previous:
        changes = da.changes(key, filters.year, previous[-1], level, index_code, within=within)
        out = out.merge(changes[["unit_id", "change", "verdict"]], on="unit_id", how="left")
    return out


def open_profile(event: object) -> None:
    """A click on a unit opens its profile."""
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else []
    if not points:
        points = getattr(getattr(event, "selection", None), "points", []) or []
    for point in points:
        unit = point.get("location") or (point.get("customdata") or [None])[0]
        if unit:
            st.switch_page("views/profile.py", query_params=dict(st.query_params) | {"focus": unit})


value_label = t("common.index_pct", lang)
if level_choice == "province":
    frame = views.results(filters)
    frame = frame[frame["index_code"] == index_code]
    frame = with_rank_and_change(frame, filters.level)
    frame["hover"] = hover_text(frame)
    national = views.national(filters)
    national_value = national.loc[national["index_code"] == index_code, "value"]
    midpoint = 80.0 if mode == "target" else (float(national_value.iloc[0]) if len(national_value) else None)
    geojson = geo_access.province_geojson(filters.geo)
    fig = choropleth(
        geojson, frame,
        title=t("map.chart_title", lang, index=choices[index_code], year=filters.year),
        subtitle=t(f"map.subtitle_{mode}", lang) + (" · " + t("flags.reaggregated", lang) if filters.reaggregated else ""),
        value_label=value_label,
        colour_mode={"value": "value", "tier": "tier", "target": "diverging", "national": "diverging"}[mode],
        midpoint=midpoint, suppressed_hover=t("common.suppressed", lang), islands=geo_access.islands(lang),
        tier_labels=[t(f"map.tier_{k}", lang) for k in range(1, 5)], lang=lang,
    )  # fmt: skip
    event = components.chart(
        fig,
        frame[
            ["unit_id", "label", "value", "ci_low", "ci_high", "n", "rank", "rank_low", "rank_high", "flags"]
        ],
        components.n_caption(filters, frame["n"].sum()),
        "map-provinces",
        filters,
        on_select="rerun",
    )
    open_profile(event)
    pick_options = frame.sort_values("label")["unit_id"].tolist()
else:
    province = filters.unit_id
    below_level = "district" if filters.geo == "63" else "commune"
    frame = views.results(filters, level=below_level)
    units = da.units(da.db_key())
    children = da.children(da.db_key(), province)
    frame = frame[(frame["index_code"] == index_code) & frame["unit_id"].isin(children)]
    frame = with_rank_and_change(frame, below_level, within=province)
    frame["hover"] = hover_text(frame)
    # units of the province that were not sampled this year are drawn grey and said to be so
    unsampled = units[units["parent_id"].eq(province) & ~units["unit_id"].isin(frame["unit_id"])]
    name_col = "short_vi" if lang == "vi" else "name_en"
    frame = pd.concat(
        [frame, pd.DataFrame({
            "unit_id": unsampled["unit_id"], "label": unsampled[name_col], "value": float("nan"),
            "flags": "not_sampled",
            "hover": "<b>" + unsampled[name_col] + "</b><br>" + t("map.not_sampled", lang),
        })],
        ignore_index=True,
    )  # fmt: skip
    title = t("map.chart_title_below", lang, index=choices[index_code], year=filters.year,
              unit=views.unit_display(province, filters))  # fmt: skip
    polygons = geo_access.district_geojson(province) if below_level == "district" else None
    if polygons is not None:
        fig = choropleth(
            polygons, frame, title=title, subtitle=t("map.subtitle_below", lang), value_label=value_label,
            suppressed_hover=t("map.legend_no_value", lang), lang=lang,
        )  # fmt: skip
    else:
        points = geo_access.child_points(province)
        points = points.merge(frame[frame["value"].notna()][["unit_id", "value", "n", "hover"]], on="unit_id")
        fig = symbols_over_outline(
            geo_access.outline_geojson(province, filters.geo), points, title=title,
            subtitle=t("map.subtitle_symbols", lang), value_label=value_label, lang=lang,
        )  # fmt: skip
        st.caption(t("map.no_polygons", lang))
    event = components.chart(
        fig,
        frame[["unit_id", "label", "value", "ci_low", "ci_high", "n", "flags"]],
        components.n_caption(filters, frame["n"].sum()),
        "map-below",
        filters,
        on_select="rerun",
    )
    open_profile(event)
    pick_options = frame.sort_values("label")["unit_id"].tolist()

names = dict(zip(frame["unit_id"], frame["label"], strict=True))
picked = st.selectbox(
    t("map.pick", lang), [None, *pick_options], key="map-pick",
    format_func=lambda u: t("map.pick_none", lang) if u is None else names.get(u, u),
)  # fmt: skip
if picked:
    st.switch_page("views/profile.py", query_params=dict(st.query_params) | {"focus": picked})
st.caption(
    t("map.islands_note", lang) + " · " + t("map.units_mapped", lang, n=fmt_number(len(frame), lang, 0))
)
