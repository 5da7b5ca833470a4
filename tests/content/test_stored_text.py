"""Text from data is text: every page's content object, built from a database whose stored text is hostile
(`tests.content.hostile`: a published source, who measured it, the file name and importer, a unit's, an
element's and a criterion's name, a legal basis), carries that text escaped wherever the screen reads
markdown (notes, cards, titles, headings, link labels), escaped for HTML in every plotly text, as it is in
table cells (plain text on the screen), and never as a link unless it is a valid http(s) URL."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from content import compare, data_catalogue, dimensions, methodology, narrative, overview, profile, trends
from content import map as map_page
from content.model import Chart, Table
from content.source import StoreKey
from i18n import markup, t
from tests.content import hostile
from tests.content.conftest import make_filters

HANOI = hostile.UNIT


@pytest.fixture(scope="module")
def store(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> hostile.HostileStore:
    return hostile.build(demo_db_path, tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def key(store: hostile.HostileStore) -> StoreKey:
    path = store.db.resolve()
    return str(path), path.stat().st_mtime


def markdown_strings(obj: object, path: str = "") -> list[tuple[str, str]]:
    """(where, text) of every string a content object holds outside its tables, figures and raw facts (and
    the Dimensions page's `unit`, a plain name for its chart titles): what the screen renders through
    Streamlit's markdown (notes, cards, titles, headings, link labels)."""
    out: list[tuple[str, str]] = []
    if isinstance(obj, str):
        out.append((path, obj))
    elif isinstance(obj, Chart):
        out.append((f"{path}.caption", obj.caption))
    elif isinstance(obj, Table):
        out += [(f"{path}.title", obj.title)] if obj.title else []
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name not in ("facts", "unit_id", "methodology_id", "file_stem", "key", "focus", "unit"):
                out += markdown_strings(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, list | tuple):
        for k, item in enumerate(obj):
            out += markdown_strings(item, f"{path}[{k}]")
    return out


# figure keys whose strings plotly never draws (identifiers, the boundaries, data kept for clicks)
NOT_DRAWN = frozenset(
    {"geojson", "legendgroup", "customdata", "ids", "locations", "uid", "meta", "featureidkey"}
)


def figure_strings(figure: go.Figure) -> list[str]:
    """Every string plotly may draw from a figure (titles, names, tick texts, categories, annotations, hover
    texts)."""
    out: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in NOT_DRAWN:
                    walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(json.loads(figure.to_json()))
    return out


def charts(obj: object) -> list[Chart]:
    """Every chart of a content object."""
    found: list[Chart] = []
    if isinstance(obj, Chart):
        found.append(obj)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            found += charts(getattr(obj, f.name))
    elif isinstance(obj, list | tuple):
        for item in obj:
            found += charts(item)
    return found


def tables(obj: object) -> list[Table]:
    """Every table of a content object."""
    found: list[Table] = []
    if isinstance(obj, Table):
        found.append(obj)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            found += tables(getattr(obj, f.name))
    elif isinstance(obj, list | tuple):
        for item in obj:
            found += tables(item)
    return found


def live_fragments(text: str) -> list[str]:
    """The hostile fragments that stand in `text` with none of their characters escaped (an escaped
    character, '\\<', is taken out first: it is a literal character, not markup)."""
    bare = re.sub(r"\\.", "\x00", text)
    return [frag for frag in hostile.LIVE_MARKDOWN if frag in bare]


def assert_inert(obj: object) -> str:
    """No live markdown in the object's markdown strings, no live tag in its figures, only safe URLs in its
    link columns; returns all its markdown strings joined (for the checks that the text did arrive)."""
    strings = markdown_strings(obj)
    live = [(where, text) for where, text in strings if live_fragments(text)]
    assert not live, live
    for chart in charts(obj):
        tags = [s for s in figure_strings(chart.figure) for frag in hostile.LIVE_HTML if frag in s]
        assert not tags, (chart.key, tags[:3])
    for table in tables(obj):
        for column in table.links:
            if column == "profile":
                continue
            values = [v for v in table.frame[column] if v != ""]
            assert all(markup.safe_url(v) == v for v in values), (table.key, values)
            assert not any(hostile.EVIL in v for v in values), (table.key, values)
    return "\n".join(text for _, text in strings)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview(key: StoreKey, lang: str) -> None:
    view = overview.build(key, make_filters(lang, hostile.YEAR, HANOI))
    shown = assert_inert(view)
    assert markup.md(hostile.SOURCE) in "\n".join(n.text for n in view.published)  # the source, as text
    assert markup.md(hostile.UNIT_NAME) in view.heading and markup.md(hostile.UNIT_NAME) in (
        view.summary or ""
    )
    assert markup.md(hostile.UNIT_NAME) in shown
    titles = [str(c.figure.layout.title.text) for c in charts(view)]
    assert any(markup.html(hostile.UNIT_NAME) in title for title in titles)  # the unit in a chart title
    strings = [s for c in charts(view) for s in figure_strings(c.figure)]
    assert any(markup.html(hostile.UNIT_NAME) in s for s in strings)  # a category label of the ranking
    nation = overview.build(key, make_filters(lang, hostile.YEAR))  # the ranking tables: plain text cells
    assert_inert(nation)
    names = pd.concat([nation.top.frame, nation.bottom.frame]).iloc[:, 1].tolist()
    assert all("\\" not in n for n in names)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_profile(key: StoreKey, store: hostile.HostileStore, lang: str) -> None:
    filters = make_filters(lang, hostile.YEAR, HANOI)
    element = store.element_code
    view = profile.build(key, filters, element=element)
    assert_inert(view)
    assert view.heading == markup.md(hostile.UNIT_NAME)
    assert markup.md(hostile.UNIT_NAME) in view.crumbs[-1].label
    assert markup.md(hostile.ELEMENT_NAME) in view.criteria_title.text
    published = view.published.frame
    source, link = t("table.source", lang), t("table.source_link", lang)
    mine = published[published[source] == hostile.SOURCE]  # as typed: a table cell is plain text
    assert len(mine) == 1 and mine[link].tolist() == [""]  # not a URL: no link
    assert mine[t("profile.pub_measured_by", lang)].tolist() == [hostile.MEASURED_BY]
    linked = published[published[link] != ""]  # the vendored sources are URLs: links, not text
    assert not linked.empty and (linked[source] == "").all()
    assert view.published.links == {link: ""}
    criteria = view.criteria.frame[t("table.name", lang)].tolist()
    assert hostile.ITEM_NAME in criteria  # plain text in the table
    benchmark = figure_strings(view.benchmark.figure)
    assert any(markup.html(hostile.ELEMENT_NAME).split("&lt;")[0] in s for s in benchmark)


def test_published_links_are_valid_urls_only(key: StoreKey) -> None:
    """The valid URL becomes a link (and only a link); javascript:, credentials and free text stay text."""
    view = data_catalogue.build(key, make_filters("vi", hostile.YEAR))
    assert_inert(view)
    frame = view.published.frame
    source, link = t("table.source", "vi"), t("table.source_link", "vi")
    mine = frame[frame[t("data.pub.measured_by", "vi")] == hostile.MEASURED_BY]  # as typed
    expected = [("", s) if s == hostile.VALID_URL else (s, "") for _, _, _, s in hostile.ROWS]
    assert sorted(zip(mine[source], mine[link], strict=True)) == sorted(expected)
    assert set(view.published.links) == {"profile", link}
    first = view.history.frame.iloc[0]
    assert first[t("data.log.file", "vi")] == hostile.FILE_NAME  # as typed
    assert first[t("data.log.who", "vi")] == hostile.IMPORTED_BY


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_other_pages(key: StoreKey, store: hostile.HostileStore, lang: str) -> None:
    filters = make_filters(lang, hostile.YEAR, HANOI)
    views = {
        "map": map_page.build(key, filters),
        "trends": trends.build(key, filters, peers=("P63-79",)),
        "compare": compare.build(key, filters, chosen=(HANOI, "P63-79")),
        "dimensions": dimensions.build(key, filters, element=store.element_code),
        "methodology": methodology.build(key, filters),
    }
    for view in views.values():
        assert_inert(view)
    entry = next(e for e in views["methodology"].methodologies if e.expanded)
    assert markup.md(hostile.LEGAL_BASIS) in entry.status.text
    lines = figure_strings(views["trends"].lines.figure)
    assert any(markup.html(hostile.UNIT_NAME) in s for s in lines)  # title, legend and hover: escaped
    criteria = figure_strings(views["dimensions"].criteria.figure)
    assert any(markup.html(hostile.ITEM_NAME)[:20] in s for s in criteria)
    assert hostile.UNIT_NAME in views["map"].pick_labels.values()  # a select box's options are plain text


def test_narrative_escapes_names() -> None:
    facts = {"unit": hostile.UNIT_NAME, "year": 2024, "value": 81.0, "ci_low": 79.0, "ci_high": 83.0,
             "weakest_element": hostile.ELEMENT_NAME, "weakest_value": 70.0}  # fmt: skip
    for lang in ("vi", "en"):
        text = narrative.summary_paragraph(facts, lang)
        assert markup.md(hostile.UNIT_NAME) in text and markup.md(hostile.ELEMENT_NAME) in text
        assert not live_fragments(text)
