"""Trends (Xu hướng): a unit and up to four peers across all waves, both breaks marked on every chart.

Geography: a P63 province is shown as its P34 successor in 2025 (a new territory: its slope is fitted
apart); on the 34-province geography pre-2025 waves are re-aggregated (level 'province34').
Year-over-year: d = v_t − v_{t−1}, se_d = √(se_t² + se_{t−1}²), one test per unit (no multiplicity
adjustment), on the territory of year t (`analysis.change.year_over_year`). Slope: weighted least squares
within a comparable segment (`analysis.trend.trend`). Ranks: among every unit of the wave's level, with
their 95% simulation interval (`analysis.engine.ranks`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from access.scope import Scope
from analysis.trend import trend
from charts.trends import rank_bump, trend_lines
from content import common, source, units
from content.filters import NATIONAL, Filters
from content.model import Chart, Note, PageHeader, Table
from content.source import StoreKey
from i18n import fmt_ci, fmt_number, fmt_pct, fmt_signed, markup, t

LEVELS = ("overall", "domain", "element")
MAX_PEERS = 4
BREAK_2022 = 2021.5  # chart positions of the two breaks (between the waves around them)
BREAK_2025 = 2024.5


@dataclass(frozen=True)
class TrendsOptions:
    """What the two widgets offer: the indices (code -> name) and the peer provinces, with the display names
    of every unit (a peer kept in the session may no longer be an option: it is still shown by its name).
    Plain values only (a widget keeps its format function in the session state, which is copied)."""

    indices: tuple[str, ...]
    index_labels: dict[str, str]
    peers: tuple[str, ...]
    key: StoreKey
    lang: str
    max_peers: int = MAX_PEERS

    def unit_label(self, unit_id: str) -> str:
        """The display name of a unit (`content.units.unit_name`; its id when unknown)."""
        return units.unit_name(self.key, unit_id, self.lang)


@dataclass
class TrendsContent:
    """Everything the Trends page shows."""

    header: PageHeader
    no_data: Note | None = None
    notes: list[Note] = field(default_factory=list)  # successor territory, re-aggregated geography
    lines: Chart | None = None
    yoy_title: str | None = None
    yoy: Table | None = None
    yoy_note: Note | None = None
    slope_title: str | None = None
    slopes: Table | None = None
    slope_note: Note | None = None
    ranks: Chart | None = None
    facts: dict = field(default_factory=dict)  # raw numbers: series, changes, slopes, ranks (DataFrames)


def _settled(figure: go.Figure) -> go.Figure:
    """The figure as it is after a copy: `charts.trends` clears the x-axis title (`title=None` leaves an empty
    `title: {}`, which a copy of the figure drops). Shown the same; the content object then equals its copy
    in a session (Streamlit copies nothing, but exports and tests do)."""
    return go.Figure(figure.to_dict())


def reaggregated(filters: Filters, chosen: list[str]) -> bool:
    """Whether pre-2025 waves are shown re-aggregated: a province of the 34-province geography is drawn."""
    return filters.geo == "34" and any(u != NATIONAL for u in chosen)


def scoped(text: str, lang: str, reaggregated: bool) -> str:
    """`text`, followed by "re-aggregated to the 34 new provinces" when pre-2025 waves are shown on them."""
    return f"{text} · {t('filters.reaggregated_label', lang)}" if reaggregated else text


def index_labels(key: StoreKey, lang: str) -> dict[str, str]:
    """Overall, domain and element indices of the latest and the first wave's methodologies: code -> name."""
    years = source.years(key)
    labels = pd.concat([source.labels(key, y) for y in (years[-1], years[0])], ignore_index=True)
    labels = labels[labels["level"].isin(LEVELS)].drop_duplicates("index_code")
    name_col = "name_vi" if lang == "vi" else "name_en"
    return dict(zip(labels["index_code"], labels[name_col], strict=True))


