"""Offline maps: plotly `choroplethmap` on the empty "white-bg" style (no tiles, no CDN).

Rules learned the hard way (tested in Chromium with every request logged):
- no `text` on map traces: maplibre would fetch glyph fonts from fonts.openmaptiles.org; names go in hover
  labels and in the legend, which plotly draws itself;
- never `px.choropleth`/`go.Choropleth` (geo traces fetch a world topojson from a CDN).
Hoàng Sa and Trường Sa are drawn as part of Đà Nẵng and Khánh Hòa and named in the legend.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.palette import FONT

SUPPRESSED_COLOUR = "#d9d9d9"
OUTLINE_COLOUR = "#ffffff"
COLOUR_MODES = ("value", "tier", "diverging")
TIER_COLOURS = ["#1a9850", "#91cf60", "#fc8d59", "#d73027"]  # tier 1 (top quarter) … 4


def _view(geojson: dict, height: int, width: int = 900) -> dict:
    """Centre and zoom that fit every feature (islands included): maplibre draws 512·2^zoom px per 360°
    of longitude, so zoom = log2(min(width/Δlon, plot height/(1.15·Δlat)) · 360/512)."""
    xs, ys = [], []

    def walk(coords: object) -> None:
        if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
            xs.append(coords[0])
            ys.append(coords[1])
        elif isinstance(coords, list | tuple):
            for part in coords:
                walk(part)

    for feature in geojson["features"]:
        walk(feature["geometry"]["coordinates"])
    lon0, lon1, lat0, lat1 = min(xs), max(xs), min(ys), max(ys)
    px_per_degree = min(width / max(lon1 - lon0, 0.05), (height - 110) / (1.15 * max(lat1 - lat0, 0.05)))
    zoom = float(np.clip(np.log2(px_per_degree * 360.0 / 512.0), 2.0, 12.0))
    return {"center": {"lon": (lon0 + lon1) / 2, "lat": (lat0 + lat1) / 2}, "zoom": round(zoom, 2)}


def _map_layout(fig: go.Figure, geojson: dict, title: str, subtitle: str, height: int, lang: str) -> None:
    """The look shared by every map: title, fonts, the empty white-bg style fitted to `geojson`, stable
    zoom across reruns and the language's number separators."""
    fig.update_layout(
        title={"text": f"{title}<br><sup>{subtitle}</sup>", "x": 0.0, "xanchor": "left"},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 0, "r": 0, "t": 70, "b": 0},
        map={"style": "white-bg", **_view(geojson, height)},
        uirevision="keep",
        paper_bgcolor="white",
        separators=",." if lang == "vi" else ".,",
    )


