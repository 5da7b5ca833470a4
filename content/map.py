"""Map (Bản đồ): the chosen index by province, or by district/commune inside a province, drawn offline.

Each unit's hover gives its value, 95% CI, n, its rank with the 95% simulation interval
(`analysis.engine.ranks`, or among the units of the province for the level below) and the change versus the
previous wave (`analysis.change.year_over_year`, Benjamini–Hochberg across the units shown). Colour modes:
the value, the quartile tier of the rank, or diverging around the 80% target or the national value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from charts.maps import choropleth, symbols_over_outline
from content import common, geo, source, units
from content.filters import NATIONAL, Filters
from content.model import Chart, Note, PageHeader, Table
from content.source import StoreKey
from i18n import fmt_number, fmt_signed, markup, t

MODES = ("value", "tier", "target", "national")
COLOUR_MODE = {"value": "value", "tier": "tier", "target": "diverging", "national": "diverging"}
TARGET = 80.0
INDEX_LEVELS = ("overall", "domain", "element", "item")
PROVINCE_COLUMNS = [
    "unit_id",
    "label",
    "value",
    "ci_low",
    "ci_high",
    "n",
    "rank",
    "rank_low",
    "rank_high",
    "flags",
]
BELOW_COLUMNS = ["unit_id", "label", "value", "ci_low", "ci_high", "n", "flags"]


@dataclass(frozen=True)
class MapOptions:
    """What the three widgets offer: the indices (code -> name), the colour modes and the levels."""

    indices: tuple[str, ...]
    index_labels: Mapping[str, str]
    modes: tuple[str, ...]
    mode_labels: Mapping[str, str]
    levels: tuple[str, ...]  # ('province',) or ('province', 'below') when a province is chosen
    level_labels: Mapping[str, str]
    level_note: str | None = None  # why the level below is not offered to this viewer (sign in / not granted)


@dataclass
class MapContent:
    """Everything the Map page shows."""

    header: PageHeader
    map: Chart
    ranking: Table | None = None  # the units of the map by value, beside it
    no_polygons: Note | None = None  # the units below are drawn as symbols (shown above the map)
    pick: tuple[str, ...] = ()  # units of the map in the order of their names (the "open a profile" box)
    pick_labels: dict[str, str] = field(default_factory=dict)
    footer: Note | None = None  # the islands and how many units are on the map
    facts: dict = field(default_factory=dict)


def _index_labels(key: StoreKey, filters: Filters) -> dict[str, str]:
    """Index code -> name of the wave's overall, domain, element and item indices, in methodology order."""
    labels = common.label_indices(key, pd.DataFrame({"index_code": source.labels(key, filters.year)["index_code"]}),
                                  filters)  # fmt: skip
    labels = labels[labels["index_level"].isin(INDEX_LEVELS)]
    return dict(zip(labels["index_code"], labels["index_name"], strict=True))


def options(key: StoreKey, filters: Filters) -> MapOptions:
    """The index box, the colour modes and the levels (the level below only for a province of the wave's own
    geography: a re-aggregated wave has no districts/communes on the new map)."""
    lang = filters.lang
    names = _index_labels(key, filters)
    below = filters.unit_id != NATIONAL and not filters.reaggregated
    allowed = below and source.sees_detail(key, filters.scope, filters.unit_id)
    levels = ("province", "below") if allowed else ("province",)
    note = None
    if below and not allowed:
        note = t("map.below_signin" if filters.scope.is_public else "map.below_other", lang)
    return MapOptions(
        indices=tuple(names),
        index_labels=names,
        modes=MODES,
        mode_labels={m: t(f"map.colour_{m}", lang) for m in MODES},
        levels=levels,
        level_labels={lv: t(f"map.level_{lv}", lang) for lv in levels},
        level_note=note,
    )


def hover_text(frame: pd.DataFrame, lang: str) -> list[str]:
    """Per unit: name, value, CI, n, rank with its interval, and the change versus the last wave."""

    def one(row: pd.Series) -> str:
        text = common.hover(row, lang)
        if common.is_suppressed(row.get("flags", "")):
            return text
        if pd.notna(row.get("rank")):
            interval = "" if pd.isna(row.get("rank_low")) else f" ({row['rank_low']}–{row['rank_high']})"
            text += "<br>" + t(
                "map.hover_rank", lang, rank=int(row["rank"]), of=int(row["rank_of"]), interval=interval
            )
        if pd.notna(row.get("change")):
            text += "<br>" + t("map.hover_change", lang, change=fmt_signed(row["change"], lang),
                               verdict=t(f"verdict.{row['verdict']}", lang))  # fmt: skip
        return text

    return [one(row) for _, row in frame.iterrows()]


