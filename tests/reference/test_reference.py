"""Reference units and the 2025 crosswalk built from the real `vietnamadminunits` package data."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reference.geography import (
    CROSSWALK_COLUMNS,
    PROVINCE_REGION_63,
    UNIT_COLUMNS,
    build_crosswalk,
    build_units,
    crosswalk_coverage,
)
from store.reference_tables import load_reference

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = Path(os.environ.get("SIPAS_SHARED_DIR", REPO_ROOT.parent / "shared"))
SCHEMA = REPO_ROOT / "store" / "schema.sql"


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return build_units()


@pytest.fixture(scope="module")
def crosswalk() -> pd.DataFrame:
    return build_crosswalk()


@pytest.fixture()
def store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    yield con
    con.close()


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def test_columns_match_schema(store, units, crosswalk) -> None:
    assert list(units.columns) == UNIT_COLUMNS == _table_columns(store, "admin_unit")
    assert list(crosswalk.columns) == CROSSWALK_COLUMNS == _table_columns(store, "unit_crosswalk")


def test_unit_counts(units) -> None:
    counts = units.groupby(["level", "geo_version"]).size().to_dict()
    assert counts == {
        ("nation", "any"): 1,
        ("region", "any"): 6,
        ("province", "pre2025"): 63,
        ("district", "pre2025"): 696,
        ("commune", "pre2025"): 10_035,
        ("province", "2025"): 34,
        ("commune", "2025"): 3_321,
    }


def test_ids_unique_and_parents_exist(units) -> None:
    assert units["unit_id"].is_unique
    ids = set(units["unit_id"])
    parents = units["parent_id"].dropna()
    assert set(parents) <= ids
    assert units.loc[units["parent_id"].isna(), "unit_id"].tolist() == ["VN"]
    by_id = units.set_index("unit_id")
    expected_parent_level = {
        ("province", "pre2025"): "region",
        ("province", "2025"): "region",
        ("district", "pre2025"): "province",
        ("commune", "pre2025"): "district",
        ("commune", "2025"): "province",
    }
    for (level, version), parent_level in expected_parent_level.items():
        rows = units[(units["level"] == level) & (units["geo_version"] == version)]
        parent_rows = by_id.loc[rows["parent_id"]]
        assert set(parent_rows["level"]) == {parent_level}, (level, version)
        if parent_level != "region":
            assert set(parent_rows["geo_version"]) == {version}, (level, version)


def test_id_format_and_codes(units) -> None:
    width = {"P": 2, "D": 3, "C": 5}
    admin = units[units["level"].isin(["province", "district", "commune"])]
    for unit_id, code in zip(admin["unit_id"], admin["gso_code"], strict=True):
        prefix, number = unit_id.split("-")
        assert number == code and len(code) == width[prefix[0]] and code.isdigit(), unit_id
    assert units.loc[units["level"].isin(["nation", "region"]), "gso_code"].isna().all()


def test_every_province_and_below_has_a_region(units) -> None:
    below = units[units["level"].isin(["province", "district", "commune"])]
    assert below["region_id"].notna().all()
    assert set(below["region_id"]) == {f"R-{i}" for i in range(1, 7)}
    provinces = units[units["level"] == "province"]
    assert (provinces["parent_id"] == provinces["region_id"]).all()
    # communes and districts carry their province's region
    by_id = units.set_index("unit_id")
    districts = units[units["level"] == "district"]
    assert (
        by_id.loc[districts["parent_id"], "region_id"].to_numpy() == districts["region_id"].to_numpy()
    ).all()


def test_gso_regions_of_the_63_provinces(units) -> None:
    assert len(PROVINCE_REGION_63) == 63
    p63 = units[units["unit_id"].str.startswith("P63-")].set_index("gso_code")
    assert set(p63.index) == set(PROVINCE_REGION_63)
    assert p63["region_id"].value_counts().to_dict() == {
        "R-1": 14,
        "R-2": 11,
        "R-3": 14,
        "R-4": 5,
        "R-5": 6,
        "R-6": 13,
    }
    expected = {"01": "R-2", "22": "R-2", "27": "R-2", "24": "R-1", "46": "R-3", "60": "R-3", "67": "R-4"}
    expected |= {"68": "R-4", "70": "R-5", "77": "R-5", "79": "R-5", "80": "R-6", "96": "R-6"}
    for code, region in expected.items():
        assert p63.loc[code, "region_id"] == region, code


def test_names(units) -> None:
    by_id = units.set_index("unit_id")
    cases = {
        "VN": ("Việt Nam", "Việt Nam", None, "Viet Nam"),
        "R-2": ("Đồng bằng sông Hồng", "Đồng bằng sông Hồng", None, "Red River Delta"),
        "P63-06": ("Tỉnh Bắc Kạn", "Bắc Kạn", "Tỉnh", "Bac Kan Province"),
        "P63-01": ("Thành phố Hà Nội", "Hà Nội", "Thành phố", "Hanoi"),
        "P34-79": ("Thành phố Hồ Chí Minh", "Hồ Chí Minh", "Thành phố", "Ho Chi Minh City"),
        "P34-46": ("Thành phố Huế", "Huế", "Thành phố", "Hue City"),
        "P63-48": ("Thành phố Đà Nẵng", "Đà Nẵng", "Thành phố", "Da Nang City"),
        "P63-66": ("Tỉnh Đắk Lắk", "Đắk Lắk", "Tỉnh", "Dak Lak Province"),
        "D63-271": ("Huyện Ba Vì", "Ba Vì", "Huyện", "Ba Vi District"),
        "D63-817": ("Thị xã Cai Lậy", "Cai Lậy", "Thị xã", "Cai Lay Town"),
        "D63-760": ("Quận 1", "Quận 1", "Quận", "District 1"),
        "D63-058": (
            "Thành phố Bắc Kạn",
            "Bắc Kạn",
            "Thành phố",
            "Bac Kan City",
        ),  # 'Thành Phố' in the package
        "C63-00001": ("Phường Phúc Xá", "Phúc Xá", "Phường", "Phuc Xa Ward"),
        "C63-15061": ("Thị trấn Ngọc Lặc", "Ngọc Lặc", "Thị trấn", "Ngoc Lac Town"),  # package type says Xã
        "C34-31078": ("Đặc khu Phú Quốc", "Phú Quốc", "Đặc khu", "Phu Quoc Special Zone"),
    }
    for unit_id, (name_vi, short_vi, type_vi, name_en) in cases.items():
        row = by_id.loc[unit_id]
        got_type = None if pd.isna(row["type_vi"]) else row["type_vi"]
        assert (row["name_vi"], row["short_vi"], got_type, row["name_en"]) == (
            name_vi,
            short_vi,
            type_vi,
            name_en,
        ), unit_id


def test_text_is_nfc_and_english_is_ascii(units) -> None:
    for column in ("name_vi", "short_vi", "type_vi"):
        values = units[column].dropna()
        assert (values.map(lambda s: unicodedata.normalize("NFC", s) == s)).all(), column
    assert units["name_en"].map(str.isascii).all()
    assert not units["name_en"].str.contains("[Đđ]").any()
    typed = units[units["type_vi"].notna()]
    assert (typed.apply(lambda r: r["name_vi"].startswith(r["type_vi"] + " "), axis=1)).all()
    assert set(typed["type_vi"]) == {
        "Tỉnh",
        "Thành phố",
        "Quận",
        "Huyện",
        "Thị xã",
        "Phường",
        "Xã",
        "Thị trấn",
        "Đặc khu",
    }


def test_validity_dates(units) -> None:
    p63 = units[units["unit_id"].str.startswith("P63-")]
    assert set(p63["valid_from"]) == {dt.date(2008, 8, 1)}
    pre = units[units["geo_version"] == "pre2025"]
    assert set(pre["valid_to"]) == {dt.date(2025, 6, 30)}
    assert pre.loc[pre["level"] != "province", "valid_from"].isna().all()
    new = units[units["geo_version"] == "2025"]
    assert set(new["valid_from"]) == {dt.date(2025, 7, 1)}
    assert new["valid_to"].isna().all()
    assert not units["is_generated"].any()


def test_coordinates_plausible(units) -> None:
    admin = units[units["level"].isin(["province", "district", "commune"])]
    assert admin["lat"].notna().all() and admin["lon"].notna().all()
    assert admin["lat"].between(8.0, 23.5).all()
    assert admin["lon"].between(102.0, 117.5).all()  # Hoàng Sa and Trường Sa lie far east


def test_crosswalk_provinces(units, crosswalk) -> None:
    prov = crosswalk[crosswalk["old_unit_id"].str.startswith("P63-")]
    assert prov["old_unit_id"].is_unique and len(prov) == 63
    assert prov["new_unit_id"].str.startswith("P34-").all()
    assert prov["new_unit_id"].nunique() == 34
    assert (prov["share"] == 1.0).all() and prov["is_default"].all()
    assert set(crosswalk["effective"]) == {dt.date(2025, 7, 1)}
    assert crosswalk["source"].str.startswith("vietnamadminunits ").all()
    mapping = dict(zip(prov["old_unit_id"], prov["new_unit_id"], strict=True))
    assert mapping["P63-02"] == "P34-08"  # Hà Giang -> Tuyên Quang
    assert mapping["P63-77"] == "P34-79"  # Bà Rịa - Vũng Tàu -> TP Hồ Chí Minh
    assert mapping["P63-52"] == "P34-52"  # Bình Định -> Gia Lai (kept Bình Định's code)


def test_crosswalk_provinces_match_shared_csv(crosswalk) -> None:
    path = SHARED_DIR / "geo" / "crosswalk_province_63_to_34.csv"
    if not path.exists():
        pytest.skip(f"shared crosswalk not found at {path} (set SIPAS_SHARED_DIR)")
    csv = pd.read_csv(path, dtype=str)
    expected = {f"P63-{o}": f"P34-{n}" for o, n in zip(csv["old_gso_code"], csv["new_gso_code"], strict=True)}
    prov = crosswalk[crosswalk["old_unit_id"].str.startswith("P63-")]
    assert dict(zip(prov["old_unit_id"], prov["new_unit_id"], strict=True)) == expected


def test_crosswalk_districts(units, crosswalk) -> None:
    prov = crosswalk[crosswalk["old_unit_id"].str.startswith("P63-")].set_index("old_unit_id")["new_unit_id"]
    dist = crosswalk[crosswalk["old_unit_id"].str.startswith("D63-")]
    assert dist["old_unit_id"].is_unique and len(dist) == 696
    assert (dist["share"] == 1.0).all()
    parents = units.set_index("unit_id").loc[dist["old_unit_id"], "parent_id"]
    assert (prov.loc[parents].to_numpy() == dist["new_unit_id"].to_numpy()).all()


def test_crosswalk_communes(units, crosswalk) -> None:
    communes = crosswalk[crosswalk["old_unit_id"].str.startswith("C63-")]
    ids = set(units["unit_id"])
    assert set(communes["old_unit_id"]) == set(units.loc[units["unit_id"].str.startswith("C63-"), "unit_id"])
    assert set(communes["new_unit_id"]) <= ids and communes["new_unit_id"].str.startswith("C34-").all()
    # every new commune receives an old one, except five island special zones that were whole districts
    # without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo)
    unreached = set(units.loc[units["unit_id"].str.startswith("C34-"), "unit_id"]) - set(
        communes["new_unit_id"]
    )
    assert unreached == {"C34-11948", "C34-19742", "C34-20333", "C34-21548", "C34-26732"}
    assert not crosswalk.duplicated(["old_unit_id", "new_unit_id"]).any()
    assert ((crosswalk["share"] > 0) & (crosswalk["share"] <= 1)).all()
    per_old = communes.groupby("old_unit_id").agg(share=("share", "sum"), defaults=("is_default", "sum"))
    assert (per_old["share"] - 1.0).abs().max() < 1e-9
    assert (per_old["defaults"] == 1).all()
    # an old commune's new commune lies in its old province's successor
    by_id = units.set_index("unit_id")
    prov = crosswalk[crosswalk["old_unit_id"].str.startswith("P63-")].set_index("old_unit_id")["new_unit_id"]
    old_province = by_id.loc[by_id.loc[communes["old_unit_id"], "parent_id"], "parent_id"]
    new_province = by_id.loc[communes["new_unit_id"], "parent_id"]
    assert (prov.loc[old_province].to_numpy() == new_province.to_numpy()).all()


def test_divided_commune_shares_follow_area(crosswalk) -> None:
    # Thành phố Cần Thơ, Phường Bùi Hữu Nghĩa: split between Bình Thủy (15.17 km², default) and Cái Khế
    rows = crosswalk[crosswalk["old_unit_id"] == "C63-31178"].set_index("new_unit_id")
    assert set(rows.index) == {"C34-31168", "C34-31120"}
    assert rows.loc["C34-31168", "share"] == pytest.approx(15.17 / (15.17 + 10.04), abs=1e-9)
    assert rows.loc["C34-31168", "is_default"] and not rows.loc["C34-31120", "is_default"]


def test_divided_commune_with_zero_area_target_gets_equal_shares(crosswalk) -> None:
    # Tiền Giang, Thị xã Cai Lậy, Phường 3: one target (Phường Mỹ Phước Tây) has area 0.0 in the package
    rows = crosswalk[crosswalk["old_unit_id"] == "C63-28437"]
    assert len(rows) == 2
    assert rows["share"].tolist() == [0.5, 0.5]


def test_coverage() -> None:
    coverage = crosswalk_coverage()
    assert coverage["province_mapped"] == coverage["province_total"] == 63
    assert coverage["district_mapped"] == coverage["district_total"] == 696
    assert coverage["commune_total"] == 10_035
    assert coverage["commune_mapped"] + coverage["commune_unmapped"] == 10_035
    assert coverage["commune_mapped"] >= 10_000
    assert coverage["commune_divided"] > 0


def test_load_reference(store) -> None:
    counts = load_reference(store)
    assert counts == {"admin_unit": 14_156, "unit_crosswalk": len(build_crosswalk())}
    assert store.execute("SELECT count(*) FROM admin_unit").fetchall()[0][0] == counts["admin_unit"]
    assert store.execute("SELECT count(*) FROM unit_crosswalk").fetchall()[0][0] == counts["unit_crosswalk"]
    # loading twice replaces rather than duplicates
    assert load_reference(store) == counts
    assert store.execute("SELECT count(*) FROM admin_unit").fetchall()[0][0] == counts["admin_unit"]
    row = store.execute(
        "SELECT gso_code, type_vi, parent_id, valid_from, valid_to FROM admin_unit WHERE unit_id = ?", ["VN"]
    ).fetchall()
    assert row == [(None, None, None, None, None)]
    row = store.execute(
        "SELECT name_vi, valid_from, valid_to, is_generated FROM admin_unit WHERE unit_id = ?", ["P63-01"]
    ).fetchall()
    assert row == [("Thành phố Hà Nội", dt.date(2008, 8, 1), dt.date(2025, 6, 30), False)]
    types = dict(store.execute("SELECT column_name, data_type FROM information_schema.columns").fetchall())
    assert types["valid_from"] == "DATE" and types["effective"] == "DATE"


def test_build_returns_independent_copies() -> None:
    first = build_units()
    first.loc[0, "name_vi"] = "changed"
    assert build_units().loc[0, "name_vi"] == "Việt Nam"


def test_new_provinces_take_the_region_of_their_namesake(units) -> None:
    region = units.set_index("unit_id")["region_id"]
    # these three took the GSO code of a differently named old province
    assert region["P34-52"] == "R-4"  # Gia Lai (code from Bình Định) stays in Tây Nguyên
    assert region["P34-80"] == "R-5"  # Tây Ninh (code from Long An) stays in Đông Nam Bộ
    assert region["P34-24"] == "R-2"  # Bắc Ninh (code from Bắc Giang) stays in Đồng bằng sông Hồng
