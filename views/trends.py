"""Trends (Xu hướng): a unit and up to four peers across all waves, both breaks marked on every chart.

Geography: a P63 province is shown as its P34 successor in 2025 (a new territory: its slope is fitted
apart); on the 34-province geography pre-2025 waves are re-aggregated (level 'province34').
Year-over-year: d = v_t − v_{t−1}, se_d = √(se_t² + se_{t−1}²), one test per unit (no multiplicity
adjustment), on the territory of year t. Slope: weighted least squares within a comparable segment.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.trend import trend
from charts.trends import rank_bump, trend_lines
from i18n import fmt_ci, fmt_number, fmt_pct, fmt_signed, t
from ui import components, views
from ui import data_access as da
from ui.state import NATIONAL, current, translate_unit

LEVELS = ("overall", "domain", "element")


def geo_version(year: int) -> str:
    """'pre2025' or '2025': the map a wave was collected on."""
    waves = da.waves(da.db_key())
    return str(waves.loc[waves["year"] == year, "geo_version"].iloc[0])


def source(unit_id: str, year: int) -> tuple[str, str]:
    """(level, unit_id) that stands for `unit_id` in `year`: P63 -> P34 successor on the 2025 map;
    a P34 province before 2025 -> re-aggregated level 'province34'."""
    if unit_id == NATIONAL:
        return "national", NATIONAL
    if unit_id.startswith("P63-") and geo_version(year) == "2025":
        unit_id = translate_unit(unit_id, "34")
    if unit_id.startswith("P34-"):
        return ("province" if geo_version(year) == "2025" else "province34"), unit_id
    return "province", unit_id


def pick(year: int, level: str, unit_id: str, code: str) -> pd.DataFrame:
    """The result row of one unit and index in one wave (empty when absent)."""
    frame = da.indices(da.db_key(), year, level)
    return frame[(frame["unit_id"] == unit_id) & (frame["index_code"] == code)]


filters = current()
lang = filters.lang
st.title(t("trends.title", lang))
components.demo_notice(filters)

years = sorted(int(y) for y in da.waves(da.db_key())["year"])
labels = pd.concat([da.labels(da.db_key(), y) for y in (years[-1], years[0])], ignore_index=True)
labels = labels[labels["level"].isin(LEVELS)].drop_duplicates("index_code")
name_col = "name_vi" if lang == "vi" else "name_en"
index_names = dict(zip(labels["index_code"], labels[name_col], strict=True))
left, right = st.columns(2)
code = left.selectbox(t("trends.choose_index", lang), list(index_names), format_func=index_names.get,
                      key="trends-index")  # fmt: skip
units = da.units(da.db_key())
provinces = units[
    (units["level"] == "province") & (units["geo_version"] == ("pre2025" if filters.geo == "63" else "2025"))
]
peer_options = sorted(
    (u for u in provinces["unit_id"] if u != filters.unit_id), key=lambda u: views.unit_display(u, filters)
)
peers = right.multiselect(t("trends.choose_peers", lang), peer_options, max_selections=4, key=f"trends-peers-{filters.geo}",
                          format_func=lambda u: views.unit_display(u, filters))  # fmt: skip
chosen = [filters.unit_id, *peers]

rows = []
for unit in chosen:
    name = views.unit_display(unit, filters)
    for year in years:
        level, sid = source(unit, year)
        row = pick(year, level, sid, code)
        if row.empty:
            continue
        record = row.iloc[0].to_dict() | {"year": year, "unit": unit, "source_unit": sid, "series": name}
        shown = name if sid == unit else f"{name} → {views.unit_display(sid, filters)}"
        record["hover"] = f"{year}<br>" + views.hover(row.iloc[0], lang, shown)
        rows.append(record)
series = pd.DataFrame(rows)
if series.empty:
    st.info(t("common.no_data", lang))
    st.stop()
successor = bool((series["unit"] != series["source_unit"]).any())
if successor:
    st.info(t("trends.successor_note", lang))
if filters.geo == "34" and filters.unit_id != NATIONAL:
    st.info(t("trends.reaggregated_note", lang))
breaks = [(2021.5, t("trends.break_2022", lang)), (2024.5, t("trends.break_2025", lang))]
index_name = index_names[code]
title_unit = views.unit_display(filters.unit_id, filters)
fig = trend_lines(series, t("trends.chart_title", lang, unit=title_unit, index=index_name), t("trends.chart_subtitle", lang),
                  t("common.index_pct", lang), breaks, lang)  # fmt: skip
components.chart(
    fig,
    series[["series", "year", "source_unit", "index_code", "value", "ci_low", "ci_high", "n", "flags"]],
    components.n_caption(filters, series["n"].sum()),
    "trends-lines",
    filters,
)

# year-over-year change, one test per unit on the territory of the later year
st.subheader(t("trends.yoy_title", lang))
changes = []
for unit in chosen:
    for prev_year, year in zip(years, years[1:], strict=False):
        level, sid = source(unit, year)
        prev_level = source(sid, prev_year)[0]
        cur = pick(year, level, sid, code)
        # the unit's own test (no multiplicity adjustment), from the cached tests of every unit of the level
        tested = da.changes(da.db_key(), year, prev_year, level, code, adjust=False, level_prev=prev_level)
        tested = tested[tested["unit_id"] == sid]
        if cur.empty or tested.empty:
            continue
        changes.append(tested.iloc[0].to_dict() | {"unit": unit, "ci_low": cur["ci_low"].iloc[0],
                                                   "ci_high": cur["ci_high"].iloc[0]})  # fmt: skip
yoy = pd.DataFrame(changes)
if not yoy.empty:
    table = pd.DataFrame(
        {
            t("table.name", lang): [
                views.unit_display(u, filters)
                + ("" if u == sid else f" → {views.unit_display(sid, filters)}")
                for u, sid in zip(yoy["unit"], yoy["unit_id"], strict=True)
            ],
            t("trends.col_year", lang): yoy["year"].astype(int).astype(str),
            t("table.value", lang): [fmt_pct(v, lang) for v in yoy["value"]],
            t("trends.col_ci", lang): [
                fmt_ci(a, b, lang) for a, b in zip(yoy["ci_low"], yoy["ci_high"], strict=True)
            ],
            t("trends.col_prev", lang): [fmt_pct(v, lang) for v in yoy["value_prev"]],
            t("trends.col_change", lang): [fmt_signed(v, lang) for v in yoy["change"]],
            t("trends.col_change_ci", lang): [
                fmt_ci(a, b, lang) for a, b in zip(yoy["change_ci_low"], yoy["change_ci_high"], strict=True)
            ],
            t("trends.col_verdict", lang): [t(f"verdict.{v}", lang) for v in yoy["verdict"]],
            "profile": [views.profile_url(u, filters) for u in yoy["unit_id"]],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", column_config=views.profile_column(lang))
    st.caption(t("trends.yoy_note", lang))

# slope per comparable segment (a successor territory in 2025 is its own segment)
st.subheader(t("trends.slope_title", lang))
slopes = []
for unit, part in series.groupby("unit", sort=False):
    cuts = (2022, 2025) if (part["unit"] != part["source_unit"]).any() else (2022,)
    fit = trend(part[["year", "value", "se"]], breaks=cuts)
    fit["unit"] = unit
    slopes.append(fit)
slope = pd.concat(slopes, ignore_index=True)
slope_table = pd.DataFrame(
    {
        t("table.name", lang): [views.unit_display(u, filters) for u in slope["unit"]],
        t("trends.col_segment", lang): [
            f"{a}–{b}" if a != b else str(a)
            for a, b in zip(slope["segment_start"], slope["segment_end"], strict=True)
        ],  # fmt: skip
        t("trends.col_years", lang): slope["n_years"].astype(int),
        t("trends.col_slope", lang): [fmt_signed(v, lang) for v in slope["slope"]],
        t("trends.col_slope_ci", lang): [
            fmt_ci(a, b, lang) for a, b in zip(slope["slope_ci_low"], slope["slope_ci_high"], strict=True)
        ],
        t("trends.col_verdict", lang): [t(f"trends.slope_verdict.{v}", lang) for v in slope["verdict"]],
    }
)
st.dataframe(slope_table, hide_index=True, width="stretch")
st.caption(t("trends.slope_note", lang))

# rank bump chart for the chosen provinces
provinces_chosen = [u for u in chosen if u != NATIONAL]
if provinces_chosen:
    bump = []
    for unit in provinces_chosen:
        name = views.unit_display(unit, filters)
        for year in years:
            level, sid = source(unit, year)
            ranked = da.ranks(da.db_key(), year, level, code)
            row = ranked[ranked["unit_id"] == sid]
            if row.empty or pd.isna(row["rank"].iloc[0]):
                continue
            r = row.iloc[0]
            low = "–" if pd.isna(r["rank_low"]) else fmt_number(r["rank_low"], lang, 0)
            high = "–" if pd.isna(r["rank_high"]) else fmt_number(r["rank_high"], lang, 0)
            text = t("trends.rank_hover", lang, rank=int(r["rank"]), of=int(r["rank_of"]), low=low, high=high)
            shown = views.results(filters, year, level)
            n = shown.loc[(shown["unit_id"] == sid) & (shown["index_code"] == code), "n"].max()
            bump.append({"series": name, "year": year, "unit_id": sid, "rank": int(r["rank"]), "n": n,
                         "rank_low": r["rank_low"], "rank_high": r["rank_high"], "rank_of": int(r["rank_of"]),
                         "hover": f"{year}<br><b>{name}</b><br>{text}"})  # fmt: skip
    bump_frame = pd.DataFrame(bump)
    if not bump_frame.empty:
        fig = rank_bump(bump_frame, t("trends.rank_title", lang, index=index_name), t("trends.rank_subtitle", lang),
                        t("trends.rank_axis", lang), breaks, lang)  # fmt: skip
        components.chart(
            fig,
            bump_frame.drop(columns="hover"),
            components.n_caption(filters, bump_frame["n"].sum()),
            "trends-ranks",
            filters,
        )
