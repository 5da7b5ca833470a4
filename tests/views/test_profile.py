"""Unit profile under AppTest (real demo DB, real entry point): the headline, rank and change cards equal the
analysis results, both charts are drawn, and an unreliable unit is flagged and not ranked."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analysis.engine import compute_indices, ranks
from i18n import fmt_ci, fmt_pct, t
from store.db import connect_read_only
from tests.views.conftest import AppStates

PAGE = "views/profile.py"


@pytest.fixture(scope="module")
def con(demo_db_path):
    with connect_read_only(demo_db_path) as connection:
        yield connection


def _run(app_states: AppStates, query: dict) -> AppTest:
    app = app_states.page(PAGE, query)
    assert not app.exception, [e.message for e in app.exception]
    return app


def _overall(con, year: int, level: str, unit: str):
    frame = compute_indices(con, year, level)
    return frame[(frame["unit_id"] == unit) & (frame["index_code"] == "overall")].iloc[0]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(
    ("year", "geo", "unit", "of"),
    [(2020, "63", "P63-01", 63), (2025, "34", "P34-01", 34)],
    ids=["2020", "2025"],
)
def test_headline_rank_and_charts_on_screen(app_states: AppStates, con, lang, year, geo, unit, of) -> None:
    app = _run(app_states, {"lang": lang, "year": str(year), "geo": geo, "unit": unit})
    assert app.title[0].value == t("profile.title", lang)
    row = _overall(con, year, "province" if geo == "63" else "province34", unit)
    assert app.metric[0].value == fmt_pct(row["value"], lang)
    assert app.metric[0].delta == t("profile.kpi_ci", lang, ci=fmt_ci(row["ci_low"], row["ci_high"], lang))
    ranked = ranks(con, year, "province", "overall").set_index("unit_id")
    assert app.metric[2].label == t("profile.kpi_rank", lang, year=year)
    assert app.metric[2].value == f"{int(ranked.at[unit, 'rank'])}/{of}"
    assert len(app.get("plotly_chart")) == 2  # components over the years, benchmark
    subheaders = [s.value for s in app.subheader]
    assert t("profile.history_title", lang) in subheaders and t("profile.benchmark_title", lang) in subheaders
    assert not any(w.value.startswith(t("reliability.unreliable_note", lang)) for w in app.warning)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_unreliable_district_is_flagged_and_not_ranked(app_states: AppStates, con, lang: str) -> None:
    frame = compute_indices(con, 2024, "district")
    overall = frame[(frame["index_code"] == "overall") & frame["value"].notna()]
    unit = sorted(overall.loc[(overall["ci_high"] - overall["ci_low"]) / 2 > 10, "unit_id"])[0]
    app = _run(app_states, {"lang": lang, "year": "2024", "geo": "63", "unit": "P63-01", "focus": unit})
    warnings = [w.value for w in app.warning]
    assert any(w.startswith(t("reliability.unreliable_note", lang)) for w in warnings)
    labels = [m.label for m in app.metric]
    assert labels == [t("profile.kpi_index", lang, year=2024), t("profile.kpi_n", lang)]  # no rank, no change
    row = overall.set_index("unit_id").loc[unit]
    assert app.metric[0].value == fmt_pct(row["value"], lang)
