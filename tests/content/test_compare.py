"""The Compare content object carries the numbers `analysis` gives for the same units: every index of each
unit, and for each pair the difference, its 95% CI and the z-test verdict, in both languages; the options
hold the two peer groups of the buttons (same region; former provinces of the same 2025 province)."""

from __future__ import annotations

import json
import math
import pickle
from itertools import combinations

import pytest
from scipy import special

from analysis.change import difference_ci
from analysis.engine import compute_indices
from content import compare
from content.serialise import to_json
from i18n import fmt_ci, fmt_number, fmt_pct, fmt_signed, t
from store.db import connect_read_only
from tests.content.conftest import make_filters

Z = 1.959963984540054


@pytest.fixture(scope="module")
def engine(demo_db_path) -> dict:
    with connect_read_only(demo_db_path) as con:
        return {
            "province": compute_indices(con, 2024, "province"),
            "province34": compute_indices(con, 2023, "province34"),
            "regions": dict(
                con.execute("SELECT unit_id, region_id FROM admin_unit WHERE unit_id LIKE 'P63-%'").fetchall()
            ),
            "merged_into_p34_08": {
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT old_unit_id FROM unit_crosswalk WHERE new_unit_id = 'P34-08' "
                    "AND starts_with(old_unit_id, 'P63-')"
                ).fetchall()
            },
            "names": dict(con.execute("SELECT unit_id, name_en FROM admin_unit").fetchall()),
        }


def _z_test(a, b) -> tuple[float, float, float, str]:
    d = a["value"] - b["value"]
    se = math.sqrt(a["se"] ** 2 + b["se"] ** 2)
    p = 2 * special.ndtr(-abs(d / se))
    return d, se, p, "different" if p < 0.05 else "same"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_pairwise_differences_equal_a_z_test(store_key, engine, lang: str) -> None:
    chosen = ("P63-01", "P63-79", "P63-02")
    view = compare.build(store_key, make_filters(lang, 2024, "P63-01"), chosen=chosen)
    assert view.header.title == t("compare.title", lang)
    assert view.header.notices[-1].text == t("common.methodology_2022_note", lang)
    assert view.need_two is None
    frame = engine["province"]
    rows = frame[frame["unit_id"].isin(chosen)].set_index(["unit_id", "index_code"])

    # the bars: every overall, domain and element index of each unit
    data = view.chart.data
    assert len(data) == 3 * 12
    for record in data.to_dict("records"):
        expected = rows.loc[(record["unit_id"], record["index_code"])]
        assert record["value"] == pytest.approx(expected["value"], abs=1e-12)
        assert (record["ci_low"], record["ci_high"]) == pytest.approx(
            (expected["ci_low"], expected["ci_high"])
        )
        assert record["n"] == expected["n"]
    n = sum(rows.loc[u, "n"].max() for u in chosen)
    assert view.chart.caption == f"{t('common.n_respondents', lang, n=fmt_number(n, lang, 0))} · " + t(
        "common.source_demo", lang
    )

    # the pairs in selection order, the indices in index order (overall first)
    table = view.differences.frame
    assert len(table) == 3 * 12
    codes = list(dict.fromkeys(data["index_code"]))
    assert codes[0] == "overall"
    pairs = [(a, b, code) for a, b in combinations(chosen, 2) for code in codes]
    for shown, (a, b, code) in zip(table.to_dict("records"), pairs, strict=True):
        d, se, p, verdict = _z_test(rows.loc[(a, code)], rows.loc[(b, code)])
        assert shown[t("compare.col_value_a", lang)] == fmt_pct(rows.loc[(a, code), "value"], lang)
        assert shown[t("compare.col_value_b", lang)] == fmt_pct(rows.loc[(b, code), "value"], lang)
        assert shown[t("compare.col_diff", lang)] == fmt_signed(d, lang)
        assert shown[t("compare.col_diff_ci", lang)] == fmt_ci(d - Z * se, d + Z * se, lang, worded=True)
        assert shown[t("compare.col_verdict", lang)] == t(f"compare.diff_verdict.{verdict}", lang)
    tests = view.facts["tests"]
    assert tests["p_value"].tolist() == pytest.approx(
        [_z_test(rows.loc[(a, c)], rows.loc[(b, c)])[2] for a, b, c in pairs]
    )
    if lang == "en":
        assert table[t("compare.col_unit_a", lang)].iloc[0] == engine["names"]["P63-01"]
    assert view.diff_note.text == t("compare.diff_note", lang)


