"""District polygons read from the shared dvhcvn folder (never copied into the repository) and centroid
fallbacks from the reference units."""

from __future__ import annotations

import json
import logging
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import shapely

from geo.districts import ENV_VAR, district_dir, district_layer, district_points
from geo.layers import island_points, province_layer, to_geojson

KB = 1024


@pytest.fixture(scope="module")
def shared_folder() -> Path:
    folder = district_dir()
    if not (folder / "01.json").is_file():
        pytest.skip(f"district boundary folder {folder} not available (set {ENV_VAR})")
    return folder


def test_hanoi_districts(shared_folder: Path) -> None:
    layer = district_layer("P63-01")
    assert layer is not None
    assert list(layer.columns) == ["unit_id", "gso_code", "name_vi", "in_reference", "geometry"]
    assert layer.crs.to_epsg() == 4326
    assert len(layer) == 30 and layer["unit_id"].is_unique
    assert layer["unit_id"].iloc[0] == "D63-001" and layer["unit_id"].str.fullmatch(r"D63-\d{3}").all()
    assert (layer["unit_id"] == "D63-" + layer["gso_code"]).all()
    assert layer["in_reference"].all()
    assert layer.set_index("unit_id").at["D63-001", "name_vi"] == "Quận Ba Đình"
    assert all(unicodedata.is_normalized("NFC", n) for n in layer["name_vi"])
    geoms = np.asarray(layer.geometry, dtype=object)
    assert all(shapely.is_valid(geoms)) and shapely.coverage_is_valid(geoms)
    hanoi = province_layer("63").set_index("unit_id").at["P63-01", "geometry"]
    assert hanoi.contains(shapely.union_all(geoms).representative_point())


def test_layer_is_cached_but_returned_as_a_copy(shared_folder: Path) -> None:
    first = district_layer("P63-01")
    first.loc[0, "name_vi"] = "changed"
    assert district_layer("P63-01").at[0, "name_vi"] == "Quận Ba Đình"


def test_hoang_sa_and_truong_sa_districts(shared_folder: Path) -> None:
    points = island_points().set_index("province_63")
    for province, district in (("P63-48", "D63-498"), ("P63-56", "D63-576")):
        layer = district_layer(province).set_index("unit_id")
        islands = layer.at[district, "geometry"]
        assert shapely.get_num_geometries(islands) > 10  # many island parts survive simplification
        label = shapely.Point(points.loc[province, ["lon", "lat"]].to_numpy(dtype=float))
        assert islands.distance(label) < 0.05  # the two sources place the archipelagos alike


def test_missing_province_file_and_missing_folder_give_none(
    shared_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert district_layer("P63-22") is None  # Quảng Ninh: not in the shared copy
    assert district_layer("P63-01", folder=tmp_path) is None  # folder without files
    assert district_layer("P63-01", folder=tmp_path / "absent") is None
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "absent"))
    assert district_dir() == tmp_path / "absent"
    assert district_layer("P63-01") is None
    assert district_layer("P34-01") is None  # no districts after 1 July 2025


def test_folder_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    west = {
        "type": "Polygon",
        "coordinates": [[[105.0, 21.0], [105.5, 21.0], [105.5, 21.5], [105.0, 21.5], [105.0, 21.0]]],
    }
    east = {
        "type": "Polygon",
        "coordinates": [[[105.5, 21.0], [106.0, 21.0], [106.0, 21.5], [105.5, 21.5], [105.5, 21.0]]],
    }
    content = {
        "level1_id": "01",
        "name": "Thành phố Hà Nội",
        "type": "Polygon",
        "coordinates": [],
        "level2s": [
            {"level2_id": "001", "name": "Quận Ba Đình", **west},
            {"level2_id": "999", "name": "Huyện Thử", **east},
        ],
    }
    (tmp_path / "01.json").write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    layer = district_layer("P63-01")
    assert list(layer["unit_id"]) == ["D63-001", "D63-999"]
    assert list(layer["name_vi"]) == ["Quận Ba Đình", "Huyện Thử"]
    assert list(layer["in_reference"]) == [True, False]
    assert shapely.area(np.asarray(layer.geometry)).sum() == pytest.approx(0.5)


def test_unreadable_file_gives_none(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "01.json").write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="geo.districts"):
        assert district_layer("P63-01", folder=tmp_path) is None
    assert "cannot read district polygons" in caplog.text


def test_bad_unit_id_is_refused() -> None:
    with pytest.raises(ValueError):
        district_layer("D63-001")
    with pytest.raises(ValueError):
        district_points("01")


def test_largest_provinces_stay_under_one_megabyte(shared_folder: Path) -> None:
    largest = sorted(shared_folder.glob("[0-9][0-9].json"), key=lambda p: p.stat().st_size)[-5:]
    for path in largest:
        layer = district_layer(f"P63-{path.stem}")
        assert layer is not None and len(layer) > 5
        geoms = np.asarray(layer.geometry, dtype=object)
        assert all(shapely.is_valid(geoms)) and shapely.coverage_is_valid(geoms), path.name
        assert len(json.dumps(to_geojson(layer))) <= 1024 * KB, path.name


def test_district_points_for_quang_ninh() -> None:
    points = district_points("P63-22")
    assert list(points.columns) == ["unit_id", "name_vi", "lon", "lat"]
    assert len(points) == 13 and points["unit_id"].str.startswith("D63-").all()
    assert points[["lon", "lat"]].notna().all().all()
    quang_ninh = province_layer("63").set_index("unit_id").at["P63-22", "geometry"].buffer(0.1)
    assert all(
        quang_ninh.contains(shapely.Point(x, y)) for x, y in zip(points["lon"], points["lat"], strict=True)
    )


def test_district_points_of_island_districts_lie_on_the_islands() -> None:
    layer = province_layer("63").set_index("unit_id")
    for province, district in (("P63-48", "D63-498"), ("P63-56", "D63-576")):
        row = district_points(province).set_index("unit_id").loc[district]
        assert layer.at[province, "geometry"].contains(shapely.Point(row["lon"], row["lat"]))


def test_district_points_for_2025_provinces_are_communes() -> None:
    points = district_points("P34-01")
    assert len(points) > 100 and points["unit_id"].str.startswith("C34-").all()
    assert district_points("P63-99").empty
