"""Drivers (Động lực hài lòng): which elements drive overall satisfaction in the chosen unit (or the nation)
and where to act.

Model (`analysis.drivers.key_drivers` on `analysis.engine.respondent_scores`, via `content.source.drivers`):
importance = Shapley share of the weighted R², φ_j / R² (shown in %, 100·φ_j/R²); effect = odds ratio per
10 points exp(10·β_j) with 95% CI exp(10·(β_j ± 1.96·se_j)) (`analysis.drivers.odds_ratio_ci`); performance
= Σ w x_j / Σ w, both with 95% cluster-bootstrap intervals. Quadrants: `analysis.drivers.importance_performance`
(cuts: mean share 1/k, mean performance); `analysis.drivers.quadrant_evidence` marks a point whose interval
crosses a dividing line "uncertain": the advice names it as such, and "act here" wording (the quadrant's
advice) is given only for points that clear both lines. Nothing is fitted below the minimum n (`analysis.drivers.DEFAULT_MIN_N` complete cases) or
when every respondent gave the same outcome; larger units are fitted on a fixed random subsample.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from analysis import drivers as kd
from charts.drivers import importance_performance_matrix
from content import common, source, units
from content.filters import Filters
from content.model import Chart, Metric, Note, PageHeader, Table
from content.source import StoreKey
from i18n import fmt_ci, fmt_number, fmt_pct, t
from i18n.markup import html, md

Status = Literal["ok", "no_data", "too_few", "no_variation"]
DATA_COLUMNS = ["driver", "label", "rank", "importance", "importance_low", "importance_high", "r2_contribution",
                "coefficient", "se", "p_value", "odds_ratio_per_10_points", "or_low", "or_high", "performance",
                "performance_low", "performance_high", "quadrant", "evidence"]  # fmt: skip


@dataclass
class DriversContent:
    """Everything the Drivers page shows. Unless `status` is 'ok' the page ends with `stop`: after the intro
    when there is no data, after the metrics when there are too few respondents or no variation."""

    header: PageHeader
    intro: Note
    status: Status
    stop: Note | None = None  # why no model is shown (info: no data; warning: too few / no variation)
    subsample: Note | None = None  # the model was fitted on a fixed subsample of the unit's respondents
    metrics: list[Metric] = field(default_factory=list)  # n, minimum n, R²
    matrix: Chart | None = None
    advice_title: str | None = None
    advice: list[Note] = field(default_factory=list)  # one per non-empty quadrant
    table_title: str | None = None
    table: Table | None = None
    method: Note | None = None
    facts: dict = field(default_factory=dict)  # raw numbers: n, min_n, r2, status and the driver table


def minimum_n() -> int:
    """The minimum number of complete cases for a driver model (`analysis.drivers.DEFAULT_MIN_N`, read now:
    the page passes it to `build`, so a changed threshold is a different content object)."""
    return kd.DEFAULT_MIN_N


def driver_table(key: StoreKey, result: kd.DriverResult, filters: Filters) -> pd.DataFrame:
    """Drivers with names, position, odds-ratio CI (`or_low`, `or_high`) and quadrant, by importance rank."""
    labels = source.labels(key, filters.year).set_index("index_code")
    name_col = "name_vi" if filters.lang == "vi" else "name_en"
    table = kd.quadrant_evidence(kd.importance_performance(result.table))
    codes = "element:" + table["driver"]
    table["label"] = codes.map(labels[name_col]).fillna(table["driver"])
    table["position"] = codes.map(labels["position"])
    table["or_low"], table["or_high"] = kd.odds_ratio_ci(table["ci_low"], table["ci_high"])
    return table.sort_values("rank")


def quadrant_name(row: pd.Series, lang: str) -> str:
    """The quadrant in words, or 'uncertain (near …)' when an interval crosses a dividing line."""
    if not isinstance(row["quadrant"], str):
        return ""
    name = t(f"drivers.quadrants.{row['quadrant']}", lang)
    if row.get("evidence") == "uncertain":
        return t("drivers.uncertain_near", lang, quadrant=name)
    return name


def hover_text(row: pd.Series, lang: str) -> str:
    """Hover: element, importance and performance with their 95% intervals, odds ratio with CI, quadrant."""
    return "<br>".join(
        [
            f"<b>{html(row['label'])}</b>",
            f"{t('drivers.col_importance', lang)}: {fmt_pct(100 * row['importance'], lang, 1)} "
            f"({t('drivers.interval', lang)} {fmt_ci(100 * row['importance_low'], 100 * row['importance_high'], lang, 1)})",
            f"{t('drivers.col_performance', lang)}: {fmt_pct(row['performance'], lang, 1)} "
            f"({t('drivers.interval', lang)} {fmt_ci(row['performance_low'], row['performance_high'], lang, 1)})",
            f"{t('drivers.col_or', lang)}: {fmt_number(row['odds_ratio_per_10_points'], lang)} "
            f"({t('drivers.interval', lang)} {fmt_ci(row['or_low'], row['or_high'], lang)})",
            quadrant_name(row, lang),
        ]
    )


def display(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Sortable table with translated headers; numbers stay numbers (importance in %, 100·φ_j/R²)."""
    return pd.DataFrame(
        {
            t("drivers.col_rank", lang): table["rank"],
            t("drivers.col_element", lang): table["label"],
            t("drivers.col_importance", lang): (100 * table["importance"]).round(2),
            t("drivers.col_importance_low", lang): (100 * table["importance_low"]).round(2),
            t("drivers.col_importance_high", lang): (100 * table["importance_high"]).round(2),
            t("drivers.col_or", lang): table["odds_ratio_per_10_points"].round(3),
            t("drivers.col_or_low", lang): table["or_low"].round(3),
            t("drivers.col_or_high", lang): table["or_high"].round(3),
            t("drivers.col_performance", lang): table["performance"].round(2),
            t("drivers.col_performance_low", lang): table["performance_low"].round(2),
            t("drivers.col_performance_high", lang): table["performance_high"].round(2),
            t("drivers.col_quadrant", lang): [quadrant_name(r, lang) for _, r in table.iterrows()],
        }
    )


