"""Pure plotly builders for the Unit profile (texts arrive translated, numbers in hover pre-formatted):
every component over all waves as small multiples with the two breaks marked, and the benchmark dot plot
(the unit, the nation and the best province, each with its 95% interval)."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts.figures import TARGET_LEVEL, escaped, styled
from charts.palette import BASE, BREAK_LINE, ELEMENT_COLOURS, HIGHLIGHT, TARGET

UNIT_COLOUR = HIGHLIGHT
NATIONAL_COLOUR = ELEMENT_COLOURS["access"]  # blue
BEST_COLOUR = ELEMENT_COLOURS["civil_servant"]  # green
SUCCESSOR_COLOUR = ELEMENT_COLOURS["result"]  # purple
UNRELIABLE_COLOUR = BASE  # an unreliable unit is drawn grey
SEGMENT_START = 2022  # lines are never drawn across the methodology break
PANEL_COLUMNS = 3
PANEL_HEIGHT = 200  # pixels per row of panels, the gap for tick labels and the next titles included
PANEL_GAP = 72  # pixels between two rows of panels: x tick labels, then a two-line panel title
HISTORY_TOP = 165  # top margin: title and subtitle, the legend, the first row's panel titles
BENCHMARK_TOP = 145  # top margin: title and subtitle, the legend, the target's label
BOTTOM = 50
LEGEND_FROM_TOP = 66  # pixels from the top of the figure to the legend (under the title and subtitle)
TITLE_FROM_TOP = 28  # plotly anchors a two-line title near its first baseline: this puts its top ~8 px down
BREAK_DASHES = ["dash", "dashdot"]  # 2022 methodology change, 2025 reorganisation


def top_layout(fig: go.Figure, height: int, top: int) -> go.Figure:
    """Title and subtitle at the top of the figure, the legend in one row under them and above the plot
    area (never over the data or the tick labels): legend y in plot-area units = 1 + (top − 66 px) / plot
    height, anchored at its top."""
    plot_height = height - top - BOTTOM
    fig.update_layout(
        title={"y": 1 - TITLE_FROM_TOP / height, "yanchor": "top", "yref": "container"},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "yanchor": "top",
                "y": 1 + (top - LEGEND_FROM_TOP) / plot_height},
        margin={"l": 10, "r": 10, "t": top, "b": BOTTOM},
    )  # fmt: skip
    return fig


def wrap(text: str, width: int = 30, lines: int = 2) -> str:
    """`text` wrapped at `width` characters with <br>, at most `lines` lines (the last ends with '…' when
    cut), each line escaped (`charts.figures.escaped`); the full text is given on hover by the caller."""
    parts = textwrap.wrap(str(text), width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1].rstrip(" ,.;:") + "…"
    return "<br>".join(escaped(part) for part in parts)


def _segments(part: pd.DataFrame) -> list[pd.DataFrame]:
    """Rows before and from the methodology break, each sorted by year (empty parts dropped)."""
    part = part.sort_values("year")
    pieces = [part[part["year"] < SEGMENT_START], part[part["year"] >= SEGMENT_START]]
    return [p for p in pieces if not p.empty]


def _whisker(segment: pd.DataFrame, series: str, style: dict) -> dict | None:
    """The 95% interval as a whisker for a unit's lone point (a band needs two waves), else None."""
    if series != "unit" or len(segment) > 1 or segment["ci_low"].isna().all():
        return None
    return {"type": "data", "symmetric": False, "array": segment["ci_high"] - segment["value"],
            "arrayminus": segment["value"] - segment["ci_low"], "color": style["color"], "thickness": 1.5}  # fmt: skip


def value_range(values: pd.Series, pad: float = 2.0) -> list[float]:
    """An axis range [low, high] that holds every value given (points and interval ends): low =
    min − pad (≥ 0), high = min(100, max + pad), and at least 10 points wide."""
    finite = pd.to_numeric(values, errors="coerce").dropna()
    if finite.empty:
        return [60.0, 100.0]
    low = max(0.0, float(finite.min()) - pad)
    high = min(100.0, float(finite.max()) + pad)
    if high - low < 10:
        low = max(0.0, high - 10)
    return [math.floor(low), math.ceil(high)]


