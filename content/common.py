"""Pieces every page's content uses: labelled results, hover text, display tables, notices and charts."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go

from analysis.reliability import reliability
from content import source, units
from content.filters import Filters
from content.model import Chart, Note, PageHeader
from content.source import StoreKey
from i18n import fmt_ci, fmt_number, fmt_pct, has, markup, t

DISPLAY_COLUMNS = ("value", "ci_low", "ci_high", "n", "n_eff", "flags")


def results(
    key: StoreKey, filters: Filters, year: int | None = None, level: str | None = None
) -> pd.DataFrame:
    """Indices for every unit of the filters' level (or `level`) in `year`, with display names (`label`)."""
    frame = source.indices(
        key, filters.year if year is None else year, level or filters.level, scope=filters.scope
    )
    frame["label"] = frame["unit_id"].map(units.unit_names(key, filters.lang)).fillna(frame["unit_id"])
    return frame


def national(key: StoreKey, filters: Filters, year: int | None = None) -> pd.DataFrame:
    """National indices for `year`."""
    return results(key, filters, year, "national")


def unit_rows(key: StoreKey, filters: Filters) -> pd.DataFrame:
    """Every index of the chosen unit (or the nation) in the filters' year."""
    frame = national(key, filters) if filters.is_nation else results(key, filters)
    return frame[frame["unit_id"] == filters.unit_id]


def is_suppressed(flags: object) -> bool:
    """Whether a result row was hidden by the engine (fewer than 30 respondents)."""
    return "suppressed" in str(flags).split(",")


def hover(row: pd.Series, lang: str, name: str | None = None) -> str:
    """Hover text: name, value, CI, n (or 'too few respondents')."""
    shown = markup.html(name or row.get("label", ""))  # a name is data: never markup in the hover
    if is_suppressed(row.get("flags", "")):
        return f"<b>{shown}</b><br>{t('common.suppressed', lang)}"
    lines = [
        f"<b>{shown}</b>",
        f"{fmt_pct(row['value'], lang)}",
        t("common.ci95", lang, ci=fmt_ci(row["ci_low"], row["ci_high"], lang)),
        t("common.n_respondents", lang, n=fmt_number(row["n"], lang, 0)),
    ]
    return "<br>".join(lines)


def label_indices(
    key: StoreKey, frame: pd.DataFrame, filters: Filters, year: int | None = None
) -> pd.DataFrame:
    """Add the index name (`index_name`), level (`index_level`) and position in the chosen language."""
    labels = source.labels(key, filters.year if year is None else year).set_index("index_code")
    name_col = "name_vi" if filters.lang == "vi" else "name_en"
    out = frame.copy()
    out["index_name"] = out["index_code"].map(labels[name_col]).fillna(out["index_code"])
    out["index_level"] = out["index_code"].map(labels["level"])
    out["position"] = out["index_code"].map(labels["position"])
    return out.sort_values("position")


def index_names(key: StoreKey, year: int, lang: str) -> dict[str, str]:
    """Index code -> name in `lang` for a wave's methodology."""
    labels = source.labels(key, year)
    return dict(zip(labels["index_code"], labels["name_vi" if lang == "vi" else "name_en"], strict=True))


def published_index_name(key: StoreKey, year: int, code: str, lang: str) -> str:
    """The name of a published figure's index: from the wave's methodology, else the catalogue of published
    indicators (`data.indicators.<code>`), else the code itself."""
    names = index_names(key, year, lang) if year in set(source.years(key)) else {}
    if code in names:
        return names[code]
    catalogue_key = f"data.indicators.{code.replace(':', '__')}"
    return t(catalogue_key, lang) if has(catalogue_key, lang) else code


def flag_text(flags: str, lang: str) -> str:
    """Translate comma-separated result flags."""
    return ", ".join(t(f"flags.{f}", lang) for f in str(flags).split(",") if f)


def reliability_of(row: pd.Series) -> str:
    """The reliability class of a result row (`analysis.reliability`)."""
    return reliability(row.get("value"), row.get("ci_low"), row.get("ci_high"), str(row.get("flags", "")))


def reliability_text(row: pd.Series, lang: str, short: bool = True) -> str:
    """The reliability flag of a result row in words (short form for table cells)."""
    level = reliability_of(row)
    return t(f"reliability.{'short_' if short else ''}{level}", lang)


def display_table(frame: pd.DataFrame, lang: str, name_column: str) -> pd.DataFrame:
    """A sortable table with translated column headers (numbers stay numbers, rounded to 2 decimals; n and
    effective n whole numbers) and the reliability flag of each row."""
    return pd.DataFrame(
        {
            t("table.name", lang): frame[name_column],
            t("table.value", lang): frame["value"].round(2),
            t("table.ci_low", lang): frame["ci_low"].round(2),
            t("table.ci_high", lang): frame["ci_high"].round(2),
            t("table.n", lang): frame["n"].round(0).astype("Int64"),
            t("table.n_eff", lang): frame["n_eff"].round(0).astype("Int64"),
            t("table.reliability", lang): [reliability_text(row, lang) for _, row in frame.iterrows()],
            t("table.flags", lang): frame["flags"].map(lambda f: flag_text(f, lang)),
        }
    )


