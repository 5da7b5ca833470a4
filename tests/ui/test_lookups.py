"""The cached lookups behind the global filters and the map layers give what the straightforward
DataFrame code gave: unit names, province order, geography translation, the 34-province GeoJSON."""

from __future__ import annotations

import pandas as pd
import pytest

from content import geo, source
from content import units as lookups
from content.source import StoreKey
from geo.layers import island_points, province_layer, to_geojson
from i18n import t
from reference.units import fold


@pytest.fixture()
def key(demo_db_path) -> StoreKey:
    path = demo_db_path.resolve()
    return str(path), path.stat().st_mtime


@pytest.fixture()
def units(key: StoreKey) -> pd.DataFrame:
    return source.units(key)


def test_unit_names_match_the_units_table(key: StoreKey, units: pd.DataFrame) -> None:
    for lang, column in (("vi", "short_vi"), ("en", "name_en")):
        assert dict(lookups.unit_names(key, lang)) == dict(zip(units["unit_id"], units[column], strict=True))
        assert lookups.unit_name(key, "VN", lang) == t("filters.national", lang)
    assert lookups.unit_name(key, "P63-01", "vi") == units.set_index("unit_id").at["P63-01", "short_vi"]
    assert lookups.unit_name(key, "no-such-unit", "en") == "no-such-unit"


@pytest.mark.parametrize(("geo_code", "version"), [("63", "pre2025"), ("34", "2025")])
def test_province_order(key: StoreKey, units: pd.DataFrame, geo_code: str, version: str) -> None:
    frame = units[(units["level"] == "province") & (units["geo_version"] == version)].copy()
    frame["sort_key"] = frame["short_vi"].map(fold)
    expected = list(frame.sort_values("sort_key", kind="stable")["unit_id"])
    assert list(lookups.province_ids(key, geo_code)) == expected


def test_translate_unit_across_geographies(key: StoreKey, units: pd.DataFrame) -> None:
    cw = source.crosswalk(key)
    ids = set(units["unit_id"])
    for unit_id in units.loc[units["level"] == "province", "unit_id"]:
        match = cw[(cw["old_unit_id"] == unit_id) & cw["new_unit_id"].str.startswith("P34-")]
        expected_34 = unit_id if unit_id.startswith("P34-") else (
            match["new_unit_id"].iloc[0] if not match.empty else "VN"
        )  # fmt: skip
        assert lookups.translate_unit(key, unit_id, "34") == expected_34
        candidate = "P63-" + unit_id.split("-", 1)[1]
        expected_63 = unit_id if unit_id.startswith("P63-") else (candidate if candidate in ids else "VN")
        assert lookups.translate_unit(key, unit_id, "63") == expected_63
    assert lookups.translate_unit(key, "VN", "34") == lookups.translate_unit(key, "VN", "63") == "VN"


@pytest.mark.parametrize("geo_code", ["63", "34"])
def test_province_geojson_from_the_store_equals_the_reference_layer(key: StoreKey, geo_code: str) -> None:
    assert geo.province_geojson(geo_code, key) == to_geojson(province_layer(geo_code))
    outline = geo.outline_geojson(f"P{geo_code}-01", geo_code, key)
    assert [f["id"] for f in outline["features"]] == [f"P{geo_code}-01"]


def test_island_markers() -> None:
    markers = geo.islands("en")
    reference = island_points()
    assert markers[["lon", "lat", "province_63"]].equals(reference[["lon", "lat", "province_63"]])
    assert list(markers["label"]) == [t("map.hoang_sa", "en"), t("map.truong_sa", "en")]
