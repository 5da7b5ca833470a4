"""A briefing pack says exactly what the pages say: every sentence and number read back from the PPTX is a
string of the content objects the pages show for the same filters (or a line of the briefing catalogue),
and the headline figures of the Overview are all on the slides."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation

from access.scope import ADMIN
from briefing import build, pack, text
from content import cache
from content import drivers as drivers_page
from content import map as map_page
from content import overview as overview_page
from content import profile as profile_page
from content import trends as trends_page
from content.cells import cell_texts
from content.filters import Filters
from content.model import Metric, Note, Table, parts
from content.selection import filters_for
from content.source import StoreKey
from i18n import t
from tests.briefing.conftest import TODAY


def _slide_texts(data: bytes) -> list[str]:
    """Every paragraph and table cell of every slide, as text."""
    deck = Presentation(io.BytesIO(data))
    found = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                found += [p.text for p in shape.text_frame.paragraphs if p.text.strip()]
            if shape.has_table:
                found += [cell.text for row in shape.table.rows for cell in row.cells]
    return found


def _screen_strings(key: StoreKey, filters: Filters) -> set[str]:
    """Every string the pages show for these filters (the same builders and choices as the views)."""
    objects = [
        overview_page.build(key, filters),
        trends_page.build(key, filters, index_code="overall", peers=()),
        map_page.build(key, filters),
        profile_page.build(key, filters),
        drivers_page.build(key, filters, min_n=drivers_page.minimum_n()),
    ]
    strings: set[str] = set()
    for obj in objects:
        for part in parts(obj):
            if isinstance(part, Note):
                strings |= {line.text.removeprefix("• ") for line in text.lines(part.text)}
            elif isinstance(part, Metric):
                strings |= {part.label, part.text, part.delta or ""}
            elif isinstance(part, Table):
                strings |= {part.title or "", *map(str, part.frame.columns)}
                strings |= set(cell_texts(part.frame, filters.lang).to_numpy().ravel().tolist())
        for name in ("heading", "summary", "summary_title", "items_title", "advice_title"):
            value = getattr(obj, name, None)
            if isinstance(value, str):
                strings |= {line.text for line in text.lines(value)}
    return strings


CASES = [("vi", 2024, "P63-01"), ("en", 2025, "P34-79")]


@pytest.mark.parametrize(("lang", "year", "unit"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_every_slide_text_is_a_screen_text(store_key: StoreKey, lang: str, year: int, unit: str) -> None:
    filters = filters_for(store_key, lang, year, unit, scope=ADMIN)
    cache.clear()  # the pack builds its objects itself; the screen's are built again, independently
    data, built = build.make(store_key, filters, "pptx", today=TODAY)
    shown = _slide_texts(data)
    screen = _screen_strings(store_key, filters)
    catalogue = {
        built.title, built.subtitle, built.made_on, built.footer, built.demo or "", pack.source_line(filters),
        *(slide.title for slide in built.slides),
        *(t("briefing.page", lang, page=p, pages=len(built.slides) + 1) for p in range(1, len(built.slides) + 2)),
        t("briefing.reliability_rule", lang), t("briefing.breaks_line", lang), t("briefing.empty", lang),
    }  # fmt: skip
    method = {line.text for slide in built.slides if slide.key == "method" for n in slide.lines
              for line in text.lines(n.text)}  # fmt: skip
    unexplained = [s for s in shown if s.removeprefix("• ") not in screen | catalogue | method]
    assert unexplained == []
    overview = overview_page.build(store_key, filters)
    assert [m.label for m in overview.metrics][-1] == t("overview.kpi_gap", lang)
    for metric in overview.metrics:  # the headline cards (index, CI, n, gap to 80%), number for number
        assert metric.text in shown and (metric.delta is None or metric.delta in shown)
    for note in [*overview.verdict, overview.rank]:
        if note is not None:
            assert all(line.text in shown for line in text.lines(note.text))
    assert all(line.text in shown for line in text.lines(overview.summary))
    assert built.title in shown and (built.demo in shown)  # demo data is labelled on every slide
    assert sum(1 for s in shown if s == built.demo) == len(built.slides)  # every page after the title page


def test_pack_slides_follow_the_issue(store_key: StoreKey, hanoi_2024: Filters) -> None:
    built = pack.build(store_key, hanoi_2024, today=TODAY)
    keys = [slide.key for slide in built.slides]
    assert keys == [
        "headline",
        "trend",
        "map",
        "elements",
        "criteria",
        "drivers",
        "advice",
        "summary",
        "method",
    ]
    charts = {slide.key: slide.chart.key for slide in built.slides if slide.chart is not None}
    assert charts == {"trend": "trends-lines", "map": "map-provinces", "elements": "profile-benchmark",
                      "drivers": "drivers-matrix"}  # fmt: skip
    trend = next(s for s in built.slides if s.key == "trend").chart
    breaks = sorted(
        s.x0 for s in trend.figure.layout.shapes if s.type == "line" and s.x0 == s.x1 and s.x0 > 2000
    )
    assert breaks == [2021.5, 2024.5]  # the 2022 methodology change and 1 July 2025, both marked
    assert built.demo == t("briefing.demo_stamp", "vi")
    assert built.file_stem == "sipas-briefing-2024-p63-01-vi"
