"""Unit profile (Hồ sơ đơn vị): any unit (province, district, commune, agency) with breadcrumbs up, its
indices, the criteria of one element, links down to its children and agencies, and its published figures.

The unit is `focus` (from `?focus=<unit id>`: the map and tables link here) when it is a known unit or the
nation, else the unit chosen in the sidebar. Figures are `analysis.engine.compute_indices` of the unit's own
level in the filters' year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from content import common, source, units
from content.filters import NATIONAL, Filters
from content.model import Link, Note, PageHeader, Table
from content.source import StoreKey
from i18n import fmt_pct, t

# unit level in the units table -> level of `analysis.engine` (a province's depends on its geography)
ENGINE_LEVELS = {"national": "national", "district": "district", "commune": "commune", "agency": "agency"}
SUMMARY_LEVELS = ("overall", "domain", "element")
PUBLISHED_COLUMNS = ["year", "index_code", "value_as_published", "rank", "measured_by", "source"]


@dataclass(frozen=True)
class ProfileOptions:
    """What the element box offers: the unit shown and its elements with figures (code -> name)."""

    unit_id: str
    elements: tuple[str, ...]
    element_labels: Mapping[str, str]


@dataclass
class ProfileContent:
    """Everything the profile shows."""

    header: PageHeader
    unit_id: str
    heading: str
    crumbs: list[Link] = field(default_factory=list)  # the nation, then the unit's parents and itself
    abolished: Note | None = None
    indices_title: str = ""
    no_survey: Note | None = None
    indices: Table | None = None
    indices_caption: Note | None = None
    criteria_title: Note | None = None
    criteria: Table | None = None
    children_title: str | None = None
    children_note: Note | None = None
    children: list[Link] = field(default_factory=list)  # sampled units below, with their overall index
    agencies_title: str | None = None
    agencies_note: Note | None = None
    agencies: list[Link] = field(default_factory=list)
    published_title: str | None = None
    published: Table | None = None
    facts: dict = field(default_factory=dict)


def engine_level(unit_id: str, level: str) -> str | None:
    """The `analysis.engine` level of a unit ('province' or 'province34' by its geography), None if none."""
    if level == "province":
        return "province" if unit_id.startswith("P63-") else "province34"
    return ENGINE_LEVELS.get(level)


def focus_unit(key: StoreKey, filters: Filters, focus: str | None) -> tuple[str, str]:
    """(unit id, engine level) of the unit to show: `focus` when it is the nation or a unit with an engine
    level, else the sidebar unit."""
    frame = source.units(key).set_index("unit_id")
    for unit_id in (focus, filters.unit_id):
        if unit_id == NATIONAL:
            return NATIONAL, "national"
        if unit_id in frame.index:
            level = engine_level(unit_id, str(frame.at[unit_id, "level"]))
            if level is not None:
                return unit_id, level
    return filters.unit_id, filters.unit_level


def _indices(key: StoreKey, filters: Filters, unit_id: str, level: str) -> pd.DataFrame:
    """Every index of the unit, labelled and in methodology order."""
    frame = common.results(key, filters, level=level)
    return common.label_indices(key, frame[frame["unit_id"] == unit_id], filters)


def _elements(frame: pd.DataFrame) -> dict[str, str]:
    """Element code -> name of the unit's element rows."""
    elements = frame[frame["index_level"] == "element"]
    return dict(zip(elements["index_code"], elements["index_name"], strict=True))


def options(key: StoreKey, filters: Filters, focus: str | None = None) -> ProfileOptions:
    """The element box of the unit `focus` (or the sidebar unit): its elements, in methodology order."""
    unit_id, level = focus_unit(key, filters, focus)
    names = _elements(_indices(key, filters, unit_id, level))
    return ProfileOptions(unit_id, tuple(names), names)


def _crumbs(key: StoreKey, filters: Filters, unit_id: str) -> list[Link]:
    """The nation, then every unit from the province down to `unit_id` (regions are not shown)."""
    frame = source.units(key).set_index("unit_id")
    trail = []
    cursor_id = unit_id
    while cursor_id in frame.index:
        trail.append(cursor_id)
        cursor_id = frame.at[cursor_id, "parent_id"]
    trail = [u for u in trail[::-1] if frame.at[u, "level"] not in ("region", "nation")]
    links = [Link(t("filters.national", filters.lang), NATIONAL)]
    return links + [Link("› " + units.unit_name(key, u, filters.lang), u) for u in trail]


