"""Overview (Tổng quan): where the chosen unit stands this year, and the national picture.

Change versus the previous wave: the unit's own test (`analysis.change.year_over_year`, no multiplicity
adjustment: one unit in view); d = v_t − v_{t−1}, se_d = √(se_t² + se_{t−1}²). Rank: among the provinces of
the geography with its 95% simulation interval. Gap to target: value − 80, with the interval (low − 80, high − 80).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.change import published_style_counts, year_over_year
from charts.figures import ranked_dots
from charts.overview import element_markers, province_distribution
from content import common, source, units
from content.filters import Filters
from content.model import Chart, Estimate, Metric, Note, PageHeader, Table
from content.narrative import summary_paragraph
from content.source import StoreKey
from i18n import fmt_ci, fmt_number, fmt_pct, fmt_signed, markup, t

TARGET = 80.0


@dataclass
class OverviewContent:
    """Everything the Overview shows."""

    header: PageHeader
    heading: str
    headline: Estimate | None
    metrics: list[Metric] = field(default_factory=list)
    verdict: list[Note] = field(default_factory=list)  # the change sentence and its note on the single test
    rank: Note | None = None
    published: list[Note] = field(default_factory=list)
    summary_title: str | None = None
    summary: str | None = None
    domains_title: str | None = None
    domains: list[Metric] = field(default_factory=list)
    elements: Chart | None = None
    items_title: str | None = None
    items_top: Table | None = None
    items_bottom: Table | None = None
    national_title: str | None = None
    distribution: Chart | None = None
    counts: list[Note] = field(default_factory=list)
    top: Table | None = None
    bottom: Table | None = None
    provinces: Chart | None = None
    no_data: Note | None = None
    facts: dict = field(default_factory=dict)  # the raw numbers behind the sentences (summary_paragraph)


def scoped(text: str, filters: Filters) -> str:
    """`text`, followed by "re-aggregated to the 34 new provinces" when a pre-2025 wave is shown on them."""
    return f"{text} ({t('filters.reaggregated_label', filters.lang)})" if filters.reaggregated else text


def _change(key: StoreKey, filters: Filters, headline: pd.DataFrame, year_prev: int) -> pd.Series | None:
    """The unit's own year-over-year test of the overall index (no multiplicity adjustment)."""
    previous = common.results(key, filters, year_prev, filters.unit_level)
    row = headline.iloc[0]
    previous = previous[(previous["unit_id"] == row["unit_id"]) & (previous["index_code"] == "overall")]
    if previous.empty:
        return None
    comparable = source.comparable(key, filters.year, year_prev)
    return year_over_year(headline, previous, comparable=comparable, adjust=False).iloc[0]