def _model(key: StoreKey, filters: Filters, result: kd.DriverResult, name: str, min_text: str,
           out: DriversContent) -> None:  # fmt: skip
    """The importance–performance chart, the advice per quadrant, the table and the method caption."""
    lang = filters.lang
    table = driver_table(key, result, filters)
    table["hover"] = [hover_text(r, lang) for _, r in table.iterrows()]
    caption = " · ".join([common.n_caption(filters, result.n), t("drivers.min_n_note", lang, min_n=min_text)])
    quadrant_names = {q: t(f"drivers.quadrants.{q}", lang) for q in kd.QUADRANTS}
    figure = importance_performance_matrix(
        table,
        t("drivers.chart_title", lang, unit=name, year=filters.year),
        t("drivers.chart_subtitle", lang, k=len(table)),
        t("drivers.axis_performance", lang),
        t("drivers.axis_importance", lang),
        quadrant_names,
        lang,
        (t("drivers.legend_clear", lang), t("drivers.legend_uncertain", lang)),
    )
    data = table[DATA_COLUMNS].copy()
    data["quadrant"] = [quadrant_name(r, lang) for _, r in table.iterrows()]
    data["evidence"] = table["evidence"].map(lambda e: t(f"drivers.evidence.{e}", lang))
    out.matrix = common.chart("drivers-matrix", figure, data, caption, filters)
    out.advice_title = t("drivers.advice_title", lang)
    out.advice = advice(table, lang)
    out.table_title = t("drivers.table_title", lang, unit=md(name), year=filters.year)
    out.table = Table("drivers-table", display(table, lang))
    out.method = Note("caption", t("drivers.method", lang, min_n=min_text))
    out.facts["table"] = table[DATA_COLUMNS].reset_index(drop=True)


