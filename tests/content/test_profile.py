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
from i18n import fmt_number, fmt_pct, t
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
                                   ("name", "value", "ci_low", "ci_high", "n", "n_eff", "flags")]  # fmt: skip
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
    source_col = t("table.source", lang)
    assert view.published.key == "profile-published" and view.published.links == {source_col: ""}
    assert list(published.columns) == [
        "year",
        "index_code",
        "value_as_published",
        "rank",
        "measured_by",
        source_col,
    ]
    assert published[source_col].tolist() == engine.published["source"].tolist()
    assert published["value_as_published"].tolist() == engine.published["value_as_published"].tolist()
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
