"""The slides of a briefing pack, taken from the page content objects (no Streamlit, nothing computed here).

`build(key, filters)` builds (or takes from the content cache) the Overview, Trends, Map, Profile, Drivers
and Methodology objects the pages show for the same filters and lays their parts out as slides:

1. title: unit, year, date, and the page notices (demo data, re-aggregation, the 2022 change);
2. key results: the Overview's cards (index, interval, n, gap to the 80% target), the change verdict,
   the rank with its interval and the published figure with its source;
3. the trend with both breaks marked (Trends); 4. the map with the unit outlined (Map);
5. elements against the nation and the leading province (Profile; the Overview's elements for the nation);
6. strongest and weakest criteria (Overview tables); 7. the key-driver matrix, then its advice (Drivers);
8. the summary paragraph (Overview); 9. method and sources.

Every number and sentence on a slide is a string of those objects, or a line of the briefing catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from briefing.images import Stamp
from content import cache, common, units
from content import drivers as drivers_page
from content import map as map_page
from content import methodology as methodology_page
from content import overview as overview_page
from content import profile as profile_page
from content import trends as trends_page
from content.filters import Filters
from content.model import Chart, Metric, Note, Table
from content.source import StoreKey
from i18n import t

Progress = Callable[[float, str], None]


@dataclass
class Slide:
    """One slide: a title, KPI cards, sentences (notes), a chart and tables, all from content objects."""

    key: str
    title: str
    metrics: list[Metric] = field(default_factory=list)
    lines: list[Note] = field(default_factory=list)
    chart: Chart | None = None
    tables: list[Table] = field(default_factory=list)


@dataclass
class Pack:
    """A briefing pack: its title page, slides and the footer every page carries."""

    lang: str
    year: int
    unit_id: str
    unit: str
    title: str
    subtitle: str
    made_on: str
    notices: list[Note]
    slides: list[Slide]
    footer: str
    demo: str | None  # the demo-data stamp, when the data are generated
    stamp: Stamp
    file_stem: str

    def charts(self) -> list[Chart]:
        """The charts of the pack, in slide order."""
        return [slide.chart for slide in self.slides if slide.chart is not None]


def stamp_for(key: StoreKey, filters: Filters) -> Stamp:
    """What an exported chart says about itself: the unit's name, the year (re-aggregated when so), and the
    demo stamp for generated data."""
    year = str(filters.year)
    if filters.reaggregated:
        year += f" ({t('filters.reaggregated_label', filters.lang)})"
    demo = t("briefing.demo_stamp", filters.lang) if filters.data_kind == "generated" else None
    return Stamp(units.unit_name(key, filters.unit_id, filters.lang), year, demo)


def _headline(overview: overview_page.OverviewContent, lang: str) -> Slide:
    slide = Slide("headline", t("briefing.slide_headline", lang))
    slide.metrics = list(overview.metrics)
    slide.lines = [*overview.verdict, *([overview.rank] if overview.rank else []), *overview.published]
    if overview.no_data is not None:
        slide.lines.insert(0, overview.no_data)
    return slide


def _method(key: StoreKey, filters: Filters, overview: overview_page.OverviewContent) -> Slide:
    lang = filters.lang
    method = cache.page(methodology_page.build, key, filters)
    slide = Slide("method", t("briefing.slide_method", lang))
    entry = next((m for m in method.methodologies if m.methodology_id == filters.methodology_id), None)
    if entry is not None:
        slide.lines += [Note("markdown", t("briefing.methodology_line", lang, year=filters.year, name=entry.title)),
                        entry.status]  # fmt: skip
    slide.lines += [Note("markdown", t("briefing.reliability_rule", lang)),
                    Note("markdown", t("briefing.breaks_line", lang)), *overview.published,
                    Note("caption", source_line(filters))]  # fmt: skip
    return slide


def source_line(filters: Filters) -> str:
    """The source of the pack's survey figures."""
    if filters.data_kind == "generated":
        return t("briefing.source_generated", filters.lang)
    return t("briefing.source_survey", filters.lang, year=filters.year)


def build(
    key: StoreKey, filters: Filters, progress: Progress | None = None, today: dt.date | None = None
) -> Pack:
    """The pack for the filters' unit and year, from the content objects of the pages (content cache)."""
    lang = filters.lang
    report = progress or (lambda fraction, text: None)
    report(0.0, t("briefing.step_content", lang))
    overview = cache.page(overview_page.build, key, filters)
    trends = cache.page(trends_page.build, key, filters, index_code="overall", peers=())
    report(0.05, t("briefing.step_content", lang))
    mapped = cache.page(
        map_page.build, key, filters, index_code="overall", mode="value", level_choice="province"
    )
    profile = cache.page(profile_page.build, key, filters, focus=None, element=None)
    report(0.1, t("briefing.step_content", lang))
    drivers = cache.page(drivers_page.build, key, filters, min_n=drivers_page.minimum_n())
    report(0.2, t("briefing.step_content", lang))
    unit = units.unit_name(key, filters.unit_id, lang)
    date = (today or dt.date.today()).strftime("%d/%m/%Y")
    demo = t("briefing.demo_stamp", lang) if filters.data_kind == "generated" else None

    slides = [_headline(overview, lang)]
    slides.append(
        Slide("trend", t("briefing.slide_trend", lang), lines=list(trends.notes), chart=trends.lines)
    )
    slides.append(Slide("map", t("briefing.slide_map", lang), chart=mapped.map,
                        lines=[n for n in (mapped.no_polygons, mapped.footer) if n is not None]))  # fmt: skip
    if profile.benchmark is not None:
        elements = Slide("elements", t("briefing.slide_elements", lang), chart=profile.benchmark,
                         lines=[n for n in (profile.benchmark_note,) if n is not None])  # fmt: skip
    else:
        elements = Slide("elements", t("briefing.slide_elements", lang), chart=overview.elements)
    slides.append(elements)
    criteria = Slide("criteria", overview.items_title or t("briefing.slide_criteria", lang))
    criteria.tables = [table for table in (overview.items_top, overview.items_bottom) if table is not None]
    slides.append(criteria)
    stops = [n for n in (drivers.stop, drivers.subsample) if n is not None]
    slides.append(Slide("drivers", t("briefing.slide_drivers", lang), chart=drivers.matrix, lines=stops))
    if drivers.advice:
        slides.append(Slide("advice", drivers.advice_title or t("briefing.slide_drivers", lang),
                            lines=list(drivers.advice)))  # fmt: skip
    summary = [Note("markdown", overview.summary)] if overview.summary else []
    if profile.reliability is not None:
        summary.insert(0, profile.reliability)
    slides.append(
        Slide("summary", overview.summary_title or t("briefing.slide_summary", lang), lines=summary)
    )
    slides.append(_method(key, filters, overview))
    for slide in slides:  # a section without figures for these filters says so instead of staying blank
        if not (slide.metrics or slide.lines or slide.chart or slide.tables):
            slide.lines = [Note("caption", t("briefing.empty", lang))]
    return Pack(
        lang=lang,
        year=filters.year,
        unit_id=filters.unit_id,
        unit=unit,
        title=t("briefing.pack_title", lang, year=filters.year, unit=unit),
        subtitle=t("briefing.pack_subtitle", lang),
        made_on=t("briefing.made_on", lang, date=date),
        notices=list(overview.header.notices),
        slides=slides,
        footer=t("briefing.footer", lang, source=source_line(filters), date=date),
        demo=demo,
        stamp=stamp_for(key, filters),
        file_stem=common.slug(f"sipas-briefing-{filters.year}-{filters.unit_id}-{lang}"),
    )