def _headline(key: StoreKey, filters: Filters, headline: pd.DataFrame, out: OverviewContent) -> None:
    lang = filters.lang
    row = headline.iloc[0]
    out.headline = Estimate(row["value"], row["ci_low"], row["ci_high"], row["n"], row["n_eff"])
    out.facts |= {"value": row["value"], "ci_low": row["ci_low"], "ci_high": row["ci_high"]}
    delta = None
    year_prev = source.previous_year(key, filters.year)
    change = _change(key, filters, headline, year_prev) if year_prev else None
    if change is not None:
        out.facts |= {"year_prev": year_prev, "change": change["change"], "verdict": change["verdict"],
                      "p_value": change["p_value"]}  # fmt: skip
        delta = t("overview.change_vs", lang, change=fmt_signed(change["change"], lang), year=year_prev)
        p_text = fmt_number(change["p_value"], lang, 3) if pd.notna(change["p_value"]) else "–"
        out.verdict = [
            Note("markdown", t("overview.verdict_line", lang, year=year_prev,
                               change=fmt_signed(change["change"], lang),
                               verdict=t(f"verdict.{change['verdict']}", lang), p=p_text)),
            Note("caption", t("overview.single_test_note", lang, n=len(units.province_ids(key, filters.geo)))),
        ]  # fmt: skip
    n_note = t("overview.kpi_n_eff", lang, n_eff=fmt_number(row["n_eff"], lang, 0))
    covered = common.coverage_text(filters)
    if filters.is_nation and covered:  # a national figure states the provinces it rests on
        n_note = f"{n_note} · {covered}"
    label = t("overview.kpi_index", lang)
    if filters.is_nation and filters.partial:
        label = t("overview.kpi_index_partial", lang, k=filters.coverage[0], n=filters.coverage[1])
    out.metrics = [
        Metric(label, fmt_pct(row["value"], lang), delta, out.headline),
        Metric(t("overview.kpi_ci", lang), fmt_ci(row["ci_low"], row["ci_high"], lang)),
        Metric(t("overview.kpi_n", lang), fmt_number(row["n"], lang, 0), n_note),
    ]  # fmt: skip
    if pd.notna(row["value"]):  # gap g = value − 80, its interval the index's interval − 80
        gap = Metric(t("overview.kpi_gap", lang),
                     t("overview.kpi_gap_value", lang, gap=fmt_signed(row["value"] - TARGET, lang)),
                     t("overview.kpi_gap_ci", lang, ci=fmt_ci(row["ci_low"] - TARGET, row["ci_high"] - TARGET, lang,
                                                              worded=True)))  # fmt: skip
        out.metrics.append(gap)
    ranks = source.ranks(key, filters.year, filters.level, "overall", scope=filters.scope).set_index(
        "unit_id"
    )
    if (
        not filters.is_nation
        and filters.unit_id in ranks.index
        and pd.notna(ranks.loc[filters.unit_id, "rank"])
    ):
        r = ranks.loc[filters.unit_id]
        out.facts |= {"rank": r["rank"], "rank_of": r["rank_of"], "rank_low": r["rank_low"],
                      "rank_high": r["rank_high"], "reaggregated": filters.reaggregated}  # fmt: skip
        interval = "–" if pd.isna(r["rank_low"]) else f"{int(r['rank_low'])}–{int(r['rank_high'])}"
        scope = f"{t('filters.reaggregated_label', lang)}; " if filters.reaggregated else ""
        out.rank = Note("markdown", t("overview.rank_line", lang, rank=int(r["rank"]), of=int(r["rank_of"]),
                                      scope=scope, interval=interval,
                                      gap=fmt_signed(row["value"] - TARGET, lang)))  # fmt: skip


def _published(key: StoreKey, filters: Filters) -> list[Note]:
    """One caption per published overall figure of the unit and year, with its rank and source (text from
    the imported file: shown as plain text, `i18n.markup.md`; never a link or an image)."""
    lang = filters.lang
    published = source.published(key, filters.year, filters.unit_id)
    notes = []
    for pub in published[published["index_code"] == "overall"].itertuples():
        value = fmt_pct(pub.value, lang) if pd.notna(pub.value) else "–"
        rank = (
            t("overview.published_rank", lang, rank=int(pub.rank), of=int(pub.rank_of))
            if pd.notna(pub.rank) and pd.notna(pub.rank_of)
            else ""
        )
        notes.append(
            Note(
                "caption",
                t("overview.published_line", lang, value=value, rank=rank, source=markup.md(pub.source)),
            )
        )
    return notes


