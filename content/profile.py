"""Unit profile (Hồ sơ đơn vị): any unit (province, district, commune, agency, or the nation) in the chosen
year, as PAPI and PCI provincial profiles show one: the headline index with its 95% interval and n, the rank
out of the provinces of that year's geography with its 95% interval and tier, the change from the previous
wave with its verdict, every component over every wave (table and small multiples, both breaks marked), a
benchmark against the nation and the best province, the units below with their values and reliability, and
a reliability flag when the unit's own interval is too wide to say anything.

The unit is `focus` (from `?focus=<unit id>`: the map and tables link here) when it is a known unit or the
nation, else the unit chosen in the sidebar. Figures are `analysis.engine.compute_indices` of the unit's own
level (through `content.source`):

- rank: `analysis.engine.ranks` of the year's own provinces (63 before 1 July 2025, 34 from then), shown
  only for a province of that geography whose headline is usable (`analysis.reliability.is_usable`);
  tier = ⌈4 · rank / N⌉ (`analysis.ranking.tier_of`), and the tiers its rank interval reaches
  (`analysis.ranking.tier_span`).
- change: `analysis.change.year_over_year` of the unit against the previous wave on the same territory,
  its own test (no multiplicity adjustment); across the 2022 methodology break it is not tested and no
  difference is shown ("not comparable").
- history: before 2025 a 34-province unit is read from the re-aggregated level 'province34' (labelled); a
  63-province unit has no figure of its own in 2025: its successor is shown apart, labelled, with a link.
- benchmark: the best province of the year = the highest overall index among the year's own provinces
  whose figure is usable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from access import rules
from access.scope import PUBLIC, AccessDenied, Scope
from analysis.ranking import tier_of, tier_span
from analysis.reliability import is_usable
from charts.profile import benchmark_dots, component_history
from content import common, source, units
from content.filters import NATIONAL, Filters
from content.model import Chart, Estimate, Link, Metric, Note, PageHeader, Table
from content.source import StoreKey
from i18n import fmt_ci, fmt_number, fmt_pct, fmt_signed, markup, t

# unit level in the units table -> level of `analysis.engine` (a province's depends on its geography)
ENGINE_LEVELS = {"national": "national", "district": "district", "commune": "commune", "agency": "agency"}
SUMMARY_LEVELS = ("overall", "domain", "element")
BREAK_2022 = 2021.5  # chart positions of the two breaks (between the waves around them)
BREAK_2025 = 2024.5
REORGANISED = 2025  # first wave on the 34-province map


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
    successor: Link | None = None  # the 34-province successor of an old province (its own profile)
    reliability: Note | None = None  # warning: the unit's headline is unreliable or suppressed
    notes: list[Note] = field(default_factory=list)  # re-aggregated figures, not ranked, ...
    metrics: list[Metric] = field(default_factory=list)  # headline, rank, change
    rank: Note | None = None
    change: list[Note] = field(default_factory=list)
    indices_title: str = ""
    no_survey: Note | None = None
    indices: Table | None = None
    indices_caption: Note | None = None
    criteria_title: Note | None = None
    criteria: Table | None = None
    history_title: str | None = None
    history: Table | None = None
    history_notes: list[Note] = field(default_factory=list)
    history_chart: Chart | None = None
    benchmark_title: str | None = None
    benchmark_note: Note | None = None
    benchmark: Chart | None = None
    children_title: str | None = None
    children_note: Note | None = None
    children_table: Table | None = None
    children_links: Note | None = None
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
    level that the filters' scope may see (a unit below the province: officers of its province, admins),
    else the sidebar unit."""
    frame = source.units(key).set_index("unit_id")
    for unit_id in (focus, filters.unit_id):
        if unit_id == NATIONAL:
            return NATIONAL, "national"
        if unit_id in frame.index and not focus_refused(key, filters, unit_id):
            level = engine_level(unit_id, str(frame.at[unit_id, "level"]))
            if level is not None:
                return unit_id, level
    return filters.unit_id, filters.unit_level


