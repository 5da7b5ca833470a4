"""Compare (So sánh): two to four units side by side on every index, with pairwise tests.

Difference of two units on one index (independent samples, `analysis.change.difference`):
d = v_a − v_b, se_d = √(se_a² + se_b²), z = d / se_d, p = 2 · (1 − Φ(|z|)); "significant" when p < 0.05
(one test per pair and index); 95% CI d ± 1.96 · se_d (`analysis.change.difference_ci`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd

from analysis.change import difference, difference_ci
from analysis.reliability import LEVELS as RELIABILITY_LEVELS
from charts.compare import compare_bars
from content import common, source, units
from content.filters import NATIONAL, Filters
from content.model import Chart, Note, PageHeader, Table
from content.source import StoreKey
from i18n import fmt_ci, fmt_pct, fmt_signed, markup, t

MAX_UNITS = 4
LEVELS = ("overall", "domain", "element")


@dataclass(frozen=True)
class CompareOptions:
    """What the selection offers: the units with results (sorted by name) and their names, the anchor (the
    chosen unit when it has results), the default selection and the two peer groups of the buttons (anchor
    first, then up to three others by id; empty when the button is off)."""

    units: tuple[str, ...]
    key: StoreKey  # for the display names (plain values only: a widget keeps its format function in the
    lang: str  # session state, which is copied)
    anchor: str | None
    default: tuple[str, ...]
    same_region: tuple[str, ...]
    same_new_province: tuple[str, ...]
    region_enabled: bool
    new_province_enabled: bool
    max_units: int = MAX_UNITS

    def label(self, unit_id: str) -> str:
        """The display name of a unit (`content.units.unit_name`; its id when unknown)."""
        return units.unit_name(self.key, unit_id, self.lang)

    def valid(self, chosen: Iterable[str]) -> list[str]:
        """The units of `chosen` that can be selected, in order (a kept selection after a filter change)."""
        allowed = set(self.units)
        return [u for u in chosen if u in allowed]


@dataclass
class CompareContent:
    """Everything the Compare page shows."""

    header: PageHeader
    need_two: Note | None = None
    chart: Chart | None = None
    unreliable: Note | None = None  # the figures too uncertain to read (open dots), named
    diff_title: str | None = None
    differences: Table | None = None
    diff_note: Note | None = None
    facts: dict = field(default_factory=dict)  # raw numbers: the pairwise tests (DataFrame)


def _fill(anchor: str | None, chosen: Iterable[str], allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The anchor first, then the others sorted by id, those that can be selected, at most four."""
    return tuple([u for u in dict.fromkeys([anchor, *sorted(chosen)]) if u in allowed][:MAX_UNITS])


def options(key: StoreKey, filters: Filters) -> CompareOptions:
    """The selectable units of the filters' level and year, and the two peer groups: provinces of the
    anchor's region (admin_unit.region_id) and former provinces (P63) merged into the anchor's 2025
    province (crosswalk P63 -> P34)."""
    lang = filters.lang
    frame = common.results(key, filters)
    labels = {u: units.unit_name(key, u, lang) for u in frame["unit_id"].unique()}
    allowed = tuple(sorted(labels, key=labels.__getitem__))
    anchor = filters.unit_id if filters.unit_id in allowed else None
    region_enabled = anchor is not None and anchor != NATIONAL
    new_enabled = anchor is not None and anchor.startswith("P63-")
    same_region: tuple[str, ...] = ()
    same_new: tuple[str, ...] = ()
    if region_enabled:
        region = source.units(key).set_index("unit_id")["region_id"]
        members = [u for u in allowed if u in region.index and region[u] == region[anchor]]
        same_region = _fill(anchor, members, allowed)
    if new_enabled:
        cw = source.crosswalk(key)
        cw = cw[cw["old_unit_id"].str.startswith("P63-") & cw["new_unit_id"].str.startswith("P34-")]
        successor = units.translate_unit(key, anchor, "34")
        merged = cw.loc[cw["new_unit_id"] == successor, "old_unit_id"].unique()
        same_new = _fill(anchor, list(merged), allowed)
    default = [u for u in [filters.unit_id] if u in allowed] or list(allowed[:1])
    default += [u for u in allowed if u not in default][:1]
    return CompareOptions(
        units=allowed,
        key=key,
        lang=lang,
        anchor=anchor,
        default=tuple(default),
        same_region=same_region,
        same_new_province=same_new,
        region_enabled=region_enabled,
        new_province_enabled=new_enabled,
    )


def _tests(parts: pd.DataFrame, chosen: tuple[str, ...]) -> pd.DataFrame:
    """One difference test per pair of chosen units (in selection order) and index (in index order)."""
    indexed = parts.set_index(["unit_id", "index_code"])
    rows = []
    for a, b in combinations(chosen, 2):
        for code in parts["index_code"].drop_duplicates():
            if (a, code) not in indexed.index or (b, code) not in indexed.index:
                continue
            ra, rb = indexed.loc[(a, code)], indexed.loc[(b, code)]
            test = difference(ra, rb)
            low, high = difference_ci(test["difference"], test["se"])
            rows.append({"unit_a": a, "unit_b": b, "index_code": code, "index_name": ra["index_name"],
                         "value_a": ra["value"], "value_b": rb["value"], "ci_low": low, "ci_high": high,
                         "reliability_a": common.reliability_of(ra), "reliability_b": common.reliability_of(rb),
                         **test})  # fmt: skip
    return pd.DataFrame(rows)


