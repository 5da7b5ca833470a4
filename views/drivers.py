"""Drivers (Động lực hài lòng): which elements drive overall satisfaction in the chosen unit (or the nation)
and where to act — Shapley importance, logistic odds ratios and the importance–performance matrix
(`analysis.drivers`) on the respondents' element scores (`analysis.engine.respondent_scores`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from analysis import drivers as kd
from charts.drivers import importance_performance_matrix
from i18n import fmt_number, fmt_pct, t
from ui import components, views
from ui import data_access as da
from ui.state import Filters, current


def driver_table(result: kd.DriverResult, filters: Filters) -> pd.DataFrame:
    """Drivers with names, importance in % (100·φ_j/R²), odds ratio per 10 points with CI exp(10·(β ± 1.96·se)),
    performance and quadrant (analysis.drivers.importance_performance, default cuts)."""
    labels = da.labels(da.db_key(), filters.year).set_index("index_code")
    name_col = "name_vi" if filters.lang == "vi" else "name_en"
    table = kd.importance_performance(result.table)
    codes = "element:" + table["driver"]
    table["label"] = codes.map(labels[name_col]).fillna(table["driver"])
    table["position"] = codes.map(labels["position"])
    table["or_low"] = np.exp(10.0 * table["ci_low"])
    table["or_high"] = np.exp(10.0 * table["ci_high"])
    return table.sort_values("rank")


def hover_text(row: pd.Series, lang: str) -> str:
    """Hover: element, importance, performance, odds ratio with CI, quadrant."""
    return "<br>".join(
        [
            f"<b>{row['label']}</b>",
            f"{t('drivers.col_importance', lang)}: {fmt_pct(100 * row['importance'], lang, 1)}",
            f"{t('drivers.col_performance', lang)}: {fmt_pct(row['performance'], lang, 1)}",
            f"{t('drivers.col_or', lang)}: {fmt_number(row['odds_ratio_per_10_points'], lang)} "
            f"({fmt_number(row['or_low'], lang)}–{fmt_number(row['or_high'], lang)})",
            t(f"drivers.quadrants.{row['quadrant']}", lang) if isinstance(row["quadrant"], str) else "",
        ]
    )


def display(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Sortable table with translated headers; numbers stay numbers."""
    return pd.DataFrame(
        {
            t("drivers.col_rank", lang): table["rank"],
            t("drivers.col_element", lang): table["label"],
            t("drivers.col_importance", lang): (100 * table["importance"]).round(2),
            t("drivers.col_or", lang): table["odds_ratio_per_10_points"].round(3),
            t("drivers.col_or_low", lang): table["or_low"].round(3),
            t("drivers.col_or_high", lang): table["or_high"].round(3),
            t("drivers.col_performance", lang): table["performance"].round(2),
            t("drivers.col_quadrant", lang): table["quadrant"].map(
                lambda q: t(f"drivers.quadrants.{q}", lang) if isinstance(q, str) else ""
            ),
        }
    )


filters = current()
lang = filters.lang
st.title(t("drivers.title", lang))
components.demo_notice(filters)
components.break_notes(filters)
st.caption(t("drivers.intro", lang))
level = "national" if filters.unit_id == "VN" else filters.level
name = views.unit_display(filters.unit_id, filters)
result, driver_names, sampled_from = da.drivers(
    da.db_key(), filters.year, level, filters.unit_id, kd.DEFAULT_MIN_N
)
if result is None:
    st.info(t("drivers.no_data", lang))
    st.stop()
if sampled_from:
    st.info(t("drivers.subsample_note", lang, sample=fmt_number(da.DRIVER_MAX_RESPONDENTS, lang, 0),
              total=fmt_number(sampled_from, lang, 0)))  # fmt: skip
n_text = fmt_number(result.n, lang, 0)
min_text = fmt_number(result.min_n, lang, 0)
col_n, col_min, col_r2 = st.columns(3)
col_n.metric(t("drivers.metric_n", lang), n_text)
col_min.metric(t("drivers.metric_min_n", lang), min_text)
col_r2.metric(t("drivers.metric_r2", lang), fmt_number(result.r2, lang, 3) if result.status == "ok" else "–")
if result.status == "too_few":
    st.warning(t("drivers.too_few", lang, n=n_text, min_n=min_text))
    st.stop()
if result.status != "ok":
    st.warning(t("drivers.no_variation", lang, n=n_text))
    st.stop()

table = driver_table(result, filters)
table["hover"] = table.apply(lambda r: hover_text(r, lang), axis=1)
caption = " · ".join([components.n_caption(filters, result.n), t("drivers.min_n_note", lang, min_n=min_text)])
quadrant_names = {q: t(f"drivers.quadrants.{q}", lang) for q in kd.QUADRANTS}
fig = importance_performance_matrix(
    table,
    t("drivers.chart_title", lang, unit=name, year=filters.year),
    t("drivers.chart_subtitle", lang, k=len(table)),
    t("drivers.axis_performance", lang),
    t("drivers.axis_importance", lang),
    quadrant_names,
    lang,
)
data = table[["driver", "label", "rank", "importance", "r2_contribution", "coefficient", "se", "p_value",
              "odds_ratio_per_10_points", "or_low", "or_high", "performance", "quadrant"]]  # fmt: skip
components.chart(fig, data, caption, "drivers-matrix", filters)

st.subheader(t("drivers.advice_title", lang))
for quadrant in kd.QUADRANTS:
    members = table.loc[table["quadrant"] == quadrant].sort_values("position")["label"]
    if members.empty:
        continue
    st.markdown(
        f"**{quadrant_names[quadrant]}** — {', '.join(members)}  \n{t(f'drivers.advice.{quadrant}', lang)}"
    )

st.subheader(t("drivers.table_title", lang, unit=name, year=filters.year))
st.dataframe(display(table, lang), hide_index=True, key="drivers-table")
st.caption(t("drivers.method", lang, min_n=min_text))