def component_history(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    value_label: str,
    series_names: dict[str, str],
    breaks: list[tuple[float, str]],
    lang: str = "vi",
) -> go.Figure:
    """Small multiples, one panel per component (`panel`, in order of appearance, titled `panel_title`,
    full name on hover): per `series` ('unit', 'national', 'successor') the value by `year` with its 95%
    interval (`ci_low`, `ci_high`) and `hover`. The unit is a line with a band, the nation a thin dotted
    line, a successor province (after the 2025 reorganisation) separate markers; lines are not joined
    across the 2022 methodology break. `breaks` are (x position, label) drawn as dashed vertical lines in
    every panel (2022: dashed, 2025: dash-dot) and named in the legend."""
    panels = list(dict.fromkeys(frame["panel"]))
    titles = [frame.loc[frame["panel"] == p, "panel_title"].iloc[0] for p in panels]
    rows = max(1, math.ceil(len(panels) / PANEL_COLUMNS))
    height = HISTORY_TOP + BOTTOM + rows * PANEL_HEIGHT
    plot_height = height - HISTORY_TOP - BOTTOM
    fig = make_subplots(
        rows=rows, cols=PANEL_COLUMNS, subplot_titles=[wrap(x, 40) for x in titles],
        horizontal_spacing=0.06, vertical_spacing=PANEL_GAP / plot_height if rows > 1 else 0.0,
    )  # fmt: skip
    years = sorted(frame["year"].unique())
    y_range = value_range(pd.concat([frame["value"], frame["ci_low"], frame["ci_high"]]))
    styles = {
        "unit": {"color": UNIT_COLOUR, "width": 3, "dash": "solid"},
        "national": {"color": NATIONAL_COLOUR, "width": 2, "dash": "dot"},
        "successor": {"color": SUCCESSOR_COLOUR, "width": 2, "dash": "solid"},
    }
    shown: set[str] = set()
    for k, panel in enumerate(panels):
        row, col = k // PANEL_COLUMNS + 1, k % PANEL_COLUMNS + 1
        data = frame[frame["panel"] == panel]
        for series in ("national", "unit", "successor"):
            part = data[(data["series"] == series) & data["value"].notna()]
            if part.empty or series not in series_names:
                continue
            style = styles[series]
            for segment in _segments(part):
                band = segment[segment["ci_low"].notna() & segment["ci_high"].notna()]
                if series == "unit" and len(band) > 1:
                    fig.add_trace(
                        go.Scatter(
                            x=list(band["year"]) + list(band["year"])[::-1],
                            y=list(band["ci_high"]) + list(band["ci_low"])[::-1],
                            mode="lines", fill="toself", fillcolor=style["color"], opacity=0.15, line={"width": 0},
                            hoverinfo="skip", showlegend=False, legendgroup=series,
                        ),
                        row=row, col=col,
                    )  # fmt: skip
                fig.add_trace(
                    go.Scatter(
                        x=segment["year"], y=segment["value"], mode="lines+markers",
                        name=escaped(series_names[series]), legendgroup=series, showlegend=series not in shown,
                        line={"color": style["color"], "width": style["width"], "dash": style["dash"]},
                        marker={"size": 9 if series == "successor" else 6, "color": style["color"],
                                "symbol": "diamond" if series == "successor" else "circle"},
                        hovertext=segment["hover"], hoverinfo="text", error_y=_whisker(segment, series, style),
                    ),
                    row=row, col=col,
                )  # fmt: skip
                shown.add(series)
    dashes = BREAK_DASHES[: len(breaks)]
    for k in range(len(panels)):
        row, col = k // PANEL_COLUMNS + 1, k % PANEL_COLUMNS + 1
        for (position, _label), dash in zip(breaks, dashes, strict=True):
            fig.add_vline(x=position, line_dash=dash, line_color=BREAK_LINE, line_width=1.5, row=row, col=col)
    for (_position, label), dash in zip(breaks, dashes, strict=True):  # the breaks' labels, in the legend
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="lines", name=escaped(label), legendgroup="breaks", hoverinfo="skip",
                line={"color": BREAK_LINE, "width": 1.5, "dash": dash},
            ),
            row=1, col=1,
        )  # fmt: skip
    for annotation in fig.layout.annotations[: len(panels)]:  # the panel titles
        annotation.update(font={"size": 12})
    tick_years = [y for y in years if y % 2 == 1] if len(years) > 6 else years
    fig.update_xaxes(range=[min(years) - 0.5, max(years) + 0.5], tickvals=tick_years, showgrid=False)
    fig.update_xaxes(showticklabels=True)
    fig.update_yaxes(range=y_range, gridcolor="#eeeeee", nticks=5)
    fig.update_yaxes(title={"text": escaped(value_label), "font": {"size": 12}}, row=1, col=1)
    fig = styled(fig, title, subtitle, height=height, lang=lang)
    return top_layout(fig, height, HISTORY_TOP)


