"""The Overview's content object carries the numbers `analysis` gives for the same filters, in both languages."""

from __future__ import annotations

import json
import pickle

import pandas as pd
import pytest

from analysis.change import published_style_counts, year_over_year
from analysis.engine import compute_indices, ranks
from content import overview
from content.model import parts
from content.serialise import to_json
from i18n import fmt_ci, fmt_number, fmt_pct, fmt_signed, t
from store.db import connect_read_only
from tests.content.conftest import make_filters


@pytest.fixture(scope="module")
def engine_2024(demo_db_path):
    with connect_read_only(demo_db_path) as con:
        return {
            "province": compute_indices(con, 2024, "province"),
            "province_2023": compute_indices(con, 2023, "province"),
            "national": compute_indices(con, 2024, "national"),
            "national_2023": compute_indices(con, 2023, "national"),
            "ranks": ranks(con, 2024, "province", "overall"),
        }


def _row(frame: pd.DataFrame, unit: str, code: str = "overall") -> pd.Series:
    return frame[(frame["unit_id"] == unit) & (frame["index_code"] == code)].iloc[0]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_province_headline_change_and_rank(store_key, engine_2024, lang: str) -> None:
    view = overview.build(store_key, make_filters(lang, 2024, "P63-01"))
    row = _row(engine_2024["province"], "P63-01")
    assert view.header.title == t("overview.title", lang)
    assert view.headline.value == pytest.approx(row["value"], abs=1e-12)
    assert (view.headline.ci_low, view.headline.ci_high) == pytest.approx((row["ci_low"], row["ci_high"]))
    assert view.headline.n == row["n"] and view.headline.n_eff == pytest.approx(row["n_eff"])
    assert [m.text for m in view.metrics] == [
        fmt_pct(row["value"], lang), fmt_ci(row["ci_low"], row["ci_high"], lang), fmt_number(row["n"], lang, 0),
        t("overview.kpi_gap_value", lang, gap=fmt_signed(row["value"] - 80, lang)),
    ]  # fmt: skip
    gap_ci = fmt_ci(row["ci_low"] - 80, row["ci_high"] - 80, lang, worded=True)
    assert view.metrics[3].delta == t("overview.kpi_gap_ci", lang, ci=gap_ci)
    current = engine_2024["province"]
    previous = engine_2024["province_2023"]
    pick = (current["unit_id"] == "P63-01") & (current["index_code"] == "overall")
    before = (previous["unit_id"] == "P63-01") & (previous["index_code"] == "overall")
    change = year_over_year(current[pick], previous[before], comparable=True, adjust=False).iloc[0]
    assert view.facts["change"] == pytest.approx(change["change"])
    assert view.facts["verdict"] == change["verdict"]
    assert t(f"verdict.{change['verdict']}", lang) in view.verdict[0].text
    rank = engine_2024["ranks"].set_index("unit_id").loc["P63-01"]
    assert (view.facts["rank"], view.facts["rank_low"], view.facts["rank_high"]) == (
        rank["rank"], rank["rank_low"], rank["rank_high"]
    )  # fmt: skip
    assert f"{int(rank['rank'])}/{int(rank['rank_of'])}" in view.rank.text.replace(" ", "")
    # the province's elements against the national average
    elements = view.elements.data.set_index("index_code")
    national = engine_2024["national"].set_index("index_code")
    for code, el in elements.iterrows():
        assert el["value"] == pytest.approx(_row(current, "P63-01", code)["value"])
        assert el["national"] == pytest.approx(national.loc[code, "value"])
    assert view.summary and view.summary.startswith(view.facts["unit"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_national_view_counts_and_top_five(store_key, engine_2024, lang: str) -> None:
    view = overview.build(store_key, make_filters(lang, 2024))
    assert view.headline.value == pytest.approx(_row(engine_2024["national"], "VN")["value"])
    assert view.national_title == t("overview.national_title", lang)
    current = engine_2024["province"]
    previous = engine_2024["province_2023"]
    changes = year_over_year(
        current[current["index_code"] == "overall"],
        previous[previous["index_code"] == "overall"],
        comparable=True,
    )
    counts = published_style_counts(changes, "overall")
    assert str(counts["significant_up"]) in view.counts[2].text
    ranked = engine_2024["ranks"].dropna(subset=["rank"]).sort_values("rank")
    shown_top = view.top.frame[t("table.value", lang)].tolist()
    assert shown_top == ranked["value"].round(2).head(5).tolist()
    provinces = view.provinces.data.set_index("unit_id")["value"]
    expected = current[current["index_code"] == "overall"].set_index("unit_id")["value"]
    pd.testing.assert_series_equal(provinces.sort_index(), expected.sort_index(), check_names=False)


def test_the_object_is_serialisable_and_holds_no_streamlit(store_key) -> None:
    view = overview.build(store_key, make_filters("vi", 2024, "P63-01"))
    document = json.loads(to_json(view))
    assert document["_type"] == "OverviewContent"
    assert document["headline"]["value"] == pytest.approx(view.headline.value)
    again = pickle.loads(pickle.dumps(view))
    assert to_json(again) == to_json(view)
    assert {type(p).__name__ for p in parts(view)} >= {"Metric", "Note", "Table", "Chart"}


def test_2025_province_on_the_34_map(store_key) -> None:
    view = overview.build(store_key, make_filters("en", 2025, "P34-01", geo="34"))
    with connect_read_only(store_key[0]) as con:
        frame = compute_indices(con, 2025, "province")
    assert view.headline.value == pytest.approx(_row(frame, "P34-01")["value"])
    assert view.facts["verdict"] in ("up", "down", "no_change")  # 2024 → 2025: same design, tested
