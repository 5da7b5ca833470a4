"""Pure plotly builder for the key-driver page: the importance–performance matrix."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.figures import styled
from charts.palette import BREAK_LINE, element_colour


def importance_performance_matrix(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    x_label: str,
    y_label: str,
    quadrant_labels: dict[str, str],
    lang: str = "vi",
) -> go.Figure:
    """Scatter of drivers: x = performance (0–100), y = importance share in % (100·φ_j/R²), one point per
    element in its element colour, named; dashed lines at `performance_cut` and 100·`importance_cut`;
    the four quadrants named in their corners (`quadrant_labels` keyed by analysis.drivers.QUADRANTS).

    `frame` columns: driver, label, performance, importance, performance_cut, importance_cut, hover."""
    x = frame["performance"].astype(float)
    y = 100.0 * frame["importance"].astype(float)
    x_cut = float(frame["performance_cut"].iloc[0])
    y_cut = 100.0 * float(frame["importance_cut"].iloc[0])
    fig = go.Figure()
    for (_, row), xi, yi in zip(frame.iterrows(), x, y, strict=True):
        fig.add_trace(
            go.Scatter(
                x=[xi], y=[yi], mode="markers+text", text=[row["label"]], textposition="top center",
                marker={"size": 14, "color": element_colour(f"element:{row['driver']}"),
                        "line": {"width": 1, "color": "#333333"}},
                hovertext=[row["hover"]], hoverinfo="text", name=str(row["label"]), showlegend=False,
            )
        )  # fmt: skip
    x_pad = max(1.0, 0.15 * float(x.max() - x.min()))
    y_pad = max(1.0, 0.15 * float(y.max() - y.min()))
    x_range = [min(float(x.min()), x_cut) - x_pad, max(float(x.max()), x_cut) + x_pad]
    y_range = [max(0.0, min(float(y.min()), y_cut) - y_pad), max(float(y.max()), y_cut) + y_pad]
    fig.add_vline(x=x_cut, line_dash="dash", line_color=BREAK_LINE)
    fig.add_hline(y=y_cut, line_dash="dash", line_color=BREAK_LINE)
    corners = {
        "priority_improve": (x_range[0], y_range[1], "left", "top"),
        "maintain": (x_range[1], y_range[1], "right", "top"),
        "low_priority": (x_range[0], y_range[0], "left", "bottom"),
        "possible_overinvestment": (x_range[1], y_range[0], "right", "bottom"),
    }
    for quadrant, (cx, cy, xanchor, yanchor) in corners.items():
        fig.add_annotation(x=cx, y=cy, text=f"<b>{quadrant_labels[quadrant]}</b>", showarrow=False,
                           xanchor=xanchor, yanchor=yanchor, font={"color": "#555555", "size": 12})  # fmt: skip
    fig.update_xaxes(range=x_range, title=x_label)
    fig.update_yaxes(range=y_range, title=y_label)
    return styled(fig, title, subtitle, height=520, lang=lang)
