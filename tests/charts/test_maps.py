"""Map figures: payload budgets on the real layers, and the offline rules (no text on map traces, no geo
traces, the empty white-bg style)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from charts.maps import choropleth, symbols_over_outline
from geo.districts import district_layer, district_points
from geo.layers import island_points, province_layer, to_geojson

KB = 1024


def _frame(layer, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"unit_id": layer["unit_id"]})
    frame["value"] = rng.uniform(70, 95, len(frame))
    frame.loc[frame.index[:2], "value"] = np.nan  # two suppressed units
    frame["tier"] = rng.integers(1, 5, len(frame))
    frame["hover"] = [f"<b>{u}</b><br>84,50%<br>KTC 95%: 82,10–86,90<br>n = 612" for u in frame["unit_id"]]
    return frame


def _assert_offline(fig) -> None:
    for trace in fig.data:
        assert trace.type in ("choroplethmap", "scattermap"), trace.type  # never geo traces (CDN topojson)
        assert trace.text is None or trace.type == "choroplethmap", "text on a map trace fetches glyph fonts"
        if trace.type == "scattermap":
            assert "text" not in (trace.mode or "")
    assert fig.layout.map.style == "white-bg"


@pytest.mark.parametrize("version", ["63", "34"])
@pytest.mark.parametrize("mode", ["value", "tier", "diverging"])
def test_province_figure_within_budget_and_offline(version: str, mode: str) -> None:
    layer = province_layer(version)
    islands = island_points().assign(label=["Quần đảo Hoàng Sa (Đà Nẵng)", "Quần đảo Trường Sa (Khánh Hòa)"])
    fig = choropleth(
        to_geojson(layer), _frame(layer), title="Chỉ số", subtitle="2024", value_label="%",
        colour_mode=mode, midpoint=80.0, suppressed_hover="Không đủ mẫu", islands=islands,
    )  # fmt: skip
    _assert_offline(fig)
    assert len(fig.to_json()) < 400 * KB
    legend_names = {trace.name for trace in fig.data}
    assert {"Quần đảo Hoàng Sa (Đà Nẵng)", "Quần đảo Trường Sa (Khánh Hòa)", "Không đủ mẫu"} <= legend_names


def test_largest_district_figures_within_budget() -> None:
    sizes = {}
    for province in ("P63-01", "P63-38", "P63-79", "P63-40", "P63-56"):
        layer = district_layer(province)
        if layer is None:
            pytest.skip("district boundary folder not available")
        fig = choropleth(to_geojson(layer), _frame(layer), title="t", subtitle="s", value_label="%")
        _assert_offline(fig)
        sizes[province] = len(fig.to_json())
    assert max(sizes.values()) < 1024 * KB, sizes


def test_symbol_fallback_without_polygons() -> None:
    layer = province_layer("63")
    outline = to_geojson(layer[layer["unit_id"] == "P63-22"])  # Quảng Ninh: no district polygons shared
    points = district_points("P63-22").assign(value=85.0, n=100, hover="x")
    fig = symbols_over_outline(outline, points, title="t", subtitle="s", value_label="%")
    _assert_offline(fig)
    assert len(fig.data[1].lon) == len(points) > 5


def test_unknown_colour_mode_is_refused() -> None:
    layer = province_layer("63")
    with pytest.raises(ValueError):
        choropleth(
            to_geojson(layer), _frame(layer), title="", subtitle="", value_label="", colour_mode="rainbow"
        )


def test_each_trace_carries_only_its_own_features() -> None:
    layer = province_layer("63")
    fig = choropleth(
        to_geojson(layer), _frame(layer), title="", subtitle="", value_label="", colour_mode="tier"
    )
    drawn = [
        f["id"] for trace in fig.data if trace.type == "choroplethmap" for f in trace.geojson["features"]
    ]
    assert sorted(drawn) == sorted(layer["unit_id"])  # every province exactly once across the traces
