"""Overview (Tổng quan): where the chosen unit stands this year, and the national picture."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.change import published_style_counts, year_over_year
from charts.figures import ranked_bars
from charts.overview import element_markers, province_distribution
from i18n import fmt_ci, fmt_number, fmt_pct, fmt_signed, t
from ui import components, views
from ui import data_access as da
from ui.narrative import summary_paragraph
from ui.state import current

filters = current()
lang = filters.lang
is_nation = filters.unit_id == "VN"
st.title(t("overview.title", lang))
components.demo_notice(filters)
components.break_notes(filters)

provinces = views.results(filters)
national = views.national(filters)
unit_rows = national if is_nation else provinces[provinces["unit_id"] == filters.unit_id]
headline = unit_rows[unit_rows["index_code"] == "overall"]
name = views.unit_display(filters.unit_id, filters)
labels = da.labels(da.db_key(), filters.year)
label_col = "name_vi" if lang == "vi" else "name_en"
label_of = labels.set_index("index_code")[label_col]
ranks = da.ranks(da.db_key(), filters.year, filters.level, "overall").set_index("unit_id")
waves = sorted(int(y) for y in da.waves(da.db_key())["year"])
previous = [y for y in waves if y < filters.year]
year_prev = previous[-1] if previous else None
comparable = da.comparable(da.db_key(), filters.year, year_prev) if year_prev else True
st.subheader(t("overview.headline", lang, unit=name, year=filters.year))

facts: dict = {"unit": name, "year": filters.year}
if headline.empty:
    st.info(t("common.no_data", lang))
else:
    row = headline.iloc[0]
    facts |= {"value": row["value"], "ci_low": row["ci_low"], "ci_high": row["ci_high"]}
    delta_text = None
    verdict_line = None
    if year_prev:
        prev = views.results(filters, year_prev, "national" if is_nation else filters.level)
        prev = prev[(prev["unit_id"] == row["unit_id"]) & (prev["index_code"] == "overall")]
        if not prev.empty:
            # one unit in view: its own test, no multiplicity adjustment
            change = year_over_year(headline, prev, comparable=comparable, adjust=False).iloc[0]
            facts |= {"year_prev": year_prev, "change": change["change"], "verdict": change["verdict"],
                      "p_value": change["p_value"]}  # fmt: skip
            delta_text = t(
                "overview.change_vs", lang, change=fmt_signed(change["change"], lang), year=year_prev
            )
            verdict_line = t(
                "overview.verdict_line",
                lang,
                year=year_prev,
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
        st.caption(t("overview.single_test_note", lang))
    if not is_nation and filters.unit_id in ranks.index and pd.notna(ranks.loc[filters.unit_id, "rank"]):
        r = ranks.loc[filters.unit_id]
        facts |= {
            "rank": r["rank"],
            "rank_of": r["rank_of"],
            "rank_low": r["rank_low"],
            "rank_high": r["rank_high"],
        }
        interval = "–" if pd.isna(r["rank_low"]) else f"{r['rank_low']}–{r['rank_high']}"
        st.markdown(t("overview.rank_line", lang, rank=int(r["rank"]), of=int(r["rank_of"]), interval=interval,
                      gap=fmt_signed(row["value"] - 80.0, lang)))  # fmt: skip

published = da.published(da.db_key(), filters.year, filters.unit_id)
published = published[published["index_code"] == "overall"]
for pub in published.itertuples():
    value = fmt_pct(pub.value, lang) if pd.notna(pub.value) else "–"
    rank = (
        t("overview.published_rank", lang, rank=int(pub.rank), of=int(pub.rank_of))
        if pd.notna(pub.rank) and pd.notna(pub.rank_of)
        else ""
    )
    st.caption(t("overview.published_line", lang, value=value, rank=rank, source=pub.source))

# weakest element of the unit (all elements of the wave's design)
elements = unit_rows[unit_rows["index_code"].str.startswith("element:") & unit_rows["value"].notna()]
if not elements.empty:
    weakest = elements.loc[elements["value"].idxmin()]
    facts |= {"weakest_element": label_of.get(weakest["index_code"], weakest["index_code"]),
              "weakest_value": weakest["value"]}  # fmt: skip
if not headline.empty:
    st.subheader(t("overview.summary_title", lang))
    st.markdown(summary_paragraph(facts, lang))

# policy and service domains (2022+ designs)
domains = views.label_indices(unit_rows[unit_rows["index_code"].str.startswith("domain:")], filters)
if len(domains) > 1:  # policy and service domains: 2022+ designs
    st.subheader(t("overview.domains_title", lang))
    for column, dom in zip(st.columns(len(domains)), domains.itertuples(), strict=True):
        column.metric(dom.index_name, fmt_pct(dom.value, lang),
                      t("overview.domain_ci", lang, ci=fmt_ci(dom.ci_low, dom.ci_high, lang)),
                      delta_color="off", delta_arrow="off")  # fmt: skip

# the five service elements: unit (dot + CI), national average (tick), best province (diamond)
element_labels = labels[labels["level"] == "element"]
service = element_labels[element_labels["parent"] == "domain:service"]
codes = list((service if not service.empty else element_labels).sort_values("position")["index_code"])
unit_el = unit_rows[unit_rows["index_code"].isin(codes)].set_index("index_code")
if not unit_el.empty:
    nat_el = national.set_index("index_code")
    prov_el = provinces[provinces["index_code"].isin(codes) & provinces["value"].notna()]
    best = prov_el.loc[prov_el.groupby("index_code")["value"].idxmax()].set_index("index_code")
    el = pd.DataFrame({"index_code": [c for c in codes if c in unit_el.index]})
    el["label"] = el["index_code"].map(label_of)
    for column in ("value", "ci_low", "ci_high", "n"):
        el[column] = el["index_code"].map(unit_el[column])
    el["national"] = el["index_code"].map(nat_el["value"])
    el["best"] = el["index_code"].map(best["value"])
    el["best_unit"] = el["index_code"].map(best["unit_id"])
    el["best_name"] = el["index_code"].map(best["label"])
    el["hover"] = [views.hover(r, lang) for _, r in el.iterrows()]
    el["national_hover"] = [
        f"{t('overview.elements_national', lang)}: {fmt_pct(v, lang)}" for v in el["national"]
    ]
    el["best_hover"] = [
        t("overview.elements_best_hover", lang, name=n, value=fmt_pct(v, lang))
        for n, v in zip(el["best_name"], el["best"], strict=True)
    ]
    fig = element_markers(
        el,
        t("overview.elements_title", lang, unit=name, year=filters.year),
        t("overview.elements_subtitle", lang, unit=name),
        t("common.index_pct", lang),
        name,
        None if is_nation else t("overview.elements_national", lang),
        t("overview.elements_best", lang),
        lang,
    )
    components.chart(
        fig,
        el[["index_code", "label", "value", "ci_low", "ci_high", "n", "national", "best", "best_unit"]],
        components.n_caption(filters, headline["n"].iloc[0] if not headline.empty else None),
        "overview-elements",
        filters,
    )

# strongest and weakest criteria (items) of the unit
items = unit_rows[unit_rows["index_code"].str.startswith("item:") & unit_rows["value"].notna()].copy()
if not items.empty:
    items["index_name"] = items["index_code"].map(label_of).fillna(items["index_code"])
    items = items.sort_values(["value", "index_code"], ascending=[False, True])
    st.subheader(t("overview.items_title", lang))
    left, right = st.columns(2)
    left.markdown(f"**{t('overview.items_top', lang)}**")
    left.dataframe(views.display_table(items.head(3), filters, "index_name"), hide_index=True)
    right.markdown(f"**{t('overview.items_bottom', lang)}**")
    right.dataframe(views.display_table(items.tail(3).iloc[::-1], filters, "index_name"), hide_index=True)

overall = provinces[provinces["index_code"] == "overall"].copy()
overall["hover"] = overall.apply(lambda r: views.hover(r, lang), axis=1)

if is_nation and not overall.empty:
    st.subheader(t("overview.national_title", lang))
    valued = overall.dropna(subset=["value"])
    fig = province_distribution(
        valued,
        t("overview.distribution_title", lang, year=filters.year),
        t("overview.distribution_subtitle", lang),
        t("common.index_pct", lang),
        headline["value"].iloc[0] if not headline.empty else None,
        name,
        t("common.target_80", lang),
        lang,
    )
    components.chart(
        fig,
        valued[["unit_id", "label", "value", "ci_low", "ci_high", "n"]],
        components.n_caption(filters, valued["n"].sum()),
        "overview-distribution",
        filters,
    )
    if year_prev:
        changes = da.changes(da.db_key(), filters.year, year_prev, filters.level, "overall")
        counts = published_style_counts(changes, "overall")
        st.markdown(f"**{t('overview.counts_title', lang, year=year_prev)}**")
        st.markdown(t("overview.counts_naive", lang, up=counts["naive_up"], down=counts["naive_down"],
                      unchanged=counts["naive_unchanged"], n=counts["n_units"]))  # fmt: skip
        st.markdown(t("overview.counts_significant", lang, up=counts["significant_up"],
                      down=counts["significant_down"], within=counts["within_error"],
                      untested=counts["not_tested"]))  # fmt: skip
    ranked = ranks[ranks["rank"].notna()].reset_index()
    ranked["label"] = ranked["unit_id"].map(overall.set_index("unit_id")["label"])
    table = pd.DataFrame(
        {
            t("overview.col_rank", lang): ranked["rank"],
            t("table.name", lang): ranked["label"],
            t("table.value", lang): ranked["value"].round(2),
            t("overview.col_rank_interval", lang): [
                "–" if pd.isna(lo) else f"{lo}–{hi}"
                for lo, hi in zip(ranked["rank_low"], ranked["rank_high"], strict=True)
            ],
            "profile": [views.profile_url(u, filters) for u in ranked["unit_id"]],
        }
    )
    left, right = st.columns(2)
    left.markdown(f"**{t('overview.top_title', lang)}**")
    left.dataframe(table.head(5), hide_index=True, column_config=views.profile_column(lang))
    right.markdown(f"**{t('overview.bottom_title', lang)}**")
    right.dataframe(table.tail(5), hide_index=True, column_config=views.profile_column(lang))

fig = ranked_bars(
    overall.dropna(subset=["value"]),
    t("overview.chart_title", lang, year=filters.year),
    t("overview.chart_subtitle", lang),
    t("common.index_pct", lang),
    filters.unit_id,
    t("common.target_80", lang),
    lang=lang,
)
components.chart(
    fig,
    overall[["unit_id", "label", "value", "ci_low", "ci_high", "n", "n_eff", "flags"]],
    components.n_caption(filters, overall["n"].sum()),
    "overview-provinces",
    filters,
)