def focus_refused(key: StoreKey, filters: Filters, unit_id: str | None) -> bool:
    """Whether `unit_id` is a unit below the province that the filters' scope may not open."""
    if unit_id is None or unit_id == NATIONAL:
        return False
    level = source.units(key).set_index("unit_id")["level"].get(unit_id)
    return level in rules.BELOW_LEVELS and not source.sees_detail(key, filters.scope, unit_id)


def stand_in(key: StoreKey, unit_id: str, level: str, year: int) -> tuple[str, str, str] | None:
    """(engine level, unit id, kind) that holds the unit's figures in `year`; kind is 'own', 'reaggregated'
    (a 34-province unit before 2025, re-aggregated from the old provinces' respondents) or 'successor' (an
    old province in 2025: its new province, a different territory). None when the unit did not exist."""
    new_map = source.geo_version(key, year) == "2025"
    if level == "national":
        return "national", NATIONAL, "own"
    if level == "province":  # an old (63) province
        return ("province", units.translate_unit(key, unit_id, "34"), "successor") if new_map else (
            "province", unit_id, "own")  # fmt: skip
    if level == "province34":
        return ("province", unit_id, "own") if new_map else ("province34", unit_id, "reaggregated")
    if unit_id[:3] in ("D63", "C63") and new_map or unit_id.startswith("C34") and not new_map:
        return None
    return level, unit_id, "own"


def _rows(key: StoreKey, year: int, level: str, unit_id: str, scope: Scope) -> pd.DataFrame:
    """Every index of one unit in one wave (empty when absent)."""
    frame = source.indices(key, year, level, scope=scope)
    return frame[frame["unit_id"] == unit_id]


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
    return links + [Link("› " + markup.md(units.unit_name(key, u, filters.lang)), u) for u in trail]


def _tier_text(lang: str, rank: int, low: int | None, high: int | None, of: int) -> str:
    """The tier of the rank in words, and the tiers the rank interval reaches when they differ."""
    tier = t(f"profile.tier_{tier_of(rank, of)}", lang)
    if low is None or high is None:
        return tier
    first, last = tier_span(low, high, of)
    if first == last:
        return t("profile.tier_sure", lang, tier=tier)
    return t("profile.tier_spread", lang, tier=tier, first=t(f"profile.tier_{first}", lang),
             last=t(f"profile.tier_{last}", lang))  # fmt: skip


def _rank(key: StoreKey, filters: Filters, unit_id: str, kind: str, out: ProfileContent) -> Metric | None:
    """Rank among the provinces of the year's own geography with its interval and tier (a province of that
    geography only); the ranks of the old provinces that make up a re-aggregated new one otherwise."""
    lang, year = filters.lang, filters.year
    ranks = source.ranks(key, year, "province", "overall", scope=filters.scope).set_index("unit_id")
    of = int(ranks["rank"].notna().sum())
    out.facts["rank_of_geography"] = len(ranks)
    if kind == "reaggregated":
        crosswalk = source.crosswalk(key)
        olds = sorted(set(crosswalk.loc[(crosswalk["new_unit_id"] == unit_id)
                                        & crosswalk["old_unit_id"].str.startswith("P63-"), "old_unit_id"]))  # fmt: skip
        parts = []
        for old in olds:
            if old in ranks.index and pd.notna(ranks.at[old, "rank"]):
                parts.append(t("profile.old_rank", lang, name=markup.md(units.unit_name(key, old, lang)),
                               rank=int(ranks.at[old, "rank"]), of=of))  # fmt: skip
        out.notes.append(Note("info", t("profile.not_ranked_reaggregated", lang, year=year, n=len(ranks),
                                        olds="; ".join(parts) or "–")))  # fmt: skip
        return None
    if unit_id not in ranks.index or pd.isna(ranks.at[unit_id, "rank"]):
        return None
    r = ranks.loc[unit_id]
    rank, rank_of = int(r["rank"]), int(r["rank_of"])
    low = None if pd.isna(r["rank_low"]) else int(r["rank_low"])
    high = None if pd.isna(r["rank_high"]) else int(r["rank_high"])
    interval = "–" if low is None else f"{low}–{high}"
    tier = _tier_text(lang, rank, low, high, rank_of)
    out.facts |= {"rank": rank, "rank_of": rank_of, "rank_low": low, "rank_high": high,
                  "tier": tier_of(rank, rank_of)}  # fmt: skip
    shown = markup.md(units.unit_name(key, unit_id, lang))
    out.rank = Note("markdown", t("profile.rank_line", lang, unit=shown, rank=rank, of=rank_of, interval=interval,
                                  tier=tier, year=year))  # fmt: skip
    return Metric(t("profile.kpi_rank", lang, year=year), f"{rank}/{rank_of}",
                  t("profile.kpi_rank_interval", lang, interval=interval))  # fmt: skip


