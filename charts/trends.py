"""Pure plotly builders for the Trends page: lines with CI bands and a rank bump chart, both with the
2022 methodology break and the 2025 reorganisation marked. Texts arrive translated; hover text is
pre-formatted by the caller."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.figures import TARGET_LEVEL, styled
from charts.palette import BREAK_LINE, ELEMENT_COLOURS, HIGHLIGHT, TARGET

SERIES_COLOURS = [HIGHLIGHT, *list(ELEMENT_COLOURS.values())[:4]]
SEGMENT_START = 2022  # lines are not drawn across the methodology break


def _colour(k: int) -> str:
    return SERIES_COLOURS[k % len(SERIES_COLOURS)]


def _segments(data: pd.DataFrame) -> list[pd.DataFrame]:
    """The rows before and from the methodology break, each sorted by year (empty parts dropped)."""
    data = data.sort_values("year")
    parts = [data[data["year"] < SEGMENT_START], data[data["year"] >= SEGMENT_START]]
    return [p for p in parts if not p.empty]


def add_breaks(fig: go.Figure, breaks: list[tuple[float, str]]) -> None:
    """Vertical dotted lines with labels at the break positions (e.g. 2021.5, 2024.5)."""
    for position, label in breaks:
        fig.add_vline(x=position, line_dash="dot", line_color=BREAK_LINE)
        fig.add_annotation(x=position, y=1.0, yref="paper", text=label, showarrow=False, xanchor="left",
                           yanchor="bottom", font={"size": 11, "color": BREAK_LINE})  # fmt: skip


def trend_lines(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    value_label: str,
    breaks: list[tuple[float, str]],
    lang: str = "vi",
) -> go.Figure:
    """Lines with 95% CI bands per `series` (`year`, `value`, `ci_low`, `ci_high`, `hover`); the first
    series is highlighted; lines and bands are not joined across the 2022 methodology break."""
    fig = go.Figure()
    for k, (series, data) in enumerate(frame.groupby("series", sort=False)):
        colour = _colour(k)
        for j, part in enumerate(_segments(data)):
            band = part[part["ci_low"].notna() & part["ci_high"].notna()]
            if not band.empty:
                fig.add_trace(
                    go.Scatter(
                        x=list(band["year"]) + list(band["year"])[::-1],
                        y=list(band["ci_high"]) + list(band["ci_low"])[::-1],
                        fill="toself", fillcolor=colour, opacity=0.15, line={"width": 0},
                        hoverinfo="skip", showlegend=False, legendgroup=str(series),
                    )
                )  # fmt: skip
            fig.add_trace(
                go.Scatter(
                    x=part["year"], y=part["value"], mode="lines+markers", name=str(series),
                    line={"color": colour, "width": 3 if k == 0 else 2}, hovertext=part["hover"],
                    hoverinfo="text", legendgroup=str(series), showlegend=j == 0,
                )
            )  # fmt: skip
    add_breaks(fig, breaks)
    fig.add_hline(y=TARGET_LEVEL, line_dash="dash", line_color=TARGET)
    fig.update_xaxes(dtick=1, title=None)
    fig.update_yaxes(title=value_label)
    fig.update_layout(legend={"orientation": "h", "y": -0.15})
    return styled(fig, title, subtitle, lang=lang)


def rank_bump(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    rank_label: str,
    breaks: list[tuple[float, str]],
    lang: str = "vi",
) -> go.Figure:
    """Rank per year per `series` (`year`, `rank`, `hover` with the rank interval), rank 1 at the top."""
    fig = go.Figure()
    for k, (series, data) in enumerate(frame.groupby("series", sort=False)):
        for j, part in enumerate(_segments(data[data["rank"].notna()])):
            fig.add_trace(
                go.Scatter(
                    x=part["year"], y=part["rank"].astype(float), mode="lines+markers", name=str(series),
                    line={"color": _colour(k), "width": 3 if k == 0 else 2}, marker={"size": 9},
                    hovertext=part["hover"], hoverinfo="text", legendgroup=str(series), showlegend=j == 0,
                )
            )  # fmt: skip
    add_breaks(fig, breaks)
    fig.update_xaxes(dtick=1, title=None)
    fig.update_yaxes(autorange="reversed", title=rank_label, dtick=1)
    fig.update_layout(legend={"orientation": "h", "y": -0.15})
    return styled(fig, title, subtitle, lang=lang)
