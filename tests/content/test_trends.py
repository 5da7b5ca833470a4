"""The Trends content object carries the numbers `analysis` gives for the same unit, peers and index: the
series of every wave (a P63 province as its P34 successor in 2025, a P34 province re-aggregated before
2025), each unit's own year-over-year test, the slope per comparable segment and the ranks, in both
languages."""

from __future__ import annotations

import base64
import json
import pickle

import numpy as np
import pandas as pd
import pytest

from analysis.change import year_over_year
from analysis.engine import comparable_years, compute_indices, ranks
from analysis.trend import trend
from content import trends
from content.model import parts
from content.serialise import to_json
from i18n import fmt_ci, fmt_number, fmt_pct, fmt_signed, t
from store.db import connect_read_only
from tests.content.conftest import make_filters

YEARS = tuple(range(2017, 2026))


@pytest.fixture(scope="module")
def engine(demo_db_path) -> dict:
    """compute_indices per (year, level) for every level the page reads, and which waves are comparable."""
    out: dict = {"comparable": {}}
    with connect_read_only(demo_db_path) as con:
        for year in YEARS:
            levels = ("national", "province") if year == 2025 else ("national", "province", "province34")
            for level in levels:
                out[year, level] = compute_indices(con, year, level)
        for prev, year in zip(YEARS, YEARS[1:], strict=False):
            out["comparable"][prev, year] = comparable_years(con, prev, year)
        out["successor"] = dict(
            con.execute(
                "SELECT old_unit_id, min(new_unit_id) FROM unit_crosswalk WHERE starts_with(old_unit_id, 'P63-') "
                "AND starts_with(new_unit_id, 'P34-') GROUP BY old_unit_id"
            ).fetchall()
        )
        out["ranks"] = {year: ranks(con, year, "province", "overall") for year in YEARS}
    return out


def _stand_in(engine: dict, unit: str, year: int) -> tuple[str, str]:
    """Independent of the page: which (level, unit) stands for `unit` in `year`."""
    if unit == "VN":
        return "national", "VN"
    if unit.startswith("P63-") and year == 2025:
        return "province", engine["successor"][unit]
    if unit.startswith("P34-"):
        return ("province" if year == 2025 else "province34"), unit
    return "province", unit


def _row(frame: pd.DataFrame, unit: str, code: str) -> pd.Series:
    return frame[(frame["unit_id"] == unit) & (frame["index_code"] == code)].iloc[0]


