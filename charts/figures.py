"""Pure plotly builders: tidy DataFrame + texts -> go.Figure. No Streamlit, no SQL, nothing fetched online.

Texts (titles, axis labels, hover labels) are passed in already translated; numbers in hover text are
pre-formatted by the caller so Vietnamese formatting (84,50%) is kept. Every plain text a builder is given
(titles, subtitles, axis and legend labels, category names, annotations) may hold words from data and is
escaped here (`escaped`, `wrap`: plotly reads <a href>, <b> and the like in them); hover texts arrive as HTML
built by the caller, with the values from data already escaped (`i18n.markup`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.palette import BASE, FONT, HIGHLIGHT, TARGET, element_colour
from i18n import markup

TARGET_LEVEL = 80.0


def escaped(value: object) -> str:
    """Plain text (a title, a name, a label) as plotly text: '<', '>', '&' and quotes escaped, so nothing in
    it becomes a link, a tag or an entity."""
    return markup.html(value)


def escaped_all(values: pd.Series | list) -> list[str]:
    """`escaped` of every value (category names of an axis, in their order)."""
    return [escaped(v) for v in values]


def styled(fig: go.Figure, title: str, subtitle: str, height: int = 420, lang: str = "vi") -> go.Figure:
    """The shared look: title with subtitle, fonts, white background, stable zoom across reruns
    (`uirevision`), and number separators of the language (vi: 84,5 and 36.525)."""
    fig.update_layout(
        separators=",." if lang == "vi" else ".,",
        title={"text": f"{escaped(title)}<br><sup>{escaped(subtitle)}</sup>", "x": 0.0, "xanchor": "left"},
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


def ranked_dots(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    value_label: str,
    highlight: str | None,
    target_label: str,
    lang: str = "vi",
) -> go.Figure:
    """Units ranked from highest (top) to lowest: a dot per unit with its 95% interval whiskers on a zoomed
    axis that holds every interval end and the 80% target (bars would need a zero baseline to be honest);
    the chosen unit in the highlight colour. `frame`: unit_id, label, value, ci_low, ci_high, hover."""
    data = frame.sort_values("value", ascending=False)
    chosen = data["unit_id"] == highlight
    colours = [HIGHLIGHT if c else BASE for c in chosen]
    fig = go.Figure(
        go.Scatter(
            x=data["value"], y=escaped_all(data["label"]), mode="markers", orientation="h",
            marker={"color": colours, "size": [11 if c else 8 for c in chosen], "line": {"width": 0}},
            error_x={"type": "data", "symmetric": False, "array": data["ci_high"] - data["value"],
                     "arrayminus": data["value"] - data["ci_low"], "color": "#555555", "thickness": 1, "width": 0},
            customdata=data[["unit_id"]], hovertext=data["hover"], hoverinfo="text", name=escaped(value_label),
            cliponaxis=False,
        )
    )  # fmt: skip
    fig.add_vline(x=TARGET_LEVEL, line_dash="dash", line_color=TARGET)
    fig.add_annotation(x=TARGET_LEVEL, y=1.0, yref="paper", yanchor="bottom", text=escaped(target_label),
                       showarrow=False, font={"size": 12, "color": TARGET})  # fmt: skip
    axis = value_range(
        pd.concat([data["value"], data["ci_low"], data["ci_high"]]), include=(TARGET_LEVEL,), step=2
    )
    fig.update_xaxes(range=axis, title=escaped(value_label), showgrid=True, gridcolor="#eeeeee", side="top")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=escaped_all(data["label"]),
                     autorange="reversed", showgrid=False, tickfont={"size": 12})  # fmt: skip
    fig = styled(fig, title, subtitle, height=max(420, 17 * len(data) + 150), lang=lang)
    fig.update_layout(margin={"t": 110})
    return fig


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
                x=escaped_all(data["label"]), y=data["value"], name=escaped(series if series is not None else value_label),
                marker_color=[element_colour(c) for c in data["index_code"]] if len(series_list) == 1 else None,
                error_y={"type": "data", "symmetric": False, "array": data["ci_high"] - data["value"],
                         "arrayminus": data["value"] - data["ci_low"], "color": "#333333", "thickness": 1},
                hovertext=data["hover"], hoverinfo="text",
            )
        )  # fmt: skip
    fig.add_hline(y=TARGET_LEVEL, line_dash="dash", line_color=TARGET)
    values = frame["ci_low"].dropna()
    fig.update_yaxes(
        range=[max(0.0, (values.min() if len(values) else 60.0) - 5), 100], title=escaped(value_label)
    )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.2})
    return styled(fig, title, subtitle, lang=lang)


# --- helpers for charts right at a glance (Dimensions, Compare, Drivers) --------------------------------
TITLE_LINE_CHARS = 80  # a title line longer than this is wrapped (about 880 px at 18 px)


def wrap(text: str, width: int = 28, max_lines: int = 3) -> str:
    """Word-wrap `text` into at most `max_lines` lines of about `width` characters joined by <br> (the last
    line ends with … when words are left over), each line escaped (`escaped`). For tick text and titles: the
    category key stays unique."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        lines = lines[: max_lines - 1] + [(last if len(last) < width else last[: width - 1].rstrip()) + "…"]
    return "<br>".join(escaped(line) for line in lines)


