"""What a downloaded file holds: the data of a chart or table in the chosen language, rounded as displayed,
with a header block that says what it is (title, unit, year, source, demo notice).

    export_frame(data, lang)      known columns renamed through the catalogue (`export.columns.<name>`),
                                  percentages rounded to 2 decimals (shares of R² turned into %: 100·φ/R²),
                                  odds ratios to 3, coefficients to 4, p-values to 4 significant digits, n and
                                  effective n to whole numbers, flags, codes and yes/no in words,
                                  hover/markup columns dropped; names AND codes kept; reliability added where
                                  the data has a value with its interval, the source of each row where the data
                                  says it (flags: generated or not) or the caller gives it
    table_export(frame, links)    a shown table: profile links become the unit's code beside its name
    export_header(...)            [(label, text)]: the block above the table in XLSX, columns in CSV
    number_format(label, series)  the spreadsheet number format of an exported column

No Streamlit: the screen (`ui.components`) and the coming briefing exports use the same functions.
"""

from __future__ import annotations

import html
import math
import re
from functools import cache

import pandas as pd

from analysis.reliability import reliability
from content.filters import Filters
from content.source import StoreKey
from content.units import unit_name
from i18n import LANGUAGES, catalogue, has, markup, t

# columns that are presentation only (HTML hover text, plotting helpers)
DROPPED = frozenset({"hover", "hovertext", "customdata", "text", "colour", "color", "symbol", "position"})
WHOLE = frozenset(
    {"n", "n_eff", "n_valid", "n_psu", "respondents", "rank", "rank_low", "rank_high", "rank_of"}
)
# shares (0–1) in the chart data that the screen and the files show in % (100·φ_j/R²)
SHARES = frozenset({"importance", "importance_low", "importance_high"})
# decimals of columns not on the percent scale (everything else that is a fraction: 2 decimals, as shown)
DECIMALS = {
    "odds_ratio_per_10_points": 3,
    "or_low": 3,
    "or_high": 3,
    "coefficient": 4,
    "se": 4,
    "r2_contribution": 4,
}
P_VALUES = frozenset({"p_value"})  # kept to 4 significant digits: 2 decimals would turn most into 0
# text columns holding codes, shown by name: column -> catalogue prefix of the names
CODED = {"quadrant": "drivers.quadrants.", "series": "export.series."}
# spreadsheet number formats by data column (other numbers: see `number_format`)
FORMATS: dict[str, str] = {
    "year": "0",
    **dict.fromkeys(WHOLE, "#,##0"),
    **{name: "0." + "0" * decimals for name, decimals in DECIMALS.items()},
    "p_value": "0.000",
}
_TAGS = re.compile(r"<[^>]+>")
_ESCAPED = re.compile(r"\\([" + re.escape(markup.SPECIAL) + "])")
_HELD = 0xE000  # start of the private-use characters that hold escaped ones in `plain`


def plain(text: str) -> str:
    """A title or caption as plain text: figure title markup (HTML) without its tags and entities, the title
    and its subtitle (from the first '<br><sup>') joined by ' — ', the line breaks of wrapped lines as
    spaces: '<b>A</b><br><sup>B<br>C</sup>' -> 'A — B C'; markdown escapes of a table title or a caption
    undone ('Bà Rịa \\- Vũng Tàu' -> 'Bà Rịa - Vũng Tàu', `i18n.markup`)."""
    # escaped characters are held aside (as private-use characters) so an escaped '<' never opens a tag
    held = _ESCAPED.sub(lambda m: chr(_HELD + ord(m.group(1))), text)
    head, sep, tail = held.partition("<br><sup>")
    pieces = [head, f"<sup>{tail}" if sep else ""]
    lines = [re.sub(r"\s+", " ", _TAGS.sub(" ", p.replace("<br>", " "))).strip() for p in pieces]
    joined = html.unescape(" — ".join(line for line in lines if line))
    released = re.sub(f"[{chr(_HELD)}-{chr(_HELD + 0x7F)}]", lambda m: chr(ord(m.group()) - _HELD), joined)
    return released.replace(markup.JOINER, "")  # the invisible joiners `markup.md` puts in


def column_label(name: str, lang: str) -> str:
    """The header of a data column in `lang` (catalogue `export.columns.<name>`; unknown names unchanged)."""
    key = f"export.columns.{name}"
    return t(key, lang) if has(key, lang) else name


def caption_source(caption: str, lang: str) -> tuple[str | None, str]:
    """A chart caption split into its source (the ' · ' segment that starts with 'Nguồn:', without that
    label) and the other segments ('n = 1.084 người trả lời · …'); no source segment gives (None, caption)."""
    prefix = f"{t('export.source', lang)}:"
    segments = [s.strip() for s in plain(caption).split(" · ") if s.strip()]
    sources = [s for s in segments if s.startswith(prefix)]
    if not sources:
        return None, " · ".join(segments)
    rest = " · ".join(s for s in segments if s not in sources)
    return sources[0][len(prefix) :].strip(), rest


def row_source(flags: object, lang: str) -> str:
    """Where a row's figures come from, by its result flags: generated demo data or imported survey data."""
    generated = "generated" in str(flags).split(",")
    return t("export.sources.generated" if generated else "export.sources.survey", lang)


