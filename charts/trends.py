"""Pure plotly builders for the Trends page: lines with CI bands and a rank bump chart, both with the
2022 methodology break and the 2025 reorganisation marked. Texts arrive translated (plain texts are
escaped here, `charts.figures.escaped`); hover text is pre-formatted HTML by the caller."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.figures import TARGET_LEVEL, escaped, styled
from charts.palette import BREAK_LINE, ELEMENT_COLOURS, HIGHLIGHT, TARGET

SERIES_COLOURS = [HIGHLIGHT, *list(ELEMENT_COLOURS.values())[:4]]
BREAK_LABEL_SPACE = 22  # px between the legend and the plot for the labels of the breaks
SUBTITLE_CHARS = 120  # characters per subtitle line at 12 px in the ~900 px main column
SEGMENT_STARTS = (2022, 2025)  # lines are never drawn across the methodology break or the reorganisation


def _colour(k: int) -> str:
    return SERIES_COLOURS[k % len(SERIES_COLOURS)]


def _segments(data: pd.DataFrame) -> list[pd.DataFrame]:
    """The rows of each comparable period (before 2022, 2022–2024, from 2025), sorted by year; empty parts
    dropped."""
    data = data.sort_values("year")
    edges = [-np.inf, *SEGMENT_STARTS, np.inf]
    parts = [
        data[(data["year"] >= lo) & (data["year"] < hi)] for lo, hi in zip(edges, edges[1:], strict=False)
    ]
    return [p for p in parts if not p.empty]


def _groups(frame: pd.DataFrame) -> list[tuple[int, str, bool, pd.DataFrame]]:
    """(colour index, series name, successor?, rows) per series: a unit's colour is kept by the series that
    continues it on the 2025 map (`successor`, drawn dashed with open markers)."""
    unit = frame["unit"] if "unit" in frame else frame["series"]
    successor = (
        frame["successor"].astype(bool) if "successor" in frame else pd.Series(False, index=frame.index)
    )
    colour_of = {u: k for k, u in enumerate(dict.fromkeys(unit))}
    out = []
    for series, data in frame.groupby("series", sort=False):
        out.append(
            (colour_of[unit.loc[data.index[0]]], str(series), bool(successor.loc[data.index].any()), data)
        )
    return out


def _whisker(part: pd.DataFrame, colour: str) -> dict:
    """The 95% interval of a lone wave (no band to draw) as a whisker."""
    return {"type": "data", "symmetric": False, "array": part["ci_high"] - part["value"],
            "arrayminus": part["value"] - part["ci_low"], "color": colour, "thickness": 1.5, "width": 6}  # fmt: skip


def _finish(fig: go.Figure, frame: pd.DataFrame, title: str, subtitle: str, lang: str) -> go.Figure:
    """Shared look, then: x axis over the waves only, the subtitle at 12 px wrapped to the width, the
    break labels in the top margin under it and the legend above the plot: nothing over the data."""
    fig = styled(fig, title, subtitle, lang=lang)
    lines = textwrap.wrap(subtitle, SUBTITLE_CHARS) or [""]
    legend_rows = 1 + len(frame["series"].unique()) // 4
    top = 44 + 17 * len(lines) + 24 * legend_rows + BREAK_LABEL_SPACE
    height = 320 + top
    plot_height = height - top - 40  # styled() keeps 40 px under the plot for the year labels
    fig.update_layout(
        title={"text": f"{escaped(title)}<br><span style='font-size:12px'>{'<br>'.join(map(escaped, lines))}</span>",
               "y": 1.0,
               "yanchor": "top", "yref": "container", "pad": {"t": 10}},
        margin={"t": top},
        legend={"orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.0 + BREAK_LABEL_SPACE / plot_height,
                "yanchor": "bottom", "yref": "paper", "font": {"size": 12}},
        height=height,
    )  # fmt: skip
    years = frame["year"].astype(int)
    fig.update_xaxes(range=[years.min() - 0.5, years.max() + 0.5], dtick=1, title=None)
    return fig


def add_breaks(fig: go.Figure, breaks: list[tuple[float, str]]) -> None:
    """Vertical dotted lines with labels at the break positions (e.g. 2021.5, 2024.5)."""
    for position, label in breaks:
        fig.add_vline(x=position, line_dash="dot", line_color=BREAK_LINE)
        fig.add_annotation(x=position, y=1.0, yref="paper", text=escaped(label), showarrow=False, xanchor="right",
                           yanchor="bottom", font={"size": 12, "color": BREAK_LINE})  # fmt: skip


def trend_lines(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    value_label: str,
    breaks: list[tuple[float, str]],
    lang: str = "vi",
) -> go.Figure:
    """Lines with 95% CI bands per `series` (`year`, `value`, `ci_low`, `ci_high`, `hover`; optional `unit`
    and `successor`: the series that continues a unit on the 2025 map, dashed with open markers in the unit's
    colour); the first unit is highlighted; no line or band is joined across a break (2022, 2025)."""
    fig = go.Figure()
    for k, series, successor, data in _groups(frame):
        colour = _colour(k)
        line = {"color": colour, "width": 3 if k == 0 else 2, "dash": "dash" if successor else "solid"}
        marker = {"symbol": "circle-open" if successor else "circle", "size": 9 if successor else 7,
                  "line": {"width": 2, "color": colour}}  # fmt: skip
        for j, part in enumerate(_segments(data)):
            band = part[part["ci_low"].notna() & part["ci_high"].notna()]
            if len(band) > 1:
                fig.add_trace(
                    go.Scatter(
                        x=list(band["year"]) + list(band["year"])[::-1],
                        y=list(band["ci_high"]) + list(band["ci_low"])[::-1],
                        fill="toself", fillcolor=colour, opacity=0.15, line={"width": 0}, mode="lines",
                        hoverinfo="skip", showlegend=False, legendgroup=series,
                    )
                )  # fmt: skip
            fig.add_trace(
                go.Scatter(
                    x=part["year"], y=part["value"], mode="lines+markers", name=escaped(series), line=line,
                    marker=marker,
                    hovertext=part["hover"], hoverinfo="text", legendgroup=series, showlegend=j == 0,
                    error_y=_whisker(part, colour) if len(part) == 1 else None,
                )
            )  # fmt: skip
    add_breaks(fig, breaks)
    fig.add_hline(y=TARGET_LEVEL, line_dash="dash", line_color=TARGET)
    fig.update_yaxes(title=escaped(value_label))
    return _finish(fig, frame, title, subtitle, lang)


def rank_bump(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    rank_label: str,
    breaks: list[tuple[float, str]],
    lang: str = "vi",
) -> go.Figure:
    """Rank per year per `series` (`year`, `rank`, `hover` with the rank interval; optional `unit` and
    `successor` as in `trend_lines`), rank 1 at the top; never joined across a break."""
    fig = go.Figure()
    for k, series, successor, data in _groups(frame):
        colour = _colour(k)
        for j, part in enumerate(_segments(data[data["rank"].notna()])):
            fig.add_trace(
                go.Scatter(
                    x=part["year"], y=part["rank"].astype(float), mode="lines+markers", name=escaped(series),
                    line={"color": colour, "width": 3 if k == 0 else 2, "dash": "dash" if successor else "solid"},
                    marker={"size": 9, "symbol": "circle-open" if successor else "circle",
                            "line": {"width": 2, "color": colour}},
                    hovertext=part["hover"], hoverinfo="text", legendgroup=series, showlegend=j == 0,
                )
            )  # fmt: skip
    add_breaks(fig, breaks)
    fig.update_yaxes(autorange="reversed", title=escaped(rank_label), dtick=1)
    return _finish(fig, frame, title, subtitle, lang)