def title_layout(title: str, subtitle: str) -> tuple[dict, int]:
    """The title (wrapped at TITLE_LINE_CHARS) and subtitle pinned to the top of the figure, and the height
    in px the block takes (for the top margin)."""
    main = wrap(title, TITLE_LINE_CHARS, 3)
    sub = "<br>".join(
        f"<sup>{line}</sup>" for line in wrap(subtitle, int(TITLE_LINE_CHARS * 1.35), 3).split("<br>")
    )
    lines = main.count("<br>") + 1
    sub_lines = sub.count("<br>") + 1 if subtitle else 0
    text = f"{main}<br>{sub}" if subtitle else main
    height = int(12 + 24 * lines + 17 * sub_lines + 6)
    return {"text": text, "x": 0.0, "xanchor": "left", "xref": "container", "y": 1.0, "yref": "container",
            "yanchor": "top", "pad": {"t": 12, "l": 8}}, height  # fmt: skip


def value_range(values: pd.Series | list, *, include: tuple[float, ...] = (), step: float = 5.0,
                pad: float = 1.0, low: float = 0.0, high: float = 100.0) -> list[float]:  # fmt: skip
    """An axis range on `step` boundaries that holds every value given (values, interval ends and the
    reference lines in `include`), padded by `pad`, clipped to [low, high]."""
    numbers = pd.to_numeric(pd.Series(list(values) + list(include), dtype=float), errors="coerce").dropna()
    if numbers.empty:
        return [low, high]
    lo = max(low, step * float(np.floor((numbers.min() - pad) / step)))
    hi = min(high, step * float(np.ceil((numbers.max() + pad) / step)))
    return [lo, hi if hi > lo else lo + step]


def interval_dots(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    value_label: str,
    *,
    target_label: str | None = None,
    suppressed_label: str | None = None,
    lang: str = "vi",
    tick_width: int = 120,
) -> go.Figure:
    """Dots with 95% interval whiskers on a zoomed value axis (bars would mislead there): one row per
    category, first row on top. `frame`: key (unique category), tick (row label, may hold <br>), value,
    ci_low, ci_high, hover, colour, hollow (bool: drawn as an open dot, e.g. a figure too uncertain to read),
    and optionally series (one trace per series, dodged within the row; then symbol per series)."""
    fig = go.Figure()
    series_names = list(dict.fromkeys(frame["series"])) if "series" in frame else [None]
    symbols = ("circle", "square", "diamond", "triangle-up")
    for k, series in enumerate(series_names):
        data = frame if series is None else frame[frame["series"] == series]
        colours = list(data["colour"])
        hollow = list(data["hollow"]) if "hollow" in data else [False] * len(data)
        fig.add_trace(
            go.Scatter(
                x=data["value"], y=data["key"], mode="markers", orientation="h",
                name=escaped(series if series is not None else value_label), showlegend=series is not None,
                marker={"size": 11, "symbol": [symbols[k % 4] + ("-open" if h else "") for h in hollow],
                        "color": colours, "line": {"width": 2, "color": colours}},
                error_x={"type": "data", "symmetric": False, "array": data["ci_high"] - data["value"],
                         "arrayminus": data["value"] - data["ci_low"], "color": "#333333", "thickness": 1.2,
                         "width": 4},
                hovertext=data["hover"], hoverinfo="text", cliponaxis=False,
            )
        )  # fmt: skip
    keys = list(dict.fromkeys(frame["key"]))
    ticks = dict(zip(frame["key"], frame["tick"], strict=False))
    include = (TARGET_LEVEL,) if target_label is not None else ()
    axis = value_range(pd.concat([frame["value"], frame["ci_low"], frame["ci_high"]]), include=include)
    if target_label is not None:
        fig.add_vline(x=TARGET_LEVEL, line_dash="dash", line_color=TARGET)
    if suppressed_label is not None:
        for key in frame.loc[frame["value"].isna(), "key"].drop_duplicates():
            fig.add_annotation(x=axis[0], y=key, text=escaped(suppressed_label), showarrow=False, xanchor="left",
                               font={"color": "#555555", "size": 12})  # fmt: skip
    lines = max((str(t).count("<br>") + 1 for t in ticks.values()), default=1)
    per_row = max(34, 18 * lines + 10) + (12 * (len(series_names) - 1) if len(series_names) > 1 else 0)
    title_block, title_h = title_layout(title, subtitle)
    legend_h = 34 if len(series_names) > 1 else 0
    fig.update_xaxes(range=axis, title=escaped(value_label), showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=keys, tickvals=keys,
                     ticktext=[ticks[k] for k in keys], autorange="reversed", showgrid=False)  # fmt: skip
    size = 13  # the shared font size of `styled`
    label_px = max((len(line) for t in ticks.values() for line in str(t).split("<br>")), default=0)
    tick_width = max(tick_width, int(0.55 * size * label_px) + 24)
    fig = styled(fig, title, subtitle, height=title_h + legend_h + per_row * len(keys) + 70, lang=lang)
    fig.update_layout(
        title=title_block, margin={"l": tick_width, "r": 20, "t": title_h + legend_h, "b": 60},
        scattermode="group", scattergap=0.5, showlegend=len(series_names) > 1,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "yref": "paper",
                "font": {"size": 13}},
    )  # fmt: skip
    return fig