def _significant(value: float, digits: int = 4) -> float:
    """`value` rounded to `digits` significant digits (p = 3.6972e-21 stays 3.697e-21, not 0)."""
    if value is None or pd.isna(value) or value == 0 or math.isinf(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def export_frame(data: pd.DataFrame, lang: str, source: str | None = None) -> pd.DataFrame:
    """The data as a reader gets it: translated headers, rounded as displayed, flags and codes in words,
    reliability added where the data has a value with its interval, and a source column: from `source` (a
    caption or a source text) when given, else per row from the flags (generated demo data or not)."""
    out = data.drop(columns=[c for c in data.columns if str(c) in DROPPED]).copy()
    if {"value", "ci_low", "ci_high"} <= set(out.columns) and "reliability" not in out.columns:
        flags = out["flags"] if "flags" in out.columns else pd.Series("", index=out.index)
        levels = [
            reliability(v, lo, hi, str(f))
            for v, lo, hi, f in zip(out["value"], out["ci_low"], out["ci_high"], flags, strict=True)
        ]
        out["reliability"] = [t(f"reliability.short_{level}", lang) for level in levels]
    if "source" not in out.columns:
        if source:
            out["source"] = caption_source(source, lang)[0] or plain(source)
        elif "flags" in out.columns:
            out["source"] = out["flags"].map(lambda f: row_source(f, lang))
    if "flags" in out.columns:
        out["flags"] = out["flags"].map(
            lambda f: ", ".join(
                t(f"flags.{x}", lang) for x in str(f).split(",") if x and has(f"flags.{x}", lang)
            )
        )
    for column, prefix in CODED.items():
        if column in out.columns:
            out[column] = out[column].map(
                lambda v, p=prefix: t(f"{p}{v}", lang) if has(f"{p}{v}", lang) else v
            )
    present = [c for c in out.columns if str(c) in SHARES]
    as_shares = bool(present) and all(out[c].dropna().abs().le(1).all() for c in present)
    for column in out.columns:
        series, name = out[column], str(column)
        if pd.api.types.is_bool_dtype(series):
            out[column] = series.map(lambda v: t("export.yes" if v else "export.no", lang))
            continue
        if not pd.api.types.is_numeric_dtype(series):
            continue
        if name in SHARES and as_shares:
            series = 100 * series
        if name in WHOLE or name.startswith("n_"):
            out[column] = series.round(0).astype("Int64")
        elif name in P_VALUES:
            out[column] = series.map(_significant)
        elif pd.api.types.is_float_dtype(series):
            out[column] = series.round(DECIMALS.get(name, 2))
    out.columns = [column_label(str(c), lang) for c in out.columns]
    return out


@cache
def _label_formats() -> dict[str, str]:
    """Number format by exported column header, in both languages: FORMATS, else '0.00' (the percent scale
    of every other catalogued number: values, intervals, changes)."""
    names = {k.removeprefix("export.columns.") for k in catalogue("vi") if k.startswith("export.columns.")}
    return {column_label(name, lang): FORMATS.get(name, "0.00") for name in names for lang in LANGUAGES}


def _is_year(label: str, series: pd.Series) -> bool:
    """A column of survey years: named so ('Năm', 'Year') and every value in 1900–2100."""
    named = label.strip().lower() in {column_label("year", lang).lower() for lang in LANGUAGES}
    return named and bool(series.dropna().between(1900, 2100).all())


def number_format(label: str, series: pd.Series) -> str | None:
    """The spreadsheet number format of an exported column, None for text: by the column's header where the
    catalogue knows it (years '0', counts and ranks '#,##0', p-values and odds ratios '0.000', coefficients
    '0.0000', other numbers '0.00' or '#,##0' when whole), else by its values: whole numbers '#,##0' (years '0'), decimals '0.00' (percentages and their
    intervals), '0.000' or '0.0000' when the values carry 3 or 4 decimals."""
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    integer = pd.api.types.is_integer_dtype(series)
    if label in _label_formats():
        fmt = _label_formats()[label]
        return "#,##0" if integer and fmt.startswith("0.") else fmt
    if integer:
        return "0" if _is_year(label, series) else "#,##0"
    values = series.dropna().astype(float)
    for decimals in (2, 3, 4):
        if ((values - values.round(decimals)).abs() < 1e-9).all():
            return "0." + "0" * decimals
    return "0.00"


_FOCUS = re.compile(r"[?&]focus=([^&]+)")


def table_export(frame: pd.DataFrame, links: dict[str, str], lang: str) -> pd.DataFrame:
    """A shown table as a file holds it: the profile-link column (relative URLs, useless in a file) becomes
    the unit's code (`focus=` of the link) in its place, beside the name; other columns as shown."""
    out = frame.copy()
    if "profile" in links and "profile" in out.columns:
        position = list(out.columns).index("profile")
        codes = out.pop("profile").map(lambda url: m.group(1) if (m := _FOCUS.search(str(url))) else None)
        out.insert(position, t("export.columns.unit_id", lang), codes)
    return out


def export_header(
    key: StoreKey, filters: Filters, title: str, source_text: str | None = None
) -> list[tuple[str, str]]:
    """The block that says what a file is: title, unit (name and code), year, geography, source (the
    caption's source segment; the rest of the caption, e.g. its n, as a caption row), demo-data notice."""
    lang = filters.lang
    unit = t("filters.national", lang) if filters.is_nation else unit_name(key, filters.unit_id, lang)
    rows = [
        (t("export.title", lang), plain(title)),
        (t("export.unit", lang), f"{unit} ({filters.unit_id})"),
        (t("export.year", lang), str(filters.year)),
        (t("export.geography", lang), t(f"filters.geo_{filters.geo}", lang)),
    ]
    if filters.reaggregated:
        rows.append((t("export.note", lang), t("common.reaggregated_notice", lang, year=filters.year)))
    if source_text:
        source, rest = caption_source(source_text, lang)
        rows.append((t("export.source", lang), source or plain(source_text)))
        if source and rest:
            rows.append((t("export.caption", lang), rest))
    if filters.data_kind == "generated":
        rows.append((t("export.notice", lang), t("common.demo_notice", lang)))
    return rows
