"""Drivers page under AppTest through app.py: runs everywhere, shows key_drivers' numbers, and fits no model
below the minimum n."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from i18n import fmt_number, t
from tests.views.conftest import AppStates

PAGE = "views/drivers.py"
CASES = [
    {"year": "2024", "geo": "63", "unit": "P63-01"},
    {"year": "2024", "geo": "63", "unit": "VN"},
    {"year": "2025", "geo": "34", "unit": "P34-05"},
]


def open_page(app_states: AppStates, lang: str, params: dict[str, str]) -> AppTest:
    app = app_states.page(PAGE, {"lang": lang, **params})
    assert not app.exception, [e.message for e in app.exception]
    return app


def expected_drivers(demo_db_path, year: int, level: str, unit: str):
    from analysis.drivers import key_drivers
    from analysis.engine import respondent_scores
    from content.source import DRIVER_MAX_RESPONDENTS
    from store.db import connect_read_only

    with connect_read_only(demo_db_path) as con:
        scores = respondent_scores(con, year, level, unit, max_respondents=DRIVER_MAX_RESPONDENTS)
    names = [c for c in scores.columns if c not in ("resp_no", "weight", "psu", "stratum", "outcome")]
    return key_drivers(scores, names)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("params", CASES, ids=lambda p: f"{p['year']}-{p['unit']}")
def test_page_runs(app_states: AppStates, lang: str, params: dict[str, str]) -> None:
    app = open_page(app_states, lang, params)
    assert app.title[0].value == t("drivers.title", lang)
    assert any(t("common.demo_notice", lang) == w.value for w in app.warning)
    assert len(app.get("plotly_chart")) == 1
    assert app.metric[1].value == fmt_number(200, lang, 0)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("year", "geo", "level", "unit"), [(2024, "63", "province", "P63-01"),
                                                            (2024, "63", "national", "VN")])  # fmt: skip
def test_importances_equal_key_drivers(
    app_states: AppStates, demo_db_path, lang: str, year: int, geo: str, level: str, unit: str
) -> None:
    from analysis.drivers import importance_performance, quadrant_evidence

    app = open_page(app_states, lang, {"year": str(year), "geo": geo, "unit": unit})
    result = expected_drivers(demo_db_path, year, level, unit)
    assert result.status == "ok"
    shown = app.dataframe[0].value
    assert len(shown) == len(result.table)
    assert app.metric[0].value == fmt_number(result.n, lang, 0)
    # the nation (36 thousand respondents) is modelled on the fixed subsample, and the page says so
    note = t(
        "drivers.subsample_note", lang, sample=fmt_number(20_000, lang, 0), total=fmt_number(36_522, lang, 0)
    )
    assert (note in [i.value for i in app.info]) == (unit == "VN")
    expected = quadrant_evidence(importance_performance(result.table)).sort_values("rank")
    assert list(shown[t("drivers.col_importance", lang)]) == pytest.approx(
        list((100 * expected["importance"]).round(2))
    )
    assert list(shown[t("drivers.col_or", lang)]) == pytest.approx(
        list(expected["odds_ratio_per_10_points"].round(3))
    )
    assert list(shown[t("drivers.col_performance", lang)]) == pytest.approx(
        list(expected["performance"].round(2))
    )
    quadrants = [
        t(f"drivers.quadrants.{r['quadrant']}", lang) if r["evidence"] == "clear"
        else t("drivers.uncertain_near", lang, quadrant=t(f"drivers.quadrants.{r['quadrant']}", lang))
        for _, r in expected.iterrows()
    ]  # fmt: skip
    assert list(shown[t("drivers.col_quadrant", lang)]) == quadrants
    advice = " ".join(m.value for m in app.markdown)
    for q in set(expected["quadrant"]):  # the "act here" wording only for quadrants with clear drivers
        clear = ((expected["quadrant"] == q) & (expected["evidence"] == "clear")).any()
        assert (t(f"drivers.advice.{q}", lang) in advice) == clear
    assert (t("drivers.uncertain_title", lang) in advice) == (expected["evidence"] == "uncertain").any()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_below_minimum_n_no_model(app_states: AppStates, monkeypatch, lang: str) -> None:
    from analysis import drivers

    # the Overview run before the switch does not use the drivers: take it from the shared states, then
    # lower the threshold and run the Drivers page in this session only
    app = app_states.first_run({"lang": lang, "year": "2024", "geo": "63", "unit": "P63-01"})
    monkeypatch.setattr(drivers, "DEFAULT_MIN_N", 100_000)
    app.switch_page(PAGE)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    message = t("drivers.too_few", lang, n=app.metric[0].value, min_n=fmt_number(100_000, lang, 0))
    assert any(w.value == message for w in app.warning)
    assert app.metric[1].value == fmt_number(100_000, lang, 0)
    assert len(app.get("plotly_chart")) == 0
    assert len(app.dataframe) == 0
