"""Geography follows the year (issue 12): the sidebar switches to the 63 provinces of a pre-2025 wave
unless the user asked for the re-aggregated view, and back to 34 for 2025; the Overview's rank is out of
the provinces of the geography shown."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from access.scope import PUBLIC
from content import source
from content.source import StoreKey
from i18n import t
from tests.views.conftest import AppStates


@pytest.fixture(scope="module")
def store_key(demo_db_path) -> StoreKey:
    path = demo_db_path.resolve()
    return str(path), path.stat().st_mtime


def _geo(app: AppTest) -> str:
    """The geography shown: the sidebar radio's value, which must agree with the URL and the filters."""
    radio = next(r for r in app.sidebar.radio if r.key.startswith("geo-"))
    assert app.query_params["geo"] == radio.value
    assert app.session_state["filters"].geo == radio.value
    return radio.value


def _rank_line(app: AppTest) -> str:
    lines = [m.value for m in app.markdown if m.value.startswith(("Xếp hạng **", "Rank **"))]
    assert len(lines) == 1, [m.value for m in app.markdown]
    return lines[0]


def _choose_year(app: AppTest, year: int) -> AppTest:
    app.sidebar.selectbox(key="year").select(year).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def _expected_rank(store_key: StoreKey, year: int, level: str, unit_id: str) -> tuple[int, int]:
    ranks = source.ranks(store_key, year, level, "overall", scope=PUBLIC).set_index("unit_id")
    return int(ranks.loc[unit_id, "rank"]), int(ranks.loc[unit_id, "rank_of"])


def test_going_back_from_2025_to_2020_shows_63_provinces(app_states: AppStates, store_key) -> None:
    app = app_states.first_run({"lang": "vi", "unit": "P34-01"})  # latest wave (2025): 34 provinces
    assert app.session_state["year"] == 2025
    assert _geo(app) == "34"
    _choose_year(app, 2024)
    assert _geo(app) == "63"  # was kept on 34 before issue 12
    assert app.session_state["unit"] == "P63-01"  # Hà Nội carried across the geographies
    _choose_year(app, 2020)
    assert _geo(app) == "63"
    rank, of = _expected_rank(store_key, 2020, "province", "P63-01")
    assert of == 63
    assert f"**{rank}/63**" in _rank_line(app)
    assert not app.session_state["filters"].reaggregated
    assert t("common.reaggregated_notice", "vi", year=2020) not in [i.value for i in app.info]
    _choose_year(app, 2025)
    assert _geo(app) == "34"
    assert app.session_state["unit"] == "P34-01"
    rank, of = _expected_rank(store_key, 2025, "province34", "P34-01")
    assert of == 34
    assert f"**{rank}/34**" in _rank_line(app)


def test_a_reaggregated_link_is_kept_and_labelled_until_the_year_crosses_2025(
    app_states: AppStates, store_key
) -> None:
    app = app_states.first_run({"lang": "vi", "year": "2024", "geo": "34", "unit": "P34-01"})
    assert _geo(app) == "34"
    assert app.session_state["filters"].reaggregated
    _choose_year(app, 2020)  # an explicit choice sticks while the year stays before 2025
    assert _geo(app) == "34"
    rank, of = _expected_rank(store_key, 2020, "province34", "P34-01")
    assert of == 34
    line = _rank_line(app)
    assert f"**{rank}/34**" in line and t("filters.reaggregated_label", "vi") in line
    assert t("common.reaggregated_notice", "vi", year=2020) in [i.value for i in app.info]
    _choose_year(app, 2025)
    assert _geo(app) == "34"
    _choose_year(app, 2023)  # across the boundary the default applies again
    assert _geo(app) == "63"
    assert not app.session_state["filters"].reaggregated


def test_choosing_the_reaggregated_view_on_the_radio(app_states: AppStates, store_key) -> None:
    app = app_states.first_run({"lang": "en", "year": "2020", "unit": "P63-01"})
    assert _geo(app) == "63"
    next(r for r in app.sidebar.radio if r.key.startswith("geo-")).set_value("34").run()
    assert not app.exception
    assert _geo(app) == "34"
    assert app.session_state["unit"] == "P34-01"
    rank, _ = _expected_rank(store_key, 2020, "province34", "P34-01")
    assert f"**{rank}/34**" in _rank_line(app)
    _choose_year(app, 2019)
    assert _geo(app) == "34"