def _change(key: StoreKey, filters: Filters, unit_id: str, level: str, out: ProfileContent) -> Metric | None:
    """The unit's own test against the previous wave on the same territory (not tested across 2022)."""
    lang, year = filters.lang, filters.year
    year_prev = source.previous_year(key, year)
    if year_prev is None:
        return None
    previous = stand_in(key, unit_id, level, year_prev)
    current = stand_in(key, unit_id, level, year)
    if previous is None or current is None or previous[1] != current[1]:
        return None
    label = t("profile.kpi_change", lang, year=year_prev)
    if not source.comparable(key, year, year_prev):
        out.facts |= {"year_prev": year_prev, "verdict": "not_comparable"}
        out.change = [Note("markdown", t("profile.change_not_comparable", lang, year=year_prev))]
        return Metric(label, t("profile.not_comparable", lang), t("profile.not_comparable_why", lang))
    tested = source.changes(
        key, year, year_prev, current[0], "overall", adjust=False, level_prev=previous[0], scope=filters.scope
    )
    tested = tested[tested["unit_id"] == current[1]]
    if tested.empty:
        return None
    c = tested.iloc[0]
    verdict = t(f"verdict.{c['verdict']}", lang)
    out.facts |= {
        "year_prev": year_prev,
        "change": c["change"],
        "verdict": c["verdict"],
        "p_value": c["p_value"],
    }
    ci = (
        fmt_ci(c["change_ci_low"], c["change_ci_high"], lang, worded=True)
        if pd.notna(c["change_ci_low"])
        else "–"
    )
    out.change = [
        Note("markdown", t("profile.change_line", lang, year=year_prev, change=fmt_signed(c["change"], lang),
                           ci=ci, verdict=verdict)),
        Note("caption", t("profile.change_note", lang)),
    ]  # fmt: skip
    if previous[2] == "reaggregated":
        out.change.append(Note("caption", t("profile.change_reaggregated", lang, year=year_prev)))
    return Metric(label, fmt_signed(c["change"], lang), verdict)