def with_rank_and_change(
    key: StoreKey,
    filters: Filters,
    frame: pd.DataFrame,
    level: str,
    index_code: str,
    within: str | None = None,
) -> pd.DataFrame:
    """Add rank (with its 95% interval and tier) and the change versus the previous wave to one index's rows:
    every unit of the level, or (`within`) the units of one province ranked and tested among themselves."""
    ranked = source.ranks(key, filters.year, level, index_code, within, scope=filters.scope)
    ranked = ranked[["unit_id", "rank", "rank_low", "rank_high", "rank_of", "tier"]]
    out = frame.merge(ranked, on="unit_id", how="left")
    year_prev = source.previous_year(key, filters.year)
    if year_prev:
        changes = source.changes(
            key, filters.year, year_prev, level, index_code, within=within, scope=filters.scope
        )
        out = out.merge(changes[["unit_id", "change", "verdict"]], on="unit_id", how="left")
    return out


def _ranking(frame: pd.DataFrame, filters: Filters, title: str) -> Table:
    """The units of the map from the highest value down: rank (none for a figure too uncertain to rank,
    `analysis.reliability`), name, value and reliability; units without a value are left out."""
    lang = filters.lang
    data = frame[frame["value"].notna()].sort_values(["value", "label"], ascending=[False, True])
    levels = [common.reliability_of(row) for _, row in data.iterrows()]
    rankable = pd.Series([lv in ("reliable", "caution") for lv in levels], index=data.index)
    rank = data["rank"] if "rank" in data else pd.Series(pd.NA, index=data.index)
    table = pd.DataFrame(
        {
            t("map.col_rank", lang): rank.where(rankable).round(0).astype("Int64"),
            t("table.name", lang): data["label"],
            t("table.value", lang): data["value"].round(2),
            t("table.reliability", lang): [t(f"reliability.short_{lv}", lang) for lv in levels],
        }
    )
    return Table("map-ranking", table.reset_index(drop=True), title)


def _provinces(key: StoreKey, filters: Filters, index_code: str, index_name: str, mode: str,
               out: MapContent) -> pd.DataFrame:  # fmt: skip
    """The province map (choropleth of the geography); returns the units drawn."""
    lang = filters.lang
    frame = common.results(key, filters)
    frame = frame[frame["index_code"] == index_code]
    frame = with_rank_and_change(key, filters, frame, filters.level, index_code)
    frame["hover"] = hover_text(frame, lang)
    national = common.national(key, filters)
    national_value = national.loc[national["index_code"] == index_code, "value"]
    midpoint = (
        TARGET if mode == "target" else (float(national_value.iloc[0]) if len(national_value) else None)
    )
    out.facts |= {"midpoint": midpoint}
    reaggregated = f" · {t('filters.reaggregated_label', lang)}" if filters.reaggregated else ""
    subtitle = t(f"map.subtitle_{mode}", lang) + reaggregated
    chosen = None if filters.is_nation else filters.unit_id
    chosen_label = t("map.legend_chosen", lang, unit=units.unit_name(key, chosen, lang)) if chosen else ""
    figure = choropleth(
        geo.province_geojson(filters.geo, key), frame,
        title=t("map.chart_title", lang, index=index_name, year=filters.year), subtitle=subtitle,
        value_label=t("common.index_pct", lang), colour_mode=COLOUR_MODE[mode], midpoint=midpoint,
        suppressed_hover=t("common.suppressed", lang), islands=geo.islands(lang),
        tier_labels=[t(f"map.tier_{k}", lang) for k in range(1, 5)], highlight=chosen,
        highlight_label=chosen_label, lang=lang,
    )  # fmt: skip
    out.ranking = _ranking(frame, filters, t("map.ranking_title", lang, year=filters.year) + reaggregated)
    out.map = common.chart("map-provinces", figure, frame[PROVINCE_COLUMNS], common.n_caption(filters, frame["n"].sum()),
                           filters, selectable=True)  # fmt: skip
    return frame


