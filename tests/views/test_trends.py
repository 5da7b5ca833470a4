"""Trends page through the real entry point: runs for every geography case in both languages, and the
numbers shown equal the analysis results for the same filters."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from i18n import fmt_signed, t
from tests.views.conftest import AppStates

CASES = [
    {"year": "2024", "geo": "63", "unit": "P63-01"},
    {"year": "2024", "geo": "63", "unit": "VN"},
    {"year": "2025", "unit": "P34-08"},
    {"year": "2023", "geo": "34", "unit": "P34-08"},
]


def _open(app_states: AppStates, query: dict, lang: str) -> AppTest:
    return app_states.page("views/trends.py", query | {"lang": lang})


def _table(app: AppTest, column_key: str, lang: str) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if t(column_key, lang) in d.value.columns)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("query", CASES, ids=lambda q: "-".join(q.values()))
def test_trends_runs(app_states: AppStates, query: dict, lang: str) -> None:
    app = _open(app_states, query, lang)
    assert not app.exception, [e.message for e in app.exception]
    assert app.title[0].value == t("trends.title", lang)
    assert len(app.dataframe) == 2  # year-over-year and slope tables


def test_yoy_and_slope_equal_analysis(app_states: AppStates, demo_db_path) -> None:
    from analysis.change import year_over_year
    from analysis.engine import compute_indices
    from analysis.trend import trend
    from store.db import connect_read_only

    lang = "vi"
    app = _open(app_states, {"year": "2024", "geo": "63", "unit": "P63-01"}, lang)
    assert not app.exception
    with connect_read_only(demo_db_path) as con:
        cur, prev = compute_indices(con, 2024, "province"), compute_indices(con, 2023, "province")
        series = pd.concat([compute_indices(con, y, "province") for y in range(2017, 2025)])
    change = year_over_year(cur, prev, adjust=False)
    row = change[(change["unit_id"] == "P63-01") & (change["index_code"] == "overall")].iloc[0]
    yoy = _table(app, "trends.col_change", lang)
    shown = yoy[yoy[t("trends.col_year", lang)] == "2024"].iloc[0]
    assert shown[t("trends.col_change", lang)] == fmt_signed(row["change"], lang)
    assert shown[t("trends.col_verdict", lang)] == t(f"verdict.{row['verdict']}", lang)

    unit = series[(series["unit_id"] == "P63-01") & (series["index_code"] == "overall")]
    fit = trend(unit[["year", "value", "se"]])
    slopes = _table(app, "trends.col_slope", lang)
    for _, seg in fit.iterrows():
        label = f"{seg['segment_start']}–{seg['segment_end']}"
        shown = slopes[slopes[t("trends.col_segment", lang)] == label].iloc[0]
        assert shown[t("trends.col_slope", lang)] == fmt_signed(seg["slope"], lang)
    # the 2025 successor (a new territory) is never fitted together with 2022–2024
    assert "2022–2025" not in set(slopes[t("trends.col_segment", lang)])


def test_peers_add_series_and_ranks(app_states: AppStates) -> None:
    app = _open(app_states, {"year": "2024", "geo": "63", "unit": "P63-01"}, "en")
    app.multiselect(key="trends-peers-63").select("P63-02").run()
    assert not app.exception
    names = {n.split(" → ")[0] for n in _table(app, "trends.col_change", "en")[t("table.name", "en")]}
    assert len(names) == 2
    assert len(app.get("plotly_chart")) == 2  # lines and rank bump chart