def _elements_chart(
    key: StoreKey, filters: Filters, rows: pd.DataFrame, provinces: pd.DataFrame, name: str, n: float | None
) -> Chart | None:
    """The service elements of the unit (dot + CI) against the national average (tick) and the best province."""
    lang = filters.lang
    labels = source.labels(key, filters.year)
    label_of = labels.set_index("index_code")["name_vi" if lang == "vi" else "name_en"]
    element_labels = labels[labels["level"] == "element"]
    service = element_labels[element_labels["parent"] == "domain:service"]
    codes = list((service if not service.empty else element_labels).sort_values("position")["index_code"])
    unit_el = rows[rows["index_code"].isin(codes)].set_index("index_code")
    if unit_el.empty:
        return None
    nat_el = common.national(key, filters).set_index("index_code")
    prov_el = provinces[provinces["index_code"].isin(codes) & provinces["value"].notna()]
    best = prov_el.loc[prov_el.groupby("index_code")["value"].idxmax()].set_index("index_code")
    el = pd.DataFrame({"index_code": [c for c in codes if c in unit_el.index]})
    el["label"] = el["index_code"].map(label_of)
    for column in ("value", "ci_low", "ci_high", "n", "flags"):
        el[column] = el["index_code"].map(unit_el[column])
    el["national"] = el["index_code"].map(nat_el["value"])
    el["best"] = el["index_code"].map(best["value"])
    el["best_unit"] = el["index_code"].map(best["unit_id"])
    el["best_name"] = el["index_code"].map(best["label"])
    el["hover"] = [common.hover(r, lang) for _, r in el.iterrows()]
    el["national_hover"] = [
        f"{t('overview.elements_national', lang)}: {fmt_pct(v, lang)}" for v in el["national"]
    ]
    el["best_hover"] = [
        t("overview.elements_best_hover", lang, name=markup.html(n), value=fmt_pct(v, lang))
        for n, v in zip(el["best_name"], el["best"], strict=True)
    ]
    figure = element_markers(
        el,
        t("overview.elements_title", lang, unit=name, year=filters.year),
        scoped(t("overview.elements_subtitle", lang, unit=name), filters),
        t("common.index_pct", lang),
        name,
        None if filters.is_nation else t("overview.elements_national", lang),
        t("overview.elements_best", lang),
        lang,
    )
    data = el[["index_code", "label", "value", "ci_low", "ci_high", "n", "national", "best", "best_unit"]]
    return common.chart("overview-elements", figure, data, common.n_caption(filters, n), filters)


def _items(key: StoreKey, filters: Filters, rows: pd.DataFrame, out: OverviewContent) -> None:
    """The three strongest and three weakest criteria of the unit."""
    lang = filters.lang
    items = rows[rows["index_code"].str.startswith("item:") & rows["value"].notna()].copy()
    if items.empty:
        return
    names = common.index_names(key, filters.year, lang)
    items["index_name"] = items["index_code"].map(names).fillna(items["index_code"])
    items = items.sort_values(["value", "index_code"], ascending=[False, True])
    out.items_title = t("overview.items_title", lang)
    out.items_top = Table("overview-items-top", common.display_table(items.head(3), lang, "index_name"),
                          t("overview.items_top", lang))  # fmt: skip
    out.items_bottom = Table("overview-items-bottom",
                             common.display_table(items.tail(3).iloc[::-1], lang, "index_name"),
                             t("overview.items_bottom", lang))  # fmt: skip


def _national(key: StoreKey, filters: Filters, overall: pd.DataFrame, headline: pd.DataFrame,
              name: str, out: OverviewContent) -> None:  # fmt: skip
    """Country view: distribution of provinces, up/down counts, top and bottom five with rank intervals."""
    lang = filters.lang
    out.national_title = t("overview.national_title", lang)
    valued = overall.dropna(subset=["value"])
    figure = province_distribution(
        valued,
        t("overview.distribution_title", lang, year=filters.year),
        scoped(t("overview.distribution_subtitle", lang), filters),
        t("common.index_pct", lang),
        headline["value"].iloc[0] if not headline.empty else None,
        name,
        t("common.target_80", lang),
        lang,
    )
    out.distribution = common.chart(
        "overview-distribution", figure, valued[["unit_id", "label", "value", "ci_low", "ci_high", "n"]],
        common.n_caption(filters, valued["n"].sum()), filters,
    )  # fmt: skip
    year_prev = source.previous_year(key, filters.year)
    if year_prev:
        changes = source.changes(key, filters.year, year_prev, filters.level, "overall", scope=filters.scope)
        counts = published_style_counts(changes, "overall")
        out.counts = [
            Note("markdown", f"**{scoped(t('overview.counts_title', lang, year=year_prev), filters)}**"),
            Note("markdown", t("overview.counts_naive", lang, up=counts["naive_up"], down=counts["naive_down"],
                               unchanged=counts["naive_unchanged"], n=counts["n_units"])),
            Note("markdown", t("overview.counts_significant", lang, up=counts["significant_up"],
                               down=counts["significant_down"], within=counts["within_error"],
                               untested=counts["not_tested"])),
        ]  # fmt: skip
    ranks = source.ranks(key, filters.year, filters.level, "overall", scope=filters.scope)
    ranked = ranks[ranks["rank"].notna()].reset_index(drop=True)
    ranked["label"] = ranked["unit_id"].map(overall.set_index("unit_id")["label"])
    table = pd.DataFrame(
        {
            t("overview.col_rank", lang): ranked["rank"],
            t("table.name", lang): ranked["label"],
            t("table.value", lang): ranked["value"].round(2),
            t("overview.col_rank_interval", lang): [
                "–" if pd.isna(lo) else f"{int(lo)}–{int(hi)}"
                for lo, hi in zip(ranked["rank_low"], ranked["rank_high"], strict=True)
            ],
            "profile": [common.profile_url(u, filters) for u in ranked["unit_id"]],
        }
    )
    links = {"profile": t("table.open_profile", lang)}
    out.top = Table(
        "overview-top",
        table.head(5).reset_index(drop=True),
        scoped(t("overview.top_title", lang), filters),
        links,
    )
    out.bottom = Table("overview-bottom", table.tail(5).reset_index(drop=True),
                       scoped(t("overview.bottom_title", lang), filters),
                       links)  # fmt: skip