def _headline(
    key: StoreKey, filters: Filters, unit_id: str, level: str, row: pd.Series, out: ProfileContent
) -> None:
    """Headline card, reliability flag, rank and change."""
    lang, year = filters.lang, filters.year
    flag = common.reliability_of(row)
    out.facts["reliability"] = flag
    if flag == "suppressed":
        out.reliability = Note("warning", t("profile.suppressed", lang, n=fmt_number(row["n"], lang, 0)))
        return
    estimate = Estimate(row["value"], row["ci_low"], row["ci_high"], row["n"], row["n_eff"])
    out.facts |= {
        "value": row["value"],
        "ci_low": row["ci_low"],
        "ci_high": row["ci_high"],
        "n_headline": row["n"],
    }
    ci = fmt_ci(row["ci_low"], row["ci_high"], lang) if pd.notna(row["ci_low"]) else t("profile.no_ci", lang)
    out.metrics = [
        Metric(t("profile.kpi_index", lang, year=year), fmt_pct(row["value"], lang),
               t("profile.kpi_ci", lang, ci=ci), estimate),
        Metric(t("profile.kpi_n", lang), fmt_number(row["n"], lang, 0),
               t("profile.kpi_reliability", lang, flag=common.reliability_text(row, lang))),
    ]  # fmt: skip
    if not is_usable(flag):
        out.reliability = Note("warning", t("reliability.unreliable_note", lang) + " "
                               + t("profile.unreliable_detail", lang, value=fmt_pct(row["value"], lang), ci=ci))  # fmt: skip
        return
    kind = stand_in(key, unit_id, level, year)
    if level in ("province", "province34") and kind is not None:
        rank = _rank(key, filters, unit_id, kind[2], out)
        if rank is not None:
            out.metrics.append(rank)
    change = _change(key, filters, unit_id, level, out)
    if change is not None:
        out.metrics.append(change)


def _labelled(key: StoreKey, frame: pd.DataFrame, year: int, lang: str) -> pd.DataFrame:
    """The overall, domain and element rows of `frame` with their name (`index_name`) and `position`."""
    labels = source.labels(key, year).set_index("index_code")
    out = frame.copy()
    out["index_level"] = out["index_code"].map(labels["level"])
    out["index_name"] = out["index_code"].map(labels["name_vi" if lang == "vi" else "name_en"])
    out["position"] = out["index_code"].map(labels["position"])
    return out[out["index_level"].isin(SUMMARY_LEVELS)]


def _history(
    key: StoreKey, filters: Filters, unit_id: str, level: str, name: str, out: ProfileContent
) -> None:
    """Every component of the unit over every wave: a table (rows = components, an element whose name
    differs between methodologies is its own row; columns = waves) and small multiples with both breaks."""
    lang = filters.lang
    records = []
    successor = None
    kinds = set()
    for year in source.years(key):
        held = stand_in(key, unit_id, level, year)
        if held is not None:
            held_level, held_id, kind = held
            rows = _labelled(key, _rows(key, year, held_level, held_id, filters.scope), year, lang)
            if not rows.empty:
                kinds.add(kind)
                series = "successor" if kind == "successor" else "unit"
                successor = held_id if kind == "successor" else successor
                records.append(rows.assign(year=year, series=series, holder=held_id))
        if level != "national":
            rows = _labelled(key, _rows(key, year, "national", NATIONAL, filters.scope), year, lang)
            records.append(rows.assign(year=year, series="national", holder=NATIONAL))
    if not records:
        return
    frame = pd.concat(records, ignore_index=True)
    own = frame[frame["series"] != "national"]
    if own.empty:
        return
    latest = frame[frame["year"] == frame["year"].max()].drop_duplicates("index_code").set_index("index_code")
    frame["order"] = [latest.at[c, "position"] if c in latest.index and latest.at[c, "index_name"] == n
                      else 1000 + p for c, n, p in zip(frame["index_code"], frame["index_name"], frame["position"],
                                                        strict=True)]  # fmt: skip
    frame = frame.sort_values(["order", "year"], kind="stable")
    frame["panel"] = frame["index_code"] + "|" + frame["index_name"]
    own = frame[frame["series"] != "national"]
    successor_name = units.unit_name(key, successor, lang) if successor else None
    columns = {}
    for year, part in own.groupby("year", sort=True):
        label = str(year)
        if (part["series"] == "successor").all():
            label = t("profile.col_successor", lang, year=year, name=successor_name)
        columns[label] = part.set_index("panel")["value"].round(2)
    panels = list(dict.fromkeys(own["panel"]))
    names = own.drop_duplicates("panel").set_index("panel")["index_name"]
    table = pd.DataFrame({t("table.name", lang): [names[p] for p in panels]})
    for label, values in columns.items():
        table[label] = [values.get(p) for p in panels]
        table[label] = table[label].astype(float)
    out.history_title = t("profile.history_title", lang)
    out.history = Table("profile-history", table)
    out.facts["history_years"] = tuple(int(y) for y in sorted(own["year"].unique()))
    out.facts["history"] = own[["year", "series", "holder", "index_code", "value", "ci_low", "ci_high", "n"]]
    if "reaggregated" in kinds:
        out.history_notes.append(Note("info", t("profile.history_reaggregated", lang)))
    if successor:
        out.history_notes.append(Note("info", t("profile.history_successor", lang, name=markup.md(successor_name),
                                                year=REORGANISED)))  # fmt: skip
        out.successor = Link(t("profile.successor_link", lang, name=markup.md(successor_name)), successor)
    out.history_notes.append(Note("caption", t("profile.history_note", lang)))

    frame = frame[frame["panel"].isin(panels)].copy()
    series_names = {"unit": name, "national": t("filters.national", lang)}
    if successor:
        series_names["successor"] = t("profile.successor_series", lang, name=successor_name)
    if level == "national":
        series_names.pop("national")
    frame["panel_title"] = frame["index_name"]
    frame["hover"] = [
        f"{r['year']} · {markup.html(r['index_name'])}<br>"
        + common.hover(r, lang, series_names.get(r["series"], ""))
        for _, r in frame.iterrows()
    ]
    breaks = [(BREAK_2022, t("profile.break_2022", lang)), (BREAK_2025, t("profile.break_2025", lang))]
    subtitle = t("profile.history_subtitle", lang)
    figure = component_history(frame, t("profile.history_chart_title", lang, unit=name), subtitle,
                               t("common.index_pct", lang), series_names, breaks, lang)  # fmt: skip
    # the data behind the chart names its series (the unit, the nation, the successor), never by code
    data = frame[["series", "holder", "year", "index_code", "index_name", "value", "ci_low", "ci_high", "n",
                  "flags"]].assign(series=frame["series"].map(series_names))  # fmt: skip
    out.history_chart = common.chart("profile-history-chart", figure, data,
                                     common.n_caption(filters, None, common.span_source_key(key, frame["year"]), span=True), filters)  # fmt: skip
    partial = common.partial_waves_note(key, frame["year"], filters)
    if partial is not None:
        out.history_notes.append(partial)


