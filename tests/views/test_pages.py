"""Every page runs under Streamlit's AppTest, through the real entry point, in both languages."""

from __future__ import annotations

import pytest

from i18n import t
from tests.views.conftest import AppStates

PAGES = [
    ("views/overview.py", "overview.title"),
    ("views/map.py", "map.title"),
    ("views/trends.py", "trends.title"),
    ("views/dimensions.py", "dimensions.title"),
    ("views/profile.py", "profile.title"),
    ("views/compare.py", "compare.title"),
    ("views/drivers.py", "drivers.title"),
    ("views/data_catalogue.py", "data.title"),
    ("views/methodology.py", "methodology.title"),
]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("page", "title_key"), PAGES)
def test_page_runs_in_both_languages(app_states: AppStates, page: str, title_key: str, lang: str) -> None:
    app = app_states.page(page, {"lang": lang})
    assert not app.exception, [e.message for e in app.exception]
    assert app.title[0].value == t(title_key, lang)
    assert any(t("common.demo_notice", lang) == w.value for w in app.warning)


def test_filters_round_trip_through_url(app_states: AppStates) -> None:
    app = app_states.first_run({"lang": "en", "year": "2023", "geo": "63", "unit": "P63-22"})
    assert app.session_state["year"] == 2023
    assert app.session_state["unit"] == "P63-22"
    assert app.query_params["unit"] == ["P63-22"] or app.query_params["unit"] == "P63-22"


def test_overview_headline_equals_analysis(app_states: AppStates, demo_db_path) -> None:
    from analysis.engine import compute_indices
    from i18n import fmt_pct
    from store.db import connect_read_only

    app = app_states.first_run({"lang": "vi", "year": "2024", "unit": "P63-01"})
    with connect_read_only(demo_db_path) as con:
        result = compute_indices(con, 2024, "province")
    value = result[(result["unit_id"] == "P63-01") & (result["index_code"] == "overall")]["value"].iloc[0]
    assert app.metric[0].value == fmt_pct(value, "vi")


def test_unit_carried_to_the_new_geography(app_states: AppStates) -> None:
    app = app_states.first_run({"year": "2024", "geo": "63", "unit": "P63-02"})  # Hà Giang
    app.selectbox(key="year").select(2025).run()
    assert not app.exception
    assert app.session_state["geo"] == "34"
    assert app.session_state["unit"] == "P34-08"  # Tuyên Quang, which Hà Giang joined on 1 July 2025
