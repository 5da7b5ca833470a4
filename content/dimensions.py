"""Dimensions (Yếu tố & tiêu chí): domains, elements and criteria of the chosen unit, the chosen unit by
respondent group (sex, age, ethnicity, …) and a province × element heatmap of the current geography.

Every figure is an index of `analysis.engine.compute_indices` (value = weighted share satisfied, %, with its
95% CI, n and Kish's n_eff); by group: the same estimator within each respondent group. Groups and cells with
fewer than 30 respondents are suppressed by the engine (value NaN, flag 'suppressed'). Heatmap order: by the
overall index, highest first (suppressed last), or by the folded Vietnamese name (`reference.units.fold`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from charts.dimensions import component_dots, criteria_dots, group_dots, unit_heatmap
from content import common, source, units
from content.filters import Filters
from content.model import Chart, Note, PageHeader, Table
from content.source import StoreKey
from i18n import catalogue, fmt_number, has, markup, t
from reference.units import fold

BREAKDOWNS = ("sex", "age_group", "ethnicity", "education", "area", "service_field", "channel")
SORTS = ("overall", "name")
SUMMARY_LEVELS = ("overall", "domain", "element")
DATA_COLUMNS = ["index_code", "index_name", "value", "ci_low", "ci_high", "n", "n_eff", "n_valid", "flags"]


@dataclass(frozen=True)
class DimensionsOptions:
    """What the four widgets offer (codes, and code -> display name in the filters' language), and whether the
    unit's sections (element and breakdown widgets) and the heatmap (its sort radio) are shown at all."""

    has_results: bool  # the chosen unit has results: elements, criteria and breakdown sections
    elements: tuple[str, ...]  # element codes of the unit, in catalogue position order
    element_labels: Mapping[str, str]
    breakdowns: tuple[str, ...]
    breakdown_labels: Mapping[str, str]
    indices: tuple[str, ...]  # overall, domains and elements of the unit (the breakdown's index)
    index_labels: Mapping[str, str]
    has_heatmap: bool
    sorts: tuple[str, ...]
    sort_labels: Mapping[str, str]


@dataclass
class DimensionsContent:
    """Everything the Dimensions page shows."""

    header: PageHeader
    unit: str  # display name of the chosen unit, as stored (plain text: it goes into chart titles only)
    element: str | None = None  # the choices the object was built for (None: not offered)
    breakdown: str | None = None
    index_code: str | None = None
    sort: str | None = None
    no_results: Note | None = None
    elements: Chart | None = None
    items_title: str | None = None
    criteria: Chart | None = None
    items: Table | None = None
    breakdown_title: str | None = None
    breakdown_no_data: Note | None = None
    groups: Chart | None = None
    suppressed: Note | None = None  # the groups hidden for too few respondents
    breakdown_table: Table | None = None
    heatmap_title: str | None = None
    heatmap_no_data: Note | None = None
    heatmap: Chart | None = None
    facts: dict = field(default_factory=dict)  # raw numbers: criteria, groups, heatmap rows


def group_label(breakdown: str, code: object, lang: str) -> str:
    """Display name of a respondent-group code, e.g. ('sex', 'female') -> 'Nữ'."""
    if code is None or pd.isna(code) or str(code) == "":
        return t("dimensions.groups.unknown", lang)
    key = f"dimensions.groups.{breakdown}.{code}"
    return t(key, lang) if has(key, lang) else str(code)


def group_order(breakdown: str, lang: str) -> list[str]:
    """Group codes in catalogue order (the questionnaire's order)."""
    prefix = f"dimensions.groups.{breakdown}."
    return [key[len(prefix) :] for key in catalogue(lang) if key.startswith(prefix)]


def _hover(row: pd.Series, lang: str, name: str) -> str:
    """Hover text of one figure (`content.common.hover`) with its reliability flag when it is not reliable."""
    text = common.hover(row, lang, name)
    level = common.reliability_of(row)
    if level in ("caution", "unreliable"):
        text += "<br>" + t("dimensions.reliability_hover", lang, flag=common.reliability_text(row, lang))
    return text


def _unit_frame(key: StoreKey, filters: Filters) -> pd.DataFrame:
    """Indices of the chosen unit (or the nation), labelled and in catalogue order."""
    return common.label_indices(key, common.unit_rows(key, filters), filters)


def _heatmap_frame(key: StoreKey, filters: Filters) -> pd.DataFrame:
    """Overall, domain and element indices of every province of the filters' level, labelled."""
    frame = common.results(key, filters).rename(columns={"label": "unit_label"})
    frame = common.label_indices(key, frame, filters)
    return frame[frame["index_level"].isin(SUMMARY_LEVELS)]


def _names(frame: pd.DataFrame, levels: tuple[str, ...]) -> dict[str, str]:
    """Index code -> name of the rows at `levels`, in the frame's (catalogue) order."""
    rows = frame[frame["index_level"].isin(levels)]
    return dict(zip(rows["index_code"], rows["index_name"], strict=True))


def options(key: StoreKey, filters: Filters) -> DimensionsOptions:
    """The element select box (the unit's elements), the breakdowns, the breakdown's index (the unit's overall,
    domain and element indices) and the heatmap sort, with their display names."""
    lang = filters.lang
    frame = _unit_frame(key, filters)
    elements = _names(frame, ("element",))
    indices = _names(frame, SUMMARY_LEVELS)
    allowed = source.sees_detail(key, filters.scope, filters.unit_id)  # breakdowns: signed in, granted unit
    return DimensionsOptions(
        has_results=not frame.empty,
        elements=tuple(elements),
        element_labels=MappingProxyType(elements),
        breakdowns=BREAKDOWNS if allowed else (),
        breakdown_labels=MappingProxyType({b: t(f"dimensions.breakdowns.{b}", lang) for b in BREAKDOWNS}),
        indices=tuple(indices),
        index_labels=MappingProxyType(indices),
        has_heatmap=not _heatmap_frame(key, filters).empty,
        sorts=SORTS,
        sort_labels=MappingProxyType({s: t(f"dimensions.sort_{s}", lang) for s in SORTS}),
    )


def _pick(choice: str | None, offered: tuple[str, ...] | list[str]) -> str | None:
    """The chosen option, or the first one (the widget's default) when none (or one not offered) is given."""
    if choice in offered:
        return choice
    return offered[0] if offered else None


def _elements(key: StoreKey, filters: Filters, frame: pd.DataFrame, element: str | None,
              out: DimensionsContent) -> None:  # fmt: skip
    """Bars of domains and elements with CIs, then the criteria (items) of the chosen element."""
    lang = filters.lang
    parts = frame[frame["index_level"].isin(["domain", "element"])].copy()
    parts["label"] = parts["index_name"]
    parts["hover"] = [_hover(r, lang, r["index_name"]) for _, r in parts.iterrows()]
    parts["hollow"] = [common.reliability_of(r) == "unreliable" for _, r in parts.iterrows()]
    figure = component_dots(parts, t("dimensions.chart_title", lang, unit=out.unit, year=filters.year),
                            t("dimensions.chart_subtitle", lang), t("common.index_pct", lang),
                            t("common.target_80", lang), lang=lang)  # fmt: skip
    out.elements = common.chart("dimensions-elements", figure, parts[DATA_COLUMNS],
                                common.n_caption(filters, parts["n"].max()), filters)  # fmt: skip
    out.items_title = t("dimensions.items_title", lang)
    names = _names(parts, ("element",))
    out.element = element = _pick(element, list(names))
    if element is None:
        return
    parent = source.labels(key, filters.year).set_index("index_code")["parent"]
    items = frame[frame["index_level"] == "item"].copy()
    items["parent"] = items["index_code"].map(parent)
    items = items[items["parent"] == element]
    items["label"] = items["index_name"]
    items["hover"] = [_hover(r, lang, r["index_name"]) for _, r in items.iterrows()]
    items["hollow"] = [common.reliability_of(r) == "unreliable" for _, r in items.iterrows()]
    title = t("dimensions.criteria_title", lang, element=names[element], unit=out.unit, year=filters.year)
    figure = criteria_dots(items, title, t("dimensions.criteria_subtitle", lang), t("common.index_pct", lang),
                           t("common.suppressed", lang), t("common.target_80", lang), lang)  # fmt: skip
    out.criteria = common.chart("dimensions-criteria", figure, items[DATA_COLUMNS],
                                common.n_caption(filters, items["n"].max()), filters)  # fmt: skip
    out.items = Table("dimensions-items", common.display_table(items, lang, "index_name"))
    out.facts["criteria"] = items[DATA_COLUMNS].reset_index(drop=True)


def _breakdown(key: StoreKey, filters: Filters, frame: pd.DataFrame, breakdown: str | None,
               index_code: str | None, out: DimensionsContent) -> None:  # fmt: skip
    """The chosen unit (or the nation) by one respondent characteristic: bars with CIs and n per group."""
    lang = filters.lang
    out.breakdown_title = t("dimensions.breakdown_header", lang)
    if not source.sees_detail(key, filters.scope, filters.unit_id):
        out.breakdown_no_data = Note("info", t("dimensions.breakdown_signin" if filters.scope.is_public
                                               else "dimensions.breakdown_other", lang))  # fmt: skip
        return
    out.breakdown = breakdown = _pick(breakdown, BREAKDOWNS)
    names = _names(frame, SUMMARY_LEVELS)
    out.index_code = index_code = _pick(index_code, list(names))
    groups = source.indices(key, filters.year, filters.unit_level, breakdown, scope=filters.scope)
    groups = groups[(groups["unit_id"] == filters.unit_id) & (groups["index_code"] == index_code)].copy()
    if groups.empty:
        out.breakdown_no_data = Note("info", t("common.no_data", lang))
        return
    order = {code: k for k, code in enumerate(group_order(breakdown, lang))}
    groups["order"] = groups["grp"].map(lambda g: order.get(g, len(order)))
    groups = groups.sort_values(["order", "grp"])
    groups["label"] = groups["grp"].map(lambda g: group_label(breakdown, g, lang))
    groups["n_text"] = groups["n"].map(lambda n: f"n = {fmt_number(n, lang, 0)}")
    groups["hover"] = [_hover(r, lang, r["label"]) for _, r in groups.iterrows()]
    groups["hollow"] = [common.reliability_of(r) == "unreliable" for _, r in groups.iterrows()]
    breakdown_name = t(f"dimensions.breakdowns.{breakdown}", lang)
    title = t("dimensions.breakdown_title", lang, index=names[index_code], breakdown=breakdown_name,
              unit=out.unit, year=filters.year)  # fmt: skip
    figure = group_dots(groups, title, t("dimensions.breakdown_subtitle", lang), t("common.index_pct", lang),
                        t("common.suppressed", lang), t("common.target_80", lang), index_code, lang)  # fmt: skip
    data = groups[["grp", "label", "value", "ci_low", "ci_high", "n", "n_eff", "flags"]]
    out.groups = common.chart("dimensions-groups", figure, data, common.n_caption(filters, groups["n"].sum()),
                              filters)  # fmt: skip
    hidden = groups[groups["flags"].map(common.is_suppressed)]
    if not hidden.empty:
        text = t("dimensions.breakdown_suppressed", lang, groups=", ".join(map(markup.md, hidden["label"])))
        out.suppressed = Note("warning", text)
    table = common.display_table(groups, lang, "label")
    table = table.rename(columns={t("table.name", lang): t("dimensions.group_column", lang)})
    out.breakdown_table = Table("dimensions-breakdown-table", table)
    out.facts["groups"] = data.reset_index(drop=True)


def heatmap_order(values: pd.DataFrame, sort: str) -> list[str]:
    """Row order of the heatmap: by the overall index, highest first (NaN last), or by folded name."""
    if sort == "overall":
        return list(values["overall"].sort_values(ascending=False, na_position="last").index)
    return sorted(values.index, key=fold)


def _heatmap(key: StoreKey, filters: Filters, sort: str | None, out: DimensionsContent) -> None:
    """All provinces of the current geography × overall, domains and elements; colour = value."""
    lang = filters.lang
    out.heatmap_title = t("dimensions.heatmap_header", lang)
    frame = _heatmap_frame(key, filters)
    if frame.empty:
        out.heatmap_no_data = Note("info", t("common.no_data", lang))
        return
    out.sort = sort = _pick(sort, SORTS)
    codes = list(dict.fromkeys(frame.sort_values("position")["index_code"]))
    columns = {c: frame.loc[frame["index_code"] == c, "index_name"].iloc[0] for c in codes}
    values = frame.pivot_table(index="unit_label", columns="index_code", values="value", dropna=False)
    values = values.reindex(columns=codes)
    values = values.loc[heatmap_order(values, sort)]
    hovers = {
        (u, c): _hover(row, lang, f"{u} — {row['index_name']}")
        for (u, c), row in frame.set_index(["unit_label", "index_code"]).iterrows()
    }
    hover = pd.DataFrame([[hovers.get((u, c), "") for c in codes] for u in values.index],
                         index=values.index, columns=codes)  # fmt: skip
    title = t("dimensions.heatmap_title", lang, count=len(values), year=filters.year)
    figure = unit_heatmap(values, hover, title, t("dimensions.heatmap_subtitle", lang),
                          t("common.index_pct", lang), lang, column_names=columns)  # fmt: skip
    data = frame[["unit_id", "unit_label", *DATA_COLUMNS]]
    out.heatmap = common.chart("dimensions-heatmap", figure, data, common.n_caption(filters, None), filters)
    out.facts["heatmap_rows"] = list(values.index)


def build(
    key: StoreKey,
    filters: Filters,
    element: str | None = None,
    breakdown: str | None = None,
    index_code: str | None = None,
    sort: str | None = None,
) -> DimensionsContent:
    """The Dimensions page of the chosen unit (or the nation) in the filters' year. Each choice is a code
    offered by `options` (element, breakdown, index of the breakdown, heatmap sort); None (or a code not
    offered) means the first option, as the widget's default."""
    lang = filters.lang
    out = DimensionsContent(
        header=common.header(filters, "dimensions.title"),
        unit=units.unit_name(key, filters.unit_id, lang),
        facts={"unit_id": filters.unit_id, "year": filters.year},
    )
    frame = _unit_frame(key, filters)
    if frame.empty:
        out.no_results = Note("info", t("dimensions.no_results", lang))
    else:
        _elements(key, filters, frame, element, out)
        _breakdown(key, filters, frame, breakdown, index_code, out)
    _heatmap(key, filters, sort, out)
    return out
