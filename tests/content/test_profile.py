"""The profile's content object carries the numbers `analysis` gives for the unit it shows, in both languages:
its indices with CIs and n, the criteria of an element, the sampled units below with their overall index,
its agencies and published figures, and the breadcrumbs up."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.engine import compute_indices, index_labels
from content import profile as page
from content import units
from content.model import Link
from i18n import fmt_number, fmt_pct, markup, t
from store import queries
from store.db import connect_read_only
from tests.content.conftest import make_filters


@pytest.fixture(scope="module")
def engine(demo_db_path):
    with connect_read_only(demo_db_path) as con:
        yield SimpleNamespace(
            province=compute_indices(con, 2024, "province"),
            district=compute_indices(con, 2024, "district"),
            national=compute_indices(con, 2024, "national"),
            labels=index_labels(con, 2024),
            units=queries.units(con),
            published=queries.published_values(con, None, "P63-01"),
        )


def _summary(engine, frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The unit's overall, domain and element rows in methodology order."""
    labels = engine.labels.set_index("index_code")
    rows = frame[frame["unit_id"] == unit].copy()
    rows["level"] = rows["index_code"].map(labels["level"])
    rows["position"] = rows["index_code"].map(labels["position"])
    return rows[rows["level"].isin(["overall", "domain", "element"])].sort_values("position")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_province_indices_criteria_and_links(store_key, engine, lang: str) -> None:
    filters = make_filters(lang, 2024, "P63-01")
    view = page.build(store_key, filters)
    assert view.header.title == t("profile.title", lang)
    assert [n.text for n in view.header.notices] == [t("common.demo_notice", lang)]  # no break notes here
    assert view.unit_id == "P63-01" and view.heading == units.unit_name(store_key, "P63-01", lang)
    assert view.crumbs == [Link(t("filters.national", lang), "VN"), Link("› " + view.heading, "P63-01")]
    assert view.indices_title == t("profile.indices", lang, year=2024)
    assert view.abolished is None and view.no_survey is None

    expected = _summary(engine, engine.province, "P63-01")
    table = view.indices.frame
    assert view.indices.key == "profile-indices"
    assert list(table.columns) == [t(f"table.{c}", lang) for c in
                                   ("name", "value", "ci_low", "ci_high", "n", "n_eff", "reliability", "flags")]  # fmt: skip
    assert table[t("table.value", lang)].tolist() == pytest.approx(expected["value"].round(2).tolist())
    assert table[t("table.ci_low", lang)].tolist() == pytest.approx(expected["ci_low"].round(2).tolist())
    assert table[t("table.ci_high", lang)].tolist() == pytest.approx(expected["ci_high"].round(2).tolist())
    assert table[t("table.n", lang)].tolist() == expected["n"].tolist()
    name_col = "name_vi" if lang == "vi" else "name_en"
    names = engine.labels.set_index("index_code")[name_col]
    assert table[t("table.name", lang)].tolist() == names.loc[expected["index_code"]].tolist()
    assert view.indices_caption.text.startswith(
        t("common.n_respondents", lang, n=fmt_number(expected["n"].max(), lang, 0))
    )

    # the criteria of the first element (the element box's default), then of another one
    elements = expected[expected["level"] == "element"]["index_code"].tolist()
    assert page.options(store_key, filters).elements == tuple(elements)
    for element, shown in (
        (elements[0], view),
        ("element:result", page.build(store_key, filters, None, "element:result")),
    ):
        children = engine.labels[engine.labels["parent"] == element]["index_code"]
        rows = engine.province[
            (engine.province["unit_id"] == "P63-01") & engine.province["index_code"].isin(children)
        ]
        assert shown.criteria.key == "profile-criteria"
        criteria = shown.criteria.frame
        assert len(criteria) == len(rows) > 0
        by_name = dict(zip(criteria[t("table.name", lang)], criteria[t("table.value", lang)], strict=True))
        for row in rows.itertuples():
            assert by_name[names[row.index_code]] == pytest.approx(round(row.value, 2))
        assert shown.criteria_title.text == t("profile.criteria", lang, element=names[element])

    # the districts below: those sampled, each with its own overall index
    districts = engine.units[(engine.units["parent_id"] == "P63-01") & (engine.units["level"] == "district")]
    overall = engine.district[engine.district["index_code"] == "overall"].set_index("unit_id")
    sampled = districts[districts["unit_id"].isin(overall.index)]
    assert view.children_title == t("profile.children", lang, n=len(districts))
    assert view.children_note.text == t(
        "profile.children_sampled", lang, sampled=len(sampled), total=len(districts)
    )
    assert {link.focus for link in view.children} == set(sampled["unit_id"])
    short = "short_vi" if lang == "vi" else "name_en"
    for link in view.children:
        name = sampled.set_index("unit_id").at[link.focus, short]
        assert link.label == f"{name} — {fmt_pct(overall.at[link.focus, 'value'], lang)}"
    assert [link.label for link in view.children] == sorted(link.label for link in view.children)

    agencies = engine.units[(engine.units["parent_id"] == "P63-01") & (engine.units["level"] == "agency")]
    assert view.agencies_title == t("profile.agencies", lang, n=len(agencies))
    assert sorted(link.focus for link in view.agencies) == sorted(agencies["unit_id"])
    assert view.agencies_note.text == t("profile.agencies_note", lang)

    # published figures with their sources (a link column)
    published = view.published.frame
    source_col, link_col = t("table.source", lang), t("table.source_link", lang)
    assert view.published.key == "profile-published" and view.published.links == {link_col: ""}
    assert list(published.columns) == [t("profile.pub_year", lang), t("table.name", lang), t("table.value", lang),
                                       t("profile.pub_rank", lang), t("profile.pub_measured_by", lang), source_col,
                                       link_col]  # fmt: skip
    sources = engine.published["source"].tolist()  # a link when an http(s) URL, else text (issue 15)
    assert published[link_col].tolist() == [markup.safe_url(s) or "" for s in sources]
    assert published[source_col].tolist() == ["" if markup.safe_url(s) else s for s in sources]
    assert published[t("table.value", lang)].tolist() == pytest.approx(
        engine.published["value"].round(2).tolist()
    )
    expected_ranks = ["–" if pd.isna(r) else f"{int(r)}/{int(n)}"
                      for r, n in zip(engine.published["rank"], engine.published["rank_of"], strict=True)]  # fmt: skip
    assert published[t("profile.pub_rank", lang)].tolist() == expected_ranks
    assert "overall" not in set(published[t("table.name", lang)])  # names, never codes
    assert view.published_title == t("profile.published", lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_focus_opens_a_district(store_key, engine, lang: str) -> None:
    districts = engine.district[
        (engine.district["index_code"] == "overall") & engine.district["value"].notna()
    ]
    unit = sorted(districts["unit_id"])[0]
    parent = engine.units.set_index("unit_id").at[unit, "parent_id"]
    view = page.build(store_key, make_filters(lang, 2024, "P63-79"), focus=unit)
    assert view.unit_id == unit and view.facts["level"] == "district"
    assert [c.focus for c in view.crumbs] == ["VN", parent, unit]
    expected = _summary(engine, engine.district, unit)
    table = view.indices.frame
    assert table[t("table.value", lang)].tolist() == pytest.approx(expected["value"].round(2).tolist())
    assert table[t("table.n", lang)].tolist() == expected["n"].tolist()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_focus_on_the_nation_and_unknown_units(store_key, engine, lang: str) -> None:
    nation = page.build(store_key, make_filters(lang, 2024, "P63-01"), focus="VN")
    assert nation.unit_id == "VN" and nation.heading == t("filters.national", lang)
    assert nation.crumbs == [Link(t("filters.national", lang), "VN")]
    expected = _summary(engine, engine.national, "VN")
    assert nation.indices.frame[t("table.value", lang)].tolist() == pytest.approx(
        expected["value"].round(2).tolist()
    )
    assert nation.children == [] and nation.children_title is None  # the nation lists no units below

    unknown = page.build(store_key, make_filters(lang, 2024, "P63-01"), focus="no-such-unit")
    assert unknown.unit_id == "P63-01"  # the sidebar unit

    unsampled = engine.units[(engine.units["level"] == "district")
                             & ~engine.units["unit_id"].isin(engine.district["unit_id"])]["unit_id"].iloc[0]  # fmt: skip
    empty = page.build(store_key, make_filters(lang, 2024), focus=unsampled)
    assert empty.no_survey.text == t("profile.no_survey", lang)
    assert empty.indices is None and empty.criteria is None
    assert page.options(store_key, make_filters(lang, 2024), unsampled).elements == ()


def test_old_province_in_2025_is_said_to_be_abolished(store_key) -> None:
    view = page.build(store_key, make_filters("en", 2025, "P34-08", geo="34"), focus="P63-02")
    assert view.unit_id == "P63-02"
    assert view.abolished.text == t("profile.abolished", "en")
    assert view.no_survey.text == t("profile.no_survey", "en")  # 2025 was collected on the 34 provinces


# --- the profile worthy of the name: headline, rank, change, history, benchmark, children, reliability ---

HEADLINE_CASES = [  # (year, geography, unit, provinces of that year's own geography)
    (2020, "63", "P63-01", 63),
    (2025, "34", "P34-01", 34),
    (2024, "63", "P63-67", 63),
]


def _overall(con, year: int, level: str, unit: str) -> pd.Series:
    frame = compute_indices(con, year, level)
    return frame[(frame["unit_id"] == unit) & (frame["index_code"] == "overall")].iloc[0]


@pytest.fixture(scope="module")
def con(demo_db_path):
    with connect_read_only(demo_db_path) as connection:
        yield connection


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("year", "geo", "unit", "n_provinces"), HEADLINE_CASES)
def test_headline_rank_and_change(store_key, con, lang, year, geo, unit, n_provinces) -> None:
    from analysis.change import year_over_year
    from analysis.engine import ranks
    from analysis.ranking import tier_of
    from i18n import fmt_ci, fmt_signed

    level = "province" if geo == "63" else "province34"
    view = page.build(store_key, make_filters(lang, year, unit, geo=geo))
    row = _overall(con, year, level, unit)
    headline, n_card, rank_card, change_card = view.metrics
    assert headline.text == fmt_pct(row["value"], lang)
    assert headline.delta == t("profile.kpi_ci", lang, ci=fmt_ci(row["ci_low"], row["ci_high"], lang))
    assert headline.estimate.value == pytest.approx(row["value"]) and headline.estimate.n == row["n"]
    assert n_card.text == fmt_number(row["n"], lang, 0)
    assert view.reliability is None

    # rank among the provinces of that year's own geography (63 before 2025, 34 in 2025)
    ranked = ranks(con, year, "province", "overall").set_index("unit_id")
    geo_version = "pre2025" if year < 2025 else "2025"
    provinces = queries.units(con)
    provinces = provinces[(provinces["level"] == "province") & (provinces["geo_version"] == geo_version)]
    assert len(ranked) == len(provinces) == n_provinces
    r = ranked.loc[unit]
    assert rank_card.text == f"{int(r['rank'])}/{n_provinces}"
    assert view.facts["rank_of"] == n_provinces and view.facts["rank_of_geography"] == n_provinces
    interval = f"{int(r['rank_low'])}–{int(r['rank_high'])}"
    assert rank_card.delta == t("profile.kpi_rank_interval", lang, interval=interval)
    name = units.unit_name(store_key, unit, lang)
    line = t("profile.rank_line", lang, unit=name, rank=int(r["rank"]), of=n_provinces, interval=interval,
             tier="", year=year)  # fmt: skip
    assert view.rank.text.startswith(line.rstrip())
    assert view.facts["tier"] == tier_of(int(r["rank"]), n_provinces) == int(r["tier"])
    assert t(f"profile.tier_{view.facts['tier']}", lang) in view.rank.text

    # change from the previous wave on the same territory: the unit's own test
    prev_level = "province" if geo == "63" else "province34"
    current = compute_indices(con, year, level)
    previous = compute_indices(con, year - 1, prev_level)
    tested = year_over_year(
        current[(current["unit_id"] == unit) & (current["index_code"] == "overall")],
        previous[(previous["unit_id"] == unit) & (previous["index_code"] == "overall")],
        adjust=False,
    ).iloc[0]
    assert change_card.label == t("profile.kpi_change", lang, year=year - 1)
    assert change_card.text == fmt_signed(tested["change"], lang)
    assert change_card.delta == t(f"verdict.{tested['verdict']}", lang)
    assert view.facts["verdict"] == tested["verdict"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_change_across_the_2022_break(store_key, lang: str) -> None:
    view = page.build(store_key, make_filters(lang, 2022, "P63-01"))
    change = view.metrics[-1]
    assert change.text == t("profile.not_comparable", lang)
    assert view.facts["verdict"] == "not_comparable" and "change" not in view.facts
    assert [n.text for n in view.change] == [t("profile.change_not_comparable", lang, year=2021)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_reaggregated_unit_is_labelled_and_not_ranked(store_key, lang: str) -> None:
    view = page.build(store_key, make_filters(lang, 2020, "P34-01", geo="34"))
    assert t("profile.reaggregated", lang, year=2020) in [n.text for n in view.notes]
    assert view.rank is None and "rank" not in view.facts
    assert not any(m.label == t("profile.kpi_rank", lang, year=2020) for m in view.metrics)
    not_ranked = [n.text for n in view.notes if n.text.startswith(t("profile.not_ranked_reaggregated", lang,
                                                                      year=2020, n=63, olds="")[:20])]  # fmt: skip
    assert len(not_ranked) == 1 and "63" in not_ranked[0]
    assert t("profile.history_reaggregated", lang) in [n.text for n in view.history_notes]


def _lines(figure) -> list:
    return [tr for tr in figure.data if tr.mode and "lines" in tr.mode]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_history_table_and_chart(store_key, con, lang: str) -> None:
    view = page.build(store_key, make_filters(lang, 2024, "P34-01", geo="34"))
    years = [int(y) for y in queries.waves(con)["year"]]
    table = view.history.frame
    assert list(table.columns) == [t("table.name", lang), *map(str, years)]  # every wave is a column
    labels = index_labels(con, 2024)
    name_col = "name_vi" if lang == "vi" else "name_en"
    by_name = table.set_index(t("table.name", lang))
    overall_name = labels.set_index("index_code").at["overall", name_col]
    for year in years:  # before 2025 the re-aggregated level, from 2025 the province itself
        level = "province34" if year < 2025 else "province"
        assert by_name.at[overall_name, str(year)] == pytest.approx(
            round(_overall(con, year, level, "P34-01")["value"], 2)
        )
    policy = labels.set_index("index_code").at["element:policy_info", name_col]
    assert (
        by_name.loc[policy, [str(y) for y in years if y < 2022]].isna().all()
    )  # no such element before 2022

    figure = view.history_chart.figure
    vertical = [s for s in figure.layout.shapes if s.type == "line" and s.x0 == s.x1]
    assert {(s.x0, s.line.dash) for s in vertical} == {(2021.5, "dash"), (2024.5, "dashdot")}
    assert len(vertical) == 2 * len(table)  # both breaks in every panel
    labels = {tr.name: tr.line.dash for tr in figure.data if tr.legendgroup == "breaks"}
    assert labels == {t("profile.break_2022", lang): "dash", t("profile.break_2025", lang): "dashdot"}
    for trace in _lines(figure):  # never a line from 2021 to 2022
        xs = list(trace.x)
        assert not (2021 in xs and 2022 in xs), trace.name
    assert len(figure.layout.annotations) == len(table)  # one titled panel per row


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_merged_province_shows_its_successor_apart(store_key, lang: str) -> None:
    view = page.build(store_key, make_filters(lang, 2020, "P63-67"))  # Đắk Nông -> Lâm Đồng (P34-68)
    successor = units.translate_unit(store_key, "P63-67", "34")
    name = units.unit_name(store_key, successor, lang)
    assert view.successor == Link(t("profile.successor_link", lang, name=name), successor)
    assert t("profile.col_successor", lang, year=2025, name=name) == view.history.frame.columns[-1]
    own = [
        tr
        for tr in _lines(view.history_chart.figure)
        if tr.name == units.unit_name(store_key, "P63-67", lang)
    ]
    assert own and all(2025 not in list(tr.x) for tr in own)
    apart = [
        tr
        for tr in view.history_chart.figure.data
        if tr.name == t("profile.successor_series", lang, name=name)
    ]
    assert apart and all(list(tr.x) == [2025] for tr in apart)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("year", "geo"), [(2024, "63"), (2025, "34")])
def test_benchmark_names_the_best_usable_province(store_key, con, lang: str, year: int, geo: str) -> None:
    from analysis.reliability import is_usable, reliability

    unit = "P63-01" if geo == "63" else "P34-01"
    view = page.build(store_key, make_filters(lang, year, unit, geo=geo))
    frame = compute_indices(con, year, "province")
    overall = frame[(frame["index_code"] == "overall") & frame["value"].notna()]
    usable = overall[
        [is_usable(reliability(r.value, r.ci_low, r.ci_high, r.flags)) for r in overall.itertuples()]
    ]
    best = usable.loc[usable["value"].idxmax()]
    assert view.facts["best_unit"] == best["unit_id"]
    best_name = units.unit_name(store_key, best["unit_id"], lang)
    national = _overall(con, year, "national", "VN")
    assert view.benchmark_note.text == t("profile.benchmark_line", lang, best=best_name, year=year,
                                         best_value=fmt_pct(best["value"], lang),
                                         national=fmt_pct(national["value"], lang))  # fmt: skip
    names = [tr.name for tr in view.benchmark.figure.data]
    assert names == [units.unit_name(store_key, unit, lang), t("filters.national", lang),
                     t("profile.best_series", lang, name=best_name)]  # fmt: skip
    best_trace = view.benchmark.figure.data[2]
    assert max(best_trace.x) <= 100 and float(best["value"]) in [pytest.approx(x) for x in best_trace.x]
    x_low, x_high = view.benchmark.figure.layout.xaxis.range
    data = view.benchmark.data
    assert x_low <= data[["value", "ci_low"]].min().min() and x_high >= data[["value", "ci_high"]].max().max()


def _unreliable_district(con) -> str:
    frame = compute_indices(con, 2024, "district")
    overall = frame[(frame["index_code"] == "overall") & frame["value"].notna()]
    wide = overall[(overall["ci_high"] - overall["ci_low"]) / 2 > 10]
    return str(wide.sort_values("unit_id")["unit_id"].iloc[0])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_reliability_flag_of_an_unreliable_unit(store_key, con, lang: str) -> None:
    unit = _unreliable_district(con)
    row = _overall(con, 2024, "district", unit)
    assert (row["ci_high"] - row["ci_low"]) / 2 > 10
    view = page.build(store_key, make_filters(lang, 2024, "P63-01"), focus=unit)
    assert view.unit_id == unit and view.facts["reliability"] == "unreliable"
    assert view.reliability.kind == "warning"
    assert view.reliability.text.startswith(t("reliability.unreliable_note", lang))
    assert fmt_pct(row["value"], lang) in view.reliability.text
    assert (
        view.rank is None and view.change == [] and "rank" not in view.facts and "verdict" not in view.facts
    )
    assert [m.label for m in view.metrics] == [
        t("profile.kpi_index", lang, year=2024),
        t("profile.kpi_n", lang),
    ]
    assert view.metrics[1].delta == t(
        "profile.kpi_reliability", lang, flag=t("reliability.short_unreliable", lang)
    )
    assert view.benchmark.figure.data[0].name.endswith(t("profile.unreliable_suffix", lang))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_children_table_values_and_reliability(store_key, engine, lang: str) -> None:
    from content.common import reliability_text

    view = page.build(store_key, make_filters(lang, 2024, "P63-01"))
    table = view.children_table.frame
    overall = engine.district[engine.district["index_code"] == "overall"].set_index("unit_id")
    units_ = [link.split("focus=")[1] for link in table["profile"]]
    assert set(units_) == {link.focus for link in view.children}
    assert table[t("table.value", lang)].tolist() == pytest.approx(
        overall.loc[units_, "value"].round(2).tolist()
    )
    assert table[t("table.n", lang)].tolist() == overall.loc[units_, "n"].tolist()
    assert table[t("table.reliability", lang)].tolist() == [
        reliability_text(overall.loc[u], lang) for u in units_
    ]
    assert view.children_table.links == {"profile": t("table.open_profile", lang)}
