"""Compare page through the real entry point: runs in every geography case and both languages; the
pairwise verdict equals a z-test on `compute_indices`; peer-group shortcuts fill the selection."""

from __future__ import annotations

import math

import pytest
from scipy import special
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
    return app_states.page("views/compare.py", query | {"lang": lang})


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("query", CASES, ids=lambda q: "-".join(q.values()))
def test_compare_runs(app_states: AppStates, query: dict, lang: str) -> None:
    app = _open(app_states, query, lang)
    assert not app.exception, [e.message for e in app.exception]
    assert app.title[0].value == t("compare.title", lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_difference_verdict_equals_z_test(app_states: AppStates, demo_db_path, lang: str) -> None:
    from analysis.engine import compute_indices
    from store.db import connect_read_only

    app = _open(app_states, {"year": "2024", "geo": "63", "unit": "P63-01"}, lang)
    app.multiselect(key="compare-choice").set_value(["P63-01", "P63-79"]).run()
    assert not app.exception
    with connect_read_only(demo_db_path) as con:
        result = compute_indices(con, 2024, "province")
    table = app.dataframe[0].value
    overall = result[result["index_code"] == "overall"].set_index("unit_id")
    a, b = overall.loc["P63-01"], overall.loc["P63-79"]
    d = a["value"] - b["value"]
    p = 2 * special.ndtr(-abs(d / math.sqrt(a["se"] ** 2 + b["se"] ** 2)))
    verdict = "different" if p < 0.05 else "same"
    row = table.iloc[0]  # overall comes first
    assert row[t("compare.col_diff", lang)] == fmt_signed(d, lang)
    assert row[t("compare.col_verdict", lang)] == t(f"compare.diff_verdict.{verdict}", lang)
    assert len(table) == 12  # one pair x (overall, 2 domains, 9 elements)


def test_shortcut_same_new_province(app_states: AppStates, demo_db_path) -> None:
    from store.db import connect_read_only

    app = _open(
        app_states, {"year": "2024", "geo": "63", "unit": "P63-02"}, "vi"
    )  # Hà Giang -> Tuyên Quang (P34-08)
    app.button(key="compare-same-new").click().run()
    assert not app.exception
    with connect_read_only(demo_db_path) as con:
        old = con.execute(
            "SELECT DISTINCT old_unit_id FROM unit_crosswalk WHERE new_unit_id = 'P34-08' "
            "AND starts_with(old_unit_id, 'P63-')"
        ).fetchall()
    expected = {r[0] for r in old}
    assert set(app.multiselect(key="compare-choice").value) == expected
    assert app.multiselect(key="compare-choice").value[0] == "P63-02"


def test_shortcut_same_region(app_states: AppStates, demo_db_path) -> None:
    from store.db import connect_read_only

    app = _open(app_states, {"year": "2024", "geo": "63", "unit": "P63-02"}, "en")
    app.button(key="compare-same-region").click().run()
    assert not app.exception
    chosen = app.multiselect(key="compare-choice").value
    with connect_read_only(demo_db_path) as con:
        regions = dict(
            con.execute("SELECT unit_id, region_id FROM admin_unit WHERE unit_id LIKE 'P63-%'").fetchall()
        )
    assert 2 <= len(chosen) <= 4 and chosen[0] == "P63-02"
    assert {regions[u] for u in chosen} == {regions["P63-02"]}