def options(key: StoreKey, filters: Filters) -> TrendsOptions:
    """The index select box (code -> name) and the peers: provinces of the geography other than the chosen
    unit, sorted by their display name."""
    lang = filters.lang
    names = index_labels(key, lang)
    frame = source.units(key)
    version = "pre2025" if filters.geo == "63" else "2025"
    provinces = frame[(frame["level"] == "province") & (frame["geo_version"] == version)]
    peers = tuple(
        sorted(
            (u for u in provinces["unit_id"] if u != filters.unit_id),
            key=lambda u: units.unit_name(key, u, lang),
        )
    )
    return TrendsOptions(tuple(names), names, peers, key, lang)


def source_of(key: StoreKey, unit_id: str, year: int) -> tuple[str, str]:
    """(level, unit_id) that stands for `unit_id` in `year`: P63 -> P34 successor on the 2025 map;
    a P34 province before 2025 -> re-aggregated level 'province34'."""
    if unit_id == NATIONAL:
        return "national", NATIONAL
    if unit_id.startswith("P63-") and source.geo_version(key, year) == "2025":
        unit_id = units.translate_unit(key, unit_id, "34")
    if unit_id.startswith("P34-"):
        return ("province" if source.geo_version(key, year) == "2025" else "province34"), unit_id
    return "province", unit_id


def pick(key: StoreKey, year: int, level: str, unit_id: str, code: str, scope: Scope) -> pd.DataFrame:
    """The result row of one unit and index in one wave (empty when absent)."""
    frame = source.indices(key, year, level, scope=scope)
    return frame[(frame["unit_id"] == unit_id) & (frame["index_code"] == code)]


def successor_label(key: StoreKey, successor: str, lang: str) -> str:
    """The name of the series that continues a P63 province on the 2025 map: its P34 successor, called new
    when it was formed from several old provinces (crosswalk `content.source.crosswalk`)."""
    cw = source.crosswalk(key)
    formed_from = cw[(cw["new_unit_id"] == successor) & cw["old_unit_id"].str.startswith("P63-")]
    merged = formed_from["old_unit_id"].nunique() > 1
    return t("trends.successor_series_merged" if merged else "trends.successor_series", lang,
             name=units.unit_name(key, successor, lang))  # fmt: skip


def _series(key: StoreKey, filters: Filters, chosen: list[str], code: str) -> pd.DataFrame:
    """One row per unit and wave: the index of the unit (or its stand-in) with its hover text. A P63
    province's 2025 stand-in (its P34 successor, another territory) is a series of its own (`successor`),
    named by `successor_label`: never one line with the old province."""
    lang = filters.lang
    rows = []
    for unit in chosen:
        name = units.unit_name(key, unit, lang)
        for year in source.years(key):
            level, sid = source_of(key, unit, year)
            row = pick(key, year, level, sid, code, filters.scope)
            if row.empty:
                continue
            successor = sid != unit
            series = successor_label(key, sid, lang) if successor else name
            record = row.iloc[0].to_dict() | {"year": year, "unit": unit, "source_unit": sid, "series": series,
                                              "successor": successor}  # fmt: skip
            shown = name if sid == unit else f"{name} → {units.unit_name(key, sid, lang)}"
            record["hover"] = f"{year}<br>" + common.hover(row.iloc[0], lang, shown)
            rows.append(record)
    return pd.DataFrame(rows)


def _changes(key: StoreKey, chosen: list[str], code: str, scope: Scope) -> pd.DataFrame:
    """Each unit's own test between consecutive waves (no multiplicity adjustment), on the territory of the
    later wave, with the later wave's CI."""
    years = source.years(key)
    changes = []
    for unit in chosen:
        for prev_year, year in zip(years, years[1:], strict=False):
            level, sid = source_of(key, unit, year)
            prev_level = source_of(key, sid, prev_year)[0]
            cur = pick(key, year, level, sid, code, scope)
            # the unit's own test, from the cached tests of every unit of the level
            tested = source.changes(key, year, prev_year, level, code, adjust=False, level_prev=prev_level,
                                    scope=scope)  # fmt: skip
            tested = tested[tested["unit_id"] == sid]
            if cur.empty or tested.empty:
                continue
            changes.append(tested.iloc[0].to_dict() | {"unit": unit, "ci_low": cur["ci_low"].iloc[0],
                                                       "ci_high": cur["ci_high"].iloc[0]})  # fmt: skip
    return pd.DataFrame(changes)