def _below(
    key: StoreKey, filters: Filters, index_code: str, index_name: str, out: MapContent
) -> pd.DataFrame:
    """The districts (before 2025) or communes (2025) of the chosen province: polygons when the boundary
    folder has them, else symbols at their centroids over the province outline; returns the units drawn."""
    lang = filters.lang
    province = filters.unit_id
    below_level = "district" if filters.geo == "63" else "commune"
    frame = common.results(key, filters, level=below_level)
    children = source.children(key, province, scope=filters.scope)
    frame = frame[(frame["index_code"] == index_code) & frame["unit_id"].isin(children)]
    frame = with_rank_and_change(key, filters, frame, below_level, index_code, within=province)
    frame["hover"] = hover_text(frame, lang)
    # units of the province that were not sampled this year are drawn grey and said to be so
    all_units = source.units(key)
    unsampled = all_units[all_units["parent_id"].eq(province) & ~all_units["unit_id"].isin(frame["unit_id"])]
    name_col = "short_vi" if lang == "vi" else "name_en"
    frame = pd.concat(
        [frame, pd.DataFrame({
            "unit_id": unsampled["unit_id"], "label": unsampled[name_col], "value": float("nan"),
            "flags": "not_sampled",
            "hover": [f"<b>{markup.html(name)}</b><br>{t('map.not_sampled', lang)}" for name in unsampled[name_col]],
        })],
        ignore_index=True,
    )  # fmt: skip
    title = t("map.chart_title_below", lang, index=index_name, year=filters.year,
              unit=units.unit_name(key, province, lang))  # fmt: skip
    value_label = t("common.index_pct", lang)
    polygons = geo.district_geojson(province) if below_level == "district" else None
    if polygons is not None:
        figure = choropleth(
            polygons, frame, title=title, subtitle=t("map.subtitle_below", lang), value_label=value_label,
            suppressed_hover=t("map.legend_no_value", lang), lang=lang,
        )  # fmt: skip
    else:
        points = geo.child_points(province)
        points = points.merge(frame[frame["value"].notna()][["unit_id", "value", "n", "hover"]], on="unit_id")
        figure = symbols_over_outline(
            geo.outline_geojson(province, filters.geo, key), points, title=title,
            subtitle=t("map.subtitle_symbols", lang), value_label=value_label, lang=lang,
        )  # fmt: skip
        out.no_polygons = Note("caption", t("map.no_polygons", lang))
    out.ranking = _ranking(frame, filters, t("map.ranking_title_below", lang, year=filters.year,
                                             unit=markup.md(units.unit_name(key, province, lang))))  # fmt: skip
    out.map = common.chart("map-below", figure, frame[BELOW_COLUMNS], common.n_caption(filters, frame["n"].sum()),
                           filters, selectable=True)  # fmt: skip
    return frame


def build(key: StoreKey, filters: Filters, index_code: str = "overall", mode: str = "value",
          level_choice: str = "province") -> MapContent:  # fmt: skip
    """The map of index `index_code` coloured by `mode` at `level_choice` ('province', or 'below': the units
    of the chosen province), the units it offers to open, and its notes."""
    lang = filters.lang
    choices = options(key, filters)
    if index_code not in choices.index_labels:
        index_code = choices.indices[0] if choices.indices else index_code
    mode = mode if mode in MODES else "value"
    level_choice = level_choice if level_choice in choices.levels else "province"
    index_name = choices.index_labels.get(index_code, index_code)
    out = MapContent(header=common.header(filters, "map.title"), map=None,  # type: ignore[arg-type]
                     facts={"index_code": index_code, "mode": mode, "level": level_choice})  # fmt: skip
    if level_choice == "province":
        frame = _provinces(key, filters, index_code, index_name, mode, out)
    else:
        frame = _below(key, filters, index_code, index_name, out)
    out.pick = tuple(frame.sort_values("label")["unit_id"].tolist())
    out.pick_labels = dict(zip(frame["unit_id"], frame["label"], strict=True))
    out.footer = Note("caption", t("map.islands_note", lang) + " · "
                      + t("map.units_mapped", lang, n=fmt_number(len(frame), lang, 0)))  # fmt: skip
    out.facts |= {"units": len(frame)}
    return out


def selected_unit(event: object) -> str | None:
    """The unit id of the first clicked unit in a plotly selection event (dict or attribute style), or None:
    a choropleth point carries it as `location`, a symbol as the first `customdata` value."""
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else []
    if not points:
        points = getattr(getattr(event, "selection", None), "points", []) or []
    for point in points:
        unit = point.get("location") or (point.get("customdata") or [None])[0]
        if unit:
            return str(unit)
    return None
