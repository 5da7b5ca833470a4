"""What a downloaded file holds: the data of a chart or table in the chosen language, rounded as displayed,
with a header block that says what it is (title, unit, year, source, demo notice).

    export_frame(data, lang)      known columns renamed through the catalogue (`export.columns.<name>`),
                                  percentages rounded to 2 decimals, n and effective n to whole numbers,
                                  result flags in words, hover/markup columns dropped; names AND codes kept
    export_header(...)            [(label, text)]: the block above the table in XLSX, columns in CSV

No Streamlit: the screen (`ui.components`) and the coming briefing exports use the same functions.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.reliability import reliability
from content.filters import Filters
from content.source import StoreKey
from content.units import unit_name
from i18n import has, t

# columns that are presentation only (HTML hover text, plotting helpers)
DROPPED = frozenset({"hover", "hovertext", "customdata", "text", "colour", "color", "symbol", "position"})
WHOLE = frozenset({"n", "n_eff", "n_valid", "n_psu", "respondents", "rank", "rank_low", "rank_high"})
# text columns holding codes, shown by name: column -> catalogue prefix of the names
CODED = {"quadrant": "drivers.quadrants."}
_TAGS = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Figure title markup (<br>, <sup>, <b>) as plain text: '<b>A</b><br><sup>B</sup>' -> 'A — B'."""
    return re.sub(r"\s+", " ", _TAGS.sub(" ", text.replace("<br>", " — "))).strip(" —")


def column_label(name: str, lang: str) -> str:
    """The header of a data column in `lang` (catalogue `export.columns.<name>`; unknown names unchanged)."""
    key = f"export.columns.{name}"
    return t(key, lang) if has(key, lang) else name


def export_frame(data: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The data as a reader gets it: translated headers, rounded as displayed, flags in words, reliability
    added where the data has a value with its interval."""
    out = data.drop(columns=[c for c in data.columns if str(c) in DROPPED]).copy()
    if {"value", "ci_low", "ci_high"} <= set(out.columns) and "reliability" not in out.columns:
        flags = out["flags"] if "flags" in out.columns else pd.Series("", index=out.index)
        levels = [
            reliability(v, lo, hi, str(f))
            for v, lo, hi, f in zip(out["value"], out["ci_low"], out["ci_high"], flags, strict=True)
        ]
        out["reliability"] = [t(f"reliability.short_{level}", lang) for level in levels]
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
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            continue
        if str(column) in WHOLE or str(column).startswith("n_"):
            out[column] = series.round(0).astype("Int64")
        elif pd.api.types.is_float_dtype(series):
            out[column] = series.round(2)
    out.columns = [column_label(str(c), lang) for c in out.columns]
    return out


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
    """The block that says what a file is: title, unit, year (and geography), source, demo-data notice."""
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
        rows.append((t("export.source", lang), plain(source_text)))
    if filters.data_kind == "generated":
        rows.append((t("export.notice", lang), t("common.demo_notice", lang)))
    return rows
