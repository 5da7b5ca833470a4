"""The Dimensions content object carries the engine's numbers for the same filters and choices, in both
languages: the unit's domains, elements and criteria, the unit by respondent group (with suppressed groups
named), and the province heatmap in the chosen order."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from analysis.engine import compute_indices, index_labels
from content import dimensions, units
from content.serialise import to_json
from i18n import fmt_number, t
from reference.units import fold
from store.db import connect_read_only
from tests.content.conftest import make_filters


@pytest.fixture(scope="module")
def engine(demo_db_path):
    with connect_read_only(demo_db_path) as con:
        return {
            "province": compute_indices(con, 2024, "province"),
            "national": compute_indices(con, 2024, "national"),
            "age_group": compute_indices(con, 2024, "province", "age_group"),
            "channel": compute_indices(con, 2024, "province", "channel"),
            "sex_national": compute_indices(con, 2024, "national", "sex"),
            "labels": index_labels(con, 2024),
        }


def _unit(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    return frame[frame["unit_id"] == unit].set_index("index_code")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_elements_and_criteria_equal_engine(store_key, engine, lang: str) -> None:
    labels = engine["labels"].set_index("index_code")
    element_codes = list(labels[labels["level"] == "element"].sort_values("position").index)
    chosen = element_codes[2]
    view = dimensions.build(store_key, make_filters(lang, 2024, "P63-01"), element=chosen)
    expected = _unit(engine["province"], "P63-01")
    name_col = "name_vi" if lang == "vi" else "name_en"

    assert view.header.title == t("dimensions.title", lang)
    assert view.header.notices[0].text == t("common.demo_notice", lang)
    assert view.unit == units.unit_name(store_key, "P63-01", lang)
    assert view.no_results is None and view.element == chosen

    # domains and elements: value, CI and n of the engine, names in the chosen language
    bars = view.elements.data.set_index("index_code")
    codes = list(labels[labels["level"].isin(["domain", "element"])].index)
    assert sorted(bars.index) == sorted(c for c in codes if c in expected.index)
    for code, row in bars.iterrows():
        assert row["value"] == pytest.approx(expected.loc[code, "value"], abs=1e-12)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(
            (expected.loc[code, "ci_low"], expected.loc[code, "ci_high"])
        )
        assert row["n"] == expected.loc[code, "n"]
        assert row["index_name"] == labels.loc[code, name_col]
    n_max = expected.loc[list(bars.index), "n"].max()
    assert view.elements.caption.startswith(t("common.n_respondents", lang, n=fmt_number(n_max, lang, 0)))

    # the criteria of the chosen element, in catalogue order, and their table (rounded to 2 decimals)
    items = [
        c for c in labels[labels["parent"] == chosen].sort_values("position").index if c in expected.index
    ]
    assert items, "the demo element should have criteria"
    assert list(view.facts["criteria"]["index_code"]) == items
    table = view.items.frame
    assert list(table.columns[:2]) == [t("table.name", lang), t("table.value", lang)]
    assert list(table[t("table.name", lang)]) == [labels.loc[c, name_col] for c in items]
    assert list(table[t("table.value", lang)]) == pytest.approx(list(expected.loc[items, "value"].round(2)))
    assert list(table[t("table.n", lang)]) == list(expected.loc[items, "n"])
    element_name = labels.loc[chosen, name_col]
    title = t("dimensions.criteria_title", lang, element=element_name, unit=view.unit, year=2024)
    assert view.criteria.figure.layout.title.text.startswith(title)
    assert view.items_title == t("dimensions.items_title", lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_breakdown_equals_engine(store_key, engine, lang: str) -> None:
    code = "domain:service"
    view = dimensions.build(
        store_key, make_filters(lang, 2024, "P63-01"), breakdown="age_group", index_code=code
    )
    groups = engine["age_group"]
    expected = groups[(groups["unit_id"] == "P63-01") & (groups["index_code"] == code)]
    assert view.breakdown == "age_group" and view.index_code == code
    assert view.breakdown_title == t("dimensions.breakdown_header", lang)
    table = view.breakdown_table.frame.set_index(t("dimensions.group_column", lang))
    assert len(table) == len(expected) == 4
    for _, row in expected.iterrows():
        label = t(f"dimensions.groups.age_group.{row['grp']}", lang)
        assert table.loc[label, t("table.value", lang)] == pytest.approx(round(row["value"], 2))
        assert table.loc[label, t("table.ci_low", lang)] == pytest.approx(round(row["ci_low"], 2))
        assert table.loc[label, t("table.n", lang)] == row["n"]
    # groups in questionnaire (catalogue) order
    assert list(view.facts["groups"]["grp"]) == [g for g in dimensions.group_order("age_group", lang)
                                                 if g in set(expected["grp"])]  # fmt: skip
    assert view.groups.caption.startswith(
        t("common.n_respondents", lang, n=fmt_number(expected["n"].sum(), lang, 0))
    )
    assert view.suppressed is None and view.breakdown_no_data is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_suppressed_groups_are_named(store_key, engine, lang: str) -> None:
    channel = engine["channel"]
    hidden = channel[(channel["index_code"] == "overall") & channel["flags"].str.contains("suppressed")]
    assert not hidden.empty, "the demo should have a province with too few postal respondents"
    unit = hidden["unit_id"].iloc[0]
    view = dimensions.build(store_key, make_filters(lang, 2024, unit), breakdown="channel")
    labels = [t(f"dimensions.groups.channel.{g}", lang) for g in hidden.loc[hidden["unit_id"] == unit, "grp"]]
    assert view.suppressed.kind == "warning"
    assert view.suppressed.text == t("dimensions.breakdown_suppressed", lang, groups=", ".join(labels))
    table = view.breakdown_table.frame.set_index(t("dimensions.group_column", lang))
    for label in labels:
        assert pd.isna(table.loc[label, t("table.value", lang)])
        assert t("flags.suppressed", lang) in table.loc[label, t("table.flags", lang)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_heatmap_order_by_value_and_by_name(store_key, engine, lang: str) -> None:
    filters = make_filters(lang, 2024, "P63-01")
    names = units.unit_names(store_key, lang)
    overall = engine["province"][engine["province"]["index_code"] == "overall"]
    by_value = dimensions.build(store_key, filters)  # default: by the overall index
    assert by_value.sort == "overall"
    ranked = overall.sort_values("value", ascending=False, na_position="last")
    assert by_value.facts["heatmap_rows"] == [names[u] for u in ranked["unit_id"]]
    assert by_value.heatmap_title == t("dimensions.heatmap_header", lang)
    title = t("dimensions.heatmap_title", lang, count=len(overall), year=2024)
    assert by_value.heatmap.figure.layout.title.text.startswith(title)
    z = by_value.heatmap.figure.data[0].z
    assert z[0][0] == pytest.approx(ranked["value"].iloc[0])  # first row, first column: the best overall

    by_name = dimensions.build(store_key, filters, sort="name")
    assert by_name.facts["heatmap_rows"] == sorted((names[u] for u in overall["unit_id"]), key=fold)
    assert by_name.elements.data.equals(by_value.elements.data)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_defaults_are_the_first_options(store_key, engine, lang: str) -> None:
    filters = make_filters(lang, 2024)
    offered = dimensions.options(store_key, filters)
    view = dimensions.build(store_key, filters)
    assert offered.has_results and offered.has_heatmap
    assert (view.element, view.breakdown, view.index_code, view.sort) == (
        offered.elements[0], "sex", "overall", "overall"
    )  # fmt: skip
    labels = engine["labels"]
    name_col = "name_vi" if lang == "vi" else "name_en"
    elements = labels[labels["level"] == "element"].sort_values("position")
    assert list(offered.elements) == list(elements["index_code"])
    assert [offered.element_labels[c] for c in offered.elements] == list(elements[name_col])
    assert offered.breakdown_labels["sex"] == t("dimensions.breakdowns.sex", lang)
    assert offered.sort_labels["name"] == t("dimensions.sort_name", lang)
    # the nation by sex (the default breakdown) equals the engine
    sex = engine["sex_national"]
    female = sex[(sex["grp"] == "female") & (sex["index_code"] == "overall")]["value"].iloc[0]
    table = view.breakdown_table.frame.set_index(t("dimensions.group_column", lang))
    assert table.loc[t("dimensions.groups.sex.female", lang), t("table.value", lang)] == pytest.approx(
        round(female, 2)
    )
    # a choice that is not offered falls back to the first option, as the widget would
    again = dimensions.build(store_key, filters, element="element:none", breakdown="shoe_size", sort="random")
    assert (again.element, again.breakdown, again.sort) == (offered.elements[0], "sex", "overall")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_unit_without_results(store_key, lang: str) -> None:
    filters = make_filters(lang, 2025, "P34-05", geo="34")  # not a 2025 province of the demo
    offered = dimensions.options(store_key, filters)
    view = dimensions.build(store_key, filters)
    assert not offered.has_results and offered.elements == ()
    assert view.no_results.text == t("dimensions.no_results", lang)
    assert view.elements is None and view.groups is None and view.breakdown_table is None
    assert view.heatmap is not None  # the provinces of the geography are still shown
    assert view.header.notices[-1].text == t("common.methodology_2022_note", lang)


def test_the_object_is_serialisable(store_key) -> None:
    view = dimensions.build(store_key, make_filters("vi", 2024, "P63-01"), breakdown="area")
    assert to_json(pickle.loads(pickle.dumps(view))) == to_json(view)
    assert to_json(
        dimensions.build(store_key, make_filters("vi", 2024, "P63-01"), breakdown="area")
    ) == to_json(view)