def test_fewer_than_two_units_say_so(store_key) -> None:
    for lang in ("vi", "en"):
        view = compare.build(store_key, make_filters(lang, 2024, "P63-01"), chosen=("P63-01",))
        assert view.need_two.text == t("compare.need_two", lang)
        assert view.chart is None and view.differences is None


def test_reaggregated_provinces_on_the_34_map(store_key, engine) -> None:
    view = compare.build(store_key, make_filters("en", 2023, "P34-08", geo="34"), chosen=("P34-08", "P34-01"))
    assert t("common.reaggregated_notice", "en", year=2023) in [n.text for n in view.header.notices]
    frame = engine["province34"].set_index(["unit_id", "index_code"])
    d, _, _, verdict = _z_test(frame.loc[("P34-08", "overall")], frame.loc[("P34-01", "overall")])
    assert view.facts["tests"]["difference"].iloc[0] == pytest.approx(d)
    assert view.facts["tests"]["verdict"].iloc[0] == verdict


def test_peer_groups_of_the_buttons(store_key, engine) -> None:
    choices = compare.options(store_key, make_filters("vi", 2024, "P63-02"))  # Hà Giang -> Tuyên Quang
    assert choices.anchor == "P63-02" and choices.region_enabled and choices.new_province_enabled
    assert choices.same_new_province[0] == "P63-02"
    assert set(choices.same_new_province) == engine["merged_into_p34_08"]
    region = choices.same_region
    assert 2 <= len(region) <= 4 and region[0] == "P63-02"
    assert list(region[1:]) == sorted(region[1:])
    assert {engine["regions"][u] for u in region} == {engine["regions"]["P63-02"]}
    same = sorted(
        u for u, r in engine["regions"].items() if r == engine["regions"]["P63-02"] and u != "P63-02"
    )
    assert list(region[1:]) == same[:3]
    assert choices.default == ("P63-02", next(u for u in choices.units if u != "P63-02"))
    names = [choices.label(u) for u in choices.units]
    assert len(choices.units) == 63 and names == sorted(names)
    assert choices.valid(["P63-01", "P34-01", "P63-79"]) == ["P63-01", "P63-79"]


def test_the_nation_has_no_anchor(store_key) -> None:
    choices = compare.options(store_key, make_filters("en", 2024))
    assert choices.anchor is None and not choices.region_enabled and not choices.new_province_enabled
    assert choices.same_region == () and choices.same_new_province == ()
    assert choices.default == choices.units[:2]
    assert choices.label("VN") == t("filters.national", "en")
    on_34 = compare.options(store_key, make_filters("en", 2025, "P34-08", geo="34"))
    assert on_34.anchor == "P34-08" and on_34.region_enabled and not on_34.new_province_enabled


def test_difference_ci_is_d_plus_minus_1_96_se() -> None:
    low, high = difference_ci(3.0, 2.0)
    assert (low, high) == pytest.approx((3.0 - Z * 2.0, 3.0 + Z * 2.0))


def test_the_object_is_serialisable(store_key) -> None:
    view = compare.build(store_key, make_filters("vi", 2024, "P63-01"), chosen=("P63-01", "P63-79"))
    assert json.loads(to_json(view))["_type"] == "CompareContent"
    # figures keep their layout keys in another order after a round trip: compare the documents
    assert json.loads(to_json(pickle.loads(pickle.dumps(view)))) == json.loads(to_json(view))
