"""The Map's content object carries the numbers `analysis` gives for the same filters, in both languages:
the coloured values, ranks with their intervals, the change verdicts in the hover, the units offered for a
profile and the notes."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis.change import year_over_year
from analysis.engine import compute_indices, index_labels, ranks
from analysis.ranking import rank_units
from content import map as page
from content import units
from content.model import parts
from content.serialise import to_json
from i18n import fmt_number, fmt_signed, t
from store import queries
from store.db import connect_read_only
from tests.content.conftest import make_filters


def _plain(title: str) -> str:
    """A figure title as read: the lines it is wrapped into (<br>) joined by spaces, styling tags removed."""
    return re.sub(r"</?span[^>]*>", "", title.replace("<br>", " "))


@pytest.fixture(scope="module")
def engine(demo_db_path):
    with connect_read_only(demo_db_path) as con:
        yield SimpleNamespace(
            province=compute_indices(con, 2024, "province"),
            province_2023=compute_indices(con, 2023, "province"),
            national=compute_indices(con, 2024, "national"),
            district=compute_indices(con, 2024, "district"),
            district_2023=compute_indices(con, 2023, "district"),
            ranks=ranks(con, 2024, "province", "overall"),
            ranks_procedure=ranks(con, 2024, "province", "element:procedure"),
            labels=index_labels(con, 2024),
            units=queries.units(con),
        )


def _trace_values(chart) -> dict[str, float]:
    """unit id -> z of the first (choropleth) trace, as plotly serialises it."""
    trace = json.loads(chart.figure.to_json())["data"][0]
    z = trace["z"]
    if isinstance(z, dict):  # plotly 7: base64 typed array
        import base64

        z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"]).newbyteorder("<"))
    return dict(zip(trace["locations"], np.asarray(z, dtype=float), strict=True))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_options_offer_the_indices_modes_and_levels(store_key, engine, lang: str) -> None:
    choices = page.options(store_key, make_filters(lang, 2024))
    labels = engine.labels[engine.labels["level"].isin(page.INDEX_LEVELS)].sort_values("position")
    assert choices.indices == tuple(labels["index_code"])
    name_col = "name_vi" if lang == "vi" else "name_en"
    assert dict(choices.index_labels) == dict(zip(labels["index_code"], labels[name_col], strict=True))
    assert choices.modes == ("value", "tier", "target", "national")
    assert choices.mode_labels["target"] == t("map.colour_target", lang)
    assert choices.levels == ("province",)  # the nation: nothing below to draw
    assert page.options(store_key, make_filters(lang, 2024, "P63-01")).levels == ("province", "below")
    reaggregated = make_filters(lang, 2024, "P34-08", geo="34")
    assert reaggregated.reaggregated and page.options(store_key, reaggregated).levels == ("province",)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_province_map_values_ranks_and_changes(store_key, engine, lang: str) -> None:
    filters = make_filters(lang, 2024)
    view = page.build(store_key, filters, "overall", "value", "province")
    assert view.header.title == t("map.title", lang)
    assert view.header.notices[0].text == t("common.demo_notice", lang)
    assert view.map.key == "map-provinces" and view.map.selectable
    expected = engine.province[engine.province["index_code"] == "overall"].set_index("unit_id")
    data = view.map.data.set_index("unit_id")
    assert len(data) == 63 and set(data.index) == set(expected.index)
    for column in ("value", "ci_low", "ci_high", "n"):
        assert data[column].to_numpy() == pytest.approx(
            expected.loc[data.index, column].to_numpy(), nan_ok=True
        )
    shown = _trace_values(view.map)
    assert len(shown) == 63
    for unit, value in shown.items():
        assert value == pytest.approx(expected.loc[unit, "value"], rel=1e-9)
    ranked = engine.ranks.set_index("unit_id")
    for column in ("rank", "rank_low", "rank_high"):
        assert data[column].astype(float).tolist() == pytest.approx(
            ranked.loc[data.index, column].astype(float).tolist(), nan_ok=True
        )
    assert view.map.caption == t("common.n_respondents", lang, n=fmt_number(expected["n"].sum(), lang, 0)) + (
        " · " + t("common.source_demo", lang)
    )

    # the hover of a unit: its rank with the interval and its change tested against 2023 (BH across units)
    current = engine.province[engine.province["index_code"] == "overall"]
    previous = engine.province_2023[engine.province_2023["index_code"] == "overall"]
    change = year_over_year(current, previous, comparable=True, adjust=True).set_index("unit_id")
    hover = json.loads(view.map.figure.to_json())["data"][0]["text"]
    by_unit = dict(zip(json.loads(view.map.figure.to_json())["data"][0]["locations"], hover, strict=True))
    unit = "P63-01"
    r = ranked.loc[unit]
    assert t("map.hover_rank", lang, rank=int(r["rank"]), of=int(r["rank_of"]),
             interval=f" ({r['rank_low']}–{r['rank_high']})") in by_unit[unit]  # fmt: skip
    verdict = t(f"verdict.{change.loc[unit, 'verdict']}", lang)
    assert (
        t("map.hover_change", lang, change=fmt_signed(change.loc[unit, "change"], lang), verdict=verdict)
        in (by_unit[unit])
    )

    names = units.unit_names(store_key, lang)
    assert view.pick == tuple(sorted(expected.index, key=lambda u: names[u]))
    assert view.pick_labels == {u: names[u] for u in expected.index}
    assert view.footer.text == (
        t("map.islands_note", lang) + " · " + t("map.units_mapped", lang, n=fmt_number(63, lang, 0))
    )
    assert view.no_polygons is None
    assert len([p for p in parts(view) if p is view.map]) == 1
    assert "Hoàng Sa" in to_json(view)  # the island markers are part of the figure


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_colour_modes_and_another_index(store_key, engine, lang: str) -> None:
    filters = make_filters(lang, 2024, "P63-01")
    target = page.build(store_key, filters, "element:procedure", "target", "province")
    assert target.facts["midpoint"] == 80.0
    national = page.build(store_key, filters, "element:procedure", "national", "province")
    nat = engine.national.set_index("index_code").loc["element:procedure", "value"]
    assert national.facts["midpoint"] == pytest.approx(nat)
    name = dict(page.options(store_key, filters).index_labels)["element:procedure"]
    layout = json.loads(national.map.figure.to_json())["layout"]
    assert _plain(layout["title"]["text"]).startswith(t("map.chart_title", lang, index=name, year=2024))
    assert t("map.subtitle_national", lang) in _plain(layout["title"]["text"])
    expected = engine.province[engine.province["index_code"] == "element:procedure"].set_index("unit_id")
    data = national.map.data.set_index("unit_id")
    assert data["value"].to_numpy() == pytest.approx(
        expected.loc[data.index, "value"].to_numpy(), nan_ok=True
    )
    ranked = engine.ranks_procedure.set_index("unit_id")
    assert data["rank"].astype(float).tolist() == pytest.approx(
        ranked.loc[data.index, "rank"].astype(float).tolist(), nan_ok=True
    )
    tier = page.build(store_key, filters, "overall", "tier", "province")
    trace = json.loads(tier.map.figure.to_json())["data"]
    assert any(tr.get("name") == t("map.tier_1", lang) for tr in trace)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_districts_of_a_province_ranked_among_themselves(store_key, engine, lang: str) -> None:
    filters = make_filters(lang, 2024, "P63-01")
    view = page.build(store_key, filters, "overall", "value", "below")
    assert view.map.key == "map-below" and view.no_polygons is None  # Hà Nội has district polygons
    all_units = engine.units
    below = set(all_units.loc[all_units["parent_id"] == "P63-01", "unit_id"])
    districts = set(
        all_units.loc[(all_units["parent_id"] == "P63-01") & (all_units["level"] == "district"), "unit_id"]
    )
    members = districts | set(all_units.loc[all_units["parent_id"].isin(districts), "unit_id"])
    current = engine.district[
        (engine.district["index_code"] == "overall") & engine.district["unit_id"].isin(members)
    ]
    assert not current.empty
    data = view.map.data.set_index("unit_id")
    sampled = data[data["flags"] != "not_sampled"]
    assert set(sampled.index) == set(current["unit_id"])
    expected = current.set_index("unit_id")
    assert sampled["value"].to_numpy() == pytest.approx(
        expected.loc[sampled.index, "value"].to_numpy(), nan_ok=True
    )
    assert sampled["n"].tolist() == expected.loc[sampled.index, "n"].tolist()
    # every other unit below the province is drawn grey and counted
    assert set(data.index) == below | set(current["unit_id"])
    assert view.footer.text.endswith(t("map.units_mapped", lang, n=fmt_number(len(data), lang, 0)))
    # ranks among the province's districts only
    ranked = rank_units(current, "overall").set_index("unit_id")
    hover = dict(
        zip(json.loads(view.map.figure.to_json())["data"][0]["locations"],
            json.loads(view.map.figure.to_json())["data"][0]["text"], strict=True)
    )  # fmt: skip
    unit = ranked["rank"].astype(float).idxmin()
    r = ranked.loc[unit]
    assert f"1/{int(r['rank_of'])}" in hover[unit].replace(" ", "")
    assert int(r["rank_of"]) == len(current.dropna(subset=["value"]))
    title = _plain(json.loads(view.map.figure.to_json())["layout"]["title"]["text"])
    assert units.unit_name(store_key, "P63-01", lang) in title
    assert view.pick_labels[next(iter(below - set(current["unit_id"])))]  # unsampled units have names too


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_symbols_without_polygons(store_key, lang: str) -> None:
    quang_ninh = page.build(store_key, make_filters(lang, 2024, "P63-22"), "overall", "value", "below")
    assert quang_ninh.no_polygons.text == t("map.no_polygons", lang)  # no district file in the shared copy
    communes = page.build(
        store_key, make_filters(lang, 2025, "P34-08", geo="34"), "overall", "value", "below"
    )
    assert communes.no_polygons.text == t("map.no_polygons", lang)
    trace = json.loads(communes.map.figure.to_json())["data"]
    assert trace[1]["type"] == "scattermap"
    layout = json.loads(communes.map.figure.to_json())["layout"]
    assert t("map.subtitle_symbols", lang) in _plain(layout["title"]["text"])


def test_invalid_choices_fall_back(store_key) -> None:
    filters = make_filters("en", 2024)
    view = page.build(store_key, filters, "no-such-index", "sideways", "below")
    assert view.facts == view.facts | {"index_code": "overall", "mode": "value", "level": "province"}
    assert view.map.key == "map-provinces"


def test_selected_unit_from_an_event() -> None:
    assert page.selected_unit(None) is None
    assert page.selected_unit({"selection": {"points": []}}) is None
    assert page.selected_unit({"selection": {"points": [{"location": "P63-01"}]}}) == "P63-01"
    assert page.selected_unit({"selection": {"points": [{"customdata": ["D63-001"]}]}}) == "D63-001"
    event = SimpleNamespace(selection=SimpleNamespace(points=[{"location": None}, {"location": "P34-08"}]))
    assert page.selected_unit(event) == "P34-08"


def test_units_named_in_the_language(store_key, engine) -> None:
    vi = page.build(store_key, make_filters("vi", 2024), "overall", "value", "province")
    en = page.build(store_key, make_filters("en", 2024), "overall", "value", "province")
    short = engine.units.set_index("unit_id")
    assert vi.pick_labels["P63-01"] == short.at["P63-01", "short_vi"]
    assert en.pick_labels["P63-01"] == short.at["P63-01", "name_en"]
    assert vi.map.data["value"].equals(en.map.data["value"])
    assert isinstance(vi.map.data, pd.DataFrame)