def _expected_changes(engine: dict, unit: str, code: str) -> list[pd.Series]:
    out = []
    for prev, year in zip(YEARS, YEARS[1:], strict=False):
        level, sid = _stand_in(engine, unit, year)
        prev_level, _ = _stand_in(engine, sid, prev)
        cur = engine[year, level]
        before = engine[prev, prev_level]
        change = year_over_year(
            cur[(cur["unit_id"] == sid) & (cur["index_code"] == code)],
            before[(before["unit_id"] == sid) & (before["index_code"] == code)],
            comparable=engine["comparable"][prev, year],
            adjust=False,
        )
        out.append(change.iloc[0])
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_province_with_a_peer_equals_analysis(store_key, engine, lang: str) -> None:
    filters = make_filters(lang, 2024, "P63-01")
    view = trends.build(store_key, filters, index_code="overall", peers=("P63-02",))
    assert view.header.title == t("trends.title", lang)
    assert [n.text for n in view.header.notices] == [t("common.demo_notice", lang)]  # no break notices here
    assert [n.text for n in view.notes] == [t("trends.successor_note", lang)]  # 2025: the P34 successor

    # the lines: every wave of both units, from the stand-in's own results
    data = view.lines.data
    assert len(data) == 2 * len(YEARS)
    for unit, record in zip(
        ["P63-01"] * len(YEARS) + ["P63-02"] * len(YEARS), data.to_dict("records"), strict=True
    ):
        level, sid = _stand_in(engine, unit, record["year"])
        assert record["source_unit"] == sid
        expected = _row(engine[record["year"], level], sid, "overall")
        assert record["value"] == pytest.approx(expected["value"], abs=1e-12)
        assert (record["ci_low"], record["ci_high"]) == pytest.approx(
            (expected["ci_low"], expected["ci_high"])
        )
        assert record["n"] == expected["n"]
    n = t("common.n_respondents", lang, n=fmt_number(data["n"].sum(), lang, 0))
    assert view.lines.caption == f"{n} · {t('common.source_demo', lang)}"

    # each unit's own year-over-year test (no multiplicity adjustment) on the territory of the later wave
    table = view.yoy.frame
    assert len(table) == 2 * (len(YEARS) - 1)
    expected_rows = _expected_changes(engine, "P63-01", "overall") + _expected_changes(
        engine, "P63-02", "overall"
    )
    for shown, expected in zip(table.to_dict("records"), expected_rows, strict=True):
        assert shown[t("trends.col_year", lang)] == str(int(expected["year"]))
        assert shown[t("table.value", lang)] == fmt_pct(expected["value"], lang)
        assert shown[t("trends.col_prev", lang)] == fmt_pct(expected["value_prev"], lang)
        assert shown[t("trends.col_change", lang)] == fmt_signed(expected["change"], lang)
        assert shown[t("trends.col_change_ci", lang)] == fmt_ci(
            expected["change_ci_low"], expected["change_ci_high"], lang, worded=True
        )
        assert shown[t("trends.col_verdict", lang)] == t(f"verdict.{expected['verdict']}", lang)
        assert shown["profile"].endswith(f"&focus={expected['unit_id']}")
    verdicts = dict(
        zip(table[t("trends.col_year", lang)], table[t("trends.col_verdict", lang)], strict=False)
    )
    assert verdicts["2022"] == t("verdict.not_comparable", lang)  # 2021 → 2022 crosses the methodology break
    names = list(table[t("table.name", lang)])
    assert names[len(YEARS) - 2].startswith(f"{names[0]} → ")  # 2024 → 2025 on the successor's territory
    assert view.facts["changes"]["unit_id"].iloc[len(YEARS) - 2] == engine["successor"]["P63-01"]
    assert view.yoy_note.text == t("trends.yoy_note", lang)

    # slopes: within 2017–2021, 2022–2024 and the 2025 successor apart
    series = data[data["unit"] == "P63-01"]  # the 2025 successor is a series of its own, same unit
    se = [
        _row(engine[y, _stand_in(engine, "P63-01", y)[0]], _stand_in(engine, "P63-01", y)[1], "overall")["se"]
        for y in series["year"]
    ]
    fit = trend(
        pd.DataFrame({"year": series["year"], "value": series["value"], "se": se}), breaks=(2022, 2025)
    )
    slopes = view.slopes.frame.head(len(fit))
    assert list(slopes[t("trends.col_segment", lang)]) == ["2017–2021", "2022–2024", "2025"]
    for (_, shown), (_, seg) in zip(slopes.iterrows(), fit.iterrows(), strict=True):
        assert shown[t("trends.col_slope", lang)] == fmt_signed(seg["slope"], lang)
        assert shown[t("trends.col_slope_ci", lang)] == fmt_ci(
            seg["slope_ci_low"], seg["slope_ci_high"], lang, worded=True
        )
        assert shown[t("trends.col_verdict", lang)] == t(f"trends.slope_verdict.{seg['verdict']}", lang)
        assert shown[t("trends.col_years", lang)] == seg["n_years"]

    # ranks of both provinces in every wave, among the units of the stand-in's level
    bump = view.ranks.data
    assert len(bump) == 2 * len(YEARS)
    for record in bump.to_dict("records"):
        rank = engine["ranks"][record["year"]].set_index("unit_id").loc[record["unit_id"]]
        assert (record["rank"], record["rank_low"], record["rank_high"], record["rank_of"]) == (
            rank["rank"], rank["rank_low"], rank["rank_high"], rank["rank_of"]
        )  # fmt: skip


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_nation_on_a_domain(store_key, engine, lang: str) -> None:
    view = trends.build(store_key, make_filters(lang, 2024), index_code="domain:service", peers=())
    assert view.notes == [] and view.ranks is None  # the nation: no successor, no rank
    data = view.lines.data.set_index("year")
    present = [y for y in YEARS if not engine[y, "national"].query("index_code == 'domain:service'").empty]
    assert list(data.index) == present
    for year in present:
        assert data.loc[year, "value"] == pytest.approx(
            _row(engine[year, "national"], "VN", "domain:service")["value"]
        )
    names = trends.index_labels(store_key, lang)
    assert names["domain:service"] in view.lines.figure.layout.title.text
    changes = view.facts["changes"]
    expected = [c for c in _expected_changes(engine, "VN", "domain:service") if pd.notna(c["change"])]
    shown = changes.set_index("year")
    for c in expected:
        assert shown.loc[c["year"], "change"] == pytest.approx(c["change"])
        assert shown.loc[c["year"], "verdict"] == c["verdict"]


