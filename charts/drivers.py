"""Pure plotly builder for the key-driver page: the importance–performance matrix with 95% intervals.

Every element is a dot with whiskers on both axes (performance and importance intervals); a dot whose
interval crosses a dividing line is drawn open ("uncertain"). Element names are placed by a greedy search
over offsets around each dot so that no two labels, and no label and a quadrant name, overlap (boxes
estimated as in `charts.checks`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.checks import CHAR_WIDTH, DEFAULT_WIDTH, LINE_HEIGHT, legend_rows
from charts.figures import escaped, styled, title_layout, wrap
from charts.palette import BREAK_LINE, WHISKER, element_colour

HEIGHT = 600
MARGIN = {"l": 70, "r": 20, "b": 60}
LABEL_FONT = 12
LABEL_CHARS = 24
OFFSETS = [(0, -24), (0, 24), (34, 0), (-34, 0), (30, -26), (-30, -26), (30, 26), (-30, 26)] + [
    (dx, dy) for r in (1, 2, 3) for dx, dy in ((0, -46), (0, 46), (80, -30), (-80, -30), (80, 30), (-80, 30),
                                              (120, 0), (-120, 0), (40, -60), (-40, -60), (40, 60), (-40, 60))
    for dx, dy in [(dx * r, dy * r)]
]  # fmt: skip


def _box(cx: float, cy: float, text: str) -> tuple[float, float, float, float]:
    lines = text.split("<br>")
    w = max(len(line) for line in lines) * CHAR_WIDTH * LABEL_FONT + 4
    h = len(lines) * LINE_HEIGHT * LABEL_FONT + 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def place_labels(
    points: list[tuple[float, float, str]], width: float, height: float, blocked: list[tuple[float, ...]]
) -> list[tuple[int, int]]:
    """(ax, ay) px offsets (ay positive downwards, as plotly's) for labels at points (px, py measured from the
    plot's bottom left, text): the first offset of OFFSETS whose box stays in the plot and overlaps no
    placed label, dot or `blocked` box; else the offset with the least overlap."""
    taken = list(blocked) + [(x - 8, y - 8, x + 8, y + 8) for x, y, _ in points]
    chosen = []
    for x, y, text in points:
        best, best_cost = OFFSETS[0], float("inf")
        for ax, ay in OFFSETS:
            box = _box(x + ax, y - ay, text)
            outside = box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height
            cost = sum(_overlap(box, other) for other in taken) + (1e6 if outside else 0.0)
            if cost < best_cost:
                best, best_cost = (ax, ay), cost
            if cost == 0:
                break
        taken.append(_box(x + best[0], y - best[1], text))
        chosen.append(best)
    return chosen


def importance_performance_matrix(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    x_label: str,
    y_label: str,
    quadrant_labels: dict[str, str],
    lang: str = "vi",
    legend_labels: tuple[str, str] = ("", ""),
) -> go.Figure:
    """Scatter of drivers: x = performance (0–100) with its 95% interval, y = importance share in %
    (100·φ_j/R²) with its interval, one dot per element in its element colour (open when `evidence` is
    'uncertain'), named; dashed lines at `performance_cut` and 100·`importance_cut`; the four quadrants named
    in their corners (`quadrant_labels` keyed by analysis.drivers.QUADRANTS); `legend_labels` name the
    filled and the open dots.

    `frame` columns: driver, label, performance, performance_low, performance_high, importance,
    importance_low, importance_high, performance_cut, importance_cut, evidence, hover."""
    x = frame["performance"].astype(float)
    y = 100.0 * frame["importance"].astype(float)
    x_lo, x_hi = frame["performance_low"].astype(float), frame["performance_high"].astype(float)
    y_lo, y_hi = 100.0 * frame["importance_low"].astype(float), 100.0 * frame["importance_high"].astype(float)
    x_cut = float(frame["performance_cut"].iloc[0])
    y_cut = 100.0 * float(frame["importance_cut"].iloc[0])
    fig = go.Figure()
    for (_, row), xi, yi, xl, xh, yl, yh in zip(frame.iterrows(), x, y, x_lo, x_hi, y_lo, y_hi, strict=True):
        colour = element_colour(f"element:{row['driver']}")
        open_dot = row.get("evidence") == "uncertain"
        fig.add_trace(
            go.Scatter(
                x=[xi], y=[yi], mode="markers",
                marker={"size": 14, "symbol": "circle-open" if open_dot else "circle", "color": colour,
                        "line": {"width": 2.5 if open_dot else 1, "color": colour if open_dot else WHISKER}},
                error_x={"type": "data", "symmetric": False, "array": [xh - xi], "arrayminus": [xi - xl],
                         "color": colour, "thickness": 1.2, "width": 3},
                error_y={"type": "data", "symmetric": False, "array": [yh - yi], "arrayminus": [yi - yl],
                         "color": colour, "thickness": 1.2, "width": 3},
                hovertext=[row["hover"]], hoverinfo="text", name=escaped(row["label"]), showlegend=False,
            )
        )  # fmt: skip
    for symbol, name in zip(("circle", "circle-open"), legend_labels, strict=True):
        if name:
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=escaped(name), hoverinfo="skip",
                                     marker={"size": 12, "symbol": symbol, "color": BREAK_LINE}))  # fmt: skip
    xs = pd.concat([x, x_lo, x_hi, pd.Series([x_cut])]).dropna()
    ys = pd.concat([y, y_lo, y_hi, pd.Series([y_cut])]).dropna()
    x_pad = max(0.5, 0.12 * float(xs.max() - xs.min()))
    y_pad = max(1.0, 0.12 * float(ys.max() - ys.min()))
    x_range = [float(xs.min()) - x_pad, min(100.0, float(xs.max()) + x_pad)]
    y_range = [max(0.0, float(ys.min()) - y_pad), float(ys.max()) + 2.5 * y_pad]
    fig.add_vline(x=x_cut, line_dash="dash", line_color=BREAK_LINE)
    fig.add_hline(y=y_cut, line_dash="dash", line_color=BREAK_LINE)
    title_block, title_h = title_layout(title, subtitle)
    fig.update_layout(
        font={"size": 13}, legend={"font": {"size": 13}}
    )  # as `styled` will: for the legend rows
    top = title_h + (
        legend_rows(fig, DEFAULT_WIDTH - MARGIN["l"] - MARGIN["r"]) * 25 + 10 if legend_labels[0] else 0
    )
    plot_w = DEFAULT_WIDTH - MARGIN["l"] - MARGIN["r"]
    plot_h = HEIGHT - top - MARGIN["b"]
    corners = {
        "priority_improve": (0.0, 1.0, "left", "top"),
        "maintain": (1.0, 1.0, "right", "top"),
        "low_priority": (0.0, 0.0, "left", "bottom"),
        "possible_overinvestment": (1.0, 0.0, "right", "bottom"),
    }
    blocked = []
    for quadrant, (cx, cy, xanchor, yanchor) in corners.items():
        text = f"<b>{escaped(quadrant_labels[quadrant])}</b>"
        fig.add_annotation(x=cx, y=cy, xref="paper", yref="paper", text=text, showarrow=False,
                           xanchor=xanchor, yanchor=yanchor, font={"color": "#555555", "size": 12})  # fmt: skip
        w = len(quadrant_labels[quadrant]) * CHAR_WIDTH * 12 + 8
        h = LINE_HEIGHT * 12 + 4
        left = cx * plot_w - (w if xanchor == "right" else 0)
        bottom = cy * plot_h - (h if yanchor == "top" else 0)
        blocked.append((left, bottom, left + w, bottom + h))
    sx = plot_w / (x_range[1] - x_range[0])
    sy = plot_h / (y_range[1] - y_range[0])
    labels = [wrap(str(label), LABEL_CHARS, 3) for label in frame["label"]]
    points = [((xi - x_range[0]) * sx, (yi - y_range[0]) * sy, text)
              for xi, yi, text in zip(x, y, labels, strict=True)]  # fmt: skip
    for (xi, yi, text), (ax, ay) in zip(points, place_labels(points, plot_w, plot_h, blocked), strict=True):
        fig.add_annotation(x=x_range[0] + xi / sx, y=y_range[0] + yi / sy, text=text, ax=ax, ay=ay,
                           showarrow=True, arrowhead=0, arrowwidth=1, arrowcolor="#888888", standoff=7,
                           xanchor="center", yanchor="middle", font={"size": LABEL_FONT, "color": "#222222"},
                           bgcolor="rgba(255,255,255,0.75)")  # fmt: skip
    fig.update_xaxes(range=x_range, title=escaped(x_label), showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(range=y_range, title=escaped(y_label))
    fig = styled(fig, title, subtitle, height=HEIGHT, lang=lang)
    fig.update_layout(
        title=title_block, margin={**MARGIN, "t": top}, showlegend=bool(legend_labels[0]),
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "yref": "paper",
                "font": {"size": 13}},
    )  # fmt: skip
    return fig