def best_province(key: StoreKey, year: int) -> pd.Series | None:
    """The overall row of the year's best province: the highest overall index among the provinces of the
    year's own geography whose figure is usable (reliable or caution); None without one."""
    frame = source.indices(key, year, "province", scope=PUBLIC)  # provinces: published level, for everyone
    overall = frame[(frame["index_code"] == "overall") & frame["value"].notna()]
    usable = overall[[is_usable(common.reliability_of(r)) for _, r in overall.iterrows()]]
    if usable.empty:
        return None
    return usable.sort_values(["value", "unit_id"], ascending=[False, True]).iloc[0]


def _benchmark(key: StoreKey, filters: Filters, unit_id: str, summary: pd.DataFrame, name: str,
               unreliable: bool, out: ProfileContent) -> None:  # fmt: skip
    """The unit, the nation and the best province of the year on every summary component."""
    lang, year = filters.lang, filters.year
    best = best_province(key, year)
    if best is None:
        return
    best_id = str(best["unit_id"])
    best_name = units.unit_name(key, best_id, lang)
    out.facts |= {"best_unit": best_id, "best_value": best["value"]}
    codes = list(summary["index_code"])
    names = dict(zip(summary["index_code"], summary["index_name"], strict=True))
    parts = {"unit": summary} if unit_id != NATIONAL else {}
    parts["national"] = _rows(key, year, "national", NATIONAL, filters.scope)
    parts["best"] = _rows(key, year, "province", best_id, filters.scope)
    series_names = {"unit": name + (t("profile.unreliable_suffix", lang) if unreliable else ""),
                    "national": t("filters.national", lang),
                    "best": t("profile.best_series", lang, name=best_name)}  # fmt: skip
    rows = []
    for series, part in parts.items():
        part = part[part["index_code"].isin(codes)].set_index("index_code")
        for code in codes:
            if code in part.index:
                row = part.loc[code]
                rows.append({"series": series, "index_code": code, "label": names[code], "value": row["value"],
                             "ci_low": row["ci_low"], "ci_high": row["ci_high"], "n": row["n"],
                             "flags": row["flags"],
                             "hover": common.hover(row, lang, f"{series_names[series]} — {names[code]}")})  # fmt: skip
    frame = pd.DataFrame(rows)
    out.benchmark_title = t("profile.benchmark_title", lang)
    national = parts["national"].set_index("index_code")
    out.benchmark_note = Note("markdown", t("profile.benchmark_line", lang, best=markup.md(best_name), year=year,
                                            best_value=fmt_pct(best["value"], lang),
                                            national=fmt_pct(national.at["overall", "value"], lang)))  # fmt: skip
    figure = benchmark_dots(frame, t("profile.benchmark_chart_title", lang, unit=name, year=year),
                            t("profile.benchmark_subtitle", lang), t("common.index_pct", lang), series_names,
                            t("common.target_80", lang), unreliable, lang)  # fmt: skip
    out.benchmark = common.chart("profile-benchmark", figure, frame.drop(columns="hover"),
                                 common.n_caption(filters, None), filters)  # fmt: skip