def test_new_province_on_the_34_map_is_reaggregated_before_2025(store_key, engine) -> None:
    lang = "en"
    view = trends.build(
        store_key, make_filters(lang, 2023, "P34-08", geo="34"), index_code="overall", peers=()
    )
    assert [n.text for n in view.notes] == [t("trends.reaggregated_note", lang)]
    data = view.lines.data.set_index("year")
    for year in YEARS:
        level = "province" if year == 2025 else "province34"
        assert data.loc[year, "value"] == pytest.approx(
            _row(engine[year, level], "P34-08", "overall")["value"]
        )
    fit = trend(
        pd.DataFrame(
            {
                "year": list(YEARS),
                "value": [data.loc[y, "value"] for y in YEARS],
                "se": [_row(engine[y, "province" if y == 2025 else "province34"], "P34-08", "overall")["se"]
                       for y in YEARS],
            }
        )
    )  # fmt: skip
    shown = view.slopes.frame
    assert list(shown[t("trends.col_segment", lang)]) == ["2017–2021", "2022–2025"]  # the same territory
    assert list(shown[t("trends.col_slope", lang)]) == [fmt_signed(v, lang) for v in fit["slope"]]


def test_options_offer_indices_and_the_other_provinces(store_key) -> None:
    for lang in ("vi", "en"):
        choices = trends.options(store_key, make_filters(lang, 2024, "P63-01"))
        assert choices.indices[0] == "overall"
        assert {"overall", "domain:policy", "domain:service"} <= set(choices.indices)
        assert all(c == "overall" or c.split(":")[0] in ("domain", "element") for c in choices.indices)
        assert len(choices.peers) == 62 and "P63-01" not in choices.peers
        names = [choices.unit_label(u) for u in choices.peers]
        assert names == sorted(names)
        assert choices.unit_label("VN") == t("filters.national", lang)
        assert choices.max_peers == 4
    assert trends.options(store_key, make_filters("vi", 2025, "P34-08", geo="34")).peers[0].startswith("P34-")
    assert trends.source_of(store_key, "P63-02", 2025) == ("province", "P34-08")
    assert trends.source_of(store_key, "P34-08", 2024) == ("province34", "P34-08")
    assert trends.source_of(store_key, "P63-02", 2024) == ("province", "P63-02")


def test_the_object_is_serialisable(store_key) -> None:
    view = trends.build(
        store_key, make_filters("vi", 2024, "P63-01"), index_code="overall", peers=("P63-79",)
    )
    document = json.loads(to_json(view))
    assert document["_type"] == "TrendsContent"
    # figures keep their layout keys in another order after a round trip: compare the documents
    assert json.loads(to_json(pickle.loads(pickle.dumps(view)))) == json.loads(to_json(view))
    assert [type(p).__name__ for p in parts(view)].count("Chart") == 2
    assert [type(p).__name__ for p in parts(view)].count("Table") == 2


BREAKS = (2021.5, 2024.5)


def _line_traces(figure) -> list:
    return [tr for tr in figure.data if tr.mode == "lines+markers"]


