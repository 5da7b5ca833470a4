"""Pure plotly builders for the elements-and-criteria page: criteria bars, unit × element heatmap and
respondent-group bars. Texts come translated and numbers in hover text pre-formatted by the caller."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.figures import TARGET_LEVEL, styled
from charts.palette import BASE, TARGET, element_colour


def _error(data: pd.DataFrame) -> dict:
    """Asymmetric CI whiskers: upper = ci_high − value, lower = value − ci_low."""
    return {
        "type": "data",
        "symmetric": False,
        "array": data["ci_high"] - data["value"],
        "arrayminus": data["value"] - data["ci_low"],
        "color": "#333333",
        "thickness": 1,
    }


def _range(frame: pd.DataFrame) -> list[float]:
    """Value axis from just below the lowest CI bound (or 60) to 100."""
    low = frame["ci_low"].dropna()
    return [max(0.0, (float(low.min()) if len(low) else 60.0) - 5), 100.0]


def criteria_bars(
    frame: pd.DataFrame, title: str, subtitle: str, value_label: str, suppressed_label: str, lang: str = "vi"
) -> go.Figure:
    """Horizontal bars per criterion (`label`, `value`, `ci_low`, `ci_high`, `hover`, `parent` element code)
    in the colour of its element; a suppressed criterion (value NaN) is named at the axis start."""
    data = frame.iloc[::-1]
    colours = [element_colour(str(p)) for p in data["parent"]]
    fig = go.Figure(
        go.Bar(
            x=data["value"], y=data["label"], orientation="h", marker_color=colours, error_x=_error(data),
            hovertext=data["hover"], hoverinfo="text", name=value_label,
        )
    )  # fmt: skip
    axis = _range(frame)
    for label in data.loc[data["value"].isna(), "label"]:
        fig.add_annotation(x=axis[0], y=label, text=suppressed_label, showarrow=False, xanchor="left")
    fig.add_vline(x=TARGET_LEVEL, line_dash="dash", line_color=TARGET)
    fig.update_xaxes(range=axis, title=value_label)
    fig.update_yaxes(automargin=True)
    return styled(fig, title, subtitle, height=max(320, 34 * len(data) + 140), lang=lang)


def unit_heatmap(
    values: pd.DataFrame, hover: pd.DataFrame, title: str, subtitle: str, value_label: str, lang: str = "vi"
) -> go.Figure:
    """Heatmap of units (rows, in the given order, first on top) × indices (columns); colour = value.

    `values` holds the index values (NaN = suppressed: the cell stays blank); `hover` the same shape of
    pre-formatted hover texts (a suppressed cell says so)."""
    fig = go.Figure(
        go.Heatmap(
            z=values.to_numpy(dtype=float), x=list(values.columns), y=list(values.index),
            text=hover.to_numpy(dtype=object), hoverinfo="text", hoverongaps=True,
            colorscale="Viridis", colorbar={"title": {"text": value_label}}, xgap=1, ygap=1,
        )
    )  # fmt: skip
    fig.update_yaxes(autorange="reversed", automargin=True, showgrid=False)
    fig.update_xaxes(side="top", tickangle=-35, automargin=True)
    fig = styled(fig, title, subtitle, height=max(460, 18 * len(values) + 240), lang=lang)
    fig.update_layout(plot_bgcolor="#f4f4f4")
    return fig


def group_bars(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    value_label: str,
    suppressed_label: str,
    colour: str = BASE,
    lang: str = "vi",
) -> go.Figure:
    """Vertical bars per respondent group (`label`, `value`, `ci_low`, `ci_high`, `n`, `n_text`, `hover`)
    with CI whiskers and 'n = …' under each bar; a suppressed group (value NaN) gets no bar, only its label."""
    fig = go.Figure(
        go.Bar(
            x=frame["label"], y=frame["value"], marker_color=colour, error_y=_error(frame),
            hovertext=frame["hover"], hoverinfo="text", name=value_label,
            text=frame["n_text"], textposition="inside", insidetextanchor="start",
        )
    )  # fmt: skip
    axis = _range(frame)
    for label in frame.loc[frame["value"].isna(), "label"]:
        fig.add_annotation(x=label, y=axis[0], text=suppressed_label, showarrow=False, yanchor="bottom",
                           textangle=-90, font={"color": "#555555"})  # fmt: skip
    fig.add_hline(y=TARGET_LEVEL, line_dash="dash", line_color=TARGET)
    fig.update_yaxes(range=axis, title=value_label)
    fig.update_xaxes(tickangle=-30 if len(frame) > 6 else 0)
    return styled(fig, title, subtitle, lang=lang)