def _below(key: StoreKey, filters: Filters, unit_id: str, out: ProfileContent) -> None:
    """The sampled districts/communes below the unit (a table with values, intervals, n, reliability and
    links, and links that open their profiles here) and its agencies."""
    lang = filters.lang
    frame = source.units(key)
    below = frame[frame["parent_id"] == unit_id].reset_index(drop=True)
    if unit_id != NATIONAL and not below.empty and not source.sees_detail(key, filters.scope, unit_id):
        out.children_title = t("profile.below_title", lang)
        out.children_note = Note("info", t("profile.below_signin" if filters.scope.is_public
                                           else "profile.below_other", lang))  # fmt: skip
        return
    children = below[below["level"].isin(["district", "commune"])].copy()
    agencies = below[below["level"] == "agency"]
    name_col = "short_vi" if lang == "vi" else "name_en"
    new_province_early = unit_id.startswith("P34-") and source.geo_version(key, filters.year) != "2025"
    if new_province_early and not children.empty:  # its communes exist from 1 July 2025 only
        out.children_title = t("profile.children", lang, n=len(children))
        out.children_note = Note("caption", t("profile.children_new", lang))
    elif unit_id != NATIONAL and not children.empty:
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
        if not sampled.empty:
            rows = overall.loc[sampled["unit_id"]].reset_index()
            rows["name"] = list(sampled[name_col])
            rows = rows.sort_values(["value", "unit_id"], ascending=[False, True], na_position="last")
            table = common.display_table(rows, lang, "name")
            table["profile"] = [common.profile_url(u, filters) for u in rows["unit_id"]]
            out.children_table = Table("profile-children", table.reset_index(drop=True),
                                       links={"profile": t("table.open_profile", lang)})  # fmt: skip
            out.children_links = Note("caption", t("profile.children_links", lang))
        for row in sampled.sort_values(name_col).itertuples():
            value = "" if pd.isna(row.value) else f" — {fmt_pct(row.value, lang)}"
            out.children.append(Link(f"{markup.md(getattr(row, name_col))}{value}", row.unit_id))
    if not agencies.empty:
        out.agencies_title = t("profile.agencies", lang, n=len(agencies))
        out.agencies_note = Note("caption", t("profile.agencies_note", lang))
        out.agencies = [Link(markup.md(getattr(row, name_col)), row.unit_id)
                        for row in agencies.sort_values(name_col).itertuples()]  # fmt: skip


