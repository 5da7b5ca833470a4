"""Boundary layers for pages, cached once per process (GeoJSON dicts ready for plotly).

The 34-province layer is dissolved with the crosswalk of the open database (already cached for the filters),
not with the reference crosswalk: building the reference units and crosswalk from the package data takes
seconds, and the store holds the same tables (`reference.geography.load_reference`).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.districts import district_layer, district_points
from geo.layers import island_labels, merge_provinces, province_layer, province_successors, to_geojson
from i18n import t
from ui import data_access as da


@st.cache_resource(max_entries=4, show_spinner=False)
def _province_layer(geo: str, key: tuple[str, float]) -> gpd.GeoDataFrame:
    """Province polygons (unit_id, geometry) of a geography; shared, never modified by callers."""
    if geo == "63":
        return province_layer("63")[["unit_id", "geometry"]]
    return merge_provinces(province_successors(da.crosswalk(key)))


@st.cache_resource(max_entries=4, show_spinner=False)
def _province_geojson(geo: str, key: tuple[str, float]) -> dict:
    return to_geojson(_province_layer(geo, key))


def province_geojson(geo: str) -> dict:
    """The 63- or 34-province layer as GeoJSON (feature id = unit id)."""
    return _province_geojson(geo, da.db_key())


@st.cache_resource(max_entries=128, show_spinner=False)
def district_geojson(province_id: str) -> dict | None:
    """District polygons of a pre-2025 province, or None when the boundary folder has none."""
    layer = district_layer(province_id)
    return None if layer is None or layer.empty else to_geojson(layer)


@st.cache_resource(max_entries=128, show_spinner=False)
def _outline_geojson(province_id: str, geo: str, key: tuple[str, float]) -> dict:
    layer = _province_layer(geo, key)
    return to_geojson(layer[layer["unit_id"] == province_id])


def outline_geojson(province_id: str, geo: str) -> dict:
    """One province's outline."""
    return _outline_geojson(province_id, geo, da.db_key())


@st.cache_data(max_entries=128, show_spinner=False)
def child_points(province_id: str) -> pd.DataFrame:
    """Centroids of the units below a province (districts before 2025, communes after)."""
    return district_points(province_id)


def islands(lang: str) -> pd.DataFrame:
    """Hoàng Sa and Trường Sa markers with their names (legend entries)."""
    points = island_labels()
    keys = ["map.hoang_sa", "map.truong_sa"]
    points["label"] = [t(k, lang) for k in keys[: len(points)]]
    return points