def choropleth(
    geojson: dict,
    frame: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    value_label: str,
    colour_mode: str = "value",
    midpoint: float | None = None,
    suppressed_hover: str = "",
    islands: pd.DataFrame | None = None,
    tier_labels: list[str] | None = None,
    height: int = 720,
    lang: str = "vi",
) -> go.Figure:
    """Filled units coloured by `value`, by quartile `tier`, or diverging around `midpoint`.

    `frame`: unit_id, value (NaN = suppressed: drawn grey), hover (pre-formatted text), and tier for the
    tier mode. Feature ids in `geojson` are unit ids. `islands`: lon, lat, label (legend entries).
    """
    if colour_mode not in COLOUR_MODES:
        raise ValueError(f"colour_mode must be one of {COLOUR_MODES}")
    shown = frame[frame["value"].notna()]
    hidden = frame[frame["value"].isna()]
    fig = go.Figure()
    features = {f["id"]: f for f in geojson["features"]}

    def subset(ids: pd.Series) -> dict:
        """Only the features a trace draws (each trace carries its own geometry in the payload)."""
        return {"type": "FeatureCollection", "features": [features[i] for i in ids if i in features]}

    common = {
        "featureidkey": "id",
        "marker": {"line": {"color": OUTLINE_COLOUR, "width": 0.6}},
        "hoverinfo": "text",
    }
    if colour_mode == "tier":
        labels = tier_labels or [f"Q{k}" for k in range(1, 5)]
        for tier in range(1, 5):
            part = shown[shown["tier"] == tier]
            fig.add_trace(
                go.Choroplethmap(
                    locations=part["unit_id"], z=np.ones(len(part)), text=part["hover"], geojson=subset(part["unit_id"]),
                    colorscale=[[0, TIER_COLOURS[tier - 1]], [1, TIER_COLOURS[tier - 1]]], showscale=False,
                    name=labels[tier - 1], showlegend=True, customdata=part[["unit_id"]], **common,
                )
            )  # fmt: skip
    else:
        scale = "RdBu" if colour_mode == "diverging" else "Cividis"
        extra = {"zmid": midpoint} if colour_mode == "diverging" and midpoint is not None else {}
        fig.add_trace(
            go.Choroplethmap(
                locations=shown["unit_id"], z=shown["value"], text=shown["hover"], colorscale=scale,
                geojson=subset(shown["unit_id"]),
                colorbar={"title": {"text": value_label}, "thickness": 14}, name=value_label,
                customdata=shown[["unit_id"]], showlegend=False, **extra, **common,
            )
        )  # fmt: skip
    if not hidden.empty:
        fig.add_trace(
            go.Choroplethmap(
                locations=hidden["unit_id"], z=np.zeros(len(hidden)), geojson=subset(hidden["unit_id"]),
                text=hidden["hover"] if "hover" in hidden else [suppressed_hover] * len(hidden),
                colorscale=[[0, SUPPRESSED_COLOUR], [1, SUPPRESSED_COLOUR]], showscale=False,
                name=suppressed_hover, showlegend=True, customdata=hidden[["unit_id"]], **common,
            )
        )  # fmt: skip
    if islands is not None:
        for row in islands.itertuples():
            fig.add_trace(
                go.Scattermap(
                    lon=[row.lon], lat=[row.lat], mode="markers", name=row.label, hovertext=[row.label],
                    hoverinfo="text", marker={"size": 9, "color": "#333333", "symbol": "circle"},
                    showlegend=True,
                )
            )  # fmt: skip
    _map_layout(fig, geojson, title, subtitle, height, lang)
    fig.update_layout(legend={"orientation": "h", "y": 0.02, "x": 0.01, "bgcolor": "rgba(255,255,255,0.8)"})
    return fig


def symbols_over_outline(
    outline_geojson: dict,
    points: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    value_label: str,
    height: int = 620,
    lang: str = "vi",
) -> go.Figure:
    """Fallback when no polygons exist: proportional symbols (size ~ n, colour ~ value) at unit centroids
    over the province outline. `points`: unit_id, lon, lat, value, n, hover."""
    fig = go.Figure(
        go.Choroplethmap(
            geojson=outline_geojson, featureidkey="id",
            locations=[f["id"] for f in outline_geojson["features"]], z=[0] * len(outline_geojson["features"]),
            colorscale=[[0, "#f0f0f0"], [1, "#f0f0f0"]], showscale=False, hoverinfo="skip",
            marker={"line": {"color": "#999999", "width": 1}},
        )
    )  # fmt: skip
    sizes = 8 + 22 * np.sqrt(points["n"].fillna(0) / max(points["n"].max(), 1))
    fig.add_trace(
        go.Scattermap(
            lon=points["lon"], lat=points["lat"], mode="markers", hovertext=points["hover"], hoverinfo="text",
            customdata=points[["unit_id"]],
            marker={"size": sizes, "color": points["value"], "colorscale": "Cividis", "showscale": True,
                    "colorbar": {"title": {"text": value_label}, "thickness": 14}},
            showlegend=False,
        )
    )  # fmt: skip
    _map_layout(fig, outline_geojson, title, subtitle, height, lang)
    return fig