def _yoy_table(key: StoreKey, filters: Filters, yoy: pd.DataFrame) -> Table:
    lang = filters.lang
    frame = pd.DataFrame(
        {
            t("table.name", lang): [
                units.unit_name(key, u, lang) + ("" if u == sid else f" → {successor_label(key, sid, lang)}")
                for u, sid in zip(yoy["unit"], yoy["unit_id"], strict=True)
            ],
            t("trends.col_year", lang): yoy["year"].astype(int).astype(str),
            t("table.value", lang): [fmt_pct(v, lang) for v in yoy["value"]],
            t("trends.col_ci", lang): [
                fmt_ci(a, b, lang) for a, b in zip(yoy["ci_low"], yoy["ci_high"], strict=True)
            ],
            t("trends.col_prev", lang): [fmt_pct(v, lang) for v in yoy["value_prev"]],
            t("trends.col_change", lang): [fmt_signed(v, lang) for v in yoy["change"]],
            t("trends.col_change_ci", lang): [
                fmt_ci(a, b, lang, worded=True)
                for a, b in zip(yoy["change_ci_low"], yoy["change_ci_high"], strict=True)
            ],
            t("trends.col_verdict", lang): [t(f"verdict.{v}", lang) for v in yoy["verdict"]],
            "profile": [common.profile_url(u, filters) for u in yoy["unit_id"]],
        }
    )
    caption = (
        t("trends.reaggregated_table", lang)
        if reaggregated(filters, list(dict.fromkeys(yoy["unit"])))
        else None
    )
    return Table("trends-yoy", frame, caption, links={"profile": t("table.open_profile", lang)})


def _slopes(series: pd.DataFrame) -> pd.DataFrame:
    """Slope per comparable segment of each unit (a successor territory in 2025 is its own segment)."""
    slopes = []
    for unit, part in series.groupby("unit", sort=False):
        cuts = (2022, 2025) if (part["unit"] != part["source_unit"]).any() else (2022,)
        fit = trend(part[["year", "value", "se"]], breaks=cuts)
        fit["unit"] = unit
        slopes.append(fit)
    return pd.concat(slopes, ignore_index=True)


def _slope_table(key: StoreKey, lang: str, slope: pd.DataFrame) -> Table:
    frame = pd.DataFrame(
        {
            t("table.name", lang): [units.unit_name(key, u, lang) for u in slope["unit"]],
            t("trends.col_segment", lang): [
                f"{a}–{b}" if a != b else str(a)
                for a, b in zip(slope["segment_start"], slope["segment_end"], strict=True)
            ],  # fmt: skip
            t("trends.col_years", lang): slope["n_years"].astype(int),
            t("trends.col_slope", lang): [fmt_signed(v, lang) for v in slope["slope"]],
            t("trends.col_slope_ci", lang): [
                fmt_ci(a, b, lang, worded=True)
                for a, b in zip(slope["slope_ci_low"], slope["slope_ci_high"], strict=True)
            ],
            t("trends.col_verdict", lang): [t(f"trends.slope_verdict.{v}", lang) for v in slope["verdict"]],
        }
    )
    return Table("trends-slopes", frame)


def _ranks(key: StoreKey, filters: Filters, provinces: list[str], code: str) -> pd.DataFrame:
    """Rank (with its 95% interval) of each chosen province (or its stand-in: a series of its own) in every
    wave."""
    lang = filters.lang
    bump = []
    for unit in provinces:
        for year in source.years(key):
            level, sid = source_of(key, unit, year)
            name = units.unit_name(key, unit, lang) if sid == unit else successor_label(key, sid, lang)
            ranked = source.ranks(key, year, level, code, scope=filters.scope)
            row = ranked[ranked["unit_id"] == sid]
            if row.empty or pd.isna(row["rank"].iloc[0]):
                continue
            r = row.iloc[0]
            low = "–" if pd.isna(r["rank_low"]) else fmt_number(r["rank_low"], lang, 0)
            high = "–" if pd.isna(r["rank_high"]) else fmt_number(r["rank_high"], lang, 0)
            text = t("trends.rank_hover", lang, rank=int(r["rank"]), of=int(r["rank_of"]), low=low, high=high)
            n = pick(key, year, level, sid, code, filters.scope)["n"].max()
            bump.append({"series": name, "unit": unit, "successor": sid != unit, "year": year, "unit_id": sid,
                         "rank": int(r["rank"]), "n": n,
                         "rank_low": r["rank_low"], "rank_high": r["rank_high"], "rank_of": int(r["rank_of"]),
                         "hover": f"{year}<br><b>{markup.html(name)}</b><br>{text}"})  # fmt: skip
    return pd.DataFrame(bump)


