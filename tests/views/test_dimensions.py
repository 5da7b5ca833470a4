"""Elements & criteria page under AppTest through app.py: runs everywhere, shows the engine's numbers,
and shows suppressed respondent groups as 'không đủ mẫu'."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from i18n import t
from tests.views.conftest import AppStates

PAGE = "views/dimensions.py"
CASES = [
    {"year": "2024", "geo": "63", "unit": "P63-01"},
    {"year": "2024", "geo": "63", "unit": "VN"},
    {"year": "2025", "geo": "34", "unit": "P34-05"},
]


def open_page(app_states: AppStates, lang: str, params: dict[str, str]) -> AppTest:
    app = app_states.page(PAGE, {"lang": lang, **params})
    assert not app.exception, [e.message for e in app.exception]
    return app


def breakdown_table(app: AppTest, lang: str) -> pd.DataFrame:
    tables = [d.value for d in app.dataframe if t("dimensions.group_column", lang) in d.value.columns]
    assert len(tables) == 1
    return tables[0]


def group_label(breakdown: str, code: str, lang: str) -> str:
    """The page's label of a group code (importing the page module would run it)."""
    return t(f"dimensions.groups.{breakdown}.{code}", lang)


def engine_groups(demo_db_path, year: int, level: str, unit: str, breakdown: str) -> pd.DataFrame:
    from analysis.engine import compute_indices
    from store.db import connect_read_only

    with connect_read_only(demo_db_path) as con:
        result = compute_indices(con, year, level, breakdown=breakdown)
    return result[(result["unit_id"] == unit) & (result["index_code"] == "overall")]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("params", CASES, ids=lambda p: f"{p['year']}-{p['unit']}")
def test_page_runs(app_states: AppStates, lang: str, params: dict[str, str]) -> None:
    app = open_page(app_states, lang, params)
    assert app.title[0].value == t("dimensions.title", lang)
    assert len(app.get("plotly_chart")) >= 4  # elements, criteria, groups, heatmap
    app.radio(key="dimensions-sort").set_value("name").run()
    app.selectbox(key="dimensions-breakdown").set_value("service_field").run()
    assert not app.exception, [e.message for e in app.exception]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_breakdown_values_equal_engine(app_states: AppStates, demo_db_path, lang: str) -> None:
    app = open_page(app_states, lang, {"year": "2024", "geo": "63", "unit": "P63-01"})
    app.selectbox(key="dimensions-breakdown").set_value("age_group").run()
    shown = breakdown_table(app, lang).set_index(t("dimensions.group_column", lang))
    expected = engine_groups(demo_db_path, 2024, "province", "P63-01", "age_group")
    assert len(shown) == len(expected) == 4
    for _, row in expected.iterrows():
        label = group_label("age_group", row["grp"], lang)
        assert shown.loc[label, t("table.value", lang)] == pytest.approx(round(row["value"], 2))
        assert shown.loc[label, t("table.n", lang)] == row["n"]


def test_national_breakdown_equals_engine(app_states: AppStates, demo_db_path) -> None:
    app = open_page(app_states, "vi", {"year": "2024", "geo": "63", "unit": "VN"})
    shown = breakdown_table(app, "vi").set_index(t("dimensions.group_column", "vi"))  # default: sex
    expected = engine_groups(demo_db_path, 2024, "national", "VN", "sex")
    assert shown.loc["Nữ", t("table.value", "vi")] == pytest.approx(
        round(expected.loc[expected["grp"] == "female", "value"].iloc[0], 2)
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_suppressed_groups_shown_as_such(app_states: AppStates, demo_db_path, lang: str) -> None:
    from analysis.engine import compute_indices
    from store.db import connect_read_only

    with connect_read_only(demo_db_path) as con:
        result = compute_indices(con, 2024, "province", breakdown="channel")
    hidden = result[(result["index_code"] == "overall") & result["flags"].str.contains("suppressed")]
    assert not hidden.empty, "the demo should have a province with too few postal respondents"
    unit = hidden["unit_id"].iloc[0]
    app = open_page(app_states, lang, {"year": "2024", "geo": "63", "unit": unit})
    app.selectbox(key="dimensions-breakdown").set_value("channel").run()
    assert not app.exception
    labels = [group_label("channel", g, lang) for g in hidden.loc[hidden["unit_id"] == unit, "grp"]]
    message = t("dimensions.breakdown_suppressed", lang, groups=", ".join(labels))
    assert any(w.value == message for w in app.warning)
    table = breakdown_table(app, lang).set_index(t("dimensions.group_column", lang))
    for label in labels:
        assert table.loc[label, t("table.value", lang)] == "–"  # a gap shows as a dash, never "None"
        assert t("flags.suppressed", lang) in table.loc[label, t("table.flags", lang)]
    if lang == "vi":
        assert "không đủ mẫu" in message.lower()