def build(key: StoreKey, filters: Filters) -> OverviewContent:
    """The Overview of the chosen unit (or the nation) in the filters' year."""
    lang = filters.lang
    name = units.unit_name(key, filters.unit_id, lang)
    provinces = common.results(key, filters)
    rows = common.unit_rows(key, filters)
    headline = rows[rows["index_code"] == "overall"]
    out = OverviewContent(
        header=common.header(filters, "overview.title"),
        heading=t("overview.headline", lang, unit=markup.md(name), year=filters.year),
        headline=None,
        facts={"unit": name, "year": filters.year},
    )
    if headline.empty:
        out.no_data = Note("info", t("common.no_data", lang))
    else:
        _headline(key, filters, headline, out)
    out.published = _published(key, filters)
    elements = rows[rows["index_code"].str.startswith("element:") & rows["value"].notna()]
    if not elements.empty:
        weakest = elements.loc[elements["value"].idxmin()]
        names = common.index_names(key, filters.year, lang)
        out.facts |= {"weakest_element": names.get(weakest["index_code"], weakest["index_code"]),
                      "weakest_value": weakest["value"]}  # fmt: skip
    if not headline.empty:
        out.summary_title = t("overview.summary_title", lang)
        out.summary = summary_paragraph(out.facts, lang)
    domains = common.label_indices(key, rows[rows["index_code"].str.startswith("domain:")], filters)
    if len(domains) > 1:  # policy and service domains: 2022+ designs
        out.domains_title = t("overview.domains_title", lang)
        out.domains = [
            Metric(markup.md(d.index_name), fmt_pct(d.value, lang),
                   t("overview.domain_ci", lang, ci=fmt_ci(d.ci_low, d.ci_high, lang)),
                   Estimate(d.value, d.ci_low, d.ci_high, d.n, d.n_eff))
            for d in domains.itertuples()
        ]  # fmt: skip
    n = headline["n"].iloc[0] if not headline.empty else None
    out.elements = _elements_chart(key, filters, rows, provinces, name, n)
    _items(key, filters, rows, out)
    overall = provinces[provinces["index_code"] == "overall"].copy()
    overall["hover"] = [common.hover(r, lang) for _, r in overall.iterrows()]
    if filters.is_nation and not overall.empty:
        _national(key, filters, overall, headline, name, out)
    figure = ranked_dots(
        overall.dropna(subset=["value"]),
        t("overview.chart_title", lang, year=filters.year),
        scoped(t("overview.chart_subtitle", lang), filters),
        t("common.index_pct", lang),
        filters.unit_id,
        t("common.target_80", lang),
        lang=lang,
    )
    out.provinces = common.chart(
        "overview-provinces", figure,
        overall[["unit_id", "label", "value", "ci_low", "ci_high", "n", "n_eff", "flags"]],
        common.n_caption(filters, overall["n"].sum()), filters,
    )  # fmt: skip
    return out