def build(
    key: StoreKey, filters: Filters, index_code: str = "overall", peers: tuple[str, ...] = ()
) -> TrendsContent:
    """The chosen unit and its `peers` on index `index_code` across every wave."""
    lang = filters.lang
    chosen = [filters.unit_id, *peers]
    out = TrendsContent(
        header=common.header(filters, "trends.title", breaks=False),
        facts={"index_code": index_code, "units": tuple(chosen)},
    )
    series = _series(key, filters, chosen, index_code)
    if series.empty:
        out.no_data = Note("info", t("common.no_data", lang))
        return out
    if bool((series["unit"] != series["source_unit"]).any()):
        out.notes.append(Note("info", t("trends.successor_note", lang)))
    if reaggregated(filters, chosen):
        out.notes.append(Note("info", t("trends.reaggregated_note", lang)))
    breaks = [(BREAK_2022, t("trends.break_2022", lang)), (BREAK_2025, t("trends.break_2025", lang))]
    index_name = index_labels(key, lang).get(index_code, index_code)
    title_unit = units.unit_name(key, filters.unit_id, lang)
    title = t("trends.chart_title", lang, unit=title_unit, index=index_name)
    subtitle = scoped(t("trends.chart_subtitle", lang), lang, reaggregated(filters, chosen))
    # two chosen provinces merged into one successor: its 2025 series is drawn once
    drawn = series.drop_duplicates(["series", "year"])
    figure = trend_lines(drawn, title, subtitle, t("common.index_pct", lang), breaks, lang)
    figure = _settled(figure)
    out.lines = common.chart(
        "trends-lines", figure,
        series[["series", "unit", "year", "source_unit", "index_code", "value", "ci_low", "ci_high", "n",
                "flags"]],
        common.n_caption(filters, series["n"].sum(), common.span_source_key(key, series["year"]), span=True), filters,
    )  # fmt: skip
    out.facts["series"] = series.drop(columns="hover")
    partial = common.partial_waves_note(key, series["year"], filters)
    if partial is not None:
        out.header.notices.append(partial)

    out.yoy_title = t("trends.yoy_title", lang)
    yoy = _changes(key, chosen, index_code, filters.scope)
    out.facts["changes"] = yoy
    if not yoy.empty:
        out.yoy = _yoy_table(key, filters, yoy)
        out.yoy_note = Note("caption", t("trends.yoy_note", lang))

    out.slope_title = t("trends.slope_title", lang)
    slope = _slopes(series)
    out.facts["slopes"] = slope
    out.slopes = _slope_table(key, lang, slope)
    if reaggregated(filters, chosen):
        out.slopes.title = t("trends.reaggregated_table", lang)
    out.slope_note = Note("caption", t("trends.slope_note", lang))

    provinces = [u for u in chosen if u != NATIONAL]
    if provinces:
        bump = _ranks(key, filters, provinces, index_code)
        out.facts["ranks"] = bump.drop(columns="hover", errors="ignore")
        if not bump.empty:
            title = t("trends.rank_title", lang, index=index_name)
            subtitle = scoped(t("trends.rank_subtitle", lang), lang, reaggregated(filters, chosen))
            drawn = bump.drop_duplicates(["series", "year"])
            figure = rank_bump(drawn, title, subtitle, t("trends.rank_axis", lang), breaks, lang)
            figure = _settled(figure)
            out.ranks = common.chart("trends-ranks", figure, bump.drop(columns="hover"),
                                     common.n_caption(filters, bump["n"].sum(), common.span_source_key(key, bump["year"]), span=True), filters)  # fmt: skip
    return out
