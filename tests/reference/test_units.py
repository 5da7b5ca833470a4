"""Name and code matching against the real reference units."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference.geography import ascii_fold, build_crosswalk, build_units
from reference.units import MatchResult, UnitMatcher, fold, strip_unit_type
from store.queries import unit_matcher
from store.reference_tables import load_reference

SCHEMA = Path(__file__).resolve().parents[2] / "store" / "schema.sql"


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return build_units()


@pytest.fixture(scope="module")
def matcher(units) -> UnitMatcher:
    return UnitMatcher.from_frame(units, build_crosswalk())


def _rows(units: pd.DataFrame, prefix: str) -> list[dict]:
    return units[units["unit_id"].str.startswith(prefix)].to_dict("records")


# fold / strip_unit_type -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thành phố Hà Nội", "thanh pho ha noi"),
        ("ĐẮK LẮK", "dak lak"),
        ("Thừa Thiên - Huế", "thua thien hue"),
        ("TP.HCM", "tp hcm"),
        ("  Bà Rịa–Vũng Tàu, ", "ba ria vung tau"),
        ("Hoà Bình", "hoa binh"),
        ("Hòa Bình", "hoa binh"),
        ("Ðồng Nai", "dong nai"),  # U+00D0 eth, a common mistyping of Đ
        ("Thanh Hoa\u0301", "thanh hoa"),  # decomposed input
        ("Đắk R'Lấp", "dak r lap"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@given(st.text())
def test_fold_is_idempotent_and_ascii(text: str) -> None:
    once = fold(text)
    assert once.isascii()
    assert fold(once) == once
    assert once == once.strip() and "  " not in once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tinh bac kan", "bac kan"),
        ("thanh pho ha noi", "ha noi"),
        ("TP. Hồ Chí Minh", "ho chi minh"),
        ("tp ho chi minh", "ho chi minh"),
        ("quan ba dinh", "ba dinh"),
        ("huyen ba vi", "ba vi"),
        ("thi xa cai lay", "cai lay"),
        ("tx cai lay", "cai lay"),
        ("phuong phuc xa", "phuc xa"),
        ("xa tan hoa", "tan hoa"),
        ("thi tran yen vien", "yen vien"),
        ("tt yen vien", "yen vien"),
        ("dac khu phu quoc", "phu quoc"),
        ("ha noi", "ha noi"),
        ("tinh", "tinh"),  # a bare type word is kept: nothing would remain
    ],
)
def test_strip_unit_type(text: str, expected: str) -> None:
    assert strip_unit_type(text) == expected


# provinces --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("prefix", "geo_version"), [("P63-", "pre2025"), ("P34-", "2025")])
def test_every_province_name_variant_resolves_to_itself(units, matcher, prefix, geo_version) -> None:
    rows = _rows(units, prefix)
    assert len(rows) == {"P63-": 63, "P34-": 34}[prefix]
    for row in rows:
        variants = {
            row["name_vi"],
            row["short_vi"],
            ascii_fold(row["name_vi"]),
            ascii_fold(row["short_vi"]),
            fold(row["short_vi"]),
            row["short_vi"].upper(),
            row["name_en"],
        }
        for text in variants:
            result = matcher.resolve(text, geo_version=geo_version)
            assert result.unit_id == row["unit_id"], (text, result)
            assert result.matched_by in {"name", "alias"}


@pytest.mark.parametrize(
    ("text", "geo_version", "expected"),
    [
        ("Thừa Thiên Huế", "pre2025", "P63-46"),
        ("Thừa Thiên - Huế", "pre2025", "P63-46"),
        ("Tỉnh Thừa Thiên Huế", "pre2025", "P63-46"),
        ("TT Huế", "pre2025", "P63-46"),
        ("Huế", "pre2025", "P63-46"),
        ("Thừa Thiên Huế", "2025", "P34-46"),
        ("Huế", "2025", "P34-46"),
        ("TP.HCM", "pre2025", "P63-79"),
        ("TP HCM", "pre2025", "P63-79"),
        ("HCM", "2025", "P34-79"),
        ("Sài Gòn", "pre2025", "P63-79"),
        ("Ho Chi Minh City", "pre2025", "P63-79"),
        ("Hồ Chí Minh", "2025", "P34-79"),
        ("TP. Hồ Chí Minh", "pre2025", "P63-79"),
        ("Hanoi", "pre2025", "P63-01"),
        ("HN", "2025", "P34-01"),
        ("BR-VT", "pre2025", "P63-77"),
        ("Bà Rịa Vũng Tàu", "pre2025", "P63-77"),
        ("Bà Rịa - Vũng Tàu", "pre2025", "P63-77"),
        ("Vung Tau", "pre2025", "P63-77"),
        ("Hoà Bình", "pre2025", "P63-17"),
        ("Hòa Bình", "pre2025", "P63-17"),
        ("Quang Ninh", "pre2025", "P63-22"),
        ("Dak Lak", "pre2025", "P63-66"),
        ("Daklak", "pre2025", "P63-66"),
        ("Dac Lac", "pre2025", "P63-66"),
        ("Đắc Lắc", "2025", "P34-66"),
        ("Thanh Hoá", "pre2025", "P63-38"),
        ("Tỉnh Khánh Hoà", "2025", "P34-56"),
        ("Lào Cai", "2025", "P34-15"),  # the new Lào Cai kept Yên Bái's code
    ],
)
def test_aliases_and_spellings(matcher, text, geo_version, expected) -> None:
    result = matcher.resolve(text, geo_version=geo_version)
    assert result.unit_id == expected, result
    assert result.matched_by in {"name", "alias"}
    assert result.note_en is None and result.issue is None


def test_natural_earth_wrong_names_are_not_aliases(matcher) -> None:
    # Natural Earth calls Hưng Yên 'Đồng Bằng Sông Hồng' and Bắc Kạn 'Đông Bắc': never resolve those.
    for text in ("Đồng Bằng Sông Hồng", "Đông Bắc"):
        assert matcher.resolve(text).unit_id is None


def test_ha_tay_is_abolished(matcher) -> None:
    for geo_version, successor in (("pre2025", "P63-01"), ("2025", "P34-01")):
        result = matcher.resolve("Hà Tây", geo_version=geo_version)
        assert result.unit_id is None and result.issue == "abolished"
        assert result.note_vi and "Hà Nội" in result.note_vi
        assert result.note_en and "2008" in result.note_en
        assert result.suggestions[0].unit_id == successor
    assert matcher.resolve("Tỉnh Hà Tây").suggestions[0].unit_id == "P63-01"


def test_merged_province_in_2025_points_to_successor(matcher) -> None:
    result = matcher.resolve("Hà Giang", geo_version="2025")
    assert result.unit_id is None and result.issue == "abolished"
    assert result.suggestions[0].unit_id == "P34-08"
    assert result.suggestions[0].name_vi == "Tỉnh Tuyên Quang"
    assert "Tuyên Quang" in (result.note_vi or "") and "Tuyen Quang" in (result.note_en or "")
    assert "01/07/2025" in (result.note_vi or "")
    # still a valid province before 2025
    assert matcher.resolve("Hà Giang").unit_id == "P63-02"
    # other spellings and ids of merged provinces
    assert matcher.resolve("Vũng Tàu", geo_version="2025").suggestions[0].unit_id == "P34-79"
    assert matcher.resolve("Yen Bai", geo_version="2025").suggestions[0].unit_id == "P34-15"
    assert matcher.resolve("P63-02", geo_version="2025").suggestions[0].unit_id == "P34-08"


def test_every_merged_province_has_a_successor_in_2025(units, matcher) -> None:
    p34_short = {fold(r["short_vi"]) for r in _rows(units, "P34-")}
    crosswalk = build_crosswalk().set_index("old_unit_id")["new_unit_id"]
    merged = [r for r in _rows(units, "P63-") if fold(r["short_vi"]) not in p34_short]
    assert len(merged) == 63 - 34
    for row in merged:
        result = matcher.resolve(row["name_vi"], geo_version="2025")
        assert result.unit_id is None and result.issue == "abolished", row["name_vi"]
        assert result.suggestions[0].unit_id == crosswalk[row["unit_id"]]


def test_typo_gives_suggestions_not_a_match(matcher) -> None:
    result = matcher.resolve("Quang Nihn")
    assert result.unit_id is None and result.matched_by == "none" and result.issue == "not_found"
    assert result.suggestions[0].unit_id == "P63-22"
    assert 1 <= len(result.suggestions) <= 5
    scores = [s.score for s in result.suggestions]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert matcher.resolve("Thanh Hoa provinc", geo_version="2025").suggestions[0].unit_id == "P34-38"
    assert matcher.resolve("Ha Nooi").suggestions[0].unit_id == "P63-01"
    assert matcher.resolve("Thanh Hoa Province", geo_version="2025").unit_id == "P34-38"  # English name


def test_codes_and_ids(matcher) -> None:
    for text in ("1", "01", "001", " 01 "):
        result = matcher.resolve(text)
        assert (result.unit_id, result.matched_by) == ("P63-01", "code"), text
    for text in ("P63-01", "p63-01", "P63-1"):
        result = matcher.resolve(text)
        assert (result.unit_id, result.matched_by) == ("P63-01", "id"), text
    assert matcher.resolve("8", geo_version="2025").unit_id == "P34-08"
    assert matcher.resolve("1", level="district").unit_id == "D63-001"
    assert matcher.resolve("00004", level="commune").unit_id == "C63-00004"
    assert matcher.resolve("4", level="commune", geo_version="2025").unit_id == "C34-00004"
    assert matcher.resolve("R-2", level="region").unit_id == "R-2"
    assert matcher.resolve("VN", level="nation").unit_id == "VN"
    missing = matcher.resolve("03")
    assert missing.unit_id is None and missing.issue == "not_found"


def test_id_of_the_wrong_version_or_level_is_not_accepted(matcher) -> None:
    result = matcher.resolve("P34-01")  # default geo_version is pre2025
    assert result.unit_id is None and result.issue == "wrong_scope"
    assert result.suggestions[0].unit_id == "P34-01"
    continuing = matcher.resolve("P63-01", geo_version="2025")
    assert continuing.unit_id is None and continuing.suggestions[0].unit_id == "P34-01"
    assert matcher.resolve("D63-001").unit_id is None  # a district where a province is expected


# districts and communes -------------------------------------------------------------------------------------
def test_every_district_full_name_resolves_within_its_province(units, matcher) -> None:
    for row in _rows(units, "D63-"):
        result = matcher.resolve(row["name_vi"], level="district", parent_id=row["parent_id"])
        assert result.unit_id == row["unit_id"], (row["name_vi"], result)


def test_districts_differing_only_by_type(units, matcher) -> None:
    result = matcher.resolve("Cai Lậy", level="district", parent_id="P63-82")
    assert result.unit_id is None and result.issue == "ambiguous"
    assert {s.unit_id for s in result.suggestions} == {"D63-817", "D63-820"}
    assert "ambiguous" in (result.note_en or "").lower() and result.note_vi
    assert matcher.resolve("Huyện Cai Lậy", level="district", parent_id="P63-82").unit_id == "D63-820"
    assert matcher.resolve("Thị xã Cai Lậy", level="district", parent_id="P63-82").unit_id == "D63-817"
    assert matcher.resolve("TX Cai Lay", level="district").unit_id == "D63-817"
    assert matcher.resolve("Cai Lậy (Huyện)", level="district").unit_id == "D63-820"
    # all such pairs: the short name alone is ambiguous, the full name is not
    districts = units[units["level"] == "district"].copy()
    districts["key"] = districts["short_vi"].map(fold)
    pairs = districts[districts.duplicated(["parent_id", "key"], keep=False)]
    assert len(pairs) == 12 and pairs["parent_id"].nunique() == 5
    for (parent, short), group in pairs.groupby(["parent_id", "short_vi"]):
        ambiguous = matcher.resolve(short, level="district", parent_id=parent)
        assert ambiguous.unit_id is None and ambiguous.issue == "ambiguous"
        assert {s.unit_id for s in ambiguous.suggestions} == set(group["unit_id"])


def test_district_short_names_unique_in_province_resolve(units, matcher) -> None:
    districts = units[units["level"] == "district"].copy()
    districts["key"] = districts["short_vi"].map(fold)
    unique = districts[~districts.duplicated(["parent_id", "key"], keep=False)]
    for row in unique.to_dict("records"):
        assert (
            matcher.resolve(row["short_vi"], level="district", parent_id=row["parent_id"]).unit_id
            == (row["unit_id"])
        )


def test_quan_hoa_is_a_name_not_a_type(matcher) -> None:
    assert matcher.resolve("Quan Hóa", level="district").unit_id == "D63-385"
    assert matcher.resolve("Huyện Quan Hóa", level="district").unit_id == "D63-385"


def test_districts_do_not_exist_in_2025(matcher) -> None:
    result = matcher.resolve("Ba Vì", level="district", geo_version="2025")
    assert result.unit_id is None and "2025" in (result.note_en or "")


def test_communes_scoped_by_parent(units, matcher) -> None:
    # pre-2025 communes can be scoped by their district or their province
    assert matcher.resolve("Trúc Bạch", level="commune", parent_id="D63-001").unit_id == "C63-00004"
    assert matcher.resolve("Phường Trúc Bạch", level="commune", parent_id="P63-01").unit_id == "C63-00004"
    ambiguous = matcher.resolve("Yên Viên", level="commune", parent_id="P63-01")  # Thị trấn and Xã
    assert ambiguous.unit_id is None and ambiguous.issue == "ambiguous" and len(ambiguous.suggestions) == 2
    assert matcher.resolve("Xã Yên Viên", level="commune", parent_id="P63-01").unit_id is not None
    many = matcher.resolve("Xã Tân Hòa", level="commune")
    assert many.unit_id is None and many.issue == "ambiguous" and len(many.suggestions) == 5
    wrong_parent = matcher.resolve("Trúc Bạch", level="commune", parent_id="P63-79")
    assert wrong_parent.unit_id is None


def test_every_2025_commune_resolves_within_its_province(units, matcher) -> None:
    rows = _rows(units, "C34-")
    assert len(rows) == 3_321
    folded_keys = pd.Series([(r["parent_id"], fold(r["short_vi"])) for r in rows])
    collides = set(folded_keys[folded_keys.duplicated(keep=False)])
    assert len(collides) == 10  # e.g. Văn Lang / Văn Lăng: ASCII alone cannot tell them apart
    kw = {"level": "commune", "geo_version": "2025"}
    for row in rows:
        result = matcher.resolve(row["name_vi"], parent_id=row["parent_id"], **kw)
        assert result.unit_id == row["unit_id"], (row["name_vi"], result)
        folded = matcher.resolve(fold(row["short_vi"]), parent_id=row["parent_id"], **kw)
        if (row["parent_id"], fold(row["short_vi"])) in collides:
            assert folded.unit_id is None and folded.issue == "ambiguous"
        else:
            assert folded.unit_id == row["unit_id"], (row["short_vi"], folded)


def test_names_differing_only_by_diacritics(units, matcher) -> None:
    # Xã Văn Lang and Xã Văn Lăng are both in Thái Nguyên (2025): diacritics decide, ASCII stays ambiguous
    kw = {"level": "commune", "geo_version": "2025", "parent_id": "P34-19"}
    assert matcher.resolve("Văn Lang", **kw).unit_id == "C34-02143"
    assert matcher.resolve("Xã Văn Lăng", **kw).unit_id == "C34-05665"
    ascii_only = matcher.resolve("Van Lang", **kw)
    assert ascii_only.unit_id is None and ascii_only.issue == "ambiguous"
    # tone-mark placement does not matter: 'Hoà Lộc' is 'Hòa Lộc', not 'Hoa Lộc' (both in Hậu Lộc, Thanh Hóa)
    assert matcher.resolve("Xã Hoà Lộc", level="commune", parent_id="D63-400").unit_id == "C63-16075"
    assert matcher.resolve("Hoa Lộc", level="commune", parent_id="D63-400").unit_id == "C63-16063"


def test_every_pre2025_commune_full_name_resolves_within_its_district(units, matcher) -> None:
    for row in _rows(units, "C63-"):
        result = matcher.resolve(row["name_vi"], level="commune", parent_id=row["parent_id"])
        assert result.unit_id == row["unit_id"], (row["name_vi"], result)


def test_regions(matcher) -> None:
    assert matcher.resolve("Đồng bằng sông Cửu Long", level="region").unit_id == "R-6"
    assert matcher.resolve("ĐBSCL", level="region").unit_id == "R-6"
    assert matcher.resolve("Tay Nguyen", level="region", geo_version="2025").unit_id == "R-4"
    assert matcher.resolve("Red River Delta", level="region").unit_id == "R-2"


# API behaviour ----------------------------------------------------------------------------------------------
def test_resolve_many_caches(matcher) -> None:
    results = matcher.resolve_many(["Hà Nội", "Quang Nihn", "Hà Nội"], geo_version="2025")
    assert [r.unit_id for r in results] == ["P34-01", None, "P34-01"]
    assert results[0] is results[2]
    assert all(isinstance(r, MatchResult) for r in results)


def test_empty_and_invalid_arguments(matcher) -> None:
    assert matcher.resolve("   ").unit_id is None
    with pytest.raises(ValueError):
        matcher.resolve("Hà Nội", level="country")
    with pytest.raises(ValueError):
        matcher.resolve("Hà Nội", geo_version="2024")


def test_from_db_matches_from_frame(matcher) -> None:
    con = duckdb.connect()
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        load_reference(con)
        db_matcher = unit_matcher(con)
    finally:
        con.close()
    for text, kw in [
        ("Hà Nội", {}),
        ("TP.HCM", {"geo_version": "2025"}),
        ("Cai Lậy", {"level": "district"}),
        ("Phường Phúc Xá", {"level": "commune", "parent_id": "D63-001"}),
    ]:
        assert db_matcher.resolve(text, **kw) == matcher.resolve(text, **kw)
    hg = db_matcher.resolve("Hà Giang", geo_version="2025")
    assert hg.suggestions[0].unit_id == "P34-08"