def _hover(row: pd.Series, lang: str) -> str:
    """Hover: unit · index, value, CI, n, and the reliability flag when the figure is not reliable."""
    text = common.hover(row, lang, f"{row['series']} · {row['index_name']}")
    if row["reliability"] in ("caution", "unreliable"):
        text += "<br>" + t("compare.reliability_hover", lang, flag=common.reliability_text(row, lang))
    return text


def _unreliable_note(parts: pd.DataFrame, lang: str) -> Note | None:
    """A warning naming the units and indices whose figure is unreliable (interval wider than ±10 points or
    none): shown as open dots, not to be compared."""
    bad = parts[parts["reliability"] == "unreliable"]
    if bad.empty:
        return None
    items = "; ".join(f"{markup.md(r['series'])} — {markup.md(r['index_name'])}" for _, r in bad.iterrows())
    return Note("warning", t("compare.unreliable_note", lang, items=items))


def _pair_reliability(row: dict, lang: str) -> str:
    """The reliability of a pair in words: 'reliable' when both figures are, else the weaker flag and whose."""
    a, b = row["reliability_a"], row["reliability_b"]
    if a == b == "reliable":
        return t("reliability.short_reliable", lang)
    worst = max(a, b, key=RELIABILITY_LEVELS.index)
    side = "A, B" if a == b else ("A" if a == worst else "B")
    return t("compare.pair_reliability", lang, flag=t(f"reliability.short_{worst}", lang), side=side)


def _difference_table(key: StoreKey, lang: str, tests: pd.DataFrame) -> pd.DataFrame:
    """The pairwise tests as shown (formatted), one row per pair and index."""
    rows = [
        {
            t("compare.col_index", lang): r["index_name"],
            t("compare.col_unit_a", lang): units.unit_name(key, r["unit_a"], lang),
            t("compare.col_unit_b", lang): units.unit_name(key, r["unit_b"], lang),
            t("compare.col_value_a", lang): fmt_pct(r["value_a"], lang),
            t("compare.col_value_b", lang): fmt_pct(r["value_b"], lang),
            t("compare.col_diff", lang): fmt_signed(r["difference"], lang),
            t("compare.col_diff_ci", lang): (
                fmt_ci(r["ci_low"], r["ci_high"], lang, worded=True) if r["verdict"] != "untested" else "–"
            ),
            t("compare.col_verdict", lang): t(f"compare.diff_verdict.{r['verdict']}", lang),
            t("compare.col_reliability", lang): _pair_reliability(r, lang),
        }
        for r in tests.to_dict("records")
    ]
    return pd.DataFrame(rows)


def build(key: StoreKey, filters: Filters, chosen: tuple[str, ...] = ()) -> CompareContent:
    """The `chosen` units (two to four, in selection order) on every overall, domain and element index."""
    lang = filters.lang
    out = CompareContent(header=common.header(filters, "compare.title"), facts={"units": tuple(chosen)})
    if len(chosen) < 2:
        out.need_two = Note("info", t("compare.need_two", lang))
        return out
    frame = common.results(key, filters)
    parts = common.label_indices(key, frame[frame["unit_id"].isin(chosen)], filters)
    parts = parts[parts["index_level"].isin(LEVELS)].copy()
    parts["series"] = parts["unit_id"].map(lambda u: units.unit_name(key, u, lang))
    parts["label"] = parts["index_name"]
    parts["reliability"] = [common.reliability_of(r) for _, r in parts.iterrows()]
    parts["hollow"] = parts["reliability"] == "unreliable"
    parts["hover"] = [_hover(r, lang) for _, r in parts.iterrows()]
    figure = compare_bars(parts, t("compare.chart_title", lang, year=filters.year),
                          t("compare.chart_subtitle", lang), t("common.index_pct", lang), lang,
                          t("common.target_80", lang))  # fmt: skip
    out.chart = common.chart(
        "compare-units", figure,
        parts[["series", "unit_id", "index_code", "index_name", "value", "ci_low", "ci_high", "n"]].assign(
            reliability=[common.reliability_text(r, lang) for _, r in parts.iterrows()]
        ),
        common.n_caption(filters, parts.groupby("unit_id")["n"].max().sum()), filters,
    )  # fmt: skip
    out.unreliable = _unreliable_note(parts, lang)
    out.diff_title = t("compare.diff_title", lang)
    tests = _tests(parts, tuple(chosen))
    out.facts["tests"] = tests
    out.differences = Table("compare-differences", _difference_table(key, lang, tests))
    out.diff_note = Note("caption", t("compare.diff_note", lang))
    return out
