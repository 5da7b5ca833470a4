"""Overview page under AppTest (real demo DB, real entry point): numbers shown equal the analysis results."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.change import published_style_counts, year_over_year
from analysis.engine import compute_indices
from charts.overview import element_markers, province_distribution
from i18n import fmt_ci, fmt_pct, fmt_signed, t
from store.db import connect_read_only
from tests.views.conftest import AppStates

CASES = [
    ({"year": "2024", "geo": "63", "unit": "P63-01"}, "province 2024"),
    ({"year": "2024", "unit": "VN"}, "nation 2024"),
    ({"year": "2025", "geo": "34", "unit": "P34-08"}, "P34 province 2025"),
    ({"year": "2022", "geo": "63", "unit": "P63-04"}, "province 2022 (after the break)"),
]


@pytest.fixture(scope="module")
def con(demo_db_path):
    with connect_read_only(demo_db_path) as connection:
        yield connection


def _run(app_states: AppStates, lang: str, query: dict) -> AppTest:
    app = app_states.first_run({"lang": lang, **query})
    assert not app.exception, [e.message for e in app.exception]
    return app


def _summary(app: AppTest) -> str:
    unit_start = app.subheader[0].value.split(" — ")[0]  # headline: "{unit} — SIPAS {year}"
    texts = [m.value for m in app.markdown if m.value.startswith(unit_start)]
    assert texts, "summary paragraph not shown"
    return texts[0]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("query", "case"), CASES, ids=[c for _, c in CASES])
def test_overview_runs(app_states: AppStates, lang: str, query: dict, case: str) -> None:
    app = _run(app_states, lang, query)
    assert app.title[0].value == t("overview.title", lang)
    assert app.subheader[1].value == t("overview.summary_title", lang)
    if query["year"] == "2022":
        marker = "không so sánh được do thay đổi phương pháp" if lang == "vi" else "are not comparable"
        assert marker in _summary(app)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_headline_domains_and_items_equal_analysis(app_states: AppStates, con, lang: str) -> None:
    app = _run(app_states, lang, CASES[0][0])
    result = compute_indices(con, 2024, "province")
    rows = result[result["unit_id"] == "P63-01"].set_index("index_code")
    assert app.metric[0].value == fmt_pct(rows.loc["overall", "value"], lang)
    assert app.metric[1].value == fmt_ci(rows.loc["overall", "ci_low"], rows.loc["overall", "ci_high"], lang)
    # the gap to the 80% target with its interval: value − 80, (low − 80, high − 80)
    overall = rows.loc["overall"]
    assert app.metric[3].value == t(
        "overview.kpi_gap_value", lang, gap=fmt_signed(overall["value"] - 80, lang)
    )
    gap_ci = fmt_ci(overall["ci_low"] - 80, overall["ci_high"] - 80, lang, worded=True)
    assert app.metric[3].delta == t("overview.kpi_gap_ci", lang, ci=gap_ci)
    # domain cards follow the headline cards: policy, then service (methodology order)
    assert app.metric[4].value == fmt_pct(rows.loc["domain:policy", "value"], lang)
    assert app.metric[5].value == fmt_pct(rows.loc["domain:service", "value"], lang)
    ci = fmt_ci(rows.loc["domain:service", "ci_low"], rows.loc["domain:service", "ci_high"], lang)
    assert app.metric[5].delta == t("overview.domain_ci", lang, ci=ci)
    items = rows[rows.index.str.startswith("item:")]["value"].dropna().sort_values()
    top, bottom = app.dataframe[0].value, app.dataframe[1].value
    assert list(top[t("table.value", lang)]) == list(items.iloc[::-1].head(3).round(2))
    assert list(bottom[t("table.value", lang)]) == list(items.head(3).round(2))
    paragraph = _summary(app)
    assert fmt_pct(rows.loc["overall", "value"], lang) in paragraph


def test_national_counts_equal_published_style_counts(app_states: AppStates, con) -> None:
    lang = "vi"
    app = _run(app_states, lang, CASES[1][0])
    current = compute_indices(con, 2024, "province")
    previous = compute_indices(con, 2023, "province")
    changes = year_over_year(
        current[current["index_code"] == "overall"],
        previous[previous["index_code"] == "overall"],
        adjust=True,
    )
    counts = published_style_counts(changes, "overall")
    shown = [m.value for m in app.markdown]
    naive = t("overview.counts_naive", lang, up=counts["naive_up"], down=counts["naive_down"],
              unchanged=counts["naive_unchanged"], n=counts["n_units"])  # fmt: skip
    honest = t("overview.counts_significant", lang, up=counts["significant_up"], down=counts["significant_down"],
               within=counts["within_error"], untested=counts["not_tested"])  # fmt: skip
    assert naive in shown and honest in shown
    national = compute_indices(con, 2024, "national").set_index("index_code")
    assert app.metric[0].value == fmt_pct(national.loc["overall", "value"], lang)
    # top 5 / bottom 5 tables come after the two criteria tables
    top5 = app.dataframe[2].value
    best = current[current["index_code"] == "overall"].sort_values("value", ascending=False).head(5)
    assert list(top5[t("table.value", lang)]) == list(best["value"].round(2))
    assert list(top5[t("overview.col_rank", lang)]) == [1, 2, 3, 4, 5]


def test_national_counts_across_the_break_are_not_tested(app_states: AppStates) -> None:
    app = _run(app_states, "en", {"year": "2022", "geo": "63", "unit": "VN"})
    shown = " ".join(m.value for m in app.markdown)
    assert "**63** not testable" in shown
    assert "are not comparable" in shown


def _elements() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["Access", "Procedure"],
            "value": [85.0, 78.0],
            "ci_low": [83.0, 75.0],
            "ci_high": [87.0, 81.0],
            "national": [84.0, 80.0],
            "best": [92.0, 90.0],
            "hover": ["a", "b"],
            "national_hover": ["na", "nb"],
            "best_hover": ["ba", "bb"],
        }
    )


def test_element_markers_builder() -> None:
    fig = element_markers(_elements(), "T", "S", "%", "Unit", "National", "Best", "vi")
    assert [trace.name for trace in fig.data] == ["Unit", "National", "Best"]
    assert list(fig.data[0].x) == [78.0, 85.0]  # reversed: first element drawn at the top
    assert list(fig.data[0].error_x.array) == [3.0, 2.0]
    assert fig.layout.separators == ",."
    nation = element_markers(_elements(), "T", "S", "%", "Nation", None, "Best", "en")
    assert [trace.name for trace in nation.data] == ["Nation", "Best"] and nation.layout.separators == ".,"


def test_province_distribution_builder() -> None:
    frame = pd.DataFrame({"unit_id": ["A", "B", "C"], "value": [80.0, 82.0, 85.0], "hover": ["a", "b", "c"]})
    fig = province_distribution(frame, "T", "S", "%", 82.0, "National", "80%", "vi")
    assert fig.data[0].type == "box" and list(fig.data[0].x) == [80.0, 82.0, 85.0]
    assert len(fig.layout.shapes) == 2  # national and target lines
