"""Nothing raw in what the pages show: every table header and text cell, metric, note and chart text of every
page's content object, in both languages, for the filter sets of the screen tests (tables are drawn on a
canvas in the browser, so this is where their text is checked)."""

from __future__ import annotations

import pandas as pd
import pytest

from content import (
    compare,
    data_catalogue,
    dimensions,
    drivers,
    methodology,
    overview,
    profile,
    trends,
)
from content import (
    map as map_page,
)
from content.model import Chart, Metric, Note, Table, parts
from tests.content.conftest import make_filters
from tests.e2e.screens import raw_findings

PAGES = (overview, map_page, trends, dimensions, profile, compare, drivers, data_catalogue, methodology)
FILTERS = {
    "vi-2020-national": ("vi", 2020, "VN", "63"),
    "vi-2025-hanoi": ("vi", 2025, "P34-01", "34"),
    "en-2024-hanoi63": ("en", 2024, "P63-01", "63"),
}


def texts_of(obj: object) -> list[str]:
    """The user-facing texts of a content object (link columns hold URLs and are left out)."""
    out: list[str] = []
    for part in parts(obj):
        if isinstance(part, Table):
            frame = part.frame.drop(columns=[c for c in part.links if c in part.frame.columns])
            out += [str(c) for c in frame.columns]
            for column in frame.columns:
                if not pd.api.types.is_numeric_dtype(frame[column]):
                    out += [str(v) for v in frame[column].dropna().unique()]
            out += [part.title] if part.title else []
        elif isinstance(part, Metric):
            out += [part.label, part.text, *([part.delta] if part.delta else [])]
        elif isinstance(part, Note):
            out.append(part.text)
        elif isinstance(part, Chart):
            layout = part.figure.layout
            out += [str(layout.title.text or ""), part.caption]
            out += [str(trace.name) for trace in part.figure.data if trace.name]
    return out


@pytest.mark.parametrize("case", list(FILTERS))
@pytest.mark.parametrize("module", PAGES, ids=lambda m: m.__name__.split(".")[-1])
def test_no_raw_text_in_content(store_key, module, case: str) -> None:
    lang, year, unit, geo = FILTERS[case]
    view = module.build(store_key, make_filters(lang, year, unit, geo))
    findings = raw_findings(texts_of(view), lang)
    assert not findings, f"{module.__name__} ({case}):\n  " + "\n  ".join(findings)