def advice(table: pd.DataFrame, lang: str) -> list[Note]:
    """One note per quadrant holding drivers whose intervals clear both lines (the quadrant's advice: the
    only "act here" wording), then one note naming every uncertain driver, the quadrant it leans to and
    which interval crosses its line, saying there is not enough evidence to act on it."""
    notes = []
    clear = table[table["evidence"] == "clear"]
    for quadrant in kd.QUADRANTS:
        members = clear.loc[clear["quadrant"] == quadrant].sort_values("position")["label"]
        if members.empty:
            continue
        name = t(f"drivers.quadrants.{quadrant}", lang)
        text = f"**{name}** — {', '.join(md(m) for m in members)}  \n{t(f'drivers.advice.{quadrant}', lang)}"
        notes.append(Note("markdown", text))
    uncertain = table[(table["evidence"] == "uncertain") & table["quadrant"].notna()].sort_values("position")
    if not uncertain.empty:
        lines = []
        for _, row in uncertain.iterrows():
            axes = [a for a, ok in (("importance", row["importance_clear"]), ("performance", row["performance_clear"]))
                    if not ok]  # fmt: skip
            why = t(f"drivers.crosses.{'both' if len(axes) == 2 else axes[0]}", lang)
            near = t(f"drivers.quadrants.{row['quadrant']}", lang)
            lines.append(f"- {md(row['label'])}: {t('drivers.uncertain_item', lang, quadrant=near, why=why)}")
        text = (
            f"**{t('drivers.uncertain_title', lang)}**  \n{t('drivers.advice_uncertain', lang)}\n\n"
            + "\n".join(lines)
        )
        notes.append(Note("markdown", text))
    return notes


def build(key: StoreKey, filters: Filters, min_n: int | None = None) -> DriversContent:
    """The driver model of the chosen unit (or the nation) in the filters' year, fitted only with at least
    `min_n` complete cases (None: `analysis.drivers.DEFAULT_MIN_N`)."""
    lang = filters.lang
    min_n = minimum_n() if min_n is None else min_n
    name = units.unit_name(key, filters.unit_id, lang)
    out = DriversContent(
        header=common.header(filters, "drivers.title"),
        intro=Note("caption", t("drivers.intro", lang)),
        status="no_data",
        facts={"unit": name, "year": filters.year},
    )
    if not source.sees_detail(key, filters.scope, filters.unit_id):  # the reader below refuses it too
        out.stop = Note("info", t("drivers.signin" if filters.scope.is_public else "drivers.other", lang))
        return out
    result, _, sampled_from = source.drivers(
        key, filters.year, filters.unit_level, filters.unit_id, min_n, scope=filters.scope
    )
    if result is None:
        out.stop = Note("info", t("drivers.no_data", lang))
        return out
    if sampled_from:
        out.subsample = Note("info", t("drivers.subsample_note", lang,
                                       sample=fmt_number(source.DRIVER_MAX_RESPONDENTS, lang, 0),
                                       total=fmt_number(sampled_from, lang, 0)))  # fmt: skip
    n_text = fmt_number(result.n, lang, 0)
    min_text = fmt_number(result.min_n, lang, 0)
    r2_text = fmt_number(result.r2, lang, 3) if result.status == "ok" else "–"
    out.metrics = [
        Metric(t("drivers.metric_n", lang), n_text),
        Metric(t("drivers.metric_min_n", lang), min_text),
        Metric(t("drivers.metric_r2", lang), r2_text),
    ]
    out.facts |= {"n": result.n, "n_eff": result.n_eff, "min_n": result.min_n, "r2": result.r2,
                  "sampled_from": sampled_from}  # fmt: skip
    out.status = result.status if result.status in ("ok", "too_few") else "no_variation"
    if out.status == "too_few":
        out.stop = Note("warning", t("drivers.too_few", lang, n=n_text, min_n=min_text))
    elif out.status == "no_variation":
        out.stop = Note("warning", t("drivers.no_variation", lang, n=n_text))
    else:
        _model(key, filters, result, name, min_text, out)
    return out
