"""Checks on plotly figure objects: is a chart right at a glance? `check_figure(fig)` lists the problems.

Pure (no Streamlit, no browser): the checks read the figure's own description and estimate text sizes
(average glyph width ≈ CHAR_WIDTH × font size, line height ≈ 1.3 × font size) on the main column of the
app at 1366×768 (about `DEFAULT_WIDTH` px wide when the figure sets no width). They report:

- a bar whose ends (base and base + value) or a whisker (value ± error) lie outside its axis range when a
  range is set; a marker or whisker of a scatter outside its set range;
- duplicate category labels on a categorical axis (after applying tickvals/ticktext), and a trace that
  puts two values on the same category (two bars merge into one stacked bar);
- a legend that is shown over the plot area or the tick labels: only a legend to the right of the plot
  (x ≥ 1) or above it (y ≥ 1, anchored at its bottom) with room in the top margin is accepted;
- a title (or subtitle) line longer than the figure is wide, and a top margin too small for the title, an
  above-plot legend and tick labels of an x axis drawn at the top;
- text smaller than MIN_FONT px; bars in plotly's default colour or solid black;
- annotations placed in data coordinates whose estimated boxes overlap (colliding point labels).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
import plotly.graph_objects as go

DEFAULT_WIDTH = 880  # px: the main column at 1366x768 with the sidebar open
DEFAULT_HEIGHT = 450
CHAR_WIDTH = 0.55  # average glyph width / font size (Noto Sans, Vietnamese text)
LINE_HEIGHT = 1.3
MIN_FONT = 12
BLACK = {"#000", "#000000", "black", "rgb(0,0,0)", "rgb(0, 0, 0)"}
_TAG = re.compile(r"<[^>]+>")


def plain_lines(text: object) -> list[str]:
    """The lines of a plotly text (split at <br>, tags removed)."""
    return [_TAG.sub("", part).strip() for part in re.split(r"<br\s*/?>", str(text or ""))]


def text_width(text: object, size: float) -> float:
    """Estimated width in px of the longest line of a plotly text at font `size`."""
    return max((len(line) for line in plain_lines(text)), default=0) * CHAR_WIDTH * size


def _font_size(fig: go.Figure) -> float:
    return float(fig.layout.font.size or 12)


def _title_lines(fig: go.Figure) -> list[tuple[str, float]]:
    """(line, font size) of the title: lines inside <sup> are drawn at 70% of the title size."""
    text = fig.layout.title.text
    if not text:
        return []
    size = float(fig.layout.title.font.size or 1.4 * _font_size(fig))
    out = []
    for part in re.split(r"<br\s*/?>", str(text)):
        small = "<sup>" in part or "<sub>" in part
        out.append((_TAG.sub("", part).strip(), 0.7 * size if small else size))
    return out


def title_height(fig: go.Figure) -> float:
    """Estimated height of the title block in px (lines plus the pad above it)."""
    return sum(LINE_HEIGHT * s for _, s in _title_lines(fig)) + 12


def _axes(fig: go.Figure, letter: str) -> dict[str, object]:
    """Axis id ('x', 'x2', …) -> layout axis object."""
    out = {}
    for name in fig.layout:
        if name.startswith(f"{letter}axis"):
            out[letter + name[len(letter) + 4 :]] = fig.layout[name]
    if letter not in out:
        out[letter] = fig.layout[f"{letter}axis"]
    return out


def _is_category(values: Iterable[object]) -> bool:
    return any(isinstance(v, str) for v in values)


def _numbers(values: object) -> np.ndarray:
    if values is None:
        return np.array([], dtype=float)
    arr = np.asarray(values, dtype=object).ravel()
    return np.array([float(v) if v is not None else np.nan for v in arr], dtype=float)


def _broadcast(value: object, n: int) -> np.ndarray:
    if value is None:
        return np.zeros(n)
    if np.ndim(value) == 0:
        return np.full(n, float(value))
    return _numbers(value)


def _errors(error: object, values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(low end, high end) of error bars, or None when there are none."""
    if error is None or error.visible is False or error.array is None:
        return None
    plus = _numbers(error.array)
    minus = _numbers(error.arrayminus) if error.arrayminus is not None and not error.symmetric else plus
    return values - minus, values + plus


