"""Offline maps: plotly `choroplethmap` on the empty "white-bg" style (no tiles, no CDN).

Rules learned the hard way (tested in Chromium with every request logged):
- no `text` on map traces: maplibre would fetch glyph fonts from fonts.openmaptiles.org; names go in hover
  labels and in the legend, which plotly draws itself;
- never `px.choropleth`/`go.Choropleth` (geo traces fetch a world topojson from a CDN).
Hoàng Sa and Trường Sa are drawn as part of Đà Nẵng and Khánh Hòa and named in the legend.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.figures import escaped
from charts.palette import FONT, HIGHLIGHT

SUPPRESSED_COLOUR = "#d9d9d9"
OUTLINE_COLOUR = "#ffffff"
COLOUR_MODES = ("value", "tier", "diverging")
TIER_COLOURS = [
    "#0072B2",
    "#56B4E9",
    "#E69F00",
    "#D55E00",
]  # tier 1 (top quarter) … 4: Okabe–Ito, blue→orange
MAP_WIDTH = 560  # px: the map's column beside its ranking table (main column ~900 px at 1366×768)
SUBTITLE_CHARS = 72  # characters per subtitle line at 12 px in MAP_WIDTH
TITLE_CHARS = 60  # characters per title line at 16 px


def _view(geojson: dict, height: int, width: int = MAP_WIDTH) -> dict:
    """Centre and zoom that fit every feature (islands included) in a plot `height` px high (without the
    margins): maplibre draws 512·2^zoom px per 360° of longitude, so
    zoom = log2(min(width/Δlon, height/(1.15·Δlat)) · 360/512)."""
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
    px_per_degree = min((width - 10) / max(lon1 - lon0, 0.05), height / (1.15 * max(lat1 - lat0, 0.05)))
    zoom = float(np.clip(np.log2(px_per_degree * 360.0 / 512.0), 2.0, 12.0))
    return {"center": {"lon": (lon0 + lon1) / 2, "lat": (lat0 + lat1) / 2}, "zoom": round(zoom, 2)}


def _wrapped(text: str, chars: int) -> list[str]:
    """`text` wrapped at `chars` characters, each line escaped (`charts.figures.escaped`)."""
    return [escaped(line) for line in textwrap.wrap(text, chars)] or [""]


def _map_layout(
    fig: go.Figure, geojson: dict, title: str, subtitle: str, height: int, lang: str, legend_rows: int = 0,
    bottom: int = 0,
) -> None:  # fmt: skip
    """The look shared by every map: title (16 px) and subtitle (12 px) wrapped to the map's width, the
    legend above the map under them (`legend_rows` rows) and `bottom` px below it for a colour bar, so
    nothing is drawn over the map; fonts, the empty white-bg style fitted to the plot area, stable zoom
    across reruns and the language's number separators."""
    title_lines = _wrapped(title, TITLE_CHARS)
    sub_lines = _wrapped(subtitle, SUBTITLE_CHARS)
    text = "<br>".join(title_lines) + "<br><span style='font-size:12px'>" + "<br>".join(sub_lines) + "</span>"
    top = 16 + 22 * len(title_lines) + 17 * len(sub_lines) + 24 * legend_rows + 8
    fig.update_layout(
        title={
            "text": text,
            "x": 0.0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 10},
            "font": {"size": 16},
        },
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 0, "r": 0, "t": top, "b": bottom},
        legend={
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "yref": "paper",
            "font": {"size": 12},
        },
        map={"style": "white-bg", **_view(geojson, height - top - bottom)},
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
    highlight: str | None = None,
    highlight_label: str = "",
    height: int = 720,
    lang: str = "vi",
) -> go.Figure:
    """Filled units coloured by `value`, by quartile `tier`, or diverging around `midpoint`.

    `frame`: unit_id, value (NaN = suppressed: drawn grey), hover (pre-formatted text), and tier for the
    tier mode. Feature ids in `geojson` are unit ids. `islands`: lon, lat, label (legend entries).
    `highlight`: a unit outlined thick in the highlight colour (legend entry `highlight_label`). Legend
    above the map, colour bar under it: nothing over the map.
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
                    name=escaped(labels[tier - 1]), showlegend=True, customdata=part[["unit_id"]], **common,
                )
            )  # fmt: skip
    else:
        scale = "RdBu" if colour_mode == "diverging" else "Cividis"
        extra = {"zmid": midpoint} if colour_mode == "diverging" and midpoint is not None else {}
        fig.add_trace(
            go.Choroplethmap(
                locations=shown["unit_id"], z=shown["value"], text=shown["hover"], colorscale=scale,
                geojson=subset(shown["unit_id"]),
                colorbar=_colour_bar(value_label), name=escaped(value_label),
                customdata=shown[["unit_id"]], showlegend=False, **extra, **common,
            )
        )  # fmt: skip
    if not hidden.empty:
        fig.add_trace(
            go.Choroplethmap(
                locations=hidden["unit_id"], z=np.zeros(len(hidden)), geojson=subset(hidden["unit_id"]),
                text=hidden["hover"] if "hover" in hidden else [escaped(suppressed_hover)] * len(hidden),
                colorscale=[[0, SUPPRESSED_COLOUR], [1, SUPPRESSED_COLOUR]], showscale=False,
                name=escaped(suppressed_hover), showlegend=True, customdata=hidden[["unit_id"]], **common,
            )
        )  # fmt: skip
    if islands is not None:
        for row in islands.itertuples():
            fig.add_trace(
                go.Scattermap(
                    lon=[row.lon], lat=[row.lat], mode="markers", name=escaped(row.label), hovertext=[escaped(row.label)],
                    hoverinfo="text", marker={"size": 9, "color": "#333333", "symbol": "circle"},
                    showlegend=True,
                )
            )  # fmt: skip
    if highlight is not None and highlight in features:
        fig.add_trace(
            go.Choroplethmap(
                locations=[highlight], z=[0], geojson=subset(pd.Series([highlight])), featureidkey="id",
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False, hoverinfo="skip",
                marker={"line": {"color": HIGHLIGHT, "width": 3.5}}, name=escaped(highlight_label), showlegend=False,
            )
        )  # fmt: skip
        if highlight_label:  # a choropleth's own legend entry has no swatch: a dot in the outline colour
            fig.add_trace(
                go.Scattermap(
                    lon=[None], lat=[None], mode="markers", name=escaped(highlight_label), hoverinfo="skip",
                    marker={"size": 11, "color": HIGHLIGHT, "symbol": "circle"}, showlegend=True,
                )
            )  # fmt: skip
    names = [trace.name for trace in fig.data if trace.showlegend and trace.name]
    bottom = 0 if colour_mode == "tier" else COLOUR_BAR_SPACE
    _map_layout(fig, geojson, title, subtitle, height, lang, legend_rows=_legend_rows(names), bottom=bottom)
    return fig


COLOUR_BAR_SPACE = 78  # px under the map for a horizontal colour bar with its title


def _colour_bar(title: str) -> dict:
    """A horizontal colour bar under the map (in the bottom margin), title above it."""
    return {
        "title": {"text": escaped(title), "side": "top", "font": {"size": 12}}, "orientation": "h", "thickness": 12,
        "len": 0.7, "lenmode": "fraction", "x": 0.0, "xanchor": "left", "y": -0.02, "yanchor": "top",
        "yref": "paper", "tickfont": {"size": 12},
    }  # fmt: skip


def _legend_rows(names: list[str], width: int = MAP_WIDTH) -> int:
    """Rows a horizontal legend of `names` takes in `width` px (an item ≈ 40 px + 7 px per character)."""
    rows, used = (1, 0) if names else (0, 0)
    for name in names:
        item = 40 + 7 * len(name)
        if used and used + item > width:
            rows, used = rows + 1, 0
        used += item
    return rows


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
                    "colorbar": _colour_bar(value_label)},
            showlegend=False,
        )
    )  # fmt: skip
    _map_layout(fig, outline_geojson, title, subtitle, height, lang, bottom=COLOUR_BAR_SPACE)
    return fig