def _below(key: StoreKey, filters: Filters, unit_id: str, out: ProfileContent) -> None:
    """Links to the sampled districts/communes below the unit (with their overall index) and its agencies."""
    lang = filters.lang
    frame = source.units(key)
    below = frame[frame["parent_id"] == unit_id].reset_index(drop=True)
    children = below[below["level"].isin(["district", "commune"])].copy()
    agencies = below[below["level"] == "agency"]
    name_col = "short_vi" if lang == "vi" else "name_en"
    if unit_id != NATIONAL and not children.empty:
        out.children_title = t("profile.children", lang, n=len(children))
        values = common.results(key, filters, level=children["level"].iloc[0])
        overall = values[values["index_code"] == "overall"].set_index("unit_id")
        children["value"] = children["unit_id"].map(overall["value"])
        children["n"] = children["unit_id"].map(overall["n"])
        sampled = children[children["n"].notna()]
        out.children_note = Note("caption", t("profile.children_sampled", lang, sampled=len(sampled),
                                              total=len(children)))  # fmt: skip
        out.facts |= {"children": len(children), "children_sampled": len(sampled),
                      "children_values": dict(zip(sampled["unit_id"], sampled["value"], strict=True))}  # fmt: skip
        for row in sampled.sort_values(name_col).itertuples():
            value = "" if pd.isna(row.value) else f" — {fmt_pct(row.value, lang)}"
            out.children.append(Link(f"{getattr(row, name_col)}{value}", row.unit_id))
    if not agencies.empty:
        out.agencies_title = t("profile.agencies", lang, n=len(agencies))
        out.agencies_note = Note("caption", t("profile.agencies_note", lang))
        out.agencies = [Link(str(getattr(row, name_col)), row.unit_id)
                        for row in agencies.sort_values(name_col).itertuples()]  # fmt: skip


def build(
    key: StoreKey, filters: Filters, focus: str | None = None, element: str | None = None
) -> ProfileContent:
    """The profile of `focus` (or the sidebar unit) in the filters' year, with the criteria of `element`
    (default: the unit's first element)."""
    lang = filters.lang
    unit_id, level = focus_unit(key, filters, focus)
    out = ProfileContent(
        header=common.header(filters, "profile.title", breaks=False),
        unit_id=unit_id,
        heading=units.unit_name(key, unit_id, lang),
        crumbs=_crumbs(key, filters, unit_id),
        indices_title=t("profile.indices", lang, year=filters.year),
        facts={"unit_id": unit_id, "level": level, "year": filters.year},
    )
    if unit_id.startswith("P63-") and filters.year >= 2025:
        out.abolished = Note("info", t("profile.abolished", lang))
    frame = _indices(key, filters, unit_id, level)
    summary = frame[frame["index_level"].isin(SUMMARY_LEVELS)]
    if summary.empty:
        out.no_survey = Note("info", t("profile.no_survey", lang))
    else:
        out.indices = Table("profile-indices", common.display_table(summary, lang, "index_name"))
        out.indices_caption = Note("caption", common.n_caption(filters, summary["n"].max()))
        out.facts |= {"values": dict(zip(summary["index_code"], summary["value"], strict=True)),
                      "n": summary["n"].max()}  # fmt: skip
        names = _elements(summary)
        if names:
            element = element if element in names else next(iter(names))
            labels = source.labels(key, filters.year)
            criteria_codes = set(labels.loc[labels["parent"] == element, "index_code"])
            criteria = frame[frame["index_code"].isin(criteria_codes)]
            out.criteria_title = Note("markdown", t("profile.criteria", lang, element=names[element]))
            out.criteria = Table("profile-criteria", common.display_table(criteria, lang, "index_name"))
            out.facts |= {"element": element}
    _below(key, filters, unit_id, out)
    published = source.published(key, None, unit_id)
    if not published.empty:
        out.published_title = t("profile.published", lang)
        source_col = t("table.source", lang)
        table = published[PUBLISHED_COLUMNS].rename(columns={"source": source_col}).reset_index(drop=True)
        out.published = Table("profile-published", table, links={source_col: ""})
    return out
