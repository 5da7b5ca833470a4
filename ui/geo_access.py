"""Boundary layers for pages, cached once per process (GeoJSON dicts ready for plotly)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.districts import district_layer, district_points
from geo.layers import island_points, province_layer, to_geojson
from ui.i18n import t


@st.cache_resource(max_entries=4, show_spinner=False)
def province_geojson(geo: str) -> dict:
    """The 63- or 34-province layer as GeoJSON (feature id = unit id)."""
    return to_geojson(province_layer(geo))


@st.cache_resource(max_entries=128, show_spinner=False)
def district_geojson(province_id: str) -> dict | None:
    """District polygons of a pre-2025 province, or None when the boundary folder has none."""
    layer = district_layer(province_id)
    return None if layer is None or layer.empty else to_geojson(layer)


@st.cache_resource(max_entries=128, show_spinner=False)
def outline_geojson(province_id: str, geo: str) -> dict:
    """One province's outline."""
    layer = province_layer(geo)
    return to_geojson(layer[layer["unit_id"] == province_id])


@st.cache_data(max_entries=128, show_spinner=False)
def child_points(province_id: str) -> pd.DataFrame:
    """Centroids of the units below a province (districts before 2025, communes after)."""
    return district_points(province_id)


def islands(lang: str) -> pd.DataFrame:
    """Hoàng Sa and Trường Sa markers with their names (legend entries)."""
    points = island_points().copy()
    keys = ["map.hoang_sa", "map.truong_sa"]
    points["label"] = [t(k, lang) for k in keys[: len(points)]]
    return points
