"""Pure plotly builders for the elements-and-criteria page: domains and elements, criteria and respondent
groups as dots with 95% interval whiskers (the value axis is zoomed, so bars would mislead), and the unit ×
index heatmap. Texts come translated and numbers in hover text pre-formatted by the caller.

Rows are keyed by codes (index codes, group codes) and labelled with wrapped names, so two long names that
start alike never merge into one row; the full name is in the hover text."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from charts.figures import escaped_all, interval_dots, styled, title_layout, wrap
from charts.palette import MUTED, SEQUENTIAL, mark_colour

HEATMAP_TICK_CHARS = 22  # column labels of the heatmap: wrapped at this width, two lines, at -45°
HEATMAP_TICK_ANGLE = -45


def _dots(frame: pd.DataFrame, keys: pd.Series, ticks: pd.Series, colours: list[str]) -> pd.DataFrame:
    """The columns `interval_dots` reads; an unreliable figure (`hollow`) is drawn open and grey."""
    hollow = frame["hollow"].astype(bool) if "hollow" in frame else pd.Series(False, index=frame.index)
    return pd.DataFrame(
        {
            "key": list(keys),
            "tick": list(ticks),
            "value": frame["value"].astype(float).to_numpy(),
            "ci_low": frame["ci_low"].astype(float).to_numpy(),
            "ci_high": frame["ci_high"].astype(float).to_numpy(),
            "hover": list(frame["hover"]),
            "colour": [MUTED if h else c for h, c in zip(hollow, colours, strict=True)],
            "hollow": list(hollow),
        }
    )


def component_dots(
    frame: pd.DataFrame, title: str, subtitle: str, value_label: str, target_label: str, lang: str = "vi"
) -> go.Figure:
    """Domains and elements (`index_code`, `label`, `value`, `ci_low`, `ci_high`, `hover`, optional
    `hollow`), one row each in the given order, in the element's colour; dashed line at the 80% target."""
    data = _dots(frame, frame["index_code"], frame["label"].map(lambda s: wrap(s, 34, 2)),
                 [mark_colour(c) for c in frame["index_code"]])  # fmt: skip
    return interval_dots(data, title, subtitle, value_label, target_label=target_label, lang=lang)


def criteria_dots(
    frame: pd.DataFrame, title: str, subtitle: str, value_label: str, suppressed_label: str,
    target_label: str, lang: str = "vi",
) -> go.Figure:  # fmt: skip
    """Criteria (`index_code`, `label` = full name, `value`, `ci_low`, `ci_high`, `hover`, `parent` element
    code) in the colour of their element; a suppressed criterion (value NaN) is named at the axis start."""
    data = _dots(frame, frame["index_code"], frame["label"].map(lambda s: wrap(s, 40, 3)),
                 [mark_colour(str(p)) for p in frame["parent"]])  # fmt: skip
    return interval_dots(data, title, subtitle, value_label, target_label=target_label,
                         suppressed_label=suppressed_label, lang=lang)  # fmt: skip


def group_dots(
    frame: pd.DataFrame, title: str, subtitle: str, value_label: str, suppressed_label: str,
    target_label: str, index_code: str = "overall", lang: str = "vi",
) -> go.Figure:  # fmt: skip
    """Respondent groups (`grp`, `label`, `n_text`, `value`, `ci_low`, `ci_high`, `hover`), one row each
    labelled with the group and its n, in the colour of the index; a suppressed group has no dot."""
    ticks = [f"{wrap(label, 24, 2)}<br><span style='color:#555555'>{n}</span>"
             for label, n in zip(frame["label"], frame["n_text"], strict=True)]  # fmt: skip
    data = _dots(frame, frame["grp"].astype(str), pd.Series(ticks, index=frame.index),
                 [mark_colour(index_code)] * len(frame))  # fmt: skip
    return interval_dots(data, title, subtitle, value_label, target_label=target_label,
                         suppressed_label=suppressed_label, lang=lang)  # fmt: skip


def unit_heatmap(
    values: pd.DataFrame,
    hover: pd.DataFrame,
    title: str,
    subtitle: str,
    value_label: str,
    lang: str = "vi",
    column_names: dict[str, str] | None = None,
) -> go.Figure:
    """Heatmap of units (rows, in the given order, first on top) × indices (columns keyed by index code,
    labelled with `column_names` wrapped on two lines at -45°); colour = value.

    `values` holds the index values (NaN = suppressed: the cell stays blank); `hover` the same shape of
    pre-formatted hover texts (a suppressed cell says so). The top margin holds the title and the column
    labels, so neither runs over the other."""
    codes = [str(c) for c in values.columns]
    names = column_names or {c: c for c in codes}
    ticks = [wrap(names.get(c, c), HEATMAP_TICK_CHARS, 2) for c in codes]
    fig = go.Figure(
        go.Heatmap(
            z=values.to_numpy(dtype=float), x=codes, y=escaped_all(values.index),
            text=hover.to_numpy(dtype=object), hoverinfo="text", hoverongaps=True,
            colorscale=SEQUENTIAL, colorbar={"title": {"text": wrap(value_label, 12, 3)}, "thickness": 14},
            xgap=1, ygap=1,
        )
    )  # fmt: skip
    size = 13
    angle = math.radians(abs(HEATMAP_TICK_ANGLE))
    longest = max((len(line) for tick in ticks for line in tick.split("<br>")), default=0)
    tick_h = int(0.55 * size * longest * math.sin(angle) + 2 * 1.3 * size * math.cos(angle) + 16)
    title_block, title_h = title_layout(title, subtitle)
    label_w = max((len(str(u)) for u in values.index), default=0)
    fig.update_yaxes(autorange="reversed", automargin=False, showgrid=False)
    fig.update_xaxes(side="top", tickangle=HEATMAP_TICK_ANGLE, automargin=False, tickvals=codes, ticktext=ticks,
                     type="category")  # fmt: skip
    fig = styled(fig, title, subtitle, height=max(460, 18 * len(values) + title_h + tick_h + 40), lang=lang)
    fig.update_layout(
        plot_bgcolor="#f4f4f4", title=title_block,
        margin={"l": int(0.55 * size * label_w) + 20, "r": 130, "t": title_h + tick_h, "b": 20},
    )  # fmt: skip
    return fig
