"""Global filters (language, year, geography, unit): sidebar widgets, session state and the URL.

The entry point renders the widgets on every run, so their keyed state survives page switches; the
filters are mirrored into the query string (?lang=vi&year=2024&geo=63&unit=P63-01) so a view can be
shared by link.

Geography follows the year (`content.filters.geography_for`): a wave before 1 July 2025 is shown on the 63
provinces of its time unless the user asks for the re-aggregated 34-province view (the radio, or ?geo=34 in
a link); that choice holds while the user stays in pre-2025 waves and is dropped when the year crosses
the 2025 boundary (2025 exists only on the 34-province map).
"""

from __future__ import annotations

import streamlit as st

from access.scope import PUBLIC, Scope
from content import source
from content.filters import GEOGRAPHIES, NATIONAL, Filters, for_wave, geography_for
from content.units import province_ids, translate_unit, unit_names
from i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from ui import data_access as da

__all__ = ["NATIONAL", "Filters", "current", "sidebar_filters"]


INVALID_KEY = "_sipas_invalid_query"


def _from_query(key: str, allowed: list[str]) -> str | None:
    """The query-string value of `key` when it is one of `allowed`; an unknown value is remembered (the page
    says which parameters fell back to their defaults) and ignored."""
    value = st.query_params.get(key)
    if value is None or value in allowed:
        return value
    invalid = st.session_state.setdefault(INVALID_KEY, [])
    if key not in invalid:
        invalid.append(key)
    return None


def invalid_query() -> list[str]:
    """The query parameters whose values were not valid, once (then forgotten)."""
    return st.session_state.pop(INVALID_KEY, [])


def _geo_clicked(radio_key: str) -> None:
    """The user chose a geography on the radio: an explicit choice (kept while the year stays pre-2025)."""
    st.session_state["geo"] = st.session_state[radio_key]
    st.session_state["geo_explicit"] = True


def _geography(year_geo_version: str) -> str:
    """The geography of this run by `geography_for`, from the last run's geography, its wave's territory and
    whether it was chosen explicitly (first run: ?geo= in the link is an explicit choice); remembers them."""
    state = st.session_state
    if "geo" not in state:
        previous, previous_version = _from_query("geo", list(GEOGRAPHIES)), None
        explicit = previous is not None
    else:
        previous, previous_version = state["geo"], state.get("geo_year_version")
        explicit = bool(state.get("geo_explicit", False))
    geo = geography_for(year_geo_version, previous, previous_version, explicit)
    crossed = previous_version is not None and previous_version != year_geo_version
    state["geo"] = geo
    state["geo_year_version"] = year_geo_version
    state["geo_explicit"] = explicit and not crossed and year_geo_version != "2025"
    return geo


def sidebar_filters(scope: Scope = PUBLIC) -> Filters:
    """Render the global filters in the sidebar and return them (for a viewer of `scope`); called once per run
    by app.py."""
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
        geo = _geography(str(wave["geo_version"]))
        geo_options = ["34"] if wave["geo_version"] == "2025" else list(GEOGRAPHIES)
        # keyed by its option set: the widget is a different one when 2025 allows only '34'; its value is
        # set from the rule before it is drawn, a click goes through `_geo_clicked`
        radio_key = f"geo-{'-'.join(geo_options)}"
        state[radio_key] = geo
        st.radio(
            t("filters.geography", lang), geo_options, key=radio_key, on_change=_geo_clicked, args=(radio_key,),
            format_func=lambda g: t("filters.geo_34_reaggregated" if g == "34" and len(geo_options) > 1
                                    else f"filters.geo_{g}", lang),
        )  # fmt: skip
        options = [NATIONAL, *province_ids(key, geo)]
        if "unit" not in state:
            state["unit"] = _from_query("unit", options) or NATIONAL
        state["unit"] = translate_unit(key, state["unit"], geo)
        if state["unit"] not in options:
            state["unit"] = NATIONAL
        names = unit_names(key, lang)
        labels = {NATIONAL: t("filters.national", lang)} | {u: names.get(u, u) for u in options[1:]}
        st.selectbox(t("filters.unit", lang), options, key="unit", format_func=labels.__getitem__)
    filters = for_wave(lang, year, geo, state["unit"], wave, scope)
    st.query_params.update({"lang": lang, "year": str(year), "geo": geo, "unit": filters.unit_id})
    state["filters"] = filters
    return filters


def current() -> Filters:
    """The filters chosen in this run (set by the entry point before the page runs)."""
    return st.session_state["filters"]
