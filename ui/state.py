"""Global filters (language, year, geography, unit): sidebar widgets, session state and the URL.

The entry point renders the widgets on every run, so their keyed state survives page switches; the
filters are mirrored into the query string (?lang=vi&year=2024&geo=63&unit=P63-01) so a view can be
shared by link.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data.units import fold
from ui import data_access as da
from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

GEOGRAPHIES = ("63", "34")
NATIONAL = "VN"


@dataclass(frozen=True)
class Filters:
    """What every page reads."""

    lang: str
    year: int
    geo: str  # '63' (before 1 July 2025) or '34'
    unit_id: str  # 'VN' or a province of the chosen geography
    level: str  # unit level for `analysis.engine`: 'province' or 'province34'
    reaggregated: bool  # pre-2025 wave shown on the 34-province geography
    data_kind: str  # 'generated' | 'microdata' | 'published_only'
    methodology_id: str


def _from_query(key: str, allowed: list[str]) -> str | None:
    value = st.query_params.get(key)
    return value if value in allowed else None


def _provinces(geo: str) -> pd.DataFrame:
    units = da.units(da.db_key())
    version = "pre2025" if geo == "63" else "2025"
    frame = units[(units["level"] == "province") & (units["geo_version"] == version)].copy()
    frame["sort_key"] = frame["short_vi"].map(fold)
    return frame.sort_values("sort_key")


def translate_unit(unit_id: str, geo: str) -> str:
    """Carry a selected province across geographies: P63 -> its P34 successor; P34 -> the P63 with its code."""
    if unit_id == NATIONAL or unit_id.startswith("P63-" if geo == "63" else "P34-"):
        return unit_id
    if geo == "34":
        cw = da.crosswalk(da.db_key())
        match = cw[(cw["old_unit_id"] == unit_id) & cw["new_unit_id"].str.startswith("P34-")]
        return match["new_unit_id"].iloc[0] if not match.empty else NATIONAL
    candidate = "P63-" + unit_id.split("-", 1)[1]
    units = da.units(da.db_key())
    return candidate if candidate in set(units["unit_id"]) else NATIONAL


def unit_name(unit_id: str, lang: str) -> str:
    """Display name of a unit in the chosen language."""
    if unit_id == NATIONAL:
        return t("filters.national", lang)
    units = da.units(da.db_key()).set_index("unit_id")
    if unit_id not in units.index:
        return unit_id
    return units.loc[unit_id, "short_vi" if lang == "vi" else "name_en"]


def sidebar_filters() -> Filters:
    """Render the global filters in the sidebar and return them; called once per run by app.py."""
    state = st.session_state
    waves = da.waves(da.db_key())
    years = [int(y) for y in waves["year"]]
    if "lang" not in state:
        state["lang"] = _from_query("lang", list(LANGUAGES)) or DEFAULT_LANGUAGE
    if "year" not in state:
        query_year = _from_query("year", [str(y) for y in years])
        state["year"] = int(query_year) if query_year else max(years)
    lang = state["lang"]
    with st.sidebar:
        st.radio(
            t("filters.language", lang), LANGUAGES, key="lang", horizontal=True,
            format_func=lambda code: t(f"language.{code}", code),
        )  # fmt: skip
        lang = state["lang"]
        st.selectbox(t("filters.year", lang), years[::-1], key="year")
        year = int(state["year"])
        wave = waves[waves["year"] == year].iloc[0]
        geo_options = ["34"] if wave["geo_version"] == "2025" else list(GEOGRAPHIES)
        chosen = state.get("geo") or _from_query("geo", geo_options)
        if chosen not in geo_options:
            chosen = geo_options[0]
        # keyed by its option set: the widget is a different one when 2025 allows only '34'
        geo = st.radio(
            t("filters.geography", lang), geo_options, index=geo_options.index(chosen),
            key=f"geo-{'-'.join(geo_options)}", format_func=lambda g: t(f"filters.geo_{g}", lang),
        )  # fmt: skip
        state["geo"] = geo
        provinces = _provinces(geo)
        options = [NATIONAL, *provinces["unit_id"]]
        if "unit" not in state:
            state["unit"] = _from_query("unit", options) or NATIONAL
        state["unit"] = translate_unit(state["unit"], geo)
        if state["unit"] not in options:
            state["unit"] = NATIONAL
        st.selectbox(t("filters.unit", lang), options, key="unit", format_func=lambda u: unit_name(u, lang))
    reaggregated = geo == "34" and wave["geo_version"] == "pre2025"
    filters = Filters(
        lang=lang,
        year=year,
        geo=geo,
        unit_id=state["unit"],
        level="province34" if geo == "34" else "province",
        reaggregated=reaggregated,
        data_kind=str(wave["data_kind"]),
        methodology_id=str(wave["methodology_id"]),
    )
    st.query_params.update({"lang": lang, "year": str(year), "geo": geo, "unit": filters.unit_id})
    state["filters"] = filters
    return filters


def current() -> Filters:
    """The filters chosen in this run (set by the entry point before the page runs)."""
    return st.session_state["filters"]