def benchmark_dots(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    value_label: str,
    series_names: dict[str, str],
    target_label: str,
    unreliable: bool = False,
    lang: str = "vi",
) -> go.Figure:
    """One row per component (`index_code`, `label` shown wrapped, in order of appearance, first at the
    top) and one dot per `series` ('unit', 'national', 'best') with its 95% interval as a whisker (`value`,
    `ci_low`, `ci_high`, `hover`); series are offset vertically within a row so none hides another. A
    dashed line marks the 80% target. An `unreliable` unit is drawn grey."""
    codes = list(dict.fromkeys(frame["index_code"]))
    labels = frame.drop_duplicates("index_code").set_index("index_code")["label"]
    order = [s for s in ("unit", "national", "best") if s in series_names and (frame["series"] == s).any()]
    offsets = dict(
        zip(order, [0.22, 0.0, -0.22][: len(order)] if len(order) == 3 else [0.14, -0.14], strict=False)
    )
    if len(order) == 1:
        offsets = {order[0]: 0.0}
    colours = {"unit": UNRELIABLE_COLOUR if unreliable else UNIT_COLOUR, "national": NATIONAL_COLOUR,
               "best": BEST_COLOUR}  # fmt: skip
    symbols = {"unit": "circle", "national": "square", "best": "diamond"}
    fig = go.Figure()
    position = {code: len(codes) - 1 - k for k, code in enumerate(codes)}  # first component at the top
    for series in order:
        data = frame[(frame["series"] == series) & frame["value"].notna()]
        y = [position[c] + offsets[series] for c in data["index_code"]]
        fig.add_trace(
            go.Scatter(
                x=data["value"], y=y, mode="markers", name=escaped(series_names[series]),
                marker={"color": colours[series], "size": 11, "symbol": symbols[series]},
                error_x={"type": "data", "symmetric": False, "array": data["ci_high"] - data["value"],
                         "arrayminus": data["value"] - data["ci_low"], "color": colours[series],
                         "thickness": 1.5, "width": 3},
                hovertext=data["hover"], hoverinfo="text",
            )
        )  # fmt: skip
    fig.add_vline(x=TARGET_LEVEL, line_dash="dash", line_color=TARGET)
    fig.add_annotation(x=TARGET_LEVEL, y=1.0, yref="paper", text=escaped(target_label), showarrow=False,
                       xanchor="left", yanchor="bottom", font={"size": 12, "color": TARGET})  # fmt: skip
    x_range = value_range(
        pd.concat([frame["value"], frame["ci_low"], frame["ci_high"], pd.Series([TARGET_LEVEL])])
    )
    fig.update_xaxes(range=x_range, title=escaped(value_label), showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(
        tickvals=[position[c] for c in codes], ticktext=[wrap(labels[c], 34) for c in codes],
        range=[-0.6, len(codes) - 0.4], showgrid=False, automargin=True, zeroline=False,
    )  # fmt: skip
    for k in range(len(codes)):  # light bands tell the rows apart
        if k % 2 == 0:
            fig.add_hrect(y0=k - 0.5, y1=k + 0.5, fillcolor="#f4f6f8", line_width=0, layer="below")
    height = max(360, 58 * len(codes) + BENCHMARK_TOP + BOTTOM + 20)
    fig = styled(fig, title, subtitle, height=height, lang=lang)
    return top_layout(fig, height, BENCHMARK_TOP)