def source_columns(sources: pd.Series | list) -> tuple[list[str], list[str]]:
    """(texts, links) of published sources, each source in one of them: an http(s) URL fit to be a link
    (`i18n.markup.safe_url`) in `links` (its text ''), any other source (free text, javascript:, a relative
    or credentialed address…) in `texts` as typed (its link ''). Texts go in a plain-text column, links in a
    link column: nothing taken from data becomes a link unless it is a checked http(s) URL."""
    texts, links = [], []
    for value in sources:
        text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
        url = markup.safe_url(text)
        texts.append("" if url else text)
        links.append(url or "")
    return texts, links


def profile_url(unit_id: str, filters: Filters) -> str:
    """Relative link to a unit's profile that keeps the current filters (for link cells)."""
    return (
        f"profile?lang={filters.lang}&year={filters.year}&geo={filters.geo}&unit={filters.unit_id}"
        f"&focus={unit_id}"
    )


def header(filters: Filters, title_key: str, breaks: bool = True) -> PageHeader:
    """The page title and its notices: generated demo data; re-aggregated geography and the 2022 change."""
    notes = []
    if filters.data_kind == "generated":
        notes.append(Note("warning", t("common.demo_notice", filters.lang)))
    if breaks and filters.reaggregated:
        notes.append(Note("info", t("common.reaggregated_notice", filters.lang, year=filters.year)))
    if filters.partial:
        k, n = filters.coverage
        notes.append(Note("warning", t("common.partial_notice", filters.lang, year=filters.year, k=k, n=n)))
    if breaks and filters.year >= 2022:
        notes.append(Note("caption", t("common.methodology_2022_note", filters.lang)))
    return PageHeader(t(title_key, filters.lang), notes)


def coverage_text(filters: Filters) -> str | None:
    """'63/63 tỉnh, thành phố' — the provinces a national or regional figure of the wave rests on (None when
    the wave does not say, e.g. published figures only)."""
    k, n = filters.coverage
    if not n or filters.data_kind == "published_only":
        return None
    return t("common.coverage", filters.lang, k=k, n=n)


def span_source_key(key: StoreKey, years: object) -> str:
    """The source of a figure spanning `years`: demo data when every wave is generated, the imported survey
    when none is, else both (each row's source is in its file's source column)."""
    waves = source.waves(key)
    kinds = set(waves.loc[waves["year"].isin({int(y) for y in years}), "data_kind"])
    if kinds <= {"generated"}:
        return "common.source_demo"
    return "common.source_mixed" if "generated" in kinds else "common.source_survey"


def partial_waves_note(key: StoreKey, years: object, filters: Filters) -> Note | None:
    """A warning naming the partial waves (`Filters.partial`) among `years` other than the filters' own
    (whose page header already says so): for views that span several waves."""
    partial = []
    for year in sorted({int(y) for y in years}):
        k, n = source.coverage(key, year)
        if year != filters.year and 0 < k < n:
            partial.append(t("common.partial_wave_item", filters.lang, year=year, k=k, n=n))
    if not partial:
        return None
    return Note("warning", t("common.partial_waves", filters.lang, waves="; ".join(partial)))


def n_caption(
    filters: Filters, n: float | None, source_key: str | None = None, *, span: bool = False, **extra: object
) -> str:
    """Caption text: respondents, the provinces covered (national views, and any view of a partial wave)
    and the source (`source_key`, default: generated demo data for a demo wave, else the imported survey).
    `span`: the figure spans several waves, so one wave's coverage does not apply (give its source from
    `span_source_key`)."""
    parts = []
    if n is not None and not pd.isna(n):
        parts.append(t("common.n_respondents", filters.lang, n=fmt_number(n, filters.lang, 0)))
    covered = None if span else coverage_text(filters)
    if covered and (filters.is_nation or filters.partial):
        parts.append(covered)
    if source_key is None:
        source_key = "common.source_demo" if filters.data_kind == "generated" else "common.source_survey"
    parts.append(t(source_key, filters.lang, **extra))
    return " · ".join(parts)


def slug(text: str) -> str:
    """A file-name-safe slug (ASCII letters and digits, dashes)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "chart"


def chart(
    key: str, figure: go.Figure, data: pd.DataFrame, caption: str, filters: Filters, selectable: bool = False
) -> Chart:
    """A Chart part with a file stem that says what and when: sipas-<key>-<year>-<unit>."""
    stem = slug(f"sipas-{key}-{filters.year}-{filters.unit_id}".lower())
    return Chart(key, figure, data.reset_index(drop=True), caption, stem, selectable)