def _outside(ends: np.ndarray, lo: float, hi: float) -> np.ndarray:
    tol = 1e-9 * max(1.0, abs(hi - lo))
    return ~np.isnan(ends) & ((ends < lo - tol) | (ends > hi + tol))


def _check_ranges(fig: go.Figure) -> list[str]:
    problems = []
    for k, trace in enumerate(fig.data):
        if trace.type not in ("bar", "scatter"):
            continue
        horizontal = trace.orientation == "h" if trace.type == "bar" else False
        name = trace.name or f"trace {k}"
        pairs = [("x", trace.x, trace.error_x), ("y", trace.y, trace.error_y)]
        for letter, raw, error in pairs:
            if raw is None or _is_category(raw):
                continue
            axis_id = (trace.xaxis if letter == "x" else trace.yaxis) or letter
            axis = _axes(fig, letter).get(axis_id)
            if axis is None or axis.range is None or axis.type in ("category", "log", "date"):
                continue
            lo, hi = sorted(float(v) for v in axis.range)
            values = _numbers(raw)
            if trace.type == "bar" and (letter == "x") == horizontal:
                base = _broadcast(trace.base, len(values))
                for what, ends in (("base", base), ("end", base + values)):
                    bad = _outside(ends, lo, hi)
                    if bad.any():
                        problems.append(
                            f"bar '{name}': {int(bad.sum())} bar {what}(s) outside the {axis_id} axis range "
                            f"[{lo:g}, {hi:g}] (e.g. {ends[bad][0]:g}): the bar is cut or hangs off the axis"
                        )
            elif trace.type == "scatter":
                bad = _outside(values, lo, hi)
                if bad.any():
                    problems.append(
                        f"scatter '{name}': {int(bad.sum())} point(s) outside the {axis_id} range"
                    )
            whiskers = _errors(error, values)
            if whiskers is not None:
                bad = _outside(whiskers[0], lo, hi) | _outside(whiskers[1], lo, hi)
                if bad.any():
                    problems.append(
                        f"{trace.type} '{name}': {int(bad.sum())} interval whisker(s) outside the {axis_id} "
                        f"axis range [{lo:g}, {hi:g}]"
                    )
    return problems


def _shown_labels(axis: object, categories: list[str]) -> list[str]:
    """The tick labels shown for `categories` (ticktext for tickvals when given), tags removed."""
    mapping = {}
    if axis is not None and axis.tickvals is not None and axis.ticktext is not None:
        mapping = {str(v): str(t) for v, t in zip(axis.tickvals, axis.ticktext, strict=False)}
    return [" ".join(plain_lines(mapping.get(c, c))) for c in categories]


def _check_categories(fig: go.Figure) -> list[str]:
    problems = []
    for letter in ("x", "y"):
        axes = _axes(fig, letter)
        seen: dict[str, list[str]] = {}
        for k, trace in enumerate(fig.data):
            raw = getattr(trace, letter, None)
            if raw is None or trace.type in ("pie", "choropleth", "choroplethmap", "choroplethmapbox"):
                continue
            values = [str(v) for v in np.asarray(raw, dtype=object).ravel()]
            if not _is_category(raw):
                continue
            axis_id = getattr(trace, f"{letter}axis", None) or letter
            if len(values) != len(set(values)) and trace.type in ("bar", "heatmap"):
                dupes = sorted({v for v in values if values.count(v) > 1})
                problems.append(
                    f"{trace.type} '{trace.name or k}': the same category twice on the {axis_id} axis "
                    f"({dupes[0]!r}): two values merge into one bar or row"
                )
            seen.setdefault(axis_id, [])
            seen[axis_id] += [v for v in dict.fromkeys(values) if v not in seen[axis_id]]
        for axis_id, categories in seen.items():
            labels = _shown_labels(axes.get(axis_id), categories)
            dupes = sorted({label for label in labels if labels.count(label) > 1})
            if dupes:
                problems.append(
                    f"duplicate category labels on the {axis_id} axis: {dupes[0]!r} names "
                    f"{labels.count(dupes[0])} different categories"
                )
    return problems


