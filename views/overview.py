"""Overview (Tổng quan): where the chosen unit stands this year, and the national picture."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.change import year_over_year
from analysis.ranking import rank_units
from charts.figures import ranked_bars
from ui import components, views
from ui import data_access as da
from ui.i18n import fmt_ci, fmt_number, fmt_pct, fmt_signed, t
from ui.state import current

filters = current()
lang = filters.lang
st.title(t("overview.title", lang))
components.demo_notice(filters)
components.break_notes(filters)

provinces = views.results(filters)
national = views.national(filters)
unit_rows = national if filters.unit_id == "VN" else provinces[provinces["unit_id"] == filters.unit_id]
headline = unit_rows[unit_rows["index_code"] == "overall"]
name = views.unit_display(filters.unit_id, filters)
st.subheader(t("overview.headline", lang, unit=name, year=filters.year))

if headline.empty:
    st.info(t("common.no_data", lang))
else:
    row = headline.iloc[0]
    waves = sorted(int(y) for y in da.waves(da.db_key())["year"])
    previous = [y for y in waves if y < filters.year]
    delta_text = None
    verdict_line = None
    if previous:
        prev_level = filters.level if filters.unit_id != "VN" else "national"
        prev = views.results(filters, previous[-1], prev_level)
        prev = prev[(prev["unit_id"] == row["unit_id"]) & (prev["index_code"] == "overall")]
        if not prev.empty:
            # one unit in view: its own test, no multiplicity adjustment
            change = year_over_year(
                headline,
                prev,
                comparable=da.comparable(da.db_key(), filters.year, previous[-1]),
                adjust=False,
            ).iloc[0]
            delta_text = t(
                "overview.change_vs", lang, change=fmt_signed(change["change"], lang), year=previous[-1]
            )
            verdict_line = t(
                "overview.verdict_line",
                lang,
                year=previous[-1],
                change=fmt_signed(change["change"], lang),
                verdict=t(f"verdict.{change['verdict']}", lang),
                p=fmt_number(change["p_value"], lang, 3) if pd.notna(change["p_value"]) else "–",
            )
    c1, c2, c3 = st.columns(3)
    c1.metric(
        t("overview.kpi_index", lang),
        fmt_pct(row["value"], lang),
        delta_text,
        delta_color="off",
        delta_arrow="off",
    )
    c2.metric(t("overview.kpi_ci", lang), fmt_ci(row["ci_low"], row["ci_high"], lang))
    c3.metric(t("overview.kpi_n", lang), fmt_number(row["n"], lang, 0),
              t("overview.kpi_n_eff", lang, n_eff=fmt_number(row["n_eff"], lang, 0)), delta_color="off",
              delta_arrow="off")  # fmt: skip
    if verdict_line:
        st.markdown(verdict_line)
    if filters.unit_id != "VN":
        ranks = rank_units(provinces, "overall").set_index("unit_id")
        if filters.unit_id in ranks.index and not ranks.loc[filters.unit_id, ["rank"]].isna().any():
            r = ranks.loc[filters.unit_id]
            interval = "–" if pd.isna(r["rank_low"]) else f"{r['rank_low']}–{r['rank_high']}"
            st.markdown(t("overview.rank_line", lang, rank=int(r["rank"]), of=int(r["rank_of"]), interval=interval,
                          gap=fmt_signed(row["value"] - 80.0, lang)))  # fmt: skip

published = da.published(da.db_key(), filters.year, filters.unit_id)
published = published[published["index_code"] == "overall"]
for pub in published.itertuples():
    value = fmt_pct(pub.value, lang) if pub.value == pub.value else "–"
    rank = (
        t("overview.published_rank", lang, rank=int(pub.rank), of=int(pub.rank_of))
        if pub.rank == pub.rank
        else ""
    )
    st.caption(t("overview.published_line", lang, value=value, rank=rank, source=pub.source))

overall = provinces[provinces["index_code"] == "overall"].copy()
overall["hover"] = overall.apply(lambda r: views.hover(r, lang), axis=1)
fig = ranked_bars(
    overall.dropna(subset=["value"]),
    t("overview.chart_title", lang, year=filters.year),
    t("overview.chart_subtitle", lang),
    t("common.index_pct", lang),
    filters.unit_id,
    t("common.target_80", lang),
)
components.chart(
    fig,
    overall[["unit_id", "label", "value", "ci_low", "ci_high", "n", "n_eff", "flags"]],
    components.n_caption(filters, overall["n"].sum()),
    "overview-provinces",
    filters,
)
