"""Province boundary layers for maps (pure: no Streamlit; cached per process, callers get copies).

* 63 provinces (before 1 July 2025): the committed ``geo/layers/provinces_63.geojson`` (Natural Earth,
  public domain; see ``geo/layers/PROVENANCE.md`` and ``geo/build_provinces.py``). Hoàng Sa is part of
  Đà Nẵng (P63-48), Trường Sa part of Khánh Hòa (P63-56).
* 34 provinces (from 1 July 2025): the 63 dissolved with the crosswalk of ``reference.geography`` (every old
  province merged whole into one new province), so neighbours keep sharing their borders exactly.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

LAYER_DIR = Path(__file__).resolve().parent / "layers"
PROVINCES_63 = LAYER_DIR / "provinces_63.geojson"
CRS = "EPSG:4326"
COLUMNS = ["unit_id", "gso_code", "name_vi", "geometry"]
VERSIONS = ("63", "34")

# Archipelagos: name, English name, GSO code of the province they belong to, lon/lat box of their parts.
ISLANDS: tuple[dict[str, Any], ...] = (
    {
        "name_vi": "Quần đảo Hoàng Sa",
        "name_en": "Hoang Sa (Paracel) Islands",
        "gso_code": "48",
        "box": (110.5, 15.0, 113.5, 17.5),
    },
    {
        "name_vi": "Quần đảo Trường Sa",
        "name_en": "Truong Sa (Spratly) Islands",
        "gso_code": "56",
        "box": (111.0, 6.0, 117.5, 12.0),
    },
)


def _frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(rows, columns=COLUMNS, geometry="geometry", crs=CRS)
    return gdf.sort_values("unit_id", ignore_index=True)


@functools.lru_cache(maxsize=1)
def _layer_63() -> gpd.GeoDataFrame:
    with PROVINCES_63.open(encoding="utf-8") as fh:
        collection = json.load(fh)
    rows = []
    for feature in collection["features"]:
        props = feature["properties"]
        rows.append(
            {
                "unit_id": props["unit_id"],
                "gso_code": props["gso_code"],
                "name_vi": unicodedata.normalize("NFC", props["name_vi"]),
                "geometry": shape(feature["geometry"]),
            }
        )
    return _frame(rows)


def _multipolygon(geom: Any) -> shapely.MultiPolygon:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.MultiPolygon([q for p in parts for q in shapely.get_parts(p)])


def merge_provinces(successor: Mapping[str, str]) -> gpd.GeoDataFrame:
    """The 63 provinces dissolved into their successors (`successor`: P63 unit id -> new unit id, every P63
    province must have one): columns unit_id and geometry (valid MultiPolygons, exterior rings
    counter-clockwise), one row per new unit, sorted by unit_id.

    The 63 layer is an edge-matched coverage, so a coverage union per group is exact and neighbours keep
    sharing their borders. Pages pass the crosswalk of their database (no reference rebuild);
    :func:`province_layer` passes the reference crosswalk and adds codes and names.
    """
    old = _layer_63()
    missing = set(old["unit_id"]) - set(successor)
    if missing:
        raise ValueError(f"provinces without a 2025 successor: {sorted(missing)}")
    groups = old.assign(new_unit_id=old["unit_id"].map(successor)).groupby("new_unit_id", sort=True)
    ids = list(groups.groups)
    merged = np.array([shapely.coverage_union_all(np.asarray(g.geometry)) for _, g in groups], dtype=object)
    if not (all(shapely.is_valid(merged)) and shapely.coverage_is_valid(merged)):
        merged = shapely.coverage_clean(np.array([_multipolygon(shapely.make_valid(g)) for g in merged]))
    geoms = [shapely.orient_polygons(_multipolygon(g), exterior_cw=False) for g in merged]
    return gpd.GeoDataFrame({"unit_id": ids, "geometry": geoms}, geometry="geometry", crs=CRS)


def province_successors(crosswalk: pd.DataFrame) -> dict[str, str]:
    """P63 -> P34 rows of a crosswalk (columns old_unit_id, new_unit_id)."""
    old = crosswalk["old_unit_id"].str.startswith("P63-", na=False)
    rows = crosswalk[old & crosswalk["new_unit_id"].str.startswith("P34-", na=False)]
    return dict(zip(rows["old_unit_id"].tolist(), rows["new_unit_id"].tolist(), strict=True))


@functools.lru_cache(maxsize=1)
def _layer_34() -> gpd.GeoDataFrame:
    from reference.geography import build_crosswalk, build_units

    merged = merge_provinces(province_successors(build_crosswalk()))
    units = build_units().set_index("unit_id")
    rows = [
        {
            "unit_id": unit_id,
            "gso_code": units.at[unit_id, "gso_code"],
            "name_vi": unicodedata.normalize("NFC", units.at[unit_id, "name_vi"]),
            "geometry": geom,
        }
        for unit_id, geom in zip(merged["unit_id"], merged.geometry, strict=True)
    ]
    return _frame(rows)


def province_layer(version: str = "63") -> gpd.GeoDataFrame:
    """Provinces as a GeoDataFrame (unit_id, gso_code, name_vi, geometry; EPSG:4326), sorted by unit_id.

    ``"63"``: the 63 provinces before 1 July 2025 (``P63-xx``); ``"34"``: the 34 from 1 July 2025
    (``P34-xx``). Islands belong to Đà Nẵng and Khánh Hòa in both.
    """
    if version == "63":
        return _layer_63().copy()
    if version == "34":
        return _layer_34().copy()
    raise ValueError(f"version must be one of {VERSIONS}, not {version!r}")


def to_geojson(
    gdf: gpd.GeoDataFrame,
    id_column: str = "unit_id",
    precision: int = 4,
    properties: tuple[str, ...] = (),
) -> dict[str, Any]:
    """FeatureCollection for plotly ``choroplethmap(geojson=..., featureidkey="id")``.

    Feature ``id`` = the value of `id_column` (as text); ``properties`` holds only the listed columns (none
    by default: plotly needs only the id). Coordinates rounded to `precision` decimals, rings oriented as
    RFC 7946 asks (exterior counter-clockwise). Rows without a geometry are left out.
    """
    geoms = np.asarray(gdf.geometry, dtype=object)
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, precision))
    texts = shapely.to_geojson(shapely.orient_polygons(rounded, exterior_cw=False))
    ids = [str(v) for v in gdf[id_column]]
    columns = {c: gdf[c].tolist() for c in properties}  # tolist(): plain Python values, JSON-ready
    features = []
    for position, text in enumerate(texts):
        if text is None or geoms[position].is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": ids[position],
                "properties": {c: values[position] for c, values in columns.items()},
                "geometry": json.loads(text),
            }
        )
    return {"type": "FeatureCollection", "features": features}


@functools.lru_cache(maxsize=1)
def _island_labels() -> pd.DataFrame:
    layer = _layer_63().set_index("gso_code")
    rows = []
    for island in ISLANDS:
        province = layer.loc[island["gso_code"], "geometry"]
        box = shapely.box(*island["box"])
        parts = [p for p in shapely.get_parts(province) if box.contains(p)]
        if not parts:
            raise ValueError(f"{island['name_vi']} is not in the layer of GSO {island['gso_code']}")
        group = shapely.MultiPolygon(parts)
        centre = group.convex_hull.centroid
        # label on the island part nearest to the group's centre (a point on land, inside the province)
        nearest = min(parts, key=lambda p: (p.distance(centre), p.bounds))
        point = nearest.representative_point()
        rows.append(
            {
                "name_vi": island["name_vi"],
                "name_en": island["name_en"],
                "lon": float(point.x),
                "lat": float(point.y),
                "province_63": f"P63-{island['gso_code']}",
                "parts": len(parts),
            }
        )
    return pd.DataFrame(rows)


@functools.lru_cache(maxsize=1)
def _island_points() -> pd.DataFrame:
    from reference.geography import build_crosswalk

    crosswalk = build_crosswalk().set_index("old_unit_id")["new_unit_id"]
    out = _island_labels().copy()
    out.insert(5, "province_34", [crosswalk[u] for u in out["province_63"]])
    return out


def island_labels() -> pd.DataFrame:
    """What a map needs of Hoàng Sa and Trường Sa (in that order): name_vi, name_en, lon, lat, province_63
    and parts, as :func:`island_points` but without the 2025 province (no reference crosswalk to build)."""
    return _island_labels().copy()


def island_points() -> pd.DataFrame:
    """Label points of Hoàng Sa and Trường Sa (in that order): name_vi, name_en, lon, lat, province_63,
    province_34 (the unit ids of Đà Nẵng and Khánh Hòa) and parts (island polygons in the layer).

    Each point lies on an island polygon of the province layer (the part nearest the archipelago's centre).
    """
    return _island_points().copy()