def _values(value) -> list[float]:
    """A trace's x or y as numbers (a copied figure holds them as base64 typed arrays)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(
            base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]).newbyteorder("<")
        ).tolist()
    return [float(v) for v in value]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_merged_province_ends_in_2024_and_its_successor_is_a_separate_series(
    store_key, engine, lang
) -> None:
    # issue 12: Đắk Nông (P63-67) ran on into Lâm Đồng (P34-68) 2025 as one line that looked like a rise
    view = trends.build(
        store_key, make_filters(lang, 2024, "P63-67"), index_code="overall", peers=("P63-01",)
    )
    assert engine["successor"]["P63-67"] == "P34-68"
    successor = t(
        "trends.successor_series_merged", lang, name=trends.units.unit_name(store_key, "P34-68", lang)
    )
    unchanged = t("trends.successor_series", lang, name=trends.units.unit_name(store_key, "P34-01", lang))
    lines = _line_traces(view.lines.figure)
    old_name = trends.units.unit_name(store_key, "P63-67", lang)
    old = [tr for tr in lines if tr.name == old_name]
    new = [tr for tr in lines if tr.name == successor]
    assert old and new
    assert max(max(_values(tr.x)) for tr in old) == 2024  # the old province ends before the reorganisation
    assert [_values(tr.x) for tr in new] == [[2025]]
    assert new[0].line.dash == "dash" and new[0].marker.symbol == "circle-open"
    assert new[0].line.color == old[0].line.color  # the successor keeps the unit's colour, drawn differently
    assert _values(new[0].y)[0] == pytest.approx(_row(engine[2025, "province"], "P34-68", "overall")["value"])
    assert any(tr.name == unchanged for tr in lines)  # Hà Nội (not merged): "(from 1 Jul 2025)", not "new"
    # the rank chart follows the same rule
    ranks_new = [tr for tr in _line_traces(view.ranks.figure) if tr.name == successor]
    assert [_values(tr.x) for tr in ranks_new] == [[2025]]


@pytest.mark.parametrize(
    ("unit", "geo", "peers"), [("P63-67", "63", ("P63-01", "P63-68")), ("P34-68", "34", ()), ("VN", "63", ())]
)
def test_no_trace_has_points_on_both_sides_of_a_break(store_key, unit, geo, peers) -> None:
    year = 2025 if geo == "34" else 2024
    view = trends.build(store_key, make_filters("vi", year, unit, geo), index_code="overall", peers=peers)
    figures = [view.lines.figure] + ([view.ranks.figure] if view.ranks is not None else [])
    for figure in figures:
        traces = [tr for tr in figure.data if tr.x is not None and len(_values(tr.x))]
        assert traces
        for trace in traces:  # lines and their CI bands
            xs = _values(trace.x)
            for position in BREAKS:
                assert not (min(xs) < position < max(xs)), (trace.name, xs)
    years = {int(y) for tr in _line_traces(view.lines.figure) for y in _values(tr.x)}
    assert {2021, 2022, 2024, 2025} <= years  # every wave is still drawn


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_both_breaks_are_marked_and_labelled_in_the_language(store_key, lang) -> None:
    view = trends.build(store_key, make_filters(lang, 2024, "P63-67"), index_code="overall")
    for figure in (view.lines.figure, view.ranks.figure):
        lines = sorted(
            shape.x0 for shape in figure.layout.shapes if shape.x0 == shape.x1 and shape.x0 in BREAKS
        )
        assert lines == list(BREAKS)
        labels = {a.text: a.x for a in figure.layout.annotations}
        assert labels[t("trends.break_2022", lang)] == 2021.5
        assert labels[t("trends.break_2025", lang)] == 2024.5


def test_reaggregated_trends_are_labelled(store_key) -> None:
    view = trends.build(store_key, make_filters("vi", 2024, "P34-68", "34"), index_code="overall")
    label = t("filters.reaggregated_label", "vi")
    assert label in view.lines.figure.layout.title.text
    assert label in view.ranks.figure.layout.title.text
    assert view.yoy.title == view.slopes.title == t("trends.reaggregated_table", "vi")
    national = trends.build(store_key, make_filters("vi", 2024, "VN", "63"), index_code="overall")
    assert label not in national.lines.figure.layout.title.text and national.yoy.title is None
