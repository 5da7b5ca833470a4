"""Page-side helpers that turn analysis results into labelled, formatted frames (no SQL here)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import fmt_ci, fmt_number, fmt_pct, t
from ui import data_access as da
from ui.state import Filters, unit_name, unit_names


def results(filters: Filters, year: int | None = None, level: str | None = None) -> pd.DataFrame:
    """Indices for every unit of the filters' level (or `level`) in `year`, with display names."""
    year = filters.year if year is None else year
    frame = da.indices(da.db_key(), year, level or filters.level).copy()
    frame["label"] = frame["unit_id"].map(unit_names(filters.lang)).fillna(frame["unit_id"])
    return frame


def national(filters: Filters, year: int | None = None) -> pd.DataFrame:
    """National indices for `year`."""
    return results(filters, year, "national")


def hover(row: pd.Series, lang: str, name: str | None = None) -> str:
    """Hover text: name, value, CI, n."""
    if "suppressed" in str(row.get("flags", "")):
        return f"<b>{name or row.get('label', '')}</b><br>{t('common.suppressed', lang)}"
    lines = [
        f"<b>{name or row.get('label', '')}</b>",
        f"{fmt_pct(row['value'], lang)}",
        t("common.ci95", lang, ci=fmt_ci(row["ci_low"], row["ci_high"], lang)),
        t("common.n_respondents", lang, n=fmt_number(row["n"], lang, 0)),
    ]
    return "<br>".join(lines)


def label_indices(frame: pd.DataFrame, filters: Filters, year: int | None = None) -> pd.DataFrame:
    """Add the index name (`index_name`) and level (`index_level`) in the chosen language."""
    labels = da.labels(da.db_key(), filters.year if year is None else year).set_index("index_code")
    name_col = "name_vi" if filters.lang == "vi" else "name_en"
    out = frame.copy()
    out["index_name"] = out["index_code"].map(labels[name_col]).fillna(out["index_code"])
    out["index_level"] = out["index_code"].map(labels["level"])
    out["position"] = out["index_code"].map(labels["position"])
    return out.sort_values("position")


def display_table(frame: pd.DataFrame, filters: Filters, name_column: str) -> pd.DataFrame:
    """A sortable table with translated column headers (numbers stay numbers)."""
    lang = filters.lang
    out = pd.DataFrame(
        {
            t("table.name", lang): frame[name_column],
            t("table.value", lang): frame["value"].round(2),
            t("table.ci_low", lang): frame["ci_low"].round(2),
            t("table.ci_high", lang): frame["ci_high"].round(2),
            t("table.n", lang): frame["n"],
            t("table.n_eff", lang): frame["n_eff"].round(0),
            t("table.flags", lang): frame["flags"].map(lambda f: flag_text(f, lang)),
        }
    )
    return out


def flag_text(flags: str, lang: str) -> str:
    """Translate comma-separated result flags."""
    return ", ".join(t(f"flags.{f}", lang) for f in str(flags).split(",") if f)


def fmt_value(value: float, lang: str) -> str:
    """An index value as a percentage in the chosen language."""
    return fmt_pct(value, lang)


def unit_display(unit_id: str, filters: Filters) -> str:
    """Unit name in the chosen language."""
    return unit_name(unit_id, filters.lang)


def profile_url(unit_id: str, filters: Filters) -> str:
    """Relative link to a unit's profile that keeps the current filters (for LinkColumn cells)."""
    return f"profile?lang={filters.lang}&year={filters.year}&geo={filters.geo}&unit={filters.unit_id}&focus={unit_id}"


def profile_column(lang: str) -> dict:
    """column_config entry that shows the `profile` column (from `profile_url`) as an "open profile" link."""
    return {
        "profile": st.column_config.LinkColumn(
            t("table.profile", lang), display_text=t("table.open_profile", lang)
        )
    }
