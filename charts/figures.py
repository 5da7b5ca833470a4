"""Pure plotly builders: tidy DataFrame + texts -> go.Figure. No Streamlit, no SQL, nothing fetched online.

Texts (titles, axis labels, hover labels) are passed in already translated; numbers in hover text are
pre-formatted by the caller so Vietnamese formatting (84,50%) is kept.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.palette import BASE, FONT, HIGHLIGHT, TARGET, element_colour

TARGET_LEVEL = 80.0


def styled(fig: go.Figure, title: str, subtitle: str, height: int = 420, lang: str = "vi") -> go.Figure:
    """The shared look: title with subtitle, fonts, white background, stable zoom across reruns
    (`uirevision`), and number separators of the language (vi: 84,5 and 36.525)."""
    fig.update_layout(
        separators=",." if lang == "vi" else ".,",
        title={"text": f"{title}<br><sup>{subtitle}</sup>", "x": 0.0, "xanchor": "left"},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 10, "r": 10, "t": 70, "b": 40},
        plot_bgcolor="white",
        paper_bgcolor="white",
        uirevision="keep",
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(showgrid=False, linecolor="#cccccc")
    fig.update_yaxes(gridcolor="#eeeeee", linecolor="#cccccc")
    return fig


def ranked_bars(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    value_label: str,
    highlight: str | None,
    target_label: str,
    lang: str = "vi",
) -> go.Figure:
    """Horizontal bars of `value` with CI whiskers per unit (`label`, `unit_id`, `ci_low`, `ci_high`, `hover`)."""
    data = frame.sort_values("value")
    colours = [HIGHLIGHT if u == highlight else BASE for u in data["unit_id"]]
    fig = go.Figure(
        go.Bar(
            x=data["value"],
            y=data["label"],
            orientation="h",
            marker_color=colours,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": data["ci_high"] - data["value"],
                "arrayminus": data["value"] - data["ci_low"],
                "color": "#333333",
                "thickness": 1,
            },
            customdata=data[["unit_id"]],
            hovertext=data["hover"],
            hoverinfo="text",
            name=value_label,
        )
    )
    fig.add_vline(x=TARGET_LEVEL, line_dash="dash", line_color=TARGET, annotation_text=target_label)
    lo = max(0.0, float(data["ci_low"].min(skipna=True) if data["ci_low"].notna().any() else 60.0) - 3)
    fig.update_xaxes(range=[lo, 100], title=value_label)
    return styled(fig, title, subtitle, height=max(420, 16 * len(data) + 120), lang=lang)


def component_bars(
    frame: pd.DataFrame, title: str, subtitle: str, value_label: str, lang: str = "vi"
) -> go.Figure:
    """Bars per index component (`index_code`, `label`, `value`, `ci_low`, `ci_high`, `hover`), grouped by
    `series` when given (units being compared); colours keep their meaning across pages."""
    fig = go.Figure()
    series_list = frame["series"].unique() if "series" in frame else [None]
    for series in series_list:
        data = frame if series is None else frame[frame["series"] == series]
        fig.add_trace(
            go.Bar(
                x=data["label"], y=data["value"], name=str(series) if series is not None else value_label,
                marker_color=[element_colour(c) for c in data["index_code"]] if len(series_list) == 1 else None,
                error_y={"type": "data", "symmetric": False, "array": data["ci_high"] - data["value"],
                         "arrayminus": data["value"] - data["ci_low"], "color": "#333333", "thickness": 1},
                hovertext=data["hover"], hoverinfo="text",
            )
        )  # fmt: skip
    fig.add_hline(y=TARGET_LEVEL, line_dash="dash", line_color=TARGET)
    values = frame["ci_low"].dropna()
    fig.update_yaxes(range=[max(0.0, (values.min() if len(values) else 60.0) - 5), 100], title=value_label)
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.2})
    return styled(fig, title, subtitle, lang=lang)