def _legend_shown(fig: go.Figure) -> bool:
    if fig.layout.showlegend is False:
        return False
    entries = [t for t in fig.data if t.showlegend is not False and t.type not in ("heatmap", "choropleth")]
    return bool(fig.layout.showlegend) and bool(entries) or len(entries) > 1


def legend_rows(fig: go.Figure, plot_width: float) -> int:
    """Estimated rows of a horizontal legend (items side by side, wrapped at the plot width)."""
    size = float(fig.layout.legend.font.size or _font_size(fig))
    names = [t.name or "" for t in fig.data if t.showlegend is not False and t.name]
    rows, used = 1, 0.0
    for name in names:
        width = text_width(name, size) + 40  # symbol and gap
        if used and used + width > plot_width:
            rows, used = rows + 1, 0.0
        used += width
    return rows


def _width(fig: go.Figure) -> float:
    return float(fig.layout.width or DEFAULT_WIDTH)


def _top_tick_height(fig: go.Figure) -> float:
    """Estimated height of the tick labels of x axes drawn at the top of the plot."""
    height = 0.0
    for axis in _axes(fig, "x").values():
        if axis.side != "top" or axis.showticklabels is False:
            continue
        labels = [str(v) for v in (axis.ticktext or [])]
        if not labels:
            for trace in fig.data:
                if (
                    trace.type in ("heatmap", "bar", "scatter")
                    and trace.x is not None
                    and _is_category(trace.x)
                ):
                    labels += [str(v) for v in trace.x]
        if not labels:
            continue
        size = float(axis.tickfont.size or _font_size(fig))
        angle = math.radians(abs(float(axis.tickangle or 0)) if axis.tickangle != "auto" else 0)
        longest = max(text_width(label, size) for label in labels)
        lines = max(len(plain_lines(label)) for label in labels)
        height = max(height, longest * math.sin(angle) + lines * LINE_HEIGHT * size * math.cos(angle) + 8)
    return height


def _check_layout(fig: go.Figure) -> list[str]:
    problems = []
    width = _width(fig)
    margin_l = float(fig.layout.margin.l if fig.layout.margin.l is not None else 80)
    margin_r = float(fig.layout.margin.r if fig.layout.margin.r is not None else 80)
    margin_t = float(fig.layout.margin.t if fig.layout.margin.t is not None else 100)
    plot_width = width - margin_l - margin_r
    for line, size in _title_lines(fig):
        if len(line) * CHAR_WIDTH * size > width - 20:
            problems.append(f"title line too long for a {width:.0f} px figure: {line[:50]!r}…")
    needed = title_height(fig) if fig.layout.title.text else 0.0
    if _legend_shown(fig):
        legend = fig.layout.legend
        x = legend.x
        y = legend.y
        right = x is not None and x >= 1 and legend.xanchor in (None, "left", "auto")
        default_right = legend.orientation != "h" and x is None and y is None
        above = y is not None and y >= 1 and legend.yanchor == "bottom" and legend.yref in (None, "paper")
        if above:
            size = float(legend.font.size or _font_size(fig))
            needed += legend_rows(fig, plot_width) * (LINE_HEIGHT * size + 8)
        elif not (right or default_right):
            problems.append(
                f"legend at x={x}, y={y} ({legend.orientation or 'v'}) may cover the plot or its tick labels: "
                "place it above the plot (y ≥ 1, yanchor='bottom') or to its right (x ≥ 1)"
            )
    needed += _top_tick_height(fig)
    if needed and margin_t + 2 < needed:
        problems.append(
            f"top margin {margin_t:.0f} px is too small for the title, legend and top tick labels "
            f"(about {needed:.0f} px needed): they would overlap"
        )
    return problems


