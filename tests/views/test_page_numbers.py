"""Numbers shown on the Map, Profile and Data pages equal what `analysis`/the store give for the same
filters (Overview, Trends, Compare, Dimensions and Drivers have their own test files)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from analysis.engine import compute_indices
from i18n import t
from store.db import connect_read_only
from tests.views.conftest import AppStates


@pytest.fixture(scope="module")
def province_2024(demo_db_path):
    with connect_read_only(demo_db_path) as con:
        result = compute_indices(con, 2024, "province")
    return result[result["index_code"] == "overall"].set_index("unit_id")


def _array(value) -> np.ndarray:
    """Plotly 7 sends numeric arrays as base64 typed arrays."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(
            base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]).newbyteorder("<")
        )
    return np.asarray(value, dtype=float)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_map_colours_are_the_province_indices(app_states: AppStates, province_2024, lang: str) -> None:
    app = app_states.page("views/map.py", {"lang": lang, "year": "2024", "geo": "63", "unit": "VN"})
    assert not app.exception
    trace = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]
    shown = dict(zip(trace["locations"], _array(trace["z"]), strict=True))
    assert len(shown) == 63
    for unit, value in shown.items():
        assert value == pytest.approx(province_2024.loc[unit, "value"], rel=1e-9)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_profile_table_is_the_units_indices(app_states: AppStates, demo_db_path, lang: str) -> None:
    app = app_states.page("views/profile.py", {"lang": lang, "year": "2024", "geo": "63", "unit": "P63-01"})
    assert not app.exception
    table = app.dataframe[0].value
    with connect_read_only(demo_db_path) as con:
        result = compute_indices(con, 2024, "province")
    unit = result[result["unit_id"] == "P63-01"].set_index("index_code")
    shown = table[t("table.value", lang)].to_numpy()
    expected = unit.loc[["overall", "domain:policy", "domain:service"], "value"].round(2).to_numpy()
    assert set(np.round(expected, 2)) <= set(np.round(shown, 2))
    assert table[t("table.n", lang)].iloc[0] == unit.loc["overall", "n"]


def test_data_page_counts_are_the_stores(app_states: AppStates, demo_db_path) -> None:
    app = app_states.page("views/data_catalogue.py", {"lang": "vi", "year": "2024"})
    assert not app.exception
    waves = app.dataframe[0].value
    with connect_read_only(demo_db_path) as con:
        counts = dict(con.execute("SELECT year, count(*) FROM respondent GROUP BY year").fetchall())
    shown = dict(zip(waves[t("data.col_year", "vi")], waves[t("data.col_respondents", "vi")], strict=True))
    assert shown == counts