def _published(key: StoreKey, published: pd.DataFrame, lang: str) -> Table:
    """Published figures with their sources: year, index name, value (number), rank "k/N" (text, '–' when
    not published), who measured it, and the source: as a link when it is an http(s) URL, else as text
    (from the imported file, shown as typed; `content.common.source_columns`)."""
    names = [common.published_index_name(key, int(y), c, lang) for y, c in
             zip(published["year"], published["index_code"], strict=True)]  # fmt: skip
    ranks = ["–" if pd.isna(r) else (f"{int(r)}/{int(n)}" if pd.notna(n) else str(int(r)))
             for r, n in zip(published["rank"], published["rank_of"], strict=True)]  # fmt: skip
    link_col = t("table.source_link", lang)
    texts, links = common.source_columns(published["source"])
    table = pd.DataFrame(
        {
            t("profile.pub_year", lang): published["year"].astype(int).astype(str),
            t("table.name", lang): names,
            t("table.value", lang): pd.to_numeric(published["value"], errors="coerce").round(2),
            t("profile.pub_rank", lang): ranks,
            t("profile.pub_measured_by", lang): published["measured_by"].fillna("–").astype(str),
            t("table.source", lang): texts,
            link_col: links,
        }
    )
    return Table("profile-published", table.reset_index(drop=True), links={link_col: ""})


def build(
    key: StoreKey, filters: Filters, focus: str | None = None, element: str | None = None
) -> ProfileContent:
    """The profile of `focus` (or the sidebar unit) in the filters' year, with the criteria of `element`
    (default: the unit's first element)."""
    lang = filters.lang
    unit_id, level = focus_unit(key, filters, focus)
    name = units.unit_name(key, unit_id, lang)
    out = ProfileContent(
        header=common.header(filters, "profile.title", breaks=False),
        unit_id=unit_id,
        heading=markup.md(name),
        crumbs=_crumbs(key, filters, unit_id),
        indices_title=t("profile.indices", lang, year=filters.year),
        facts={"unit_id": unit_id, "level": level, "year": filters.year},
    )
    if focus and focus != unit_id and focus_refused(key, filters, focus):
        denied = AccessDenied("public_detail" if filters.scope.is_public else "other_province",
                              what=t("access.what.below", lang), unit=markup.md(units.unit_name(key, focus, lang)))  # fmt: skip
        out.notes.append(Note("warning", denied.message(lang)))
    elif focus and focus != unit_id and focus not in set(source.units(key)["unit_id"]):
        out.notes.append(Note("warning", t("profile.focus_unknown", lang)))  # the raw value is not echoed
    if unit_id.startswith("P63-") and filters.year >= REORGANISED:
        out.abolished = Note("info", t("profile.abolished", lang))
    held = stand_in(key, unit_id, level, filters.year)
    if held is not None and held[2] == "reaggregated":
        out.notes.append(Note("info", t("profile.reaggregated", lang, year=filters.year)))
    frame = _indices(key, filters, unit_id, level)
    summary = frame[frame["index_level"].isin(SUMMARY_LEVELS)]
    unreliable = False
    if summary.empty:
        out.no_survey = Note("info", t("profile.no_survey", lang))
    else:
        headline = summary[summary["index_code"] == "overall"]
        if not headline.empty:
            _headline(key, filters, unit_id, level, headline.iloc[0], out)
            unreliable = out.facts.get("reliability") == "unreliable"
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
            out.criteria_title = Note(
                "markdown", t("profile.criteria", lang, element=markup.md(names[element]))
            )
            out.criteria = Table("profile-criteria", common.display_table(criteria, lang, "index_name"))
            out.facts |= {"element": element}
    _history(key, filters, unit_id, level, name, out)
    if not summary.empty and out.facts.get("reliability") != "suppressed":
        _benchmark(key, filters, unit_id, summary, name, unreliable, out)
    _below(key, filters, unit_id, out)
    published = source.published(key, None, unit_id)
    if not published.empty:
        out.published_title = t("profile.published", lang)
        out.published = _published(key, published, lang)
    return out
