"""The Drivers content object carries `analysis.drivers.key_drivers`' numbers for the same unit and year, in
both languages, and ends with the right note when no model can be shown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.drivers import (
    DriverResult,
    importance_performance,
    key_drivers,
    odds_ratio_ci,
    quadrant_evidence,
)
from analysis.engine import index_labels, respondent_scores
from content import drivers, source, units
from content.source import DRIVER_BASE_COLUMNS, DRIVER_MAX_RESPONDENTS
from i18n import fmt_number, t
from store.db import connect_read_only
from tests.content.conftest import make_filters


def expected(demo_db_path, year: int, level: str, unit: str) -> tuple[DriverResult, int | None, pd.DataFrame]:
    with connect_read_only(demo_db_path) as con:
        scores = respondent_scores(con, year, level, unit, max_respondents=DRIVER_MAX_RESPONDENTS)
        labels = index_labels(con, year)
    names = [c for c in scores.columns if c not in DRIVER_BASE_COLUMNS]
    return key_drivers(scores, names), scores.attrs.get("sampled_from"), labels


def test_odds_ratio_ci() -> None:
    low, high = odds_ratio_ci(pd.Series([0.01, -0.02]), pd.Series([0.03, 0.0]))
    assert list(low) == pytest.approx([np.exp(0.1), np.exp(-0.2)])
    assert list(high) == pytest.approx([np.exp(0.3), 1.0])
    low5, _ = odds_ratio_ci(pd.Series([0.02]), pd.Series([0.04]), points=5)
    assert low5.iloc[0] == pytest.approx(np.exp(0.1))


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("level", "unit"), [("province", "P63-01"), ("national", "VN")])
def test_model_equals_key_drivers(store_key, demo_db_path, lang: str, level: str, unit: str) -> None:
    result, sampled_from, labels = expected(demo_db_path, 2024, level, unit)
    assert result.status == "ok"
    view = drivers.build(store_key, make_filters(lang, 2024, unit))
    assert view.status == "ok" and view.stop is None
    assert view.header.title == t("drivers.title", lang)
    assert view.intro.text == t("drivers.intro", lang)
    assert [(m.label, m.text) for m in view.metrics] == [
        (t("drivers.metric_n", lang), fmt_number(result.n, lang, 0)),
        (t("drivers.metric_min_n", lang), fmt_number(200, lang, 0)),
        (t("drivers.metric_r2", lang), fmt_number(result.r2, lang, 3)),
    ]
    assert view.facts["n"] == result.n and view.facts["r2"] == pytest.approx(result.r2)

    # the nation (36 thousand respondents) is modelled on the fixed subsample, and the page says so
    assert (sampled_from is not None) == (unit == "VN")
    if unit == "VN":
        assert view.subsample.text == t("drivers.subsample_note", lang, sample=fmt_number(20_000, lang, 0),
                                        total=fmt_number(sampled_from, lang, 0))  # fmt: skip
    else:
        assert view.subsample is None

    table = quadrant_evidence(importance_performance(result.table)).sort_values("rank")
    shown = view.table.frame
    assert view.table.key == "drivers-table"
    assert list(shown[t("drivers.col_rank", lang)]) == list(table["rank"])
    assert list(shown[t("drivers.col_importance", lang)]) == pytest.approx(
        list((100 * table["importance"]).round(2))
    )
    assert list(shown[t("drivers.col_or", lang)]) == pytest.approx(
        list(table["odds_ratio_per_10_points"].round(3))
    )
    assert list(shown[t("drivers.col_or_low", lang)]) == pytest.approx(
        list(np.exp(10 * table["ci_low"]).round(3))
    )
    assert list(shown[t("drivers.col_or_high", lang)]) == pytest.approx(
        list(np.exp(10 * table["ci_high"]).round(3))
    )
    assert list(shown[t("drivers.col_performance", lang)]) == pytest.approx(
        list(table["performance"].round(2))
    )
    assert list(shown[t("drivers.col_quadrant", lang)]) == [
        t(f"drivers.quadrants.{r['quadrant']}", lang) if r["evidence"] == "clear"
        else t("drivers.uncertain_near", lang, quadrant=t(f"drivers.quadrants.{r['quadrant']}", lang))
        for _, r in table.iterrows()
    ]  # fmt: skip
    assert not any("_" in str(v) for v in shown[t("drivers.col_quadrant", lang)])  # no raw codes
    names = labels.set_index("index_code")["name_vi" if lang == "vi" else "name_en"]
    assert list(shown[t("drivers.col_element", lang)]) == list(("element:" + table["driver"]).map(names))

    # the chart's data: raw numbers of the model
    data = view.matrix.data
    assert view.matrix.key == "drivers-matrix"
    assert list(data["importance"]) == pytest.approx(list(table["importance"]))
    assert list(data["or_high"]) == pytest.approx(list(np.exp(10 * table["ci_high"])))
    assert view.matrix.caption == " · ".join(
        [t("common.n_respondents", lang, n=fmt_number(result.n, lang, 0)) + " · " + t("common.source_demo", lang),
         t("drivers.min_n_note", lang, min_n=fmt_number(200, lang, 0))]
    )  # fmt: skip

    # one advice per quadrant holding clear drivers (fixed order, naming them), then the uncertain ones
    clear = table[table["evidence"] == "clear"]
    quadrants = [q for q in ("priority_improve", "maintain", "low_priority", "possible_overinvestment")
                 if q in set(clear["quadrant"])]  # fmt: skip
    uncertain = table[table["evidence"] == "uncertain"]
    assert len(view.advice) == len(quadrants) + (not uncertain.empty)
    for note, quadrant in zip(view.advice, quadrants, strict=False):
        assert note.text.startswith(f"**{t(f'drivers.quadrants.{quadrant}', lang)}** — ")
        assert note.text.endswith(t(f"drivers.advice.{quadrant}", lang))
        for driver in clear.loc[clear["quadrant"] == quadrant, "driver"]:
            assert names["element:" + driver] in note.text
    if not uncertain.empty:
        last = view.advice[-1].text
        assert last.startswith(f"**{t('drivers.uncertain_title', lang)}**")
        for driver in uncertain["driver"]:
            assert f"- {names['element:' + driver]}: " in last
    name = units.unit_name(store_key, unit, lang)
    assert view.table_title == t("drivers.table_title", lang, unit=name, year=2024)
    assert view.method.text == t("drivers.method", lang, min_n=fmt_number(200, lang, 0))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_below_minimum_n_no_model(store_key, demo_db_path, lang: str) -> None:
    view = drivers.build(store_key, make_filters(lang, 2024, "P63-01"), min_n=100_000)
    result, _, _ = expected(demo_db_path, 2024, "province", "P63-01")
    n_text = fmt_number(result.n, lang, 0)
    assert view.status == "too_few"
    assert view.stop.kind == "warning"
    assert view.stop.text == t("drivers.too_few", lang, n=n_text, min_n=fmt_number(100_000, lang, 0))
    assert [m.text for m in view.metrics] == [n_text, fmt_number(100_000, lang, 0), "–"]
    assert view.matrix is None and view.table is None and view.advice == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_data(store_key, lang: str) -> None:
    view = drivers.build(store_key, make_filters(lang, 2025, "P34-05", geo="34"))  # no such 2025 province
    assert view.status == "no_data"
    assert view.stop.kind == "info" and view.stop.text == t("drivers.no_data", lang)
    assert view.metrics == [] and view.matrix is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_variation(store_key, monkeypatch, lang: str) -> None:
    empty = pd.DataFrame(columns=["driver", "rank", "importance"])
    result = DriverResult(empty, 512, 400.0, float("nan"), "", "no_variation", 200)
    monkeypatch.setattr(source, "drivers", lambda *args, **kwargs: (result, ("access",), None))
    view = drivers.build(store_key, make_filters(lang, 2024, "P63-01"))
    assert view.status == "no_variation"
    assert view.stop.text == t("drivers.no_variation", lang, n=fmt_number(512, lang, 0))
    assert view.metrics[2].text == "–" and view.matrix is None


def test_minimum_n_is_read_when_called(monkeypatch) -> None:
    from analysis import drivers as kd

    assert drivers.minimum_n() == kd.DEFAULT_MIN_N
    monkeypatch.setattr(kd, "DEFAULT_MIN_N", 123)
    assert drivers.minimum_n() == 123


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_advice_under_uncertainty(lang: str) -> None:
    """A point whose interval crosses a line is 'uncertain' and its advice says so; the quadrant's 'act here'
    wording appears only for points whose intervals clear both lines."""
    base = {"ci_low": 0.02, "ci_high": 0.04, "importance_cut": 0.25, "performance_cut": 80.0}
    rows = [  # importance (low, high), performance (low, high)
        ("access", 0.40, 0.33, 0.47, 70.0, 67.0, 73.0),  # clears both: priority to improve
        ("procedure", 0.30, 0.20, 0.40, 72.0, 69.0, 75.0),  # importance interval crosses 0.25
        ("civil_servant", 0.20, 0.15, 0.24, 79.0, 76.0, 82.0),  # performance interval crosses 80
        ("result", 0.10, 0.05, 0.15, 90.0, 88.0, 92.0),  # clears both: possible overinvestment
    ]
    table = pd.DataFrame(
        [{"driver": d, "importance": i, "importance_low": il, "importance_high": ih, "performance": p,
          "performance_low": pl, "performance_high": ph, **base} for d, i, il, ih, p, pl, ph in rows]
    )  # fmt: skip
    table["quadrant"] = ["priority_improve", "priority_improve", "low_priority", "possible_overinvestment"]
    out = quadrant_evidence(table)
    assert list(out["evidence"]) == ["clear", "uncertain", "uncertain", "clear"]
    assert list(out["importance_clear"]) == [True, False, True, True]
    assert list(out["performance_clear"]) == [True, True, False, True]
    # an effect not established (odds-ratio interval reaching 1) makes high importance uncertain
    weak = quadrant_evidence(table.assign(ci_low=-0.01))
    assert weak.loc[0, "evidence"] == "uncertain" and weak.loc[3, "evidence"] == "clear"

    out["label"] = ["Access", "Procedure", "Civil servants", "Result"]
    out["position"] = range(4)
    notes = drivers.advice(out, lang)
    act = t("drivers.advice.priority_improve", lang)
    assert [n.text.count(act) for n in notes] == [1, 0, 0]
    assert notes[0].text.startswith(f"**{t('drivers.quadrants.priority_improve', lang)}** — Access  ")
    assert "Procedure" not in notes[0].text and "Civil servants" not in notes[0].text
    assert notes[1].text.startswith(f"**{t('drivers.quadrants.possible_overinvestment', lang)}** — Result  ")
    uncertain = notes[2].text
    assert uncertain.startswith(f"**{t('drivers.uncertain_title', lang)}**")
    near = t("drivers.quadrants.priority_improve", lang)
    assert (
        f"- Procedure: {t('drivers.uncertain_item', lang, quadrant=near, why=t('drivers.crosses.importance', lang))}"
        in uncertain
    )
    low = t("drivers.quadrants.low_priority", lang)
    assert (
        f"- Civil servants: {t('drivers.uncertain_item', lang, quadrant=low, why=t('drivers.crosses.performance', lang))}"
        in uncertain
    )
    if lang == "vi":
        assert "chưa đủ bằng chứng để kết luận" in uncertain
        assert "ưu tiên cải thiện" not in uncertain.split("\n\n", 1)[0].lower()
