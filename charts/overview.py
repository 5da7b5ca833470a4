"""Pure plotly builders for the Overview page (texts arrive translated, numbers in hover pre-formatted; plain
texts are escaped here, `charts.figures.escaped`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.figures import TARGET_LEVEL, escaped, escaped_all, styled
from charts.palette import BASE, HIGHLIGHT, TARGET, WHISKER


def element_markers(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    value_label: str,
    unit_label: str,
    national_label: str | None,
    best_label: str,
    lang: str = "vi",
) -> go.Figure:
    """PAPI-style markers, one row per element (`label`): the unit's `value` as a dot with a CI whisker
    (`ci_low`, `ci_high`, hover `hover`), the national average `national` as a vertical tick (skipped when
    `national_label` is None, e.g. the unit is the nation) and the best province `best` as a diamond
    (hover `best_hover`). A dashed line marks the 80% target."""
    data = frame.iloc[::-1]  # plotly draws the first category at the bottom
    labels = escaped_all(data["label"])
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=data["value"], y=labels, mode="markers", name=escaped(unit_label),
            marker={"color": HIGHLIGHT, "size": 12},
            error_x={"type": "data", "symmetric": False, "array": data["ci_high"] - data["value"],
                     "arrayminus": data["value"] - data["ci_low"], "color": HIGHLIGHT, "thickness": 2},
            hovertext=data["hover"], hoverinfo="text",
        )
    )  # fmt: skip
    if national_label is not None:
        fig.add_trace(
            go.Scatter(
                x=data["national"], y=labels, mode="markers", name=escaped(national_label),
                marker={"symbol": "line-ns-open", "size": 22, "color": WHISKER, "line": {"width": 3}},
                hovertext=data["national_hover"], hoverinfo="text",
            )
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=data["best"], y=labels, mode="markers", name=escaped(best_label),
            marker={"symbol": "diamond-open", "size": 12, "color": BASE, "line": {"width": 2}},
            hovertext=data["best_hover"], hoverinfo="text",
        )
    )  # fmt: skip
    fig.add_vline(x=TARGET_LEVEL, line_dash="dash", line_color=TARGET)
    columns = [c for c in ("ci_low", "value", "national", "best") if c in data]
    low = pd.concat([data[c] for c in columns]).min(skipna=True)
    low = 60.0 if pd.isna(low) else float(low)
    fig.update_xaxes(range=[max(0.0, min(low, TARGET_LEVEL) - 3), 100], title=escaped(value_label))
    fig.update_yaxes(automargin=True)
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return _readable(
        styled(fig, title, subtitle, height=max(360, 60 * len(data) + 160), lang=lang), title, subtitle
    )


def province_distribution(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    value_label: str,
    national_value: float | None,
    national_label: str,
    target_label: str,
    lang: str = "vi",
) -> go.Figure:
    """Horizontal box of province `value`s with every province drawn as a jittered dot (hover `hover`),
    a solid line at the national value and a dashed line at the 80% target."""
    fig = go.Figure(
        go.Box(
            x=frame["value"], name=escaped(value_label), boxpoints="all", jitter=0.5, pointpos=0,
            marker={"color": BASE, "size": 7}, line={"color": WHISKER}, fillcolor="rgba(0,0,0,0)",
            hovertext=frame["hover"], hoverinfo="text", customdata=frame[["unit_id"]], orientation="h",
        )
    )  # fmt: skip
    if national_value is not None and not pd.isna(national_value):
        fig.add_vline(x=national_value, line_color=HIGHLIGHT, annotation_text=escaped(national_label))
    fig.add_vline(x=TARGET_LEVEL, line_dash="dash", line_color=TARGET, annotation_text=escaped(target_label),
                  annotation_position="bottom right")  # fmt: skip
    fig.update_yaxes(showticklabels=False)
    fig.update_xaxes(title=escaped(value_label))
    fig.update_layout(showlegend=False)
    return _readable(styled(fig, title, subtitle, height=320, lang=lang), title, subtitle)


def _readable(fig: go.Figure, title: str, subtitle: str) -> go.Figure:
    """The subtitle at 12 px (readable on a projector) instead of plotly's small superscript."""
    fig.update_layout(
        title_text=f"{escaped(title)}<br><span style='font-size:12px'>{escaped(subtitle)}</span>"
    )
    return fig
