"""Global filters (language, year, geography, unit): sidebar widgets, session state and the URL.

The entry point renders the widgets on every run, so their keyed state survives page switches; the
filters are mirrored into the query string (?lang=vi&year=2024&geo=63&unit=P63-01) so a view can be
shared by link.
"""

from __future__ import annotations

import streamlit as st

from content import source
from content.filters import GEOGRAPHIES, NATIONAL, Filters
from content.units import province_ids, translate_unit, unit_names
from i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from ui import data_access as da

__all__ = ["NATIONAL", "Filters", "current", "sidebar_filters"]


def _from_query(key: str, allowed: list[str]) -> str | None:
    value = st.query_params.get(key)
    return value if value in allowed else None


def sidebar_filters() -> Filters:
    """Render the global filters in the sidebar and return them; called once per run by app.py."""
    state = st.session_state
    key = da.db_key()
    waves = source.waves(key)
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
        options = [NATIONAL, *province_ids(key, geo)]
        if "unit" not in state:
            state["unit"] = _from_query("unit", options) or NATIONAL
        state["unit"] = translate_unit(key, state["unit"], geo)
        if state["unit"] not in options:
            state["unit"] = NATIONAL
        names = unit_names(key, lang)
        labels = {NATIONAL: t("filters.national", lang)} | {u: names.get(u, u) for u in options[1:]}
        st.selectbox(t("filters.unit", lang), options, key="unit", format_func=labels.__getitem__)
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
