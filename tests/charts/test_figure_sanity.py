"""Every chart of the Dimensions, Compare and Drivers pages is right at a glance (`charts.checks`): no bar or
whisker outside its axis, no duplicate category labels, no legend over the plot, titles that fit and room
for them; and the checker itself catches bad figures."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from charts.checks import annotation_boxes, check_figure
from charts.drivers import place_labels
from content import compare, dimensions, drivers
from content.model import Chart, parts
from tests.content import conftest as content_fixtures
from tests.content.conftest import make_filters

store_key = content_fixtures.store_key  # the session fixture of the content tests

# (lang, year, unit, geo)
FILTERS = [  # the nation and a province, both geographies, before and after 2025, both languages
    ("vi", 2024, "P34-01", "34"),
    ("vi", 2020, "P63-01", "63"),
    ("en", 2025, "VN", "34"),
    ("en", 2024, "VN", "63"),
]
PEERS = {"34": ("P34-01", "P34-02", "P34-08", "P34-20"), "63": ("P63-01", "P63-02", "P63-79")}


def _problems(view: object) -> list[str]:
    return [f"{c.key}: {p}" for c in parts(view) if isinstance(c, Chart) for p in check_figure(c.figure)]


# ---- the checker catches bad figures


def _titled(fig: go.Figure) -> go.Figure:
    fig.update_layout(title={"text": "A title"}, margin={"t": 80}, font={"size": 13})
    return fig


def test_a_clean_figure_passes() -> None:
    fig = _titled(go.Figure(go.Bar(x=["a", "b"], y=[50, 70], marker_color="#0072B2")))
    fig.update_yaxes(range=[0, 100])
    assert check_figure(fig) == []


def test_bars_outside_or_hanging_below_the_axis_are_caught() -> None:
    fig = _titled(go.Figure(go.Bar(x=["a", "b"], y=[85, 105], marker_color="#0072B2")))
    fig.update_yaxes(range=[60, 100])  # bars from 0 hang below a zoomed axis; 105 runs off the top
    problems = check_figure(fig)
    assert any("base" in p for p in problems) and any("end" in p for p in problems)
    whiskers = _titled(go.Figure(go.Scatter(x=[90], y=["a"], marker_color="#0072B2",
                                            error_x={"type": "data", "array": [15]})))  # fmt: skip
    whiskers.update_xaxes(range=[70, 100])
    assert any("whisker" in p for p in check_figure(whiskers))


def test_duplicate_labels_and_merged_bars_are_caught() -> None:
    cut = "Trang thiết bị phục vụ người dân, tổ chức tại Bộ phận tiếp…"
    merged = _titled(go.Figure(go.Bar(y=[cut, cut], x=[80, 85], orientation="h", marker_color="#0072B2")))
    assert any("same category twice" in p for p in check_figure(merged))
    ticks = _titled(go.Figure(go.Scatter(y=["item:a", "item:b"], x=[80, 85], marker_color="#0072B2")))
    ticks.update_yaxes(tickvals=["item:a", "item:b"], ticktext=["Same<br>name", "Same name"])
    assert any("duplicate category labels" in p for p in check_figure(ticks))
    ticks.update_yaxes(ticktext=["Name one", "Name two"])
    assert check_figure(ticks) == []


def test_legends_over_the_plot_and_black_or_default_bars_are_caught() -> None:
    fig = _titled(go.Figure([go.Bar(x=["a"], y=[1], name="A"), go.Bar(x=["a"], y=[2], name="B",
                                                                       marker_color="#000000")]))  # fmt: skip
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    problems = check_figure(fig)
    assert any("legend" in p for p in problems)
    assert any("default colour" in p for p in problems) and any("solid black" in p for p in problems)
    fig.update_layout(legend={"y": 0.5, "x": 0.5, "orientation": "v"})
    assert any("legend" in p for p in check_figure(fig))
    fig.update_layout(legend={"y": 1.0, "yanchor": "bottom", "x": 0, "orientation": "h"}, margin={"t": 40})
    assert any("top margin" in p for p in check_figure(fig))  # above the plot but no room under the title


def test_long_titles_small_fonts_top_labels_and_colliding_labels_are_caught() -> None:
    fig = go.Figure(go.Heatmap(z=[[1, 2]], x=["Một tên cột rất dài của bản đồ nhiệt", "Cột hai"], y=["r"]))
    fig.update_layout(title={"text": "Tiêu đề " * 20}, margin={"t": 70}, font={"size": 10})
    fig.update_xaxes(side="top", tickangle=-35)
    problems = check_figure(fig)
    assert any("title line too long" in p for p in problems)
    assert any("top margin" in p for p in problems)  # column labels at the top run over the title
    assert any("below 12 px" in p for p in problems)
    dots = _titled(go.Figure(go.Scatter(x=[1, 1.01], y=[1, 1.01], mode="markers", marker_color="#0072B2")))
    dots.update_xaxes(range=[0, 2])
    dots.update_yaxes(range=[0, 2])
    for x in (1, 1.01):
        dots.add_annotation(x=x, y=x, text="Một nhãn khá dài", ax=0, ay=-20)
    assert len(annotation_boxes(dots)) == 2
    assert any("labels overlap" in p for p in check_figure(dots))


def test_label_placement_avoids_collisions() -> None:
    points = [(100.0, 100.0, "Nhãn thứ nhất khá dài"), (105.0, 102.0, "Nhãn thứ hai khá dài"),
              (110.0, 98.0, "Nhãn thứ ba")]  # fmt: skip
    offsets = place_labels(points, 700, 400, [])
    assert len(set(offsets)) == 3


# ---- every chart of the three pages


@pytest.mark.parametrize(("lang", "year", "unit", "geo"), FILTERS)
def test_dimensions_charts(store_key, lang: str, year: int, unit: str, geo: str) -> None:
    filters = make_filters(lang, year, unit, geo)
    offered = dimensions.options(store_key, filters)
    problems = _problems(dimensions.build(store_key, filters))
    for element in offered.elements:
        problems += _problems(dimensions.build(store_key, filters, element=element))
    for breakdown in offered.breakdowns:
        problems += _problems(dimensions.build(store_key, filters, breakdown=breakdown, sort="name"))
    assert problems == []


@pytest.mark.parametrize(("lang", "year", "unit", "geo"), FILTERS)
def test_compare_charts(store_key, lang: str, year: int, unit: str, geo: str) -> None:
    filters = make_filters(lang, year, unit, geo)
    offered = compare.options(store_key, filters)
    peers = [u for u in PEERS[geo] if u in offered.units]
    problems = []
    for chosen in (tuple(peers[:2]), tuple(peers[:4]), offered.default):
        view = compare.build(store_key, filters, chosen=chosen)
        assert view.chart is not None
        problems += _problems(view)
    assert problems == []


@pytest.mark.parametrize(("lang", "year", "unit", "geo"), FILTERS)
def test_drivers_charts(store_key, lang: str, year: int, unit: str, geo: str) -> None:
    view = drivers.build(store_key, make_filters(lang, year, unit, geo))
    assert view.matrix is not None
    assert _problems(view) == []