def _check_fonts_and_colours(fig: go.Figure) -> list[str]:
    problems = []
    if _font_size(fig) < MIN_FONT:
        problems.append(f"base font {_font_size(fig):g} px is below {MIN_FONT} px")
    for note in fig.layout.annotations or ():
        if note.font.size is not None and note.font.size < MIN_FONT:
            problems.append(
                f"annotation {str(note.text)[:30]!r} at {note.font.size:g} px is below {MIN_FONT} px"
            )
    for letter in ("x", "y"):
        for axis_id, axis in _axes(fig, letter).items():
            if axis.tickfont.size is not None and axis.tickfont.size < MIN_FONT:
                problems.append(
                    f"{axis_id} axis tick labels at {axis.tickfont.size:g} px are below {MIN_FONT} px"
                )
    for k, trace in enumerate(fig.data):
        if trace.type != "bar":
            continue
        colour = trace.marker.color
        if colour is None:
            problems.append(f"bar '{trace.name or k}' has plotly's default colour (use charts.palette)")
            continue
        colours = [colour] if isinstance(colour, str) else [str(c) for c in colour]
        if any(c.strip().lower() in BLACK for c in colours):
            problems.append(f"bar '{trace.name or k}' is drawn solid black")
    return problems


def _axis_to_px(axis: object, length: float) -> tuple[float, float] | None:
    if axis is None or axis.range is None:
        return None
    lo, hi = (float(v) for v in axis.range)
    return lo, length / (hi - lo) if hi != lo else 0.0


def annotation_boxes(fig: go.Figure) -> list[tuple[str, float, float, float, float]]:
    """Estimated boxes (text, left, bottom, right, top) in px of the plot area of the annotations placed
    at data coordinates (xref 'x', yref 'y'), arrows offset by (ax, ay) px; others are skipped."""
    width, height = _width(fig), float(fig.layout.height or DEFAULT_HEIGHT)
    m = fig.layout.margin
    plot_w = width - float(m.l if m.l is not None else 80) - float(m.r if m.r is not None else 80)
    plot_h = height - float(m.t if m.t is not None else 100) - float(m.b if m.b is not None else 80)
    sx, sy = _axis_to_px(fig.layout.xaxis, plot_w), _axis_to_px(fig.layout.yaxis, plot_h)
    if sx is None or sy is None:
        return []
    boxes = []
    for note in fig.layout.annotations or ():
        if note.xref not in (None, "x") or note.yref not in (None, "y") or note.x is None or note.y is None:
            continue
        size = float(note.font.size or _font_size(fig))
        w = text_width(note.text, size) + 4
        h = len(plain_lines(note.text)) * LINE_HEIGHT * size + 2
        px = (float(note.x) - sx[0]) * sx[1]
        py = (float(note.y) - sy[0]) * sy[1]
        if note.showarrow is not False:
            px += float(note.ax or 0)
            py -= float(note.ay or 0)  # ay is positive downwards
        xanchor = note.xanchor if note.xanchor not in (None, "auto") else "center"
        yanchor = note.yanchor if note.yanchor not in (None, "auto") else "middle"
        left = px - {"left": 0.0, "center": w / 2, "right": w}[xanchor]
        bottom = py - {"bottom": 0.0, "middle": h / 2, "top": h}[yanchor]
        boxes.append((str(note.text), left, bottom, left + w, bottom + h))
    return boxes


def _check_annotations(fig: go.Figure) -> list[str]:
    boxes = annotation_boxes(fig)
    problems = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]:
                problems.append(
                    f"labels overlap: {plain_lines(a[0])[0][:30]!r} and {plain_lines(b[0])[0][:30]!r}"
                )
    return problems


def check_figure(fig: go.Figure) -> list[str]:
    """Every problem found in `fig` (empty when it is right at a glance); see the module docstring."""
    return [
        *_check_ranges(fig),
        *_check_categories(fig),
        *_check_layout(fig),
        *_check_fonts_and_colours(fig),
        *_check_annotations(fig),
    ]
