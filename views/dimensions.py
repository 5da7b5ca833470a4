"""Dimensions (Yếu tố & tiêu chí): domains, elements and criteria of the chosen unit, a province × element
heatmap of the current geography, and the chosen unit by respondent group (sex, age, ethnicity, …)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.dimensions import criteria_bars, group_bars, unit_heatmap
from charts.figures import component_bars
from charts.palette import element_colour
from i18n import catalogue, fmt_number, has, t
from reference.units import fold
from ui import components, views
from ui import data_access as da
from ui.state import Filters, current

BREAKDOWNS = ("sex", "age_group", "ethnicity", "education", "area", "service_field", "channel")
DATA_COLUMNS = ["index_code", "index_name", "value", "ci_low", "ci_high", "n", "n_eff", "n_valid", "flags"]


def is_suppressed(flags: object) -> bool:
    """Whether a result row was hidden by the engine (fewer than 30 respondents)."""
    return "suppressed" in str(flags).split(",")


def group_label(breakdown: str, code: object, lang: str) -> str:
    """Display name of a respondent-group code, e.g. ('sex', 'female') -> 'Nữ'."""
    if code is None or pd.isna(code) or str(code) == "":
        return t("dimensions.groups.unknown", lang)
    key = f"dimensions.groups.{breakdown}.{code}"
    return t(key, lang) if has(key, lang) else str(code)


def group_order(breakdown: str, lang: str) -> list[str]:
    """Group codes in catalogue order (the questionnaire's order)."""
    prefix = f"dimensions.groups.{breakdown}."
    return [key[len(prefix) :] for key in catalogue(lang) if key.startswith(prefix)]


def short(text: str, width: int = 30) -> str:
    """Shorten a long index name for an axis label."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def unit_frame(filters: Filters) -> pd.DataFrame:
    """Indices of the chosen unit (or the nation), labelled."""
    frame = views.national(filters) if filters.unit_id == "VN" else views.results(filters)
    return views.label_indices(frame[frame["unit_id"] == filters.unit_id], filters)


def elements_section(frame: pd.DataFrame, filters: Filters, name: str) -> None:
    """Bars of domains and elements with CIs, then the criteria of a chosen element."""
    lang = filters.lang
    parts = frame[frame["index_level"].isin(["domain", "element"])].copy()
    parts["label"] = parts["index_name"]
    parts["hover"] = parts.apply(lambda r: views.hover(r, lang, r["index_name"]), axis=1)
    fig = component_bars(parts, t("dimensions.chart_title", lang, unit=name, year=filters.year),
                         t("dimensions.chart_subtitle", lang), t("common.index_pct", lang), lang=lang)  # fmt: skip
    components.chart(fig, parts[DATA_COLUMNS], components.n_caption(filters, parts["n"].max()),
                     "dimensions-elements", filters)  # fmt: skip

    st.subheader(t("dimensions.items_title", lang))
    labels = da.labels(da.db_key(), filters.year).set_index("index_code")
    elements = parts[parts["index_level"] == "element"]
    if elements.empty:
        return
    names = dict(zip(elements["index_code"], elements["index_name"], strict=True))
    element = st.selectbox(t("dimensions.element_select", lang), list(names), format_func=names.get,
                           key="dimensions-element")  # fmt: skip
    items = frame[frame["index_level"] == "item"].copy()
    items["parent"] = items["index_code"].map(labels["parent"])
    items = items[items["parent"] == element]
    items["label"] = items["index_name"].map(lambda s: short(s, 60))
    items["hover"] = items.apply(lambda r: views.hover(r, lang, r["index_name"]), axis=1)
    title = t("dimensions.criteria_title", lang, element=names[element], unit=name, year=filters.year)
    fig = criteria_bars(items, title, t("dimensions.criteria_subtitle", lang), t("common.index_pct", lang),
                        t("common.suppressed", lang), lang)  # fmt: skip
    components.chart(fig, items[DATA_COLUMNS], components.n_caption(filters, items["n"].max()),
                     "dimensions-criteria", filters)  # fmt: skip
    st.dataframe(views.display_table(items, filters, "index_name"), hide_index=True, key="dimensions-items")


def heatmap_section(filters: Filters) -> None:
    """All provinces of the current geography × overall, domains and elements; colour = value."""
    lang = filters.lang
    st.subheader(t("dimensions.heatmap_header", lang))
    frame = views.label_indices(views.results(filters).rename(columns={"label": "unit_label"}), filters)
    frame = frame[frame["index_level"].isin(["overall", "domain", "element"])]
    if frame.empty:
        st.info(t("common.no_data", lang))
        return
    sort_options = ["overall", "name"]
    sort = st.radio(t("dimensions.heatmap_sort", lang), sort_options, horizontal=True, key="dimensions-sort",
                    format_func=lambda o: t(f"dimensions.sort_{o}", lang))  # fmt: skip
    codes = list(dict.fromkeys(frame.sort_values("position")["index_code"]))
    columns = {c: short(frame.loc[frame["index_code"] == c, "index_name"].iloc[0]) for c in codes}
    values = frame.pivot_table(index="unit_label", columns="index_code", values="value", dropna=False)
    values = values.reindex(columns=codes)
    if sort == "overall":
        order = values["overall"].sort_values(ascending=False, na_position="last").index
    else:
        order = sorted(values.index, key=fold)
    values = values.loc[order]
    rows = frame.set_index(["unit_label", "index_code"])
    hover = pd.DataFrame(
        [[views.hover(rows.loc[(u, c)], lang, f"{u} — {rows.loc[(u, c), 'index_name']}")
          if (u, c) in rows.index else "" for c in codes] for u in values.index],
        index=values.index, columns=codes,
    )  # fmt: skip
    values.columns = [columns[c] for c in codes]
    hover.columns = values.columns
    title = t("dimensions.heatmap_title", lang, count=len(values), year=filters.year)
    fig = unit_heatmap(values, hover, title, t("dimensions.heatmap_subtitle", lang),
                       t("common.index_pct", lang), lang)  # fmt: skip
    data = frame[["unit_id", "unit_label", *DATA_COLUMNS]]
    components.chart(fig, data, components.n_caption(filters, None), "dimensions-heatmap", filters)


def breakdown_section(frame: pd.DataFrame, filters: Filters, name: str) -> None:
    """The chosen unit (or the nation) by one respondent characteristic: bars with CIs and n per group."""
    lang = filters.lang
    st.subheader(t("dimensions.breakdown_header", lang))
    left, right = st.columns(2)
    breakdown = left.selectbox(t("dimensions.breakdown_select", lang), BREAKDOWNS, key="dimensions-breakdown",
                               format_func=lambda b: t(f"dimensions.breakdowns.{b}", lang))  # fmt: skip
    summary = frame[frame["index_level"].isin(["overall", "domain", "element"])]
    names = dict(zip(summary["index_code"], summary["index_name"], strict=True))
    index_code = right.selectbox(t("dimensions.breakdown_index", lang), list(names), format_func=names.get,
                                 key="dimensions-breakdown-index")  # fmt: skip
    level = "national" if filters.unit_id == "VN" else filters.level
    groups = da.indices(da.db_key(), filters.year, level, breakdown)
    groups = groups[(groups["unit_id"] == filters.unit_id) & (groups["index_code"] == index_code)].copy()
    if groups.empty:
        st.info(t("common.no_data", lang))
        return
    order = {code: k for k, code in enumerate(group_order(breakdown, lang))}
    groups["order"] = groups["grp"].map(lambda g: order.get(g, len(order)))
    groups = groups.sort_values(["order", "grp"])
    groups["label"] = groups["grp"].map(lambda g: group_label(breakdown, g, lang))
    groups["n_text"] = groups["n"].map(lambda n: f"n = {fmt_number(n, lang, 0)}")
    groups["hover"] = groups.apply(lambda r: views.hover(r, lang, r["label"]), axis=1)
    title = t("dimensions.breakdown_title", lang, index=names[index_code],
              breakdown=t(f"dimensions.breakdowns.{breakdown}", lang), unit=name, year=filters.year)  # fmt: skip
    fig = group_bars(groups, title, t("dimensions.breakdown_subtitle", lang), t("common.index_pct", lang),
                     t("common.suppressed", lang), element_colour(index_code), lang)  # fmt: skip
    data = groups[["grp", "label", "value", "ci_low", "ci_high", "n", "n_eff", "flags"]]
    components.chart(fig, data, components.n_caption(filters, groups["n"].sum()), "dimensions-groups",
                     filters)  # fmt: skip
    hidden = groups[groups["flags"].map(is_suppressed)]
    if not hidden.empty:
        st.warning(t("dimensions.breakdown_suppressed", lang, groups=", ".join(hidden["label"])))
    table = views.display_table(groups, filters, "label")
    table = table.rename(columns={t("table.name", lang): t("dimensions.group_column", lang)})
    st.dataframe(table, hide_index=True, key="dimensions-breakdown-table")


filters = current()
lang = filters.lang
st.title(t("dimensions.title", lang))
components.demo_notice(filters)
components.break_notes(filters)
unit = unit_frame(filters)
unit_name = views.unit_display(filters.unit_id, filters)
if unit.empty:
    st.info(t("dimensions.no_results", lang))
else:
    elements_section(unit, filters, unit_name)
    breakdown_section(unit, filters, unit_name)
heatmap_section(filters)
