"""The Map page's lower levels under AppTest: district polygons, the centroid fallback, 2025 communes."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from i18n import t
from tests.views.conftest import AppStates


def _open_below(app_states: AppStates, year: str, geo: str, unit: str) -> AppTest:
    app = app_states.page("views/map.py", {"lang": "vi", "year": year, "geo": geo, "unit": unit})
    app.radio(key="map-level").set_value("below").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def test_districts_drawn_from_polygons(app_states: AppStates) -> None:
    app = _open_below(app_states, "2024", "63", "P63-01")
    assert not any(t("map.no_polygons", "vi") in c.value for c in app.caption)


def test_quang_ninh_falls_back_to_centroids(app_states: AppStates) -> None:
    app = _open_below(app_states, "2024", "63", "P63-22")  # no district polygons in the shared folder
    assert any(t("map.no_polygons", "vi") in c.value for c in app.caption)


def test_2025_communes_shown_as_symbols(app_states: AppStates) -> None:
    app = _open_below(app_states, "2025", "34", "P34-08")
    assert any(t("map.no_polygons", "vi") in c.value for c in app.caption)
