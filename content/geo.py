"""Boundary layers for maps, cached once per process (GeoJSON dicts ready for plotly; no Streamlit).

The 34-province layer is dissolved with the crosswalk of the open database version (`content.source`), not
with the reference crosswalk: building the reference units and crosswalk from the package data takes seconds,
and the store holds the same tables (`reference.geography.load_reference`). The returned GeoJSON dicts are
shared between callers and must not be changed; frames are handed out as copies.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from content import source
from content.source import StoreKey
from geo.districts import district_dir, district_layer, district_points
from geo.layers import island_labels, merge_provinces, province_layer, province_successors, to_geojson
from i18n import t


@lru_cache(maxsize=4)
def _province_layer(geo: str, key: StoreKey) -> gpd.GeoDataFrame:
    """Province polygons (unit_id, geometry) of a geography; shared, never modified by callers."""
    if geo == "63":
        return province_layer("63")[["unit_id", "geometry"]]
    return merge_provinces(province_successors(source.crosswalk(key)))


@lru_cache(maxsize=4)
def province_geojson(geo: str, key: StoreKey) -> dict:
    """The 63- or 34-province layer as GeoJSON (feature id = unit id)."""
    return to_geojson(_province_layer(geo, key))


@lru_cache(maxsize=128)
def _district_geojson(province_id: str, folder: str) -> dict | None:
    layer = district_layer(province_id, Path(folder))
    return None if layer is None or layer.empty else to_geojson(layer)


def district_geojson(province_id: str) -> dict | None:
    """District polygons of a pre-2025 province, or None when the boundary folder has none."""
    return _district_geojson(province_id, str(district_dir()))


@lru_cache(maxsize=128)
def outline_geojson(province_id: str, geo: str, key: StoreKey) -> dict:
    """One province's outline."""
    layer = _province_layer(geo, key)
    return to_geojson(layer[layer["unit_id"] == province_id])


@lru_cache(maxsize=128)
def _child_points(province_id: str) -> pd.DataFrame:
    return district_points(province_id)


def child_points(province_id: str) -> pd.DataFrame:
    """Centroids of the units below a province (districts before 2025, communes after): unit_id, name_vi,
    lon, lat."""
    return _child_points(province_id).copy()


def islands(lang: str) -> pd.DataFrame:
    """Hoàng Sa and Trường Sa markers with their names (legend entries)."""
    points = island_labels()
    keys = ["map.hoang_sa", "map.truong_sa"]
    points["label"] = [t(k, lang) for k in keys[: len(points)]]
    return points
